"""Forms for competitions, events and marking schemes (shape only; rules live in services and domain)."""

from __future__ import annotations

from decimal import Decimal

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    DecimalField,
    FieldList,
    FormField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, Regexp

from competitions.domain.inputs import trade_code
from competitions.forms import Form, SubForm, VersionedForm, two_decimals
from competitions.labels import choices


def trade_code_filter(value):
    """Fold a typed trade code before it is checked (full-width letters, lower case: ``inputs.trade_code``)."""
    return trade_code(value) if isinstance(value, str) else value


CODE_VALIDATORS = [
    DataRequired(),
    Length(max=20),
    Regexp(r"^[A-Za-z0-9_.-]+$", message=_l("Use letters, digits, '.', '-' or '_' only.")),
]


def _level_choices(blank: bool = True) -> list[tuple[str, str]]:
    out = [(str(k), str(v)) for k, v in choices("skill_level")]
    return ([("", "—")] if blank else []) + out


class CompetitionForm(VersionedForm):
    """A competition's identity, dates and registration window."""

    name = StringField(_l("Competition name"), validators=[DataRequired(), Length(max=200)])
    year = IntegerField(_l("Year"), validators=[InputRequired(), NumberRange(min=2000, max=2100)])
    level = SelectField(_l("Level"))
    competition_class = SelectField(_l("Class"))
    kind = SelectField(_l("Kind"))
    organization_id = SelectField(_l("Organizing organization"), coerce=int)
    starts_on = DateField(_l("First day"), validators=[InputRequired()])
    ends_on = DateField(_l("Last day"), validators=[InputRequired()])
    registration_opens_at = DateTimeLocalField(_l("Registration opens"), format="%Y-%m-%dT%H:%M",
                                               validators=[Optional()])
    registration_closes_at = DateTimeLocalField(_l("Registration closes"), format="%Y-%m-%dT%H:%M",
                                                validators=[Optional()])
    recuse_same_parent = BooleanField(_l("Judges also stand aside for competitors of the same parent organization"))
    online_appeals = BooleanField(_l("Competitors may lodge appeals online during the notice period"))
    description = TextAreaField(_l("Description"), validators=[Length(max=5000)])
    submit = SubmitField(_l("Save"))

    def __init__(self, *args, org_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.level.choices = choices("level")
        self.competition_class.choices = choices("class")
        self.kind.choices = choices("kind")
        self.organization_id.choices = list(org_choices)


class EventForm(VersionedForm):
    """One trade within a competition."""

    trade_name = StringField(_l("Trade"), validators=[DataRequired(), Length(max=100)])
    trade_code = StringField(_l("Trade code"), validators=CODE_VALIDATORS, filters=[trade_code_filter])
    group = SelectField(_l("Group"))
    target_level = SelectField(_l("Target skill level"), validators=[Optional()])
    required_level = SelectField(_l("Minimum current skill level"), validators=[Optional()])
    min_age = IntegerField(_l("Minimum age"), validators=[Optional(), NumberRange(min=14, max=80)])
    max_age = IntegerField(_l("Maximum age"), validators=[Optional(), NumberRange(min=14, max=80)])
    capacity = IntegerField(_l("Capacity"), validators=[InputRequired(), NumberRange(min=1, max=100000)])
    is_team = BooleanField(_l("Team event"))
    team_size = IntegerField(_l("Team size"), default=1, validators=[InputRequired(), NumberRange(min=1, max=20)])
    starts_on = DateField(_l("Contest day"), validators=[Optional()])
    ends_on = DateField(_l("Last contest day"), validators=[Optional()])
    submit = SubmitField(_l("Save"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.group.choices = choices("group")
        self.target_level.choices = _level_choices()
        self.required_level.choices = _level_choices()


class CopyCompetitionForm(Form):
    """Start next year's contest from this one."""

    name = StringField(_l("Name of the copy"), validators=[DataRequired(), Length(max=200)])
    year = IntegerField(_l("Year"), validators=[InputRequired(), NumberRange(min=2000, max=2100)])
    submit = SubmitField(_l("Copy"))


class CopyEventForm(Form):
    """Copy an event (with its marking scheme) into a competition."""

    competition_id = SelectField(_l("Into competition"), coerce=int)
    trade_code = StringField(_l("Trade code"), validators=CODE_VALIDATORS, filters=[trade_code_filter])
    group = SelectField(_l("Group"))
    submit = SubmitField(_l("Copy"))

    def __init__(self, *args, competition_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.competition_id.choices = list(competition_choices)
        self.group.choices = choices("group")


class PartForm(SubForm):
    """One row of the parts table."""

    code = StringField(_l("Part code"), validators=CODE_VALIDATORS)
    name = StringField(_l("Part"), validators=[DataRequired(), Length(max=100)])
    weight = DecimalField(_l("Weight (%)"), places=None, validators=[InputRequired(), NumberRange(min=0, max=100)])
    pass_mark = DecimalField(_l("Pass mark (of 100)"), places=None,
                             validators=[Optional(), two_decimals, NumberRange(min=0, max=100)])
    # A final round's part taken from the preliminary: the preliminary part's code (no criteria here).
    carried_from = StringField(_l("Carried from the preliminary's part"),
                               validators=[Optional(), Length(max=20), Regexp(r"^[A-Za-z0-9_.-]+$",
                                           message=_l("Use letters, digits, '.', '-' or '_' only."))])


class CriterionForm(SubForm):
    """One row of the criteria table."""

    part_code = StringField(_l("Part code"), validators=CODE_VALIDATORS)
    code = StringField(_l("Criterion code"), validators=CODE_VALIDATORS)
    name = StringField(_l("Criterion"), validators=[DataRequired(), Length(max=200)])
    max_mark = DecimalField(_l("Max mark"), places=None, validators=[InputRequired(), NumberRange(min=0, max=1000)])
    step = DecimalField(_l("Step"), places=None, default=Decimal("0.5"),
                        validators=[InputRequired(), NumberRange(min=0, max=100)])
    kind = SelectField(_l("Kind"))
    aggregation = SelectField(_l("Aggregation"))
    judges_required = IntegerField(_l("Judges"), default=1, validators=[InputRequired(), NumberRange(min=1, max=15)])
    reading_mode = SelectField(_l("Readings"), default="once",
                               choices=[("once", _l("Read once")), ("check", _l("Check reading"))])
    tolerance = DecimalField(_l("Tolerance"), places=None,
                             validators=[Optional(), two_decimals, NumberRange(min=0, max=1000)])
    check_counts = SelectField(_l("When they agree"), default="first",
                               choices=[("first", _l("The first reading counts")), ("mean", _l("The mean counts"))])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = choices("criterion_kind")
        self.aggregation.choices = choices("aggregation")


class SchemeForm(VersionedForm):
    """The whole marking scheme of an event: parts, criteria, tie-breaks and award rule."""

    parts = FieldList(FormField(PartForm), min_entries=1, max_entries=10)
    criteria = FieldList(FormField(CriterionForm), min_entries=1, max_entries=100)
    tie_break_1 = SelectField(_l("First tie-break"), validators=[Optional()])
    tie_break_2 = SelectField(_l("Second tie-break"), validators=[Optional()])
    tie_break_3 = SelectField(_l("Third tie-break"), validators=[Optional()])
    trim_min_judges = IntegerField(_l("Drop highest and lowest from a panel of at least"), default=5,
                                   validators=[InputRequired(), NumberRange(min=3, max=15)])
    pass_total = DecimalField(_l("Minimum total to pass"), places=None,
                              validators=[Optional(), two_decimals, NumberRange(min=0, max=100)])
    failed_placement = SelectField(_l("Those who did not pass"), default="ranked",
                                   choices=[("ranked", _l("Ranked among the others (no prize)")),
                                            ("after", _l("Listed after everyone who passed"))])
    precision = SelectField(_l("Decimals kept and published"), default="2", coerce=int,
                            choices=[(0, "0"), (1, "1"), (2, "2"), (3, "3")])
    rank_style = SelectField(_l("Places after a shared place"), default="standard",
                             choices=[("standard", _l("Standard: 1, 2, 2, 4")), ("dense", _l("Dense: 1, 2, 2, 3"))])
    absent_are_entrants = BooleanField(_l("Absent competitors count as entrants for prize proportions"))
    team_score = SelectField(_l("Team score"), default="mean",
                             choices=[("mean", _l("Mean of the members' totals")),
                                      ("sum", _l("Sum of the members' totals")),
                                      ("best", _l("Sum of the best members' totals"))])
    team_best = IntegerField(_l("Members whose results count"), validators=[Optional(), NumberRange(min=1, max=20)])
    team_tie_break_1 = SelectField(_l("First team tie-break"), validators=[Optional()])
    team_tie_break_2 = SelectField(_l("Second team tie-break"), validators=[Optional()])
    team_tie_mode = SelectField(_l("Teams still equal"), default="shared",
                                choices=[("shared", _l("Share the place")),
                                         ("no_tied_places", _l("No tied places where a prize depends on it"))])
    award_mode = SelectField(_l("How prizes are given"))
    award_first = DecimalField(_l("First prizes"), places=None, validators=[Optional(), NumberRange(min=0)])
    award_second = DecimalField(_l("Second prizes"), places=None, validators=[Optional(), NumberRange(min=0)])
    award_third = DecimalField(_l("Third prizes"), places=None, validators=[Optional(), NumberRange(min=0)])
    award_honourable = DecimalField(_l("Honourable mentions"), places=None, validators=[Optional(), NumberRange(min=0)])
    award_rounding = SelectField(_l("A share that is not a whole number of competitors"), default="down",
                                 choices=[("down", _l("Round down (no more than the share)")),
                                          ("up", _l("Round up (within the share, inclusive)")),
                                          ("nearest", _l("Round to the nearest (half up)"))])
    submit = SubmitField(_l("Save marking scheme"))

    def __init__(self, *args, tie_break_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        for field in (self.tie_break_1, self.tie_break_2, self.tie_break_3, self.team_tie_break_1,
                      self.team_tie_break_2):
            field.choices = [("", "—")] + list(tie_break_choices)
        self.award_mode.choices = choices("award_mode")
