"""StreamFramer: frames out of a TCP byte stream."""

import sys

import pytest

from lantian.hj212 import FramingError, StreamFramer, decode, framing
from lantian.hj212.codec import MAX_SEGMENT
from lantian.hj212.framing import GARBAGE_SAMPLE, MAX_FRAME

from .frames import APPENDIX_1011, APPENDIX_1062, air_frame, make_frame


def feed_all(*chunks: bytes, max_frame: int | None = None) -> list:
    framer = StreamFramer() if max_frame is None else StreamFramer(max_frame)
    items = []
    for chunk in chunks:
        items.extend(framer.feed(chunk))
    return items + framer.close()


def frames_of(items) -> list[bytes]:
    return [item for item in items if isinstance(item, bytes)]


def errors_of(items) -> list[FramingError]:
    return [item for item in items if isinstance(item, FramingError)]


def test_several_frames_in_one_read():
    assert feed_all(APPENDIX_1062 + APPENDIX_1011 + APPENDIX_1062) == [
        APPENDIX_1062,
        APPENDIX_1011,
        APPENDIX_1062,
    ]


def test_one_frame_over_many_reads():
    framer = StreamFramer()
    outputs = [framer.feed(bytes([byte])) for byte in APPENDIX_1062]
    assert all(output == [] for output in outputs[:-1])
    assert outputs[-1] == [APPENDIX_1062]
    assert framer.buffered == 0


def test_garbage_between_frames_is_reported_with_its_position():
    items = feed_all(APPENDIX_1062 + b"AT+CSQ\r\nOK" + APPENDIX_1011)
    assert frames_of(items) == [APPENDIX_1062, APPENDIX_1011]
    (error,) = errors_of(items)
    assert error.garbage == b"AT+CSQ\r\nOK" and error.position == len(APPENDIX_1062)


def test_whitespace_between_frames_is_skipped_silently():
    assert feed_all(b"\r\n" + APPENDIX_1062 + b"\r\n\r\n \x00" + APPENDIX_1011) == [
        APPENDIX_1062,
        APPENDIX_1011,
    ]


def test_lf_only_terminator_and_wrong_length_field():
    lf_only = air_frame(end=b"\n")
    wrong_length = air_frame(length=999)  # length field too large: the natural end decides
    items = feed_all(lf_only + wrong_length + APPENDIX_1011)
    assert frames_of(items) == [lf_only, wrong_length, APPENDIX_1011]
    assert decode(wrong_length, strict=False).warnings[0].kind == "length-mismatch"


def test_frame_without_terminator_followed_by_another():
    bare = APPENDIX_1062[:-2]
    assert feed_all(bare + APPENDIX_1011) == [bare, APPENDIX_1011]


def test_frame_without_terminator_released_by_flush():
    framer = StreamFramer()
    assert framer.feed(APPENDIX_1062[:-2]) == []
    assert framer.flush() == [APPENDIX_1062[:-2]]
    assert framer.buffered == 0


def test_truncated_frame_followed_by_a_complete_one():
    truncated = APPENDIX_1062[:40]
    items = feed_all(truncated + APPENDIX_1011)
    assert frames_of(items) == [APPENDIX_1011]
    assert errors_of(items)[0].garbage == truncated


def test_runs_of_hashes():
    items = feed_all(b"x#" + APPENDIX_1062 + b"#" + APPENDIX_1011)
    assert frames_of(items) == [APPENDIX_1062, APPENDIX_1011]
    assert b"".join(error.garbage for error in errors_of(items)) == b"x##"


def test_buffer_is_bounded():
    framer = StreamFramer(max_frame=200)
    items = framer.feed(b"##0100" + b"x" * 300)
    assert errors_of(items) and framer.buffered == 0
    assert framer.feed(APPENDIX_1011) == [APPENDIX_1011]


def test_stream_ending_inside_a_frame():
    items = feed_all(APPENDIX_1062 + APPENDIX_1011[:30])
    assert frames_of(items) == [APPENDIX_1062]
    assert errors_of(items)[0].garbage == APPENDIX_1011[:30]


def test_trailing_single_hash_waits_for_the_next_chunk():
    assert feed_all(APPENDIX_1062[:1], APPENDIX_1062[1:]) == [APPENDIX_1062]


