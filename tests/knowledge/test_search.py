"""The search box: Chinese substrings, AND of terms, numbers, marked fragments (escaped), filters."""

import datetime

import pytest

from lantian.knowledge import search
from lantian.knowledge.models import Document, Status, status_on

pytestmark = pytest.mark.django_db
LIST = "/knowledge/documents/"


def found(client, **query) -> list[str]:
    response = client.get(LIST, query)
    assert response.status_code == 200
    return [row["object"].number or row["object"].title for row in response.context["rows"]]


@pytest.fixture
def reader(tree, login):
    return login(tree.ent_a1_admin)


# --- the kernel ---


def test_terms_are_split_on_any_space_and_deduplicated():
    assert search.split_terms("  泄漏　检测 泄漏 ") == ["泄漏", "检测"]
    assert search.split_terms("") == []
    assert len(search.split_terms(" ".join(f"t{i}" for i in range(20)))) == search.MAX_TERMS


def test_numbers_are_normalised():
    assert search.normalize_number("ＧＢ　37822—2019") == "GB 37822-2019"
    assert search.normalize_number(" HJ  733–2014 ") == "HJ 733-2014"
    assert search.normalize_number("DB44/2367-2022") == "DB44/2367-2022"


def test_highlight_escapes_every_piece_and_marks_the_terms():
    html = search.highlight('<script>alert("泄漏")</script> 泄漏 & LDAR', ["泄漏", "ldar"])
    assert html == (
        "&lt;script&gt;alert(&quot;<mark>泄漏</mark>&quot;)&lt;/script&gt; <mark>泄漏</mark> &amp; "
        "<mark>LDAR</mark>"
    )
    # A term that looks like markup is matched as text and escaped too.
    assert search.highlight("a <b> c", ["<b>"]) == "a <mark>&lt;b&gt;</mark> c"


def test_fragment_is_cut_around_the_first_match():
    text = "甲" * 100 + "泄漏检测" + "乙" * 100
    piece = search.fragment(text, ["泄漏"], width=40)
    assert piece.startswith("…") and piece.endswith("…")
    assert "<mark>泄漏</mark>检测" in piece
    assert len(piece) < 80
    assert search.fragment(text, ["丙"]) is None


def test_on_postgresql_terms_without_case_skip_case_folding():
    from django.db import connection

    assert not search.has_case("泄漏检测") and not search.has_case("37822-2019")
    assert search.has_case("LDAR") and search.has_case("μmol")
    plain = str(search.search(Document.objects.all(), "泄漏").query).upper()
    folded = str(search.search(Document.objects.all(), "ldar").query).upper()
    assert "STRPOS" not in folded and folded.count(" LIKE ") == len(search.SEARCH_FIELDS) + 1
    if connection.vendor == "postgresql":  # only the number typed without its space is a LIKE
        assert "STRPOS" in plain and plain.count(" LIKE ") == 1
    else:  # SQLite's LIKE is faster than its instr
        assert plain.count(" LIKE ") == len(search.SEARCH_FIELDS) + 1


def test_status_follows_the_dates():
    day = datetime.date(2025, 6, 1)
    assert status_on(day, None, None) == Status.CURRENT
    assert status_on(day, datetime.date(2025, 6, 1), None) == Status.CURRENT
    assert status_on(day, datetime.date(2025, 6, 2), None) == Status.UPCOMING
    assert status_on(day, datetime.date(2020, 1, 1), datetime.date(2025, 6, 1)) == Status.ABOLISHED
    assert status_on(day, datetime.date(2020, 1, 1), datetime.date(2025, 6, 2)) == Status.CURRENT


def test_the_database_status_rule_agrees_with_the_python_one(documents):
    today = datetime.date.today()
    for status in Status:
        in_db = set(Document.objects.with_status(status, today).values_list("pk", flat=True))
        in_python = {d.pk for d in Document.objects.all() if d.status == status}
        assert in_db == in_python, status


# --- the list page ---


def test_a_chinese_substring_finds_entries_by_any_field(reader, documents):
    assert found(reader, q="输送管道组件") == ["HJ 1230-2021"]  # summary of a seed entry
    assert found(reader, q="延迟修复") == ["测环发〔2099〕1号"]  # summary
    assert found(reader, q="测试学会") == ["T/TEST 1-2001"]  # one of two issuers
    assert found(reader, q="15 日内") == ["<b>加粗</b>标题"]  # two terms, both in the full text
    assert found(reader, q="μmol/mol") == ["<b>加粗</b>标题"]  # full text
    assert set(found(reader, q="LDAR")) == {"GB 37822-2019", "HJ 1230-2021"}  # keywords, any case
    assert set(found(reader, q="ldar")) == {"GB 37822-2019", "HJ 1230-2021"}


