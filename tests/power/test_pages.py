"""Event closure (actions and pages), the to-do centre, the enterprise view, the overview and the
checks page: each as the users who may and may not."""

import datetime

import numpy as np
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from lantian.core.models import Attachment
from lantian.core.todo import items_for
from lantian.power import actions, checks, ingest
from lantian.power.forms import MonitoringPointForm
from lantian.power.models import AlarmEvent, Finding
from tests.power.factories import event_of, plant_of, write_readings

pytestmark = pytest.mark.django_db
Status = AlarmEvent.Status


@pytest.fixture
def event(tree):
    return event_of(plant_of(tree, tree.ent_a1))


def test_closure_explained_then_verified(tree, event):
    with pytest.raises(ValidationError):
        actions.explain(tree.ent_a1_admin, event.pk, "  ")
    with pytest.raises(PermissionDenied):
        actions.explain(tree.ent_a2_admin, event.pk, "检修")  # another enterprise
    with pytest.raises(ValidationError):
        actions.decide(tree.county_a_admin, event.pk, True, "")  # nothing explained yet
    with pytest.raises(ValidationError):
        actions.explain(tree.ent_a1_admin, event.pk, "x" * 2001)
    actions.explain(
        tree.ent_a1_admin, event.pk, "风机检修，已报备", [SimpleUploadedFile("a.txt", b"repair log")]
    )
    event.refresh_from_db()
    assert event.status == Status.EXPLAINED and event.explained_at is not None
    assert Attachment.objects.count() == 1
    with pytest.raises(ValidationError):
        actions.explain(tree.ent_a1_admin, event.pk, "again")
    with pytest.raises(PermissionDenied):
        actions.decide(tree.county_b_admin, event.pk, True, "")  # outside the jurisdiction
    with pytest.raises(PermissionDenied):
        actions.decide(tree.ent_a1_admin, event.pk, True, "")  # the enterprise itself
    actions.decide(tree.county_a_admin, event.pk, True, "")
    event.refresh_from_db()
    assert event.status == Status.VERIFIED and not event.is_open


def test_rejection_needs_a_reason_and_goes_back_to_the_enterprise(tree, event):
    actions.explain(tree.ent_a1_admin, event.pk, "停电")
    with pytest.raises(ValidationError):
        actions.decide(tree.city_admin, event.pk, False, "")
    actions.decide(tree.city_admin, event.pk, False, "无停电记录")
    event.refresh_from_db()
    assert event.status == Status.REJECTED and event.is_open
    actions.explain(tree.ent_a1_admin, event.pk, "补充停电证明")
    event.refresh_from_db()
    assert event.status == Status.EXPLAINED


def test_open_events_in_both_to_do_centres(tree, event):
    assert [item.url for item in items_for(tree.ent_a1_admin)].count(event.get_absolute_url()) == 1
    assert event.get_absolute_url() not in [item.url for item in items_for(tree.county_a_admin)]
    actions.explain(tree.ent_a1_admin, event.pk, "检修")
    assert event.get_absolute_url() not in [item.url for item in items_for(tree.ent_a1_admin)]
    assert event.get_absolute_url() in [item.url for item in items_for(tree.county_a_admin)]
    assert event.get_absolute_url() not in [item.url for item in items_for(tree.county_b_admin)]


def test_event_pages_and_forms(tree, event, client, login):
    login(tree.ent_a1_admin)
    page = client.get(event.get_absolute_url())
    assert (
        page.status_code == 200
        and b"data-explain-form" in page.content
        and b"data-decide-form" not in page.content
    )
    evidence = client.get(reverse("power:event_evidence", args=[event.pk])).json()
    assert len(evidence["minutes"]) == 45 + 60 and evidence["rule"]["code"] == "treatment_stopped_30"
    response = client.post(reverse("power:event_explain", args=[event.pk]), {"explanation": "检修"})
    assert response.status_code == 302
    client.logout()
    login(tree.county_a_admin)
    page = client.get(event.get_absolute_url())
    assert b"data-decide-form" in page.content
    client.post(reverse("power:event_decide", args=[event.pk]), {"decision": "reject", "text": ""})
    event.refresh_from_db()
    assert event.status == Status.EXPLAINED  # a rejection without a reason changes nothing
    client.post(reverse("power:event_decide", args=[event.pk]), {"decision": "verify", "text": "属实"})
    event.refresh_from_db()
    assert event.status == Status.VERIFIED
    client.logout()
    login(tree.county_b_admin)
    assert client.get(event.get_absolute_url()).status_code == 404
    assert client.get(reverse("power:event_evidence", args=[event.pk])).status_code == 404
    assert (
        client.post(reverse("power:event_decide", args=[event.pk]), {"decision": "verify"}).status_code == 404
    )


