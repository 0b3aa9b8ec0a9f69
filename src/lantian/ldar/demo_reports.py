"""Demo reports and emissions, from the demo's detection and repair records: each enterprise's
emissions of its latest detection year, its three statistics tables (one awaiting the bureau's review)
and a third-party report for each cycle. Idempotent: what exists is left as it is."""

from __future__ import annotations

import datetime

from django.db import transaction

from lantian.core import review
from lantian.core.models import User
from lantian.ldar.emissions import coefficient_set_for, compute_account
from lantian.ldar.models import DetectionCycle, EmissionAccount, EnterpriseProfile
from lantian.ldar.models.reports import ReportKind, StatisticsReport, ThirdPartyReport
from lantian.ldar.reports import generate_lines, prefill


@transaction.atomic
def build_reports_demo() -> list[str]:
    enterprises = DetectionCycle.objects.order_by().values_list("enterprise_id", flat=True).distinct()
    made = {"accounts": 0, "statistics": 0, "third_party": 0}
    for enterprise_id in enterprises:
        cycles = DetectionCycle.objects.filter(enterprise_id=enterprise_id).order_by("year", "round")
        year = cycles.last().year
        industry = (
            EnterpriseProfile.objects.filter(organization_id=enterprise_id)
            .values_list("industry", flat=True)
            .first()
        )
        account, new = EmissionAccount.objects.get_or_create(
            enterprise_id=enterprise_id,
            start=datetime.date(year, 1, 1),
            end=datetime.date(year, 12, 31),
            defaults={"coefficient_set": coefficient_set_for(industry or "")},
        )
        if new:
            compute_account(account)
            made["accounts"] += 1
        first = cycles.filter(year=year).first()
        for kind, cycle in (
            (ReportKind.FIRST_ROUND_SUMMARY, first),
            (ReportKind.FIRST_ROUND_BY_TYPE, first),
            (ReportKind.ANNUAL_BY_UNIT, None),
        ):
            _report, new = StatisticsReport.objects.get_or_create(
                enterprise_id=enterprise_id, kind=kind, cycle=cycle, year=year
            )
            if new:
                generate_lines(_report)
                made["statistics"] += 1
        for cycle in cycles:
            if not ThirdPartyReport.objects.filter(cycle=cycle).exists():
                prefill(
                    ThirdPartyReport.objects.create(
                        cycle=cycle, start=cycle.accounting_start, end=cycle.accounting_end
                    )
                )
                made["third_party"] += 1
    submitter = User.objects.filter(username="enterprise").first()
    awaiting = StatisticsReport.objects.filter(
        enterprise_id=getattr(submitter, "organization_id", None),
        kind=ReportKind.FIRST_ROUND_SUMMARY,
        status="draft",
    ).first()
    if awaiting is not None and made["statistics"]:
        review.submit(awaiting, submitter)
    return [
        f"LDAR 报告与排放：{made['accounts']} 份排放量核算、{made['statistics']} 份统计报表、"
        f"{made['third_party']} 份第三方检测报告"
    ]
