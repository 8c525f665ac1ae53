"""Innovation pages: the worker's entries (phone first), the unit's pre-review queue, the contest's entries
for its organizers (adoption, implementation, recommendation), the experts' list, and file downloads."""

from __future__ import annotations

from io import BytesIO

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from competitions.auth.permissions import login_required_any, role_required
from competitions.db import utcnow
from competitions.domain import attachments as attachment_rules
from competitions.domain import innovation as rules
from competitions.domain.errors import CompetitionError
from competitions.errors import commit_or_flash
from competitions.extensions import db
from competitions.forms import add_form_error, commit_or_form_error
from competitions.innovation import bp, files, services
from competitions.innovation.forms import ActionForm, EntryForm, ImplementForm, RecommendForm, UploadForm
from competitions.innovation.models import InnovationEntry
from competitions.innovation.permissions import load_attachment_or_404, load_entry_or_404
from competitions.labels import choices
from competitions.organize.permissions import load_competition_or_404
from competitions.orgs.models import Organization


def _my_worker_ids() -> set[int]:
    worker = services.worker_of(current_user)
    return {worker.id} if worker else set()


def _entry_url(entry: InnovationEntry) -> str:
    return url_for("innovation.entry", entry_id=entry.id)


def _worker_or_404():
    worker = services.worker_of(current_user)
    if worker is None:
        abort(404)
    return worker


def _entry_form(competition, entry: InnovationEntry | None = None) -> EntryForm:
    form = EntryForm(obj=entry) if entry is not None and request.method == "GET" else EntryForm()
    form.event_id.choices = [(e.id, e.trade_name) for e in competition.live_events]
    form.category.choices = choices("innovation_category")
    if entry is not None and request.method == "GET":
        form.member_names.data = "\n".join(services.member_label(m.worker) for m in entry.members if not m.is_lead)
    return form


def _data(form: EntryForm) -> services.EntryData:
    names = tuple(line.strip() for line in (form.member_names.data or "").replace("、", "\n").replace(
        ",", "\n").replace("，", "\n").splitlines() if line.strip())
    return services.EntryData(event_id=form.event_id.data, title=form.title.data or "", category=form.category.data,
                              description=form.description.data or "",
                              claimed_benefit_yuan=form.claimed_benefit_yuan.data,
                              claimed_benefit_text=form.claimed_benefit_text.data or "",
                              team_name=form.team_name.data or "", member_names=names)


# ---- the worker's side -------------------------------------------------------------------------------

@bp.route("/")
@login_required_any
def index():
    """My entries and the innovation contests taking entries now."""
    worker = services.worker_of(current_user)
    return render_template("innovation/index.html", worker=worker,
                           entries=services.entries_of_worker(worker) if worker else [],
                           contests=services.open_contests(utcnow()))


@bp.route("/contests/<int:contest_id>/new", methods=["GET", "POST"])
@login_required_any
def new_entry(contest_id: int):
    """Start an entry (a draft) in an innovation contest."""
    worker = _worker_or_404()
    try:
        competition = services.innovation_competition(contest_id)
    except CompetitionError:
        abort(404)
    form = _entry_form(competition)
    if form.validate_on_submit():
        saved, entry = commit_or_form_error(
            form, lambda: services.create_entry(competition, lead=worker, actor=current_user, data=_data(form)),
            field="title", success=_("Draft saved. Add files, then submit it before the deadline."))
        if saved:
            return redirect(_entry_url(entry))
    return render_template("innovation/edit.html", form=form, competition=competition, entry=None)


@bp.route("/entries/<int:entry_id>/edit", methods=["GET", "POST"])
@login_required_any
def edit_entry(entry_id: int):
    """Change a draft or a returned entry (its lead)."""
    entry, seen = load_entry_or_404(entry_id, for_user=current_user)
    if not seen.lead:
        abort(404)
    form = _entry_form(entry.competition, entry)
    if form.validate_on_submit():
        saved, _result = commit_or_form_error(
            form, lambda: services.update_entry(entry, actor=current_user, data=_data(form)),
            field="title", success=_("Saved."))
        if saved:
            return redirect(_entry_url(entry))
    return render_template("innovation/edit.html", form=form, competition=entry.competition, entry=entry)


