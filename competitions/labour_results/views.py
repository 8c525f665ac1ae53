"""Pages of the publication side of labour competitions: the organizer's desk and the public pages.

Views do HTTP only: load and authorize (``permissions``), validate the form,
call one service, commit once, redirect.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from competitions.auth.permissions import public, role_required
from competitions.db import utcnow
from competitions.domain.certificate_numbers import CertificateNumber
from competitions.domain.errors import CompetitionError
from competitions.domain.inputs import parse_id, parse_page
from competitions.errors import commit_or_flash, flash_error
from competitions.extensions import db
from competitions.labels import label
from competitions.labour.models import LabourPeriod
from competitions.labour_results import bp, exports, honours, publication, standings
from competitions.labour_results import rules as rules_mod
from competitions.labour_results.forms import NominationForm, ReasonForm, RulesForm, SimpleForm
from competitions.labour_results.permissions import (
    load_honour_or_404,
    load_labour_competition_or_404,
    load_period_or_404,
    load_public_labour_or_404,
    load_publication_or_404,
    load_unit_for_nomination_or_404,
)
from competitions.results.views import _cacheable, _not_modified

TEMPLATES = Path(__file__).resolve().parents[2] / "templates" / "labour_results"


@bp.app_template_filter("yuan")
def yuan(value) -> str:
    """An amount of yuan as the money list writes it: +5,000.00, −2,000.00 (a true minus sign), 0.00."""
    amount = Decimal(str(value))
    sign = "−" if amount < 0 else ("+" if amount > 0 else "")
    return f"{sign}{abs(amount):,.2f}"


def _manage_url(competition_id: int) -> str:
    return url_for("labour_results.manage", competition_id=competition_id)


# --- the organizer's desk ---------------------------------------------------------------------------


@bp.route("/competitions/<int:competition_id>")
@role_required("organizer")
def manage(competition_id: int):
    """Periods and their publication: publish, correct or unpublish; the flag now; links to the rest."""
    competition = load_labour_competition_or_404(competition_id, for_user=current_user)
    periods = list(db.session.execute(db.select(LabourPeriod).where(
        LabourPeriod.competition_id == competition.id).order_by(LabourPeriod.number)).scalars())
    versions = publication.publications_of(competition.id)
    active = {p.period_id: p for p in versions if p.status == "published"}
    shown = publication.published(competition.id)
    return render_template("labour_results/manage.html", competition=competition, periods=periods,
                           versions=versions, active=active, flag=publication.current_flag(shown),
                           reason_form=ReasonForm(), form=SimpleForm())


@bp.route("/periods/<int:period_id>/publish", methods=["POST"])
@role_required("organizer")
def publish(period_id: int):
    """Publish one signed-off period's ranking (a frozen snapshot)."""
    period = load_period_or_404(period_id, for_user=current_user)
    if SimpleForm().validate_on_submit():
        commit_or_flash(lambda: publication.publish_period(period, actor_id=current_user.id, now=utcnow()),
                        _("%(period)s is published.", period=period.name))
    return redirect(_manage_url(period.competition_id))


def _ending(publication_id: int, operation, success: str):
    item = load_publication_or_404(publication_id, for_user=current_user)
    form = ReasonForm()
    if not form.validate_on_submit():
        flash(_("Give a reason."), "error")
    else:
        commit_or_flash(lambda: operation(item, form.reason.data, actor_id=current_user.id, now=utcnow()),
                        success)
    return redirect(_manage_url(item.competition_id))


@bp.route("/publications/<int:publication_id>/unpublish", methods=["POST"])
@role_required("organizer")
def unpublish(publication_id: int):
    """Take a published period off the public pages, with a reason."""
    return _ending(publication_id, publication.withdraw_publication, _("The period is unpublished."))


@bp.route("/publications/<int:publication_id>/correct", methods=["POST"])
@role_required("organizer")
def correct(publication_id: int):
    """Publish a corrected version of a period from its current signed-off scores, with a reason."""
    return _ending(publication_id, publication.correct_publication,
                   _("The corrected ranking is published and replaces the earlier version."))


@bp.route("/competitions/<int:competition_id>/rules", methods=["GET", "POST"])
@role_required("organizer")
def rules(competition_id: int):
    """The publication rules: tie-breaks, vetoes, red flag, money, cumulative standing, honours."""
    competition = load_labour_competition_or_404(competition_id, for_user=current_user)
    current = rules_mod.rules_of(competition.id)
    form = RulesForm.from_rules(current) if request.method == "GET" else RulesForm()
    if request.method == "GET":
        form.show_version(current)
    if form.validate_on_submit() and not form.changed_meanwhile(current):
        try:
            settings = form.settings()
            settings["honours"] += RulesForm.extra_honour_rules(current)
            rules_mod.save_rules(competition, settings, actor_id=current_user.id)
        except CompetitionError as error:
            db.session.rollback()
            form.add_error(error)
        else:
            db.session.commit()
            flash(_("The rules are saved. They apply to periods published from now on."), "success")
            return redirect(url_for("labour_results.rules", competition_id=competition.id))
    return render_template("labour_results/rules.html", competition=competition, form=form,
                           groups=rules_mod.group_codes(competition.id),
                           extra=RulesForm.extra_honour_rules(current))


