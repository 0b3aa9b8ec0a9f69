"""The figures on the home pages of enterprises, testing agencies and operations vendors: counted in
the database within the user's scope, each linked to the list that shows the same rows."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from lantian.core.models import ReviewStatus
from lantian.hj212.models import Device
from lantian.ldar.models import SealPoint
from tests.agencies.helpers import document_of, filing_of, instrument_of, put_in, staff_of
from tests.conftest import make_org, make_user
from tests.hj212.cases import make_device, reject
from tests.ldar.factories import Archive, build_branch

pytestmark = pytest.mark.django_db


def figures(response) -> dict[str, dict[str, object]]:
    """panel key → figure label → figure, as the home page shows them."""
    return {
        panel.key: {figure.label: figure for figure in panel.figures} for panel in response.context["panels"]
    }


def values(response) -> dict[str, dict[str, object]]:
    return {
        title: {label: f.value for label, f in shown.items()} for title, shown in figures(response).items()
    }


def seen_now(device):
    Device.objects.filter(pk=device.pk).update(last_seen_at=timezone.now())


@pytest.fixture
def archive(tree):
    return Archive(tree)


def test_an_enterprise_counts_its_own_archive_and_devices_only(tree, login, archive):
    mine, other = make_device(tree.ent_a1), make_device(tree.ent_b1)
    make_device(tree.ent_a1)  # never seen
    seen_now(mine)
    seen_now(other)
    reject(mine)
    reject(other)
    reject(None, "UNKNOWN00000001")
    shown = values(login(tree.ent_a1_admin).get("/"))
    points = SealPoint.objects.filter(enterprise=tree.ent_a1)
    archive_figures = list(shown["ldar.archive"].values())
    assert archive_figures[:6] == [
        1,
        1,
        1,
        3,
        points.filter(is_dynamic=True).count(),
        points.filter(is_dynamic=False).count(),
    ]
    assert sorted(archive_figures[6:]) == [1, 2]  # one pump, two valves; ent_a2's two points are not counted
    assert list(shown["hj212.devices"].values()) == [2, 1, 0, 1, 1]


def test_a_testing_agency_counts_the_archives_of_its_clients_and_its_own_filing(tree, login, archive):
    filing = filing_of(tree.agency)
    soon = timezone.localdate() + datetime.timedelta(days=10)
    staff_of(filing, certificate_valid_until=soon)
    staff_of(filing, name="李娜")
    instrument_of(filing, calibration_due=soon)
    document_of(filing, valid_until=soon - datetime.timedelta(days=30))  # already lapsed
    put_in(filing, ReviewStatus.APPROVED, tree.agency_admin)
    rival = make_org("乙检测公司", "agency", tree.city)
    staff_of(filing_of(rival), certificate_valid_until=soon)
    response = login(tree.agency_admin).get("/")
    shown = values(response)
    assert list(shown["ldar.archive"].values())[:4] == [1, 1, 1, 3]  # client ent_a1 only, not ent_a2
    assert list(shown["agencies.filing"].values()) == [2, 1, 1, 1, 1]
    panel = next(p for p in response.context["panels"] if p.key == "agencies.filing")
    assert str(ReviewStatus.APPROVED.label) in panel.note and filing.cma_valid_until.isoformat() in panel.note


def test_an_operations_vendor_counts_the_devices_of_its_clients(tree, login):
    served, unserved = make_device(tree.ent_b1), make_device(tree.ent_a1)
    seen_now(unserved)
    reject(served)
    shown = values(login(tree.ops).get("/"))
    assert list(shown["hj212.devices"].values()) == [1, 0, 0, 1, 1]
    assert "ldar.archive" not in shown and "agencies.filing" not in shown


@pytest.mark.parametrize("username", ["ent_a1", "agency", "ops"])
def test_every_figure_links_to_a_list_showing_as_many_rows(tree, login, archive, username, django_user_model):
    seen_now(make_device(tree.ent_a1))
    make_device(tree.ent_b1)
    filing = filing_of(tree.agency)
    staff_of(filing, certificate_valid_until=timezone.localdate())
    client = login(django_user_model.objects.get(username=username))
    checked = 0
    for panel in figures(client.get("/")).values():
        for figure in panel.values():
            listing = client.get(figure.url)
            assert listing.status_code == 200, figure.url
            assert listing.context["page_obj"].paginator.count == figure.value, (panel, figure.url)
            checked += 1
    assert checked >= 4


def test_the_home_pages_query_count_does_not_grow_with_rows(tree, login, archive):
    filing = filing_of(tree.agency)
    for user in (tree.ent_a1_admin, tree.agency_admin, tree.ops):
        client = login(user)
        with CaptureQueriesContext(connection) as few:
            assert client.get("/").status_code == 200
        for n in range(5):
            build_branch(tree.ent_a1, f"U{n}{user.pk}", f"装置{n}", points=4)
            seen_now(make_device(tree.ent_a1))
            make_device(tree.ent_b1)
            staff_of(filing, name=f"员工{n}{user.pk}")
        with CaptureQueriesContext(connection) as many:
            client.get("/")
        assert len(many) == len(few), user
        # a few counts per module's panel and to-do provider (ten modules): none per row
        assert len(few) <= 50, [q["sql"] for q in few.captured_queries]
        client.logout()


def test_a_user_without_module_rights_sees_no_module_figures(tree, login, archive):
    clerk = make_user("clerk", tree.ent_a1, "enterprise_admin")
    clerk.roles.clear()
    response = login(clerk).get("/")
    assert response.status_code == 200 and response.context["panels"] == []
