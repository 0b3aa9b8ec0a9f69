"""Encoding packets into frames."""

from datetime import datetime

import pytest

from lantian.hj212 import CP, EncodeError, Packet, Version, decode, encode, make_flag

from .frames import APPENDIX_1011, APPENDIX_1062, MN


def test_appendix_examples_round_trip_byte_for_byte():
    for frame in (APPENDIX_1062, APPENDIX_1011):
        assert encode(decode(frame)) == frame


def test_builds_the_1062_example_from_fields():
    packet = Packet(
        qn="20160801085857223",
        st="32",
        cn="1062",
        pw="100000",
        mn=MN,
        version=Version.HJ212_2017,
        needs_ack=True,
        cp={"RtdInterval": 30},
    )
    assert packet.flag == 5
    assert encode(packet) == APPENDIX_1062


def test_positional_fields_in_the_documented_order():
    packet = Packet("20240601085857223", "32", "1011", "123456", MN, 9, None, None, "")
    assert encode(packet) == APPENDIX_1011


def test_crc_is_written_upper_case_and_frame_ends_with_crlf():
    frame = encode(decode(APPENDIX_1062.replace(b"1C80", b"1c80")))
    assert frame.endswith(b"1C80\r\n")


def test_make_flag():
    # specs/hj212.md "Versions": version in bits 7..2, D = bit 1, A = bit 0.
    assert make_flag(Version.HJ212_2017) == 4
    assert make_flag(2017, needs_ack=True) == 5
    assert make_flag(2025, needs_ack=True) == 9
    assert make_flag(2025, split=True) == 10
    assert make_flag(Version.HJ212_2005, needs_ack=True, split=True) == 3


def test_version_and_needs_ack_adjust_a_given_flag():
    packet = Packet(st="22", cn="2011", flag=4, needs_ack=True)
    assert packet.flag == 5
    assert Packet(st="22", cn="2011", flag=5, version=2025).flag == 9
    assert Packet(st="22", cn="2011", needs_ack=False).flag == 4  # defaults to HJ 212-2017


def test_cp_from_python_values():
    cp = CP(
        data_time=datetime(2024, 6, 1, 8, 59),
        values={"a34004": {"Rtd": 35.2, "Flag": "N"}, "a01006": {"Rtd": 101}},
    )
    assert cp.text == "DataTime=20240601085900;a34004-Rtd=35.2,a34004-Flag=N;a01006-Rtd=101"
    assert CP({"DataTime": "20240601085900", "a34004-Rtd": "35.2", "a34004-Flag": "N"}).text == (
        "DataTime=20240601085900;a34004-Rtd=35.2,a34004-Flag=N"
    )
    assert CP([[("QnRtn", 1)]]).text == "QnRtn=1"
    assert CP("BeginTime=20240601000000,EndTime=20240601010000").groups == (
        (("BeginTime", "20240601000000"), ("EndTime", "20240601010000")),
    )


@pytest.mark.parametrize(
    "values",
    [
        {"a;b": "1"},
        {"a": "1;2"},
        {"a": "1,2"},
        {"a": "x=y"},
        {"a": " 1"},
        {"a": "&&"},
        {"a": float("nan")},
        {"": "1"},
    ],
)
def test_cp_refuses_values_that_would_not_read_back(values):
    with pytest.raises(EncodeError):
        CP(values)


def test_header_values_with_delimiters_are_refused():
    with pytest.raises(EncodeError, match="MN"):
        encode(Packet(qn="20240601085857223", st="32", cn="1011", pw="123456", mn="a;b", flag=9))


def test_strict_encode_guarantees_a_strict_decode():
    unknown_cn = Packet(qn="20240601085857223", st="32", cn="2999", pw="123456", mn=MN, flag=9)
    with pytest.raises(EncodeError, match="CN") as caught:
        encode(unknown_cn)
    assert caught.value.qn_rtn == 8
    frame = encode(unknown_cn, strict=False)
    assert decode(frame, strict=False) == unknown_cn


def test_2005_style_packets_need_strict_false():
    packet = Packet(
        st="32", cn="2011", pw="123456", mn="88888880000001", cp="DataTime=20040516010101;011-Rtd=1"
    )
    with pytest.raises(EncodeError, match="Flag"):
        encode(packet)
    frame = encode(packet, strict=False)
    assert frame.startswith(b"##0082ST=32;CN=2011;PW=123456;MN=88888880000001;CP=&&")
    assert decode(frame, strict=False) == packet


def test_segment_limit_1024():
    # specs/hj212.md "Limits": data segment ≤ 1024 characters; longer messages are split.
    cp = CP({f"x{n:04d}": "1" for n in range(140)})
    packet = Packet(qn="20240601085857223", st="32", cn="3020", pw="123456", mn=MN, flag=4, cp=cp)
    with pytest.raises(EncodeError, match="1024"):
        encode(packet)


def test_gbk_packets_encode_in_gbk():
    packet = Packet(
        qn="20240601085857223",
        st="32",
        cn="3020",
        pw="123456",
        mn=MN,
        flag=4,
        cp={"i12001-Info": "设备正常"},
        encoding="gbk",
    )
    frame = encode(packet)
    assert "设备正常".encode("gbk") in frame
    assert decode(frame).encoding == "gbk"


def test_version_equals_its_flag_value_and_its_year():
    # specs/hj212.md "Versions": bits 7..2 = 0 (2005), 1 (2017), 2 (2025).
    assert Version.HJ212_2017 == 1 and Version.HJ212_2017 == 2017
    assert Version.HJ212_2025 == 2 and Version.HJ212_2025 == 2025 and Version.HJ212_2025 != 2017
    assert Version.of(2005) is Version.HJ212_2005 and Version.of(2) is Version.HJ212_2025
    assert Version.HJ212_2025.year == 2025


def test_numbers_given_for_text_fields_are_accepted():
    packet = Packet(qn=20160801085857223, st=32, cn=1062, pw=100000, mn=MN, flag="5", cp={"RtdInterval": 30})
    assert encode(packet) == APPENDIX_1062
