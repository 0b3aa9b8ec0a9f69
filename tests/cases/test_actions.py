"""The domain actions: who may act at which step, the clock through extension and parking, rework,
send back, cancel, urge and supervise, duplicates at intake, the questionnaire and the periodic job."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from lantian.cases import actions
from lantian.cases.models import Case, CaseEvent
from lantian.cases.periodic import refresh_clocks
from tests.cases.conftest import MONDAY_9, photo, report, run_to_close

MINUTE = datetime.timedelta(minutes=1)


def at(hours=0.0, days=0):
    return MONDAY_9 + datetime.timedelta(days=days, hours=hours)


def dispatched(centre):
    case = report(centre)
    case = actions.transition(case, centre.operator, "dispatch", "立案", at=at(0.1))
    return actions.transition(case, centre.dispatcher, "handle", "请处置", centre.street, at=at(0.2))


def test_a_report_starts_at_the_workflow_start_with_its_limit(centre):
    case = report(centre, uploads=[photo()])
    assert case.number.startswith("AJ20260309") and case.step == "register" and case.state == "open"
    assert case.grid == centre.grid and case.field_worker == centre.grid_worker
    assert case.due_at == at(1)  # the register step: 1 working hour
    event = case.events.get()
    assert event.kind == "report" and event.attachments.count() == 1


def test_only_the_steps_role_acts(centre):
    case = report(centre)
    with pytest.raises(PermissionDenied):
        actions.transition(case, centre.dispatcher, "dispatch", "越权")
    with pytest.raises(ValidationError):
        actions.transition(case, centre.operator, "handle", "跳步")
    case = actions.transition(case, centre.operator, "dispatch", "立案", at=at(0.1))
    with pytest.raises(ValidationError) as missing:
        actions.transition(case, centre.dispatcher, "handle", "未选部门")
    assert "department" in missing.value.message_dict
    case = actions.transition(case, centre.dispatcher, "handle", "请处置", centre.street, at=at(0.2))
    with pytest.raises(PermissionDenied):  # another department's handler does not even see it
        actions.transition(case, centre.works_handler, "check", "不是我们的")
    assert case.department == centre.street
    # E0302 handles in 1 working day (the category's limit, not the workflow's 3 days).
    assert case.due_at == datetime.datetime(2026, 3, 10, 17, 30, tzinfo=case.due_at.tzinfo)


def test_a_stale_form_is_refused(centre):
    case = report(centre)
    actions.transition(case, centre.operator, "dispatch", "立案")
    with pytest.raises(ValidationError):
        actions.transition(case, centre.operator, "verify", "旧页面", expected_step="register")


def test_the_whole_way_records_each_step_in_time(centre):
    case = run_to_close(centre, report(centre))
    assert case.state == "closed" and case.closed_at is not None and case.due_at is None
    moves = list(case.events.filter(kind="transition").values_list("step", "target_step", "on_time"))
    assert moves == [
        ("register", "dispatch", True), ("dispatch", "handle", True), ("handle", "check", True),
        ("check", "close", True), ("close", "closed", True),
    ]  # fmt: skip


def test_a_failed_check_is_rework(centre):
    case = dispatched(centre)
    case = actions.transition(case, centre.street_handler, "check", "已处理", at=at(1))
    case = actions.transition(case, centre.grid_worker, "handle", "仍有裸土", at=at(2))
    assert case.rework_count == 1 and case.step == "handle" and case.department == centre.street


def test_late_handling_is_recorded_as_overdue(centre):
    case = dispatched(centre)
    case = actions.transition(case, centre.street_handler, "check", "迟到", at=at(days=3))
    assert case.events.get(step="handle", kind="transition").on_time is False


def test_extension_moves_the_limit(centre):
    case = dispatched(centre)
    before = case.due_at
    with pytest.raises(PermissionDenied):
        actions.extend(case, centre.street_handler, 1, "days", "来不及")
    with pytest.raises(ValidationError):
        actions.extend(case, centre.dispatcher, 0, "days", "零天")
    case = actions.extend(case, centre.dispatcher, 2, "days", "需要采购苫布", at=at(1))
    assert case.due_at == before + datetime.timedelta(days=2) and case.extension_count == 1
    assert case.events.filter(kind="extend").get().step_due_at == before


def test_parking_stops_the_clock_and_resuming_moves_the_limit(centre):
    case = dispatched(centre)  # due Tuesday 17:30, from Monday 9:12
    case = actions.park(case, centre.dispatcher, "等待产权单位确认", at=at(7.5))  # Monday 16:30
    with pytest.raises(ValidationError):
        actions.transition(case, centre.street_handler, "check", "挂账中")
    # Refreshing the clocks leaves a parked case alone even after its old limit.
    refresh_clocks(at(days=5))
    case.refresh_from_db()
    assert case.clock == "normal"
    # Resumed the next Monday 9:00: 8 working hours (1 on Monday, 7 on Tuesday) were left.
    case = actions.resume(case, centre.dispatcher, "已确认", at=at(days=7))
    assert case.state == "open"
    assert case.due_at == datetime.datetime(2026, 3, 17, 10, 0, tzinfo=case.due_at.tzinfo)


def test_send_back_returns_to_the_previous_step(centre):
    case = dispatched(centre)
    with pytest.raises(ValidationError):
        actions.send_back(case, centre.street_handler, "")
    case = actions.send_back(case, centre.street_handler, "不属于城管中队职责", at=at(1))
    assert case.step == "dispatch"
    case = actions.transition(case, centre.dispatcher, "handle", "改派", centre.works, at=at(1.5))
    assert case.department == centre.works
    assert not Case.objects.restrict(centre.street_handler).filter(pk=case.pk).exists()


def test_urge_supervise_and_cancel(centre):
    case = dispatched(centre)
    case = actions.urge(case, centre.leader, "尽快处理")
    case = actions.supervise(case, centre.leader, "领导督办")
    assert case.urge_count == 1 and case.supervised
    with pytest.raises(PermissionDenied):
        actions.urge(case, centre.grid_worker, "我也催")
    with pytest.raises(PermissionDenied):
        actions.cancel(case, centre.dispatcher, "处置中不能作废")
    fresh = report(centre, lat="34.415", lng="107.615", category=None)
    fresh = actions.cancel(fresh, centre.operator, "重复")
    assert fresh.state == "cancelled" and fresh.due_at is None
    with pytest.raises(ValidationError):
        actions.transition(fresh, centre.operator, "dispatch", "已作废")


def test_duplicates_nearby_of_the_same_class(centre, settings):
    settings.LANTIAN_CASES_DUPLICATE_METERS = 100
    first = report(centre)
    from lantian.cases.models import Category

    category = first.category
    assert actions.find_duplicates(category, first.lat, first.lng, at(1)) == [first]
    # 0.0005° of latitude is about 55 m; 0.002° about 220 m.
    assert actions.find_duplicates(category, float(first.lat) + 0.0005, first.lng, at(1)) == [first]
    assert actions.find_duplicates(category, float(first.lat) + 0.002, first.lng, at(1)) == []
    assert actions.find_duplicates(Category.objects.get(code="E0101"), first.lat, first.lng, at(1)) == []
    assert actions.find_duplicates(category, first.lat, first.lng, at(days=8)) == []
    run_to_close(centre, first)
    assert actions.find_duplicates(category, first.lat, first.lng, at(2)) == []


def test_a_reused_photo_is_flagged(centre):
    first = report(centre, uploads=[photo("a.jpg")])
    second = report(centre, uploads=[photo("same-bytes.jpg")], lat="34.405", lng="107.605")
    third = report(centre, uploads=[photo("b.jpg", color=(10, 200, 10))], lat="34.406", lng="107.606")
    assert not first.photo_reused and second.photo_reused and not third.photo_reused


def test_a_duplicate_report_is_recorded_and_cancelled(centre):
    first = report(centre)
    second = report(centre, duplicate_of=first, user=centre.other_worker)
    assert second.state == "cancelled" and second.duplicate_of == first
    assert first.number in second.events.get(kind="cancel").opinion


def test_bad_reports_are_refused_and_change_nothing(centre):
    from lantian.cases.models import Category

    with pytest.raises(ValidationError):
        report(centre, category=Category.objects.get(code="E03"))  # a major class
    with pytest.raises(ValidationError):
        report(centre, lat="34.41", lng=None, address="")
    with pytest.raises(ValidationError):
        report(centre, lat=None, lng=None, address="")
    with pytest.raises(ValidationError):
        report(centre, uploads=[photo(f"{i}.jpg") for i in range(7)])
    assert not Case.objects.exists() and not CaseEvent.objects.exists()
    with pytest.raises(PermissionDenied):
        report(centre, user=centre.dispatcher)  # dispatchers do not report


def test_the_questionnaire_reopens_a_case_that_is_not_fixed(centre):
    case = run_to_close(centre, report(centre))
    with pytest.raises(ValidationError):
        actions.answer_questionnaire(report(centre, lat="34.405", lng="107.605"), True)
    case = actions.answer_questionnaire(case, False, "还是有扬尘", at=at(3))
    assert case.state == "open" and case.step == "check" and case.closed_at is None
    assert case.field_worker == centre.grid_worker
    with pytest.raises(ValidationError):
        actions.answer_questionnaire(case, True)


def test_the_periodic_job_sets_warning_and_overdue_in_bulk(centre):
    case = dispatched(centre)  # handle: due Tuesday 17:30, warning at 80 % of the working time
    assert refresh_clocks(at(1)) == {"overdue": 0, "warning": 0, "normal": 0}
    refresh_clocks(case.warn_at + MINUTE)
    case.refresh_from_db()
    assert case.clock == "warning"
    refresh_clocks(case.due_at)
    case.refresh_from_db()
    assert case.clock == "overdue"
    case = actions.extend(case, centre.dispatcher, 3, "days", "延期", at=case.due_at + MINUTE)
    assert case.clock == "normal"
