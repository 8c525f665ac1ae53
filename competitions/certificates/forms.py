"""Forms of the certificate pages (shape only; the rules live in services)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import BooleanField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from competitions.certificates.seal import MAX_BYTES as SEAL_MAX_BYTES
from competitions.forms import Form


class DesignForm(Form):
    """What an organization prints on its certificates."""

    issuer_name = StringField(_l("Issuer printed on certificates"), validators=[Optional(), Length(max=200)])
    signatories = TextAreaField(_l("Signatories, one per line as “role: name” (at most three)"),
                                validators=[Optional(), Length(max=400)])
    seal = FileField(_l("Seal image (PNG, JPEG or WebP, at most %(limit)d MB)", limit=SEAL_MAX_BYTES // (1024 * 1024)))
    remove_seal = BooleanField(_l("Remove the current seal"))
    submit = SubmitField(_l("Save"))


class ParticipationForm(Form):
    """Whether finalists without a prize get a participation certificate."""

    participation = BooleanField(_l("Participation certificates for finalists without a prize"))
    submit = SubmitField(_l("Save"))


class RevokeForm(Form):
    """Revoke one certificate; the reason is shown on the public verification page."""

    reason = StringField(_l("Reason (shown to anyone who checks the number)"),
                         validators=[DataRequired(), Length(max=500)])
    submit = SubmitField(_l("Revoke"))


class BatchForm(Form):
    """Ask for all certificates of the competition at once."""

    format = SelectField(_l("Format"), choices=[("zip", _l("Zip of single PDF files")),
                                                ("pdf", _l("One combined PDF"))])
    language = SelectField(_l("Language"), choices=[("zh", "中文"), ("en", "English")])
    submit = SubmitField(_l("Prepare download"))


class VerifyForm(Form):
    """Type a certificate number to check it."""

    class Meta:
        csrf = False  # a GET search on a public page: no session, nothing changes

    number = StringField(_l("Certificate number"), validators=[DataRequired(), Length(max=40)])
