"""Preset contracts (YAML) with their own feature files; see :mod:`sharing.audit.presets`."""
