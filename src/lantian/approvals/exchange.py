"""The exchange with the 前置库 (``DATABASES["exchange"]``, tables of ``models.exchange``).

``upload``: check every row with the quality rules (the provincial system's own reasons); rows that
fail are held back and marked failed with those reasons; the others that are new, changed or failed
before are written (SJSCZT = 0). ``read_results``: the provincial system's verdicts written back
(SJSCZT = 1, or −1 with SBYY) are read into ``ExchangeRow`` per row. Every exchange is an
``ExchangeBatch``. ``provincial_check`` plays the provincial side for tests, the demo and a test 前置库.
"""

import hashlib
from collections import defaultdict
from datetime import timedelta

from django.db import connections, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lantian.approvals import quality
from lantian.approvals.models import TABLES, ExchangeBatch, ExchangeRow, QualityRun
from lantian.approvals.models.exchange import UPLOAD_ACCEPTED, UPLOAD_FAILED, UPLOAD_WAITING
from lantian.approvals.router import EXCHANGE
from lantian.approvals.standards.quality import check_all
from lantian.core.models import Organization
from lantian.core.periodic import periodic_job

BATCH = 2000


def ensure_tables(using: str = EXCHANGE) -> list[str]:
    """Create the exchange tables the 前置库 lacks (a new or test database); returns those created.

    The statements are collected and run with a plain cursor: SQLite's schema editor refuses to run
    inside a transaction (foreign-key checks), and these tables have no foreign keys to suspend."""
    connection = connections[using]
    present = set(connection.introspection.table_names())
    missing = [model for model in TABLES.values() if model._meta.db_table not in present]
    if not missing:
        return []
    editor = connection.schema_editor(collect_sql=True)
    editor.deferred_sql = []
    for model in missing:
        editor.create_model(model)
    with connection.cursor() as cursor:
        for statement in [*editor.collected_sql, *map(str, editor.deferred_sql)]:
            cursor.execute(statement)
    return [model._meta.db_table for model in missing]


def digest(row: dict) -> str:
    text = "|".join(f"{key}={row[key]}" for key in sorted(row) if key != "SJGXSJ")
    return hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()


def _reasons(findings) -> dict[tuple[str, str], str]:
    reasons = defaultdict(list)
    for finding in findings:
        reasons[(finding.table, finding.key)].append(f"[{finding.rule}] {quality.message(finding)}")
    return {key: "；".join(texts)[:500] for key, texts in reasons.items()}


def upload(bureau, user=None) -> ExchangeBatch:
    ensure_tables()
    checked = quality.check(bureau)
    run, findings = quality.run_quality(bureau, user, QualityRun.Trigger.UPLOAD, checked=checked)
    tables, owner, _findings = checked
    held = _reasons(findings)
    now = timezone.now()
    known = {
        (r.table, r.local_key): r
        for r in ExchangeRow.objects.filter(organization__path__startswith=bureau.path)
    }
    batch = ExchangeBatch.objects.create(
        organization=bureau, direction=ExchangeBatch.Direction.UPLOAD, started_by=user
    )
    to_write: dict[str, list[dict]] = defaultdict(list)
    changed, created = [], []
    for table, rows in tables.items():
        for row in rows:
            key = (table, row["DFSJZJ"])
            state = known.get(key)
            if state is None:
                state = ExchangeRow(organization_id=owner[key], table=table, local_key=row["DFSJZJ"])
                created.append(state)
            else:
                changed.append(state)
            state.organization_id = owner[key]
            if key in held:
                state.state, state.reason, state.checked_at, state.batch = (
                    ExchangeRow.State.FAILED,
                    held[key],
                    now,
                    batch,
                )
                batch.blocked += 1
                continue
            row_digest = digest(row)
            if state.pk and state.digest == row_digest and state.state != ExchangeRow.State.FAILED:
                continue  # unchanged since it was last uploaded
            row["SJGXSJ"] = now
            to_write[table].append(row)
            state.state, state.reason, state.digest, state.batch = (
                ExchangeRow.State.PENDING,
                "",
                row_digest,
                batch,
            )
            state.uploads += 1
            state.uploaded_at = now
            batch.rows += 1
    with transaction.atomic(using=EXCHANGE):
        for table, rows in to_write.items():
            _write(TABLES[table], rows)
    with transaction.atomic():
        ExchangeRow.objects.bulk_create(created, batch_size=BATCH)
        ExchangeRow.objects.bulk_update(
            changed,
            ["organization", "state", "reason", "digest", "uploads", "uploaded_at", "checked_at", "batch"],
            batch_size=BATCH,
        )
        batch.message = f"quality run {run.pk}: {run.findings}"
        batch.save()
    return batch


