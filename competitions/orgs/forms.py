"""Organization forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, Optional

from competitions.forms import Form
from competitions.labels import choices


class OrganizationForm(Form):
    """Create or edit a node of the union tree."""

    name = StringField(_l("Organization name"), validators=[DataRequired(), Length(max=200)])
    kind = SelectField(_l("Kind"))
    parent_id = SelectField(_l("Parent organization"), coerce=int, validators=[Optional()])
    region = StringField(_l("Region"), validators=[Length(max=100)])
    industry = StringField(_l("Industry"), validators=[Length(max=100)])
    submit = SubmitField(_l("Save"))

    def __init__(self, *args, parent_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = choices("org_kind")
        self.parent_id.choices = [(0, "—")] + list(parent_choices)
