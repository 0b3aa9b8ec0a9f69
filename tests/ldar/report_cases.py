"""Test cases of the report models for the generated tests (tests/generic.py)."""

import itertools

from lantian.ldar.models.reports import ReportLine, StatisticsReport, ThirdPartyReport
from lantian.ldar.reports import generate_lines, prefill
from tests.generic import Case, add_cases
from tests.ldar.cases import detection

SERIAL = itertools.count(1)


def statistics_report(tree) -> StatisticsReport:
    """The tree's first-round summary of ent_a1, generated once per test."""
    if not hasattr(tree, "ldar_statistics_report"):
        d = detection(tree)
        tree.ldar_statistics_report = generate_lines(
            StatisticsReport.objects.create(
                enterprise=tree.ent_a1, kind="first_summary", cycle=d.cycle, year=2026
            )
        )
    return tree.ldar_statistics_report


def third_party_report(tree) -> ThirdPartyReport:
    d = detection(tree)
    report = ThirdPartyReport.objects.filter(cycle=d.cycle).first()
    if report is None:
        report = prefill(
            ThirdPartyReport.objects.create(
                cycle=d.cycle, start=d.cycle.accounting_start, end=d.cycle.accounting_end
            )
        )
    return report


def _more_statistics(tree, n):
    detection(tree)
    for year in itertools.islice(SERIAL, n):
        generate_lines(
            StatisticsReport.objects.create(enterprise=tree.ent_a1, kind="annual_by_unit", year=1900 + year)
        )


def _more_lines(tree, n):
    report = statistics_report(tree)
    ReportLine.objects.bulk_create(
        ReportLine(report=report, position=100 + i, label=f"装置{i}") for i in itertools.islice(SERIAL, n)
    )


def _more_third_party(tree, n):
    from lantian.ldar.models import DetectionCycle

    d = detection(tree)
    for i in itertools.islice(SERIAL, n):
        cycle = DetectionCycle.objects.create(
            enterprise=tree.ent_a1, agency=tree.agency, year=2060 + i % 40, round=1 + i // 40 % 12,
            accounting_start=d.cycle.accounting_start, accounting_end=d.cycle.accounting_end,
        )  # fmt: skip
        prefill(
            ThirdPartyReport.objects.create(
                cycle=cycle, start=cycle.accounting_start, end=cycle.accounting_end
            )
        )


add_cases(
    Case(
        StatisticsReport,
        statistics_report,
        member="agency_admin",
        outsider="ent_a2_admin",
        more=_more_statistics,
    ),
    Case(
        ReportLine,
        lambda tree: statistics_report(tree).lines.first(),
        member="ent_a1_admin",
        outsider="ent_b1_admin",
        more=_more_lines,
        unfiltered=frozenset({"controlled", "inaccessible", "detected", "over_1000", "leak_times"}),
    ),
    Case(
        ThirdPartyReport,
        third_party_report,
        member="ent_a1_admin",
        outsider="ent_a2_admin",
        more=_more_third_party,
        unfiltered=frozenset({"detected", "leaking", "repaired", "delayed"}),
    ),
)
