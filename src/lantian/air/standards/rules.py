"""Which national rule set governs a day.

GB 3095-2026, HJ 633-2026 and HJ 663-2026 replaced GB 3095-2012, HJ 633-2012 and HJ 663-2013 on
2026-03-01. Every kernel function takes ``rules`` explicitly so that any period can also be evaluated
"as if" under the other set.
"""

from datetime import date, datetime, timedelta
from typing import Literal

Rules = Literal["2012", "2026"]

RULES_2012: Rules = "2012"
RULES_2026: Rules = "2026"
ALL_RULES: tuple[Rules, ...] = (RULES_2012, RULES_2026)

# GB 3095-2026 / HJ 633-2026 / HJ 663-2026 in force from this day (specs/air.md, Rules).
SWITCH_DAY = date(2026, 3, 1)


def rules_for(day: date) -> Rules:
    """The rule set in force on ``day``.

    A ``datetime`` is read as the label of an interval that *ends* at that instant (hour labels end
    the hour), so 2026-03-01 00:00 labels the last hour of 2026-02-28 and gets the 2012 rules.
    """
    if isinstance(day, datetime):
        day = (day - timedelta(microseconds=1)).date()
    return RULES_2026 if day >= SWITCH_DAY else RULES_2012


def check_rules(rules: str | int) -> Rules:
    """Validate a rule-set name ("2012" or "2026"; the integers are accepted too)."""
    name = str(rules)
    if name not in ALL_RULES:
        raise ValueError(f"unknown rule set {rules!r}; expected one of {ALL_RULES}")
    return name  # type: ignore[return-value]
