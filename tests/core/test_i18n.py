"""Every user-facing string is translatable and translated to zh-hans (ARCHITECTURE rule 7)."""

import gettext
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

LOCALE = Path(__file__).resolve().parents[2] / "src" / "lantian" / "locale" / "zh_Hans" / "LC_MESSAGES"


def po_entries(path: Path) -> dict[str, str]:
    """msgid → msgstr (first plural form) of a .po file, skipping the header."""
    entries = {}
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        msgid = re.search(r'^msgid ((?:".*"\n)+)', block + "\n", re.M)
        msgstr = re.search(r'^msgstr(?:\[0\])? ((?:".*"\n?)+)', block + "\n", re.M)
        if msgid and msgstr:
            key = "".join(re.findall(r'"(.*)"', msgid.group(1))).replace('\\"', '"')
            if key:
                entries[key] = "".join(re.findall(r'"(.*)"', msgstr.group(1))).replace('\\"', '"')
    return entries


def test_every_message_has_a_chinese_translation():
    entries = po_entries(LOCALE / "django.po")
    assert len(entries) > 150
    assert [k for k, v in entries.items() if not v] == []
    assert "#, fuzzy" not in (LOCALE / "django.po").read_text(encoding="utf-8").split("\n\n", 1)[1]


def test_compiled_catalog_matches_the_po_file():
    entries = po_entries(LOCALE / "django.po")
    with (LOCALE / "django.mo").open("rb") as handle:
        catalog = gettext.GNUTranslations(handle)
    stale = [k for k, v in entries.items() if v not in (catalog.gettext(k), catalog.ngettext(k, k, 1))]
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
