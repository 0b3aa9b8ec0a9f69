"""Test cases of the rectification models for the generated tests (tests/generic.py)."""

import datetime
import itertools

from lantian.rectification.models import RectificationNotice, RectificationResponse
from tests.generic import Case, add_cases

SERIAL = itertools.count()
CHECKED = datetime.date(2026, 3, 2)


def notice(tree, problems="储罐呼吸阀未建档", enterprise=None):
    return RectificationNotice.objects.create(
        enterprise=enterprise or tree.ent_a1,
        issued_by=tree.county_a,
        checked_on=CHECKED,
        problems=problems,
        deadline=CHECKED + datetime.timedelta(days=30),
    )


def response(tree, problems="法兰滴漏"):
    return RectificationResponse.objects.create(
        notice=notice(tree, problems),
        measures="已更换垫片并复测合格",
        completed_on=CHECKED + datetime.timedelta(days=5),
        contact_person="王海涛",
    )


def _more_notices(tree, n):
    for i in itertools.islice(SERIAL, n):
        notice(tree, f"问题{i}")


def _more_responses(tree, n):
    for i in itertools.islice(SERIAL, n):
        response(tree, f"问题{i}")


add_cases(
    Case(RectificationNotice, notice, member="ent_a1_admin", outsider="ent_b1_admin", more=_more_notices),
    Case(
        RectificationResponse,
        response,
        member="county_a_admin",
        outsider="ent_a2_admin",
        more=_more_responses,
    ),
)
