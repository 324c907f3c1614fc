"""Reading and validating a portfolio file in a process of its own, while this one writes.

Parsing a row (lender/records.py: phone numbers, amounts, dates) costs about as much Python as
writing it, and Python runs one thread at a time: in one process a 2-core machine uses one core.
So the import forks a reader: it parses the file, computes the records' digests, and hands
whole chunks to the writer through a bounded queue; the writer upserts them in file order,
exactly as if it had parsed them itself (the same chunks, the same positions, the same rejected
rows). The queue holds at most `QUEUE_CHUNKS` chunks, so memory stays flat however far ahead the
reader could run.

The reader never touches the database: it is forked after everything it needs was read (the
jurisdictions), it leaves the inherited connection alone and ends with `os._exit` (multiprocessing's
fork start), so nothing closes that connection under the writer. `IMPORT_PARSE_PROCESS = False`
turns it off; a small file (under `IMPORT_PARSE_PROCESS_MIN_BYTES`) is parsed inline, as is
every file where a process cannot be started (a daemonic worker process).
"""

from __future__ import annotations

import gc
import logging
import multiprocessing
import queue
import signal
import traceback
from collections.abc import Callable, Iterator
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

# Chunks parsed ahead of the writer: enough to cover a slow chunk, few enough to stay small
# (a chunk of 1,000 rows pickled is about 1 MB).
QUEUE_CHUNKS = 4
_DONE = "done"
_CHUNK = "chunk"
_FAILED = "failed"
_ERROR = "error"


def parse_process_wanted(remaining_bytes: int | None) -> bool:
    """Whether to parse in a separate process: on unless turned off, for files big enough to
    be worth a process (the fork and the pickling cost more than a small file's parse)."""
    if not getattr(settings, "IMPORT_PARSE_PROCESS", True):
        return False
    minimum = getattr(settings, "IMPORT_PARSE_PROCESS_MIN_BYTES", 4 << 20)
    return remaining_bytes is None or remaining_bytes >= minimum


def _produce(make_chunks: Callable[[], Iterator[Any]], out: Any) -> None:
    """The reader: every chunk into the queue, then the end (or what stopped it)."""
    # A worker's own SIGTERM handler (Celery's) is not the reader's: terminate() ends it.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    try:
        for chunk in make_chunks():
            out.put((_CHUNK, chunk))
        out.put((_DONE, None))
    except Exception as exc:  # every failure goes to the writer, which raises it
        try:
            out.put((_FAILED, exc))
        except Exception:  # an exception that does not pickle: its text then
            out.put((_ERROR, traceback.format_exc()))
    out.close()
    out.join_thread()


class ParseProcessError(RuntimeError):
    """The reader process failed in a way that is not the file's (its traceback is the text)."""


def chunks_in_process(make_chunks: Callable[[], Iterator[Any]]) -> Iterator[Any] | None:
    """The chunks `make_chunks()` yields, produced in a forked process; None when no process
    can be started here (the caller then parses inline). An exception raised by the reader (a
    `FileProblem`) is raised here, where the chunk it stopped at would have been."""
    try:
        context = multiprocessing.get_context("fork")
        chunks: Any = context.Queue(maxsize=QUEUE_CHUNKS)
        # What the writer has set up stays out of every collection from here on (in both
        # processes: fewer objects to scan, and the reader does not copy their pages).
        gc.freeze()
        reader = context.Process(
            target=_produce, args=(make_chunks, chunks), name="import-parse", daemon=True
        )
        reader.start()
    except (AssertionError, OSError, ValueError) as exc:
        # "daemonic processes are not allowed to have children", or no fork on this platform.
        gc.unfreeze()
        logger.info("import parses inline: %s", exc)
        return None
    return _consume(reader, chunks)


def _consume(reader: Any, chunks: Any) -> Iterator[Any]:
    try:
        while True:
            try:
                kind, value = chunks.get(timeout=5)
            except queue.Empty:
                if not reader.is_alive():
                    raise ParseProcessError(
                        _("the import's parse process ended (exit code %(code)s)")
                        % {"code": reader.exitcode}
                    ) from None
                continue
            if kind == _CHUNK:
                yield value
            elif kind == _DONE:
                return
            elif kind == _FAILED:
                raise value
            else:
                raise ParseProcessError(value)
    finally:
        # Stopped early too (a claim lost, a database error, the caller done with us): the
        # reader may be blocked on a full queue; end it.
        if reader.is_alive():
            reader.terminate()
        reader.join(timeout=10)
        if reader.is_alive():
            reader.kill()
            reader.join(timeout=10)
        chunks.close()
        chunks.cancel_join_thread()
        gc.unfreeze()
