"""Readings the gateway does not believe although the packet is well formed.

A penetration test had a device send ``DataTime=99991231235959`` and ``a34004-Rtd=1e308``: both were
acknowledged, stored, and the far-future reading stayed the device's latest value for ever (a newer
data time never came). The gateway refuses packets whose data time lies too far ahead of its clock
(``Gateway.future_tolerance``) and keeps values that are not finite or beyond ``±limit`` out of the
measurement table and the latest values, noting them on the packet.
"""

from __future__ import annotations

import math
import re

from .cp import CP

_NUMERIC_KINDS = r"-(?:Zs)?(?:Rtd|Avg|Min|Max|Cou)="


class ValueCheck:
    """Finds a CP's implausible values. Cheap when there are none (the usual case): one search for
    values written with letters (``1e308``, ``inf``, ``NaN``) or with more integer digits than the
    limit has; only those are read as numbers."""

    def __init__(self, limit: float) -> None:
        if not limit > 0 or not math.isfinite(limit):
            raise ValueError(f"the value limit must be a positive number, not {limit!r}")
        self.limit = limit
        digits = len(str(int(limit)))  # a value with fewer integer digits is within the limit
        suspect = rf"[-+]?(?:[0-9.]*[^0-9.;,&]|0*[1-9][0-9]{{{digits - 1},}})"
        self._suspect = re.compile(_NUMERIC_KINDS + suspect)
        self._item = re.compile(rf"([^;,=&]+{_NUMERIC_KINDS[:-1]})=([^;,&]*)")

    def implausible(self, cp_text: str) -> list[tuple[str, str]]:
        """(key, value text) of each value that is not finite or beyond ±limit, in CP order."""
        if self._suspect.search(cp_text) is None:
            return []
        found = []
        for key, raw in self._item.findall(cp_text):
            try:
                value = float(raw)
            except ValueError:
                continue  # not a number at all: stored as no value already
            if not math.isfinite(value) or abs(value) > self.limit:
                found.append((key, raw))
        return found

    def without(self, cp: CP, implausible: list[tuple[str, str]]) -> CP:
        """``cp`` less the implausible values, and less the flags and other items of a code left
        without any value (a flag alone would make the code look measured)."""
        dropped = {key for key, _raw in implausible}
        keys = [key for group in cp.groups for key, _value in group]
        measured = {_code(key) for key in keys if key not in dropped and self._item.fullmatch(f"{key}=")}
        dropped.update(key for key in keys if "-" in key and _code(key) not in measured)
        for key in dropped:
            cp = cp.without(key)
        return cp

    def note(self, implausible: list[tuple[str, str]]) -> str:
        """The deviation recorded with the packet."""
        items = ", ".join(f"{key}={raw}" for key, raw in implausible)
        return IMPLAUSIBLE_VALUES.format(items=items, limit=f"{self.limit:g}")


def _code(key: str) -> str:
    return key.rpartition("-")[0]


IMPLAUSIBLE_VALUES = "implausible values {items} (not finite or beyond ±{limit}): not stored as measurements"
