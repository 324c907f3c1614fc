"""Reading a file a line at a time: numbers and offsets a resumed import can carry on from, and
lines that cannot be read reported without stopping the rest."""

import io

from collections_app.imports.lines import read_lines


def test_lines_are_numbered_and_end_where_the_next_begins() -> None:
    data = b"first\nsecond\r\nthird"
    lines = list(read_lines(io.BytesIO(data)))
    assert [(line.number, line.text) for line in lines] == [
        (1, "first\n"),
        (2, "second\r\n"),
        (3, "third"),
    ]
    assert [line.end for line in lines] == [6, 14, 19]


def test_reading_from_a_line_end_gives_the_same_lines_as_reading_on() -> None:
    data = b"".join(f"line {n}\n".encode() for n in range(1, 11))
    whole = list(read_lines(io.BytesIO(data)))
    fourth = whole[3]
    resumed = list(read_lines(io.BytesIO(data), offset=fourth.end, first_number=5))
    assert resumed == whole[4:]


def test_a_byte_order_mark_is_dropped_from_the_first_line_only() -> None:
    data = b"\xef\xbb\xbfname\n\xef\xbb\xbfname\n"
    first, second = read_lines(io.BytesIO(data))
    assert first.text == "name\n"
    assert second.text == "\ufeffname\n"
    assert first.end == 8  # offsets count the mark: they are the file's bytes


def test_a_line_that_is_not_utf8_is_reported_and_the_next_lines_read() -> None:
    data = b"ok\n" + "Zoë\n".encode("latin-1") + "Zoë\n".encode()
    lines = list(read_lines(io.BytesIO(data)))
    assert [(line.number, line.problem, line.text) for line in lines] == [
        (1, "", "ok\n"),
        (2, "not_utf8", ""),
        (3, "", "Zoë\n"),
    ]


def test_a_line_longer_than_the_limit_is_skipped_whole_not_kept() -> None:
    data = b"short\n" + b"x" * 5000 + b"\nafter\n"
    lines = list(read_lines(io.BytesIO(data), max_bytes=1000))
    assert [(line.number, line.problem, line.text) for line in lines] == [
        (1, "", "short\n"),
        (2, "too_long", ""),
        (3, "", "after\n"),
    ]
    assert lines[1].end == 6 + 5001
