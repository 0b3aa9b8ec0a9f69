import pytest
from django.conf import settings
from django.db import connection, transaction
from django.utils import translation

from lantian.core.models import Division, Organization, OrganizationLink, Role, User
from lantian.core.standards import credit_code_check_digit
from tests import snapshots

PASSWORD = "Test@pass2026"


def make_credit_code(division: str, body: str) -> str:
    first17 = f"91{division}{body}"
    return first17 + credit_code_check_digit(first17)


def make_org(name, kind, parent=None, division="610300", body=None):
    return Organization.objects.create(
        name=name,
        kind=kind,
        parent=parent,
        division=Division.objects.get(code=division),
        credit_code=make_credit_code(division, body) if body else "",
    )


def make_user(username, organization, role_code):
    user = User.objects.create_user(
        username=username, password=PASSWORD, organization=organization, name=username
    )
    user.roles.set([Role.objects.get(code=role_code)])
    return user


class Tree:
    """city bureau ─┬─ county A bureau ── enterprise A1, enterprise A2
    ├─ county B bureau ── enterprise B1
    ├─ testing agency (serves A1)
    └─ operations vendor (serves B1)"""

    def __init__(self):
        K = Organization.Kind
        self.city = make_org("市局", K.REGULATOR)
        self.county_a = make_org("甲县分局", K.REGULATOR, self.city, "610323")
        self.county_b = make_org("乙县分局", K.REGULATOR, self.city, "610324")
        self.ent_a1 = make_org("甲一化工", K.ENTERPRISE, self.county_a, "610323", "MA6XK0001")
        self.ent_a2 = make_org("甲二石化", K.ENTERPRISE, self.county_a, "610323", "MA6XK0002")
        self.ent_b1 = make_org("乙一热电", K.ENTERPRISE, self.county_b, "610324", "MA6XK0003")
        self.agency = make_org("检测公司", K.AGENCY, self.city)
        self.vendor = make_org("运维公司", K.VENDOR, self.city)
        OrganizationLink.objects.create(provider=self.agency, client=self.ent_a1)
        OrganizationLink.objects.create(provider=self.vendor, client=self.ent_b1)
        self.admin = make_user("admin", self.city, "system_admin")
        self.city_admin = make_user("city", self.city, "bureau_admin")
        self.county_a_admin = make_user("county_a", self.county_a, "bureau_admin")
        self.county_b_admin = make_user("county_b", self.county_b, "bureau_admin")
        self.ent_a1_admin = make_user("ent_a1", self.ent_a1, "enterprise_admin")
        self.ent_a2_admin = make_user("ent_a2", self.ent_a2, "enterprise_admin")
        self.ent_b1_admin = make_user("ent_b1", self.ent_b1, "enterprise_admin")
        self.agency_admin = make_user("agency", self.agency, "agency_admin")
        self.ops = make_user("ops", self.vendor, "ops_staff")


TREE_ORGS = ("city", "county_a", "county_b", "ent_a1", "ent_a2", "ent_b1", "agency", "vendor")
TREE_USERS = (
    "admin", "city_admin", "county_a_admin", "county_b_admin", "ent_a1_admin", "ent_a2_admin",
    "ent_b1_admin", "agency_admin", "ops",
)  # fmt: skip
TRANSACTIONAL_FIXTURES = {"transactional_db", "live_server", "django_db_reset_sequences"}
DB_FIXTURES = {"db", "django_db_serialized_rollback", *TRANSACTIONAL_FIXTURES}


class SharedTree:
    """The rows of one ``Tree``, built once for consecutive tests of a module that ask for ``tree``.

    Building a tree (organisations, users, roles, links and their audit log) is the largest cost of
    most tests. Its rows are made in a transaction of their own, around the per-test transactions
    that pytest-django rolls back, so every such test starts from exactly the rows ``Tree()`` makes,
    with the same ids. The transaction is rolled back before any other database test (which must not
    see the tree), before a transactional test (whose flush would take it away) and after the last
    test of the module (module fixtures open transactions of their own around their tests).
    """

    def __init__(self):
        self.atomic = None
        self.ids = None

    def open(self):
        if self.atomic is None:
            self.atomic = transaction.atomic()
            self.atomic.__enter__()
            built = Tree()
            self.ids = {name: getattr(built, name).pk for name in TREE_ORGS + TREE_USERS}

    def close(self):
        if self.atomic is not None:
            assert not connection.savepoint_ids, "a transaction opened inside the shared tree's is still open"
            atomic, self.atomic, self.ids = self.atomic, None, None
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)

    def tree(self) -> Tree:
        """A new ``Tree`` of the shared rows: instances fresh from the database for every test."""
        tree = Tree.__new__(Tree)
        orgs = Organization.objects.in_bulk([self.ids[name] for name in TREE_ORGS])
        users = User.objects.in_bulk([self.ids[name] for name in TREE_USERS])
        for name in TREE_ORGS:
            setattr(tree, name, orgs[self.ids[name]])
        for name in TREE_USERS:
            setattr(tree, name, users[self.ids[name]])
        return tree


_shared_tree = SharedTree()
snapshots.install()


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    """Every test (and its module's fixtures) starts in the site's language, as a management command
    does: a request in English leaves its language active in the thread, and the next data built
    would be in English."""
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """pytest-django's test databases, and (on in-memory SQLite) a copy of the migrated one that every
    transactional test is reset to (tests/snapshots.py)."""
    with django_db_blocker.unblock():
        snapshots.migrated.take()


def _transactional(request) -> bool:
    marker = request.node.get_closest_marker("django_db")
    flags = marker and (marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences"))
    return bool(flags) or bool(set(request.fixturenames) & TRANSACTIONAL_FIXTURES)


def _uses_db(request) -> bool:
    return bool(request.node.get_closest_marker("django_db")) or bool(set(request.fixturenames) & DB_FIXTURES)


@pytest.fixture(autouse=True)
def _django_db_marker(request):
    """pytest-django's fixture of this name (its marker opens the test's transaction), overridden to
    open the shared tree first for a test that takes it, or to close it before any other database test."""
    if "tree" in request.fixturenames and not _transactional(request):
        request.getfixturevalue("django_db_setup")
        with request.getfixturevalue("django_db_blocker").unblock():
            if _shared_tree.atomic is None and not connection.in_atomic_block:
                _shared_tree.open()
    elif _shared_tree.atomic is not None and _uses_db(request):
        with request.getfixturevalue("django_db_blocker").unblock():
            _shared_tree.close()
    if request.node.get_closest_marker("django_db"):
        request.getfixturevalue("_django_db_helper")


@pytest.hookimpl(trylast=True)
def pytest_runtest_teardown(item, nextitem):
    """After the last test of a module (its fixtures torn down), roll the shared tree back."""
    if _shared_tree.atomic is not None and (nextitem is None or nextitem.module is not item.module):
        from pytest_django.plugin import blocking_manager_key

        with item.config.stash[blocking_manager_key].unblock():
            _shared_tree.close()


@pytest.fixture
def tree(db):
    if _shared_tree.atomic is not None and connection.in_atomic_block:
        return _shared_tree.tree()
    return Tree()


@pytest.fixture
def login(client):
    """Log ``client`` in as a user: through the real login form when a password is given, else with
    Django's ``force_login`` (a tenth of the cost; the login form has tests of its own)."""

    def _login(user, password=None):
        if password is None:
            assert user.is_active, f"{user} is disabled and could not log in"
            client.force_login(user)
            return client
        response = client.post("/login/", {"username": user.username, "password": password})
        assert response.status_code == 302, response.content.decode()[:500]
        return client

    return _login
