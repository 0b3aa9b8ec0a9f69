"""Emissions accounts (spec §4): each point's figure is the kernel's for its readings, the totals are the
points' sums, coefficients edited as data count, and an enterprise sees only its own."""

import datetime

import pytest
from django.urls import reverse

from lantian.ldar import standards
from lantian.ldar.emissions import compute_account, period_bounds
from lantian.ldar.models import EmissionAccount, EmissionCoefficient, UnitShutdown
from tests.ldar.cases import archive, detection
from tests.ldar.factories import moment

pytestmark = pytest.mark.django_db

START, END = datetime.date(2026, 1, 1), datetime.date(2026, 6, 30)


def new_account(tree, coefficient_set="petrochemical") -> EmissionAccount:
    return EmissionAccount.objects.create(
        enterprise=tree.ent_a1, start=START, end=END, coefficient_set=coefficient_set
    )


def expected(tree, industry):
    """The scalar kernel, point by point: the independent calculation the bulk one must equal (the
    archive's unit has a stop in March already)."""
    d = detection(tree)
    begin, finish = period_bounds(START, END)
    shutdowns = list(UnitShutdown.objects.filter(unit=archive(tree).unit).values_list("start", "end"))
    net = lambda record: record.net_value  # noqa: E731
    first = [(d.record.started_at, net(d.record))]
    leak = [(d.leak.started_at, net(d.leak))]
    retest = [(d.retest.tested_at, net(d.retest))]
    args = {"material_state": "light_liquid", "industry": industry, "shutdowns": shutdowns}
    valve = standards.period_emissions(first, begin, finish, component_type="valve", **args)
    leak_initial = standards.period_emissions(leak, begin, finish, component_type="valve", **args)
    leak_after = standards.period_emissions(leak + retest, begin, finish, component_type="valve", **args)
    pump = standards.average_emission_factor("pump", "light_liquid", industry) * standards.operating_hours(
        begin, finish, shutdowns
    )
    return {
        d.record.tag: (valve, valve),
        d.leak.tag: (leak_initial, leak_after),
        archive(tree).points[2].tag: (pump, pump),
    }


@pytest.mark.parametrize("industry", ["petrochemical", "refining"])
def test_every_point_equals_the_scalar_kernel_and_the_totals_are_their_sums(tree, industry):
    detection(tree)
    account = compute_account(new_account(tree, industry))
    rows = {row.tag: row for row in account.point_emissions.all()}
    want = expected(tree, industry)
    assert set(rows) == set(want)
    for tag, (initial, after) in want.items():
        assert rows[tag].initial_kg == pytest.approx(initial, rel=1e-12), tag
        assert rows[tag].after_repair_kg == pytest.approx(after, rel=1e-12), tag
    assert account.initial_kg == pytest.approx(sum(i for i, _a in want.values()), rel=1e-12)
    assert account.after_repair_kg == pytest.approx(sum(a for _i, a in want.values()), rel=1e-12)
    assert account.reduction_kg == pytest.approx(account.initial_kg - account.after_repair_kg)
    assert account.reduction_kg > 0  # the leak was repaired four days after it was found
    assert (account.points, account.detected_points, account.average_factor_points) == (3, 2, 1)


def test_each_figure_names_its_methods(tree):
    d = detection(tree)
    account = compute_account(new_account(tree))
    methods = {row.tag: (row.method, row.methods) for row in account.point_emissions.all()}
    assert methods[d.record.tag] == ("correlation", "correlation")
    assert methods[d.leak.tag] == ("correlation", "correlation")
    assert methods[archive(tree).points[2].tag] == ("average_factor", "average_factor")


def test_the_units_shutdowns_are_taken_out(tree):
    d = detection(tree)
    stop = (moment(2026, 5, 1, 8), moment(2026, 5, 15, 8))
    UnitShutdown.objects.create(
        unit=archive(tree).unit, start=stop[0], end=stop[1], reason="检修", recorder="王工"
    )
    account = compute_account(new_account(tree))
    rows = {row.tag: row for row in account.point_emissions.all()}
    for tag, (initial, after) in expected(tree, "petrochemical").items():
        assert rows[tag].initial_kg == pytest.approx(initial, rel=1e-12)
        assert rows[tag].after_repair_kg == pytest.approx(after, rel=1e-12)
    march = UnitShutdown.objects.exclude(start=stop[0]).get(unit=archive(tree).unit)
    assert rows[d.record.tag].hours == pytest.approx(
        181 * 24 - 14 * 24 - (march.end - march.start).total_seconds() / 3600
    )


def test_an_edited_coefficient_counts_when_the_account_is_recomputed(tree):
    detection(tree)
    account = compute_account(new_account(tree))
    pump_before = account.point_emissions.get(tag=archive(tree).points[2].tag).initial_kg
    cell = EmissionCoefficient.objects.get(
        coefficient_set="petrochemical", component_type="pump", material_state="light_liquid"
    )
    cell.average_factor *= 2
    cell.save()
    compute_account(account)
    assert account.point_emissions.get(tag=archive(tree).points[2].tag).initial_kg == pytest.approx(
        2 * pump_before
    )
    assert account.point_emissions.count() == 3  # replaced, not added


