"""Certificate pages: the organizer's issue page and design, the holder's list, downloads, public verification."""

from __future__ import annotations

from io import BytesIO

from flask import Response, abort, flash, redirect, render_template, request, send_file, session, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from competitions.auth.permissions import login_required_any, public, role_required
from competitions.certificates import batches, bp, services, verify_bp
from competitions.certificates.forms import BatchForm, DesignForm, ParticipationForm, RevokeForm, VerifyForm
from competitions.certificates.models import CertificateBatch
from competitions.certificates.permissions import (
    load_batch_or_404,
    load_certificate_or_404,
    load_managed_certificate_or_404,
    load_organization_or_404,
)
from competitions.certificates.seal import MAX_BYTES as SEAL_MAX_BYTES
from competitions.db import utcnow
from competitions.domain.errors import CompetitionError
from competitions.errors import commit_or_flash, flash_error
from competitions.extensions import db
from competitions.forms import UPLOAD_LIMITS, Form, commit_or_form_error, flash_form_errors
from competitions.organize.models import Competition
from competitions.orgs.models import Worker
from competitions.results.display import page_version
from competitions.results.permissions import load_competition_or_404
from competitions.timezone import to_local

PDF = "application/pdf"


def _language() -> str:
    language = request.args.get("lang", "zh")
    if language not in services.LANGUAGES:
        abort(404)
    return language


# --- organizer ----------------------------------------------------------------------------------


@bp.route("/competitions/<int:competition_id>")
@role_required("organizer")
def manage(competition_id: int):
    """Issue, preview, list, revoke and download a competition's certificates."""
    competition = load_competition_or_404(competition_id, for_user=current_user)
    final = services.final_snapshot(competition.id)
    certificates = services.certificates_of(competition.id)
    mine = list(db.session.execute(select(CertificateBatch).where(
        CertificateBatch.competition_id == competition.id, CertificateBatch.requested_by_id == current_user.id)
        .order_by(CertificateBatch.id.desc()).limit(10)).scalars())
    design = services.design_for(competition.organization)
    return render_template(
        "certificates/manage.html", competition=competition, final=final, certificates=certificates,
        active=sum(1 for c in certificates if c.status == "active"), batches=mine, design=design,
        participation_form=ParticipationForm(participation=services.participation_enabled(competition.id)),
        batch_form=BatchForm(), revoke_form=RevokeForm(), display_number=services.display_number,
        stale={b.id: batches.is_stale(b, utcnow()) for b in mine}, by_hand=services.revoked_by_hand(competition.id))


@bp.route("/competitions/<int:competition_id>/issue", methods=["POST"])
@role_required("organizer")
def issue(competition_id: int):
    """Issue (or bring up to date) the certificates the final results call for."""
    competition = load_competition_or_404(competition_id, for_user=current_user)
    try:
        summary = services.issue_certificates(competition, actor_id=current_user.id, now=utcnow())
    except CompetitionError as error:
        flash_error(error)
    else:
        db.session.commit()
        flash(_("%(issued)d issued, %(reissued)d reissued, %(revoked)d revoked, %(unchanged)d unchanged.",
                issued=summary.issued, reissued=summary.reissued, revoked=summary.revoked,
                unchanged=summary.unchanged), "success")
        if summary.withheld:
            flash(_("%(count)d certificate(s) revoked by hand were not issued again. To issue a new one, use "
                    "“Issue a new certificate” on its row.", count=summary.withheld), "warning")
    return redirect(url_for("certificates.manage", competition_id=competition.id))


@bp.route("/<int:certificate_id>/reissue", methods=["POST"])
@role_required("organizer")
def reissue(certificate_id: int):
    """Issue a new certificate in place of one revoked by hand (the way back from a revocation)."""
    certificate = load_managed_certificate_or_404(certificate_id, for_user=current_user)
    form = Form()  # the CSRF token only
    if form.validate_on_submit():
        commit_or_flash(lambda: services.reissue_revoked(certificate, actor_id=current_user.id, now=utcnow()),
                        _("A new certificate has been issued in place of the revoked one."))
    else:
        flash_form_errors(form)
    return redirect(url_for("certificates.manage", competition_id=certificate.competition_id))


