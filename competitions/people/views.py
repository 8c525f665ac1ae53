"""People pages: the organizer's list of people in their subtree, a person's page (facts, account,
registrations with their frozen facts, history of changes, claim code, change form), the queue of claim
requests; and the worker's "Claim my record" page. HTTP only: load and authorize, validate, call one
service, commit, redirect."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from competitions.auth.models import User
from competitions.auth.permissions import role_required
from competitions.db import utcnow
from competitions.domain.errors import CompetitionError
from competitions.domain.identity import mask_national_id, normalize_national_id
from competitions.extensions import db
from competitions.forms import add_form_error
from competitions.i18n import error_message
from competitions.organize.models import Event
from competitions.orgs.models import Organization, PersonClaim, Worker
from competitions.orgs.services import organization_choices
from competitions.people import bp, services
from competitions.people.forms import (
    ClaimCodeForm,
    ClaimDecisionForm,
    ClaimRequestForm,
    PersonChangeForm,
    ReasonForm,
)
from competitions.registration.models import Registration
from competitions.spreadsheets import xlsx_table
from competitions.web import page_arg


def _employer_choices(user: User) -> list[tuple[int, str]]:
    root = None if user.has_role("admin") else user.organization
    if root is None and not user.has_role("admin"):
        return []
    return organization_choices(root, kinds=("enterprise",))


ACTIONS = {
    "person.create": _l("Record created"), "person.update": _l("Changed"), "person.claim": _l("Claimed by an account"),
    "person.claim_code": _l("Claim code issued"), "person.claim_request": _l("Claim requested"),
    "person.claim_cancel": _l("Claim request cancelled"), "person.claim_reject": _l("Claim request rejected"),
    "person.unlink": _l("Account unlinked"),
}
FIELDS = {"name": _l("Full name"), "employer_id": _l("Employer"), "national_id": _l("National ID number"),
          "user": _l("Account"), "how": _l("How"), "expires_at": _l("Valid until"), "claim": _l("Request")}
HOW = {"code": _l("claim code"), "request": _l("confirmed request")}
CLAIM_STATUS = {"pending": _l("waiting"), "approved": _l("confirmed"), "rejected": _l("rejected"),
                "cancelled": _l("cancelled")}


@bp.app_template_global("person_action")
def person_action(action: str) -> str:
    """An audit action about a person, in the user's language."""
    return str(ACTIONS.get(action, action))


@bp.app_template_global("person_values")
def person_values(values: dict | None, orgs: dict[int, str]) -> str:
    """The before/after values of a person's audit row as "field: value" text (employers by name)."""
    if not values:
        return ""
    out = []
    for key, value in values.items():
        if key == "employer_id":
            value = orgs.get(value, value)
        elif key == "how":
            value = HOW.get(value, value)
        elif key == "expires_at" and isinstance(value, str):
            value = value[:10]  # the day is what the worker needs
        out.append(f"{FIELDS.get(key, key)}: {value}")
    return "; ".join(out)


@bp.app_template_global("claim_status")
def claim_status(status: str) -> str:
    """A claim request's status in the user's language."""
    return str(CLAIM_STATUS.get(status, status))


# ---- organizer -------------------------------------------------------------------------------------

def _listed(args):
    """The people of the current user's scope matching the list's filters (name/ID, unclaimed, competition)."""
    q = args.get("q", "").strip()[:100]
    stmt = services.scope_people(select(Worker), current_user)
    if q:
        number = normalize_national_id(q)
        stmt = stmt.where(Worker.national_id == number) if len(number) == 18 and number[:17].isdigit() \
            else stmt.where(Worker.name.contains(q))
    if args.get("unclaimed"):
        stmt = stmt.where(Worker.user_id.is_(None))
    competition = args.get("competition", "")
    if competition.isdigit() and len(competition) < 10:
        stmt = stmt.where(Worker.id.in_(select(Registration.worker_id).join(Event, Event.id == Registration.event_id)
                                        .where(Event.competition_id == int(competition))))
    filters = {"q": q, "unclaimed": 1 if args.get("unclaimed") else None,
               "competition": competition if competition.isdigit() and len(competition) < 10 else None}
    return stmt.order_by(Worker.name, Worker.id), {k: v for k, v in filters.items() if v}


@bp.route("/")
@role_required("organizer")
def index():
    """The people of the organizer's subtree: search by name or full ID number; unclaimed ones marked."""
    stmt, filters = _listed(request.args)
    page = db.paginate(stmt, page=page_arg(), per_page=50, error_out=False)
    return render_template("people/index.html", page=page, filters=filters, q=filters.get("q", ""),
                           unclaimed=bool(filters.get("unclaimed")), claims=len(services.claims_for(current_user)))


