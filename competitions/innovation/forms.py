"""Forms of the innovation pages (shape only; the rules live in ``domain.innovation`` and services)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import DateField, DecimalField, HiddenField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from competitions.forms import Form, VersionedForm, two_decimals


class EntryForm(Form):
    """An entry as its lead fills it in on a phone."""

    event_id = SelectField(_l("Track"), coerce=int, validators=[DataRequired()])
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    category = SelectField(_l("Category"), validators=[DataRequired()])
    description = TextAreaField(_l("Description: the problem, what you changed, how it works"),
                                validators=[Optional(), Length(max=20000)])
    claimed_benefit_yuan = DecimalField(_l("Expected benefit (yuan per year)"), places=2,
                                        validators=[Optional(), two_decimals, NumberRange(min=0)])
    claimed_benefit_text = TextAreaField(_l("Benefit in words (safety, quality, time saved ...)"),
                                         validators=[Optional(), Length(max=2000)])
    team_name = StringField(_l("Team name (optional)"), validators=[Optional(), Length(max=100)])
    member_names = TextAreaField(_l("Other team members: colleagues of your unit, one name per line (two with the "
                                    "same name: add the last four characters of the ID number)"),
                                 validators=[Optional(), Length(max=1000)])
    submit = SubmitField(_l("Save draft"))


class UploadForm(Form):
    """One file for an entry (PDF, PNG, JPEG, DOCX, XLSX or plain text)."""

    file = FileField(_l("File (PDF, PNG, JPEG, Word .docx, Excel .xlsx or text)"))
    submit = SubmitField(_l("Upload"))


class ActionForm(Form):
    """A button that moves the entry on (submit, pass, adopt ...), with a reason where one is needed."""

    action = HiddenField()
    reason = StringField(_l("Reason"), validators=[Optional(), Length(max=1000)])
    note = StringField(_l("Note"), validators=[Optional(), Length(max=1000)])
    submit = SubmitField(_l("Confirm"))


class ImplementForm(VersionedForm):
    """The implementation (实施) with the realized benefit and its evidence (a form opened before a colleague
    recorded or corrected it is refused, not saved over theirs)."""

    implemented_on = DateField(_l("Put into practice on"), validators=[DataRequired()])
    realized_benefit_yuan = DecimalField(_l("Realized benefit (yuan per year)"), places=2,
                                         validators=[Optional(), two_decimals, NumberRange(min=0)])
    realized_benefit_note = TextAreaField(_l("Realized benefit in words, and how it was measured"),
                                          validators=[Optional(), Length(max=2000)])
    evidence = FileField(_l("Evidence (e.g. the finance department's confirmation), optional"))
    submit = SubmitField(_l("Record implementation"))


class RecommendForm(Form):
    """Recommend the entry to the next level up."""

    to_organization_id = SelectField(_l("Recommend to"), coerce=int, validators=[DataRequired()])
    note = StringField(_l("Note"), validators=[Optional(), Length(max=1000)])
    submit = SubmitField(_l("Recommend"))
