"""The guard rails over stored readings: a work order checked as a whole after its readings are saved
(every write path, through ``readings_saved``), its flags replaced with their evidence, a clean work
order left without a flag, a save never refused, and the flags recomputed by the periodic job after
a rule's parameters change."""

import datetime

import numpy as np
import pytest
from django.urls import reverse

from lantian.core.periodic import run_periodic_job
from lantian.ldar.guardrails_checks import (
    FIELDS,
    check_loose_records,
    check_work_orders,
    loose_rows,
    stale_work_orders,
)
from lantian.ldar.models import DetectionRecord, GuardRailFlag, GuardRailRule, WorkOrderCheck
from tests.ldar.cases import detection
from tests.ldar.factories import moment
from tests.ldar.guardrail_factories import honest_readings, walk
from tests.ldar.test_detection import page_data

pytestmark = pytest.mark.django_db


def rules_of(order) -> list[str]:
    return sorted(GuardRailFlag.objects.filter(work_order=order).values_list("rule", flat=True))


def test_a_clean_work_order_raises_no_flag(tree):
    d = detection(tree)
    walk(d, honest_readings(80))
    check_work_orders([d.order.pk])
    assert rules_of(d.order) == []
    check = WorkOrderCheck.objects.get(work_order=d.order)
    assert (check.records, check.flags) == (82, 0)


def test_readings_heaped_under_the_threshold_are_flagged_with_the_numbers(tree):
    d = detection(tree)
    readings = honest_readings(80)
    readings[::5] = np.linspace(4520, 4990, 16)  # 16 of 80 just under 5000
    walk(d, readings)
    check_work_orders([d.order.pk])
    flag = GuardRailFlag.objects.get(work_order=d.order)
    assert (flag.rule, flag.record_id, flag.record_count) == ("heaped_under_threshold", None, 82)
    assert (flag.evidence["count"], flag.evidence["total"], flag.evidence["threshold"]) == (16, 82, "5000")
    assert (flag.enterprise, flag.agency, flag.cycle) == (tree.ent_a1, tree.agency, d.cycle)
    assert "16" in flag.text and "5000" in flag.text


def test_a_day_without_background_or_calibration_flags_each_reading(tree):
    d = detection(tree)
    records = walk(d, honest_readings(3), start=moment(2026, 4, 9, 9))  # background and calibration: 8 April
    check_work_orders([d.order.pk])
    flags = GuardRailFlag.objects.filter(work_order=d.order)
    assert sorted(flags.values_list("rule", "record_id")) == sorted(
        [("missing_background", r.pk) for r in records] + [("missing_calibration", r.pk) for r in records]
    )
    flag = flags.filter(rule="missing_calibration").first()
    assert flag.evidence == {"instrument": d.instrument.serial_number, "day": "2026-04-09"}


def test_impossible_dwell_and_a_walk_faster_than_a_person(tree):
    d = detection(tree)
    group = d.archive.group
    group.grid_x, group.grid_y = 0.0, 0.0
    group.save()
    far = d.archive.group.__class__.objects.create(
        equipment=d.archive.equipment,
        code="G0099",
        name="远端管线",
        material_name="汽油",
        material_state="gas",
        grid_x=300.0,
        grid_y=400.0,
    )
    first = walk(d, [12.0], dwell=[2.0], start=moment(2026, 4, 8, 14))  # 2 s: below the 5 s dwell
    second = walk(d, [15.0], dwell=[30.0], start=moment(2026, 4, 8, 14, 0, 12), group=far)  # 500 m in 10 s
    check_work_orders([d.order.pk])
    flags = {f.rule: f for f in GuardRailFlag.objects.filter(work_order=d.order)}
    assert set(flags) == {"impossible_times", "fast_walk"}
    assert flags["impossible_times"].record_id == first[0].pk
    assert flags["impossible_times"].evidence["seconds"] == "2"
    walked = flags["fast_walk"]
    assert (walked.record_id, walked.other_record_id) == (second[0].pk, first[0].pk)
    assert (walked.evidence["metres"], walked.evidence["seconds"]) == ("500", "10")


def test_a_new_check_replaces_the_flags_and_loose_readings_get_the_record_rules(tree):
    d = detection(tree)
    walk(d, honest_readings(2), start=moment(2026, 4, 9, 9))
    check_work_orders([d.order.pk])
    assert GuardRailFlag.objects.filter(work_order=d.order).count() == 4
    DetectionRecord.objects.filter(detected_on=datetime.date(2026, 4, 9)).update(work_order=None)
    check_work_orders([d.order.pk])
    assert GuardRailFlag.objects.filter(work_order=d.order).count() == 0
    loose = list(DetectionRecord.objects.filter(work_order=None).values_list("pk", flat=True))
    assert check_loose_records(loose) == 4
    assert GuardRailFlag.objects.filter(work_order=None, record_id__in=loose).count() == 4