def test_several_terms_must_all_be_found(reader, documents):
    assert set(found(reader, q="泄漏")) >= {"GB 37822-2019", "HJ 733-2014", "T/TEST 1-2001"}
    assert found(reader, q="泄漏 广东") == []
    assert found(reader, q="挥发性有机物 广东") == ["DB44/2367-2022"]
    assert found(reader, q="广东　综合排放") == ["DB44/2367-2022"]  # full-width space
    assert found(reader, q="泄漏 不存在的词") == []


def test_a_number_is_found_by_a_part_or_as_typed_without_its_space(reader):
    assert found(reader, q="37822") == ["GB 37822-2019"]
    assert found(reader, q="GB37822") == ["GB 37822-2019"]
    assert found(reader, q="gb 37822—2019") == ["GB 37822-2019"]
    assert found(reader, q="HJ 733") == ["HJ 733-2014"]
    assert found(reader, q="DB44/2367") == ["DB44/2367-2022"]


def test_results_show_the_matching_fragment_marked_and_escaped(reader, documents):
    response = reader.get(LIST, {"q": "超过"})
    html = response.content.decode()
    assert "泄漏检测值<mark>超过</mark> 2000" in html  # the fragment of the full text
    response = reader.get(LIST, {"q": "净检测值"})
    html = response.content.decode()
    assert "alert(&quot;x&quot;)&lt;/script&gt; <mark>净检测值</mark>的计算 &amp; 修约" in html
    assert "<script>alert" not in html
    assert "&lt;b&gt;加粗&lt;/b&gt;标题" in html and "<b>加粗</b>" not in html
    number = reader.get(LIST, {"q": "37822"}).content.decode()
    assert "GB <mark>37822</mark>-2019" in number
    assert "1 entry contains" in number or "条" in number


def test_a_result_links_to_the_entry_with_the_words_marked_there(reader, documents):
    response = reader.get(LIST, {"q": "检测值"})
    (row,) = response.context["rows"]
    assert row["url"].endswith("?q=%E6%A3%80%E6%B5%8B%E5%80%BC")
    detail = reader.get(row["url"]).content.decode()
    assert "泄漏<mark>检测值</mark>超过" in detail
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; 净<mark>检测值</mark>" in detail


def test_the_htmx_refresh_returns_the_marked_table(reader, documents):
    response = reader.get(LIST, {"q": "延迟修复"}, HTTP_HX_REQUEST="true")
    assert response.templates[0].name == "knowledge/document_table.html"
    assert "<mark>延迟修复</mark>" in response.content.decode()


def test_filters_category_issuer_status_and_year(reader, documents):
    assert found(reader, category="regulation") == ["测环发〔2099〕1号"]
    assert found(reader, issuer="测试协会") == ["T/TEST 1-2001"]  # a joint issuer is offered alone
    assert set(found(reader, issuer="国家市场监督管理总局")) == {"GB 37822-2019"}
    assert found(reader, status="abolished") == ["T/TEST 1-2001"]
    assert found(reader, status="upcoming") == ["测环发〔2099〕1号"]
    assert "GB 37822-2019" in found(reader, status="current")
    assert found(reader, year="2019") == ["GB 37822-2019"]
    assert found(reader, year="2014", q="泄漏") == ["HJ 733-2014"]
    form = reader.get(LIST).context["filterset"].form
    assert ("测试协会", "测试协会") in list(form.fields["issuer"].choices)
    assert ("2022", "2022") in list(form.fields["year"].choices)


def test_newest_first(reader, documents):
    numbers = [n for n in found(reader) if n in {"GB 37822-2019", "DB44/2367-2022", "HJ 733-2014"}]
    assert numbers == ["DB44/2367-2022", "GB 37822-2019", "HJ 733-2014"]
    rows = found(reader)
    assert rows.index("GB 31571-2015") > rows.index("HJ 733-2014")  # no issue date: last


def test_the_api_searches_the_same_way(tree):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(tree.ent_a1_admin)
    response = client.get("/api/knowledge/documents/", {"q": "GB37822"})
    assert response.status_code == 200, response.content
    assert [row["number"] for row in response.json()["results"]] == ["GB 37822-2019"]
