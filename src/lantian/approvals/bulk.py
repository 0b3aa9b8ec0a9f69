"""Writing derived columns of many rows at once, faster than ``QuerySet.bulk_update``.

``bulk_update`` builds one ``CASE WHEN pk = … THEN …`` per field and batch: its cost in Python and in
the database grows with the square of the batch. Here PostgreSQL gets one ``UPDATE … FROM (VALUES …)``
per batch and SQLite one prepared ``UPDATE`` run for every row (``executemany``); other databases fall
back to ``bulk_update``.
"""

from collections.abc import Mapping, Sequence

from django.db import connections, router

BATCH = 5000
# Fields whose Python values the database drivers take as they are: no per-value preparation.
PLAIN = frozenset(
    {"BooleanField", "CharField", "FloatField", "IntegerField", "PositiveIntegerField", "SmallIntegerField"}
    | {"PositiveSmallIntegerField", "BigIntegerField", "TextField"}
)


def set_columns(
    model, fields: Sequence[str], rows: Sequence[tuple], same: Mapping | None = None, batch_size: int = BATCH
) -> int:
    """Set ``fields`` of the rows given as ``(pk, value of each field…)``, and the fields of ``same`` to
    its values in every one of them; returns the rows written."""
    if not rows:
        return 0
    same = same or {}
    connection = connections[router.db_for_write(model)]
    meta = model._meta
    columns = [meta.get_field(name) for name in fields]
    prepared = rows
    if any(field.get_internal_type() not in PLAIN for field in columns):
        prepared = [
            (
                pk,
                *(
                    field.get_db_prep_save(value, connection)
                    for field, value in zip(columns, values, strict=True)
                ),
            )
            for pk, *values in rows
        ]
    shared = {meta.get_field(name): value for name, value in same.items()}
    shared_sql = [f"{connection.ops.quote_name(field.column)} = %s" for field in shared]
    shared_params = [field.get_db_prep_save(value, connection) for field, value in shared.items()]
    table = connection.ops.quote_name(meta.db_table)
    pk_column = connection.ops.quote_name(meta.pk.column)
    names = [connection.ops.quote_name(field.column) for field in columns]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            assignments = ", ".join(
                [
                    *(
                        f"{name} = CAST(v.{name} AS {field.db_type(connection)})"
                        for name, field in zip(names, columns, strict=True)
                    ),
                    *shared_sql,
                ]
            )
            row_sql = f"({', '.join(['%s'] * (len(columns) + 1))})"
            values_as = f"v({pk_column}, {', '.join(names)})"
            for start in range(0, len(prepared), batch_size):
                batch = prepared[start : start + batch_size]
                cursor.execute(
                    f"UPDATE {table} AS t SET {assignments} "
                    f"FROM (VALUES {', '.join([row_sql] * len(batch))}) AS {values_as} "
                    f"WHERE t.{pk_column} = CAST(v.{pk_column} AS {meta.pk.rel_db_type(connection)})",
                    [*shared_params, *(value for row in batch for value in row)],
                )
        elif connection.vendor == "sqlite":
            assignments = ", ".join([*(f"{name} = %s" for name in names), *shared_sql])
            cursor.executemany(
                f"UPDATE {table} SET {assignments} WHERE {pk_column} = %s",
                [(*values, *shared_params, pk) for pk, *values in prepared],
            )
        else:
            objects = [model(pk=pk, **dict(zip(fields, values, strict=True)), **same) for pk, *values in rows]
            model._base_manager.using(connection.alias).bulk_update(
                objects, [*fields, *same], batch_size=1000
            )
    return len(rows)