def test_loose_readings_are_found_alike_by_the_range_of_their_ids_or_by_the_ids(tree):
    d = detection(tree)
    walk(d, honest_readings(12), start=moment(2026, 4, 9, 9))
    ids = sorted(DetectionRecord.objects.values_list("pk", flat=True))
    DetectionRecord.objects.filter(pk__in=ids[3:10:2]).update(work_order=None)

    def expected(wanted):
        return list(DetectionRecord.objects.filter(pk__in=wanted, work_order=None).values_list(*FIELDS))

    dense = ids[2:9]  # consecutive: read by the range, then kept to the ids asked for
    sparse = [ids[0], ids[5], ids[-1]]  # spread: read by the ids
    assert ids[-1] - ids[0] + 1 > 2 * len(sparse)
    assert sorted(loose_rows(dense)) == sorted(expected(dense)) != []
    assert sorted(loose_rows(sparse)) == sorted(expected(sparse)) != []
    inside = [pk for pk in dense if pk != ids[5]]  # a loose reading inside the range but not asked for
    assert ids[5] not in {row[0] for row in loose_rows(inside)}
    assert sorted(loose_rows(inside)) == sorted(expected(inside))


def test_saving_a_suspicious_reading_is_never_refused_and_is_flagged_after_commit(
    tree, login, django_capture_on_commit_callbacks
):
    d = detection(tree)
    client = login(tree.agency_admin)
    data = page_data(
        d, d.archive.points[0].tag, started_at="2026-04-09T10:00:05", ended_at="2026-04-09T10:00:06"
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("ldar:detectionrecord_add"), data)
    assert response.status_code == 302
    saved = DetectionRecord.objects.get(started_at=moment(2026, 4, 9, 10, 0, 5))
    assert sorted(GuardRailFlag.objects.filter(record=saved).values_list("rule", flat=True)) == [
        "impossible_times",
        "missing_background",
        "missing_calibration",
    ]


def test_a_rule_change_is_rechecked_by_the_periodic_job(tree):
    d = detection(tree)
    readings = honest_readings(80)
    readings[::5] = np.linspace(4520, 4990, 16)
    walk(d, readings)
    check_work_orders([d.order.pk])
    assert rules_of(d.order) == ["heaped_under_threshold"]
    assert stale_work_orders() == []
    rule = GuardRailRule.objects.get(code="heaped_under_threshold")
    rule.parameters = {**rule.parameters, "heap_min_in_band": 20}  # 16 in the band: not enough now
    rule.save()
    assert stale_work_orders() == [d.order.pk]
    assert run_periodic_job("ldar.guardrails_recheck")
    assert rules_of(d.order) == [] and stale_work_orders() == []
    rule.enabled, rule.parameters = False, {}
    rule.save()
    rule.refresh_from_db()
    assert rule.settings().heap_min_in_band == 5  # defaults fill what is not set


def test_deleted_readings_make_the_work_order_stale_for_the_periodic_job(tree):
    d = detection(tree)
    records = walk(d, honest_readings(3), start=moment(2026, 4, 9, 9))
    check_work_orders([d.order.pk])
    assert stale_work_orders() == [] and GuardRailFlag.objects.filter(work_order=d.order).count() == 6
    DetectionRecord.objects.filter(pk=records[0].pk).delete()  # the delete page tells no follower
    assert stale_work_orders() == [d.order.pk]
    assert run_periodic_job("ldar.guardrails_recheck")
    assert stale_work_orders() == [] and GuardRailFlag.objects.filter(work_order=d.order).count() == 4


def test_a_work_order_of_zero_readings_is_flagged_against_the_enterprises_history(tree):
    d = detection(tree)
    readings = honest_readings(40)
    readings[::2] = 0.0  # half of them zero: the instrument was never at the point
    walk(d, readings)
    check_work_orders([d.order.pk])
    flag = GuardRailFlag.objects.get(work_order=d.order)
    assert flag.rule == "zero_readings" and (flag.evidence["count"], flag.evidence["total"]) == (20, 42)
    assert flag.evidence["expected"] == "2"  # no zeros in the enterprise's other readings: the floor


def test_one_zero_reading_is_no_suspicion(tree):
    d = detection(tree)
    readings = honest_readings(40)
    readings[5] = 0.0
    walk(d, readings)
    check_work_orders([d.order.pk])
    assert rules_of(d.order) == []