@bp.route("/entries/<int:entry_id>")
@login_required_any
def entry(entry_id: int):
    """One entry: its facts, files and state, with the actions the viewer may take."""
    entry, seen = load_entry_or_404(entry_id, for_user=current_user)
    certificate = services.entry_certificate(entry, _my_worker_ids()) if seen.sees_names else None
    recommend_form = RecommendForm()
    recommend_form.to_organization_id.choices = _ancestors(entry)
    return render_template(
        "innovation/entry.html", entry=entry, seen=seen, action_form=ActionForm(), upload_form=UploadForm(),
        implement_form=_implement_form(entry), recommend_form=recommend_form, certificate=certificate,
        result=services.published_result(entry) if seen.sees_names else None,
        entrant_actions=rules.possible_actions(entry.status, rules.ENTRANT_ACTIONS) if seen.lead else [],
        unit_actions=rules.possible_actions(entry.status, rules.UNIT_ACTIONS) if seen.unit else [],
        outcome_actions=[a for a in rules.possible_actions(entry.status, ("adopt", "decline", "revert"))]
        if seen.organizer else [],
        needs_reason=rules.NEEDS_REASON)


def _ancestors(entry: InnovationEntry) -> list[tuple[int, str]]:
    org, found = entry.competition.organization.parent, []
    while org is not None:
        found.append((org.id, org.name))
        org = org.parent
    return found


@bp.route("/entries/<int:entry_id>/entrant", methods=["POST"])
@login_required_any
def entrant_action(entry_id: int):
    """Submit, withdraw or reopen the entry (its lead)."""
    entry, seen = load_entry_or_404(entry_id, for_user=current_user)
    if not seen.lead:
        abort(404)
    form = ActionForm()
    if form.validate_on_submit():
        commit_or_flash(lambda: services.entrant_action(entry, form.action.data, actor=current_user, now=utcnow()),
                        _done(form.action.data))
    return redirect(_entry_url(entry))


def _done(action: str) -> str:
    from competitions.labels import label

    return _("Done: the entry is %(action)s.", action=label("innovation_action", action))


@bp.route("/entries/<int:entry_id>/unit", methods=["POST"])
@role_required("organizer")
def unit_action(entry_id: int):
    """The unit's pre-review: pass the entry on, return it with a reason, or take a pass back."""
    entry, seen = load_entry_or_404(entry_id, for_user=current_user)
    if not seen.unit:
        abort(404)
    form = ActionForm()
    if form.validate_on_submit():
        commit_or_flash(lambda: services.unit_action(entry, form.action.data, actor=current_user,
                                                     reason=form.reason.data or "", now=utcnow()),
                        _done(form.action.data))
    return redirect(_entry_url(entry))


@bp.route("/entries/<int:entry_id>/outcome", methods=["POST"])
@role_required("organizer")
def outcome_action(entry_id: int):
    """Adopt, decline or revert (the contest's organizers)."""
    entry, seen = load_entry_or_404(entry_id, for_user=current_user)
    if not seen.organizer:
        abort(404)
    form = ActionForm()
    if form.validate_on_submit():
        commit_or_flash(lambda: services.outcome_action(entry, form.action.data, actor=current_user,
                                                        reason=form.reason.data or "", note=form.note.data or "",
                                                        now=utcnow()),
                        _done(form.action.data))
    return redirect(_entry_url(entry))


