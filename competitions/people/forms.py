"""Forms of the people pages (shape only; the rules live in ``people.services``)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from competitions.forms import Form, person_name


class PersonChangeForm(Form):
    """An organizer changes a person's name, employer or ID number, with a reason."""

    name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=100), person_name])
    employer_id = SelectField(_l("Employer"), coerce=int)
    national_id = StringField(_l("Corrected ID number (leave empty to keep it)"), validators=[Optional(),
                                                                                          Length(max=30)])
    reason = TextAreaField(_l("Reason (kept in the person's history)"), validators=[DataRequired(),
                                                                                    Length(max=500)])
    submit = SubmitField(_l("Save the change"))

    def __init__(self, *args, employer_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.employer_id.choices = list(employer_choices)


class ReasonForm(Form):
    """A button that needs a reason (unlinking an account)."""

    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=500)])


class ClaimCodeForm(Form):
    """A worker enters their ID number and the claim code their organizer gave them."""

    national_id = StringField(_l("National ID number"), validators=[DataRequired(), Length(max=30)])
    code = StringField(_l("Claim code"), validators=[DataRequired(), Length(max=30)])
    claim = SubmitField(_l("Claim my record"))


class ClaimRequestForm(Form):
    """A worker asks the organizer of their employer to link their record to this account."""

    national_id = StringField(_l("National ID number"), validators=[DataRequired(), Length(max=30)])
    message = TextAreaField(_l("Message to the organizer (optional)"), validators=[Optional(), Length(max=500)])
    send = SubmitField(_l("Send the claim request"))


class ClaimDecisionForm(Form):
    """An organizer confirms or rejects a claim request."""

    decision = SelectField(_l("Decision"), choices=[("approve", _l("Confirm")), ("reject", _l("Reject the request"))])
    reason = TextAreaField(_l("Reason (the worker sees it)"), validators=[Optional(), Length(max=500)])
