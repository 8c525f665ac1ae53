"""The one error hierarchy of the application.

Domain functions and services raise these; the web layer maps them centrally to
a flash message or a JSON error (``competitions/errors.py``), the CLI to a
non-zero exit. Messages are English source strings that the web layer passes
through gettext, so they reach the user in the user's language; ``params`` are
interpolated after translation.
"""

from __future__ import annotations

from dataclasses import dataclass


def N_(message: str) -> str:
    """Mark an English message for translation without translating it here (the web layer does)."""
    return message


@dataclass(frozen=True)
class Code:
    """A stored code used as a message parameter ("first", "approved"): shown to people by its label.

    The domain stays free of translations; ``competitions.i18n.translate``
    replaces it with ``label(kind, value)`` in the reader's language. Printed as
    is (logs, the command line), it is the code itself.
    """

    kind: str
    value: object

    def __str__(self) -> str:
        return str(self.value)


@dataclass(frozen=True)
class Phrase:
    """A whole translatable message used as a parameter of another ("A05 at station 5: <what is wrong>").

    ``competitions.i18n.translate`` translates it (with its own ``params``) in
    the reader's language before filling it into the outer message; printed
    as is (logs, the command line), it is the English message filled in.
    """

    message: str
    params: dict

    def __str__(self) -> str:
        try:
            return self.message % self.params
        except (KeyError, ValueError, TypeError):
            return self.message


class CompetitionError(Exception):
    """Base class: something the user asked for cannot be done."""

    http_status = 400
    code = "error"

    def __init__(self, message: str, *, field: str | None = None, **params: object) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.params = params

    def __str__(self) -> str:
        try:
            return self.message % {"field": self.field or "", **self.params}
        except (KeyError, ValueError, TypeError):
            return self.message


class NotAllowed(CompetitionError):
    """The user may not do this (role, ownership, recusal)."""

    http_status = 403
    code = "not_allowed"


class NotFound(CompetitionError):
    """The thing asked for does not exist (or is not visible to the user)."""

    http_status = 404
    code = "not_found"


class RuleViolation(CompetitionError):
    """The input breaks a rule of the competition (weights, eligibility, range)."""

    http_status = 422
    code = "rule_violation"


class InvalidState(CompetitionError):
    """The thing is in a state that does not allow this (closed, locked, published)."""

    http_status = 409
    code = "invalid_state"


class Conflict(CompetitionError):
    """Someone else changed the thing first (stale version, duplicate)."""

    http_status = 409
    code = "conflict"


class ReadingTaken(CompetitionError):
    """A measured criterion already holds all its readings: another judge's reading is refused, never stored."""

    http_status = 409
    code = "reading_taken"


class AbsentFromPart(InvalidState):
    """The competitor was recorded absent (缺考) from the criterion's part: a mark there is refused, never stored."""

    code = "absent_from_part"


class ValidationErrors(RuleViolation):
    """Several problems found at once, e.g. every bad row of a spreadsheet.

    ``problems`` is a list of dicts; each has at least ``message`` (an English
    source string) and may have ``row``, ``column``, ``value``, ``field`` and
    ``params``.
    """

    def __init__(self, problems: list[dict], message: str = N_("The input has %(count)d problem(s).")) -> None:
        super().__init__(message, count=len(problems))
        self.problems = problems
