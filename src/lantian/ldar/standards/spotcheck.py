"""The regulator's spot check of equipment and pipeline component leaks.

GB 37822-2019 §13.4 c) (as specs/ldar.md §2 cites it): when the supervising authority detects no more
than 100 seal points of an enterprise and finds more than 2 (2 not included) leaking points that are
not within their repair period, the enterprise has exceeded the leak definition concentration — a
violation. A leaking point is within its repair period while the leak is known (recorded before the
check) and its repair deadline (GB 37822-2019 §8.4, or an approved delay) has not passed.
"""

from __future__ import annotations

from datetime import date

MAX_SPOT_CHECK_POINTS = 100  # "检测不超过 100 个密封点"
ALLOWED_OUTSIDE_WINDOW = 2  # "2 个以上（不含）…" : 3 or more is a violation


def in_repair_window(known_since: date | None, due_on: date | None, checked_on: date) -> bool:
    """Whether a leak found on ``checked_on`` is within its repair period: it was known on or before
    that day (``known_since``, the detection date of an open repair task) and due no earlier."""
    if not isinstance(checked_on, date):
        raise TypeError(f"checked_on must be a date, not {checked_on!r}")
    if known_since is None or due_on is None:
        return False
    return known_since <= checked_on <= due_on


def spot_check_violation(sampled: int, outside_window: int) -> bool:
    """The verdict of a spot check of ``sampled`` points that found ``outside_window`` leaking points
    outside their repair period: True (a violation) for more than 2."""
    if not 0 <= outside_window <= sampled:
        raise ValueError(f"leaks outside the window ({outside_window}) must lie in 0..{sampled}")
    if sampled > MAX_SPOT_CHECK_POINTS:
        raise ValueError(f"a spot check reads at most {MAX_SPOT_CHECK_POINTS} points, not {sampled}")
    return outside_window > ALLOWED_OUTSIDE_WINDOW
