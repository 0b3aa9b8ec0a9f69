"""WGS84 ↔ GCJ-02 ↔ BD-09 coordinate conversion (pure: numpy only).

Chinese web maps publish coordinates in GCJ-02 (国测局坐标, the offset every licensed map in China
applies: Amap/Gaode, Tencent, Tianditu's GCJ layers) or BD-09 (Baidu's further offset of GCJ-02);
GPS receivers and HJ 212 stations give WGS84. Lantian stores WGS84 and converts what users paste.

GCJ-02 is the publicly reconstructed obfuscation on the Krasovsky 1940 ellipsoid (a = 6378245 m,
e² = 0.00669342162296594323); it is applied only inside China's rough bounding box. Its inverse has
no closed form: ``gcj02_to_wgs84`` iterates the forward transform to below 1e-9° (about 0.1 mm).
BD-09 from GCJ-02 is Baidu's published formula. Every function takes and returns (lat, lng) in
decimal degrees, as floats or numpy arrays of equal shape.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

# Krasovsky 1940 ellipsoid, the reference of GCJ-02.
_A = 6378245.0
_EE = 0.00669342162296594323
_BD_FACTOR = np.pi * 3000.0 / 180.0
_INVERSE_TOLERANCE = 1e-9  # degrees
_INVERSE_STEPS = 30

WGS84, GCJ02, BD09 = "wgs84", "gcj02", "bd09"
SYSTEMS = (WGS84, GCJ02, BD09)


def outside_china(lat: ArrayLike, lng: ArrayLike) -> NDArray[np.bool_]:
    """The rough box outside which GCJ-02 applies no offset (lng 72.004–137.8347, lat 0.8293–55.8271)."""
    lat, lng = np.asarray(lat, dtype=float), np.asarray(lng, dtype=float)
    return (lng < 72.004) | (lng > 137.8347) | (lat < 0.8293) | (lat > 55.8271)


def _offset(lat: NDArray, lng: NDArray) -> tuple[NDArray, NDArray]:
    x, y = lng - 105.0, lat - 35.0
    d_lat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * np.sqrt(np.abs(x))
    d_lng = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * np.sqrt(np.abs(x))
    common = (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
    d_lat += common + (20.0 * np.sin(y * np.pi) + 40.0 * np.sin(y / 3.0 * np.pi)) * 2.0 / 3.0
    d_lat += (160.0 * np.sin(y / 12.0 * np.pi) + 320.0 * np.sin(y * np.pi / 30.0)) * 2.0 / 3.0
    d_lng += common + (20.0 * np.sin(x * np.pi) + 40.0 * np.sin(x / 3.0 * np.pi)) * 2.0 / 3.0
    d_lng += (150.0 * np.sin(x / 12.0 * np.pi) + 300.0 * np.sin(x / 30.0 * np.pi)) * 2.0 / 3.0
    rad = lat / 180.0 * np.pi
    magic = 1.0 - _EE * np.sin(rad) ** 2
    sqrt_magic = np.sqrt(magic)
    d_lat = (d_lat * 180.0) / ((_A * (1.0 - _EE)) / (magic * sqrt_magic) * np.pi)
    d_lng = (d_lng * 180.0) / (_A / sqrt_magic * np.cos(rad) * np.pi)
    return d_lat, d_lng


def _out(lat: NDArray, lng: NDArray):
    if lat.ndim == 0:
        return float(lat), float(lng)
    return lat, lng


def wgs84_to_gcj02(lat: ArrayLike, lng: ArrayLike):
    lat, lng = np.asarray(lat, dtype=float), np.asarray(lng, dtype=float)
    d_lat, d_lng = _offset(lat, lng)
    outside = outside_china(lat, lng)
    return _out(np.where(outside, lat, lat + d_lat), np.where(outside, lng, lng + d_lng))


def gcj02_to_wgs84(lat: ArrayLike, lng: ArrayLike):
    """The WGS84 point whose GCJ-02 image is (lat, lng), by fixed-point iteration."""
    target_lat, target_lng = np.asarray(lat, dtype=float), np.asarray(lng, dtype=float)
    w_lat, w_lng = target_lat.copy(), target_lng.copy()
    for _ in range(_INVERSE_STEPS):
        g_lat, g_lng = (np.asarray(v) for v in wgs84_to_gcj02(w_lat, w_lng))
        e_lat, e_lng = g_lat - target_lat, g_lng - target_lng
        w_lat, w_lng = w_lat - e_lat, w_lng - e_lng
        if np.all(np.abs(e_lat) < _INVERSE_TOLERANCE) and np.all(np.abs(e_lng) < _INVERSE_TOLERANCE):
            break
    return _out(w_lat, w_lng)


def gcj02_to_bd09(lat: ArrayLike, lng: ArrayLike):
    lat, lng = np.asarray(lat, dtype=float), np.asarray(lng, dtype=float)
    z = np.sqrt(lng * lng + lat * lat) + 0.00002 * np.sin(lat * _BD_FACTOR)
    theta = np.arctan2(lat, lng) + 0.000003 * np.cos(lng * _BD_FACTOR)
    return _out(z * np.sin(theta) + 0.006, z * np.cos(theta) + 0.0065)


def bd09_to_gcj02(lat: ArrayLike, lng: ArrayLike):
    lat, lng = np.asarray(lat, dtype=float), np.asarray(lng, dtype=float)
    x, y = lng - 0.0065, lat - 0.006
    z = np.sqrt(x * x + y * y) - 0.00002 * np.sin(y * _BD_FACTOR)
    theta = np.arctan2(y, x) - 0.000003 * np.cos(x * _BD_FACTOR)
    return _out(z * np.sin(theta), z * np.cos(theta))


def wgs84_to_bd09(lat: ArrayLike, lng: ArrayLike):
    return gcj02_to_bd09(*wgs84_to_gcj02(lat, lng))


def bd09_to_wgs84(lat: ArrayLike, lng: ArrayLike):
    return gcj02_to_wgs84(*bd09_to_gcj02(lat, lng))


_STEPS = {
    (GCJ02, WGS84): (gcj02_to_wgs84,),
    (BD09, WGS84): (bd09_to_wgs84,),
    (WGS84, GCJ02): (wgs84_to_gcj02,),
    (WGS84, BD09): (wgs84_to_bd09,),
    (GCJ02, BD09): (gcj02_to_bd09,),
    (BD09, GCJ02): (bd09_to_gcj02,),
}


def convert(lat: ArrayLike, lng: ArrayLike, source: str, target: str = WGS84):
    """(lat, lng) from ``source`` to ``target`` ("wgs84", "gcj02" or "bd09")."""
    for name in (source, target):
        if name not in SYSTEMS:
            raise ValueError(f"unknown coordinate system {name!r}; expected one of {SYSTEMS}")
    if source == target:
        return _out(np.asarray(lat, dtype=float), np.asarray(lng, dtype=float))
    for step in _STEPS[(source, target)]:
        lat, lng = step(lat, lng)
    return lat, lng
