"""The detection process (spec §2): who may record readings (the filing rule and the scope, through the
pages, the API and the import alike), the leak decision stored with each reading, the import by tag,
one work order per plan, and the point-by-point entry page."""

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from openpyxl import Workbook
from rest_framework.test import APIClient

from lantian.core import api
from lantian.core.excel.importing import Importer
from lantian.core.excel.reading import read_sheet
from lantian.core.models import ApiToken, OrganizationLink, ReviewStatus, Role
from lantian.core.registry import registration_for
from lantian.ldar.models import DetectionCycle, DetectionRecord, LeakRuleSet, WorkOrder, WorkPlan
from tests.agencies.helpers import put_in
from tests.ldar.cases import detection
from tests.ldar.detection_factories import record
from tests.ldar.factories import moment

pytestmark = pytest.mark.django_db

HEADERS = [
    "企业名称",
    "年度",
    "轮次",
    "标签号",
    "本底值",
    "检测值",
    "仪器编号",
    "检测人员",
    "开始时间",
    "结束时间",
]


def as_user(user) -> APIClient:
    client = APIClient()
    _token, key = ApiToken.objects.issue(user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def api_list(model) -> str:
    return reverse(f"api:{api.basename(registration_for(model))}-list")


def api_detail(model, pk) -> str:
    return reverse(f"api:{api.basename(registration_for(model))}-detail", args=[pk])


def workbook(rows, headers=HEADERS) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def reading_row(d, tag, reading, minute, background=1.0):
    start = datetime.datetime(2026, 4, 9, 9, minute, 0)
    return [
        d.tree.ent_a1.credit_code,
        2026,
        1,
        tag,
        background,
        reading,
        d.instrument.serial_number,
        "李娜",
        start.strftime("%Y-%m-%d %H:%M:%S"),
        (start + datetime.timedelta(seconds=40)).strftime("%Y-%m-%d %H:%M:%S"),
    ]


def run_import(user, content: bytes, **options):
    return Importer(DetectionRecord, user, **options).run(read_sheet("readings.xlsx", content))


def page_data(d, tag, reading="12.5", **values):
    return {
        "cycle": d.cycle.pk,
        "tag": tag,
        "background": "1.5",
        "reading": reading,
        "instrument": d.instrument.pk,
        "operator": "李娜",
        "started_at": "2026-04-09T10:00:05",
        "ended_at": "2026-04-09T10:00:40",
        **values,
    }


def api_body(d, tag, reading=12.5):
    return {
        "cycle": d.cycle.pk,
        "tag": tag,
        "background": 1.5,
        "reading": reading,
        "instrument": d.instrument.pk,
        "operator": "李娜",
        "started_at": "2026-04-09T10:00:05+08:00",
        "ended_at": "2026-04-09T10:00:40+08:00",
    }


# --- the leak decision ---


def test_net_value_threshold_and_leak_are_stored_with_the_reading(tree):
    d = detection(tree)
    d.record.refresh_from_db()
    assert (d.record.net_value, d.record.threshold, d.record.is_leak) == (pytest.approx(35.3), 5000, False)
    d.leak.refresh_from_db()
    assert (d.leak.net_value, d.leak.threshold, d.leak.is_leak) == (6198.0, 5000, True)
    below = record(d.cycle, d.archive.points[0], 0.5, background=3.0)  # floored at 0
    assert (below.net_value, below.is_leak) == (0.0, False)
    seen = record(
        d.cycle, d.archive.points[0], 3.0, visible_leak=True
    )  # dripping: a leak whatever the reading
    assert seen.is_leak


def test_the_enterprises_rule_set_decides_and_seeds_its_thresholds_from_the_kernel(tree):
    d = detection(tree)
    d.rule_set.rule_set, d.rule_set.volatile_threshold, d.rule_set.other_threshold = "DB44_2367", None, None
    d.rule_set.save()
    assert (d.rule_set.volatile_threshold, d.rule_set.other_threshold) == (500, 100)
    stricter = record(d.cycle, d.archive.points[0], 600.0, background=50.0)  # net 550, light liquid
    assert (stricter.threshold, stricter.is_leak) == (500, True)
    LeakRuleSet.objects.filter(pk=d.rule_set.pk).delete()  # none: GB 37822-2019 general areas
    assert record(d.cycle, d.archive.points[0], 600.0, background=50.0).threshold == 5000


def test_a_retest_is_judged_by_the_threshold_of_its_detection(tree):
    d = detection(tree)
    assert (d.retest.net_value, d.retest.threshold, d.retest.is_leak) == (118.5, 5000, False)
    assert d.retest.seal_point_id == d.leak.seal_point_id and d.retest.agency_id == tree.agency.pk


# --- who may record: the filing rule and the scope, page, API and import alike ---


def test_the_agency_records_through_the_page_the_api_and_the_import(tree, login):
    d = detection(tree)
    tag = d.archive.points[0].tag
    client = login(tree.agency_admin)
    response = client.post(reverse("ldar:detectionrecord_add"), page_data(d, tag))
    assert response.status_code == 302, response.context["form"].errors
    created = DetectionRecord.objects.get(started_at=moment(2026, 4, 9, 10, 0, 5))
    assert (created.seal_point, created.agency, created.enterprise) == (
        d.archive.points[0],
        tree.agency,
        tree.ent_a1,
    )
    assert created.work_order == d.order and created.net_value == 11.0
    body = api_body(d, d.archive.points[1].tag)
    assert as_user(tree.agency_admin).post(api_list(DetectionRecord), body, format="json").status_code == 201
    result = run_import(tree.agency_admin, workbook([reading_row(d, d.archive.points[0].tag, 5400, 30)]))
    assert result.ok and result.created == 1, result.errors


def refuse(tree, d, reason):
    if reason == "no approved filing":
        put_in(d.filing, ReviewStatus.DRAFT)
    else:
        OrganizationLink.objects.filter(provider=tree.agency, client=tree.ent_a1).delete()


def messages_of(errors) -> str:
    return " ".join(str(message) for messages in errors.values() for message in messages)


@pytest.mark.parametrize("reason", ["no approved filing", "not linked"])
def test_an_agency_without_an_approved_filing_or_a_link_records_nothing(tree, login, reason):
    """Page, API and import refuse alike, and write nothing."""
    d = detection(tree)
    refuse(tree, d, reason)
    count = DetectionRecord.objects.count()
    tag = d.archive.points[0].tag
    client = login(tree.agency_admin)
    response = client.post(reverse("ldar:detectionrecord_add"), page_data(d, tag))
    assert response.status_code == 200
    errors = response.context["form"].errors
    if reason == "no approved filing":  # the rule names the agency
        assert tree.agency.name in messages_of(errors)
    else:  # the enterprise's cycle and points are out of its sight
        assert errors["cycle"] or errors["tag"]
    answer = as_user(tree.agency_admin).post(api_list(DetectionRecord), api_body(d, tag), format="json")
    assert answer.status_code == 400
    result = run_import(tree.agency_admin, workbook([reading_row(d, tag, 12, 30)]))
    assert not result.ok
    edit = client.post(
        reverse("ldar:detectionrecord_edit", args=[d.record.pk]), page_data(d, tag, reading="1")
    )
    assert edit.status_code == 200 and edit.context["form"].errors
    assert DetectionRecord.objects.count() == count
    d.record.refresh_from_db()
    assert d.record.reading == 36.5


def test_the_filing_rule_names_the_agency_and_the_enterprise(tree):
    d = detection(tree)
    put_in(d.filing, ReviewStatus.SUBMITTED)
    result = run_import(tree.agency_admin, workbook([reading_row(d, d.archive.points[0].tag, 12, 30)]))
    assert [e.row for e in result.errors] == [2]
    assert tree.agency.name in result.errors[0].message
    OrganizationLink.objects.filter(provider=tree.agency, client=tree.ent_a1).delete()
    put_in(d.filing, ReviewStatus.APPROVED)
    with pytest.raises(ValidationError) as refused:
        record(d.cycle, d.archive.points[0], 10.0).full_clean()
    assert "甲一化工" in str(refused.value)


def test_the_enterprise_reads_but_never_edits_the_agencys_readings(tree, login):
    d = detection(tree)
    client = login(tree.ent_a1_admin)
    assert client.get(d.record.get_absolute_url()).status_code == 200
    assert client.get(reverse("ldar:detectionrecord_edit", args=[d.record.pk])).status_code == 403
    assert (
        client.post(reverse("ldar:detectionrecord_add"), page_data(d, d.archive.points[0].tag)).status_code
        == 403
    )
    token = as_user(tree.ent_a1_admin)
    assert (
        token.patch(api_detail(DetectionRecord, d.record.pk), {"reading": 1}, format="json").status_code
        == 403
    )
    result = run_import(tree.ent_a1_admin, workbook([reading_row(d, d.archive.points[0].tag, 1, 30)]))
    assert not result.ok
    # even a role that grants the change: writes follow the agency, so the row is out of reach (404)
    editor = Role.objects.create(code="ent_detection_editor", name="企业改读数")
    editor.permissions.set(
        Role.objects.get(code="agency_admin").permissions.filter(codename__endswith="_detectionrecord")
    )
    tree.ent_a1_admin.roles.add(editor)
    client = login(tree.ent_a1_admin)
    assert client.get(reverse("ldar:detectionrecord_edit", args=[d.record.pk])).status_code == 404
    token = as_user(tree.ent_a1_admin)
    assert (
        token.patch(api_detail(DetectionRecord, d.record.pk), {"reading": 1}, format="json").status_code
        == 404
    )
    result = run_import(tree.ent_a1_admin, workbook([reading_row(d, d.archive.points[0].tag, 1, 30)]))
    assert not result.ok
    d.record.refresh_from_db()
    assert d.record.reading == 36.5


def test_the_bureau_reads_its_jurisdiction_and_no_further(tree, client, login):
    d = detection(tree)
    assert login(tree.county_a_admin).get(d.record.get_absolute_url()).status_code == 200
    client.logout()
    assert login(tree.county_b_admin).get(d.record.get_absolute_url()).status_code == 404
    client.logout()
    listing = login(tree.ent_a2_admin).get(reverse("ldar:detectionrecord_list"))
    assert listing.context["page_obj"].paginator.count == 0


# --- the import by tag ---


def test_the_import_finds_points_by_tag_and_reports_every_bad_row(tree):
    d = detection(tree)
    d.archive.other_group.code = "G0099"
    d.archive.other_group.save()  # its points are G0099-1, G0099-2 in ent_a2
    points = d.archive.points
    rows = [
        reading_row(d, points[0].tag, 12, 30),
        reading_row(d, "G0012-99", 12, 31),  # no such point
        reading_row(d, points[1].tag, 12, 32),
        reading_row(d, "G0099-1", 12, 33),  # a point of another enterprise
        [
            *reading_row(d, points[0].tag, 12, 34)[:2],
            9,
            *reading_row(d, points[0].tag, 12, 34)[3:],
        ],  # no round 9
    ]
    count = DetectionRecord.objects.count()
    result = run_import(tree.agency_admin, workbook(rows))
    by_row = {(e.row, e.column) for e in result.errors}
    assert {(3, "标签号"), (5, "标签号"), (6, "轮次")} <= by_row
    assert {row for row, _column in by_row} == {3, 5, 6}
    assert "G0012-99" in next(e.message for e in result.errors if e.row == 3)
    assert DetectionRecord.objects.count() == count


def test_importing_the_same_export_again_updates_and_decides_again(tree):
    d = detection(tree)
    tag = d.archive.points[0].tag
    first = run_import(tree.agency_admin, workbook([reading_row(d, tag, 120, 30)]))
    assert first.created == 1
    stored = DetectionRecord.objects.get(seal_point=d.archive.points[0], started_at=moment(2026, 4, 9, 9, 30))
    assert (stored.net_value, stored.is_leak, stored.work_order_id) == (119.0, False, d.order.pk)
    again = run_import(tree.agency_admin, workbook([reading_row(d, tag, 5200, 30)]))
    assert (again.created, again.updated) == (0, 1), again.errors
    stored.refresh_from_db()
    assert (stored.net_value, stored.is_leak, stored.threshold) == (5199.0, True, 5000)


def test_an_agency_imports_only_into_its_own_cycles(tree):
    d = detection(tree)
    from tests.conftest import make_org, make_user

    other = make_org("另一检测公司", "agency", tree.city)
    DetectionCycle.objects.filter(pk=d.cycle.pk).update(agency=other)  # the cycle is another agency's
    result = run_import(tree.agency_admin, workbook([reading_row(d, d.archive.points[0].tag, 12, 30)]))
    assert [(e.row, e.column) for e in result.errors] == [(2, "轮次")]
    assert make_user("other_agency", other, "agency_admin")


def test_the_import_page_takes_an_instrument_export(tree, login):
    d = detection(tree)
    client = login(tree.agency_admin)
    content = workbook([reading_row(d, d.archive.points[0].tag, 7000, 30)])
    response = client.post(
        reverse("ldar:detectionrecord_import"),
        {"file": SimpleUploadedFile("readings.xlsx", content), "missing_parents": "report", "mode": "import"},
    )
    assert response.status_code in (200, 302)
    assert DetectionRecord.objects.filter(is_leak=True, started_at=moment(2026, 4, 9, 9, 30)).exists()


# --- plans and work orders ---


def test_a_plan_is_given_out_once(tree, login):
    d = detection(tree)
    client = login(tree.agency_admin)
    page = client.get(reverse("ldar:workorder_add"))
    assert d.plan.pk not in [
        choice.value for choice, _label in page.context["form"].fields["plan"].choices if choice
    ]
    response = client.post(
        reverse("ldar:workorder_add"),
        {
            "plan": d.plan.pk,
            "inspectors": [tree.agency_admin.pk],
            "issued_on": "2026-04-01",
            "state": "open",
        },
    )
    assert response.status_code == 200 and response.context["form"].errors["plan"]
    with pytest.raises(IntegrityError), transaction.atomic():  # the database refuses it too
        WorkOrder.objects.create(plan=d.plan)
    assert WorkOrder.objects.filter(plan=d.plan).count() == 1


def test_inspectors_are_users_of_the_agency(tree, login):
    d = detection(tree)
    plan = WorkPlan.objects.create(
        cycle=d.cycle,
        area=d.archive.area.unit.areas.create(code="A09", name="罐区"),
        start_date=datetime.date(2026, 5, 1),
        collection_end_date=datetime.date(2026, 5, 9),
    )
    client = login(tree.agency_admin)
    response = client.post(
        reverse("ldar:workorder_add"),
        {"plan": plan.pk, "inspectors": [tree.ent_a1_admin.pk], "issued_on": "2026-04-01", "state": "open"},
    )
    assert response.status_code == 200 and response.context["form"].errors["inspectors"]
    response = client.post(
        reverse("ldar:workorder_add"),
        {"plan": plan.pk, "inspectors": [tree.agency_admin.pk], "issued_on": "2026-04-01", "state": "open"},
    )
    assert response.status_code == 302
    order = WorkOrder.objects.get(plan=plan)
    assert order.number == "2026-1/CJY/A09" and order.enterprise == tree.ent_a1


def test_a_plan_counts_its_points_and_stays_in_the_cycles_enterprise(tree):
    d = detection(tree)
    assert d.plan.points_planned == 3  # the area's valid points, dynamic and static
    plan = WorkPlan(
        cycle=d.cycle,
        area=d.archive.other_group.area,  # ent_a2's
        start_date=datetime.date(2026, 5, 1),
        collection_end_date=datetime.date(2026, 5, 9),
    )
    with pytest.raises(ValidationError) as refused:
        plan.full_clean()
    assert "area" in refused.value.message_dict


# --- the point-by-point entry on a phone ---


def test_the_walk_page_lists_the_points_and_saves_the_next_reading(tree, login):
    d = detection(tree)
    d.retest.delete()
    DetectionRecord.objects.filter(pk=d.leak.pk).delete()
    d.inaccessible.delete()
    client = login(tree.agency_admin)
    url = reverse("ldar:workorder_walk", args=[d.order.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert page.context["point"] == d.archive.points[1]  # the first point without a reading
    html = page.content.decode()
    assert 'id="walk-form"' in html and 'id="walk-tag">G0012-2<' in html
    data = {
        "point": d.archive.points[1].pk,
        "background": "2",
        "reading": "5100",
        "instrument": d.instrument.pk,
        "operator": "李娜",
        "started_at": "2026-04-09T11:00:00",
        "ended_at": "2026-04-09T11:00:35",
    }
    response = client.post(url, data)
    assert response.status_code == 302
    saved = DetectionRecord.objects.get(seal_point=d.archive.points[1])
    assert (saved.net_value, saved.is_leak, saved.work_order) == (5098.0, True, d.order)
    after = client.get(url)
    assert after.context["point"] == d.archive.points[2] and after.context["detected"] == 2


def test_the_walk_page_refuses_bad_input_and_other_organisations(tree, client, login):
    d = detection(tree)
    client = login(tree.agency_admin)
    url = reverse("ldar:workorder_walk", args=[d.order.pk])
    count = DetectionRecord.objects.count()
    response = client.post(
        url,
        {
            "point": d.archive.points[1].pk,
            "background": "1",
            "reading": "abc",
            "instrument": d.instrument.pk,
            "operator": "李娜",
            "started_at": "2026-04-09T11:00:00",
            "ended_at": "2026-04-09T10:00:00",
        },
    )
    assert response.status_code == 200 and response.context["form"].errors["reading"]
    assert DetectionRecord.objects.count() == count
    client.logout()
    assert login(tree.ent_a1_admin).get(url).status_code == 403  # reads, never records
    client.logout()
    assert login(tree.county_b_admin).get(url).status_code == 403


def test_the_seal_points_page_shows_its_readings(tree, login):
    d = detection(tree)
    page = login(tree.ent_a1_admin).get(d.archive.points[1].get_absolute_url())
    html = page.content.decode()
    assert 'id="point-detections"' in html and d.leak.get_absolute_url() in html


def test_the_walk_page_takes_no_reading_at_a_point_recorded_as_inaccessible(tree, login):
    d = detection(tree)
    client = login(tree.agency_admin)
    url = reverse("ldar:workorder_walk", args=[d.order.pk])
    unreachable = d.inaccessible.seal_point
    assert client.get(url, {"point": unreachable.pk}).context["point"] != unreachable
    count = DetectionRecord.objects.count()
    data = {
        "point": unreachable.pk,
        "background": "1",
        "reading": "3",
        "instrument": d.instrument.pk,
        "operator": "李娜",
        "started_at": "2026-04-09T11:00:00",
        "ended_at": "2026-04-09T11:00:35",
    }
    assert client.post(url, data).status_code == 302
    assert DetectionRecord.objects.count() == count
