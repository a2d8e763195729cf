"""The errors the job layer raises; `core.cli` turns them into one line on stderr."""

from __future__ import annotations


class JobError(Exception):
    """A job cannot be declared, dispatched or found; the message says what to change."""


class JobArgumentError(JobError, TypeError):
    """An argument a queue cannot carry: raised at `dispatch`, so the worker never meets it."""
