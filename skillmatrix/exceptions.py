"""Refusals that services of any app raise, besides Django's ValidationError and PermissionDenied.

Kept here, outside the apps, so that every app may raise them (``skills`` never imports ``proposals``).
The API turns them into responses in one place: skillmatrix/exception_handlers.py.
"""

from collections.abc import Mapping, Sequence


class Conflict(Exception):
    """The request cannot be carried out in the current state of the data (HTTP 409).

    conflicts: dataclass instances naming what moved on (e.g. the cells changed since a proposal's base).
    details: more of the current state, JSON-ready, that the API answers beside them (e.g. what a proposal
    says now, when it changed since the reviewer read it).
    """

    def __init__(self, message: str, conflicts: Sequence = (), *, details: Mapping | None = None):
        super().__init__(message)
        self.message = message
        self.conflicts = list(conflicts)
        self.details = dict(details or {})


class RateLimited(Exception):
    """The member is at their write rate; they may write again in `wait` seconds (HTTP 429)."""

    def __init__(self, wait: float):
        super().__init__(f"Over the write rate: wait {wait:.0f} s.")
        self.wait = wait
