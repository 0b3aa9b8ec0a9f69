"""The simulator's reading of replies (lantian.hj212.simulator): acknowledgements are checked on a
fast path, and anything that is not a well-formed 9014 goes through the codec."""

from lantian.hj212 import decode
from lantian.hj212.replies import data_answer_frame
from lantian.hj212.simulator import Simulation, make_devices


def played_packet():
    [device] = make_devices(1)
    simulation = Simulation([device], "127.0.0.1", 9)
    [frame] = simulation._frames(device)
    return simulation, device, decode(frame)


def test_an_acknowledgement_is_counted_with_its_latency_and_key():
    simulation, device, packet = played_packet()
    simulation._on_frame(device, data_answer_frame(packet), None)
    report = simulation.report
    assert report.acked == 1 and len(report.latencies) == 1 and not report.unexpected
    assert report.acked_keys == {(packet.mn, packet.qn, packet.cn)}


def test_an_acknowledgement_with_a_wrong_crc_is_reported_not_counted():
    simulation, device, packet = played_packet()
    ack = bytearray(data_answer_frame(packet))
    ack[-6:-2] = b"0000" if ack[-6:-2] != b"0000" else b"FFFF"
    simulation._on_frame(device, bytes(ack), None)
    report = simulation.report
    assert report.acked == 0
    assert report.unexpected and "unreadable reply" in report.unexpected[0]
