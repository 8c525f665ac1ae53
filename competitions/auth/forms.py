"""Forms for logging in, changing passwords and administering users (shape only; rules live in services)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, PasswordField, SelectField, SelectMultipleField, StringField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length, Optional, Regexp
from wtforms.widgets import CheckboxInput, ListWidget

from competitions.forms import Form
from competitions.labels import choices


class MultiCheckboxField(SelectMultipleField):
    """A multiple choice shown as checkboxes (easier to tap than a multi-select)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class LoginForm(Form):
    """Username and password."""

    username = StringField(_l("Username"), validators=[DataRequired(), Length(max=80)])
    password = PasswordField(_l("Password"), validators=[DataRequired()])
    remember = BooleanField(_l("Keep me logged in on this device"))
    submit = SubmitField(_l("Log in"))


class ChangePasswordForm(Form):
    """A user's own password change."""

    current_password = PasswordField(_l("Current password"), validators=[DataRequired()])
    new_password = PasswordField(_l("New password"), validators=[DataRequired(), Length(min=8, max=128)])
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[DataRequired(), EqualTo("new_password", message=_l("The two new passwords differ."))],
    )
    submit = SubmitField(_l("Change password"))


class JudgeAccountForm(Form):
    """An organizer creating a judge's account in their organization."""

    username = StringField(
        _l("Username"),
        validators=[DataRequired(), Length(min=3, max=80),
                    Regexp(r"^[A-Za-z0-9_.-]+$", message=_l("Use letters, digits, '.', '-' or '_' only."))],
    )
    display_name = StringField(_l("Name"), validators=[DataRequired(), Length(max=100)])
    organization_id = SelectField(_l("Organization"), coerce=int, validators=[DataRequired()])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(min=8, max=128)])
    submit = SubmitField(_l("Create judge account"))

    def __init__(self, *args, org_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.organization_id.choices = list(org_choices)


class UserForm(Form):
    """An admin creating or editing an account."""

    username = StringField(
        _l("Username"),
        validators=[DataRequired(), Length(min=3, max=80),
                    Regexp(r"^[A-Za-z0-9_.-]+$", message=_l("Use letters, digits, '.', '-' or '_' only."))],
    )
    display_name = StringField(_l("Name"), validators=[DataRequired(), Length(max=100)])
    organization_id = SelectField(_l("Organization"), coerce=int, validators=[Optional()])
    roles = MultiCheckboxField(_l("Roles"))
    password = PasswordField(_l("Password"), validators=[Optional(), Length(min=8, max=128)])
    active = BooleanField(_l("Active"), default=True)
    submit = SubmitField(_l("Save"))

    def __init__(self, *args, org_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.roles.choices = choices("role")
        self.organization_id.choices = [(0, "—")] + list(org_choices)
