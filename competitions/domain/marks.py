"""Entering and changing a mark: value rules, lock rules and concurrent edits.

Value: a mark is a number from 0 to the criterion's maximum, a multiple of the
criterion's step (many practical criteria are marked in half points), with at
most two decimals (``points.has_at_most_two_places``).

Who may write, and when (the score sheet's life on the workshop floor):

* open sheet — the judge enters and corrects their own marks freely; the chief
  judge may also write (their own marks, or a paper sheet transcribed after a
  tablet failed);
* submitted sheet — nobody writes on it; the chief judge reopens it
  (``check_can_reopen_sheet``) and the judge corrects it, so every pre-sign-off
  mark stays the judge's own;
* signed-off (locked) event — only the chief judge changes a mark, and must
  write down why (an appeal upheld, a transcription error found); the judging
  service records the reason in the audit log.

Concurrent edits: tablets on unreliable Wi-Fi retry and queue writes offline, so
each write carries a client-generated UUID (idempotency key) and the version of
the mark the client last saw. A retry is applied once; a write based on an old
version never silently overwrites a newer mark (optimistic concurrency).
"""

from __future__ import annotations

import unicodedata
import uuid
from collections.abc import Collection
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from competitions.domain.errors import Conflict, InvalidState, NotAllowed, RuleViolation
from competitions.domain.points import ZERO, has_at_most_two_places, parse_points

# Counted in display width, so "录入错误" (typing error) is long enough while "typo" is not.
MIN_REASON_WIDTH = 5


class MarkActor(StrEnum):
    """The actor's role for one mark: the mark's own judge or the event's chief judge."""

    JUDGE = "judge"
    CHIEF_JUDGE = "chief_judge"


@dataclass(frozen=True)
class Mark:
    """One judge's mark for one competitor on one criterion."""

    judge_id: int
    competitor_id: int
    criterion_id: int
    value: Decimal


def validate_mark_value(
    value: str | float | Decimal, max_mark: Decimal, step: Decimal | None = None
) -> Decimal:
    """The mark as a Decimal, or RuleViolation saying exactly what is wrong with it.

    ``step`` None (or zero) means any value with two decimals is allowed.
    """
    if isinstance(value, str) and not value.strip():
        raise RuleViolation("Enter a mark.", field="value")
    points = parse_points(value)
    if points is None:
        raise RuleViolation("%(value)s is not a number.", field="value", value=str(value).strip())
    if not has_at_most_two_places(points):
        raise RuleViolation("%(value)s has more than two decimal places.", field="value", value=points)
    if points < ZERO:
        raise RuleViolation("%(value)s is negative; a mark cannot be below 0.", field="value", value=points)
    if points > max_mark:
        raise RuleViolation(
            "%(value)s is above the maximum of %(max)s.", field="value", value=points, max=max_mark
        )
    if step and points % step != ZERO:
        raise RuleViolation(
            "%(value)s is not a multiple of %(step)s; this criterion is marked in steps of %(step)s.",
            field="value",
            value=points,
            step=step,
        )
    # "-0" parses, and must not be stored or shown with its sign.
    return points.copy_abs() if points.is_zero() else points


