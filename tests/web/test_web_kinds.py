"""Every registered clause kind has a section in the web form (sharing.kinds, issue 15)."""

from __future__ import annotations

from sharing import kinds


def test_every_kind_has_a_form_section(app):
    from web.formspec import build

    with app.test_request_context("/?lang=en"):
        spec = build()
    text = repr(spec)
    for ck in kinds.KINDS.values():
        assert repr(ck.form_section) in text
