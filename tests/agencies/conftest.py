import pytest

from lantian.core import review
from lantian.core.models import Organization
from tests.agencies.helpers import complete_filing, filing_of
from tests.conftest import make_org, make_user


@pytest.fixture
def filing(tree):
    """The draft filing of the tree's agency, with a staff member and an instrument."""
    return complete_filing(tree.agency)


@pytest.fixture
def submitted(tree, filing):
    return review.submit(filing, tree.agency_admin)


@pytest.fixture
def approved(tree, submitted):
    return review.approve(submitted, tree.city_admin)


@pytest.fixture
def rival(tree):
    """Another testing agency under the city, with its own administrator and filing."""
    agency = make_org("另一检测公司", Organization.Kind.AGENCY, tree.city)
    tree.rival = agency
    tree.rival_admin = make_user("rival", agency, "agency_admin")
    tree.rival_filing = filing_of(agency)
    return tree
