"""Lenient decoding (strict=False): what fielded devices send, accepted and recorded.

The frames imitate deviations seen in public captures of HJ/T 212-2005 and HJ 212-2017 devices
(no Flag, millisecond DataTime, lower-case CRC, LF-only lines, swapped PNUM/PNO, trailing ';' in CP,
vendor codes); they are built here, not copied.
"""

from datetime import datetime

import pytest

from lantian.hj212 import CRCError, HJ212Error, Version, codes, decode, encode

from .frames import AIR_CP, HEADER_2017, MN, air_frame, make_frame

FIELD_2005 = (
    "ST=32;CN=2011;PW=123456;MN=LD130133000015;"
    "CP=&&DataTime=20160824003817;B01-Rtd=36.91;011-Rtd=231.0,011-Flag=N&&"
)


def kinds(packet) -> list[str]:
    return [warning.kind for warning in packet.warnings]


def lenient(frame: bytes):
    with pytest.raises(HJ212Error):
        decode(frame)  # strict refuses …
    return decode(frame, strict=False)  # … lenient accepts


def test_2005_packet_without_qn_and_flag():
    packet = lenient(make_frame(FIELD_2005))
    assert kinds(packet) == ["missing-flag"]
    assert packet.qn is None and packet.flag is None
    assert packet.version is Version.HJ212_2005 and not packet.needs_ack
    assert packet.cp.values == {"B01": {"Rtd": "36.91"}, "011": {"Rtd": "231.0", "Flag": "N"}}
    assert packet.warnings[0].position == 6 + FIELD_2005.index("CP=&&")


def test_data_time_with_milliseconds():
    packet = lenient(make_frame(FIELD_2005.replace("20160824003817", "20160824003817000")))
    assert kinds(packet) == ["missing-flag", "data-time"]
    assert packet.cp.data_time == datetime(2016, 8, 24, 0, 38, 17)


@pytest.mark.parametrize(
    ("end", "message"),
    [(b"\n", "LF without CR"), (b"", "no CR LF"), (b"\r", "CR without LF"), (b"\r\n\r\n", "extra")],
)
def test_line_end_variants(end, message):
    packet = lenient(air_frame(end=end))
    assert kinds(packet) == ["terminator"] and message in packet.warnings[0]
    assert packet == decode(air_frame())


def test_leading_and_trailing_whitespace():
    packet = lenient(b"\r\n " + air_frame()[:-2] + b"  \r\n")
    assert kinds(packet) == ["leading-whitespace", "terminator"]


def test_lower_case_crc_with_a_missing_flag():
    segment = FIELD_2005.replace("231.0", "231.2")
    frame = make_frame(segment, lower=True)
    assert frame[-6:-2] != frame[-6:-2].upper()  # the CRC has letters
    assert kinds(lenient(frame)) == ["crc-lowercase", "missing-flag"]


def test_three_digit_length_field():
    segment = FIELD_2005
    frame = b"##" + str(len(segment)).encode() + make_frame(segment)[6:]
    packet = lenient(frame)
    assert kinds(packet)[0] == "length-field"


def test_length_counted_in_characters():
    cp = AIR_CP + ";i12001-Info=设备正常"  # 4 characters, 12 UTF-8 bytes
    segment = f"{HEADER_2017}CP=&&{cp}&&"
    packet = lenient(make_frame(segment, length=len(segment)))
    assert kinds(packet) == ["length-mismatch"]
    assert packet.cp.get("i12001-Info") == "设备正常"


def test_swapped_pnum_and_pno():
    header = f"QN=20191112091100598;ST=31;CN=2051;PW=123456;MN={MN};Flag=6;PNO=0002;PNUM=0002;"
    packet = lenient(air_frame("DataTime=20191112090000;a01006-Avg=101.85,a01006-ValidNum=10", header=header))
    assert kinds(packet) == ["header-order"]
    assert (packet.pnum, packet.pno) == (2, 2)
    assert packet.cp.values["a01006"] == {"Avg": "101.85", "ValidNum": "10"}  # unknown suffixes kept


