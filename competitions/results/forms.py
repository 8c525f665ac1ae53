"""Forms of the results stage (shape only; rules live in services)."""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from competitions.domain.inputs import parse_id
from competitions.forms import Form
from competitions.results.services import DEFAULT_NOTICE_DAYS, MAX_NOTICE_DAYS

TIME_PATTERN = re.compile(r"^\s*([0-9]{1,3})\s*[:：]\s*([0-5]?[0-9])\s*$")
MAX_TIME_USED_MINUTES = 999   # a practical task runs for hours, never for days


def parse_time_used(text: str | None) -> int | None:
    """'85:30' -> 5130 seconds; '' -> None; a bare number is minutes (ASCII digits, at most 999)."""
    text = (text or "").strip()
    if not text:
        return None
    if re.fullmatch(r"[0-9]{1,3}", text):
        return int(text) * 60
    match = TIME_PATTERN.match(text)
    if not match:
        raise ValueError(text)
    return int(match.group(1)) * 60 + int(match.group(2))


def _time_used_valid(form, field) -> None:
    try:
        parse_time_used(field.data)
    except ValueError:
        raise ValidationError(_l("Write the time used as minutes:seconds, e.g. 85:30.")) from None


def _an_id(form, field) -> None:
    if parse_id(field.data) is None:
        raise ValidationError(_l("Choose a competitor from the list."))


class AdjustmentForm(Form):
    """Time used, deduction and disqualification for one competitor."""

    registration_id = HiddenField(validators=[DataRequired(), _an_id])
    time_used = StringField(_l("Time used (min:s)"), validators=[Optional(), Length(max=10), _time_used_valid])
    deduction_points = DecimalField(_l("Deduction (points)"), places=2, default=0,
                                    validators=[Optional(), NumberRange(min=0, max=1000)])
    deduction_reason = StringField(_l("Reason for the deduction"), validators=[Length(max=500)])
    disqualified = BooleanField(_l("Disqualified (veto)"))
    disqualification_reason = StringField(_l("Reason for the disqualification"), validators=[Length(max=500)])
    absent = BooleanField(_l("Absent"))


class PartAbsenceForm(Form):
    """Absent (缺考) from one part: which competitor, which part, why (also used to withdraw it)."""

    registration_id = SelectField(_l("Competitor"), choices=[], validators=[DataRequired()])
    part = SelectField(_l("Part"), choices=[], validators=[DataRequired()])
    reason = StringField(_l("Reason"), validators=[DataRequired(), Length(max=500)])


class TieModeForm(Form):
    """Shared places or no tied places."""

    tie_mode = SelectField(_l("Exact ties"), choices=[])


class TieDecisionForm(Form):
    """The chief judge's order of one tied group, as anonymous codes best first."""

    order = StringField(_l("Order, best first (codes separated by commas)"),
                        validators=[DataRequired(), Length(max=500)])
    reason = StringField(_l("Reason"), validators=[DataRequired(), Length(max=500)])

    def codes(self) -> list[str]:
        """The codes typed, in order."""
        return [c.strip() for c in re.split(r"[,，\s]+", self.order.data or "") if c.strip()]


class PublishForm(Form):
    """How long the public notice runs."""

    notice_days = IntegerField(_l("Notice period (working days)"), default=DEFAULT_NOTICE_DAYS,
                               validators=[InputRequired(), NumberRange(min=1, max=MAX_NOTICE_DAYS)])


class AppealForm(Form):
    """An appeal: who, against which event (and competitor), about what."""

    event_id = SelectField(_l("Event"), coerce=int, choices=[])
    appellant = StringField(_l("Appellant"), validators=[DataRequired(), Length(max=200)])
    competitor_code = StringField(_l("Competitor code (optional)"), validators=[Optional(), Length(max=20)])
    subject = TextAreaField(_l("What the appeal is about"), validators=[DataRequired(), Length(max=2000)])


class OwnAppealForm(Form):
    """A worker's own appeal about their result: what and why."""

    subject = TextAreaField(_l("Your appeal: what and why"), validators=[DataRequired(), Length(max=2000)])


class AppealDecisionForm(Form):
    """Uphold or dismiss, with the reason."""

    decision = SelectField(_l("Decision"), choices=[("dismissed", _l("Dismiss")), ("upheld", _l("Uphold"))])
    reason = StringField(_l("Reason"), validators=[DataRequired(), Length(max=1000)])


class TeamAggregationForm(Form):
    """A team event's team score: the sum or the mean of the members' totals."""

    team_aggregation = SelectField(_l("Team score by"), choices=[("mean", _l("Mean of the members' totals")),
                                                             ("sum", _l("Sum of the members' totals"))])


class CalendarDayForm(Form):
    """An extra day off or make-up working day for the working-day calendar (administrator)."""

    day = DateField(_l("Date"), validators=[InputRequired()])
    kind = SelectField(_l("Kind of day"), choices=[("holiday", _l("Day off (statutory holiday)")),
                                                   ("workday", _l("Make-up working day"))])
    name = StringField(_l("Name of the day"), validators=[Optional(), Length(max=100)])


class CalendarRemoveForm(Form):
    """Remove a day from the administrator's table."""

    day = DateField(validators=[InputRequired()])
