"""Arrays of codes (component types, material states) turned into positions in a tuple of codes."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np


def code_index(values, codes: tuple[str, ...], check: Callable[[str], str]) -> np.ndarray:
    """The position in ``codes`` of every element of ``values`` (one code or an array of them);
    ``check`` raises the ValueError naming the first unknown one."""
    array = np.asarray(values)
    if array.dtype.kind != "U":
        array = array.astype(str)
    index = np.full(array.shape, -1, dtype=np.intp)
    for position, code in enumerate(codes):
        index[array == code] = position
    unknown = index < 0
    if unknown.any():
        check(str(array[unknown].flat[0]))
        raise AssertionError("check() accepted a code outside codes")  # pragma: no cover
    return index
