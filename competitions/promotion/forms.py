"""Forms of the promotion stage (shape only; the rules of a valid rule set live in ``domain.promotion``).

The rule form reads like a published rule: *in these competitions and events,
competitors selected by ... who meet ... receive ...* — see
``templates/promotion/rule_form.html``.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    FieldList,
    FormField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from competitions.domain import promotion_rule_sets as documents
from competitions.domain.inputs import trade_code
from competitions.forms import Form, SubForm
from competitions.labels import choices

OUTCOME_ROWS = 3




class MultiCheckboxField(SelectMultipleField):
    """Several choices as checkboxes (no choice = any)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _blank(label_text, pairs):
    return [("", label_text), *pairs]


class OutcomeForm(SubForm):
    """One outcome row: what is given, which level (and cap) or title, automatic or subject to review."""

    kind = SelectField(_l("Outcome"), choices=[], validate_choice=False)
    level = SelectField(_l("Level"), choices=[], validate_choice=False)
    cap = SelectField(_l("No higher than"), choices=[], validate_choice=False)
    title = StringField(_l("Title or nomination"), validators=[Length(max=200)])
    review = SelectField(_l("Given"), choices=[("0", _l("automatically")), ("1", _l("subject to review"))],
                         validate_choice=False)


class RuleForm(Form):
    """One rule of a rule set."""

    key = StringField(_l("Key"), validators=[DataRequired(), Length(max=40)])
    name = StringField(_l("Name as published"), validators=[DataRequired(), Length(max=200)])
    levels = MultiCheckboxField(_l("Competition level"), choices=[])
    classes = MultiCheckboxField(_l("Class"), choices=[])
    kinds = MultiCheckboxField(_l("Kind"), choices=[])
    groups = MultiCheckboxField(_l("Group"), choices=[])
    trades = StringField(_l("Trade codes (comma separated; empty: every trade)"), validators=[Length(max=500)])
    selection_kind = SelectField(_l("Selected by"), choices=[])
    rank_from = IntegerField(_l("From place"), default=1, validators=[Optional(), NumberRange(min=-9999, max=99999)])
    rank_to = IntegerField(_l("To place"), validators=[Optional(), NumberRange(min=-9999, max=99999)])
    fraction = StringField(_l("Fraction (0 to 1, e.g. 0.5 for half)"), validators=[Length(max=20)])
    fraction_of = SelectField(_l("of the"), choices=[])
    rounding = SelectField(_l("rounded"), choices=[])
    prizes = MultiCheckboxField(_l("Prizes"), choices=[])
    min_score = StringField(_l("Score at least"), validators=[Length(max=20)])
    passed_every_part = BooleanField(_l("passed every part"))
    min_total = StringField(_l("Total at least"), validators=[Length(max=20)])
    level_relation = SelectField(_l("Current level"), choices=[])
    level = SelectField(_l("Level"), choices=[], validate_choice=False)
    min_age = IntegerField(_l("Aged at least"), validators=[Optional(), NumberRange(min=0, max=150)])
    max_age = IntegerField(_l("Aged at most"), validators=[Optional(), NumberRange(min=0, max=150)])
    person = SelectField(_l("Who"), choices=[])
    once_per_year = BooleanField(_l("only one competition promotion per person per calendar year"))
    outcomes = FieldList(FormField(OutcomeForm), min_entries=OUTCOME_ROWS, max_entries=OUTCOME_ROWS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        levels = choices("promotion_level")
        self.levels.choices = choices("level")
        self.classes.choices = choices("class")
        self.kinds.choices = choices("kind")
        self.groups.choices = choices("group")
        self.selection_kind.choices = choices("selection_kind")
        self.fraction_of.choices = choices("fraction_of")
        self.rounding.choices = choices("rounding")
        self.prizes.choices = choices("prize")
        self.level_relation.choices = _blank(_l("any"), choices("level_relation"))
        self.level.choices = _blank("—", levels)
        self.person.choices = choices("person")
        for row in self.outcomes:
            row.kind.choices = _blank("—", choices("outcome_kind"))
            row.level.choices = _blank("—", levels)
            row.cap.choices = _blank("—", levels)

    def load(self, rule: dict) -> None:
        """Fill the form from a rule as a document's dict (``domain.promotion.rule_to_dict``)."""
        scope, sel, cond = rule["scope"], rule["selection"], rule["conditions"]
        self.key.data, self.name.data = rule["key"], rule["name"]
        self.levels.data, self.classes.data = scope["levels"], scope["classes"]
        self.kinds.data, self.groups.data = scope["kinds"], scope["groups"]
        self.trades.data = ", ".join(scope["trades"])
        self.selection_kind.data = sel["kind"]
        self.rank_from.data, self.rank_to.data = sel["rank_from"], sel["rank_to"]
        self.fraction.data, self.fraction_of.data = sel["fraction"] or "", sel["fraction_of"]
        self.rounding.data, self.prizes.data = sel["rounding"], sel["prizes"]
        self.min_score.data = sel["min_score"] or ""
        self.passed_every_part.data, self.min_total.data = cond["passed_every_part"], cond["min_total"] or ""
        self.level_relation.data, self.level.data = cond["level_relation"] or "", cond["level"] or ""
        self.min_age.data, self.max_age.data = cond["min_age"], cond["max_age"]
        self.person.data, self.once_per_year.data = cond["person"], cond["once_per_year"]
        for row, outcome in zip(self.outcomes, [*rule["outcomes"], *[None] * OUTCOME_ROWS], strict=False):
            if outcome:
                row.kind.data, row.level.data = outcome["kind"], outcome["level"] or ""
                row.cap.data, row.title.data = outcome["cap"] or "", outcome["title"]
                row.review.data = "1" if outcome["review"] else "0"

    def document(self) -> dict:
        """The rule as a document's dict, for ``domain.promotion.rule_from_dict`` to check."""
        def none(text):
            return (text or "").strip() or None

        outcomes = [{"kind": row.kind.data, "level": none(row.level.data), "cap": none(row.cap.data),
                     "title": row.title.data or "", "review": row.review.data == "1"}
                    for row in self.outcomes if row.kind.data]
        return {
            "key": (self.key.data or "").strip(), "name": self.name.data,
            "scope": {"levels": self.levels.data or [], "classes": self.classes.data or [],
                      "kinds": self.kinds.data or [], "groups": self.groups.data or [],
                      "trades": [trade_code(t) for t in (self.trades.data or "").replace("，", ",").split(",")
                                 if t.strip()]},
            "selection": {"kind": self.selection_kind.data, "rank_from": self.rank_from.data,
                          "rank_to": self.rank_to.data, "fraction": none(self.fraction.data),
                          "fraction_of": self.fraction_of.data, "rounding": self.rounding.data,
                          "prizes": self.prizes.data or [], "min_score": none(self.min_score.data)},
            "conditions": {"passed_every_part": bool(self.passed_every_part.data),
                           "min_total": none(self.min_total.data),
                           "level_relation": none(self.level_relation.data), "level": none(self.level.data),
                           "min_age": self.min_age.data, "max_age": self.max_age.data, "person": self.person.data,
                           "once_per_year": bool(self.once_per_year.data)},
            "outcomes": outcomes,
        }


class RuleSetForm(Form):
    """A new rule set: a name, and optionally a national preset to start from."""

    name = StringField(_l("Rule set name"), validators=[Length(max=200)])
    preset = SelectField(_l("Start from"), choices=[])
    issuer = StringField(_l("Issuer"), validators=[Length(max=200)])
    description = TextAreaField(_l("Description"), validators=[Length(max=2000)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.preset.choices = [("", _l("an empty rule set")),
                               *[(code, maker().name) for code, maker in documents.PRESETS.items()]]


class ImportForm(Form):
    """A rule set file (JSON) to import."""

    file = FileField(_l("Rule set file (JSON)"), validators=[FileRequired()])


class AssignForm(Form):
    """The rule set a competition uses."""

    rule_set_id = SelectField(_l("Rule set"), choices=[], validate_choice=False)


class ReviewForm(Form):
    """Approve or reject the chosen flags with a reason."""

    decision = SelectField(_l("Decision"), choices=[("approve", _l("Approve")), ("reject", _l("Reject"))])
    reason = StringField(_l("Reason"), validators=[DataRequired(), Length(max=500)])
