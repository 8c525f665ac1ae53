"""The base of every form, and helpers shared by every blueprint's forms.

Every form is a ``Form`` (a page form, with CSRF) or a ``SubForm`` (a row inside a ``FieldList``), never
a bare ``FlaskForm``/``wtforms.Form`` (``tests/web/test_inputs.py`` checks). Their ``Meta`` hardens each
field as it is bound, with the shared rules of ``competitions.domain.inputs``, so a new field on a new
form gets them without anyone remembering to:

* text fields (``StringField``, ``TextAreaField``, hidden fields): a control character is refused with a
  message naming the field (tab and line breaks are allowed in a text area); the text is stored in
  Unicode NFC. Password fields are left as typed (a password is a secret, not text to tidy).
* number fields (``IntegerField``, ``DecimalField``, ``FloatField``): what was typed must be ASCII digits
  with at most one decimal point and at most 15 digits, finite; whole numbers stay within a database
  INTEGER. The field's own ``NumberRange`` then gives its range. (WTForms reads ``1_0``, ``١٠``,
  ``1e400`` and ``Infinity`` as numbers.)
* date fields (``DateField``, ``DateTimeField``, ``DateTimeLocalField``): 1900-01-01 .. 2100-12-31.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import TypeVar

from flask import current_app, flash, has_request_context, request
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from flask_wtf.i18n import translations as _wtforms_translations
from wtforms import Form as WTForm
from wtforms.fields import (
    DateField,
    DateTimeField,
    DecimalField,
    FileField,
    FloatField,
    HiddenField,
    IntegerField,
    PasswordField,
    StringField,
    TextAreaField,
)
from wtforms.validators import StopValidation

from competitions.domain import inputs
from competitions.domain.errors import CompetitionError
from competitions.extensions import db
from competitions.i18n import error_message

T = TypeVar("T")


def _label(field) -> str:
    return str(field.label.text) if field.label and field.label.text else field.name


def _refuse(field, error: inputs.InputError):
    error.params["name"] = _label(field)
    raise StopValidation(error_message(error))


def check_text(form, field) -> None:
    """No control characters in a text field (line breaks allowed in a text area)."""
    value = field.raw_data[0] if field.raw_data else field.data
    if isinstance(value, str):
        try:
            inputs.clean_text(value, field=field.name, multiline=isinstance(field, TextAreaField))
        except inputs.InputError as error:
            field.errors[:] = []   # one clear message, not "required" on top
            _refuse(field, error)


def person_name(form, field) -> None:
    """A person's full name follows the one name rule (``inputs.person_name``); the field keeps it as stored."""
    if isinstance(field.data, str) and field.data.strip():
        try:
            field.data = inputs.person_name(field.data, field=field.name)
        except inputs.InputError as error:
            field.errors[:] = []
            _refuse(field, error)


def check_number(form, field) -> None:
    """What was typed is a plain, bounded, finite number (the field's NumberRange checks the range)."""
    if not field.raw_data or not str(field.raw_data[0]).strip():
        return
    whole = isinstance(field, IntegerField)
    try:
        if whole:
            inputs.parse_int(field.raw_data[0], field=field.name, minimum=-inputs.MAX_ID, maximum=inputs.MAX_ID)
        else:
            inputs.parse_decimal(field.raw_data[0], field=field.name)
    except inputs.InputError as error:
        field.errors[:] = []
        _refuse(field, error)


def two_decimals(form, field) -> None:
    """At most two decimals, as a Numeric(8, 2) column keeps them (0.001 would be stored as 0.00)."""
    if field.raw_data and str(field.raw_data[0]).strip():
        try:
            inputs.parse_decimal(field.raw_data[0], field=field.name, places=2)
        except inputs.InputError as error:
            field.errors[:] = []
            _refuse(field, error)


def check_date(form, field) -> None:
    """A date between 1900 and 2100."""
    if field.data is not None and not field.process_errors:
        try:
            inputs.check_date_in_range(field.data, field=field.name)
        except inputs.InputError as error:
            _refuse(field, error)


def nfc(value):
    """Unicode NFC for text (a filter: runs when the form reads the request)."""
    if isinstance(value, str) and not inputs.bad_characters(value, multiline=True):
        return inputs.clean_text(value, multiline=True)
    return value


# Pages whose upload takes less than UPLOAD_MAX_BYTES (endpoint -> bytes), e.g. the seal image: the file input,
# the request cap (web.BoundedRequest) and the 413 page all state that page's own limit, never the global one.
UPLOAD_LIMITS: dict[str, int] = {}


def upload_limit(endpoint: str | None = None) -> int:
    """The upload limit in bytes of ``endpoint`` (default: the current request's page)."""
    configured = int(current_app.config.get("UPLOAD_MAX_BYTES") or 0)
    if endpoint is None and has_request_context():
        endpoint = request.endpoint
    own = UPLOAD_LIMITS.get(endpoint or "")
    return min(own, configured) if own and configured else (own or configured)


