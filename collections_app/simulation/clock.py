"""The simulated clock: every `django.utils.timezone.now()` in the process returns sim time.

Model fields say `default=timezone.now`, which binds the function object at import, so patching
the module attribute would miss them. Swapping the function's code object instead reaches every
holder of that object. Only `timezone.now` moves: `time.time()` stays real (the payments webhook
checks its signature against real time) and `time.monotonic()` too (send deadlines).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

from django.utils import timezone

_original_code = timezone.now.__code__


def _sim_now():  # noqa: ANN202 - its code replaces timezone.now's, globals are that module's
    return _collections_sim_clock[0]  # noqa: F821 - defined in django.utils.timezone below


class SimClock:
    def __init__(self, start: dt.datetime) -> None:
        self._cell = [start]

    @property
    def now(self) -> dt.datetime:
        return self._cell[0]

    def set(self, when: dt.datetime) -> None:
        self._cell[0] = when


@contextmanager
def simulated_time(clock: SimClock) -> Iterator[SimClock]:
    """Install `clock` as the process's `timezone.now` for the duration of the block."""
    module_globals = timezone.now.__globals__
    module_globals["_collections_sim_clock"] = clock._cell
    timezone.now.__code__ = _sim_now.__code__
    try:
        yield clock
    finally:
        timezone.now.__code__ = _original_code
        module_globals.pop("_collections_sim_clock", None)
