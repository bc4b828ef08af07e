"""Blueprints: main (form, results, downloads), scenarios, api; error pages."""
