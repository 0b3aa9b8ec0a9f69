"""Every page of the demo city, as every demo role, in Chinese: no server error, no English left.

The demo city (``manage.py demo``) is built once in the test database. Each demo account opens every
page of its menu and, for every list it may see, the detail, add and edit pages of one object. A
page fails on a server error, on a dropdown offering two empty choices, and on any English word in
its visible text or in the ``title``, ``placeholder`` and ``aria-label`` of its elements, unless
the word is data (it occurs in a value stored in the database: names, codes, usernames, brands,
readings) or in ``ALLOWED`` below: codes of standards and protocols, units and product names, which
Chinese pages write in Latin letters.
"""

from __future__ import annotations

import re
from collections import defaultdict
from html.parser import HTMLParser

import pytest
from django.apps import apps
from django.core.cache import caches
from django.db import models, transaction
from django.test import Client

from lantian.core.demo import ACCOUNTS, build_demo, build_module_demos
from lantian.core.models import User
from lantian.core.navigation import menu_for
from lantian.core.registry import registrations
from lantian.core.scope import permission_name

# Latin-letter words that Chinese pages legitimately contain. Not UI text: codes, units, names.
ALLOWED = frozenset(
    {
        # standards, protocols and their fields
        "GB", "HJ", "ST", "CN", "MN", "QN", "PW", "CP", "PNO", "PNUM", "CRC", "Flag", "SM", "QnRtn",
        "RF", "CMA", "CNAS", "ISO", "IEC",
        # the domain's own abbreviations
        "LDAR", "VOCs", "VOC", "CEMS", "AQI", "PM", "PID", "FID", "DCS",
        # coordinate systems (WGS84, GCJ-02, BD-09 and GPS), pollutants (SO₂, NO₂: the word stops at the
        # subscript), meters' current and voltage transformers (CT, PT), checksums and ports (SHA, TCP)
        "GCJ", "BD", "GPS", "SO", "NO", "CT", "PT", "SHA", "TCP",
        # technology and formats
        "API", "REST", "OpenAPI", "Swagger", "UI", "HTTP", "HTTPS", "URL", "IP", "ID", "Token",
        "Authorization", "Python", "UTF", "GBK", "JSON",
        # file formats and the products that make them
        "Excel", "Word", "PowerPoint", "xlsx", "csv", "CSV", "PDF", "PNG", "JPG", "JPEG", "GIF", "WebP",
        # units
        "mg", "kg", "km", "kW", "kWh", "ppm", "ppb", "mm", "DN", "MPa", "kPa", "Pa", "min", "KB", "MB",
        # brands of the product itself
        "Lantian",
    }
)  # fmt: skip

WORD = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
# Not words: addresses, file names, dotted identifiers (core.view_user), snake_case names (add_user).
CODES = re.compile(
    r"(?:https?://|www\.)\S+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+|\S+\.(?:md|xlsx|csv|png|py)\b"
    r"|\b[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*\b|\b\w*_\w*\b"
)
SKIPPED_ELEMENTS = {"script", "style", "code", "pre", "kbd", "samp", "template", "svg"}
VOID_ELEMENTS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
ATTRIBUTES = ("title", "placeholder", "aria-label")
# Stored texts that are not data: msgids kept in the database (permission and built-in role names),
# logs of field names, and messages the platform itself wrote (a rejected packet's reason, a job's
# errors), which a Chinese page must show in Chinese.
NOT_DATA = {
    "auth.permission", "contenttypes.contenttype", "auditlog.logentry", "sessions.session", "core.role",
    "hj212.rejectedpacket", "core.job",
}  # fmt: skip


