"""The approvals big screen: its figures equal counts made here, case by case, on a built dataset;
each user sees their own scope (a department its cases, the bureau its city, another city nothing of
this one); strangers get 401/403; the query count does not grow with the cases; clocks are read, not
recomputed."""

import datetime
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from lantian.approvals import models as m
from lantian.approvals import screen
from lantian.approvals.quality import run_quality
from lantian.approvals.standards import status as S
from lantian.core.models import Organization
from tests.approvals import factories as f
from tests.conftest import make_org, make_user

pytestmark = pytest.mark.django_db
K = Organization.Kind
URL = "approvals:screen_data"


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()  # organisation paths repeat between tests: never reuse another test's answer
    yield
    cache.clear()


def month_start(months_ago: int) -> datetime.date:
    return screen.month_starts(timezone.localdate(), months_ago + 1)[0]


def moment(day: datetime.date, hour=10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def add_case(item, project, **values):
    """A case with its stored clock fields given (as the periodic job leaves them)."""
    defaults = dict(
        code=f"SL{next(f._serial):08d}",
        project=project,
        stage=project.process.stages.get(kind=item.stage) if project else None,
        item=item,
        department=item.department,
        time_limit=item.time_limit,
        limit_unit=item.limit_unit,
        received_at=timezone.now() - timedelta(days=40),
        status=S.HANDLING_START,
        is_open=True,
        clock_state=m.ClockState.NORMAL,
        clock_at=timezone.now(),
    )
    defaults.update(values)
    return m.ItemInstance.objects.create(**defaults)


def closed(status, when, used, state=m.ClockState.NORMAL, overdue_by=0.0):
    return dict(
        status=status,
        is_open=False,
        completed_at=when,
        used_workdays=used,
        clock_state=state,
        overdue_by=overdue_by,
    )


class Dataset:
    """Twelve cases of two departments in two districts (and one without a project)."""

    def __init__(self, world):
        self.world = world
        m.ItemInstance.objects.filter(pk__in=[world.case_planning.pk, world.case_housing.pk]).delete()
        p1 = world.project  # 610302
        p2 = f.project(world.tree.city, division="610323")
        self.p1, self.p2 = p1, p2
        plan, hours, house = (
            world.item_planning,
            f.item(world.planning, "JS-002", m.StageKind.WORKS_PLANNING, 48, m.LimitUnit.WORKHOURS),
            world.item_housing,
        )
        now = timezone.now()
        overdue = dict(clock_state=m.ClockState.OVERDUE)
        self.c1 = add_case(plan, p1, overdue_by=3.0, remaining=-3.0, **overdue)
        self.c2 = add_case(hours, p2, overdue_by=20.0, remaining=-20.0, **overdue)  # 20 / 7 = 2.86 days
        self.c3 = add_case(hours, p1, overdue_by=30.0, remaining=-30.0, **overdue)  # 30 / 7 = 4.29 days
        self.c4 = add_case(plan, p1, clock_state=m.ClockState.WARNING, remaining=1.5)
        self.c5 = add_case(plan, p2, remaining=8.0)
        self.c6 = add_case(plan, p1, **closed(S.APPROVED, now - timedelta(minutes=1), 4.0))
        self.c7 = add_case(
            plan,
            p2,
            **closed(
                S.REJECTED, moment(month_start(2) + timedelta(days=14)), 12.0, m.ClockState.OVERDUE, 2.0
            ),
        )
        self.c8 = add_case(plan, p1, **closed(S.APPROVED, now - timedelta(days=430), 6.0))
        self.c9 = add_case(plan, p1, **closed(S.WITHDRAWN, now - timedelta(days=3), 1.0))
        self.c10 = add_case(house, p2, overdue_by=1.5, remaining=-1.5, **overdue)
        self.c11 = add_case(
            house, p2, **closed(S.APPROVED_TOLERANT, moment(month_start(1) + timedelta(days=10)), 2.0)
        )
        self.c12 = add_case(house, None, remaining=3.0)  # not linked to a project


@pytest.fixture
def data(world):
    return Dataset(world)


def kpi_values(figures) -> list:
    return [k["value"] for k in figures["kpis"]]


def division_name(code):
    from lantian.core.models import Division

    return Division.objects.get(code=code).name


# --- independent counts: one Python pass over the cases the user may see ---


def count_by_hand(cases, today):
    cases = list(cases)
    handled = [c for c in cases if c.status in S.COMPLETED]
    open_ = [c for c in cases if c.is_open]
    first = today.replace(day=1)
    months = screen.month_starts(today, 12)

    def local_month(c):
        return timezone.localtime(c.completed_at).date().replace(day=1)

    def groups(label):
        out = {}
        for c in cases:
            row = out.setdefault(label(c), [0, 0])
            row[0] += c.status in S.COMPLETED
            row[1] += c.clock_state == "overdue"
        return out

    return {
        "kpis": [
            len({c.project_id for c in open_ if c.project_id}),
            len(open_),
            sum(c.clock_state == "warning" for c in open_),
            sum(c.clock_state == "overdue" for c in open_),
            sum(local_month(c) == first for c in handled),
            round(sum(c.used_workdays for c in handled) / len(handled), 1) if handled else "—",
        ],
        "by_division": groups(lambda c: c.project.division.name if c.project else _("(no project)")),
        "by_department": groups(lambda c: c.department.short_name or c.department.name),
        "handled_per_month": [sum(local_month(c) == month for c in handled) for month in months],
        "late_per_month": [
            sum(local_month(c) == month and c.clock_state == "overdue" for c in handled) for month in months
        ],
        "most_overdue": [
            c.code
            for c in sorted(
                (c for c in open_ if c.clock_state == "overdue"),
                key=lambda c: -(c.overdue_by / 7 if c.limit_unit == "workhours" else c.overdue_by),
            )
        ],
    }


def as_groups(series) -> dict:
    handled, overdue = (s["values"] for s in series["series"])
    return {name: [h, o] for name, h, o in zip(series["categories"], handled, overdue, strict=True)}


def test_the_figures_are_the_counts_of_the_cases(data, client, login):
    world = data.world
    login(world.supervisor)
    figures = client.get(reverse(URL)).json()
    expected = count_by_hand(
        m.ItemInstance.objects.filter(department__in=[world.planning, world.housing]), timezone.localdate()
    )
    assert kpi_values(figures) == expected["kpis"]
    # and the dataset was built for these: every figure is something
    assert kpi_values(figures) == [2, 7, 1, 4, 1, 6.0]
    assert figures["states"]["values"] == [2, 1, 4]  # normal, warning, overdue: the open cases
    assert sum(figures["states"]["values"]) == expected["kpis"][1]
    assert (
        as_groups(figures["by_division"])
        == expected["by_division"]
        == {
            division_name("610323"): [2, 3],
            division_name("610302"): [2, 2],
            _("(no project)"): [0, 0],
        }
    )
    assert figures["by_division"]["categories"][0] == division_name("610323")  # most handled, then overdue
    assert as_groups(figures["by_department"]) == expected["by_department"]
    assert as_groups(figures["by_department"]) == {world.planning.name: [3, 4], world.housing.name: [1, 1]}
    trend = figures["trend"]
    assert len(trend["categories"]) == 12 and trend["categories"][-1] == f"{timezone.localdate():%Y-%m}"
    assert trend["series"][0]["values"] == expected["handled_per_month"]
    assert trend["series"][1]["values"] == expected["late_per_month"]
    assert trend["series"][0]["values"][-3:] == [1, 1, 1] and trend["series"][1]["values"][-3:] == [1, 0, 0]
    table = figures["most_overdue"]
    assert [row[0] for row in table["rows"]] == expected["most_overdue"]
    assert [row[0] for row in table["rows"]] == [data.c3.code, data.c1.code, data.c2.code, data.c10.code]
    assert table["rows"][0][1:] == ["事项JS-002", world.planning.name, f"30.0 {m.LimitUnit.WORKHOURS.label}"]


def test_the_figures_are_read_from_the_stored_clocks(data, monkeypatch, world):
    def recompute(*args, **kwargs):
        raise AssertionError("the screen recomputed a clock")

    monkeypatch.setattr("lantian.approvals.clock.item_clock", recompute)
    monkeypatch.setattr("lantian.approvals.standards.clock.item_clock", recompute)
    figures = screen.screen_figures(world.supervisor)
    assert kpi_values(figures)[3] == 4
    # a stored state is what counts, whatever the records would say now
    m.ItemInstance.objects.filter(pk=data.c5.pk).update(clock_state=m.ClockState.OVERDUE, overdue_by=9.0)
    figures = screen.screen_figures(world.supervisor)
    assert kpi_values(figures)[3] == 5 and figures["most_overdue"]["rows"][0][0] == data.c5.code


def test_a_department_sees_only_its_cases(data, client, login):
    world = data.world
    login(world.planner)
    figures = client.get(reverse(URL)).json()
    expected = count_by_hand(m.ItemInstance.objects.filter(department=world.planning), timezone.localdate())
    assert kpi_values(figures) == expected["kpis"] == [2, 5, 1, 3, 1, 7.3]  # (4 + 12 + 6) / 3
    assert figures["by_department"]["categories"] == [world.planning.name]
    assert as_groups(figures["by_division"]) == expected["by_division"]
    assert _("(no project)") not in figures["by_division"]["categories"]  # housing's unlinked case
    assert [row[0] for row in figures["most_overdue"]["rows"]] == [data.c3.code, data.c1.code, data.c2.code]
    assert figures["quality"]["categories"] == [world.planning.name]
    client.logout()
    login(world.builder)
    figures = client.get(reverse(URL)).json()
    assert kpi_values(figures)[:4] == [1, 2, 0, 1]
    assert [row[0] for row in figures["most_overdue"]["rows"]] == [data.c10.code]


@pytest.fixture
def other_city(world):
    bureau = make_org("东川市行政审批服务局", K.REGULATOR)
    department = make_org("东川市自然资源局", K.DEPARTMENT, bureau)
    supervisor = make_user("other_supervisor", bureau, "approval_supervisor")
    project = f.project(bureau, division="610323")
    item = f.item(department, "DC-001", m.StageKind.WORKS_PLANNING, 10)
    for _n in range(2):
        add_case(item, project, clock_state=m.ClockState.OVERDUE, overdue_by=5.0)
    return supervisor


def test_the_bureau_sees_its_city_and_another_city_nothing_of_it(data, other_city, client, login):
    world = data.world
    login(other_city)
    figures = client.get(reverse(URL)).json()
    assert kpi_values(figures)[:4] == [1, 2, 0, 2]
    assert figures["by_department"]["categories"] == ["东川市自然资源局"]
    assert figures["quality"]["categories"] == ["东川市自然资源局"]
    text = str(figures)
    for name in (world.planning.name, world.housing.name, data.c1.code, data.p1.name):
        assert name not in text
    client.logout()
    login(world.supervisor)
    figures = client.get(reverse(URL)).json()
    assert kpi_values(figures)[:4] == [2, 7, 1, 4]  # as without the other city
    assert "东川市自然资源局" not in str(figures)


def test_quality_scores_come_from_the_latest_run_for_the_bureau_and_its_departments(data, client, login):
    world = data.world
    run, _findings = run_quality(world.tree.city)
    flagged = {
        org: run.results.filter(organization=org).values("record_key").distinct().count()
        for org in (world.planning, world.housing)
    }
    cases = {org: m.ItemInstance.objects.filter(department=org).count() for org in flagged}
    assert flagged[world.housing] >= 1  # the case without a project and stage
    expected = {
        org.name: round(100 * (cases[org] - flagged[org]) / cases[org], 1)
        for org in (world.planning, world.housing)
    }
    m.RectificationTask.objects.create(
        department=world.planning,
        run=run,
        rule="linked",
        findings=1,
        due_on=timezone.localdate() - timedelta(days=1),
    )
    expected[world.planning.name] = max(0.0, expected[world.planning.name] - 5)  # an overdue task
    login(world.supervisor)
    quality = client.get(reverse(URL)).json()["quality"]
    assert dict(zip(quality["categories"], quality["values"], strict=True)) == expected
    assert quality["values"] == sorted(quality["values"])  # poorest first
    client.logout()
    cache.clear()
    login(world.planner)  # the run belongs to the bureau; the department still has its score from it
    quality = client.get(reverse(URL)).json()["quality"]
    assert quality == {
        "categories": [world.planning.name],
        "values": [expected[world.planning.name]],
        "name": quality["name"],
    }


def test_strangers_are_refused(data, client, login):
    world = data.world
    assert client.get(reverse(URL)).status_code == 401
    assert client.get(reverse("approvals:screen")).status_code == 403  # BigScreenView: no login loop
    login(world.tree.ent_a1_admin)  # an enterprise: no approvals permission
    assert client.get(reverse(URL)).status_code == 403
    assert client.get(reverse("approvals:screen")).status_code == 403
    assert reverse("approvals:screen") not in client.get("/").content.decode()


def test_the_screen_is_a_page_of_widgets_opened_from_the_menu_in_a_new_window(data, client, login):
    login(data.world.planner)
    response = client.get(reverse("approvals:screen"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-theme="dark"' in html and "<script>" not in html
    assert html.count("data-widget=") == 7
    assert html.count(f'data-source="{reverse(URL)}"') == 7
    home = client.get("/").content.decode()
    assert f'href="{reverse("approvals:screen")}" target="_blank" rel="noopener"' in home


def queries_of(user) -> int:
    screen.screen_figures(user)  # the user's permissions and scope are then kept on the user object
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        screen.screen_figures(user)
    return len(queries)


def test_the_query_count_does_not_grow_with_the_cases(data):
    world = data.world
    run_quality(world.tree.city)  # a run in both measures: the scores count its findings
    few = queries_of(world.supervisor), queries_of(world.planner)
    extra = f.item(
        make_org("市水务局", K.DEPARTMENT, world.tree.city), "SW-001", m.StageKind.WORKS_PLANNING, 15
    )
    for n in range(30):
        project = f.project(world.tree.city, division=("610302", "610323", "610324")[n % 3])
        for item in (world.item_planning, world.item_housing, extra):
            add_case(item, project, clock_state=("normal", "warning", "overdue")[n % 3], overdue_by=n)
            add_case(item, project, **closed(S.APPROVED, timezone.now() - timedelta(days=10 * n), 3.0))
    run_quality(world.tree.city)
    assert m.ItemInstance.objects.count() > 180
    many = queries_of(world.supervisor), queries_of(world.planner)
    assert many == few, (few, many)
    assert few[0] <= 12


def test_the_quality_page_scores_a_department_from_its_bureaus_run(data, client, login):
    world = data.world
    run, _findings = run_quality(world.tree.city)
    flagged = run.results.filter(organization=world.housing).values("record_key").distinct().count()
    cases = m.ItemInstance.objects.filter(department=world.housing).count()
    assert flagged >= 1
    login(world.supervisor)
    bureau_page = client.get(reverse("approvals:quality"))
    bureau_row = next(r for r in bureau_page.context["scores"] if r["department"] == world.housing)
    housing_user = make_user("housing_clerk", world.housing, "approval_department")
    client.logout()
    login(housing_user)
    page = client.get(reverse("approvals:quality"))
    assert page.status_code == 200
    assert page.context["run"] == run and not page.context["run_is_own"]
    [row] = page.context["scores"]
    assert row["department"] == world.housing and row["flagged"] == flagged
    assert row["score"] == bureau_row["score"] == round(100 * (cases - flagged) / cases, 1) < 100
    html = page.content.decode()
    assert run.get_absolute_url() not in html  # the bureau's run page is not theirs to open
