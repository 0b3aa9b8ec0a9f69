"""CRC (specs/hj212.md "Frame"; HJ 212-2017 Appendix A)."""

from hypothesis import given
from hypothesis import strategies as st

from lantian.hj212 import _speedups, crc16, crc16_hex, crc16_reference
from lantian.hj212.crc import crc16_folded

from .frames import APPENDIX_1011, APPENDIX_1062


def test_check_value_of_123456789():
    # specs/hj212.md: CRC("123456789") = 2F80 — not the Modbus CRC-16 (which gives 4B37).
    assert crc16(b"123456789") == 0x2F80
    assert crc16_reference(b"123456789") == 0x2F80
    assert crc16(b"123456789") != 0x4B37


def test_appendix_examples():
    # specs/hj212.md worked examples: CRC 1C80 (HJ 212-2017 CN 1062) and 2200 (HJ 212-2025 CN 1011).
    assert crc16_hex(APPENDIX_1062[6:-6]) == "1C80"
    assert crc16_hex(APPENDIX_1011[6:-6]) == "2200"


def test_register_starts_at_ffff():
    assert crc16(b"") == 0xFFFF  # HJ 212-2017 Appendix A: initial value 0xFFFF, no bytes processed


def test_written_as_four_upper_case_hex_digits_high_byte_first():
    assert crc16_hex(b"123456789") == "2F80"
    assert crc16_hex(APPENDIX_1062[6:-6]) == APPENDIX_1062[-6:-2].decode()


def test_computed_over_bytes_not_characters():
    text = "DataTime=20240601085900;i12001-Info=设备正常"
    assert crc16(text.encode("utf-8")) != crc16(text.encode("gbk"))
    assert crc16(text.encode("gbk")) == crc16_reference(text.encode("gbk"))


def test_accepts_bytes_like_objects():
    data = b"QN=20160801085857223;ST=32"
    for crc in (_speedups.crc16, crc16_folded):
        assert crc(bytearray(data)) == crc(memoryview(data)) == crc(data)


def test_the_c_version_is_the_one_in_use():
    assert crc16 is _speedups.crc16  # built by `make`; the folded Python version is the fallback


@given(st.binary(max_size=3000))
def test_fast_algorithms_equal_the_standard_loop(data):
    assert _speedups.crc16(data) == crc16_folded(data) == crc16_reference(data)


@given(st.binary(min_size=1, max_size=600), st.integers(min_value=0), st.integers(1, 255))
def test_detects_any_single_byte_change(data, index, delta):
    # Only the register's high byte carries over, but each step is a bijection of it, so one
    # changed byte always changes the result.
    index %= len(data)
    changed = bytearray(data)
    changed[index] = (changed[index] + delta) % 256
    assert crc16(bytes(changed)) != crc16(data)


def test_only_256_values_exist():
    # Only the register's high byte survives each step, so the result is one of 256 values: a
    # random corruption passes the check once in 256 frames (why the decoder also checks grammar).
    import os

    assert len({crc16(os.urandom(24)) for _ in range(5000)}) == 256
