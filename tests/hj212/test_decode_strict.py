"""Strict decoding: each rule of specs/hj212.md, with the reason and byte position of refusals."""

from datetime import datetime

import pytest

from lantian.hj212 import CRCError, HJ212Error, Version, decode

from .frames import AIR_CP, APPENDIX_1011, APPENDIX_1062, HEADER_2017, MN, air_frame, make_frame


# -- the worked examples ----------------------------------------------------------------------------
def test_appendix_1062_example():
    packet = decode(APPENDIX_1062)
    assert (packet.qn, packet.st, packet.cn, packet.pw, packet.mn) == (
        "20160801085857223",
        "32",
        "1062",
        "100000",
        MN,
    )
    assert packet.flag == 5  # V=1 (HJ 212-2017), A=1 (specs/hj212.md "Versions")
    assert packet.version is Version.HJ212_2017 and packet.version.year == 2017
    assert packet.needs_ack and not packet.is_split
    assert packet.pnum is None and packet.pno is None
    assert packet.cp.fields == {"RtdInterval": "30"}
    assert packet.cp["RtdInterval"] == "30"
    assert packet.warnings == []


def test_appendix_1011_example():
    packet = decode(APPENDIX_1011)
    assert packet.cn == "1011" and packet.st == "32"
    assert packet.flag == 9  # V=2 (HJ 212-2025), A=1
    assert packet.version is Version.HJ212_2025
    assert packet.needs_ack
    assert not packet.cp and packet.cp.text == ""


def test_accepts_bytearray_memoryview_and_str():
    assert (
        decode(bytearray(APPENDIX_1062))
        == decode(memoryview(APPENDIX_1062))
        == decode(APPENDIX_1062.decode())
    )


def test_rejects_other_types():
    with pytest.raises(TypeError):
        decode(12345)  # type: ignore[arg-type]


# -- frame ------------------------------------------------------------------------------------------
def refusal(frame: bytes, **options) -> HJ212Error:
    with pytest.raises(HJ212Error) as caught:
        decode(frame, **options)
    return caught.value


def test_header_must_be_two_hashes():
    error = refusal(b"X" + APPENDIX_1062[1:])
    assert "'##'" in error.reason and error.position == 0
    assert "at byte 0" in str(error)


def test_terminator_must_be_crlf():
    error = refusal(APPENDIX_1062[:-2] + b"\n")
    assert "CR LF" in error.reason and error.position == len(APPENDIX_1062) - 1


def test_length_field_must_be_four_digits():
    error = refusal(b"##01a1" + APPENDIX_1062[6:])
    assert error.field == "length" and error.position == 2


def test_length_mismatch_names_both_lengths():
    frame = air_frame(length=200)
    error = refusal(frame)
    assert error.field == "length" and error.position == 2
    assert "200" in error.reason and str(len(frame) - 12) in error.reason


def test_crc_mismatch_names_both_values():
    frame = APPENDIX_1062[:-6] + b"1C81\r\n"
    error = refusal(frame)
    assert isinstance(error, CRCError)
    assert (error.given, error.computed) == (0x1C81, 0x1C80)
    assert "1C81" in error.reason and "1C80" in error.reason
    assert error.position == len(frame) - 6 and error.qn_rtn == 9  # QnRtn 9: CRC error


def test_crc_field_must_be_hex():
    error = refusal(APPENDIX_1062[:-6] + b"1C8G\r\n")
    assert error.field == "CRC" and error.qn_rtn == 9


def test_lower_case_crc_is_accepted_and_noted():
    # specs/hj212.md: accept upper or lower case on input.
    packet = decode(APPENDIX_1062.replace(b"1C80", b"1c80"))
    assert packet == decode(APPENDIX_1062)
    assert [warning.kind for warning in packet.warnings] == ["crc-lowercase"]


def test_crc_is_checked_over_bytes_of_utf8_and_gbk_text():
    cp = AIR_CP + ";i12001-Info=设备正常"
    for encoding in ("utf-8", "gbk"):
        packet = decode(air_frame(cp, encoding=encoding))
        assert packet.cp.get("i12001-Info") == "设备正常"
        assert packet.encoding == encoding


def test_text_that_is_neither_utf8_nor_gbk():
    frame = air_frame(AIR_CP + ";i12001-Info=\x00").replace(b"Info=\x00", b"Info=\xff")
    error = refusal(make_frame(frame[6:-6]))
    assert "UTF-8" in error.reason


def test_segment_must_contain_cp():
    error = refusal(make_frame(HEADER_2017.rstrip(";")))
    assert error.field == "CP"


def test_cp_must_end_with_double_ampersand():
    error = refusal(make_frame(f"{HEADER_2017}CP=&&{AIR_CP}&"))
    assert "'&&'" in error.reason