def test_enterprise_view_shows_current_state_and_curves(tree, client, login):
    site = plant_of(tree, tree.ent_a1)
    now = timezone.now().replace(second=0, microsecond=0)
    write_readings(site.production_point.pk, now - datetime.timedelta(minutes=5), np.full(5, 50.0))
    write_readings(site.treatment_point.pk, now - datetime.timedelta(minutes=5), np.full(5, 2.0))
    login(tree.ent_a1_admin)
    page = client.get(reverse("power:enterprise", args=[tree.ent_a1.pk])).content.decode()
    assert (
        'data-facility="production"' in page
        and 'data-state="running"' in page
        and 'data-state="stopped"' in page
    )
    curves = client.get(reverse("power:enterprise_curves", args=[tree.ent_a1.pk])).json()
    by_kind = {point["kind"]: point for point in curves["points"]}
    assert len(by_kind["production"]["data"]) == 5 and by_kind["production"]["thresholds"][0][1] == 10.0
    assert client.get(reverse("power:my_enterprise")).url == reverse(
        "power:enterprise", args=[tree.ent_a1.pk]
    )
    assert client.get(reverse("power:enterprise", args=[tree.ent_a2.pk])).status_code == 404
    assert client.get(reverse("power:enterprise_curves", args=[tree.ent_b1.pk])).status_code == 404


def test_city_overview(tree, client, login):
    site = plant_of(tree, tree.ent_a1)
    other = plant_of(tree, tree.ent_b1)
    now = timezone.now()
    quarter = ingest.floor_to(now, 900, 8 * 3600) - datetime.timedelta(minutes=15)
    for target in (site, other):
        write_readings(target.production_point.pk, quarter, np.full(15, 50.0))
        write_readings(target.treatment_point.pk, quarter, np.full(15, 1.0))
    ingest.mark_dirty(quarter)
    ingest.rollup()
    event_of(site)
    login(tree.county_a_admin)
    page = client.get(reverse("power:overview"))
    assert page.status_code == 200
    assert page.context["uncovered_count"] == 1  # county A sees its own enterprise only
    assert page.context["open_events"] == 1
    assert [row["count"] for row in page.context["by_district"]] == [1]
    client.logout()
    login(tree.city_admin)
    assert client.get(reverse("power:overview")).context["uncovered_count"] == 2
    client.logout()
    login(tree.agency_admin)
    assert client.get(reverse("power:overview")).status_code == 403


def test_checks_page_runs_for_the_users_own_enterprises(tree, client, login):
    plant_of(tree, tree.ent_a1)
    plant_of(tree, tree.ent_b1)
    day = timezone.localdate() - datetime.timedelta(days=1)
    checks.run_checks(day)
    before = Finding.objects.filter(enterprise=tree.ent_b1).count()
    login(tree.ent_a1_admin)
    page = client.get(reverse("power:checks"))
    assert page.status_code == 200 and b'data-check="no_data_since_networked"' in page.content
    trend = client.get(reverse("power:check_trend")).json()
    assert {series["code"] for series in trend["series"]} >= {"negative_power", "no_points"}
    response = client.post(reverse("power:checks"), {"day": day.isoformat()})
    assert response.status_code == 302
    assert Finding.objects.filter(enterprise=tree.ent_b1).count() == before
    assert client.post(reverse("power:checks"), {"day": "2999-01-01"}).status_code == 302
    visible = client.get(reverse("power:finding_list")).context["page_obj"].object_list
    assert {finding.enterprise_id for finding in visible} == {tree.ent_a1.pk}


def test_a_saved_point_keeps_its_kind_and_offers_only_its_facility(tree):
    site = plant_of(tree, tree.ent_a1)
    point = site.production_point
    form = MonitoringPointForm(instance=point, user=tree.ent_a1_admin, action="change")
    assert form.fields["kind"].disabled
    assert "production_facility" in form.fields and "treatment_facility" not in form.fields

    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data.update(kind="treatment", treatment_facility=site.treatment.pk)
    bound = MonitoringPointForm(data=data, instance=point, user=tree.ent_a1_admin, action="change")
    assert bound.is_valid(), bound.errors
    bound.save()
    point.refresh_from_db()
    assert point.kind == "production" and point.treatment_facility_id is None

    new = MonitoringPointForm(user=tree.ent_a1_admin, action="add")
    assert not new.fields["kind"].disabled and "treatment_facility" in new.fields
