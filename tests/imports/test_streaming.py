"""A file is read as a stream: 100,000 rows go through without the file, or its rows, ever being
held in memory (only the chunk in hand)."""

import gc
import io
from collections.abc import Iterator
from pathlib import Path

import pytest

from collections_app.imports.pipeline import chunks_of
from collections_app.imports.portfolio import portfolio_rows
from tests.imports.files import HEADER, row

ROWS = 100_000


class GeneratedFile(io.RawIOBase):
    """A file whose bytes are made as they are read: it exists nowhere whole."""

    def __init__(self, lines: Iterator[bytes]) -> None:
        self._lines = lines
        self._pending = b""
        self.size = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        while len(self._pending) < len(buffer):
            line = next(self._lines, None)
            if line is None:
                break
            self._pending += line
        n = min(len(buffer), len(self._pending))
        buffer[:n] = self._pending[:n]
        self._pending = self._pending[n:]
        self.size += n
        return n


def lines() -> Iterator[bytes]:
    yield (HEADER + "\n").encode()
    # Ten loans a borrower (the borrower is validated once for the ten: the test stays quick).
    for n in range(1, ROWS + 1):
        line = row(n, borrower=n // 10, phone1="555") if n % 1000 == 0 else row(n, n // 10)
        yield line.encode() + b"\n"


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads RSS from /proc")
def test_a_hundred_thousand_rows_stream_through_in_constant_memory() -> None:
    raw = GeneratedFile(lines())
    stream = io.BufferedReader(raw)
    rows = rejected = chunks = 0
    rss = {}
    for chunk in chunks_of(portfolio_rows(stream, format="csv"), size=1000):
        chunks += 1
        rows += chunk.size
        rejected += len(chunk.rejected)
        if chunks in (10, 100):
            gc.collect()
            rss[chunks] = rss_mb()

    assert (rows, rejected, chunks) == (ROWS, ROWS // 1000, ROWS // 1000)
    # Between the 10th and the last chunk 90,000 rows and over 20 MB of file went through;
    # holding them would take hundreds of MB (the lines alone 20). Memory stayed where it was.
    assert raw.size > 20_000_000
    assert rss[100] - rss[10] < 8, rss