@bp.route("/competitions/<int:competition_id>/participation", methods=["POST"])
@role_required("organizer")
def participation(competition_id: int):
    """Switch participation certificates on or off."""
    competition = load_competition_or_404(competition_id, for_user=current_user)
    form = ParticipationForm()
    if form.validate_on_submit():
        commit_or_flash(lambda: services.set_participation(competition, form.participation.data,
                                                           actor_id=current_user.id),
                        _("Saved. Issue the certificates again to apply it."))
    return redirect(url_for("certificates.manage", competition_id=competition.id))


@bp.route("/competitions/<int:competition_id>/preview.pdf")
@role_required("organizer")
def preview(competition_id: int):
    """A specimen certificate with the organization's own seal and signatories, before anything is issued."""
    competition = load_competition_or_404(competition_id, for_user=current_user)
    data = services.preview_pdf(competition, _language(), today=to_local(utcnow()).date())
    return Response(data, mimetype=PDF, headers={"Content-Disposition": "inline; filename=preview.pdf",
                                                  "Cache-Control": "private, no-store"})


@bp.route("/<int:certificate_id>/revoke", methods=["POST"])
@role_required("organizer")
def revoke(certificate_id: int):
    """Revoke one certificate with a reason (the verification page shows it)."""
    certificate = load_managed_certificate_or_404(certificate_id, for_user=current_user)
    form = RevokeForm()
    if not form.validate_on_submit():
        flash_form_errors(form, missing={"reason": _("Give the reason for revoking the certificate.")})
    else:
        commit_or_flash(lambda: services.revoke(certificate, form.reason.data, actor_id=current_user.id,
                                                now=utcnow()), _("The certificate is revoked."))
    return redirect(url_for("certificates.manage", competition_id=certificate.competition_id))


@bp.route("/competitions/<int:competition_id>/batches", methods=["POST"])
@role_required("organizer")
def batch_new(competition_id: int):
    """Queue all of the competition's certificates as one zip or one PDF (made by the scheduler process)."""
    competition = load_competition_or_404(competition_id, for_user=current_user)
    form = BatchForm()
    if not form.validate_on_submit():
        flash(_("Choose a format and a language."), "error")
        return redirect(url_for("certificates.manage", competition_id=competition.id))
    result = {}

    def run():
        result["batch"] = batches.request_batch(competition, fmt=form.format.data, language=form.language.data,
                                                actor_id=current_user.id, base_url=_base_url(), now=utcnow())

    if commit_or_flash(run, _("The download is being prepared.")):
        return redirect(url_for("certificates.batch", batch_id=result["batch"].id))
    return redirect(url_for("certificates.manage", competition_id=competition.id))


def _base_url() -> str:
    from flask import current_app

    return current_app.config.get("PUBLIC_BASE_URL") or request.host_url


@bp.route("/batches/<int:batch_id>")
@role_required("organizer")
def batch(batch_id: int):
    """A batch's progress (the page reloads itself until it is done) and its download."""
    item = load_batch_or_404(batch_id, for_user=current_user)
    competition = db.session.get(Competition, item.competition_id)
    return render_template("certificates/batch.html", batch=item, competition=competition,
                           stale=batches.is_stale(item, utcnow()))


@bp.route("/batches/<int:batch_id>/download")
@role_required("organizer")
def batch_download(batch_id: int):
    """The finished zip or PDF."""
    item = load_batch_or_404(batch_id, for_user=current_user)
    path = batches.batch_path(item)
    if path is None or batches.is_stale(item, utcnow()):
        flash(_("This download is not ready or no longer current; prepare it again."), "error")
        return redirect(url_for("certificates.batch", batch_id=item.id))
    competition = db.session.get(Competition, item.competition_id)
    return send_file(path, mimetype=PDF if item.format == "pdf" else "application/zip", as_attachment=True,
                     download_name=batches.download_name(item, competition), max_age=0)


# The seal page takes at most the seal's own limit: its file input, the request cap and the 413 page say so.
UPLOAD_LIMITS["certificates.design"] = SEAL_MAX_BYTES