# --- hostile input: linear work, bounded buffer (penetration test: 4 connections sending b"x##"
# for 10 s stalled the gateway for minutes; the framer searched its whole buffer on every read) ---

HOSTILE = {
    "x## in 3-byte reads": (b"x##", 3),
    "a frame start that never ends, in 1-byte reads": (b"##0100" + b"x" * 97, 1),
    "hashes only, in 2-byte reads": (b"##", 2),
    "starts with length fields and no end, in 7-byte reads": (b"##0099a", 7),
    "natural ends without frames, in 5-byte reads": (b"&&0000\n##1", 5),
    "line feeds and hashes, in 4-byte reads": (b"\n##9", 4),
}


def feed_hostile(pattern: bytes, read: int, total: int, framer: StreamFramer | None = None):
    framer = framer or StreamFramer()
    stream = (pattern * (total // len(pattern) + 1))[:total]
    most_held, items = 0, []
    for start in range(0, total, read):
        items.extend(framer.feed(stream[start : start + read]))
        most_held = max(most_held, framer.buffered)
    return framer, items, most_held


@pytest.mark.parametrize("pattern, read", HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_input_is_searched_once_and_held_within_one_frame(monkeypatch, pattern, read):
    searched = 0
    search = framing._search

    def counting(buffer, needle, start):
        nonlocal searched
        found = search(buffer, needle, start)
        matched = len(needle) if isinstance(needle, bytes) else 3  # b"##" or "##" and a digit
        searched += (found + matched if found >= 0 else len(buffer)) - start
        return found

    monkeypatch.setattr(framing, "_search", counting)
    total = 30_000
    framer, _, most_held = feed_hostile(pattern, read, total)
    assert most_held <= MAX_FRAME
    # a small constant per byte: each byte is looked at by the searches for "##", for line feeds and
    # for the next frame start, some once more where a search resumes (after a read, after a match)
    assert searched <= 5 * total
    assert framer.discarded <= total


def python_lines(function) -> int:
    """Lines of the framer module run by ``function()``: the framer's work in Python, untimed."""
    count = 0
    filename = framing.__file__

    def tracer(frame, event, arg):
        nonlocal count
        if frame.f_code.co_filename != filename:
            return None
        if event == "line":
            count += 1
        return tracer

    sys.settrace(tracer)
    try:
        function()
    finally:
        sys.settrace(None)
    return count


@pytest.mark.parametrize("pattern, read", HOSTILE.values(), ids=HOSTILE.keys())
def test_work_per_byte_of_hostile_input_is_bounded_whatever_the_buffer_size(pattern, read):
    total = 30_000
    work = python_lines(lambda: feed_hostile(pattern, read, total))
    assert work <= 60 * total  # about 50 lines per read of 1 byte, fewer per byte of longer reads
    large_buffer = StreamFramer(max_frame=8 * MAX_FRAME)
    assert python_lines(lambda: feed_hostile(pattern, read, total, large_buffer)) <= 1.25 * work


def test_garbage_of_one_read_is_one_item_with_its_size_and_a_sample():
    framer = StreamFramer()
    (error,) = framer.feed(b"x##" * 5000)
    assert error.size == 15_000 - 2 and error.position == 0  # the last "##" may start a frame
    assert error.garbage == (b"x##" * 5000)[:GARBAGE_SAMPLE]
    assert framer.discarded == 15_000 - 2 and framer.buffered == 2
    held, frame = framer.feed(APPENDIX_1011)
    assert held.garbage == b"##" and frame == APPENDIX_1011


def test_a_frame_longer_than_the_standard_allows_is_garbage():
    largest = make_frame(b"Q" * MAX_SEGMENT)
    assert len(largest) == MAX_FRAME and feed_all(largest) == [largest]
    too_long = make_frame(b"Q" * (MAX_SEGMENT + 1))
    items = feed_all(too_long + APPENDIX_1011)
    assert frames_of(items) == [APPENDIX_1011]
    assert sum(error.size for error in errors_of(items)) == len(too_long)


def test_frames_still_come_out_after_a_flood():
    framer, _, _ = feed_hostile(b"x##", 3, 30_000)
    assert frames_of(framer.feed(APPENDIX_1062 + APPENDIX_1011)) == [APPENDIX_1062, APPENDIX_1011]
    assert framer.feed(APPENDIX_1062) == [APPENDIX_1062] and framer.buffered == 0
