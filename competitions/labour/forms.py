"""Forms of the labour competition pages (shape only; the rules live in ``labour.setup``/``assessment``)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
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
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from competitions.forms import Form, VersionedForm, two_decimals
from competitions.labels import choices


def _optional_int(value):
    return int(value) if value not in (None, "", "None") else None


class UnitForm(VersionedForm):
    """A participating unit: code, name, kind, organization in the union tree, headcount."""

    code = StringField(_l("Unit code"), validators=[DataRequired(), Length(max=20)],
                       description=_l("Short and unique in this competition, e.g. S3 or 3标."))
    name = StringField(_l("Unit name"), validators=[DataRequired(), Length(max=200)])
    kind = SelectField(_l("Kind of unit"), validators=[InputRequired()])
    organization_id = SelectField(_l("Organization in the union tree"), coerce=_optional_int,
                                  validators=[Optional()])
    headcount = IntegerField(_l("Workers taking part"), default=0,
                             validators=[Optional(), NumberRange(min=0, max=100_000)])

    def __init__(self, *args, organization_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = choices("unit_kind")
        self.organization_id.choices = [("", _l("None (not in the tree)"))] + list(organization_choices)


class UnitImportForm(Form):
    """Units from a spreadsheet (.xlsx or .csv with the template's headers)."""

    file = FileField(_l("Units file (.xlsx or .csv)"), validators=[FileRequired()])


class MemberForm(Form):
    """A named member of a unit, found by national ID number."""

    national_id = StringField(_l("ID number"), validators=[DataRequired(), Length(max=18)])
    role = StringField(_l("Role in the unit"), validators=[Optional(), Length(max=50)],
                       description=_l("e.g. team leader, member"))


class ReasonForm(Form):
    """A reason for an action that needs one (withdraw, void, reopen, correct)."""

    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=500)])


class PlainForm(Form):
    """A button that only needs CSRF."""