@bp.route("/organizations/<int:org_id>/design", methods=["GET", "POST"])
@role_required("organizer")
def design(org_id: int):
    """An organization's issuer name, seal and signatories (the seal is checked before it is stored)."""
    organization = load_organization_or_404(org_id, for_user=current_user)
    current = services.design_for(organization)
    form = DesignForm(obj=current) if request.method == "GET" else DesignForm()
    if request.method == "GET" and current is not None:
        form.signatories.data = "\n".join(f"{role}：{name}" for role, name in current.signatories or [])
    if form.validate_on_submit():
        upload = form.seal.data
        data = upload.read(SEAL_MAX_BYTES + 1) if upload and getattr(upload, "filename", "") else None
        saved, _result = commit_or_form_error(
            form, lambda: services.save_design(organization, issuer=form.issuer_name.data or "",
                                               signatories=form.signatories.data or "", seal_upload=data,
                                               remove_seal=form.remove_seal.data, actor_id=current_user.id),
            field="seal", success=_("Saved. Preview a certificate to see it."))
        if saved:
            return redirect(url_for("certificates.design", org_id=organization.id))
    competitions = list(db.session.execute(select(Competition).where(
        Competition.organization_id == organization.id).order_by(Competition.id.desc()).limit(5)).scalars())
    return render_template("certificates/design.html", organization=organization, form=form, design=current,
                           competitions=competitions,
                           issuer=services.issuer_name(organization, current))


@bp.route("/organizations/<int:org_id>/seal.png")
@role_required("organizer")
def seal_image(org_id: int):
    """The organization's current seal as stored (after checking and re-encoding)."""
    organization = load_organization_or_404(org_id, for_user=current_user)
    current = services.design_for(organization)
    data = services.seal_png(current.seal_sha if current else None)
    if data is None:
        abort(404)
    return Response(data, mimetype="image/png", headers={"Cache-Control": "private, max-age=300"})


# --- holder -------------------------------------------------------------------------------------


@bp.route("/mine")
@role_required("competitor")
def mine():
    """The worker's own certificates, to download in Chinese or English."""
    worker = db.session.execute(select(Worker).where(Worker.user_id == current_user.id)).scalar_one_or_none()
    certificates = services.certificates_of_worker(worker.id) if worker else []
    replaced_by = {c.replaces_id: c for c in certificates if c.replaces_id}
    return render_template("certificates/mine.html", certificates=certificates, replaced_by=replaced_by,
                           display_number=services.display_number)


@bp.route("/<int:certificate_id>.pdf")
@login_required_any
def download(certificate_id: int):
    """One certificate as PDF, for its holder or its competition's organizer."""
    certificate = load_certificate_or_404(certificate_id, for_user=current_user)
    language = _language()
    data = services.certificate_pdf_bytes(certificate, language)
    return send_file(BytesIO(data), mimetype=PDF, as_attachment=True,
                     download_name=services.file_name(certificate, language), max_age=0)


# --- public verification ------------------------------------------------------------------------


@verify_bp.route("")
@public
def lookup():
    """The verification form: type a number (or follow it from a QR code)."""
    form = VerifyForm(request.args)
    if request.args.get("number") and form.validate():
        return redirect(url_for("verify.verify", number=form.number.data.strip()))
    return render_template("certificates/verify.html", form=form, result=None)


@verify_bp.route("/<path:number>")
@public
def verify(number: str):
    """What a certificate number stands for: valid with the facts (name masked), revoked and why, or invalid."""
    if len(number) > 60:
        abort(404)
    result = services.verify(number)
    certificate = result.certificate
    etag = _verify_etag(result)
    if etag is not None and request.if_none_match.contains_weak(etag):
        return _cacheable(Response(status=304), etag)
    response = Response(render_template(
        "certificates/verify.html", form=VerifyForm(data={"number": result.number or number}), result=result,
        masked=services.public_holder(certificate) if certificate else ""))
    if result.state == "invalid":
        response.status_code = 404
    return _cacheable(response, etag)


VERIFY_MAX_AGE = 60  # seconds: a revocation reaches every reader within a minute


def _verify_etag(result) -> str | None:
    """The page's tag: the certificate's state and the language (None for signed-in visitors: their menu)."""
    if current_user.is_authenticated or session.get("_flashes"):
        return None
    certificate = result.certificate
    state = f"{certificate.id}-{certificate.status}" if certificate else "none"
    return f"verify-{result.state}-{state}-{get_locale()}-{page_version()}"


def _cacheable(response: Response, etag: str | None) -> Response:
    """Public and cacheable for a minute for visitors without a cookie, as the public results pages are."""
    if etag is None:
        return response
    response.set_etag(etag, weak=True)
    if request.cookies or session.modified:
        response.cache_control.private = True
    else:
        response.cache_control.public = True
    response.cache_control.max_age = VERIFY_MAX_AGE
    response.vary.add("Cookie")
    response.vary.add("Accept-Language")
    return response