@bp.route("/entries/<int:entry_id>/implement", methods=["POST"])
@role_required("organizer")
def implement(entry_id: int):
    """Record the implementation with the realized benefit and an evidence file."""
    entry, seen = load_entry_or_404(entry_id, for_user=current_user)
    if not seen.organizer:
        abort(404)
    form = ImplementForm()
    if form.validate_on_submit():
        if form.changed_meanwhile(entry):
            return redirect(_entry_url(entry))
        upload = _upload(form.evidence.data)
        saved, _result = commit_or_form_error(
            form, lambda: services.implement(entry, actor=current_user, implemented_on=form.implemented_on.data,
                                             realized_yuan=form.realized_benefit_yuan.data,
                                             note=form.realized_benefit_note.data or "", evidence=upload,
                                             now=utcnow()),
            field="realized_benefit_yuan", success=_("Implementation recorded."))
        if saved:
            return redirect(_entry_url(entry))
    else:
        flash(_("Some fields need attention; nothing was saved."), "error")
    return _entry_page_with(entry, implement_form=form)


def _implement_form(entry: InnovationEntry) -> ImplementForm:
    """The implementation form, holding the recorded values when it corrects them."""
    if entry.status != "implemented":
        form = ImplementForm(formdata=None)
    else:
        form = ImplementForm(formdata=None, implemented_on=entry.implemented_on,
                             realized_benefit_yuan=entry.realized_benefit_yuan,
                             realized_benefit_note=entry.realized_benefit_note)
    form.show_version(entry)
    return form


def _entry_page_with(entry: InnovationEntry, **forms):
    """The entry page again with a form's errors shown (status 422, nothing saved)."""
    _entry, seen = load_entry_or_404(entry.id, for_user=current_user)
    recommend_form = forms.pop("recommend_form", RecommendForm())
    recommend_form.to_organization_id.choices = _ancestors(entry)
    page = render_template(
        "innovation/entry.html", entry=entry, seen=seen, action_form=ActionForm(),
        upload_form=forms.get("upload_form", UploadForm()),
        implement_form=forms.get("implement_form") or _implement_form(entry),
        recommend_form=recommend_form, certificate=None, result=None,
        entrant_actions=rules.possible_actions(entry.status, rules.ENTRANT_ACTIONS) if seen.lead else [],
        unit_actions=rules.possible_actions(entry.status, rules.UNIT_ACTIONS) if seen.unit else [],
        outcome_actions=rules.possible_actions(entry.status, ("adopt", "decline", "revert")) if seen.organizer else [],
        needs_reason=rules.NEEDS_REASON)
    return page, 422


@bp.route("/entries/<int:entry_id>/recommend", methods=["POST"])
@role_required("organizer")
def recommend(entry_id: int):
    """Recommend the entry to the next level up, or take the recommendation back (action "withdraw")."""
    entry, seen = load_entry_or_404(entry_id, for_user=current_user)
    if not seen.organizer:
        abort(404)
    if request.form.get("action") == "withdraw":
        form = ActionForm()
        if form.validate_on_submit():
            commit_or_flash(lambda: services.unrecommend(entry, actor=current_user, reason=form.reason.data or ""),
                            _("The recommendation is taken back."))
        return redirect(_entry_url(entry))
    form = RecommendForm()
    form.to_organization_id.choices = _ancestors(entry)
    if form.validate_on_submit():
        commit_or_flash(lambda: services.recommend(entry, actor=current_user,
                                                   to_organization_id=form.to_organization_id.data,
                                                   note=form.note.data or "", now=utcnow()),
                        _("Recommended."))
    else:
        flash(_("Choose the organization to recommend to."), "error")
    return redirect(_entry_url(entry))


# ---- files -------------------------------------------------------------------------------------------

def _upload(storage) -> services.Upload | None:
    if storage is None or not getattr(storage, "filename", None):
        return None
    return services.Upload(data=storage.read(), filename=storage.filename)


