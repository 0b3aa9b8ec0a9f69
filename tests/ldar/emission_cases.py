"""Test cases of the emissions models for the generated tests (tests/generic.py)."""

import datetime
import itertools

from lantian.ldar.emissions import compute_account
from lantian.ldar.models import EmissionAccount, EmissionCoefficient, PointEmission
from tests.generic import Case, add_cases
from tests.ldar.cases import detection

SERIAL = itertools.count(1)


def account(tree) -> EmissionAccount:
    """The first half of 2026 of ent_a1, computed from the tree's detection rows (built once)."""
    if not hasattr(tree, "ldar_emission_account"):
        detection(tree)
        tree.ldar_emission_account = compute_account(
            EmissionAccount.objects.create(
                enterprise=tree.ent_a1,
                start=datetime.date(2026, 1, 1),
                end=datetime.date(2026, 6, 30),
                coefficient_set="petrochemical",
            )
        )
    return tree.ldar_emission_account


def _more_accounts(tree, n):
    detection(tree)
    for i in itertools.islice(SERIAL, n):
        start = datetime.date(2000, 1, 1) + datetime.timedelta(days=i)
        compute_account(
            EmissionAccount.objects.create(
                enterprise=tree.ent_a1, start=start, end=start, coefficient_set="refining"
            )
        )


def _more_point_emissions(tree, n):
    _more_accounts(tree, max(1, n // 3))


NUMBERS = frozenset({"points", "detected_points", "average_factor_points", "initial_kg", "after_repair_kg"})

add_cases(
    Case(
        EmissionCoefficient,
        lambda tree: EmissionCoefficient.objects.order_by("pk").first(),
        member="ent_a1_admin",
        unfiltered=frozenset({"a", "b", "default_zero", "pegged", "average_factor"}),
    ),
    Case(
        EmissionAccount,
        account,
        member="ent_a1_admin",
        outsider="ent_a2_admin",
        more=_more_accounts,
        unfiltered=NUMBERS | {"reduction_kg"},
    ),
    Case(
        PointEmission,
        lambda tree: account(tree).point_emissions.order_by("pk").first(),
        member="agency_admin",
        outsider="ent_b1_admin",
        more=_more_point_emissions,
    ),
)
