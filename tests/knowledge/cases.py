"""Test cases of the knowledge models for the generated tests (tests/generic.py)."""

import datetime
import itertools

from lantian.knowledge.models import Category, Document
from tests.generic import Case, add_cases

SERIAL = itertools.count()


def _document(tree):
    return Document.objects.create(
        title="甲县测试标准",
        number="HJ 9999-2099",
        category=Category.DETECTION,
        issuer="生态环境部",
        issued_on=datetime.date(2024, 1, 2),
        effective_on=datetime.date(2024, 3, 1),
        keywords="测试、甲",
        summary="用于测试的条目。",
    )


def _more(tree, n):
    Document.objects.bulk_create(
        Document(
            title=f"测试条目{i}",
            number=f"T/TEST {i}-2025",
            category=Category.GUIDE,
            issuer="测试机构",
            issued_on=datetime.date(2025, 1, 1),
        )
        for i in itertools.islice(SERIAL, n)
    )


add_cases(
    # Shared reference data: no outsider; an enterprise administrator reads it.
    Case(
        Document, _document, member="ent_a1_admin", more=_more,
        unfiltered=frozenset({"effective_on", "abolished_on", "updated_at"}),
    ),
)  # fmt: skip
