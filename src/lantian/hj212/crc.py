"""The HJ 212 CRC (HJ 212-2017 Appendix A; spec hj212.md "Frame").

The standard's loop is ``crc = (crc >> 8) ^ byte`` followed by eight reflected shifts with the
polynomial 0xA001, starting from 0xFFFF. Unlike Modbus CRC-16 it *replaces* the low byte instead
of XOR-ing into it, so only the high byte ``h`` of the register carries over from one byte to the
next: ``h' = H(h ^ byte)``, where ``H`` is "eight shifts, keep the high byte". ``H`` is linear over
GF(2) and ``H**8`` is the identity, so the state before the last byte is

    h = H**(n-1) (0xFF)  ^  XOR over d of H**(d mod 8) (byte at distance d from the last byte)

The bytes therefore only matter through the XOR of each residue class of their distance modulo 8,
which one big-integer fold computes at C speed (``crc16_folded``). ``crc16`` is the C version from
``_speedups.c`` (one table lookup per byte) where it is built, else ``crc16_folded``;
``crc16_reference`` keeps the literal algorithm, and the tests prove all three agree.

A consequence worth knowing: the result is ``_SHIFTED[v]`` for an 8-bit ``v``, so the CRC takes
only 256 of the 65,536 values and a random corruption goes unnoticed once in 256 frames. The
decoder's grammar checks are the second line of defence.
"""

from __future__ import annotations


def crc16_reference(data: bytes) -> int:
    """The algorithm exactly as HJ 212-2017 Appendix A states it (bit by bit, slow)."""
    crc = 0xFFFF  # HJ 212-2017 Appendix A: initial register value
    for byte in data:
        crc = (crc >> 8) ^ byte
        for _ in range(8):
            carry = crc & 1
            crc >>= 1
            if carry:
                crc ^= 0xA001  # HJ 212-2017 Appendix A: polynomial (reflected)
    return crc


def _eight_shifts(value: int) -> int:
    for _ in range(8):
        value = (value >> 1) ^ 0xA001 if value & 1 else value >> 1
    return value


_SHIFTED = [_eight_shifts(v) for v in range(256)]  # full register after the eight shifts
_HIGH = [r >> 8 for r in _SHIFTED]  # H: the part that survives into the next step
_POWERS = [list(range(256))]  # _POWERS[k][v] == H**k (v)
for _ in range(7):
    _POWERS.append([_HIGH[v] for v in _POWERS[-1]])
# Byte lane j of the folded 64-bit word holds the bytes at distance d with d - 1 == j (mod 8);
# _LANES[k] covers lanes 2k and 2k+1 at once (65,536 entries each: four lookups per CRC).
_LANES = [
    [_POWERS[(2 * k + 1) % 8][v & 255] ^ _POWERS[(2 * k + 2) % 8][v >> 8] for v in range(65536)]
    for k in range(4)
]
_W0, _W1, _W2, _W3 = _LANES
_START = [_POWERS[k][0xFF] for k in range(8)]  # H**k applied to the initial high byte 0xFF
_CACHED_MASKS = 80  # words; covers data segments up to 1280 bytes, larger ones compute their masks
_MASKS = [(1 << (64 * words)) - 1 for words in range(_CACHED_MASKS)]  # _MASKS[w]: low w 64-bit words


def crc16_folded(data: bytes) -> int:
    """CRC of ``data`` (the data segment of a frame), e.g. ``crc16(b"123456789") == 0x2F80``."""
    n = len(data)
    if n == 0:
        return 0xFFFF
    folded = int.from_bytes(data[:-1], "big")
    words = (n + 6) >> 3  # 64-bit words in data[:-1]
    while words > 1:
        half = (words + 1) >> 1
        mask = _MASKS[half] if half < _CACHED_MASKS else (1 << (half << 6)) - 1
        folded = (folded >> (half << 6)) ^ (folded & mask)
        words = half
    high = (
        _START[(n - 1) & 7]
        ^ _W0[folded & 0xFFFF]
        ^ _W1[(folded >> 16) & 0xFFFF]
        ^ _W2[(folded >> 32) & 0xFFFF]
        ^ _W3[folded >> 48]
    )
    return _SHIFTED[high ^ data[-1]]


try:
    from ._speedups import crc16
except ImportError:  # not built (no C compiler)
    crc16 = crc16_folded


def crc16_hex(data: bytes) -> str:
    """The CRC as written in a frame: four upper-case hex digits, high byte first."""
    return f"{crc16(data):04X}"
