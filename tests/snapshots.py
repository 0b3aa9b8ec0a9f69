"""Copies of an in-memory SQLite test database, put back with SQLite's backup API in milliseconds.

The embedded default runs the suite on in-memory SQLite. There, a transactional test (browser tests,
the gateway's threads) ends with Django's flush, which empties every table and replays post_migrate
(permissions, built-in roles): seconds per test, and the next test starts without what the data
migrations loaded. Copying back the database as it was right after migrating is faster and leaves
every transactional test the same starting point. Other databases keep Django's flush.
"""

import sqlite3

from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connections
from django.test import TransactionTestCase


class SqliteSnapshot:
    def __init__(self, alias: str = DEFAULT_DB_ALIAS):
        self.alias = alias
        self.copy: sqlite3.Connection | None = None

    def _raw(self) -> sqlite3.Connection | None:
        connection = connections[self.alias]
        if connection.vendor != "sqlite" or not connection.is_in_memory_db():
            return None
        connection.ensure_connection()
        return connection.connection

    def take(self) -> bool:
        raw = self._raw()
        if raw is None:
            return False
        self.copy = sqlite3.connect(":memory:", check_same_thread=False)
        raw.backup(self.copy)
        return True

    def restore(self) -> bool:
        raw = self._raw()
        if raw is None or self.copy is None:
            return False
        self.copy.backup(raw)
        return True


migrated = SqliteSnapshot()


def _restore_or_flush(test: TransactionTestCase) -> None:
    """``TransactionTestCase._fixture_teardown`` with the migrated copy in place of the flush."""
    for alias in test._databases_names(include_mirrors=False):
        if alias == DEFAULT_DB_ALIAS and not test.serialized_rollback and migrated.restore():
            continue
        call_command(
            "flush",
            verbosity=0,
            interactive=False,
            database=alias,
            reset_sequences=False,
            allow_cascade=test.available_apps is not None,
            inhibit_post_migrate=test.available_apps is not None
            or (test.serialized_rollback and hasattr(connections[alias], "_test_serialized_contents")),
        )


def install() -> None:
    TransactionTestCase._fixture_teardown = _restore_or_flush
