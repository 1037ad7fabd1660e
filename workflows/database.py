"""papercast's database: the store's tables and each stage's, migrated together.

The store (:mod:`workflows.store.db`) knows no stage: every module that owns tables
registers its migrations with ``@migration(number, name)`` in its own ``schema.py``,
and this module, which wires the application, names them. A stage with tables adds
its schema module to :data:`SCHEMA_MODULES`; numbers are one sequence across modules.
"""

from __future__ import annotations

from sqlalchemy import Engine

from workflows.ship import schema as ship_schema
from workflows.store import db
from workflows.store import schema as store_schema

#: The modules whose migrations make papercast's database (applied by number, whichever module owns one).
SCHEMA_MODULES = (store_schema, ship_schema)


def migrate(engine: Engine) -> list[int]:
    """Apply every pending migration of papercast's tables; returns the numbers applied now."""
    return db.migrate(engine, SCHEMA_MODULES)