def too_large_message(limit: int | None = None) -> str:
    """What a page says about a file above the upload limit (the 413 handler and the file input say the same)."""
    limit = max((upload_limit() if limit is None else limit) // (1024 * 1024), 1)
    return _("The file is too large: at most %(limit)d MB can be uploaded. Nothing was saved. Split the "
             "file or remove what is not needed, and upload it again.", limit=limit)


def harden(field):
    """Give a bound field the shared input rules for its kind (see the module docstring)."""
    if isinstance(field, PasswordField):
        return field
    if isinstance(field, FileField):   # the browser refuses a file above the limit before sending it
        field.render_kw = {**(field.render_kw or {}), "data-max-bytes": upload_limit(),
                           "data-too-large": too_large_message()}
        return field
    if isinstance(field, StringField):
        field.validators = [check_text, *field.validators]
        field.filters = [nfc, *field.filters]
    elif isinstance(field, (IntegerField, DecimalField, FloatField)):
        field.validators = [check_number, *field.validators]
    elif isinstance(field, (DateField, DateTimeField)):   # DateTimeLocalField is a DateTimeField
        field.validators = [check_date, *field.validators]
    return field


class _HardenedMeta:
    def bind_field(self, form, unbound_field, options):
        return harden(super().bind_field(form, unbound_field, options))


class Form(FlaskForm):
    """The base of every page form: CSRF (Flask-WTF) and the shared input rules."""

    class Meta(_HardenedMeta, FlaskForm.Meta):
        pass


class SubForm(WTForm):
    """The base of a row form inside a ``FieldList`` (no CSRF of its own), with the shared input rules.

    A plain ``wtforms.Form`` has no translations, so a row of a FieldList said
    "This field is required." on a Chinese page while its parent form, a
    FlaskForm, said 该字段是必填字段。 This Meta uses Flask-WTF's translations.
    """

    class Meta(_HardenedMeta, WTForm.Meta):
        def get_translations(self, form):
            """Flask-WTF's translations of WTForms' messages, for the request's locale."""
            return _wtforms_translations


def flash_form_errors(form, *, missing: dict[str, str] | None = None) -> None:
    """Flash why a small action form was refused, naming the exact fault of each field.

    ``missing`` gives a friendlier sentence for a field left empty ("Give the
    reason for ..."); any other fault (too long, a choice the form never
    offered, an expired form) is flashed as it is, with the field's label, so a
    forged decision or an over-long reason is never answered "give a reason".
    """
    said = []
    for name, errors in form.errors.items():
        field = getattr(form, name, None)
        empty = field is not None and not (field.raw_data and str(field.raw_data[0]).strip())
        if missing and name in missing and empty:
            said.append(missing[name])
            continue
        said += [f"{_label(field)}: {message}" if field is not None and name != "csrf_token" else str(message)
                 for message in errors]
    for message in dict.fromkeys(said):
        flash(message, "error")


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


# ---- optimistic version check for set-up forms ----------------------------------------------------------

def row_version(row) -> str:
    """A short digest of every stored column of ``row`` (a model instance, saved or not): what a set-up form
    was shown for. Any change by anyone since (a rename, a new headcount, a save that touched ``updated_at``)
    gives another digest, so no version column is needed. A list or tuple of rows (an event's marking scheme:
    the event, its parts and criteria) gives one digest of them all, a row added or removed included."""
    if isinstance(row, list | tuple):
        return hashlib.sha256("|".join(row_version(r) for r in row).encode()).hexdigest()[:20]
    values = tuple((column.key, repr(getattr(row, column.key, None))) for column in row.__table__.columns)
    return hashlib.sha256(repr(values).encode()).hexdigest()[:20]


class VersionedForm(Form):
    """A page form for editing one stored record, carrying the record's ``row_version`` in a hidden field.

    The page fills it with ``form.show_version(row)``; on saving, ``form.changed_meanwhile(row)`` refuses a
    form opened before a colleague's change ("changed by someone else; reload"), so a stale form never
    silently overwrites it. A request without the field (the JSON API, the command line) is not checked."""

    version = HiddenField()

    def show_version(self, row) -> None:
        """Fill the hidden field with the record's current version (when the page is first shown)."""
        self.version.data = row_version(row)

    def changed_meanwhile(self, row) -> bool:
        """True, with a flashed message, when the record changed after this form was shown; nothing is saved."""
        seen = (self.version.data or "").strip()
        if not seen or seen == row_version(row):
            return False
        flash(_("This was changed by someone else after you opened the page; nothing was saved. Reload the "
                "page to see the change, then make yours again."), "error")
        return True