@bp.route("/claim-codes.xlsx", methods=["POST"])
@role_required("organizer")
def claim_codes():
    """Claim codes for everyone listed without an account, as a spreadsheet of claim slips (shown once)."""
    stmt, filters = _listed(request.form)
    workers = list(db.session.execute(stmt.where(Worker.user_id.is_(None))
                                      .limit(services.CLAIM_BATCH_LIMIT + 1)).scalars())
    try:
        issued = services.issue_claim_codes(workers, current_user, utcnow())
    except CompetitionError as error:
        db.session.rollback()
        flash(error_message(error), "error")
        return redirect(url_for("people.index", **filters))
    db.session.commit()
    rows = [[w.name, mask_national_id(w.national_id), w.employer.name, code,
             w.claim_code_expires_at.date().isoformat()] for w, code in issued]
    data = xlsx_table(_("Claim codes"), [_("Full name"), _("National ID number"), _("Employer"), _("Claim code"),
                                         _("Valid until")], rows, widths=(12, 22, 28, 18, 12))
    return Response(data, mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": "attachment; filename=claim-codes.xlsx",
                             "Cache-Control": "no-store"})


def _person_page(worker: Worker, form: PersonChangeForm | None = None, code: str | None = None):
    form = form or PersonChangeForm(employer_choices=_employer_choices(current_user),
                                    data={"name": worker.name, "employer_id": worker.employer_id})
    registrations = db.session.execute(
        select(Registration).where(Registration.worker_id == worker.id).order_by(Registration.id.desc())
    ).scalars().all()
    account = db.session.get(User, worker.user_id) if worker.user_id else None
    history = services.person_history(worker)
    users = {u.id: u for u in db.session.execute(select(User).where(User.id.in_(
        {e.actor_id for e in history if e.actor_id}))).scalars()}
    org_ids = {v.get("employer_id") for e in history for v in (e.old_value or {}, e.new_value or {})}
    orgs = dict(db.session.execute(select(Organization.id, Organization.name)
                                   .where(Organization.id.in_(org_ids - {None}))).all())
    response = Response(render_template(
        "people/person.html", worker=worker, form=form, unlink_form=ReasonForm(prefix="unlink"), code=code,
        registrations=registrations, account=account, history=history, users=users,
        orgs=orgs, code_valid=bool(worker.claim_code_hash and worker.claim_code_expires_at
                                   and worker.claim_code_expires_at > utcnow())))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/<int:worker_id>")
@role_required("organizer")
def person(worker_id: int):
    """One person: facts (ID masked), account, registrations with the facts they were approved with, history."""
    return _person_page(services.load_person_or_404(worker_id, for_user=current_user))


@bp.route("/<int:worker_id>/change", methods=["POST"])
@role_required("organizer")
def change(worker_id: int):
    """Change a person's name, employer or ID number with a reason; an employer change re-runs recusal."""
    worker = services.load_person_or_404(worker_id, for_user=current_user)
    form = PersonChangeForm(employer_choices=_employer_choices(current_user))
    if form.validate_on_submit():
        try:
            summary = services.change_person(
                worker, current_user, reason=form.reason.data, name=form.name.data,
                employer_id=form.employer_id.data or None, national_id=form.national_id.data or None, now=utcnow())
        except CompetitionError as error:
            db.session.rollback()
            add_form_error(form, error, "reason")
        else:
            db.session.commit()
            flash(_("The change has been saved and recorded in the person's history."), "success")
            if summary.events:
                flash(_("Recusal was checked again in %(count)d event(s); their chief judges have been told what "
                        "changed.", count=len(set(summary.events))), "info")
            return redirect(url_for("people.person", worker_id=worker.id))
    db.session.rollback()
    worker = services.load_person_or_404(worker_id, for_user=current_user)
    return _person_page(worker, form=form), 400


@bp.route("/<int:worker_id>/claim-code", methods=["POST"])
@role_required("organizer")
def claim_code(worker_id: int):
    """Issue a one-time claim code for an unclaimed record; it is shown once, on this page only."""
    worker = services.load_person_or_404(worker_id, for_user=current_user)
    try:
        code = services.issue_claim_code(worker, current_user, utcnow())
    except CompetitionError as error:
        db.session.rollback()
        flash(error_message(error), "error")
        return redirect(url_for("people.person", worker_id=worker.id))
    db.session.commit()
    return _person_page(worker, code=code)


