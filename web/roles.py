"""The web app's roles (issue 19 point 3), in a module of their own so that ``sharing --help``
lists them without importing the database layer (web.users)."""

ROLES = ("negotiator", "finance_officer", "auditor", "admin")
