"""The store knows no stage: each module registers its own migrations, and the application names the modules."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from sqlalchemy import inspect

from workflows import database
from workflows.store import schema as store_schema
from workflows.store.db import make_engine, migrate

#: What the store may import from papercast: the shared domain, never a stage (ship, intake, script, audio...).
SHARED = ("workflows.errors", "workflows.states", "workflows.artifacts", "workflows.people", "workflows.registry")

_IMPORT_THE_STORE = """
import importlib, json, pkgutil, sys
import workflows.store
for m in pkgutil.iter_modules(workflows.store.__path__):
    importlib.import_module("workflows.store." + m.name)
print(json.dumps(sorted(n for n in sys.modules if n.split(".")[0] in ("workflows", "bot"))))
"""


def test_importing_the_store_imports_no_stage():
    """Every module of workflows/store imports only the store and the shared domain (errors, states, artifacts)."""
    out = subprocess.run([sys.executable, "-c", _IMPORT_THE_STORE], capture_output=True, text=True, check=True)
    imported = json.loads(out.stdout)
    outside = [n for n in imported if n not in ("workflows", "workflows.store") and not n.startswith("workflows.store.")]
    assert [n for n in outside if not n.startswith(SHARED)] == []


def test_migrate_applies_only_the_named_modules_migrations(tmp_path):
    """The store's own migrations make no ship tables; the application's list adds them, each migration once."""
    engine = make_engine(f"sqlite:///{tmp_path / 'p.db'}")
    try:
        assert migrate(engine, [store_schema]) == [1, 3, 5]
        assert "ship_followups" not in inspect(engine).get_table_names()
        assert database.migrate(engine) == [2, 4]
        assert {"ship_followups", "ship_leader", "episodes"} <= set(inspect(engine).get_table_names())
        assert database.migrate(engine) == []
    finally:
        engine.dispose()


def test_a_fresh_database_gets_every_migration_in_number_order(tmp_path):
    """Whatever module owns a migration, a new database gets them all in ascending number order."""
    engine = make_engine(f"sqlite:///{tmp_path / 'p.db'}")
    try:
        assert database.migrate(engine) == [1, 2, 3, 4, 5]
    finally:
        engine.dispose()


def test_migrate_without_modules_is_refused(tmp_path):
    """Naming no schema module is a wiring mistake, not an empty migration."""
    engine = make_engine(f"sqlite:///{tmp_path / 'p.db'}")
    try:
        with pytest.raises(TypeError, match="schema modules"):
            migrate(engine, [])
    finally:
        engine.dispose()
