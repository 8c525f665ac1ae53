"""Helpers shared by every blueprint's forms."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask import flash

from competitions.domain.errors import CompetitionError
from competitions.extensions import db
from competitions.i18n import error_message

T = TypeVar("T")


def add_form_error(form, error: CompetitionError, default: str) -> None:
    """Show a service's error on the field it names, or on ``default`` when the form has no such field."""
    field = getattr(form, error.field, None) if error.field else None
    if field is None or not hasattr(field, "errors"):
        field = getattr(form, default)
    field.errors = list(field.errors) + [error_message(error)]


def commit_or_form_error(form, operation: Callable[[], T], *, field: str, success: str) -> tuple[bool, T | None]:
    """Run one service call as the request's transaction: commit and say ``success``, or roll back and show why.

    The error goes on the field it names, or on ``field``. Returns whether it
    was saved, and what the service returned (the new object, for a redirect).
    """
    try:
        result = operation()
    except CompetitionError as error:
        db.session.rollback()
        add_form_error(form, error, field)
        return False, None
    db.session.commit()
    flash(success, "success")
    return True, result