@bp.route("/<int:worker_id>/unlink", methods=["POST"])
@role_required("organizer")
def unlink(worker_id: int):
    """Undo a wrong claim: the record no longer belongs to the account that claimed it."""
    worker = services.load_person_or_404(worker_id, for_user=current_user)
    form = ReasonForm(prefix="unlink")
    try:
        if not form.validate_on_submit():
            flash(_("Give a reason for the change; it is kept in the person's history."), "error")
            return redirect(url_for("people.person", worker_id=worker.id))
        services.unlink_account(worker, current_user, form.reason.data)
    except CompetitionError as error:
        db.session.rollback()
        flash(error_message(error), "error")
    else:
        db.session.commit()
        flash(_("The record is no longer linked to that account."), "success")
    return redirect(url_for("people.person", worker_id=worker.id))


@bp.route("/claims")
@role_required("organizer")
def claims():
    """Claim requests waiting for an organizer of the person's employer."""
    waiting = services.claims_for(current_user)
    users = {u.id: u for u in db.session.execute(select(User).where(User.id.in_({c.user_id for c in waiting})))
             .scalars()}
    return render_template("people/claims.html", claims=waiting, users=users, form=ClaimDecisionForm())


@bp.route("/claims/<int:claim_id>/decide", methods=["POST"])
@role_required("organizer")
def decide_claim(claim_id: int):
    """Confirm or reject one claim request."""
    claim = db.get_or_404(PersonClaim, claim_id)
    if not services.in_scope(services.acting_scope(current_user), claim.worker.employer_id):
        abort(404)
    form = ClaimDecisionForm()
    if not form.validate_on_submit():
        flash(_("Choose confirm or reject."), "error")
        return redirect(url_for("people.claims"))
    try:
        services.decide_claim(claim, current_user, form.decision.data, form.reason.data or "", utcnow())
    except CompetitionError as error:
        db.session.rollback()
        flash(error_message(error), "error")
    else:
        db.session.commit()
        flash(_("The record is now linked to the worker's account.") if form.decision.data == "approve"
              else _("The claim request has been rejected."), "success")
    return redirect(url_for("people.claims"))


# ---- worker ----------------------------------------------------------------------------------------

@bp.route("/claim", methods=["GET", "POST"])
@role_required("competitor")
def claim():
    """Claim my record: with the claim code from the union organizer, or by a request they confirm."""
    own = db.session.execute(select(Worker).where(Worker.user_id == current_user.id)).scalar_one_or_none()
    code_form, request_form = ClaimCodeForm(prefix="code"), ClaimRequestForm(prefix="ask")
    now = utcnow()
    if own is None and code_form.claim.data and code_form.validate_on_submit():
        try:
            services.count_claim_attempt(current_user, request.remote_addr or "", now)
            services.claim_with_code(current_user, code_form.national_id.data, code_form.code.data, now)
        except CompetitionError as error:
            db.session.rollback()
            add_form_error(code_form, error, "code")
        else:
            db.session.commit()
            flash(_("Your record is now linked to your account."), "success")
            return redirect(url_for("registration.mine"))
    elif own is None and request_form.send.data and request_form.validate_on_submit():
        try:
            services.count_claim_attempt(current_user, request.remote_addr or "", now)
            services.request_claim(current_user, request_form.national_id.data, request_form.message.data or "",
                                   now)
        except CompetitionError as error:
            db.session.rollback()
            add_form_error(request_form, error, "national_id")
        else:
            db.session.commit()
            flash(_("Your claim request has been sent. The union organizer of your employer confirms it."),
                  "success")
            return redirect(url_for("people.claim"))
    mine = db.session.execute(select(PersonClaim).where(PersonClaim.user_id == current_user.id)
                              .order_by(PersonClaim.id.desc()).limit(10)).scalars().all()
    status = 400 if request.method == "POST" else 200
    return render_template("people/claim.html", own=own, code_form=code_form, request_form=request_form,
                           mine=mine, pending=services.pending_claim_of(current_user)), status


@bp.route("/claim/<int:claim_id>/cancel", methods=["POST"])
@role_required("competitor")
def cancel_claim(claim_id: int):
    """Cancel one's own waiting claim request."""
    claim = db.get_or_404(PersonClaim, claim_id)
    try:
        services.cancel_claim(claim, current_user, utcnow())
    except CompetitionError as error:
        db.session.rollback()
        flash(error_message(error), "error")
    else:
        db.session.commit()
        flash(_("Your claim request has been cancelled."), "success")
    return redirect(url_for("people.claim"))
