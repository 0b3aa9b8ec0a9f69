"""Test cases of the guard-rail models for the generated tests (tests/generic.py)."""

from lantian.ldar.models import GuardRailFlag, GuardRailRule
from lantian.ldar.models.guardrails import seed_rules
from tests.generic import Case, add_cases
from tests.ldar.cases import _more_detection, detection


def flag_of(d, record, rule="missing_calibration") -> GuardRailFlag:
    return GuardRailFlag(
        enterprise_id=d.cycle.enterprise_id,
        agency_id=d.cycle.agency_id,
        cycle=d.cycle,
        work_order=d.order,
        rule=rule,
        record=record,
        message="Instrument %(instrument)s has no calibration on %(day)s.",
        evidence={"instrument": d.instrument.serial_number, "day": "2026-04-08"},
    )


def flag(tree) -> GuardRailFlag:
    d = detection(tree)
    if not hasattr(d, "flag"):
        d.flag = flag_of(d, d.record)
        d.flag.save()
    return d.flag


def _more_flags(d, n):
    flag(d.tree)
    GuardRailFlag.objects.bulk_create(flag_of(d, d.leak, "missing_background") for _ in range(n))


def rule(tree) -> GuardRailRule:
    seed_rules()
    return GuardRailRule.objects.get(code="heaped_under_threshold")


add_cases(
    Case(
        GuardRailRule,
        rule,
        member="county_a_admin",
        unfiltered=frozenset({"per", "parameter_text", "updated_at"}),
    ),
    Case(
        GuardRailFlag,
        flag,
        member="county_a_admin",
        outsider="county_b_admin",
        more=_more_detection(_more_flags),
        unfiltered=frozenset({"text", "record__tag", "record_count", "found_at"}),
    ),
)
