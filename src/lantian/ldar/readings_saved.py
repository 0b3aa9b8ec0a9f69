"""One signal for every write path of detection readings: after the save commits, the followers learn
which records were written and which work orders they belong to.

Every path that writes ``DetectionRecord`` rows calls ``note_saved`` inside its transaction: the
registered form (the add and edit pages, bulk edit, the API and the walk page all save through
``DetectionRecordForm``) and the import (``DetectionImportSpec.written``). What one transaction notes
is gathered and, once it commits, handed to every follower in ONE call ``fn(record_ids,
work_order_ids)`` — a bulk edit of 500 rows or an import of 100,000 is one call, not one per row. A
rolled-back save calls nobody.

Followers (guard-rail checks, repair tasks) register once at start-up with ``follow_readings(fn)``;
they read the rows by id, so they run in bulk and see the committed state. A follower's failure is
logged and does not stop the others: the readings are saved whatever a follower does.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable

from django.db import DEFAULT_DB_ALIAS, connections, transaction

logger = logging.getLogger(__name__)

Follower = Callable[[frozenset[int], frozenset[int]], object]
_followers: list[Follower] = []


def follow_readings(fn: Follower) -> Follower:
    """Register ``fn(record_ids, work_order_ids)`` to run after each committed save of readings.
    Registering the same function again changes nothing (``ready()`` may run twice in tests)."""
    if fn not in _followers:
        _followers.append(fn)
    return fn


def readings_saved(record_ids: Iterable[int], work_order_ids: Iterable[int | None]) -> None:
    """Tell every follower that these records (of these work orders) were written and committed."""
    records = frozenset(record_ids)
    orders = frozenset(pk for pk in work_order_ids if pk is not None)
    if not records and not orders:
        return
    for fn in list(_followers):
        try:
            fn(records, orders)
        except Exception:  # a follower's failure must not undo or hide a committed save
            logger.exception("readings_saved follower %s failed", getattr(fn, "__qualname__", fn))


class _Batch:
    """What one transaction (at one savepoint level) has noted; delivered once on commit."""

    def __init__(self, using: str):
        self.using = using
        self.records: set[int] = set()
        self.orders: set[int] = set()

    def deliver(self) -> None:
        pending = _pending(self.using)
        if pending.get("batch") is self:
            pending.clear()
        readings_saved(self.records, self.orders)


def _pending(using: str) -> dict:
    connection = connections[using]
    if not hasattr(connection, "_ldar_readings_pending"):
        connection._ldar_readings_pending = {}
    return connection._ldar_readings_pending


def note_saved(record_ids: Iterable[int], work_order_ids: Iterable[int | None], using: str | None = None):
    """Inside the writing transaction: these records were written. Joins the batch this transaction
    already has at the same savepoint level, or opens one that ``transaction.on_commit`` delivers.
    Outside a transaction (autocommit) it is delivered at once."""
    using = using or DEFAULT_DB_ALIAS
    connection = connections[using]
    pending = _pending(using)
    batch = pending.get("batch")
    level = tuple(connection.savepoint_ids)
    # A batch is joined only while its delivery is still queued at this very savepoint level: after a
    # commit it has been delivered, after a rollback Django dropped it (and its ids with it).
    live = (
        batch is not None
        and connection.in_atomic_block
        and pending.get("level") == level
        and any(entry[1] == batch.deliver for entry in connection.run_on_commit)
    )
    if not live:
        batch = _Batch(using)
        if connection.in_atomic_block:
            pending.update(batch=batch, level=level)
    batch.records.update(record_ids)
    batch.orders.update(pk for pk in work_order_ids if pk is not None)
    if not live:
        transaction.on_commit(batch.deliver, using=using)