@bp.route("/competitions/<int:competition_id>/money")
@role_required("organizer")
def money(competition_id: int):
    """Money rewards and penalties per published period, with each unit's net total."""
    competition = load_labour_competition_or_404(competition_id, for_user=current_user)
    return render_template("labour_results/money.html", competition=competition,
                           table=standings.money_table(competition.id))


@bp.route("/competitions/<int:competition_id>/money.xlsx")
@role_required("organizer")
def money_xlsx(competition_id: int):
    """The money table as a spreadsheet."""
    competition = load_labour_competition_or_404(competition_id, for_user=current_user)
    data = exports.money_xlsx(competition, standings.money_table(competition.id))
    return Response(data, mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": exports.attachment(f"money-{competition.id}.xlsx")})


@bp.route("/competitions/<int:competition_id>/honours")
@role_required("organizer")
def honours_manage(competition_id: int):
    """The cumulative standing, deciding the honours, nominations to confirm, certificates."""
    competition = load_labour_competition_or_404(competition_id, for_user=current_user)
    view = standings.cumulative_view(competition.id)
    return render_template("labour_results/honours_manage.html", competition=competition, view=view,
                           honours=honours.honours_of(competition.id), missing=honours.unpublished_periods(
                               competition.id), certificates=honours.honour_certificates(competition.id),
                           rules=rules_mod.rules_of(competition.id), reason_form=ReasonForm(), form=SimpleForm(),
                           workers=_workers(honours.honours_of(competition.id)))


def _workers(rows) -> dict:
    from competitions.orgs.models import Worker

    ids = {h.worker_id for h in rows if h.worker_id}
    if not ids:
        return {}
    return {w.id: w for w in db.session.execute(db.select(Worker).where(Worker.id.in_(ids))).scalars()}


@bp.route("/competitions/<int:competition_id>/honours/decide", methods=["POST"])
@role_required("organizer")
def honours_decide(competition_id: int):
    """Award the collective honours the cumulative standing calls for."""
    competition = load_labour_competition_or_404(competition_id, for_user=current_user)
    form = ReasonForm(require=False)
    if form.validate_on_submit():
        try:
            summary = honours.decide_honours(competition, actor_id=current_user.id, now=utcnow(),
                                             reason=form.reason.data or "")
        except CompetitionError as error:
            flash_error(error)
        else:
            db.session.commit()
            message = _("The honours are decided: %(awarded)d awarded, %(withdrawn)d no longer called for, "
                        "%(unchanged)d unchanged.", awarded=summary.awarded, withdrawn=summary.withdrawn,
                        unchanged=summary.unchanged)
            if summary.barred:
                message += " " + _("Passed over, their honour having been withdrawn for cause (the place goes to "
                                   "the next eligible unit): %(units)s.", units="; ".join(
                                       f"{unit} ({label('labour_honour', kind)})" for kind, unit in summary.barred))
            flash(message, "success")
    return redirect(url_for("labour_results.honours_manage", competition_id=competition.id))


@bp.route("/honours/<int:honour_id>/withdraw", methods=["POST"])
@role_required("organizer")
def honour_withdraw(honour_id: int):
    """Withdraw one honour with a reason."""
    honour = load_honour_or_404(honour_id, for_user=current_user)
    form = ReasonForm()
    if not form.validate_on_submit():
        flash(_("Give a reason."), "error")
    else:
        try:
            certificate = honours.withdraw_honour(honour, form.reason.data, actor_id=current_user.id, now=utcnow())
        except CompetitionError as error:
            flash_error(error)
        else:
            db.session.commit()
            message = _("The honour is withdrawn for cause. When the honours are decided again, this unit is passed "
                        "over for it.")
            if certificate is not None:
                message += " " + _("Its certificate %(number)s is revoked: the verification page says so now.",
                                   number=CertificateNumber(certificate.number).display)
            flash(message, "success")
    return redirect(url_for("labour_results.honours_manage", competition_id=honour.competition_id))


@bp.route("/honours/<int:honour_id>/nomination", methods=["POST"])
@role_required("organizer")
def nomination_decide(honour_id: int):
    """Confirm, reject, reopen or withdraw an advanced-individual nomination (``action`` in the form)."""
    honour = load_honour_or_404(honour_id, for_user=current_user)
    form = ReasonForm(require=False)
    action = request.form.get("action", "")
    if action not in honours.NOMINATION_ACTIONS:
        flash(_("This nomination cannot be changed that way now."), "error")
    elif form.validate_on_submit():
        commit_or_flash(lambda: honours.decide_nomination(honour, action, form.reason.data or "",
                                                          actor_id=current_user.id, now=utcnow()),
                        _("The nomination is updated."))
    return redirect(url_for("labour_results.honours_manage", competition_id=honour.competition_id))


@bp.route("/units/<int:unit_id>/nominate", methods=["GET", "POST"])
@role_required("organizer")
def nominate(unit_id: int):
    """A unit names its advanced individuals from its members, within its quota."""
    unit = load_unit_for_nomination_or_404(unit_id, for_user=current_user)
    form = NominationForm.for_unit(unit)
    if form.validate_on_submit():
        ids = [parse_id(v) for v in form.people.data]
        if commit_or_flash(lambda: honours.nominate(unit, [i for i in ids if i], actor_id=current_user.id,
                                                    now=utcnow()), _("The nominations are sent to the organizer.")):
            return redirect(url_for("labour_results.nominate", unit_id=unit.id))
    rows = [h for h in honours.honours_of(unit.competition_id) if h.kind == "advanced_individual"
            and h.unit_id == unit.id]
    quota = 0 if honours.unpublished_periods(unit.competition_id) else honours.quotas(unit.competition_id).get(
        unit.id, 0)
    return render_template("labour_results/nominate.html", unit=unit, form=form, rows=rows, quota=quota,
                           workers=_workers(rows))


@bp.route("/competitions/<int:competition_id>/certificates", methods=["POST"])
@role_required("organizer")
def certificates_issue(competition_id: int):
    """Issue (reconcile) the honour certificates."""
    competition = load_labour_competition_or_404(competition_id, for_user=current_user)
    if SimpleForm().validate_on_submit():
        try:
            summary = honours.issue_honour_certificates(competition, actor_id=current_user.id, now=utcnow())
        except CompetitionError as error:
            flash_error(error)
        else:
            db.session.commit()
            flash(_("Certificates: %(issued)d issued, %(reissued)d reissued, %(revoked)d revoked, %(unchanged)d"
                    " unchanged.", issued=summary.issued, reissued=summary.reissued, revoked=summary.revoked,
                    unchanged=summary.unchanged), "success")
    return redirect(url_for("labour_results.honours_manage", competition_id=competition.id))


# --- public pages -----------------------------------------------------------------------------------


def _page_version() -> str:
    files = sorted(TEMPLATES.glob("*.html"))
    stamp = "|".join(f"{f.name}:{f.stat().st_mtime_ns}:{f.stat().st_size}" for f in files)
    return hashlib.sha256(stamp.encode()).hexdigest()[:8]


def _cache_key(competition_id: int, shown: list) -> SimpleNamespace:
    """What the public pages' ETag rests on: the published versions, the honours and the markup."""
    from competitions.labour_results.models import LabourHonour

    latest_honour = db.session.execute(db.select(db.func.max(LabourHonour.decided_at)).where(
        LabourHonour.competition_id == competition_id)).scalar()
    ids = "-".join(str(p.id) for p in shown)
    token = hashlib.sha256(f"{ids}|{latest_honour}|{_page_version()}".encode()).hexdigest()[:16]
    published_at = max((p.published_at for p in shown), default=None)
    return SimpleNamespace(id=f"labour-{competition_id}-{token}", status="published", finalized_at=None,
                           published_at=published_at or datetime.min)


@bp.route("/public/<int:competition_id>")
@public
def public_page(competition_id: int):
    """The public page: the current red flag holder, each published period's ranking, the cumulative standing."""
    competition = load_public_labour_or_404(competition_id)
    shown = publication.published(competition.id)
    key = _cache_key(competition.id, shown)
    unchanged = _not_modified(key)
    if unchanged is not None:
        return unchanged
    page = render_template("labour_results/public.html", competition=competition, shown=list(reversed(shown)),
                           flag=publication.current_flag(shown), history=publication.flag_history(shown),
                           view=standings.cumulative_view(competition.id, shown),
                           honours=[h for h in honours.honours_of(competition.id) if h.status in honours.STANDING])
    return _cacheable(Response(page, mimetype="text/html"), key)


@bp.route("/board/<int:competition_id>")
@public
def board(competition_id: int):
    """The venue's big screen: the red flag holder and the latest period's ranking, refreshing itself."""
    competition = load_public_labour_or_404(competition_id)
    shown = publication.published(competition.id)
    key = _cache_key(competition.id, shown)
    unchanged = _not_modified(key)
    if unchanged is not None:
        return unchanged
    seconds = min(parse_page(request.args.get("seconds")), 600) if request.args.get("seconds") else 30
    page = render_template("labour_results/board.html", competition=competition, latest=shown[-1],
                           flag=publication.current_flag(shown), seconds=min(max(seconds, 5), 600),
                           standing=standings.cumulative_view(competition.id, shown))
    return _cacheable(Response(page, mimetype="text/html"), key)


@bp.route("/public/<int:competition_id>/honours")
@public
def public_honours(competition_id: int):
    """The honours of the competition: collective honours and confirmed advanced individuals."""
    competition = load_public_labour_or_404(competition_id)
    shown = publication.published(competition.id)
    key = _cache_key(competition.id, shown)
    unchanged = _not_modified(key)
    if unchanged is not None:
        return unchanged
    rows = [h for h in honours.honours_of(competition.id) if h.status in honours.STANDING]
    page = render_template("labour_results/public_honours.html", competition=competition, honours=rows,
                           units=standings.units_of(competition.id), workers=_workers(rows),
                           certificates=honours.honour_certificates(competition.id))
    return _cacheable(Response(page, mimetype="text/html"), key)