class GenerateForm(Form):
    """Generate the periods from the competition's dates."""

    cadence = SelectField(_l("Periods by"), validators=[InputRequired()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.cadence.choices = [c for c in choices("cadence") if c[0] != "milestone"]


class PeriodForm(VersionedForm):
    """One period: name, kind, dates, weight in the cumulative standings."""

    name = StringField(_l("Period name"), validators=[DataRequired(), Length(max=100)],
                       description=_l("e.g. 2026-03, or the milestone: Station 3 topped out"))
    kind = SelectField(_l("Kind of period"), validators=[InputRequired()])
    starts_on = DateField(_l("First day"), validators=[InputRequired()])
    ends_on = DateField(_l("Last day"), validators=[InputRequired()])
    weight = DecimalField(_l("Weight in the cumulative standings"), default=1, places=3,
                          validators=[InputRequired(), NumberRange(min=0.001, max=100)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = choices("cadence")


class SettingsForm(VersionedForm):
    """The scorecard's settings: its rules document, cadence, caps, how assessors combine (a stale form opened
    before a colleague's change is refused, like every set-up form)."""

    title = StringField(_l("Title of the assessment rules"), validators=[Optional(), Length(max=200)])
    document_ref = StringField(_l("Document reference"), validators=[Optional(), Length(max=200)])
    cadence = SelectField(_l("Assessed every"), validators=[InputRequired()])
    bonus_cap = DecimalField(_l("Bonus cap per period"), validators=[Optional(), two_decimals,
                                                                     NumberRange(min=0, max=1000)],
                             description=_l("Leave empty for no cap."))
    deduction_cap = DecimalField(_l("Deduction cap per period"), validators=[Optional(), two_decimals,
                                                                             NumberRange(min=0, max=1000)],
                                 description=_l("Leave empty for no cap."))
    aggregation = SelectField(_l("Several assessors on one indicator"), validators=[InputRequired()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.cadence.choices = choices("cadence")
        self.aggregation.choices = choices("labour_aggregation")


class GroupForm(VersionedForm):
    """An indicator group and the points that cap it."""

    code = StringField(_l("Group code"), validators=[DataRequired(), Length(max=20)])
    name = StringField(_l("Group name"), validators=[DataRequired(), Length(max=100)])
    max_points = DecimalField(_l("Points"), validators=[InputRequired(), two_decimals,
                                                        NumberRange(min=0.01, max=1000)])


class IndicatorForm(VersionedForm):
    """An indicator: judged (points in steps) or measured (a value, its range and the formula's figures)."""

    group_id = SelectField(_l("Indicator group"), coerce=int, validators=[InputRequired()])
    code = StringField(_l("Indicator code"), validators=[DataRequired(), Length(max=20)])
    name = StringField(_l("Indicator name"), validators=[DataRequired(), Length(max=200)])
    kind = SelectField(_l("Kind"), validators=[InputRequired()])
    max_points = DecimalField(_l("Points"), validators=[InputRequired(), two_decimals,
                                                        NumberRange(min=0.01, max=1000)])
    step = DecimalField(_l("Step"), default=0.5, validators=[InputRequired(), two_decimals,
                                                             NumberRange(min=0.01, max=1000)])
    unit_label = StringField(_l("Unit of the measured value"), validators=[Optional(), Length(max=20)],
                             description=_l("e.g. percent, days"))
    value_min = DecimalField(_l("Lowest value"), places=4, validators=[Optional()])
    value_max = DecimalField(_l("Highest value"), places=4, validators=[Optional()])
    formula_type = SelectField(_l("Formula"), validators=[Optional()])
    target = DecimalField(_l("Target value"), places=4, validators=[Optional()])
    base = DecimalField(_l("Points at the target"), places=4, validators=[Optional()])
    per_unit_above = DecimalField(_l("Points added per unit above the target"), places=4, validators=[Optional()])
    per_unit_below = DecimalField(_l("Points taken per unit below the target"), places=4, validators=[Optional()])
    from_value = DecimalField(_l("From value"), places=4, validators=[Optional()])
    from_points = DecimalField(_l("Points at the from value"), places=4, validators=[Optional()])
    to_value = DecimalField(_l("To value"), places=4, validators=[Optional()])
    to_points = DecimalField(_l("Points at the to value"), places=4, validators=[Optional()])
    bands = TextAreaField(_l("Bands, one per line"), validators=[Optional(), Length(max=2000)],
                          description=_l("In order, the first that applies counts: '>= 100 : 8', '>= 95 : 6', "
                                         "'<= 1 : 4'."))
    otherwise = DecimalField(_l("Points when no band applies"), places=4, validators=[Optional()])
    description = TextAreaField(_l("How it is assessed"), validators=[Optional(), Length(max=2000)])

    def __init__(self, *args, group_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.group_id.choices = list(group_choices)
        self.kind.choices = choices("indicator_kind")
        self.formula_type.choices = [("", "—")] + choices("formula_type")


class AssessorForm(Form):
    """An assessor's assignment: all or one group, all or one unit; the chief signs the periods off."""

    user_id = SelectField(_l("Assessor"), coerce=int, validators=[InputRequired()])
    group_id = SelectField(_l("Indicator group"), coerce=_optional_int, validators=[Optional()])
    unit_id = SelectField(_l("Unit"), coerce=_optional_int, validators=[Optional()])
    is_chief = BooleanField(_l("Chief assessor (closes and signs off the periods)"))

    def __init__(self, *args, user_choices=(), group_choices=(), unit_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.user_id.choices = list(user_choices)
        self.group_id.choices = [("", _l("All groups"))] + list(group_choices)
        self.unit_id.choices = [("", _l("All units"))] + list(unit_choices)


class AdjustmentForm(Form):
    """A bonus or deduction entry with its source and document."""

    unit_id = SelectField(_l("Unit"), coerce=int, validators=[InputRequired()])
    kind = SelectField(_l("Bonus or deduction"), validators=[InputRequired()])
    points = DecimalField(_l("Points"), validators=[InputRequired(), two_decimals, NumberRange(min=0.01, max=100)])
    source = SelectField(_l("Source"), validators=[Optional()])   # the service names a missing source
    issuer = StringField(_l("Issued by (office)"), validators=[Optional(), Length(max=200)],
                         description=_l("e.g. Line 7 owner's project office"))
    document_ref = StringField(_l("Document reference"), validators=[DataRequired(), Length(max=200)],
                               description=_l("The notice, letter or commendation, e.g. 监理通报〔2026〕12号"))
    reason = TextAreaField(_l("What it is for"), validators=[Optional(), Length(max=2000)])

    def __init__(self, *args, unit_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.unit_id.choices = list(unit_choices)
        self.kind.choices = choices("adjustment_kind")
        self.source.choices = [("", "—")] + choices("adjustment_source")


class VetoForm(Form):
    """A veto item (一票否决) with its reason and document."""

    unit_id = SelectField(_l("Unit"), coerce=int, validators=[InputRequired()])
    category = SelectField(_l("What happened"), validators=[InputRequired()])
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=2000)])
    document_ref = StringField(_l("Document reference"), validators=[DataRequired(), Length(max=200)],
                               description=_l("The accident report or notice, e.g. 安全事故快报〔2026〕1号"))
    occurred_on = DateField(_l("Date it happened"), validators=[Optional()])

    def __init__(self, *args, unit_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.unit_id.choices = list(unit_choices)
        self.category.choices = choices("veto_category")


class ScoreFormBase(Form):
    """The assessor's sheet for one unit: one field per indicator (added per page), and the reason a
    correction needs."""

    reason = TextAreaField(_l("Reason for the correction"), validators=[Optional(), Length(max=500)])


def score_form_class(indicators):
    """A form class with a value field ``i<id>`` and a version field ``v<id>`` per indicator."""
    fields = {}
    for indicator in indicators:
        fields[f"i{indicator.id}"] = StringField(indicator.name, validators=[Optional(), Length(max=30)])
        fields[f"v{indicator.id}"] = HiddenField()
    return type("ScoreForm", (ScoreFormBase,), fields)
