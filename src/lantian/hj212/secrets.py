"""Device secrets in packet text.

Every frame carries the device's access password (``PW=``; a 1072 command also ``NewPW=``). Only
platform-wide administrators (users whose scope is everything) see it; everyone else sees it masked
wherever packet text is shown: the frame, its decoded header, reasons and deviations. The frame's
bytes themselves are kept as received, for audit and replay.
"""

from __future__ import annotations

import re

from lantian.core.masking import mask_secret
from lantian.core.scope import scope_for

# A PW or NewPW field (any case: lenient decoding accepts "pw=") up to the next delimiter, quote,
# escape or whitespace of the text it is in.
_SECRET_FIELD = re.compile(r"(?<![0-9A-Za-z_])((?:New)?PW=)([^;,&\s'\"\\]*)", re.IGNORECASE)


SECRET_FIELDS = frozenset({"pw", "newpw"})  # the CP/header field names _SECRET_FIELD matches, lower case


def is_secret_field(name: str) -> bool:
    return name.lower() in SECRET_FIELDS


def mask_secrets(text: str) -> str:
    """``text`` with the value of every PW and NewPW field masked."""
    if "=" not in text:
        return text
    return _SECRET_FIELD.sub(lambda found: found[1] + mask_secret(found[2]), text)


def sees_secrets(user) -> bool:
    """Whether ``user`` may see device passwords in packets: platform-wide administrators only."""
    return user.is_authenticated and scope_for(user).everything
