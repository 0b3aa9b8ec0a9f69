"""Property-based tests: round trips, robustness against any bytes, framing under any chunking."""

import contextlib
import math
import re

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from lantian.hj212 import EncodeError, HJ212Error, StreamFramer, Version, decode, encode, make_flag
from lantian.hj212.codec import MAX_SEGMENT, _decode_canonical, _decode_general, encode_segment
from lantian.hj212.cp import NUMERIC_KINDS, _number
from lantian.hj212.cp_checks import MAX_CP
from lantian.hj212.errors import Report
from lantian.hj212.replies import data_answer, data_answer_frame

from .frames import APPENDIX_1011, APPENDIX_1062, air_frame
from .strategies import garbage, packets

SEEDS = [APPENDIX_1062, APPENDIX_1011, air_frame(), air_frame(lower=True, end=b"\n")]


def fits(packet) -> bool:
    segment = encode_segment(packet)
    return len(segment) <= MAX_SEGMENT and len(segment) - segment.index(b"CP=&&") <= MAX_CP


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(packets())
def test_decode_of_encode_is_identity(packet):
    assume(fits(packet))
    frame = encode(packet)
    decoded = decode(frame)
    assert decoded == packet
    assert decoded.warnings == []
    assert decode(frame, strict=False) == packet
    assert encode(decoded) == frame


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(packets())
def test_fast_path_agrees_with_the_reference_path(packet):
    assume(fits(packet))
    frame = encode(packet)
    fast = _decode_canonical(frame)
    reference = _decode_general(frame, Report(True), None)
    assert reference == packet
    if fast is not None:
        assert fast == reference and fast.warnings == reference.warnings == []


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(packets(), st.binary(min_size=16, max_size=16), st.booleans())
def test_sm4_round_trip(packet, key, hex_cipher):
    packet = packet.replace(flag=(packet.flag & 0b11) | make_flag(Version.HJ212_2025))
    assume(fits(packet) and packet.qn is not None)
    try:
        frame = encode(packet, key=key, hex_cipher=hex_cipher)
    except EncodeError as error:
        assume("exceeds" not in error.reason)  # hex text doubles the cipher blocks
        raise
    decoded = decode(frame, keys={packet.mn: key})
    assert decoded == packet
    assert decoded.encrypted == (len(packet.cp.text.encode()) >= 16)


@settings(max_examples=1000)
@given(st.binary(max_size=1200))
def test_random_bytes_raise_nothing_but_hj212_error(data):
    for strict in (True, False):
        with contextlib.suppress(HJ212Error):
            decode(data, strict=strict)


@st.composite
def mutated_frames(draw):
    frame = bytearray(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(1, 4))):
        position = draw(st.integers(0, len(frame)))
        action = draw(st.sampled_from(["replace", "insert", "delete", "truncate"]))
        byte = draw(st.sampled_from([*b";,=&#\r\n 0123456789ABCDEFacf", *range(0, 256, 37)]))
        if action == "replace" and position < len(frame):
            frame[position] = byte
        elif action == "insert":
            frame.insert(position, byte)
        elif action == "delete" and position < len(frame):
            del frame[position]
        elif action == "truncate":
            del frame[position:]
    return bytes(frame)


@settings(max_examples=1000)
@given(mutated_frames())
def test_mutated_frames_raise_nothing_but_hj212_error(frame):
    strict_packet = None
    with contextlib.suppress(HJ212Error):
        strict_packet = decode(frame)
    try:
        lenient_packet = decode(frame, strict=False)
    except HJ212Error:
        assert strict_packet is None  # lenient accepts at least what strict accepts
    else:
        if strict_packet is not None:
            assert lenient_packet == strict_packet
    fast = _decode_canonical(frame)
    if fast is not None:
        assert fast == strict_packet


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(packets(), st.one_of(st.none(), garbage)), min_size=1, max_size=5), st.data())
def test_framer_yields_the_same_frames_under_any_chunking(items, data):
    frames, junk = [], []
    stream = bytearray()
    for packet, noise in items:
        if not fits(packet):
            continue
        if noise:
            stream += noise
            junk.append(noise)
        frame = encode(packet)
        frames.append(frame)
        stream += frame
    cuts = sorted(data.draw(st.lists(st.integers(0, len(stream)), max_size=12)))
    framer = StreamFramer()
    output = []
    for start, end in zip([0, *cuts], [*cuts, len(stream)], strict=True):
        output.extend(framer.feed(bytes(stream[start:end])))
    output.extend(framer.close())
    assert [item for item in output if isinstance(item, bytes)] == frames
    reported = b"".join(item.garbage for item in output if isinstance(item, HJ212Error))
    assert _squeeze(reported) == _squeeze(b"".join(junk))
    assert framer.buffered == 0


def _squeeze(data: bytes) -> bytes:
    return bytes(byte for byte in data if byte not in b" \t\r\n\x00")


@given(packets())
def test_measurements_read_from_the_text_agree_with_the_parsed_values(packet):
    """CP.measurements() reads the text with a regular expression (it is on the gateway's hot path);
    it must say what the parsed per-code view says."""
    cp = packet.cp
    expected = [
        (code, kind, raw, suffixes.get("Flag"))
        for code, suffixes in cp.values.items()
        for kind, raw in suffixes.items()
        if kind in NUMERIC_KINDS
    ]
    assert [(m.code, m.kind, m.raw, m.flag) for m in cp.measurements()] == expected


@given(packets())
def test_the_fast_9014_frame_is_the_encoded_data_answer(packet):
    assert data_answer_frame(packet) == encode(data_answer(packet), strict=False)


# The grammar of a measurement value (spec hj212.md, CP items): a plain decimal number, optionally
# with an exponent; anything else ("nan", "inf", "1_000", " 1", "1.2.3") is not a number.
_NUMBER_GRAMMAR = re.compile(r"[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?")


@given(
    st.text(alphabet="0123456789.+-eE _naif", max_size=12) | st.from_regex(_NUMBER_GRAMMAR, fullmatch=True)
)
def test_a_value_is_a_number_exactly_when_the_grammar_says_so(raw):
    expected = float(raw) if _NUMBER_GRAMMAR.fullmatch(raw) else None
    if expected is not None and not math.isfinite(expected):
        expected = None
    assert _number(raw) == expected
