"""Hypothesis strategies: packets that conform to the standard, and stream garbage."""

from __future__ import annotations

import string
from datetime import datetime

from hypothesis import strategies as st

from lantian.hj212 import CP, Packet, codes, new_qn
from lantian.hj212.cp_checks import DATA_COMMANDS

SUFFIXES = ["Rtd", "Avg", "Min", "Max", "Cou", "ZsRtd", "ZsAvg", "SampleTime", "EFlag", "ValidNum"]
PLAIN_KEYS = ["RtdInterval", "MinInterval", "QnRtn", "ExeRtn", "PolId", "SystemTime", "NewPW", "RF"]

moments = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2099, 12, 31, 23, 59, 59))
identifiers = st.text(string.ascii_letters + string.digits + "-_", min_size=1, max_size=24)
numbers = st.one_of(
    st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False),
    st.integers(min_value=-(10**9), max_value=10**9),
    st.decimals(min_value=-100000, max_value=100000, places=3).map(str),
)
# Printable text without the CP delimiters and without spaces (edge spaces would not read back).
free_text = st.text(
    alphabet=st.characters(
        exclude_categories=("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp", "Zs"), exclude_characters=";,=&"
    ),
    max_size=10,
)
pollutant_codes = st.one_of(
    st.sampled_from(sorted(codes.pollutants())),
    st.from_regex(r"[a-z][0-9]{5}", fullmatch=True),
)


@st.composite
def code_groups(draw) -> list[tuple[str, object]]:
    code = draw(pollutant_codes)
    suffixes = draw(st.lists(st.sampled_from(SUFFIXES), min_size=1, max_size=4, unique=True))
    items: list[tuple[str, object]] = [
        (f"{code}-{suffix}", draw(st.one_of(numbers, free_text))) for suffix in suffixes
    ]
    if draw(st.booleans()):
        items.append((f"{code}-Flag", draw(st.sampled_from(sorted(codes.data_flags())))))
    return items


@st.composite
def cps(draw, cn: str) -> CP:
    groups: list[list[tuple[str, object]]] = []
    if cn in DATA_COMMANDS or draw(st.booleans()):
        groups.append([("DataTime", draw(moments).replace(microsecond=0))])
    for key in draw(st.lists(st.sampled_from(PLAIN_KEYS), max_size=3, unique=True)):
        groups.append([(key, draw(st.one_of(numbers, free_text)))])
    groups.extend(draw(st.lists(code_groups(), max_size=6)))
    return CP(groups)


@st.composite
def packets(draw) -> Packet:
    """Packets that strict decoding accepts: a known ST and CN, a Flag, QN unless HJ/T 212-2005."""
    version = draw(st.sampled_from([0, 1, 2]))
    cn = draw(st.sampled_from(sorted(codes.command_codes())))
    split = draw(st.booleans())
    pnum = draw(st.integers(1, 9999)) if split else None
    return Packet(
        qn=new_qn(draw(moments)) if version or draw(st.booleans()) else None,
        st=draw(st.sampled_from(sorted(codes.system_codes()))),
        cn=cn,
        pw=draw(identifiers.map(lambda text: text[:8])),
        mn=draw(identifiers),
        pnum=pnum,
        pno=draw(st.integers(1, pnum)) if split else None,
        cp=draw(cps(cn)),
        version=version,
        needs_ack=draw(st.booleans()),
    )


garbage = st.binary(min_size=1, max_size=40).map(lambda data: data.replace(b"#", b"x"))
