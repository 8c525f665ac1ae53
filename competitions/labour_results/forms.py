"""Forms of the labour publication side (shape only; ``rules.save_rules`` and the services check the rules)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DecimalField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from competitions.auth.forms import MultiCheckboxField
from competitions.forms import Form, VersionedForm, add_form_error
from competitions.labels import choices
from competitions.labour_results.labels import LABELS  # noqa: F401  (registers the families used below)


class SimpleForm(Form):
    """A button that only needs its CSRF token."""


class ReasonForm(Form):
    """A reason for unpublishing, correcting, withdrawing or rejecting (required unless ``require=False``)."""

    reason = TextAreaField(_l("Reason"), validators=[Length(max=1000)])

    def __init__(self, *args, require: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if require:
            self.reason.validators = [DataRequired(), Length(max=1000)]


UNIT_KIND_CHOICES = [("section", _l("Project section")), ("enterprise", _l("Enterprise")),
                     ("workshop", _l("Workshop")), ("team", _l("Work team"))]


class RulesForm(VersionedForm):
    """The publication rules of one labour competition."""

    tie_break = StringField(_l("Tie-breaks after the total"), validators=[Length(max=300)],
                            description=_l("Comma-separated, in order: deductions (fewer first), bonus (more first),"
                                           " group:CODE (a higher subtotal first)."))
    veto_placement = SelectField(_l("Vetoed units"))
    flag_on_tie = SelectField(_l("Red flag when the top is tied"))
    flag_min_total = DecimalField(_l("Minimum total for the red flag"), places=2,
                                  validators=[Optional(), NumberRange(min=0, max=1000)])
    rewards = StringField(_l("Rewards by place (yuan)"), validators=[Length(max=500)],
                          description=_l("Comma-separated, 1st place first, e.g. 5000, 3000, 2000."))
    last_place_penalty = DecimalField(_l("Last-place penalty (yuan)"), places=2, default=0,
                                      validators=[Optional(), NumberRange(min=0, max=99999999)])
    veto_money = SelectField(_l("Money for vetoed units"))
    veto_penalty = DecimalField(_l("Veto penalty (yuan)"), places=2, default=0,
                                validators=[Optional(), NumberRange(min=0, max=99999999)])
    money_ties = SelectField(_l("Money for tied units"))
    combine = SelectField(_l("Cumulative standing"))
    missing = SelectField(_l("A period the unit was not assessed in"))
    veto_count = SelectField(_l("A vetoed period"))
    honours_veto_limit = IntegerField(_l("Vetoes that bar final honours"), validators=[
        Optional(), NumberRange(min=1, max=1000)], description=_l("Empty: vetoes never bar an honour."))
    cumulative_tie_break = StringField(_l("Cumulative tie-breaks after the total"), validators=[Length(max=300)],
                                       description=_l("Comma-separated: flags (more red flags first), vetoes (fewer"
                                                      " first), deductions (fewer first), periods (more first)."))
    collective_count = IntegerField(_l("Advanced collectives"), default=0,
                                    validators=[Optional(), NumberRange(min=0, max=1000)])
    collective_kinds = MultiCheckboxField(_l("Open to"), choices=UNIT_KIND_CHOICES)
    pioneer_count = IntegerField(_l("Workers' Pioneers"), default=0,
                                 validators=[Optional(), NumberRange(min=0, max=1000)])
    pioneer_kinds = MultiCheckboxField(_l("Open to"), choices=UNIT_KIND_CHOICES)
    honours_min_total = DecimalField(_l("Minimum cumulative total for an honour"), places=2,
                                     validators=[Optional(), NumberRange(min=0, max=1000)])
    ties_at_cut = SelectField(_l("Units tied at the last honour place"))
    individuals_per_honoured_unit = IntegerField(_l("Advanced individuals per honoured unit"), default=0,
                                                 validators=[Optional(), NumberRange(min=0, max=100)])
    individuals_per_other_unit = IntegerField(_l("Advanced individuals per other unit"), default=0,
                                              validators=[Optional(), NumberRange(min=0, max=100)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, family in (("veto_placement", "veto_placement"), ("flag_on_tie", "flag_on_tie"),
                             ("veto_money", "veto_money"), ("money_ties", "money_ties"), ("combine", "combine"),
                             ("missing", "missing_period"), ("veto_count", "veto_count"),
                             ("ties_at_cut", "cut_ties")):
            getattr(self, name).choices = choices(family)

    @classmethod
    def from_rules(cls, rules) -> RulesForm:
        """The form filled with the stored (or default) rules."""
        honours = {item["kind"]: item for item in rules.honours or []}
        collective = honours.get("advanced_collective") or {}
        pioneer = honours.get("workers_pioneer") or {}
        floor = next((item.get("min_total") for item in rules.honours or [] if item.get("min_total")), None)
        cut = next((item.get("ties_at_cut") for item in rules.honours or []), "include")
        return cls(data=dict(
            tie_break=", ".join(rules.tie_break or []), veto_placement=rules.veto_placement,
            flag_on_tie=rules.flag_on_tie, flag_min_total=rules.flag_min_total,
            rewards=", ".join(str(a) for a in rules.rewards or []), last_place_penalty=rules.last_place_penalty,
            veto_money=rules.veto_money, veto_penalty=rules.veto_penalty, money_ties=rules.money_ties,
            combine=rules.combine, missing=rules.missing, veto_count=rules.veto_count,
            honours_veto_limit=rules.honours_veto_limit,
            cumulative_tie_break=", ".join(rules.cumulative_tie_break or []),
            collective_count=collective.get("count", 0),
            collective_kinds=collective.get("participant_kinds") or ["section", "enterprise", "workshop"],
            pioneer_count=pioneer.get("count", 0), pioneer_kinds=pioneer.get("participant_kinds") or ["team"],
            honours_min_total=floor, ties_at_cut=cut,
            individuals_per_honoured_unit=rules.individuals_per_honoured_unit,
            individuals_per_other_unit=rules.individuals_per_other_unit))

    def settings(self) -> dict:
        """The form's values as ``rules.save_rules`` takes them."""
        honours = []
        floor = None if self.honours_min_total.data is None else str(self.honours_min_total.data)
        for kind, count, kinds in (("advanced_collective", self.collective_count.data, self.collective_kinds.data),
                                   ("workers_pioneer", self.pioneer_count.data, self.pioneer_kinds.data)):
            if count:
                honours.append({"kind": kind, "count": count, "participant_kinds": list(kinds or []),
                                "min_total": floor, "ties_at_cut": self.ties_at_cut.data})
        def amount(field):
            return "0" if field.data is None else str(field.data)
        return {
            "tie_break": self.tie_break.data or "", "veto_placement": self.veto_placement.data,
            "flag_on_tie": self.flag_on_tie.data,
            "flag_min_total": None if self.flag_min_total.data is None else str(self.flag_min_total.data),
            "rewards": self.rewards.data or "", "last_place_penalty": amount(self.last_place_penalty),
            "veto_money": self.veto_money.data, "veto_penalty": amount(self.veto_penalty),
            "money_ties": self.money_ties.data, "combine": self.combine.data, "missing": self.missing.data,
            "veto_count": self.veto_count.data, "honours_veto_limit": self.honours_veto_limit.data,
            "cumulative_tie_break": self.cumulative_tie_break.data or "", "honours": honours,
            "individuals_per_honoured_unit": self.individuals_per_honoured_unit.data or 0,
            "individuals_per_other_unit": self.individuals_per_other_unit.data or 0,
        }

    @staticmethod
    def extra_honour_rules(rules) -> list[dict]:
        """Stored honour rules the form does not show (any after the first of each kind, set through the API or
        the command line): saving the form keeps them."""
        seen: set[str] = set()
        extra = []
        for item in rules.honours or []:
            if item["kind"] in seen:
                extra.append(item)
            seen.add(item["kind"])
        return extra

    def add_error(self, error) -> None:
        """Show a rule's error on its field (the honours' on the advanced collectives' count)."""
        if error.field == "honours":
            add_form_error(self, error, "collective_count")
        else:
            add_form_error(self, error, "tie_break")


class NominationForm(Form):
    """The members a unit names as advanced individuals."""

    people = MultiCheckboxField(_l("Members"), validators=[DataRequired()])

    @classmethod
    def for_unit(cls, unit) -> NominationForm:
        """The form listing the unit's members."""
        form = cls()
        form.people.choices = [(str(m.worker_id), m.worker.name + (f" · {m.role}" if m.role else ""))
                               for m in unit.members]
        return form
