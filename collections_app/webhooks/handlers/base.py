from __future__ import annotations


class Ignored(Exception):
    """Nothing to do (unknown message, unknown sender): the row is processed with this note."""
