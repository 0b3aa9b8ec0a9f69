"""StreamFramer: frames out of a TCP byte stream."""

from lantian.hj212 import FramingError, StreamFramer, decode

from .frames import APPENDIX_1011, APPENDIX_1062, air_frame


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