def test_cp_limit_950():
    # specs/hj212.md "Limits": CP ≤ 950 characters (HJ 212-2017 / 2025).
    filler = ";".join(f"a{n:05d}-Rtd=1.0" for n in range(80))
    error = refusal(air_frame(f"DataTime=20240601085900;{filler}"))
    assert "950" in error.reason and error.field == "CP"


# -- header fields ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("header", "field", "qn_rtn"),
    [
        (f"QN=2024060108590012;ST=22;CN=2011;PW=123456;MN={MN};Flag=5;", "QN", 7),  # 16 digits
        (f"QN=20241301085900123;ST=22;CN=2011;PW=123456;MN={MN};Flag=5;", "QN", 7),  # month 13
        (f"QN=20230229085900123;ST=22;CN=2011;PW=123456;MN={MN};Flag=5;", "QN", 7),  # no 29 Feb 2023
        (f"ST=22;CN=2011;PW=123456;MN={MN};Flag=5;", "QN", 7),  # HJ 212-2017 needs QN
        (f"QN=20240601085900123;ST=99;CN=2011;PW=123456;MN={MN};Flag=5;", "ST", 5),  # unknown ST
        (f"QN=20240601085900123;CN=2011;PW=123456;MN={MN};Flag=5;", "ST", 5),
        (f"QN=20240601085900123;ST=22;CN=2999;PW=123456;MN={MN};Flag=5;", "CN", 8),  # unknown CN
        (f"QN=20240601085900123;ST=22;PW=123456;MN={MN};Flag=5;", "CN", 8),
        (f"QN=20240601085900123;ST=22;CN=2011;MN={MN};Flag=5;", "PW", 3),
        (f"QN=20240601085900123;ST=22;CN=2011;PW=;MN={MN};Flag=5;", "PW", 3),
        ("QN=20240601085900123;ST=22;CN=2011;PW=123456;MN=;Flag=5;", "MN", 4),
        (f"QN=20240601085900123;ST=22;CN=2011;PW=123456;MN={MN};", "Flag", 6),  # 2005 style
        (f"QN=20240601085900123;ST=22;CN=2011;PW=123456;MN={MN};Flag=x;", "Flag", 6),
        (f"QN=20240601085900123;ST=22;CN=2011;PW=123456;MN={MN};Flag=256;", "Flag", 6),
        (f"QN=20240601085900123;ST=22;CN=2011;PW=123456;MN={MN};Flag=13;", "Flag", 6),  # version 3
        (f"QN=20240601085900123;ST=22;CN=2011;PW=123456;MN={MN};Flag=7;", "Flag", 6),  # D bit, no PNUM
        (f"QN=20240601085900123;ST=22;CN=2011;PW=123456;MN={MN};Flag=5;PNUM=2;PNO=1;", "Flag", 6),
        (f"QN=20240601085900123;ST=22;CN=2011;PW=123456;MN={MN};Flag=7;PNUM=2;PNO=3;", "PNO", 6),
        (f"QN=20240601085900123;ST=22;CN=2011;PW=123456;MN={MN};Flag=7;PNUM=12345;PNO=1;", "PNUM", 6),
    ],
)
def test_header_field_refusals(header, field, qn_rtn):
    error = refusal(air_frame(header=header))
    assert error.field == field
    assert error.qn_rtn == qn_rtn  # QnRtn codes, specs/hj212.md 9011 list
    assert error.position is not None and 6 <= error.position <= 6 + len(header)


def test_field_order_is_enforced():
    header = f"QN=20240601085900123;CN=2011;ST=22;PW=123456;MN={MN};Flag=5;"
    assert "order" in refusal(air_frame(header=header)).reason


def test_unknown_header_field_is_refused():
    header = f"QN=20240601085900123;ST=22;CN=2011;PW=123456;MN={MN};Flag=5;XX=1;"
    assert "XX" in refusal(air_frame(header=header)).reason


def test_re_sent_marker_in_header_or_cp():
    header = f"QN=20240601085900123;ST=22;CN=2011;PW=123456;MN={MN};Flag=9;RF=1;"
    assert decode(air_frame(header=header)).resent  # HJ 212-2025 补传
    assert decode(air_frame(AIR_CP + ";RF=1")).resent
    assert not decode(air_frame()).resent


def test_flag_bits():
    # specs/hj212.md "Versions": A = bit 0, D = bit 1, version = bits 7..2.
    for flag, version, ack in (
        (4, Version.HJ212_2017, False),
        (5, Version.HJ212_2017, True),
        (8, Version.HJ212_2025, False),
        (0, Version.HJ212_2005, False),
        (1, Version.HJ212_2005, True),
    ):
        header = f"QN=20240601085900123;ST=22;CN=2011;PW=123456;MN={MN};Flag={flag};"
        packet = decode(air_frame(header=header))
        assert (packet.version, packet.needs_ack, packet.is_split) == (version, ack, False)