class PageText(HTMLParser):
    """The texts a user reads on a page: text nodes outside scripts and code (``<code>``, ``<pre>``,
    monospace), and the attributes that browsers show (tooltips, placeholders, screen-reader labels)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self.skipped_depth = 0  # open elements inside a skipped one (0: not skipping)

    def handle_starttag(self, tag, attrs):
        void = tag in VOID_ELEMENTS
        if self.skipped_depth:
            self.skipped_depth += 0 if void else 1
            return
        self.texts.extend(value for name, value in attrs if name in ATTRIBUTES and value)
        classes = (dict(attrs).get("class") or "").split()
        if not void and (tag in SKIPPED_ELEMENTS or "font-monospace" in classes):
            self.skipped_depth = 1

    def handle_endtag(self, tag):
        if self.skipped_depth and tag not in VOID_ELEMENTS:
            self.skipped_depth -= 1

    def handle_data(self, data):
        if not self.skipped_depth and data.strip():
            self.texts.append(data)


def english_words(html: str, data: set[str]) -> set[str]:
    parser = PageText()
    parser.feed(html)
    words = set()
    for text in parser.texts:
        if text.strip() == "---------":  # Django's empty choice: 全部 or 请选择 on Chinese pages
            words.add(text.strip())
        for word in WORD.findall(CODES.sub(" ", text)):
            if len(word) > 1 and not any(c.isdigit() for c in word) and word not in ALLOWED | data:
                words.add(word)
    return words


def is_product(model) -> bool:
    """Not the stand-in module of the test settings (tests.testapp), which production never shows."""
    return model.__module__.startswith("lantian.")


def scaffolding_words() -> set[str]:
    """The names of the test settings' stand-in module, shown where pages list every model."""
    names = []
    for config in apps.get_app_configs():
        if config.name.startswith("tests."):
            names.append(config.verbose_name)
            for model in config.get_models():
                names += [model._meta.verbose_name, model._meta.verbose_name_plural]
    return {word for name in names for word in WORD.findall(str(name))}


def empty_choices(html: str) -> list[tuple[str, int]]:
    """(name, count) of the dropdowns that offer more than one empty choice ("全部", "全部", …)."""
    found = []
    for select in re.finditer(r'<select[^>]*name="([^"]*)"[^>]*>(.*?)</select>', html, re.S):
        count = len(re.findall(r'<option value=""', select.group(2)))
        if count > 1:
            found.append((select.group(1), count))
    return found


def stored_words() -> set[str]:
    """Every Latin-letter word in a text value stored in the database (choices excepted: their
    labels are UI text, their stored keys never shown)."""
    words = set()
    for model in apps.get_models():
        if model._meta.label_lower in NOT_DATA:
            continue
        for field in model._meta.concrete_fields:
            if isinstance(field, models.CharField | models.TextField) and not field.choices:
                values = model._base_manager.values_list(field.attname, flat=True).distinct()
                for value in values.iterator():
                    if value:
                        words.update(WORD.findall(value))
    return words


@pytest.fixture(scope="module")
def demo_city(django_db_setup, django_db_blocker):
    """The demo city in the test database for this module's tests, rolled back after them."""
    with django_db_blocker.unblock(), transaction.atomic():
        build_demo()
        build_module_demos()
        yield stored_words() | scaffolding_words()
        transaction.set_rollback(True)
    for cache in ("default", "realtime"):
        caches[cache].clear()


def pages_of(user) -> dict[str, str]:
    """url → what it is, for the pages ``user`` reaches from the menu and the lists it may see."""
    pages = {item.url: f"menu {item.label}" for group in menu_for(user) for item in group["items"]}
    for registration in registrations():
        model = registration.model
        if not is_product(model) or "list" not in registration.actions:
            continue
        if not user.has_perm(permission_name(model, "view")):
            continue
        name = model._meta.model_name
        pages.setdefault(registration.url("list"), f"{name} list")
        obj = model.objects.restrict(user, "view").order_by("pk").first()
        if obj is not None and "detail" in registration.actions:
            pages[registration.url("detail", obj)] = f"{name} detail"
        if "add" in registration.actions and user.has_perm(permission_name(model, "add")):
            pages[registration.url("add")] = f"{name} add"
        editable = model.objects.restrict(user, "change").order_by("pk").first()
        if editable is not None and "edit" in registration.actions:
            pages[registration.url("edit", editable)] = f"{name} edit"
    return pages


@pytest.mark.django_db
@pytest.mark.parametrize("username", [account[0] for account in ACCOUNTS])
def test_every_page_opens_in_chinese(demo_city, username):
    user = User.objects.get(username=username)
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(user)
    errors, english = [], defaultdict(set)
    for url, what in sorted(pages_of(user).items()):
        try:
            response = client.get(url, follow=True)  # e.g. "my filing" leads to the filing's page
        except Exception as error:  # the test client re-raises what would be a 500
            errors.append(f"{url} ({what}): {type(error).__name__}: {error}")
            continue
        if response.status_code >= 500:
            errors.append(f"{url} ({what}): {response.status_code}")
        elif response.status_code == 200 and response["Content-Type"].startswith("text/html"):
            html = response.content.decode()
            for word in english_words(html, demo_city):
                english[word].add(url)
            errors += [f"{url} ({what}): {name} offers {n} empty choices" for name, n in empty_choices(html)]
    untranslated = [f"{word}: {' '.join(sorted(urls)[:3])}" for word, urls in sorted(english.items())]
    problems = errors + untranslated
    assert not problems, f"{username}: server errors and English on Chinese pages:\n" + "\n".join(problems)
