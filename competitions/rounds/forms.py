"""Forms of the rounds pages: the qualification rule, and a reason where one is needed."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DecimalField, IntegerField, SelectField, SubmitField, TextAreaField
from wtforms.validators import Length, NumberRange, Optional

from competitions.forms import Form, two_decimals

RULE_MODES = (("top", _l("The top places")), ("percent", _l("A share of the entrants")))
ROUNDINGS = (("down", _l("Round down")), ("up", _l("Round up (within the share, inclusive)")),
             ("nearest", _l("Round to the nearest")))


class QualificationRuleForm(Form):
    """Who goes to the final: the top N places (all tied at the N-th go), or the top per cent rounded as stated."""

    mode = SelectField(_l("Who qualifies"), choices=RULE_MODES, default="top")
    top = IntegerField(_l("Places that qualify"), validators=[Optional(), NumberRange(min=1, max=100000)])
    percent = DecimalField(_l("Share of the entrants (%)"), places=None,
                           validators=[Optional(), two_decimals, NumberRange(min=0, max=100)])
    rounding = SelectField(_l("A fraction of a competitor"), choices=ROUNDINGS, default="down")
    reason = TextAreaField(_l("Reason (needed once the standing is computed)"), validators=[Length(max=1000)])
    submit = SubmitField(_l("Save"))

    def rule_values(self) -> dict:
        """The rule as ``services.rule_json`` takes it."""
        if self.mode.data == "percent":
            return {"percent": self.percent.data, "rounding": self.rounding.data}
        return {"top": self.top.data}


class ReasonForm(Form):
    """A reason for an action that must be explained (undo, compute again)."""

    reason = TextAreaField(_l("Reason"), validators=[Length(max=1000)])
    submit = SubmitField(_l("Save"))