@bp.route("/entries/<int:entry_id>/files", methods=["POST"])
@login_required_any
def upload(entry_id: int):
    """Add one file to a draft or returned entry (its lead)."""
    entry, seen = load_entry_or_404(entry_id, for_user=current_user)
    if not seen.lead:
        abort(404)
    form = UploadForm()
    incoming = _upload(form.file.data) if form.validate_on_submit() else None
    if incoming is None:
        form.file.errors = [*form.file.errors, _("Choose a file to upload.")]
        return _entry_page_with(entry, upload_form=form)
    try:
        services.add_attachment(entry, actor=current_user, upload=incoming)
    except CompetitionError as error:
        db.session.rollback()
        add_form_error(form, error, "file")
        return _entry_page_with(entry, upload_form=form)
    db.session.commit()
    flash(_("File added."), "success")
    return redirect(_entry_url(entry))


@bp.route("/files/<int:attachment_id>/delete", methods=["POST"])
@login_required_any
def delete_file(attachment_id: int):
    """Remove a file from a draft or returned entry (its lead)."""
    attachment, seen = load_attachment_or_404(attachment_id, for_user=current_user)
    if not seen.lead:
        abort(404)
    entry = attachment.entry
    form = ActionForm()
    if form.validate_on_submit():
        commit_or_flash(lambda: services.remove_attachment(attachment, actor=current_user), _("File removed."))
    return redirect(_entry_url(entry))


@bp.route("/files/<int:attachment_id>")
@login_required_any
def download(attachment_id: int):
    """A file of an entry, always as a download (never rendered in the browser), to those who may see it."""
    attachment, _seen = load_attachment_or_404(attachment_id, for_user=current_user)
    try:
        data = files.read(attachment.stored_name)
    except (OSError, ValueError):
        abort(404)
    response = send_file(BytesIO(data), mimetype=attachment_rules.CONTENT_TYPES[attachment.kind],
                         as_attachment=True, download_name=attachment.filename, max_age=0)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["Cache-Control"] = "private, no-store"
    return response


# ---- reviewers ---------------------------------------------------------------------------------------

@bp.route("/review")
@role_required("organizer")
def review():
    """The unit's pre-review queue: submitted entries from units in my subtree; and entries recommended to me."""
    organization = current_user.organization
    if organization is None and not current_user.has_role("admin"):
        abort(404)
    root = organization or db.session.execute(
        select(Organization).where(Organization.parent_id.is_(None)).order_by(Organization.id)).scalars().first()
    waiting = services.entries_for_unit(root) if root else []
    returned = services.entries_for_unit(root, statuses=("returned",)) if root else []
    return render_template("innovation/review.html", waiting=waiting, returned=returned,
                           contests=services.managed_contests(current_user),
                           recommended=services.recommended_to(root) if root else [], action_form=ActionForm())


@bp.route("/contests/<int:contest_id>")
@role_required("organizer")
def contest(contest_id: int):
    """Every entry of a contest with its state, score rank and outcome, and the totals for the report."""
    competition = load_competition_or_404(contest_id, for_user=current_user)
    if competition.kind != "innovation":
        abort(404)
    return render_template("innovation/contest.html", competition=competition,
                           entries=services.entries_of_competition(competition.id),
                           totals=services.totals(competition.id))


@bp.route("/expert")
@role_required("judge")
def expert():
    """The entries of the tracks I review as an expert (those I am recused from are listed, closed)."""
    return render_template("innovation/expert.html", entries=services.expert_entries(current_user))


@bp.route("/entries/<int:entry_id>/certificate.pdf")
@login_required_any
def certificate(entry_id: int):
    """The entry's award certificate as PDF, for every member of its team and its organizers."""
    from competitions.certificates import services as certificates

    entry, seen = load_entry_or_404(entry_id, for_user=current_user)
    language = request.args.get("lang", "zh")
    if not seen.sees_names or language not in certificates.LANGUAGES:
        abort(404)
    issued = services.entry_certificate(entry, _my_worker_ids())
    if issued is None:
        abort(404)
    data = certificates.certificate_pdf_bytes(issued, language)
    return send_file(BytesIO(data), mimetype="application/pdf", as_attachment=True,
                     download_name=certificates.file_name(issued, language), max_age=0)
