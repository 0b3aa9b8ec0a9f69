"""A small command centre under the test tree's county A: two departments, two grids, one account
per role, and helpers to report and move cases."""

import datetime
import io
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from lantian.cases import actions
from lantian.cases.models import Category, Grid
from lantian.core.models import Organization
from tests.conftest import make_org, make_user

# A Monday in an ordinary working week (no holiday near it).
MONDAY_9 = timezone.make_aware(datetime.datetime(2026, 3, 9, 9, 0))


def photo(name="p.jpg", color=(200, 30, 30)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), color).save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def build_centre(tree) -> SimpleNamespace:
    K = Organization.Kind
    centre = make_org("仁和镇综合执法指挥中心", K.REGULATOR, tree.county_a, "610323")
    street = make_org("仁和镇城管中队", K.DEPARTMENT, centre, "610323")
    works = make_org("仁和镇市政所", K.DEPARTMENT, centre, "610323")
    grid_worker = make_user("gw1", centre, "cases_grid_worker")
    other_worker = make_user("gw2", centre, "cases_grid_worker")
    grid = Grid.objects.create(
        organization=centre, code="610323001001", name="仁和一号网格", worker=grid_worker,
        south=Decimal("34.40"), west=Decimal("107.60"), north=Decimal("34.42"), east=Decimal("107.62"),
    )  # fmt: skip
    return SimpleNamespace(
        tree=tree,
        centre=centre,
        street=street,
        works=works,
        grid=grid,
        grid_worker=grid_worker,
        other_worker=other_worker,
        operator=make_user("operator", centre, "cases_operator"),
        dispatcher=make_user("dispatcher", centre, "cases_dispatcher"),
        street_handler=make_user("street_h", street, "cases_handler"),
        works_handler=make_user("works_h", works, "cases_handler"),
        leader=make_user("leader", centre, "cases_leader"),
    )


@pytest.fixture(autouse=True)
def fresh_cache():
    """Counters kept in the cache (public reports per address) start from zero in every test."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def centre(tree):
    return build_centre(tree)


@pytest.fixture
def login(client):
    """Sign ``client`` in as a user through the login form, signing out whoever was signed in."""
    from tests.conftest import PASSWORD

    def _login(user):
        client.logout()
        response = client.post("/login/", {"username": user.username, "password": PASSWORD})
        assert response.status_code == 302, response.content.decode()[:500]
        return client

    return _login


def minor(code="E0302") -> Category:
    """工地扬尘: standard workflow, handling 1 working day."""
    return Category.objects.get(code=code)


def report(centre, user=None, category=None, at=None, lat="34.410000", lng="107.610000", uploads=(), **extra):
    values = {
        "organization": centre.centre,
        "category": category or minor(),
        "channel": "grid",
        "description": "工地裸土未覆盖，扬尘明显",
        "lat": Decimal(lat) if lat else None,
        "lng": Decimal(lng) if lng else None,
        "address": "仁和镇幸福路 8 号",
        **extra,
    }
    return actions.report_case(
        actions.Report(**values), user or centre.grid_worker, uploads, at=at or MONDAY_9
    )


def run_to_close(centre, case, at=MONDAY_9):
    """Register, dispatch, handle, check and close a standard-workflow case."""
    step = datetime.timedelta(minutes=20)
    case = actions.transition(case, centre.operator, "dispatch", "立案", at=at + step)
    case = actions.transition(case, centre.dispatcher, "handle", "请处置", centre.street, at=at + 2 * step)
    case = actions.transition(case, centre.street_handler, "check", "已覆盖", at=at + 3 * step)
    case = actions.transition(case, centre.grid_worker, "close", "核查属实", at=at + 4 * step)
    return actions.transition(case, centre.operator, "closed", "结案", at=at + 5 * step)
