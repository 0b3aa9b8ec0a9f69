"""SQL of the triggers that keep a count roll-up (``lantian.ldar.models.rollups``) equal to its source
table on every write, for the migrations that create them.

``target`` has the ``key`` columns under a unique constraint and a count ``n``; it counts the rows of
``source`` (those where the boolean column ``condition`` holds, if one is given) per key. Rows may fall
to zero; readers skip them.

- PostgreSQL: one statement-level trigger per operation over the statement's transition tables, so an
  import of 100,000 rows costs one grouped upsert. Changes are netted per key (an edit outside the key
  writes nothing) and applied in key order (two writers lock the roll-up's rows in the same order).
- SQLite has row-level triggers only: one indexed upsert per row written.
"""

from __future__ import annotations

from dataclasses import dataclass

OPERATIONS = ("insert", "update", "delete")
SQLITE_TRIGGERS = ("insert", "delete", "update_old", "update_new")


@dataclass(frozen=True)
class CountRollup:
    name: str  # the triggers' (and PostgreSQL functions') name prefix
    source: str
    target: str
    key: tuple[str, ...]
    condition: str | None = None

    @property
    def columns(self) -> str:
        return ", ".join(self.key)

    def fill(self) -> str:
        """The rows already in the source."""
        where = f" WHERE {self.condition}" if self.condition else ""
        return (
            f"INSERT INTO {self.target} ({self.columns}, n) "
            f"SELECT {self.columns}, count(*) FROM {self.source}{where} GROUP BY {self.columns}"
        )

    def create(self, vendor: str) -> list[str]:
        if vendor == "postgresql":
            return [self._postgresql(operation) for operation in OPERATIONS]
        if vendor == "sqlite":
            return self._sqlite()
        raise NotImplementedError(f"count roll-up triggers for {vendor}")

    def drop(self, vendor: str) -> list[str]:
        if vendor == "postgresql":
            return [
                f"DROP TRIGGER {self.name}_{operation} ON {self.source}; "
                f"DROP FUNCTION {self.name}_{operation}();"
                for operation in OPERATIONS
            ]
        return [f"DROP TRIGGER {self.name}_{name}" for name in SQLITE_TRIGGERS]

    def _postgresql(self, operation: str) -> str:
        where = f" WHERE {self.condition}" if self.condition else ""
        added = f"SELECT {self.columns}, 1 AS n FROM new_rows{where}"
        removed = f"SELECT {self.columns}, -1 AS n FROM old_rows{where}"
        changes, transitions = {
            "insert": (added, "NEW TABLE AS new_rows"),
            "delete": (removed, "OLD TABLE AS old_rows"),
            "update": (f"{removed} UNION ALL {added}", "OLD TABLE AS old_rows NEW TABLE AS new_rows"),
        }[operation]
        return f"""
CREATE FUNCTION {self.name}_{operation}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO {self.target} ({self.columns}, n)
        SELECT {self.columns}, sum(n) FROM ({changes}) AS changes
        GROUP BY {self.columns} HAVING sum(n) <> 0 ORDER BY {self.columns}
        ON CONFLICT ({self.columns}) DO UPDATE SET n = {self.target}.n + excluded.n;
    RETURN NULL;
END
$$;
CREATE TRIGGER {self.name}_{operation} AFTER {operation.upper()} ON {self.source}
    REFERENCING {transitions} FOR EACH STATEMENT EXECUTE FUNCTION {self.name}_{operation}();
"""

    def _sqlite(self) -> list[str]:
        watched = (*self.key, self.condition) if self.condition else self.key
        changed = " OR ".join(f"old.{column} IS NOT new.{column}" for column in watched)
        values = ", ".join(f"new.{column}" for column in self.key)
        add = (
            f"INSERT INTO {self.target} ({self.columns}, n) VALUES ({values}, 1) "
            f"ON CONFLICT ({self.columns}) DO UPDATE SET n = n + 1"
        )
        matched = " AND ".join(f"{column} = old.{column}" for column in self.key)
        remove = f"UPDATE {self.target} SET n = n - 1 WHERE {matched}"

        def when(row: str, extra: str = "") -> str:
            parts = [f"{row}.{self.condition}"] if self.condition else []
            parts += [f"({extra})"] if extra else []
            return f"WHEN {' AND '.join(parts)} " if parts else ""

        bodies = {
            "insert": ("INSERT", when("new"), add),
            "delete": ("DELETE", when("old"), remove),
            "update_old": ("UPDATE", when("old", changed), remove),
            "update_new": ("UPDATE", when("new", changed), add),
        }
        return [
            f"CREATE TRIGGER {self.name}_{name} AFTER {event} ON {self.source} {condition}BEGIN {body}; END"
            for name, (event, condition, body) in bodies.items()
        ]


def operations(rollup: CountRollup):
    """``RunPython`` callables that create the triggers and fill the roll-up, and drop them again."""

    def forward(apps, schema_editor):
        for statement in rollup.create(schema_editor.connection.vendor):
            schema_editor.execute(statement)
        schema_editor.execute(rollup.fill())

    def backward(apps, schema_editor):
        for statement in rollup.drop(schema_editor.connection.vendor):
            schema_editor.execute(statement)

    return forward, backward
