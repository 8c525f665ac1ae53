"""The life of a competition, as the organizing committee runs it.

A competition is drafted, opened for registration, closed (registration ends,
stations are drawn), held (in progress: judges score), has results (public
notice, appeals, then final) and is finally archived. Registration may be
reopened while the contest has not started; a draft that never opens may be
archived directly: the contest is called off (已取消), and because nobody
registered, judged or was ranked in it, calling it off can be undone — it goes
back to draft (review M11). A competition archived after its results stays
archived. Nothing goes backwards once judging has begun, because marks and
results depend on the roster.

The statuses follow the work, not the other way round: the first step of
judging (a submitted sheet, a sign-off, computing results) moves a closed
competition on to "in progress" by itself, and the page offers the next step
of the real flow first (``targets_in_order``). A single event that cannot be
held is cancelled (取消, with a reason) at any status before results; a
cancelled event, or one nobody was approved for, never holds up the others.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from competitions.domain.errors import N_, InvalidState


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
    Status.ARCHIVED: frozenset({Status.DRAFT}),  # only a contest called off as a draft (``called_off``)
}


# The next step of the real flow, offered first on the competition's page.
NEXT_STEP: dict[Status, Status] = {
    Status.DRAFT: Status.OPEN,
    Status.OPEN: Status.CLOSED,
    Status.CLOSED: Status.IN_PROGRESS,
    Status.IN_PROGRESS: Status.RESULTS,
    Status.RESULTS: Status.ARCHIVED,
}

# Statuses at which judging may have begun (marks exist or may exist): nothing goes back before them.
JUDGING_STATUSES = frozenset({Status.IN_PROGRESS, Status.RESULTS, Status.ARCHIVED})


@dataclass(frozen=True)
class ReadinessFacts:
    """What the transition rules need to know about a competition."""

    event_count: int
    events_without_valid_scheme: tuple[str, ...] = ()
    has_registration_window: bool = True
    judging_begun: bool = False
    called_off: bool = False  # archived straight from a draft: never opened, nothing depends on it


def allowed_targets(current: Status, *, called_off: bool = False) -> frozenset[Status]:
    """The statuses a competition in ``current`` may move to (archived goes back to draft only if ``called_off``)."""
    targets = ALLOWED_TRANSITIONS[Status(current)]
    if Status(current) is Status.ARCHIVED and not called_off:
        return frozenset()
    return targets


def targets_in_order(current: str, *, called_off: bool = False) -> list[Status]:
    """The allowed targets of ``current``, the next step of the real flow first, then the others in life order."""
    order = list(Status)
    targets = sorted(allowed_targets(Status(current), called_off=called_off), key=order.index)
    step = NEXT_STEP.get(Status(current))
    if step in targets:
        targets.remove(step)
        targets.insert(0, step)
    return targets


def judging_has_begun(status: str, *, marks_entered: bool) -> bool:
    """Whether judging has begun: the competition is in progress or later, or any mark has been entered."""
    return marks_entered or Status(status) in JUDGING_STATUSES


def event_cancel_refusal(status: str, *, results_computed: bool, already_cancelled: bool) -> tuple[str, dict] | None:
    """Why an event cannot be cancelled now, or None: results are out (or archived), or it is cancelled already.

    Returns a (message, params) pair, the message in English and marked for translation.
    """
    if already_cancelled:
        return N_("This event has already been cancelled."), {}
    if results_computed or Status(status) in (Status.RESULTS, Status.ARCHIVED):
        return N_("Results have been published; an event can no longer be cancelled."), {}
    return None


def check_transition(current: str, target: str, facts: ReadinessFacts) -> Status:
    """Return the target status when the move is allowed; raise InvalidState saying why not.

    Opening registration needs at least one event, a marking scheme that
    passes validation on every event, and a registration window.
    """
    current_status, target_status = Status(current), Status(target)
    if current_status is Status.ARCHIVED and target_status is Status.DRAFT and not facts.called_off:
        raise InvalidState("Only a competition called off before it opened can go back to draft.")
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
        if facts.judging_begun:
            raise InvalidState("Judges have already entered marks; registration cannot be reopened.")
    return target_status
