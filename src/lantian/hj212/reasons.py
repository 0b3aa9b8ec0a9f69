"""Why a frame was refused, in the reader's language.

The gateway records each refusal's reason in English (the codec's and the gateway's own words, also
what its log says); this catalogue reads such a text back into its template and parameters and
renders the translated template. Rows stored before the catalogue existed read the same way, and a
text the catalogue does not know is shown as stored. Parameters nested in a reason (the error of a
spooled frame) are translated in turn. Device passwords in a reason are masked (``secrets``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from . import gateway, plausibility
from .secrets import mask_secrets


@dataclass(frozen=True)
class Reason:
    english: str  # the recorded text, with {name} (or {name!r}) where a parameter goes
    translated: object  # the lazy translation, with %(name)s for each parameter
    nested: tuple[str, ...] = ()  # parameters that are reasons themselves

    @property
    def pattern(self) -> re.Pattern:
        parts = re.split(r"\{(\w+)(?:![rs])?\}", self.english)
        regex = "".join(
            re.escape(part) if index % 2 == 0 else f"(?P<{part}>.*?)" for index, part in enumerate(parts)
        )
        return re.compile(f"{regex}(?: \\(at byte (?P<position>\\d+)\\))?", re.DOTALL)


CATALOGUE = (
    # the stream framer (framing.py)
    Reason("bytes outside any frame", _("bytes outside any frame")),
    Reason("truncated frame", _("truncated frame")),
    Reason("frame start without an end", _("frame start without an end")),
    Reason("stream ended inside a frame", _("stream ended inside a frame")),
    # the codec (codec.py, header.py, cp.py, reassembly.py)
    Reason("frame does not start with '##'", _("the frame does not start with '##'")),
    Reason("frame does not end with CR LF", _("the frame does not end with CR LF")),
    Reason("length field is not 4 decimal digits", _("the length field is not 4 decimal digits")),
    Reason("CRC field is not 4 hexadecimal digits", _("the CRC field is not 4 hexadecimal digits")),
    Reason(
        "CRC mismatch: frame says {given}, data segment gives {computed} (an HJ 212-2025 CP may be "
        "SM4-encrypted; no key is known for this MN)",
        _(
            "CRC mismatch: the frame says %(given)s, the data segment gives %(computed)s (an HJ 212-2025 CP "
            "may be SM4-encrypted; no key is registered for this MN)"
        ),
    ),
    Reason(
        "CRC mismatch: frame says {given}, data segment gives {computed} (also after SM4 decryption with "
        "the device key)",
        _(
            "CRC mismatch: the frame says %(given)s, the data segment gives %(computed)s (also after SM4 "
            "decryption with the device key)"
        ),
    ),
    Reason(
        "CRC mismatch: frame says {given}, data segment gives {computed}",
        _("CRC mismatch: the frame says %(given)s, the data segment gives %(computed)s"),
    ),
    Reason("text is neither UTF-8 nor GBK", _("the text is neither UTF-8 nor GBK")),
    Reason("data segment has no 'CP=&&'", _("the data segment has no 'CP=&&'")),
    Reason("CP does not end with '&&'", _("CP does not end with '&&'")),
    Reason("header field {part!r} has no '='", _("header field %(part)s has no '='")),
    Reason("Flag {flag!r} is not a number 0–255", _("Flag %(flag)s is not a number from 0 to 255")),
    Reason("missing CN", _("CN is missing")),
    Reason("PNO {pno} outside 1..PNUM {pnum}", _("PNO %(pno)s is outside 1 to PNUM %(pnum)s")),
    Reason(
        "{name} {value!r} is not a number of at most 4 digits",
        _("%(name)s %(value)s is not a number of at most 4 digits"),
    ),
    Reason("CP item {item!r} has no '='", _("CP item %(item)s has no '='")),
    Reason("CP item {item!r} has no key", _("CP item %(item)s has no key")),
    Reason("inconsistent PNUM {pnum} / PNO {pno}", _("inconsistent PNUM %(pnum)s / PNO %(pno)s")),
    # the gateway (gateway.py)
    Reason("unknown device MN {mn!r}", _("unknown device MN %(mn)s")),
    Reason("wrong access password (PW)", _("wrong access password (PW)")),
    Reason("device is not active", _("the device is not active")),
    Reason(
        "split message incomplete after {timeout} s: parts {missing} of {pnum} missing",
        _("split message incomplete after %(timeout)s s: parts %(missing)s of %(pnum)s missing"),
    ),
    Reason("spooled frame unreadable: {error}", _("spooled frame unreadable: %(error)s"), nested=("error",)),
    Reason(
        "device MN {mn!r} removed before its spooled packet was stored",
        _("device MN %(mn)s was removed before its spooled packet was stored"),
    ),
    Reason(
        gateway.FUTURE_DATA_TIME,
        _("DataTime %(data_time)s is more than %(tolerance)s s ahead of the platform's clock"),
    ),
    Reason(gateway.FRAME_TIMED_OUT, _("frame not completed within %(timeout)s s: connection closed")),
    Reason(
        gateway.THROTTLED,
        _("%(count)s more refused frames from %(host)s within %(window)s s were counted, not stored"),
    ),
    Reason(
        plausibility.IMPLAUSIBLE_VALUES,
        _("implausible values %(items)s (not finite or beyond ±%(limit)s): not stored as measurements"),
    ),
)


@cache
def _patterns() -> tuple[tuple[re.Pattern, Reason], ...]:
    return tuple((reason.pattern, reason) for reason in CATALOGUE)


def parse(text: str) -> tuple[Reason, dict[str, str], str | None] | None:
    """The catalogue entry ``text`` was written from, its parameters and the byte position, if any."""
    for pattern, reason in _patterns():
        found = pattern.fullmatch(text)
        if found is not None:
            params = {name: value for name, value in found.groupdict().items() if name != "position"}
            return reason, params, found["position"]
    return None


def reason_text(recorded: str) -> str:
    """``recorded`` (a stored reason or an error's text) in the active language, passwords masked."""
    return mask_secrets(_translate(recorded or "", depth=0))


def _translate(text: str, depth: int) -> str:
    parsed = parse(text)
    if parsed is None:
        return text
    reason, params, position = parsed
    if depth < 3:
        params.update({name: _translate(params[name], depth + 1) for name in reason.nested})
    translated = str(reason.translated) % params
    if position is not None:
        translated += gettext(" (at byte %(position)s)") % {"position": position}
    return translated
