"""HJ 212 (HJ/T 212-2005, HJ 212-2017, HJ 212-2025) codec: pure Python, no Django.

Public surface, relied on by the gateway, the simulator and the tests::

    crc16(data) -> int
    decode(frame, *, strict=True, keys=None) -> Packet      raises HJ212Error
    encode(packet, *, key=None, strict=True) -> bytes
    Packet, CP, Version, StreamFramer, Reassembler, split_packet
    request_answer (9011), execution_result (9012), notification_answer (9013), data_answer (9014),
    data_answer_frame (the 9014 frame, fast)
    get_time / set_time (1011/1012), get/set_rtd_interval (1061/1062),
    get/set_min_interval (1063/1064), set_password (1072)

See docs/hj212-codec.md.
"""

from . import codes
from .codec import decode, encode, encode_segment
from .cp import CP, Measurement
from .crc import crc16, crc16_hex, crc16_reference
from .errors import CRCError, Deviation, EncodeError, FramingError, HJ212Error
from .framing import StreamFramer
from .packet import FLAG_ACK, FLAG_SPLIT, Packet, Version, make_flag, new_qn
from .reassembly import Partial, Reassembler, combine, split_packet
from .replies import (
    Target,
    command,
    data_answer,
    data_answer_frame,
    execution_result,
    get_min_interval,
    get_rtd_interval,
    get_time,
    notification_answer,
    request_answer,
    set_min_interval,
    set_password,
    set_rtd_interval,
    set_time,
    time_calibration_answer,
)
from .sm4 import decrypt_cp, encrypt_cp

__all__ = [
    "CP",
    "FLAG_ACK",
    "FLAG_SPLIT",
    "CRCError",
    "Deviation",
    "EncodeError",
    "FramingError",
    "HJ212Error",
    "Measurement",
    "Packet",
    "Partial",
    "Reassembler",
    "StreamFramer",
    "Target",
    "Version",
    "codes",
    "combine",
    "command",
    "crc16",
    "crc16_hex",
    "crc16_reference",
    "data_answer",
    "data_answer_frame",
    "decode",
    "decrypt_cp",
    "encode",
    "encode_segment",
    "encrypt_cp",
    "execution_result",
    "get_min_interval",
    "get_rtd_interval",
    "get_time",
    "make_flag",
    "new_qn",
    "notification_answer",
    "request_answer",
    "set_min_interval",
    "set_password",
    "set_rtd_interval",
    "set_time",
    "split_packet",
    "time_calibration_answer",
]
