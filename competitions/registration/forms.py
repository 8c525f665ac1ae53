"""Forms of the registration pages (shape only; the rules live in services and the domain)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, DateField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from competitions.forms import Form, person_name
from competitions.labels import choices


def _level_choices() -> list[tuple[str, str]]:
    return [("", "—")] + [(str(k), str(v)) for k, v in choices("skill_level")]


class SelfRegistrationForm(Form):
    """A worker confirms their personal details for one event."""

    name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=100), person_name])
    national_id = StringField(_l("National ID number"), validators=[DataRequired(), Length(max=30)])
    gender = SelectField(_l("Gender"), validators=[DataRequired()])
    birth_date = DateField(_l("Date of birth"), validators=[DataRequired(message=_l(
        "Enter the date of birth as YYYY-MM-DD."))])
    phone = StringField(_l("Phone"), validators=[DataRequired(), Length(max=30),
                                                 Regexp(r"^[0-9+\- ]{6,30}$",
                                                        message=_l("Enter a phone number (digits only)."))])
    employer_id = SelectField(_l("Employer"), coerce=int)
    skill_level = SelectField(_l("Current skill level"), validators=[Optional()])
    certificate_no = StringField(_l("Certificate number"), validators=[Optional(), Length(max=50)])
    is_student = BooleanField(_l("I am a student of a vocational school"))
    team_name = StringField(_l("Team name"), validators=[Optional(), Length(max=100)])
    check = SubmitField(_l("Check eligibility"))
    submit = SubmitField(_l("Register"))

    def __init__(self, *args, employer_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.gender.choices = [("", "—")] + choices("gender")
        self.employer_id.choices = [(0, "—")] + list(employer_choices)
        self.skill_level.choices = _level_choices()


class DecisionForm(Form):
    """Approve or reject the selected registrations, with a reason the worker sees."""

    reason = TextAreaField(_l("Reason (the worker sees it)"), validators=[Optional(), Length(max=500)])


class RosterForm(Form):
    """Upload a filled roster for one event."""

    event_id = SelectField(_l("Event"), coerce=int)
    file = FileField(_l("Roster file (.xlsx or .csv)"), validators=[FileRequired()])
    submit = SubmitField(_l("Check and import"))

    def __init__(self, *args, event_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.event_id.choices = list(event_choices)


class RedrawForm(Form):
    """Draw stations (again: an administrator, with a reason)."""

    reason = StringField(_l("Reason for drawing again"), validators=[Optional(), Length(max=500)])
    submit = SubmitField(_l("Draw stations and codes"))