def test_recomputing_replaces_the_point_rows_in_one_statement_without_a_change_log_entry_each(tree):
    from auditlog.models import LogEntry
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    detection(tree)
    account = compute_account(new_account(tree))
    logged = LogEntry.objects.count()
    with CaptureQueriesContext(connection) as queries:
        compute_account(account)
    deletes = [q["sql"] for q in queries if q["sql"].startswith("DELETE") and "pointemission" in q["sql"]]
    assert len(deletes) == 1 and "SELECT" not in deletes[0].split("WHERE")[0]
    assert not [q for q in queries if "pointemission" in q["sql"] and q["sql"].startswith("SELECT")]
    assert LogEntry.objects.count() - logged <= 1  # the account's own update, not its three point rows


def test_the_seed_holds_every_cell_with_the_guides_values():
    assert EmissionCoefficient.objects.count() == 2 * len(standards.TYPE_CODES) * len(
        standards.MATERIAL_STATES
    )
    gas_valve = EmissionCoefficient.objects.get(
        coefficient_set="refining", component_type="valve", material_state="gas"
    )
    # 2015 guide, refinery correlation for valves; EPA-453/R-95-017 Table 2-2 gas valve factor
    assert (gas_valve.a, gas_valve.b, gas_valve.default_zero, gas_valve.pegged) == (
        2.29e-06,
        0.746,
        7.8e-06,
        0.14,
    )
    assert gas_valve.average_factor == 0.0268
    assert "EPA-453/R-95-017" in gas_valve.source


def test_an_account_is_computed_when_saved_and_scoped_to_its_enterprise(tree, client):
    detection(tree)
    client.force_login(tree.ent_a1_admin)
    response = client.post(
        reverse("ldar:emissionaccount_add"),
        {"enterprise": tree.ent_a1.pk, "start": "2026-01-01", "end": "2026-06-30", "coefficient_set": ""},
    )
    assert response.status_code == 302
    account = EmissionAccount.objects.get()
    assert account.coefficient_set == "petrochemical" and account.points == 3 and account.computed_at
    page = client.get(account.get_absolute_url())
    assert page.status_code == 200 and page.context["by_unit"][0]["points"] == 3
    assert client.post(reverse("ldar:emissionaccount_recompute", args=[account.pk])).status_code == 302

    other = client.post(
        reverse("ldar:emissionaccount_add"),
        {"enterprise": tree.ent_b1.pk, "start": "2026-01-01", "end": "2026-06-30"},
    )
    assert other.status_code == 200 and "enterprise" in other.context["form"].errors
    too_long = client.post(
        reverse("ldar:emissionaccount_add"),
        {"enterprise": tree.ent_a1.pk, "start": "2025-01-01", "end": "2026-06-30"},
    )
    assert "end" in too_long.context["form"].errors

    client.force_login(tree.ent_a2_admin)
    assert client.get(account.get_absolute_url()).status_code == 404
    assert client.post(reverse("ldar:emissionaccount_recompute", args=[account.pk])).status_code == 404


def test_the_years_summary_adds_up_the_accounts_in_scope_and_exports_them(tree, client):
    import io

    from openpyxl import load_workbook

    first = compute_account(new_account(tree))
    detection(tree)
    other = compute_account(
        EmissionAccount.objects.create(
            enterprise=tree.ent_a2, start=START, end=END, coefficient_set="refining"
        )
    )
    client.force_login(tree.county_a_admin)
    page = client.get(reverse("ldar:emissions_summary"), {"year": "2026"})
    assert [account.pk for account in page.context["accounts"]] == sorted(
        [first.pk, other.pk], key=lambda pk: -EmissionAccount.objects.get(pk=pk).initial_kg
    )
    assert page.context["totals"]["initial_kg"] == pytest.approx((first.initial_kg + other.initial_kg) / 1000)
    sheet = load_workbook(
        io.BytesIO(client.get(reverse("ldar:emissions_summary"), {"year": "2026", "format": "xlsx"}).content)
    ).active
    assert sheet.cell(sheet.max_row, 6).value == pytest.approx(page.context["totals"]["initial_kg"])

    client.force_login(tree.ent_a2_admin)
    mine = client.get(reverse("ldar:emissions_summary"), {"year": "2026"})
    assert [account.pk for account in mine.context["accounts"]] == [other.pk]
    assert client.get(reverse("ldar:emissions_summary"), {"year": "2025"}).context["accounts"] == []


def test_cells_missing_from_the_table_are_put_back_with_the_guides_values(tree):
    detection(tree)
    EmissionCoefficient.objects.filter(coefficient_set="refining", component_type="pump").delete()
    account = compute_account(new_account(tree, "refining"))
    assert EmissionCoefficient.objects.count() == 60
    pump = account.point_emissions.get(tag=archive(tree).points[2].tag)
    assert pump.initial_kg == pytest.approx(expected(tree, "refining")[pump.tag][0], rel=1e-12)


def test_without_database_constraints_the_links_still_protect_and_cascade(tree):
    """The point rows' links have no database constraints: Django still refuses to delete a seal point,
    unit or type an account names (PROTECT), and deleting the account deletes its rows (CASCADE)."""
    from django.db.models import ProtectedError

    from lantian.ldar.models import PointEmission, SealPoint

    detection(tree)
    account = compute_account(new_account(tree))
    pump = SealPoint.objects.get(tag=archive(tree).points[2].tag)
    for protected in (pump, archive(tree).unit, pump.seal_type):
        with pytest.raises(ProtectedError) as refused:
            protected.delete()
        assert any(isinstance(row, PointEmission) for row in refused.value.protected_objects), protected
    assert PointEmission.objects.filter(account=account).count() == 3
    account.delete()
    assert not PointEmission.objects.exists()
