"""Writing derived columns of many rows at once, faster than ``QuerySet.bulk_update``.

``bulk_update`` builds one ``CASE WHEN pk = … THEN …`` per field and batch: its cost in Python and in
the database grows with the square of the batch. Here PostgreSQL gets one ``UPDATE … FROM unnest(…)``
with an array per column and batch, SQLite one prepared ``UPDATE`` run for every row (``executemany``);
other databases fall back to ``bulk_update``.

``value_rows`` reads many rows of plain columns (timestamps among them) faster on PostgreSQL.
"""

from collections.abc import Mapping, Sequence

from django.db import connections, router
from django.db.models import DateTimeField, Func, Value

BATCH = 20_000
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
            # one array parameter per column: the query text stays short whatever the batch
            assignments = ", ".join([*(f"{name} = v.{name}" for name in names), *shared_sql])
            types = [meta.pk.rel_db_type(connection), *(field.db_type(connection) for field in columns)]
            arrays = ", ".join(f"%s::{db_type}[]" for db_type in types)
            for start in range(0, len(prepared), batch_size):
                batch = prepared[start : start + batch_size]
                cursor.execute(
                    f"UPDATE {table} AS t SET {assignments} "
                    f"FROM unnest({arrays}) AS v({pk_column}, {', '.join(names)}) "
                    f"WHERE t.{pk_column} = v.{pk_column}",
                    [*shared_params, *(list(column) for column in zip(*batch, strict=True))],
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


class LocalTime(Func):
    """A ``timestamptz`` column as naive local time in the zone named (PostgreSQL's ``AT TIME ZONE``)."""

    arg_joiner = " AT TIME ZONE "
    template = "(%(expressions)s)"
    output_field = DateTimeField()

    def __init__(self, column: str, zone: str):
        super().__init__(column, Value(zone))


def value_rows(queryset):
    """The rows of a ``values_list`` queryset of plain columns, as tuples. On PostgreSQL they are read
    with psycopg's own loaders (C when available): Django's ``timestamptz`` loader parses every value
    in Python, the bulk of reading many timestamps. The times are the same instants, aware, in the
    connection's zone (UTC with ``USE_TZ``); only their ``tzinfo`` object differs from Django's."""
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        yield from queryset
        return
    from psycopg.types.datetime import TimestamptzLoader

    sql, params = queryset.query.sql_with_params()
    connection.ensure_connection()
    with connection.connection.cursor() as cursor:
        cursor.adapters.register_loader("timestamptz", TimestamptzLoader)
        cursor.execute(sql, params)
        while batch := cursor.fetchmany(10_000):
            yield from batch
