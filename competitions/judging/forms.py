"""Forms of the judging pages (shape only; the rules live in the services and the domain)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DecimalField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from competitions.forms import Form


def _optional_int(value):
    return int(value) if value not in (None, "", "None") else None


class AssignmentForm(Form):
    """The organizer assigns a judge to the event, to one criterion, or names the chief judge."""

    user_id = SelectField(_l("Judge"), coerce=int, validators=[InputRequired()])
    criterion_id = SelectField(_l("Criterion"), coerce=_optional_int, validators=[Optional()])
    is_chief = BooleanField(_l("Chief judge of this event"))

    def __init__(self, *args, judge_choices=(), criterion_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.user_id.choices = list(judge_choices)
        self.criterion_id.choices = [("", _l("All criteria"))] + list(criterion_choices)


class ConflictForm(Form):
    """A declared conflict of interest between a judge and a competitor."""

    judge_id = SelectField(_l("Judge"), coerce=int, validators=[InputRequired()])
    registration_id = SelectField(_l("Competitor"), coerce=int, validators=[InputRequired()])
    reason = StringField(_l("Reason"), validators=[Optional(), Length(max=500)])

    def __init__(self, *args, judge_choices=(), competitor_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.judge_id.choices = list(judge_choices)
        self.registration_id.choices = list(competitor_choices)


class OwnConflictForm(Form):
    """A judge declares a conflict with the competitor at one station."""

    registration_id = IntegerField(validators=[InputRequired()])
    reason = StringField(_l("Reason"), validators=[Optional(), Length(max=500)])


class OverrideForm(ConflictForm):
    """The chief judge lifts one recusal, with a written reason."""

    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=500)])


class WrittenReasonForm(Form):
    """An action that needs a written reason: reopen a signed-off event, restore a recusal."""

    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=500)])


class ThresholdForm(Form):
    """How far a mark may lie from the rest of its panel before it is flagged."""

    mode = SelectField(_l("Threshold in"), choices=[("percent", _l("% of the criterion's maximum")),
                                                    ("points", _l("points"))])
    amount = DecimalField(_l("Threshold"), places=None, validators=[InputRequired(), NumberRange(min=0, max=1000)])

    def validate_amount(self, field) -> None:
        """A percentage is at most 100."""
        if self.mode.data == "percent" and field.data is not None and field.data > 100:
            raise ValidationError(_l("A percentage is at most 100."))


class LockedMarkForm(Form):
    """The chief judge changes a mark (after sign-off with a written reason)."""

    registration_id = SelectField(_l("Competitor"), coerce=int, validators=[InputRequired()])
    criterion_id = SelectField(_l("Criterion"), coerce=int, validators=[InputRequired()])
    judge_id = SelectField(_l("Judge"), coerce=int, validators=[InputRequired()])
    value = StringField(_l("Mark"), validators=[DataRequired(), Length(max=20)])
    version = IntegerField(validators=[Optional()])
    idempotency_key = StringField(validators=[DataRequired(), Length(max=40)])
    reason = TextAreaField(_l("Reason"), validators=[Optional(), Length(max=500)])


class ReasonForm(Form):
    """A plain action with an optional reason (reopen a sheet, sign off)."""

    judge_id = IntegerField(validators=[Optional()])
    reason = StringField(_l("Reason"), validators=[Optional(), Length(max=500)])


class PanelChangeForm(Form):
    """The chief judge moves a judge's assignment to other criteria, or ends it, with a reason."""

    judge_id = SelectField(_l("Judge"), coerce=int, validators=[InputRequired()])
    scope = RadioField(_l("New assignment"), choices=[("all", _l("All criteria")), ("some", _l("Only these criteria")),
                                                     ("end", _l("End the assignment"))], default="some",
                       validators=[InputRequired()])
    criterion_ids = SelectMultipleField(_l("Criteria"), coerce=int, validators=[Optional()])
    marks = RadioField(_l("Marks already entered outside the new assignment"),
                       choices=[("keep", _l("Keep them (they still count)")), ("void", _l("Void them"))],
                       default="keep", validators=[InputRequired()])
    reason = StringField(_l("Reason"), validators=[DataRequired(), Length(max=500)])

    def __init__(self, *args, judge_choices=(), criterion_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.judge_id.choices = list(judge_choices)
        self.criterion_ids.choices = list(criterion_choices)

    def new_share(self) -> list[int] | None:
        """The judge's new criteria: None for all, [] to end, else the chosen ones."""
        return {"all": None, "end": []}.get(self.scope.data, list(self.criterion_ids.data or []))


class CorrectionDecisionForm(Form):
    """The chief judge accepts a late correction (an optional note) or declines it (a reason the judge reads)."""

    reason = StringField(_l("Reason"), validators=[Optional(), Length(max=500)])


class ReadingDecisionForm(Form):
    """The chief judge settles a disagreement: keep one judge's reading ("<judge id>") or "remeasure", with a reason."""

    registration_id = IntegerField(validators=[InputRequired()])
    criterion_id = IntegerField(validators=[InputRequired()])
    decision = StringField(_l("Decision"), validators=[DataRequired(), Length(max=20)])
    reason = StringField(_l("Reason"), validators=[DataRequired(), Length(max=500)])

    def keep_judge_id(self) -> int | None:
        """The judge whose reading is kept, or None for a re-measure (ValueError for anything else)."""
        if self.decision.data == "remeasure":
            return None
        return int(self.decision.data)