def test_split_packet_fields():
    header = f"QN=20240601085900123;ST=22;CN=2011;PW=123456;MN={MN};Flag=7;PNUM=3;PNO=2;"
    packet = decode(air_frame(header=header))
    assert packet.is_split and (packet.pnum, packet.pno) == (3, 2)


def test_2005_packet_with_flag_and_without_qn():
    header = "ST=32;CN=2011;PW=123456;MN=88888880000001;Flag=0;"
    packet = decode(air_frame("DataTime=20040516010101;011-Rtd=231.0,011-Flag=N", header=header))
    assert packet.qn is None and packet.version is Version.HJ212_2005
    assert packet.cp.values == {"011": {"Rtd": "231.0", "Flag": "N"}}


def test_2005_answer_with_qn_inside_cp():
    # HJ/T 212-2005 answers: ST=91;CN=9011;…;Flag=0;CP=&&QN=…;QnRtn=1&&
    frame = make_frame("ST=91;CN=9011;PW=123456;MN=88888880000001;Flag=0;CP=&&QN=20040516010101001;QnRtn=1&&")
    packet = decode(frame)
    assert packet.qn == "20040516010101001" and packet.qn_in_cp
    assert packet.cp.fields == {"QnRtn": "1"}


# -- CP -----------------------------------------------------------------------------------------------
def test_cp_values_and_data_time():
    packet = decode(air_frame())
    assert packet.cp.data_time == datetime(2024, 6, 1, 8, 59)
    assert packet.data_time == packet.cp.data_time
    assert packet.cp.values == {
        "a34004": {"Rtd": "35.2", "Flag": "N"},
        "a21005": {"Rtd": "0.612", "Flag": "N"},
    }
    assert packet.cp["a34004"] == {"Rtd": "35.2", "Flag": "N"}
    assert packet.cp["a34004-Rtd"] == "35.2"
    assert "a21005" in packet.cp and "a99999" not in packet.cp


@pytest.mark.parametrize(
    "cp",
    [
        "DataTime=20240601085900;;a34004-Rtd=35",  # empty group
        "DataTime=20240601085900;a34004-Rtd=35,",  # empty item
        "DataTime=20240601085900; a34004-Rtd=35",  # stray space
        "DataTime=20240601085900;a34004-Rtd",  # no '='
        "DataTime=20240601085900;=35",  # no key
        "DataTime=20240601085900;a34004-Rtd=3=5",  # '=' in a value
        "4F2A9C0E",  # no item at all (e.g. cipher text without a key)
    ],
)
def test_malformed_cp_is_refused_with_position(cp):
    frame = air_frame(cp)
    error = refusal(frame)
    assert error.field == "CP"
    assert frame.index(b"CP=&&") + 5 <= error.position <= len(frame) - 8


def test_inner_space_in_a_value_is_fine():
    packet = decode(air_frame(AIR_CP + ";i12001-Info=CEMS 1"))
    assert packet.cp.get("i12001-Info") == "CEMS 1"


def test_data_time_format():
    assert "DataTime" in refusal(air_frame("DataTime=2024060108590;a34004-Rtd=35")).reason
    assert "DataTime" in refusal(air_frame("DataTime=20240631085900;a34004-Rtd=35")).reason  # 31 June
    assert "DataTime" in refusal(air_frame("a34004-Rtd=35,a34004-Flag=N")).reason  # data without time


def test_unknown_data_flag():
    # Data flags N F M S D C T B (specs/hj212.md; HJ 212-2017 数据标记表).
    for flag in "NFMSDCTB":
        decode(air_frame(f"DataTime=20240601085900;a34004-Rtd=35,a34004-Flag={flag}"))
    error = refusal(air_frame("DataTime=20240601085900;a34004-Rtd=35,a34004-Flag=X"))
    assert "'X'" in error.reason and "a34004" in error.reason


def test_measurements_for_the_time_series_table():
    packet = decode(
        air_frame(
            "DataTime=20240601085900;a34004-Avg=35,a34004-Min=30,a34004-Max=41,a34004-Flag=N;a01001-Avg=NaN"
        )
    )
    rows = {(m.code, m.kind): (m.value, m.flag) for m in packet.cp.measurements()}
    assert rows == {
        ("a34004", "Avg"): (35.0, "N"),
        ("a34004", "Min"): (30.0, "N"),
        ("a34004", "Max"): (41.0, "N"),
        ("a01001", "Avg"): (None, None),  # not a number: kept raw, value None
    }


def test_fast_path_and_reference_path_agree_on_a_canonical_frame():
    from lantian.hj212.codec import _decode_canonical, _decode_general
    from lantian.hj212.errors import Report

    frame = air_frame()
    assert _decode_canonical(frame) == _decode_general(frame, Report(True), None)
