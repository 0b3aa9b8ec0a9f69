"""The core coordinate kernel against published reference pairs (eviltransform's and gcoord's tests)."""

import ast
import sys
from pathlib import Path

import numpy as np
import pytest

from lantian.core.standards import coordinates as c

# wgs lat, wgs lng, gcj lat, gcj lng (googollee/eviltransform test vectors)
WGS_GCJ = [
    (31.1774276, 121.5272106, 31.17530398364597, 121.531541859215),  # Shanghai
    (22.543847, 113.912316, 22.540796131694766, 113.9171764808363),  # Shenzhen
    (39.911954, 116.377817, 39.91334545536069, 116.38404722455657),  # Beijing
]


@pytest.mark.parametrize(("w_lat", "w_lng", "g_lat", "g_lng"), WGS_GCJ)
def test_wgs84_to_gcj02_matches_the_reference(w_lat, w_lng, g_lat, g_lng):
    lat, lng = c.wgs84_to_gcj02(w_lat, w_lng)
    assert lat == pytest.approx(g_lat, abs=1e-9)
    assert lng == pytest.approx(g_lng, abs=1e-9)


@pytest.mark.parametrize(("w_lat", "w_lng", "g_lat", "g_lng"), WGS_GCJ)
def test_gcj02_to_wgs84_inverts_to_a_tenth_of_a_millimetre(w_lat, w_lng, g_lat, g_lng):
    lat, lng = c.gcj02_to_wgs84(g_lat, g_lng)
    assert lat == pytest.approx(w_lat, abs=1e-8)
    assert lng == pytest.approx(w_lng, abs=1e-8)


def test_gcj02_to_bd09_matches_gcoord():
    lat, lng = c.gcj02_to_bd09(45, 123)
    assert (lat, lng) == (pytest.approx(45.00636899, abs=1e-7), pytest.approx(123.00636499, abs=1e-7))
    # Baidu's published inverse is itself approximate: back to within 2e-6° (about 0.2 m)
    back = c.bd09_to_gcj02(lat, lng)
    assert back == (pytest.approx(45, abs=2e-6), pytest.approx(123, abs=2e-6))


def test_outside_china_nothing_moves_and_arrays_work():
    assert c.wgs84_to_gcj02(48.85, 2.35) == (48.85, 2.35)
    lat, lng = c.convert(np.array([34.44, 34.50]), np.array([107.62, 107.70]), "wgs84", "bd09")
    back_lat, back_lng = c.convert(lat, lng, "bd09", "wgs84")
    np.testing.assert_allclose(back_lat, [34.44, 34.50], atol=2e-6)
    np.testing.assert_allclose(back_lng, [107.62, 107.70], atol=2e-6)
    assert c.convert(34.44, 107.62, "gcj02", "gcj02") == (34.44, 107.62)
    with pytest.raises(ValueError, match="unknown coordinate system"):
        c.convert(34.44, 107.62, "mars")


def test_the_offset_in_qishan_is_a_few_hundred_metres():
    lat, lng = c.wgs84_to_gcj02(34.44, 107.62)
    metres = np.hypot((lat - 34.44) * 111_000, (lng - 107.62) * 111_000 * np.cos(np.radians(34.44)))
    assert 100 < metres < 800


def test_the_kernel_is_pure():
    tree = ast.parse(Path(c.__file__).read_text(encoding="utf-8"))
    imported = {
        (node.module if isinstance(node, ast.ImportFrom) else alias.name).split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    }
    assert imported <= set(sys.stdlib_module_names) | {"numpy"}
