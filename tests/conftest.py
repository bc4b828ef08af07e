"""Markers for a fast subset: ``browser``, ``postgres`` and ``slow`` are set here from what a
test uses, so no test can forget its marker. ``./scripts/test`` runs everything;
``./scripts/test -m "not browser and not postgres and not slow"`` is the quick loop."""

from __future__ import annotations

import pytest

BROWSER_FIXTURES = {"browser", "page", "live_server"}
POSTGRES_FIXTURES = {"postgres_url", "pg_engine", "pg_app"}
#: Modules whose tests take seconds each (hypothesis searches, subprocesses, big contracts).
SLOW_MODULES = {"test_properties.py", "test_invalid_files.py", "test_montecarlo.py",
                "test_web_serve.py"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        names = set(getattr(item, "fixturenames", ()))
        if names & BROWSER_FIXTURES:
            item.add_marker(pytest.mark.browser)
        if names & POSTGRES_FIXTURES or "postgres" in item.name:
            item.add_marker(pytest.mark.postgres)
        if item.path.name in SLOW_MODULES:
            item.add_marker(pytest.mark.slow)