def reason_width(reason: str) -> int:
    """Display width of a reason: a CJK character counts twice, as it carries a word's meaning."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in reason.strip())


def check_reason(reason: str | None) -> str:
    """The stripped reason for changing a locked mark, or RuleViolation when it is missing or too short."""
    text = (reason or "").strip()
    if not text:
        raise RuleViolation("Give a reason for changing a signed-off mark.", field="reason")
    if reason_width(text) < MIN_REASON_WIDTH:
        raise RuleViolation(
            "The reason is too short (at least %(min)d characters); "
            "say what was wrong and why the mark changes.",
            field="reason",
            min=MIN_REASON_WIDTH,
        )
    return text


def check_can_write_mark(
    actor_role: str, sheet_submitted: bool, event_locked: bool, reason: str | None = None
) -> None:
    """Raise when ``actor_role`` may not create or change a mark in this state; return None when they may.

    ``actor_role`` is the actor's role for this mark ("judge" for the mark's own
    judge, "chief_judge" for the event's chief judge); any other role may never
    write. ``reason`` matters only once the event is locked.
    """
    if actor_role not in (MarkActor.JUDGE, MarkActor.CHIEF_JUDGE):
        raise NotAllowed("Only the judge or the chief judge of this event can enter marks.")
    if event_locked:
        if actor_role != MarkActor.CHIEF_JUDGE:
            raise NotAllowed("The event has been signed off; only the chief judge can change its marks.")
        check_reason(reason)
        return
    if sheet_submitted:
        raise InvalidState(
            "This score sheet has been submitted; the chief judge must reopen it before a mark changes."
        )


def check_can_reopen_sheet(actor_role: str, event_locked: bool) -> None:
    """Raise unless the chief judge reopens a submitted sheet of an event not yet signed off."""
    if actor_role != MarkActor.CHIEF_JUDGE:
        raise NotAllowed("Only the chief judge can reopen a submitted score sheet.")
    if event_locked:
        raise InvalidState(
            "The event has been signed off; change single marks with a reason instead of reopening a sheet."
        )


def check_idempotency_key(key: str) -> str:
    """The key in canonical lower-case form, or RuleViolation unless it is a hyphenated UUID."""
    text = key.strip().lower() if isinstance(key, str) else ""
    try:
        parsed = uuid.UUID(text)
    except ValueError:
        parsed = None
    # uuid.UUID also accepts braces, URNs and bare hex; a client that sends those is not ours.
    if parsed is None or str(parsed) != text or parsed.int == 0:
        raise RuleViolation("%(key)s is not a valid request id (a UUID).", field="idempotency_key", key=key)
    return text


class WriteAction(StrEnum):
    """What the service must do with an incoming mark write."""

    CREATE = "create"
    UPDATE = "update"
    REPLAY = "replay"
    UNCHANGED = "unchanged"


@dataclass(frozen=True)
class StoredMark:
    """A mark as stored: its value, its version (1 for a new mark) and the keys of writes applied to it."""

    value: Decimal
    version: int
    applied_keys: frozenset[str] = frozenset()


@dataclass(frozen=True)
class MarkWrite:
    """A write from a tablet: the new value, the version the client last saw (None for new), its UUID."""

    value: Decimal
    base_version: int | None
    idempotency_key: str


@dataclass(frozen=True)
class WriteDecision:
    """The outcome of a write and the value and version the mark has afterwards."""

    action: WriteAction
    value: Decimal
    version: int


def resolve_write(existing: StoredMark | None, incoming: MarkWrite) -> WriteDecision:
    """Decide how ``incoming`` applies to ``existing``, or raise Conflict.

    * a key already applied is a retry: REPLAY, nothing changes;
    * no stored mark and no base version: CREATE at version 1;
    * base version equal to the stored one: UPDATE to version + 1 (UNCHANGED
      when the value is the same, so a re-save does not bump the version);
    * an older base version: Conflict when the stored value differs, so an older
      edit never overwrites a newer one; UNCHANGED when it already matches;
    * a base version the server never issued: Conflict (the client must reload).
    """
    key = check_idempotency_key(incoming.idempotency_key)
    base = incoming.base_version
    if base is not None and base < 1:
        raise RuleViolation("Mark versions start at 1; got %(version)s.", field="version", version=base)
    if existing is None:
        if base is not None:
            raise Conflict("This mark no longer exists; reload the score sheet.", field="value")
        return WriteDecision(WriteAction.CREATE, incoming.value, 1)
    if key in existing.applied_keys:
        return WriteDecision(WriteAction.REPLAY, existing.value, existing.version)
    if base is not None and base > existing.version:
        raise _conflict(existing)
    if incoming.value == existing.value:
        return WriteDecision(WriteAction.UNCHANGED, existing.value, existing.version)
    if base != existing.version:
        raise _conflict(existing)
    return WriteDecision(WriteAction.UPDATE, incoming.value, existing.version + 1)


def _conflict(existing: StoredMark) -> Conflict:
    """The Conflict raised for a stale write, carrying the stored value so the tablet can show it."""
    return Conflict(
        "This mark was changed to %(current)s (version %(version)d) since you loaded it; "
        "check it and enter your mark again if it should change.",
        field="value",
        current=existing.value,
        version=existing.version,
    )


def apply_write(existing: StoredMark | None, incoming: MarkWrite) -> StoredMark:
    """The stored mark after ``incoming`` is applied (raises as ``resolve_write`` does).

    The key of every accepted write is remembered, also when nothing changed, so
    a later retry of it is recognised as a replay.
    """
    decision = resolve_write(existing, incoming)
    keys: Collection[str] = existing.applied_keys if existing else frozenset()
    key = check_idempotency_key(incoming.idempotency_key)
    return StoredMark(decision.value, decision.version, frozenset(keys) | {key})
