"""The in-app help: the user manuals of docs/manual, rendered from Markdown (core.md, ldar.md §9).

The manuals are repository content, read at run time from ``<repository>/docs/manual`` and rendered
once per file version (cached by modification time and size). A manual declares the roles it is
written for in an HTML comment on any line, ``<!-- roles: bureau_admin, enterprise_admin -->``; the
help page lists the manuals of the user's roles first.

Rendering keeps the pages within the Content-Security-Policy and the site: raw HTML in a manual is
shown as text (no script, no inline style), table alignment uses attributes, links between manuals
become the in-app pages, images (``img/<name>.png``) are served by ``help_image`` after a strict name
check, and other relative links (to files of the repository) lose their target.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit
from xml.etree import ElementTree

import markdown
from django.conf import settings
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import FileResponse, Http404
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import TemplateView
from markdown.extensions.toc import slugify_unicode
from markdown.treeprocessors import Treeprocessor

INDEX = "README.md"
ROLES_MARK = re.compile(r"<!--\s*roles:\s*([\w\s,]*?)\s*-->", re.IGNORECASE)
SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
IMAGE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,99}\.(png|jpe?g|gif|webp)$")
CJK = "\u2e80"  # the CJK blocks start here
SCHEMES = frozenset({"http", "https", "mailto"})
IMAGE_TYPES = {"png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg", "gif": "image/gif",
               "webp": "image/webp"}  # fmt: skip


def manual_dir() -> Path:
    return Path(getattr(settings, "LANTIAN_MANUAL_DIR", settings.REPO_DIR / "docs" / "manual"))


@dataclass(frozen=True)
class Manual:
    slug: str
    title: str
    intro: str  # the first paragraph, rendered as inline HTML (emphasis, code; links as their text)
    roles: tuple[str, ...]
    html: str
    toc: str

    @property
    def url(self) -> str:
        return reverse("core:help_page", args=[self.slug])


class _Links(Treeprocessor):
    """Links between manuals to the in-app pages, images to ``help_image``, Tabler classes."""

    def __init__(self, md, slugs: set[str]):
        super().__init__(md)
        self.slugs = slugs

    def run(self, root):
        for parent, element in [(node, child) for node in root.iter() for child in node]:
            if element.tag == "a":
                self.link(element)
            elif element.tag == "img":
                self.image(parent, element)
            elif element.tag == "table":
                element.set("class", "table table-bordered table-sm")
                wrapper = ElementTree.Element("div", {"class": "table-responsive"})
                parent.insert(list(parent).index(element), wrapper)
                parent.remove(element)
                wrapper.append(element)

    def link(self, element):
        href = element.get("href", "")
        parts = urlsplit(href)
        if parts.scheme or parts.netloc:
            if parts.scheme.lower() not in SCHEMES:  # javascript:, data: …
                del element.attrib["href"]
            return  # another site, shown as written
        if not parts.path:
            return  # an anchor on this page
        fragment = f"#{parts.fragment}" if parts.fragment else ""
        name = parts.path.removeprefix("./")
        if name == INDEX:
            element.set("href", reverse("core:help") + fragment)
        elif name.endswith(".md") and name[:-3] in self.slugs:
            element.set("href", reverse("core:help_page", args=[name[:-3]]) + fragment)
        elif name.startswith("img/") and IMAGE_NAME.match(name[4:]):
            element.set("href", reverse("core:help_image", args=[name[4:]]))
        else:  # a file of the repository that the application does not serve
            del element.attrib["href"]

    def image(self, parent, element):
        source = element.get("src", "")
        name = source.removeprefix("./").removeprefix("img/")
        if source.removeprefix("./").startswith("img/") and IMAGE_NAME.match(name):
            element.set("src", reverse("core:help_image", args=[name]))
            element.set("class", "img-fluid border rounded shadow-sm my-2")
            element.set("loading", "lazy")
        else:  # only the manual's own images are shown; anything else by its description
            replacement = ElementTree.Element("span", {"class": "text-secondary"})
            replacement.text = f"[{element.get('alt', '')}]"
            replacement.tail = element.tail
            parent.insert(list(parent).index(element), replacement)
            parent.remove(element)


class _LinksAsText(Treeprocessor):
    """For text shown inside a link (a manual's card): links and images become their words."""

    def run(self, root):
        for parent, element in [(node, child) for node in root.iter() for child in node]:
            if element.tag == "a":
                element.tag, element.attrib = "span", {}
            elif element.tag == "img":
                replacement = ElementTree.Element("span")
                replacement.text, replacement.tail = element.get("alt", ""), element.tail
                parent.insert(list(parent).index(element), replacement)
                parent.remove(element)


def _markdown(**options) -> markdown.Markdown:
    md = markdown.Markdown(**options)
    # Raw HTML is shown as text: a manual cannot add script, inline style or forms to a page.
    md.preprocessors.deregister("html_block")
    md.inlinePatterns.deregister("html")
    return md


def render_inline(text: str) -> str:
    """A paragraph of Markdown as inline HTML, as safe as a manual's page, without links."""
    md = _markdown()
    md.treeprocessors.register(_LinksAsText(md), "lantian_links_as_text", 1)
    return md.convert(text).removeprefix("<p>").removesuffix("</p>")


def render(text: str, slugs: set[str]) -> tuple[str, str]:
    """(HTML, table of contents HTML) of a manual's Markdown."""
    md = _markdown(
        extensions=["tables", "toc", "fenced_code"],
        extension_configs={
            "tables": {"use_align_attribute": True},  # no inline style (CSP)
            "toc": {"slugify": slugify_unicode, "toc_depth": "2-3"},
        },
    )
    md.treeprocessors.register(_Links(md, slugs), "lantian_links", 1)
    html = md.convert(ROLES_MARK.sub("", text))
    return html, getattr(md, "toc", "")


def _join_lines(lines: list[str]) -> str:
    """A paragraph's lines as one line: Chinese runs on without a space, Latin words keep theirs."""
    text = ""
    for line in lines:
        if text and not (text[-1] >= CJK and line[0] >= CJK):
            text += " "
        text += line
    return text


def _title_and_intro(text: str, slug: str) -> tuple[str, str]:
    title, intro = slug, ""
    lines = ROLES_MARK.sub("", text).splitlines()
    for index, line in enumerate(lines):
        if line.startswith("# "):
            title = line[2:].strip()
            paragraph = []
            for following in lines[index + 1 :]:
                if following.strip():
                    if following.startswith(("#", "|", "!", "-", "*", "```")):
                        break
                    paragraph.append(following.strip())
                elif paragraph:
                    break
            intro = render_inline(_join_lines(paragraph))
            break
    return title, intro


_cache: dict[Path, tuple[tuple, Manual]] = {}
_lock = threading.Lock()


def _signature(path: Path) -> tuple:
    stat = path.stat()
    return (stat.st_mtime_ns, stat.st_size)


def _load(path: Path, slugs: set[str]) -> Manual:
    signature = (_signature(path), frozenset(slugs))
    cached = _cache.get(path)
    if cached is not None and cached[0] == signature:
        return cached[1]
    text = path.read_text(encoding="utf-8")
    slug = path.stem
    title, intro = _title_and_intro(text, slug)
    roles = tuple(
        role.strip() for mark in ROLES_MARK.findall(text) for role in mark.split(",") if role.strip()
    )
    html, toc = render(text, slugs)
    manual = Manual(slug=slug, title=title, intro=intro, roles=roles, html=html, toc=toc)
    with _lock:
        _cache[path] = (signature, manual)
    return manual


def _index_order(directory: Path) -> list[str]:
    """The manuals in the order the index (README.md) links them."""
    index = directory / INDEX
    if not index.is_file():
        return []
    found = re.findall(r"\]\(\.?/?([a-z0-9_-]+)\.md(?:#[^)]*)?\)", index.read_text(encoding="utf-8"))
    return list(dict.fromkeys(found))


def manuals() -> list[Manual]:
    """Every manual of the manual directory, in the index's order (the others after, by name)."""
    directory = manual_dir()
    if not directory.is_dir():
        return []
    paths = {p.stem: p for p in directory.glob("*.md") if p.name != INDEX and SLUG.match(p.stem)}
    order = _index_order(directory)
    ranked = sorted(paths, key=lambda slug: (order.index(slug) if slug in order else len(order), slug))
    slugs = set(paths)
    return [_load(paths[slug], slugs) for slug in ranked]


def manuals_for(user) -> tuple[list[Manual], list[Manual]]:
    """(the manuals written for the user's roles, the others), each in the index's order."""
    codes = set(user.roles.values_list("code", flat=True)) if user.is_authenticated else set()
    everything = manuals()
    own = [m for m in everything if codes & set(m.roles)]
    return own, [m for m in everything if m not in own]


class HelpView(LoginRequiredMixin, TemplateView):
    template_name = "core/help.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        own, others = manuals_for(self.request.user)
        context.update(own=own, others=others)
        return context


class HelpPageView(LoginRequiredMixin, TemplateView):
    template_name = "core/help_page.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        slug = self.kwargs["slug"]
        everything = manuals()
        manual = next((m for m in everything if m.slug == slug), None) if SLUG.match(slug) else None
        if manual is None:
            raise Http404(_("There is no such manual."))
        context.update(
            manual=manual, html=mark_safe(manual.html), toc=mark_safe(manual.toc), manuals=everything
        )
        return context


class HelpImageView(LoginRequiredMixin, View):
    """An image of the manuals, by a plain file name (no path) of ``docs/manual/img``."""

    def get(self, request, name: str):
        if not IMAGE_NAME.match(name):
            raise Http404
        directory = (manual_dir() / "img").resolve()
        path = (directory / name).resolve()
        if path.parent != directory or not path.is_file():
            raise Http404
        response = FileResponse(path.open("rb"), content_type=IMAGE_TYPES[name.rsplit(".", 1)[1].lower()])
        response["Cache-Control"] = "private, max-age=3600"
        return response


def register_help_menu() -> None:
    """The help menu: the user manuals, for every signed-in user."""
    from lantian.core.navigation import MenuGroup, MenuItem, register_menu

    register_menu(
        "core.help",
        MenuGroup(_("Help"), "help", (MenuItem(_("User manuals"), "core:help"),), weight=90),
    )
