"""Answers to devices (9011–9014) and the platform's commands (1011/1012, 1061–1064, 1072).

Answers reuse the request's QN, PW and MN and its protocol version, with ST 91 (system
interaction) and the A bit cleared (HJ 212-2017 Appendix C examples: ``ST=91;CN=9011;…;Flag=4``).
HJ/T 212-2005 answers carry the request's QN inside CP (``CP=&&QN=…;QnRtn=1&&``). Commands go to a
``Target`` device with its own ST and ask for an answer (A bit set), like the appendix examples
``CN=1062 … Flag=5`` (2017) and ``CN=1011 … Flag=9`` (2025).

Every builder returns a ``Packet``; ``encode`` it (with the device's SM4 key for 2025 devices).
"""

from __future__ import annotations

import functools
from datetime import datetime
from typing import Any, NamedTuple

from .codec import encode
from .cp import CP, format_timestamp
from .crc import crc16
from .packet import VERSION_SHIFT, Packet, Version, make_flag, new_qn

SYSTEM_INTERACTION_ST = "91"  # HJ 212-2017 系统编码表: 91 系统交互

CN_REQUEST_ANSWER = "9011"  # 请求应答 (QnRtn)
CN_EXECUTION_RESULT = "9012"  # 执行结果 (ExeRtn)
CN_NOTIFICATION_ANSWER = "9013"  # 通知应答
CN_DATA_ANSWER = "9014"  # 数据应答
CN_GET_TIME = "1011"
CN_SET_TIME = "1012"
CN_TIME_CALIBRATION_REQUEST = "1013"
CN_GET_RTD_INTERVAL = "1061"
CN_SET_RTD_INTERVAL = "1062"
CN_GET_MIN_INTERVAL = "1063"
CN_SET_MIN_INTERVAL = "1064"
CN_SET_PASSWORD = "1072"

QN_RTN_READY = 1  # QnRtn 1: 准备执行请求 (spec hj212.md, 9011 list)
EXE_RTN_SUCCESS = 1  # ExeRtn 1: 执行成功 (HJ 212-2017 执行结果定义表)


def _answer(request: Packet, cn: str, cp: CP) -> Packet:
    version = request.version if isinstance(request.version, Version) else Version.HJ212_2025
    return Packet(
        qn=request.qn,
        st=SYSTEM_INTERACTION_ST,
        cn=cn,
        pw=request.pw,
        mn=request.mn,
        flag=make_flag(version),
        cp=cp,
        qn_in_cp=version == Version.HJ212_2005 and request.qn is not None,
        encoding=request.encoding,
    )


def request_answer(request: Packet, qn_rtn: int = QN_RTN_READY) -> Packet:
    """9011: the request is accepted (1) or refused (2–9, 100; ``HJ212Error.qn_rtn`` says which)."""
    return _answer(request, CN_REQUEST_ANSWER, CP([[("QnRtn", qn_rtn)]]))


def execution_result(request: Packet, exe_rtn: int = EXE_RTN_SUCCESS) -> Packet:
    """9012: how executing the request ended."""
    return _answer(request, CN_EXECUTION_RESULT, CP([[("ExeRtn", exe_rtn)]]))


def notification_answer(request: Packet) -> Packet:
    """9013: a notification was received."""
    return _answer(request, CN_NOTIFICATION_ANSWER, CP())


def data_answer(request: Packet) -> Packet:
    """9014: a data packet was received (and stored) — sent when the packet's A bit asks for it."""
    return _answer(request, CN_DATA_ANSWER, CP())


