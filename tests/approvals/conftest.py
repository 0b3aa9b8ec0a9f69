import pytest

from tests.approvals.factories import World


@pytest.fixture
def world(tree):
    return World(tree)
