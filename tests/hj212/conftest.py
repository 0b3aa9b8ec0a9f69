import pytest

from lantian.hj212.models import Device


@pytest.fixture
def device(tree):
    """An air station of enterprise ent_a1 (password 123456)."""
    return Device.objects.create(
        mn="TESTAIR0001",
        name="测试空气站",
        organization=tree.ent_a1,
        password="123456",
        interval=60,
        capture_cn="2011",
    )
