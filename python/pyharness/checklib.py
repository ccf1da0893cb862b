"""Helpers that several exercises' checks share.

Checks import them (`from pyharness.checklib import CountingIterator`); they
run in the worker like the rest of a check and only shape observations.
"""

from __future__ import annotations

from typing import Any, Iterable, Iterator

import _pyharness


class RateLimitError(Exception):
    """The fake server's concurrency cap was exceeded (HTTP 429)."""

    status = 429


class CompletionError(Exception):
    """The fake model failed on this prompt (HTTP 500)."""

    status = 500


# What an asyncio submission may legitimately let escape, observed by type
# name: the fake server's 429 and 500 answers, and a check's own timeout.
# Anything else is a bug in the submission and propagates, so the report
# shows its traceback.
OBSERVED_ERRORS = (RateLimitError, CompletionError, TimeoutError)


# The laziness checks hand this iterator to the submission: its count is a
# read-only C member of a final type (see embed.c), not an attribute the
# submission could rewrite.
CountingIterator = _pyharness.CountingIterator


def observable(exc: BaseException) -> bool:
    """True for an exception a check records instead of letting it propagate."""
    if isinstance(exc, OBSERVED_ERRORS):
        return True
    # A TaskGroup wraps failures in an ExceptionGroup.
    return isinstance(exc, ExceptionGroup) and exc.subgroup(OBSERVED_ERRORS) is exc


def exception_name(exc: BaseException) -> str:
    """The type name, with the members of an ExceptionGroup, sorted."""
    if isinstance(exc, ExceptionGroup):
        inner = ", ".join(sorted({exception_name(e) for e in exc.exceptions}))
        return f"{type(exc).__name__}[{inner}]"
    return type(exc).__name__