def _write(model, rows: list[dict]) -> None:
    """Insert or update by DFSJZJ, waiting for the provincial check."""
    manager = model.objects.using(EXCHANGE)
    columns = {f.db_column: f.name for f in model._meta.concrete_fields if f.name != "lsh"}
    for start in range(0, len(rows), BATCH):
        chunk = rows[start : start + BATCH]
        existing = dict(manager.filter(dfsjzj__in=[r["DFSJZJ"] for r in chunk]).values_list("dfsjzj", "lsh"))
        new, updated = [], []
        for row in chunk:
            values = {columns[k]: v for k, v in row.items() if k in columns}
            values.update(sjsczt=UPLOAD_WAITING, sbyy="", sjyxbs=1, sjwxyy="")
            obj = model(**values)
            if row["DFSJZJ"] in existing:
                obj.lsh = existing[row["DFSJZJ"]]
                updated.append(obj)
            else:
                new.append(obj)
        manager.bulk_create(new)
        if updated:
            manager.bulk_update(updated, [name for name in columns.values() if name != "dfsjzj"])


def read_results(bureau, user=None) -> ExchangeBatch:
    """Read the verdicts written back for the bureau's rows waiting or failed."""
    ensure_tables()
    now = timezone.now()
    batch = ExchangeBatch.objects.create(
        organization=bureau, direction=ExchangeBatch.Direction.READBACK, started_by=user
    )
    waiting = defaultdict(dict)
    for row in ExchangeRow.objects.filter(
        organization__path__startswith=bureau.path, state=ExchangeRow.State.PENDING
    ):
        waiting[row.table][row.local_key] = row
    updated = []
    for table, rows in waiting.items():
        keys = list(rows)
        for start in range(0, len(keys), BATCH):
            for key, state, reason in (
                TABLES[table]
                .objects.using(EXCHANGE)
                .filter(dfsjzj__in=keys[start : start + BATCH])
                .exclude(sjsczt=UPLOAD_WAITING)
                .values_list("dfsjzj", "sjsczt", "sbyy")
            ):
                local = rows[key]
                local.checked_at, local.batch = now, batch
                if state == UPLOAD_FAILED:
                    local.state, local.reason = ExchangeRow.State.FAILED, (reason or "")[:500]
                    batch.failed += 1
                else:
                    local.state, local.reason = ExchangeRow.State.ACCEPTED, ""
                    batch.accepted += 1
                updated.append(local)
    batch.rows = len(updated)
    with transaction.atomic():
        ExchangeRow.objects.bulk_update(updated, ["state", "reason", "checked_at", "batch"], batch_size=BATCH)
        batch.save()
    return batch


def provincial_check(
    registered_codes: frozenset[str] | None = None, this_year: int | None = None
) -> tuple[int, int]:
    """The provincial system's side: check the rows waiting (SJSCZT = 0) with the same rules, and, if
    given, that each project code is one the national platform assigned; write 1, or −1 with SBYY.
    Returns (accepted, failed)."""
    ensure_tables()
    this_year = this_year or timezone.localdate().year
    tables = {}
    for name, model in TABLES.items():
        columns = {f.name: f.db_column for f in model._meta.concrete_fields}
        tables[name] = [
            {columns[k]: v for k, v in row.items()}
            for row in model.objects.using(EXCHANGE).filter(sjsczt=UPLOAD_WAITING).values()
        ]
    reasons = _reasons(check_all(tables, this_year))
    if registered_codes is not None:
        for row in tables.get("SPGL_XMJBXXB", ()):
            if row["XMDM"] not in registered_codes:
                key = ("SPGL_XMJBXXB", row["DFSJZJ"])
                text = f"[XMDM] 项目代码{row['XMDM']}未在全国投资项目在线审批监管平台赋码"
                reasons[key] = f"{reasons[key]}；{text}" if key in reasons else text
    accepted = failed = 0
    with transaction.atomic(using=EXCHANGE):
        for name, rows in tables.items():
            manager = TABLES[name].objects.using(EXCHANGE)
            bad = {
                row["DFSJZJ"]: reasons[(name, row["DFSJZJ"])]
                for row in rows
                if (name, row["DFSJZJ"]) in reasons
            }
            for key, reason in bad.items():
                manager.filter(dfsjzj=key).update(sjsczt=UPLOAD_FAILED, sbyy=reason)
            good = [row["DFSJZJ"] for row in rows if row["DFSJZJ"] not in bad]
            for start in range(0, len(good), BATCH):
                manager.filter(dfsjzj__in=good[start : start + BATCH]).update(sjsczt=UPLOAD_ACCEPTED, sbyy="")
            accepted, failed = accepted + len(good), failed + len(bad)
    return accepted, failed


@periodic_job(
    "approvals.exchange_results",
    every=timedelta(minutes=30),
    description=_("Results written back to the 前置库"),
)
def read_results_job(now) -> str:
    """Read the results for every bureau that has rows waiting for them."""
    bureaus = Organization.objects.filter(
        pk__in=ExchangeBatch.objects.filter(
            pk__in=ExchangeRow.objects.filter(state=ExchangeRow.State.PENDING).values("batch")
        ).values("organization")
    )
    batches = [read_results(bureau) for bureau in bureaus]
    failed, accepted = sum(b.failed for b in batches), sum(b.accepted for b in batches)
    return f"{len(batches)} bureaus, {failed} failed, {accepted} accepted"
