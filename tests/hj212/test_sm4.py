"""HJ 212-2025 encryption: SM4-ECB, no padding, CP only, short tail plain, CRC over plain text."""

import pytest
from cryptography.hazmat.primitives.ciphers import algorithms

from lantian.hj212 import CP, CRCError, EncodeError, HJ212Error, Packet, Version, decode, encode
from lantian.hj212.crc import crc16_reference
from lantian.hj212.sm4 import decrypt_cp, encrypt_cp, normalize_key

from .frames import MN

KEY = bytes.fromhex("0123456789abcdeffedcba9876543210")
CP_TEXT = "DataTime=20250601085900;a34004-Rtd=35.2,a34004-Flag=N;a21005-Rtd=0.612,a21005-Flag=N"


def packet_2025(cp: str = CP_TEXT) -> Packet:
    return Packet(
        qn="20250601085900123",
        st="22",
        cn="2011",
        pw="123456",
        mn=MN,
        version=Version.HJ212_2025,
        needs_ack=True,
        cp=cp,
    )


def test_cryptography_provides_sm4():
    assert algorithms.SM4.block_size == 128


def test_sm4_standard_vector():
    # GB/T 32907-2016 Appendix A.1: key = plaintext = 0123456789abcdeffedcba9876543210.
    assert encrypt_cp(KEY, KEY).hex() == "681edf34d206965e86b3e94f536e4246"


def test_tail_shorter_than_a_block_stays_plain():
    plain = b"x" * 37
    cipher = encrypt_cp(plain, KEY)
    assert len(cipher) == 37 and cipher[32:] == b"xxxxx" and cipher[:32] != plain[:32]
    assert decrypt_cp(cipher, KEY) == plain
    assert encrypt_cp(b"QnRtn=1", KEY) == b"QnRtn=1"  # shorter than one block: all plain


def test_round_trip_through_the_frame():
    packet = packet_2025()
    frame = encode(packet, key=KEY)
    assert CP_TEXT.encode() not in frame
    assert frame.startswith(b"##%04d" % len(encode(packet)[6:-6]))  # same length as plain
    body = frame[6:-6]
    plain_segment = body[: body.index(b"CP=&&") + 5] + CP_TEXT.encode() + b"&&"
    assert frame[-6:-2] == b"%04X" % crc16_reference(plain_segment)  # CRC over the plain text
    decoded = decode(frame, keys={MN: KEY})
    assert decoded == packet and decoded.encrypted
    assert decode(encode(packet), keys={MN: KEY}).encrypted is False  # plain CP is accepted too


def test_hex_written_cipher_text_is_recognised():
    frame = encode(packet_2025(), key=KEY, hex_cipher=True)
    decoded = decode(frame, keys={MN: KEY.hex()}, strict=False)
    assert decoded == packet_2025() and decoded.encrypted


def test_key_forms():
    assert normalize_key(KEY.hex()) == normalize_key(KEY.hex().upper()) == KEY
    assert normalize_key("1234567890abcdef") == b"1234567890abcdef"
    with pytest.raises(HJ212Error):
        normalize_key(b"short")


def test_without_key_the_crc_error_says_why():
    with pytest.raises(CRCError, match="SM4"):
        decode(encode(packet_2025(), key=KEY))


def test_wrong_key_is_a_crc_error():
    with pytest.raises(CRCError, match="decryption"):
        decode(encode(packet_2025(), key=KEY), keys={MN: bytes(16)})


def test_keys_apply_to_2025_packets_only():
    with pytest.raises(EncodeError, match="2025"):
        encode(packet_2025().replace(flag=5), key=KEY)


def test_short_cp_is_not_encrypted():
    packet = packet_2025(cp="QnRtn=1").replace(cn="9011", st="91", flag=8)
    assert encode(packet, key=KEY) == encode(packet)
    assert CP("QnRtn=1") == decode(encode(packet, key=KEY), keys={MN: KEY}).cp


def test_base64_written_cipher_text_is_recognised():
    import base64

    plain = CP_TEXT.encode()
    whole = len(plain) // 16 * 16
    cipher = base64.b64encode(encrypt_cp(plain[:whole], KEY)) + plain[whole:]
    reference = encode(packet_2025())[6:-6]
    segment = reference.replace(plain, cipher)
    frame = b"##%04d" % len(segment) + segment + reference_crc(reference) + b"\r\n"
    assert decode(frame, keys={MN: KEY}) == packet_2025()


def test_encode_takes_the_key_from_a_mapping_like_decode():
    keys = {MN: KEY}
    assert encode(packet_2025(), keys=keys) == encode(packet_2025(), key=KEY)
    assert encode(packet_2025().replace(flag=5), keys=keys) == encode(packet_2025().replace(flag=5))


def reference_crc(segment: bytes) -> bytes:
    return b"%04X" % crc16_reference(segment)
