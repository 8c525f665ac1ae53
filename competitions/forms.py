"""Helpers shared by every blueprint's forms."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask import flash
from flask_wtf.i18n import translations as _wtforms_translations
from wtforms import Form

from competitions.domain.errors import CompetitionError
from competitions.extensions import db
from competitions.i18n import error_message

T = TypeVar("T")


class SubForm(Form):
    """A form nested in another (FormField rows): WTForms' own messages in the reader's language too.

    A plain ``wtforms.Form`` has no translations, so a row of a FieldList said
    "This field is required." on a Chinese page while its parent form, a
    FlaskForm, said 该字段是必填字段。 This Meta uses Flask-WTF's translations.
    """

    class Meta:
        def get_translations(self, form):
            """Flask-WTF's translations of WTForms' messages, for the request's locale."""
            return _wtforms_translations


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
