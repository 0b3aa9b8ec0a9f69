"""Frames shared by the HJ 212 codec tests."""

from __future__ import annotations

from lantian.hj212.crc import crc16_reference

# The two worked examples of specs/hj212.md (HJ 212-2017 Appendix C and HJ 212-2025).
APPENDIX_1062 = (
    b"##0101QN=20160801085857223;ST=32;CN=1062;PW=100000;MN=010000A8900016F000169DC0;Flag=5;"
    b"CP=&&RtdInterval=30&&1C80\r\n"
)
APPENDIX_1011 = (
    b"##0087QN=20240601085857223;ST=32;CN=1011;PW=123456;MN=010000A8900016F000169DC0;Flag=9;CP=&&&&2200\r\n"
)

MN = "010000A8900016F000169DC0"
HEADER_2017 = f"QN=20240601085900123;ST=22;CN=2011;PW=123456;MN={MN};Flag=5;"
AIR_CP = "DataTime=20240601085900;a34004-Rtd=35.2,a34004-Flag=N;a21005-Rtd=0.612,a21005-Flag=N"


def make_frame(
    segment: str | bytes,
    *,
    length: int | str | None = None,
    crc: str | None = None,
    lower: bool = False,
    end: bytes = b"\r\n",
    encoding: str = "utf-8",
) -> bytes:
    """A frame around ``segment`` with a correct length and CRC unless told otherwise. The CRC is
    computed with the reference (bit-by-bit) algorithm, independently of the codec's fast one."""
    body = segment.encode(encoding) if isinstance(segment, str) else segment
    length_field = (
        f"{len(body):04d}" if length is None else (length if isinstance(length, str) else f"{length:04d}")
    )
    crc_field = crc if crc is not None else f"{crc16_reference(body):04X}"
    if lower:
        crc_field = crc_field.lower()
    return b"##" + length_field.encode() + body + crc_field.encode() + end


def air_frame(cp: str = AIR_CP, header: str = HEADER_2017, **options) -> bytes:
    return make_frame(f"{header}CP=&&{cp}&&", **options)
