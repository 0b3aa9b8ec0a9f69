"""The seed entries every installation gets (migration 0003), and the text storage on PostgreSQL."""

import datetime
import json

import pytest

from lantian.knowledge import seed
from lantian.knowledge.models import Category, Document, Status

pytestmark = pytest.mark.django_db

MEE, SAMR = "生态环境部", "国家市场监督管理总局"
MEP_AQSIQ = "环境保护部、国家质量监督检验检疫总局"
GUANGDONG = "广东省生态环境厅、广东省市场监督管理局"
EXPECTED = {
    # number: (title, category, issuer, issued, effective)
    "GB 37822-2019": ("挥发性有机物无组织排放控制标准", Category.ENVIRONMENTAL, f"{MEE}、{SAMR}",
                      datetime.date(2019, 5, 24), datetime.date(2019, 7, 1)),
    "GB 31570-2015": ("石油炼制工业污染物排放标准", Category.INDUSTRY, MEP_AQSIQ,
                      datetime.date(2015, 4, 16), datetime.date(2015, 7, 1)),
    "GB 31571-2015": ("石油化学工业污染物排放标准", Category.INDUSTRY, MEP_AQSIQ, None, None),
    "HJ 733-2014": ("泄漏和敞开液面排放的挥发性有机物检测技术导则", Category.DETECTION, "环境保护部",
                    datetime.date(2014, 12, 31), datetime.date(2015, 2, 1)),
    "HJ 1230-2021": ("工业企业挥发性有机物泄漏检测与修复技术指南", Category.GUIDE, MEE,
                     datetime.date(2021, 12, 21), None),
    "DB44/2367-2022": ("固定污染源挥发性有机物综合排放标准", Category.ENVIRONMENTAL, GUANGDONG,
                       datetime.date(2022, 6, 1), datetime.date(2022, 9, 1)),
}  # fmt: skip


def test_the_seed_entries_are_there_with_their_metadata():
    for number, (title, category, issuer, issued, effective) in EXPECTED.items():
        document = Document.objects.get(number=number)
        assert (document.title, document.category, document.issuer) == (title, category, issuer)
        assert (document.issued_on, document.effective_on, document.abolished_on) == (issued, effective, None)
        assert document.summary and document.keywords
        assert document.status == Status.CURRENT


def test_every_seed_entry_names_its_source():
    entries = json.loads(seed.SEED_FILE.read_text(encoding="utf-8"))["documents"]
    assert {e["number"] for e in entries} == set(EXPECTED)
    assert all(e["_source"].strip() for e in entries)


def test_loading_the_seed_again_changes_nothing_and_keeps_edits():
    Document.objects.filter(number="HJ 733-2014").update(summary="管理员改过的摘要")
    Document.objects.filter(number="GB 31571-2015").delete()
    assert seed.load_seed(Document) == 1
    assert seed.load_seed(Document) == 0
    assert Document.objects.get(number="HJ 733-2014").summary == "管理员改过的摘要"
    assert Document.objects.filter(number__in=EXPECTED).count() == len(EXPECTED)


def test_the_demo_reports_the_knowledge_base():
    from lantian.knowledge.demo import build_demo

    assert build_demo() == [f"Knowledge base: {Document.objects.count()} regulations and standards"]


def test_postgresql_keeps_the_long_texts_uncompressed():
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("a PostgreSQL storage setting")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attname, attstorage FROM pg_attribute "
            "WHERE attrelid = 'knowledge_document'::regclass AND attname IN ('summary', 'full_text')"
        )
        assert dict(cursor.fetchall()) == {"summary": "e", "full_text": "e"}