def data_answer_frame(request: Packet) -> bytes:
    """``encode(data_answer(request), strict=False)``, written directly for the usual HJ 212-2017/2025
    request: a gateway answers every data packet, and this is a fifth of the cost of doing so."""
    flag = request.flag
    if (
        flag is None
        or flag >> VERSION_SHIFT not in _ANSWERED_DIRECTLY
        or request.qn is None
        or request.pw is None
        or request.mn is None
        or request.qn_in_cp
        or request.encoding != "utf-8"
    ):
        return encode(data_answer(request), strict=False)
    segment = b"QN=%s;%s" % (
        request.qn.encode(),
        _data_answer_tail(request.pw, request.mn, flag >> VERSION_SHIFT),
    )
    return b"##%04d%s%04X\r\n" % (len(segment), segment, crc16(segment))


_ANSWERED_DIRECTLY = frozenset({Version.HJ212_2017.value, Version.HJ212_2025.value})


@functools.lru_cache(maxsize=65536)  # one entry per device
def _data_answer_tail(pw: str, mn: str, version: int) -> bytes:
    return (
        f"ST={SYSTEM_INTERACTION_ST};CN={CN_DATA_ANSWER};PW={pw};MN={mn};Flag={make_flag(version)};CP=&&&&"
    ).encode()


# ------------------------------------------------------------------------------------------------
class Target(NamedTuple):
    """The device a command goes to."""

    mn: str
    pw: str
    st: str
    version: Version = Version.HJ212_2017

    @classmethod
    def of(cls, packet: Packet) -> Target:
        version = packet.version if isinstance(packet.version, Version) else Version.HJ212_2025
        return cls(packet.mn or "", packet.pw or "", packet.st or "", version)


def command(
    target: Target, cn: str, cp: Any = None, *, qn: str | None = None, needs_ack: bool = True
) -> Packet:
    """A platform command to ``target``; ``qn`` defaults to the current local time."""
    return Packet(
        qn=qn or new_qn(),
        st=target.st,
        cn=cn,
        pw=target.pw,
        mn=target.mn,
        flag=make_flag(target.version, needs_ack=needs_ack),
        cp=cp,
    )


def _pol_id(pol_id: str | None) -> dict[str, str]:
    return {"PolId": pol_id} if pol_id else {}


def get_time(target: Target, *, pol_id: str | None = None, qn: str | None = None) -> Packet:
    """1011: ask for the device's clock."""
    return command(target, CN_GET_TIME, _pol_id(pol_id), qn=qn)


def set_time(
    target: Target, system_time: datetime | None = None, *, pol_id: str | None = None, qn: str | None = None
) -> Packet:
    """1012: set the device's clock (default: now, local time)."""
    fields: dict[str, Any] = _pol_id(pol_id)
    fields["SystemTime"] = format_timestamp(system_time or datetime.now())
    return command(target, CN_SET_TIME, fields, qn=qn)


def time_calibration_answer(request: Packet, now: datetime | None = None) -> Packet:
    """Answer a 1013 time calibration request by setting the device clock (1012)."""
    return set_time(Target.of(request), now, pol_id=request.cp.get("PolId"))


def get_rtd_interval(target: Target, *, qn: str | None = None) -> Packet:
    """1061: ask for the real-time data interval."""
    return command(target, CN_GET_RTD_INTERVAL, qn=qn)


def set_rtd_interval(target: Target, seconds: int, *, qn: str | None = None) -> Packet:
    """1062: set the real-time data interval in seconds (RtdInterval)."""
    return command(target, CN_SET_RTD_INTERVAL, {"RtdInterval": int(seconds)}, qn=qn)


def get_min_interval(target: Target, *, qn: str | None = None) -> Packet:
    """1063: ask for the minute data interval."""
    return command(target, CN_GET_MIN_INTERVAL, qn=qn)


def set_min_interval(target: Target, minutes: int, *, qn: str | None = None) -> Packet:
    """1064: set the minute data interval in minutes (MinInterval)."""
    return command(target, CN_SET_MIN_INTERVAL, {"MinInterval": int(minutes)}, qn=qn)


def set_password(target: Target, new_password: str, *, qn: str | None = None) -> Packet:
    """1072: set the device's access password (NewPW)."""
    return command(target, CN_SET_PASSWORD, {"NewPW": new_password}, qn=qn)
