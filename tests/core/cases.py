"""Test cases of the core models for the generated tests (tests/generic.py)."""

import datetime
import itertools

from lantian.core.models import AccessEvent, Division, Organization, OrganizationLink, Role, User
from lantian.core.models import WorkCalendarDay as CalendarDay
from tests.conftest import make_org, make_user
from tests.generic import Case, add_cases

SERIAL = itertools.count()  # unique names however often ``more`` is called


def _more_orgs(tree, n):
    for i in itertools.islice(SERIAL, n):
        make_org(f"甲县单位{i}", Organization.Kind.DEPARTMENT, tree.county_a)


def _more_links(tree, n):
    for i in itertools.islice(SERIAL, n):
        client = make_org(f"甲县客户{i}", Organization.Kind.DEPARTMENT, tree.county_a)
        OrganizationLink.objects.create(provider=tree.agency, client=client)


def _more_users(tree, n):
    for i in itertools.islice(SERIAL, n):
        make_user(f"extra{i}", tree.county_a, "enterprise_admin" if i % 2 else "bureau_admin")


def _access_event(tree):
    return AccessEvent.objects.create(
        kind="login", username="ent_a1", user=tree.ent_a1_admin, ip_address="10.0.0.1"
    )


def _more_events(tree, n):
    AccessEvent.objects.bulk_create(
        AccessEvent(kind="login", username="county_a", user=tree.county_a_admin) for _ in range(n)
    )


def _more_calendar_days(tree, n):
    for i in itertools.islice(SERIAL, n):
        CalendarDay.objects.create(
            date=datetime.date(2200, 1, 1) + datetime.timedelta(i), kind="holiday", name="节"
        )


add_cases(
    Case(Division, lambda t: Division.objects.get(code="610323"), member="ent_a1_admin"),
    Case(
        Organization, lambda t: t.ent_a1, member="county_a_admin", outsider="county_b_admin", more=_more_orgs,
        unfiltered=frozenset({"short_name", "credit_code", "address", "contact_person", "contact_phone",
                              "longitude", "latitude", "created_at"}),
    ),
    Case(
        OrganizationLink, lambda t: t.ent_a1.provider_links.get(), member="county_a_admin",
        outsider="county_b_admin", more=_more_links, unfiltered=frozenset({"since", "created_at"}),
    ),
    Case(
        User, lambda t: t.ent_a1_admin, member="county_a_admin", outsider="county_b_admin", more=_more_users,
        unfiltered=frozenset({"username", "name", "phone", "email", "last_login", "date_joined"}),
    ),
    Case(Role, lambda t: Role.objects.get(code="ops_staff"), member="ent_a1_admin",
         unfiltered=frozenset({"name", "code", "description"})),
    Case(
        AccessEvent, _access_event, member="county_a_admin", outsider="county_b_admin", more=_more_events,
        unfiltered=frozenset({"username", "ip_address", "detail", "user_agent", "user__organization__name"}),
    ),
    Case(
        CalendarDay, lambda t: CalendarDay.objects.get(date=datetime.date(2026, 10, 1)), member="admin",
        more=_more_calendar_days, unfiltered=frozenset({"updated_at"}),
    ),
)  # fmt: skip
