"""Every write path of detection readings tells the followers once per save, after commit: the add and
edit pages, bulk edit, the API, the import and the walk page. A rolled-back save tells nobody."""

import pytest
from django.db import transaction
from django.urls import reverse

from lantian.ldar import readings_saved as hook
from lantian.ldar.models import DetectionRecord
from tests.ldar.cases import detection
from tests.ldar.detection_factories import more_records
from tests.ldar.test_detection import (
    api_body,
    api_list,
    as_user,
    page_data,
    reading_row,
    run_import,
    workbook,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def calls(monkeypatch):
    """The calls the followers receive (the registered followers replaced by a recorder)."""
    received = []
    monkeypatch.setattr(hook, "_followers", [lambda records, orders: received.append((records, orders))])
    return received


def test_the_add_page_tells_once_after_commit(tree, login, calls, django_capture_on_commit_callbacks):
    d = detection(tree)
    client = login(tree.agency_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("ldar:detectionrecord_add"), page_data(d, d.archive.points[0].tag))
    assert response.status_code == 302
    created = DetectionRecord.objects.latest("pk")
    assert calls == [(frozenset({created.pk}), frozenset({d.order.pk}))]


def test_the_edit_page_tells_once(tree, login, calls, django_capture_on_commit_callbacks):
    d = detection(tree)
    client = login(tree.agency_admin)
    data = page_data(
        d, d.record.seal_point.tag, started_at="2026-04-08T09:30:00", ended_at="2026-04-08T09:30:40"
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("ldar:detectionrecord_edit", args=[d.record.pk]), data)
    assert response.status_code == 302, response.context["form"].errors
    assert calls == [(frozenset({d.record.pk}), frozenset({d.order.pk}))]


def test_a_bulk_edit_of_many_rows_tells_once(tree, login, calls, django_capture_on_commit_callbacks):
    d = detection(tree)
    more_records(d, 6)
    pks = list(DetectionRecord.objects.values_list("pk", flat=True))
    assert len(pks) >= 8
    client = login(tree.agency_admin)
    url = reverse("ldar:detectionrecord_bulk_edit")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url, {"pk": pks, "apply": "1", "_apply": ["wind_direction"], "wind_direction": "东"}
        )
    assert response.status_code == 302
    assert set(DetectionRecord.objects.values_list("wind_direction", flat=True)) == {"东"}
    assert calls == [(frozenset(pks), frozenset({d.order.pk}))]


def test_the_api_tells_once(tree, calls, django_capture_on_commit_callbacks):
    d = detection(tree)
    with django_capture_on_commit_callbacks(execute=True):
        answer = as_user(tree.agency_admin).post(
            api_list(DetectionRecord), api_body(d, d.archive.points[1].tag), format="json"
        )
    assert answer.status_code == 201
    assert calls == [(frozenset({answer.json()["id"]}), frozenset({d.order.pk}))]


def test_an_import_of_many_rows_tells_once(tree, calls, django_capture_on_commit_callbacks):
    d = detection(tree)
    more_records(d, 4)
    tags = [p.tag for p in d.archive.group.points.order_by("pk")][:5]
    rows = [reading_row(d, tag, 10 + i, i) for i, tag in enumerate(tags)]
    with django_capture_on_commit_callbacks(execute=True):
        result = run_import(tree.agency_admin, workbook(rows))
    assert result.ok, result.errors
    written = set(DetectionRecord.objects.filter(operator="李娜").values_list("pk", flat=True))
    assert len(written) == 5
    assert calls == [(frozenset(written), frozenset({d.order.pk}))]


def test_a_dry_run_or_a_refused_import_tells_nobody(tree, calls, django_capture_on_commit_callbacks):
    d = detection(tree)
    with django_capture_on_commit_callbacks(execute=True):
        dry = run_import(
            tree.agency_admin, workbook([reading_row(d, d.archive.points[0].tag, 12, 1)]), dry_run=True
        )
        bad = run_import(
            tree.agency_admin,
            workbook([reading_row(d, d.archive.points[0].tag, 12, 2), reading_row(d, "NO-SUCH-1", 12, 3)]),
        )
    assert dry.ok and not bad.ok
    assert calls == []


def test_the_walk_page_tells_once(tree, login, calls, django_capture_on_commit_callbacks):
    d = detection(tree)
    d.retest.delete()
    DetectionRecord.objects.filter(pk=d.leak.pk).delete()
    client = login(tree.agency_admin)
    data = {
        "point": d.archive.points[1].pk,
        "background": "2",
        "reading": "5100",
        "instrument": d.instrument.pk,
        "operator": "李娜",
        "started_at": "2026-04-09T11:00:00",
        "ended_at": "2026-04-09T11:00:35",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("ldar:workorder_walk", args=[d.order.pk]), data)
    assert response.status_code == 302
    saved = DetectionRecord.objects.get(seal_point=d.archive.points[1])
    assert calls == [(frozenset({saved.pk}), frozenset({d.order.pk}))]


def test_a_rolled_back_save_tells_nobody_and_the_next_save_tells_only_its_own(
    calls, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                hook.note_saved([1, 2], [7])
                raise RuntimeError
        except RuntimeError:
            pass
        with transaction.atomic():
            hook.note_saved([3], [8])
            hook.note_saved([4], [None])
    assert calls == [(frozenset({3, 4}), frozenset({8}))]


def test_a_failing_follower_does_not_stop_the_others(monkeypatch, caplog):
    received = []

    def broken(records, orders):
        raise ValueError("boom")

    monkeypatch.setattr(hook, "_followers", [broken, lambda r, o: received.append(r)])
    hook.readings_saved([5], [1])
    assert received == [frozenset({5})] and "boom" in caplog.text


def test_followers_register_once(monkeypatch):
    monkeypatch.setattr(hook, "_followers", [])

    def follower(records, orders):
        pass

    hook.follow_readings(follower)
    hook.follow_readings(follower)
    assert hook._followers == [follower]
