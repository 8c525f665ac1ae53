"""The life of a competition, as the organizing committee runs it.

A competition is drafted, opened for registration, closed (registration ends,
stations are drawn), held (in progress: judges score), has results (public
notice, appeals, then final) and is finally archived. Registration may be
reopened while the contest has not started; a draft that never opens may be
archived directly (a cancelled contest). Nothing goes backwards once judging
has begun, because marks and results depend on the roster.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from competitions.domain.errors import InvalidState


class Status(StrEnum):
    """Where a competition stands."""

    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"
    IN_PROGRESS = "in_progress"
    RESULTS = "results"
    ARCHIVED = "archived"


ALLOWED_TRANSITIONS: dict[Status, frozenset[Status]] = {
    Status.DRAFT: frozenset({Status.OPEN, Status.ARCHIVED}),
    Status.OPEN: frozenset({Status.CLOSED}),
    Status.CLOSED: frozenset({Status.OPEN, Status.IN_PROGRESS}),
    Status.IN_PROGRESS: frozenset({Status.RESULTS}),
    Status.RESULTS: frozenset({Status.ARCHIVED}),
    Status.ARCHIVED: frozenset(),
}


@dataclass(frozen=True)
class ReadinessFacts:
    """What the transition rules need to know about a competition."""

    event_count: int
    events_without_valid_scheme: tuple[str, ...] = ()
    has_registration_window: bool = True


def allowed_targets(current: Status) -> frozenset[Status]:
    """The statuses a competition in ``current`` may move to."""
    return ALLOWED_TRANSITIONS[Status(current)]


def check_transition(current: str, target: str, facts: ReadinessFacts) -> Status:
    """Return the target status when the move is allowed; raise InvalidState saying why not.

    Opening registration needs at least one event, a marking scheme that
    passes validation on every event, and a registration window.
    """
    current_status, target_status = Status(current), Status(target)
    if target_status not in ALLOWED_TRANSITIONS[current_status]:
        raise InvalidState(
            "A competition that is %(current)s cannot be moved to %(target)s.",
            current=current_status.value,
            target=target_status.value,
        )
    if target_status is Status.OPEN:
        if facts.event_count == 0:
            raise InvalidState("Add at least one event before opening registration.")
        if facts.events_without_valid_scheme:
            raise InvalidState(
                "These events need a complete marking scheme first: %(events)s.",
                events=", ".join(facts.events_without_valid_scheme),
            )
        if not facts.has_registration_window:
            raise InvalidState("Set the registration window before opening registration.")
    return target_status
