"""HJ 212-2025 CP encryption: SM4-ECB without padding (spec hj212.md "HJ 212-2025 encryption").

The text between ``CP=&&`` and the closing ``&&`` is encrypted in whole 16-byte blocks; a tail
shorter than one block stays plain, so the data segment keeps its length. The CRC is computed over
the plain text. The spec does not say how the cipher text is represented in the frame; the encoder
writes the cipher bytes in place (length-preserving, the literal reading) or, on request, as
upper-case hex. The decoder also accepts hex and Base64 and lets the CRC decide.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterator

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from .errors import HJ212Error

BLOCK = 16  # SM4 block and key size in bytes (GB/T 32907-2016)
_HEX_DIGITS = b"0123456789abcdefABCDEF"
_BASE64_CHARACTERS = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/="


def normalize_key(key: bytes | bytearray | str) -> bytes:
    """A device key as 16 bytes; also accepts 32 hex digits or a 16-character ASCII string."""
    if isinstance(key, (bytes, bytearray)) and len(key) == BLOCK:
        return bytes(key)
    if isinstance(key, str):
        if len(key) == 2 * BLOCK:
            try:
                return bytes.fromhex(key)
            except ValueError:
                pass
        elif len(key) == BLOCK and key.isascii():
            return key.encode("ascii")
    raise HJ212Error(
        f"an SM4 key must be 16 bytes or 32 hex digits, got {type(key).__name__} of length {len(key)}"
    )


def _ecb(key: bytes, data: bytes, *, encrypt: bool) -> bytes:
    cipher = Cipher(algorithms.SM4(key), modes.ECB())
    worker = cipher.encryptor() if encrypt else cipher.decryptor()
    return worker.update(data) + worker.finalize()


def encrypt_cp(plain: bytes, key: bytes | str, *, hex_text: bool = False) -> bytes:
    """Encrypt CP content: whole blocks with SM4-ECB, the short tail left plain."""
    whole = len(plain) - len(plain) % BLOCK
    if not whole:
        return plain
    cipher = _ecb(normalize_key(key), plain[:whole], encrypt=True)
    if hex_text:
        cipher = binascii.hexlify(cipher).upper()
    return cipher + plain[whole:]


def decrypt_cp(cipher: bytes, key: bytes | str) -> bytes:
    """Inverse of ``encrypt_cp`` for in-place cipher bytes."""
    whole = len(cipher) - len(cipher) % BLOCK
    if not whole:
        return cipher
    return _ecb(normalize_key(key), cipher[:whole], encrypt=False) + cipher[whole:]


def decrypt_candidates(region: bytes, key: bytes | str) -> Iterator[bytes]:
    """Plain texts the CP region may stand for: in-place cipher bytes first, then hex or Base64
    text of whole cipher blocks (longest first) followed by a plain tail. The caller keeps the one
    whose CRC matches."""
    key = normalize_key(key)
    yield decrypt_cp(region, key)
    hex_prefix = len(region) - len(region.lstrip(_HEX_DIGITS))
    for blocks in range(hex_prefix // (2 * BLOCK), 0, -1):
        split = blocks * 2 * BLOCK
        yield _ecb(key, bytes.fromhex(region[:split].decode("ascii")), encrypt=False) + region[split:]
    base64_prefix = len(region) - len(region.lstrip(_BASE64_CHARACTERS))
    for blocks in range(base64_prefix * 3 // 4 // BLOCK, 0, -1):
        split = -(-blocks * BLOCK // 3) * 4  # Base64 length of the blocks, padding included
        try:
            cipher = base64.b64decode(region[:split], validate=True)
        except binascii.Error:
            continue
        yield _ecb(key, cipher, encrypt=False) + region[split:]
