"""Frame ↔ packet: ``decode`` and ``encode``.

Frame (spec hj212.md "Frame"; HJ 212-2017 通讯包组成表)::

    ## dddd <data segment> hhhh CR LF

``dddd`` is the length of the data segment in bytes (4 decimal digits), ``hhhh`` its CRC (4 hex
digits, high byte first). Data segment (HJ 212-2017 数据段结构组成表)::

    QN=…;ST=…;CN=…;PW=…;MN=…;Flag=…;PNUM=…;PNO=…;CP=&&…&&

Strict decoding enforces the standard. Lenient decoding (``strict=False``) accepts what fielded
devices send when the meaning is still clear and records each departure as a ``Deviation`` in
``packet.warnings``; see docs/hj212-codec.md for the list.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from . import sm4
from .cp import CP, TIMESTAMP_PATTERN, is_canonical, parse_groups
from .cp_checks import check_cp, find_field
from .crc import crc16
from .errors import QN_RTN_CRC, CRCError, Deviation, EncodeError, HJ212Error, Report
from .header import canonical_fields, header_fields, read_header
from .packet import VERSION_SHIFT, Packet, Version

# Limits (spec hj212.md "Limits"; HJ 212-2017 通讯包组成表).
MAX_SEGMENT = 1024  # data segment, bytes
MAX_LENGTH_FIELD = 9999  # largest value four decimal digits can carry

_WS = b" \t\r\n\x00"
_HEX = b"0123456789abcdefABCDEF"
_FIELD_CHARS_FORBIDDEN = frozenset(";,=&")
_CANONICAL_FRAME = re.compile(  # 通讯包组成表 and 数据段结构组成表 layout, every header value present
    r"##(\d{4})"
    rf"(?:QN=({TIMESTAMP_PATTERN}\d{{3}});)?"
    r"ST=([^;=\s]+);CN=(\d{4});PW=([^;=\s]+);MN=([^;=\s]+);Flag=(\d{1,3});(?:PNUM=(\d{1,4});PNO=(\d{1,4});)?"
    r"CP=&&(.*)&&([0-9A-F]{4})\r\n",
    re.ASCII | re.DOTALL,
)


# ================================================================================================
# decode
# ================================================================================================
def decode(
    frame: bytes | bytearray | memoryview | str, *, strict: bool = True, keys: Mapping | None = None
) -> Packet:
    """Parse one frame (``##`` … ``\\r\\n``) into a ``Packet``.

    Raises ``HJ212Error`` (and nothing else, whatever the bytes) with the reason, the byte
    position and the QnRtn code a refusal would carry. ``keys`` maps MN → SM4 key for HJ 212-2025
    devices that encrypt CP.
    """
    data = _as_bytes(frame)
    packet = _decode_canonical(data, keys)
    if packet is None:
        packet = _decode_general(data, Report(strict), keys)
    return packet


def _decode_canonical(data: bytes, keys: Mapping | None = None) -> Packet | None:
    """Fast path for a frame exactly as the standard writes it (ASCII, plain CP, upper-case CRC,
    standard header layout, values the strict checks accept). Anything else returns None and goes
    to ``_decode_general``, which is the reference: the tests check both agree."""
    text = data.decode("latin-1")  # one character per byte, so match offsets are byte offsets
    match = _CANONICAL_FRAME.fullmatch(text)
    if match is None or not text.isascii():
        return None
    length, qn, st, cn, pw, mn, flag, pnum, pno, cp_text, crc = match.groups()
    if int(length) != len(data) - 12 or crc16(data[6:-6]) != int(crc, 16):
        return None
    fields = canonical_fields(qn, st, cn, pw, mn, flag, pnum, pno)
    if fields is not None and keys is not None and fields["version"] is Version.HJ212_2025 and mn in keys:
        return None  # the device may encrypt: see _check_crc
    cp_start = match.start(10)
    if fields is None or not is_canonical(data[cp_start : cp_start + len(cp_text)]):
        return None
    if fields["qn"] is None and "QN=" in cp_text:
        return None  # HJ/T 212-2005 layout with QN inside CP
    cp = CP._from_text(cp_text)
    try:
        check_cp(cp, len(cp_text), fields, cp_start, _STRICT)
    except HJ212Error:
        return None
    return _packet(fields, cp, (), [], qn_in_cp=False, encrypted=False, encoding="utf-8")


def _decode_general(data: bytes, report: Report, keys: Mapping | None) -> Packet:
    """Every check, with positions; lenient mode turns the recoverable ones into deviations."""
    start, seg_off, declared, crc_given, crc_pos = _envelope(data, report)
    segment = data[seg_off:crc_pos]

    # The header is needed to find a decryption key, but a CRC error explains a garbled header
    # better than the header error does: report the CRC first.
    header_error: HJ212Error | None = None
    header: dict[str, str] = {}
    extras: tuple[tuple[str, str], ...] = ()
    header_text, encoding = "", "utf-8"
    try:
        cp_at, header_text, encoding = _split_segment(segment, seg_off, report)
        header, extras = read_header(header_text, seg_off, report)
    except HJ212Error as error:
        header_error = error
        cp_at = segment.find(b"CP=&&")
    plain, encrypted = _check_crc(
        segment, crc_given, crc_pos, cp_at, header.get("MN"), header.get("Flag"), keys
    )
    if header_error is not None:
        raise header_error
    if declared != len(segment) and declared != len(plain):
        report.deviation(
            "length-mismatch",
            f"length field says {declared} but the data segment has {len(segment)} bytes",
            start + 2,
            field="length",
        )

    fields = header_fields(header, header_text, seg_off, report)
    cp_base = seg_off + cp_at + 5 if cp_at >= 0 else seg_off + len(segment)
    cp_raw = plain[cp_at + 5 : -2] if cp_at >= 0 else b""
    cp_text, cp_encoding = _text(cp_raw, cp_base)
    if cp_encoding != "utf-8":
        encoding = cp_encoding
    cp = _cp(cp_raw, cp_text, cp_base, encoding, report)
    check_cp(cp, len(cp_raw), fields, cp_base, report)

    qn_in_cp = False
    if fields["qn"] is None and find_field(cp.text, "QN") is not None:  # HJ/T 212-2005: QN inside CP
        fields["qn"], qn_in_cp = cp.get("QN"), True
        cp = cp.without("QN")
    return _packet(
        fields, cp, extras, report.notes, qn_in_cp=qn_in_cp, encrypted=encrypted, encoding=encoding
    )


def _packet(
    fields: dict,
    cp: CP,
    extras: tuple,
    notes: list[Deviation],
    *,
    qn_in_cp: bool,
    encrypted: bool,
    encoding: str,
) -> Packet:
    packet = object.__new__(Packet)
    packet.qn = fields["qn"]
    packet.st = fields["st"]
    packet.cn = fields["cn"]
    packet.pw = fields["pw"]
    packet.mn = fields["mn"]
    packet.flag = fields["flag"]
    packet.pnum = fields["pnum"]
    packet.pno = fields["pno"]
    packet.cp = cp
    packet.extras = extras
    packet.warnings = notes
    packet.qn_in_cp = qn_in_cp
    packet.encrypted = encrypted
    packet.encoding = encoding
    return packet


def _as_bytes(frame: bytes | bytearray | memoryview | str) -> bytes:
    if isinstance(frame, bytes):
        return frame
    if isinstance(frame, (bytearray, memoryview)):
        return bytes(frame)
    if isinstance(frame, str):
        return frame.encode("utf-8")
    raise TypeError(f"decode() needs bytes, not {type(frame).__name__}")


def _envelope(data: bytes, report: Report) -> tuple[int, int, int, int, int]:
    """Check ``##``, the length field, the CRC field and the terminator.

    Returns (start, segment offset, declared length, CRC in the frame, CRC field offset).
    """
    start = 0
    if not data.startswith(b"##"):
        start = len(data) - len(data.lstrip(_WS))
        if report.strict or not data.startswith(b"##", start):
            raise HJ212Error("frame does not start with '##'", position=start)
        report.deviation("leading-whitespace", "whitespace before '##'", 0)
    end = len(data)
    if data.endswith(b"\r\n"):
        end -= 2
        if not report.strict:
            content_end = len(data.rstrip(_WS))
            if content_end < end:
                report.deviation("terminator", "extra whitespace or line ends before CR LF", content_end)
                end = content_end
    else:
        if report.strict:
            raise HJ212Error("frame does not end with CR LF", position=len(data))
        end = len(data.rstrip(_WS))
        tail = data[end:]
        described = {b"": "no CR LF terminator", b"\n": "LF without CR", b"\r": "CR without LF"}
        report.deviation("terminator", described.get(tail, f"irregular terminator {tail!r}"), end)

    length_at = start + 2
    length_field = data[length_at : length_at + 4]
    if len(length_field) == 4 and length_field.isdigit():
        declared, seg_off = int(length_field), length_at + 4
    else:
        digits = len(length_field) - len(length_field.lstrip(b"0123456789"))
        if report.strict or not digits:
            raise HJ212Error("length field is not 4 decimal digits", position=length_at, field="length")
        declared, seg_off = int(length_field[:digits]), length_at + digits
        report.deviation("length-field", f"length field has {digits} digits instead of 4", length_at)

    crc_pos = end - 4
    crc_field = data[crc_pos:end]
    if crc_pos < seg_off or len(crc_field) != 4 or crc_field.translate(None, _HEX):
        raise HJ212Error(
            "CRC field is not 4 hexadecimal digits",
            position=max(crc_pos, seg_off),
            field="CRC",
            qn_rtn=QN_RTN_CRC,
        )
    if not crc_field.isupper() and not crc_field.isdigit():
        report.note("crc-lowercase", "CRC written in lower-case hex", crc_pos)
    return start, seg_off, declared, int(crc_field, 16), crc_pos


def _text(raw: bytes, position: int) -> tuple[str, str]:
    """Decode header or CP bytes: UTF-8, else GBK (spec: packets may carry UTF-8/GBK text)."""
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as error:
        try:
            return raw.decode("gbk"), "gbk"
        except UnicodeDecodeError:
            raise HJ212Error("text is neither UTF-8 nor GBK", position=position + error.start) from None


def _split_segment(segment: bytes, seg_off: int, report: Report) -> tuple[int, str, str]:
    """Locate ``CP=&&`` and decode the header text before it."""
    cp_at = segment.find(b"CP=&&")
    if cp_at < 0:
        if report.strict:
            raise HJ212Error("data segment has no 'CP=&&'", position=seg_off + len(segment), field="CP")
        report.deviation("no-cp", "data segment has no CP=&&…&&", seg_off + len(segment))
        header_bytes = segment
    else:
        if len(segment) < cp_at + 7 or not segment.endswith(b"&&"):
            raise HJ212Error("CP does not end with '&&'", position=seg_off + len(segment), field="CP")
        header_bytes = segment[:cp_at]
        if cp_at and header_bytes[-1] != 0x3B:  # ";"
            report.deviation("header-separator", "missing ';' before CP", seg_off + cp_at, field="CP")
    header_text, encoding = _text(header_bytes, seg_off)
    return cp_at, header_text, encoding


_STRICT = Report(strict=True)  # raises on the first problem and never records: shareable


def _check_crc(
    segment: bytes,
    crc_given: int,
    crc_pos: int,
    cp_at: int,
    mn: str | None,
    flag_text: str | None,
    keys: Mapping | None,
) -> tuple[bytes, bool]:
    """Verify the CRC, decrypting an HJ 212-2025 CP with the device key when needed.

    Returns the plain data segment and whether it was encrypted.
    """
    computed = crc16(segment)
    flag_text = flag_text or ""
    is_2025 = (
        flag_text.isdigit() and flag_text.isascii() and int(flag_text) >> VERSION_SHIFT == Version.HJ212_2025
    )
    key = keys.get(mn) if keys is not None and mn and is_2025 and cp_at >= 0 else None
    if key is not None:
        # A device with a key is expected to encrypt, and the CRC takes only 256 values (crc.py):
        # cipher text passes it once in 256 tries. So decryption is tried first and a candidate
        # must also read as text; a plain CP is accepted only when no decryption fits.
        prefix, region = segment[: cp_at + 5], segment[cp_at + 5 : -2]
        fallback = None
        for plain_cp in sm4.decrypt_candidates(region, key):
            plain = prefix + plain_cp + b"&&"
            if crc16(plain) != crc_given or not _is_text(plain_cp):
                continue
            if is_canonical(plain_cp):
                return plain, plain_cp != region  # a CP shorter than one block stays plain
            fallback = fallback or plain  # readable, with deviations lenient mode may accept
        if fallback is not None and computed != crc_given:
            return fallback, True
    if computed == crc_given:
        return segment, False
    hint = ""
    if is_2025 and key is None:
        hint = " (an HJ 212-2025 CP may be SM4-encrypted; no key is known for this MN)"
    elif key is not None:
        hint = " (also after SM4 decryption with the device key)"
    raise CRCError(crc_given, computed, position=crc_pos, hint=hint)


def _is_text(raw: bytes) -> bool:
    try:
        _text(raw, 0)
    except HJ212Error:
        return False
    return True


def _cp(raw: bytes, text: str, base: int, encoding: str, report: Report) -> CP:
    if is_canonical(raw):
        return CP._from_text(text)
    # Slow path: locate the deviation (strict raises) or normalise it (lenient). Text that only
    # failed the fast check for an inner space or '&' in a value comes back unchanged.
    return CP._from_groups(
        parse_groups(text, strict=report.strict, notes=report.notes, base=base, encoding=encoding)
    )


def encode(
    packet: Packet,
    *,
    key: bytes | str | None = None,
    keys: Mapping | None = None,
    strict: bool = True,
    hex_cipher: bool = False,
) -> bytes:
    """Write a packet as a frame (upper-case CRC, CR LF).

    With ``strict`` (the default) the frame is checked by the strict decoder, so whatever
    ``encode`` returns decodes back to an equal packet; ``EncodeError`` says why not. ``key``
    encrypts CP with SM4 (HJ 212-2025 packets only); ``keys`` (MN → key, as for ``decode``)
    supplies it for HJ 212-2025 packets of devices that have one. ``hex_cipher`` writes the cipher
    blocks as hex instead of in place.
    """
    if key is None and keys is not None and packet.version == Version.HJ212_2025:
        key = keys.get(packet.mn)
    segment = encode_segment(packet)
    crc = crc16(segment)
    if key is not None:
        if packet.version != Version.HJ212_2025:
            raise EncodeError(
                "SM4 encryption is defined for HJ 212-2025 packets only (Flag version bits = 2)"
            )
        cp_at = segment.index(b"CP=&&") + 5
        segment = segment[:cp_at] + sm4.encrypt_cp(segment[cp_at:-2], key, hex_text=hex_cipher) + b"&&"
    if len(segment) > MAX_LENGTH_FIELD:
        raise EncodeError(f"data segment of {len(segment)} bytes does not fit the 4-digit length field")
    frame = b"##%04d%s%04X\r\n" % (len(segment), segment, crc)
    if strict:
        if len(segment) > MAX_SEGMENT:
            raise EncodeError(f"data segment of {len(segment)} bytes exceeds {MAX_SEGMENT}; split the packet")
        try:
            decode(frame, keys={packet.mn: key} if key is not None else None)
        except HJ212Error as error:
            raise EncodeError(
                f"packet would not pass strict decoding: {error.reason}",
                field=error.field,
                qn_rtn=error.qn_rtn,
            ) from None
    return frame


def encode_segment(packet: Packet) -> bytes:
    """The plain data segment ``QN=…;…;CP=&&…&&`` as bytes."""
    parts = []
    for name, value in (
        ("QN", None if packet.qn_in_cp else packet.qn),
        ("ST", packet.st),
        ("CN", packet.cn),
        ("PW", packet.pw),
        ("MN", packet.mn),
        ("Flag", packet.flag),
        ("PNUM", packet.pnum),
        ("PNO", packet.pno),
        *packet.extras,
    ):
        if value is None:
            continue
        text = str(value)
        if _FIELD_CHARS_FORBIDDEN.intersection(text) or not text.isprintable() or text.strip() != text:
            raise EncodeError(
                f"header field {name} value {text!r} contains a delimiter, space or control character",
                field=name,
            )
        parts.append(f"{name}={text};")
    cp_text = packet.cp.text
    if packet.qn_in_cp and packet.qn is not None:
        cp_text = f"QN={packet.qn};{cp_text}" if cp_text else f"QN={packet.qn}"
    try:
        return f"{''.join(parts)}CP=&&{cp_text}&&".encode(packet.encoding)
    except UnicodeEncodeError as error:
        raise EncodeError(f"packet text cannot be written in {packet.encoding}: {error.reason}") from None
