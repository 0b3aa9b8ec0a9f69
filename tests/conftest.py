import pytest

from lantian.core.models import Division, Organization, OrganizationLink, Role, User
from lantian.core.standards import credit_code_check_digit

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


@pytest.fixture
def tree(db):
    return Tree()


@pytest.fixture
def login(client):
    """Log ``client`` in as a user, through the real login form."""

    def _login(user, password=PASSWORD):
        response = client.post("/login/", {"username": user.username, "password": password})
        assert response.status_code == 302, response.content.decode()[:500]
        return client

    return _login