def test_header_spelling_spacing_and_extras():
    header = f"QN=20240601085900123; ST=22;CN=2011;pw=123456;;MN={MN};Flag=5;Vendor=x1;"
    packet = lenient(air_frame(header=header))
    assert kinds(packet) == ["whitespace", "header-case", "header-empty-field", "header-unknown-field"]
    assert packet.st == "22" and packet.pw == "123456"
    assert packet.extras == (("Vendor", "x1"),)
    assert b"Vendor=x1;CP=&&" in encode(packet, strict=False)


def test_duplicate_header_field_keeps_the_first():
    header = f"QN=20240601085900123;ST=22;CN=2011;PW=123456;MN={MN};MN=other;Flag=5;"
    packet = lenient(air_frame(header=header))
    assert packet.mn == MN and kinds(packet) == ["header-duplicate"]


def test_trailing_semicolon_and_spaces_in_cp():
    packet = lenient(air_frame("DataTime=20240601085900; a34004-Rtd = 35.2 ,a34004-Flag=N;"))
    assert kinds(packet) == ["whitespace", "whitespace", "cp-empty-item"]
    assert packet.cp.text == "DataTime=20240601085900;a34004-Rtd=35.2,a34004-Flag=N"
    assert decode(encode(packet)) == packet  # normalised: re-encodes as a conforming frame


def test_vendor_codes_and_unknown_st_cn():
    header = f"QN=20190708113607000;ST=80;CN=8013;PW=123456;MN={MN};Flag=5;"
    packet = lenient(
        air_frame("DataTime=20190708113607;ea30010101-Rtd=0.99,ea30010101-Flag=N", header=header)
    )
    assert kinds(packet) == ["unknown-code", "unknown-code"]
    assert (packet.st, packet.cn) == ("80", "8013")


def test_registered_codes_are_accepted_strictly():
    header = f"QN=20190708113607000;ST=80;CN=2011;PW=123456;MN={MN};Flag=5;"
    frame = air_frame("DataTime=20190708113607;ea30010101-Rtd=0.99,ea30010101-Flag=N", header=header)
    with pytest.raises(HJ212Error, match="ST"):
        decode(frame)
    codes.register(
        "system", [{"code": "80", "name_zh": "用电监控", "name_en": "power", "source": "province"}]
    )
    try:
        assert decode(frame).st == "80"
    finally:
        codes.reset_registered()


def test_empty_mn_pw_and_unknown_flag_letter():
    header = "QN=20220814021304000;ST=22;CN=2011;PW=;MN=;Flag=5;"
    packet = lenient(air_frame("DataTime=20220814021304;a50001-Rtd=0.00,a50001-Flag=Z", header=header))
    assert kinds(packet) == ["missing-pw", "missing-mn", "data-flag"]


def test_missing_cp_and_missing_separator():
    packet = lenient(make_frame(HEADER_2017.rstrip(";")))
    assert kinds(packet) == ["no-cp", "missing-data-time"] and not packet.cp
    packet = lenient(make_frame(f"{HEADER_2017.rstrip(';')}CP=&&{AIR_CP}&&"))
    assert kinds(packet) == ["header-separator"]


def test_unknown_version_is_read_with_the_newest_grammar():
    header = f"QN=20240601085900123;ST=22;CN=2011;PW=123456;MN={MN};Flag=13;"
    packet = lenient(air_frame(header=header))
    assert packet.version == 3 and kinds(packet) == ["header-value"]


@pytest.mark.parametrize(
    "frame",
    [
        air_frame(crc="0000"),  # wrong CRC: the data cannot be trusted
        air_frame("DataTime=20240601085900;a34004-Rtd"),  # an item without '='
        air_frame(header=f"QN=20240601085900123;ST=22;PW=123456;MN={MN};Flag=5;"),  # no CN
        air_frame(header=f"QN=20240601085900123;ST=22;CN=2011;PW=123456;MN={MN};Flag=five;"),
        b"garbage",
        b"##\r\n",
    ],
)
def test_what_stays_refused(frame):
    with pytest.raises(HJ212Error):
        decode(frame, strict=False)


def test_crc_error_in_lenient_mode_is_a_crc_error():
    with pytest.raises(CRCError):
        decode(air_frame(crc="0000"), strict=False)


def test_deviation_is_a_string_with_kind_and_position():
    warning = decode(make_frame(FIELD_2005), strict=False).warnings[0]
    assert isinstance(warning, str) and "Flag" in warning
    assert warning.kind == "missing-flag" and warning.position == 6 + FIELD_2005.index("CP=&&")
