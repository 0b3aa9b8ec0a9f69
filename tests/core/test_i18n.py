"""Every user-facing string is translatable and translated to zh-hans (ARCHITECTURE rule 7)."""

import gettext
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from lantian.core.registry import registrations

LOCALE = Path(__file__).resolve().parents[2] / "src" / "lantian" / "locale" / "zh_Hans" / "LC_MESSAGES"


PO_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}


def unescape(text: str) -> str:
    """A .po string's C escapes (\\n, \\t, \\", \\\\) as the characters msgfmt reads them as."""
    return re.sub(r"\\(.)", lambda m: PO_ESCAPES.get(m.group(1), m.group(0)), text)


def po_entries(path: Path) -> dict[tuple[str | None, str], str]:
    """(msgctxt, msgid) → msgstr (first plural form) of a .po file, skipping the header."""
    entries = {}
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        context = re.search(r'^msgctxt "(.*)"$', block, re.M)
        msgid = re.search(r'^msgid ((?:".*"\n)+)', block + "\n", re.M)
        msgstr = re.search(r'^msgstr(?:\[0\])? ((?:".*"\n?)+)', block + "\n", re.M)
        if msgid and msgstr:
            key = unescape("".join(re.findall(r'"(.*)"', msgid.group(1))))
            if key:
                value = unescape("".join(re.findall(r'"(.*)"', msgstr.group(1))))
                entries[(context.group(1) if context else None, key)] = value
    return entries


def compiled(catalog: gettext.GNUTranslations, context: str | None, msgid: str) -> set[str]:
    if context is not None:
        return {catalog.pgettext(context, msgid), catalog.npgettext(context, msgid, msgid, 1)}
    return {catalog.gettext(msgid), catalog.ngettext(msgid, msgid, 1)}


def test_every_message_has_a_chinese_translation():
    entries = po_entries(LOCALE / "django.po")
    assert len(entries) > 150
    assert [k for k, v in entries.items() if not v] == []
    assert "#, fuzzy" not in (LOCALE / "django.po").read_text(encoding="utf-8").split("\n\n", 1)[1]


def test_compiled_catalog_matches_the_po_file():
    entries = po_entries(LOCALE / "django.po")
    with (LOCALE / "django.mo").open("rb") as handle:
        catalog = gettext.GNUTranslations(handle)
    stale = [key for key, value in entries.items() if value not in compiled(catalog, *key)]
    assert stale == [], "run `make messages` to recompile django.mo"


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="needs GNU gettext's xgettext")
def test_no_string_in_the_code_is_missing_from_the_catalog(tmp_path):
    source = Path(__file__).resolve().parents[2] / "src" / "lantian"
    shutil.copytree(source, tmp_path / "lantian", ignore=shutil.ignore_patterns("vendor", "__pycache__"))
    manage = Path(__file__).resolve().parents[2] / "manage.py"
    command = [
        sys.executable,
        str(manage),
        "makemessages",
        "-l",
        "zh_Hans",
        "--no-obsolete",
        "-i",
        "static/vendor/*",
    ]
    subprocess.run(command, cwd=tmp_path / "lantian", check=True, capture_output=True)
    fresh = po_entries(tmp_path / "lantian" / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po")
    untranslated = sorted(k for k, v in fresh.items() if not v)
    assert untranslated == [], "new strings: run `make messages` and translate them"


def filter_form(client, url: str) -> tuple[str, list[str]]:
    """The filter form of a list page as rendered, and the names of its fields that have no label
    of their own (a form field built outside its filterset, labelled from its name: "Kind")."""
    response = client.get(url)
    assert response.status_code == 200, url
    html = response.content.decode()
    form = re.search(r'<form[^>]*id="filter-form".*?</form>', html, re.S)
    filterset = response.context["filterset"]
    unlabelled = [name for name, field in filterset.form.fields.items() if field.label is None]
    return (form.group(0) if form else ""), unlabelled


@pytest.mark.django_db
def test_api_schema_leaves_list_filters_in_the_users_language(tree, login):
    """Generating the OpenAPI schema once must not change any list page's filters for anyone:
    drf-spectacular once cached label-less form fields on the filtersets' class-level filters."""
    client = login(tree.admin)
    urls = [registration.url("list") for registration in registrations() if "list" in registration.actions]
    before = {url: filter_form(client, url) for url in urls}
    assert client.get("/api/schema/").status_code == 200
    assert client.get("/api/docs/").status_code == 200
    after = {url: filter_form(client, url) for url in urls}
    assert [url for url in urls if after[url][1]] == [], "filters labelled from their names"
    assert [url for url in urls if before[url] != after[url]] == []


def empty_options(html: str) -> list[str]:
    """The text of every empty-valued option of the page's dropdowns."""
    return re.findall(r'<option value=""[^>]*>([^<]*)</option>', html)


@pytest.mark.django_db
def test_dropdowns_name_their_empty_choice(tree, login):
    """Filters start with 全部 (all), forms with 请选择 (please choose); never "---------"."""
    client = login(tree.admin)
    wrong = {}
    for registration in registrations():
        for action, expected in (("list", "全部"), ("add", "请选择")):
            if action in registration.actions:
                url = registration.url(action)
                found = set(empty_options(client.get(url).content.decode())) - {expected}
                if found:
                    wrong[url] = found
    changelog = set(empty_options(client.get("/core/changelog/").content.decode()))
    assert changelog == {"全部"}
    assert wrong == {}


def test_every_model_of_ours_names_itself_in_the_users_language():
    """A model without its own verbose_name is named after its class in English on every page that names
    it (the role editor, the change log, messages)."""
    from django.apps import apps
    from django.utils.functional import Promise

    ours = [m for m in apps.get_models() if m.__module__.startswith("lantian.")]
    unnamed = [
        m._meta.label
        for m in ours
        for key in ("verbose_name", "verbose_name_plural")
        if not isinstance(m._meta.original_attrs.get(key), Promise)
    ]
    assert len(ours) > 100
    assert unnamed == []
