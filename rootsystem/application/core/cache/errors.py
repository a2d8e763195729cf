"""The cache's own errors: a value it cannot store, a command given a bad option."""

from __future__ import annotations


class CacheError(Exception):
    """A cache operation the caller got wrong; the message is one line for the user."""


class CacheValueError(CacheError, TypeError):
    """A value that is not JSON data (a model instance, a set, an object)."""
