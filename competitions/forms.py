"""Helpers shared by every blueprint's forms."""

from __future__ import annotations

from competitions.domain.errors import CompetitionError
from competitions.i18n import error_message


def add_form_error(form, error: CompetitionError, default: str) -> None:
    """Show a service's error on the field it names, or on ``default`` when the form has no such field."""
    field = getattr(form, error.field, None) if error.field else None
    if field is None or not hasattr(field, "errors"):
        field = getattr(form, default)
    field.errors = list(field.errors) + [error_message(error)]
