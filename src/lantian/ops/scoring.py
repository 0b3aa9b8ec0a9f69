"""The monthly score of an assessment scheme (ops spec "Monthly assessment"): pure, no Django.

``score_month(categories, deductions, grades)``:

- ``categories``: category name → its points (the scheme's total is their sum, 100 for Renhe);
- ``deductions``: ``(category, points, zeroes_month)`` for every confirmed deduction (waived ones are
  left out by the caller);
- a category never loses more than its own points; one confirmed zeroing event makes the month 0;
- ``grades``: ``(name, lowest score)`` from the best down, e.g. (("优秀", 85), ("良好", 75), ("达标", 60));
  a score under the last bound gets ``fail_grade`` (不达标).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class MonthScore:
    score: Decimal
    grade: str
    zeroed: bool
    lost: dict[str, Decimal]  # category → points lost (capped)


def score_month(
    categories: Mapping[str, Decimal],
    deductions: Iterable[tuple[str, Decimal, bool]],
    grades: Sequence[tuple[str, Decimal]],
    fail_grade: str,
) -> MonthScore:
    lost: dict[str, Decimal] = defaultdict(Decimal)
    zeroed = False
    for category, points, zeroes in deductions:
        if category not in categories:
            raise ValueError(f"deduction in unknown category {category!r}")
        if points < 0:
            raise ValueError(f"a deduction cannot be negative ({category}: {points})")
        lost[category] += Decimal(points)
        zeroed = zeroed or bool(zeroes)
    capped = {name: min(value, Decimal(categories[name])) for name, value in lost.items()}
    total = sum((Decimal(p) for p in categories.values()), Decimal(0))
    score = Decimal(0) if zeroed else total - sum(capped.values(), Decimal(0))
    grade = next((name for name, bound in grades if score >= Decimal(bound)), fail_grade)
    return MonthScore(score=score, grade=grade, zeroed=zeroed, lost=capped)


def penalty(breaches_after_warnings: int, contract_amount: Decimal, percent: Decimal) -> Decimal:
    """Penalty of the month: ``percent`` of the contract for every breach once the warnings are used up."""
    return (
        Decimal(max(breaches_after_warnings, 0)) * Decimal(contract_amount) * Decimal(percent) / 100
    ).quantize(Decimal("0.01"))
