"""Fixtures shared by the tests in tests/ (the root conftest.py collects the ruleset cases)."""
from tests.postgres import postgres_database, postgres_url  # noqa: F401
