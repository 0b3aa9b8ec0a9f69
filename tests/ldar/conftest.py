"""A small component archive in the ``tree`` fixture's enterprises, for the ldar tests."""

import pytest

from tests.ldar.factories import Archive


@pytest.fixture
def archive(tree):
    return Archive(tree)
