"""Split packets: PNUM/PNO reassembly with a timeout, and splitting long messages."""

import pytest

from lantian.hj212 import CP, HJ212Error, Packet, Reassembler, Version, decode, encode, split_packet
from lantian.hj212.codec import MAX_SEGMENT
from lantian.hj212.cp_checks import MAX_CP

from .frames import MN

DATA_TIME = "DataTime=20240601085900"


def long_message() -> Packet:
    values = {f"a{n:05d}": {"Avg": f"{n}.5", "Min": "0.1", "Max": "99.9", "Flag": "N"} for n in range(40)}
    return Packet(
        qn="20240601085900123",
        st="22",
        cn="2051",
        pw="123456",
        mn=MN,
        version=Version.HJ212_2017,
        needs_ack=True,
        cp=CP(data_time="20240601085900", values=values),
    )


def test_split_parts_fit_the_limits_and_repeat_data_time():
    message = long_message()
    parts = split_packet(message)
    assert len(parts) > 1
    for number, part in enumerate(parts, start=1):
        frame = encode(part)  # strict: each part is a conforming frame
        segment = frame[6:-6]
        assert len(segment) <= MAX_SEGMENT  # specs/hj212.md: data segment ≤ 1024
        assert len(segment) - segment.index(b"CP=&&") <= MAX_CP  # CP ≤ 950
        packet = decode(frame)
        assert packet.is_split and (packet.pnum, packet.pno) == (len(parts), number)
        assert packet.qn == message.qn and packet.cp.text.startswith(DATA_TIME)


def test_reassembly_in_any_order_gives_the_message_back():
    message = long_message()
    parts = [decode(encode(part)) for part in split_packet(message)]
    assembler = Reassembler()
    results = [assembler.add(part, now=0.0) for part in reversed(parts)]
    assert results[:-1] == [None] * (len(parts) - 1)
    assert results[-1] == message
    assert not results[-1].is_split and results[-1].needs_ack
    assert assembler.pending == 0


def test_duplicate_parts_are_ignored():
    parts = split_packet(long_message())
    assembler = Reassembler()
    assert assembler.add(parts[0], now=0) is None
    assert assembler.add(parts[0], now=1) is None
    for part in parts[1:-1]:
        assembler.add(part, now=2)
    assert assembler.add(parts[-1], now=3) == long_message()


def test_incomplete_messages_expire():
    parts = split_packet(long_message())
    assembler = Reassembler(timeout=60)
    assembler.add(parts[0], now=0)
    assert assembler.expire(now=59) == []
    (expired,) = assembler.expire(now=60)
    assert expired.missing == list(range(2, len(parts) + 1))
    assert assembler.pending == 0


def test_pending_messages_are_bounded():
    assembler = Reassembler(max_pending=2)
    for n in range(3):
        part = split_packet(long_message().replace(qn=f"2024060108590012{n}"))[0]
        assembler.add(part, now=n)
    assert assembler.pending == 2
    (evicted,) = assembler.expire(now=3)
    assert evicted.key[3] == "20240601085900120"


def test_unsplit_packets_pass_through():
    packet = Packet(qn="20240601085900123", st="22", cn="2011", pw="1", mn=MN, flag=4, cp=DATA_TIME)
    assert Reassembler().add(packet) is packet
    assert split_packet(packet) == [packet]


def test_inconsistent_numbers_are_refused():
    packet = Packet(qn="20240601085900123", st="22", cn="2011", pw="1", mn=MN, flag=6, pnum=2, pno=3)
    with pytest.raises(HJ212Error, match="PNO"):
        Reassembler().add(packet)


def test_2005_parts_without_qn_are_told_apart_by_data_time():
    def part(data_time: str, pno: int) -> Packet:
        return Packet(
            st="32", cn="2011", pw="1", mn=MN, flag=2, pnum=2, pno=pno, cp=f"DataTime={data_time};a{pno}=1"
        )

    assembler = Reassembler()
    assert assembler.add(part("20160801084000", 1)) is None
    assert assembler.add(part("20160801085000", 2)) is None
    assert assembler.add(part("20160801084000", 2)).cp.text == "DataTime=20160801084000;a1=1;a2=1"
