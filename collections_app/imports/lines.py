"""Reading an uploaded file line by line, from a byte offset, with the line numbers a person sees
in their editor. Pure: a binary file object in, `Line`s out; nothing is kept but the line in hand,
so a file of any size reads in constant memory.

Each line is decoded on its own: a line that is not UTF-8 is reported (its number) and the rest of
the file still reads, where decoding the whole stream would stop at the first bad byte. A line
longer than `max_bytes` (a file with no line breaks, a runaway quote in a spreadsheet export) is
not kept either: it is skipped to its end and reported, so one bad line cannot fill the memory.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

# Longer than any row a lender's export has (a borrower with a dozen contact points is ~2 KB).
MAX_LINE_BYTES = 1 << 20


@dataclass(frozen=True, slots=True)
class Line:
    number: int  # 1-based, counted from the start of the file
    end: int  # the byte offset just after this line: where reading resumes
    # With its line break (a CSV field quoted across lines keeps it); "" when the line is
    # unreadable (see `problem`).
    text: str
    problem: str = ""  # "not_utf8" or "too_long"


def read_lines(
    stream: BinaryIO,
    *,
    offset: int = 0,
    first_number: int = 1,
    max_bytes: int = MAX_LINE_BYTES,
) -> Iterator[Line]:
    """The lines of `stream` from byte `offset` on, numbered from `first_number` (the number of
    the line that starts at `offset`). A leading UTF-8 byte order mark (Excel writes one) is
    dropped. A stream that cannot seek (a pipe) is read from where it is, taken as `offset`."""
    if stream.seekable():
        stream.seek(offset)
    position = offset
    number = first_number
    while True:
        raw = stream.readline(max_bytes + 1)
        if not raw:
            return
        problem = ""
        if len(raw) > max_bytes and not raw.endswith(b"\n"):
            # Skip the rest of this line without keeping it.
            while raw and not raw.endswith(b"\n"):
                position += len(raw)
                raw = stream.readline(max_bytes + 1)
            position += len(raw)
            yield Line(number, position, "", "too_long")
            number += 1
            continue
        start, position = position, position + len(raw)
        if start == 0 and raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            text, problem = "", "not_utf8"
        yield Line(number, position, text, problem)
        number += 1
