"""The fault suites use the shipping fixtures: SQLite, the local website deploying on tick(), services wired to it."""

from tests.ship.conftest import bucket, cdn, db_url, site, svc  # noqa: F401 - fixtures shared with tests/ship/
