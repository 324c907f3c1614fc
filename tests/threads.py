"""Running the same code in several threads at once, as several workers would."""

import threading

from django.db import connection


def in_threads(target, n: int = 2) -> list:
    """Run `target` in n threads released together; each uses (and closes) its own connection.
    Returns each thread's result; an exception in any thread fails the caller."""
    barrier = threading.Barrier(n)
    results, errors = [None] * n, []

    def body(i):
        try:
            barrier.wait(timeout=10)
            results[i] = target()
        except Exception as exc:  # reported below, not swallowed
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=body, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors, errors
    return results
