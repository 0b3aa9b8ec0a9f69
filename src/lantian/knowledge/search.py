"""Full-text search of the knowledge base, the same on SQLite and PostgreSQL.

Chinese has no spaces between words, so every term is matched as a substring of the searched fields,
ignoring case; several terms separated by spaces must all be found (in any of the fields).

On PostgreSQL a term without cased letters (Chinese, digits, most numbers) is looked up with ``strpos``:
for such a term that is the same match as ``icontains`` but avoids folding the case of every document's
full text, and the long texts are stored uncompressed (migration 0002), so reading them costs no
decompression. SQLite's ``LIKE`` is faster than its ``instr`` (which counts characters), so SQLite keeps
``icontains``. There is no index: trigram
(pg_trgm) indexes of Chinese full texts measured 8.5 times the size of the text, took 84 s to build for
1,000 texts of 20,000 characters, slowed every save, and the planner did not use them on a table of
this size.

The result list shows, per row, the fragment that matched with the terms marked; every piece of text
is escaped before it is wrapped in ``<mark>``, so a document's text can never inject markup.
"""

from __future__ import annotations

import re
import unicodedata
from functools import reduce
from operator import and_, or_

from django.db import connections
from django.db.models import Q, Value
from django.db.models.functions import Replace, StrIndex
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# The fields the search box looks in, in the order a fragment is chosen from (most telling first).
SEARCH_FIELDS = ("title", "number", "issuer", "keywords", "summary", "full_text")
SNIPPET_FIELDS = ("summary", "full_text", "keywords", "issuer")
MAX_TERMS = 8
DASHES = re.compile(r"[\u2010-\u2015\u2212\uff0d\ufe58\ufe63]")  # hyphens, en/em dashes, minus, full-width
SPACES = re.compile(r"\s+")


def normalize_number(number: str) -> str:
    """A standard or document number as stored: full-width forms folded (NFKC), every kind of dash a
    hyphen, runs of spaces one space. "ＧＢ　37822—2019" → "GB 37822-2019"."""
    text = unicodedata.normalize("NFKC", number or "")
    return SPACES.sub(" ", DASHES.sub("-", text)).strip()


def split_terms(query: str) -> list[str]:
    """The distinct terms of a query: separated by spaces (also the full-width space), at most
    ``MAX_TERMS``, in the order typed."""
    terms = []
    for term in (query or "").split():  # str.split() splits on U+3000 too
        if term not in terms:
            terms.append(term)
    return terms[:MAX_TERMS]


def compact(text: str) -> str:
    return normalize_number(text).replace(" ", "")


def has_case(term: str) -> bool:
    """Whether ``term`` has a letter with an upper and a lower case (then matching must fold case)."""
    return term.lower() != term.upper()


def search(queryset, query: str):
    """Rows that contain every term of ``query`` in one of ``SEARCH_FIELDS``, ignoring case.

    A number is also found as typed without its space ("GB37822" finds "GB 37822-2019")."""
    terms = split_terms(query)
    if not terms:
        return queryset
    plain_search = connections[queryset.db].vendor == "postgresql"
    aliases = {"_number_compact": Replace("number", Value(" "), Value(""))}
    conditions = []
    for index, term in enumerate(terms):
        if has_case(term) or not plain_search:
            any_field = [Q(**{f"{field}__icontains": term}) for field in SEARCH_FIELDS]
        else:  # nothing to fold: a plain substring search, much cheaper on long texts
            any_field = []
            for field in SEARCH_FIELDS:
                aliases[f"_at{index}_{field}"] = StrIndex(field, Value(term))
                any_field.append(Q(**{f"_at{index}_{field}__gt": 0}))
        any_field.append(Q(_number_compact__icontains=compact(term)))
        conditions.append(reduce(or_, any_field))
    return queryset.alias(**aliases).filter(reduce(and_, conditions))


def _pattern(terms: list[str]) -> re.Pattern | None:
    terms = [t for t in terms if t]
    if not terms:
        return None
    # Longest first, so that "37822-2019" is marked whole rather than as "37822".
    alternatives = sorted({re.escape(t) for t in terms}, key=len, reverse=True)
    return re.compile("|".join(alternatives), re.IGNORECASE)


def highlight(text: str, terms: list[str]) -> SafeString:
    """``text`` escaped, with every occurrence of a term wrapped in ``<mark>``."""
    text = text or ""
    pattern = _pattern(terms)
    if pattern is None:
        return mark_safe(escape(text))
    pieces, position = [], 0
    for match in pattern.finditer(text):
        pieces.append(escape(text[position : match.start()]))
        pieces.append(f"<mark>{escape(match.group())}</mark>")
        position = match.end()
    pieces.append(escape(text[position:]))
    return mark_safe("".join(pieces))


def fragment(text: str, terms: list[str], width: int = 80) -> SafeString | None:
    """About ``width`` characters of ``text`` around its first match, marked; None if nothing matches."""
    pattern = _pattern(terms)
    if pattern is None or not text:
        return None
    first = pattern.search(text)
    if first is None:
        return None
    start = max(0, first.start() - width // 3)
    end = min(len(text), max(first.end(), start + width))
    piece = SPACES.sub(" ", text[start:end]).strip()
    marked = highlight(piece, terms)
    return mark_safe(f"{'…' if start > 0 else ''}{marked}{'…' if end < len(text) else ''}")


def matches(obj, query: str, labels: dict[str, str]) -> dict:
    """What the result list shows of ``obj`` for ``query``: its title and number marked, and the first
    other field with a match as ``(label, fragment)``."""
    terms = split_terms(query)
    number_terms = terms + [normalize_number(t) for t in terms]
    found = None
    for name in SNIPPET_FIELDS:
        piece = fragment(getattr(obj, name), terms)
        if piece is not None:
            found = (labels[name], piece)
            break
    return {
        "title": highlight(obj.title, terms),
        "number": highlight(obj.number, number_terms),
        "fragment": found,
    }
