"""Promotion pages: rule sets and their rule form, evaluation and review per competition, roster, worker history."""

from __future__ import annotations

import json
from collections import defaultdict

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from competitions.auth.permissions import role_required
from competitions.db import utcnow
from competitions.domain import promotion_rule_sets as documents
from competitions.domain.errors import CompetitionError, ValidationErrors
from competitions.domain.inputs import parse_id
from competitions.errors import commit_or_flash, flash_error
from competitions.extensions import db
from competitions.forms import flash_form_errors
from competitions.i18n import translate
from competitions.labels import label
from competitions.organize.models import Competition, Event
from competitions.organize.permissions import scope_competitions
from competitions.orgs.models import Worker
from competitions.promotion import bp, history, rules, services
from competitions.promotion.exports import disposition, roster_data, roster_xlsx
from competitions.promotion.forms import AssignForm, ImportForm, ReviewForm, RuleForm, RuleSetForm
from competitions.promotion.models import PromotionFlag
from competitions.promotion.pdf import roster_pdf
from competitions.promotion.permissions import load_competition_or_404, load_rule_set_or_404, load_worker_or_404
from competitions.registration.permissions import own_worker


@bp.app_template_global("promotion_message")
def _promotion_message(stored) -> str:
    """A stored decision message in the reader's language."""
    return services.message_text(stored)


@bp.app_template_global("describe_rule")
def describe_rule(rule: dict) -> str:
    """A rule as one sentence in the reader's language, as it would be published."""
    scope, sel, cond = rule["scope"], rule["selection"], rule["conditions"]
    where = [", ".join(label("level", v) for v in scope["levels"]) or _("every level"),
             ", ".join(label("class", v) for v in scope["classes"]),
             ", ".join(label("kind", v) for v in scope["kinds"]) or _("every kind")]
    parts = [_("In %(where)s competitions", where=" · ".join(w for w in where if w))]
    if scope["groups"]:
        parts.append(_("%(groups)s group", groups=", ".join(label("group", g) for g in scope["groups"])))
    if scope["trades"]:
        parts.append(_("trades %(trades)s", trades=", ".join(scope["trades"])))
    kind = sel["kind"]
    if kind == "rank":
        who = _("places %(first)s to %(last)s", first=sel["rank_from"], last=sel["rank_to"])
    elif kind == "fraction":
        who = _("from place %(first)s down to %(fraction)s of the %(base)s (rounded %(rounding)s)",
                first=sel["rank_from"], fraction=sel["fraction"], base=label("fraction_of", sel["fraction_of"]),
                rounding=label("rounding", sel["rounding"]))
        if sel["rank_to"]:
            who += _(", at most place %(last)s", last=sel["rank_to"])
    elif kind == "award":
        who = _("winners of %(prizes)s", prizes=", ".join(label("prize", p) for p in sel["prizes"]))
    elif kind == "score":
        who = _("competitors scoring at least %(score)s", score=sel["min_score"])
    else:
        who = _("members of the teams placed %(first)s to %(last)s", first=sel["rank_from"], last=sel["rank_to"])
    conditions = []
    if cond["passed_every_part"]:
        conditions.append(_("passed every part"))
    if cond["min_total"]:
        conditions.append(_("total at least %(total)s", total=cond["min_total"]))
    if cond["level_relation"]:
        conditions.append(_("current level %(relation)s %(level)s", relation=label("level_relation",
                                                                                  cond["level_relation"]),
                            level=label("promotion_level", cond["level"])))
    if cond["min_age"] is not None:
        conditions.append(_("aged %(age)s or over", age=cond["min_age"]))
    if cond["max_age"] is not None:
        conditions.append(_("aged %(age)s and under", age=cond["max_age"]))
    if cond["person"] != "any":
        conditions.append(label("person", cond["person"]))
    if cond["once_per_year"]:
        conditions.append(_("once per calendar year"))
    outcomes = [_describe_outcome(o) for o in rule["outcomes"]]
    sentence = "; ".join(parts) + ": " + who
    if conditions:
        sentence += " — " + ", ".join(conditions)
    return sentence + " → " + "; ".join(outcomes)


def _describe_outcome(o: dict) -> str:
    level, cap = label("promotion_level", o["level"]), label("promotion_level", o["cap"])
    text = {
        "level": lambda: level,
        "level_or_next": lambda: _("%(level)s, or one level up if already at or above it", level=level),
        "one_up": lambda: _("one level up"),
        "hold": lambda: _("no promotion for those already at or above %(level)s", level=level),
        "honour": lambda: _("the title %(title)s", title=o["title"]),
        "nomination": lambda: _("a nomination for %(title)s", title=o["title"]),
    }[o["kind"]]()
    if o.get("cap") and o["kind"] in ("level_or_next", "one_up"):
        text += _(" (no higher than %(cap)s)", cap=cap)
    if o["kind"] != "hold":
        text += " · " + (_("subject to review") if o["review"] else _("automatic"))
    return text


# --- rule sets ----------------------------------------------------------------------------------


@bp.route("/")
@role_required("organizer")
def index():
    """Competitions with final results the organizer manages, with their flags; links to the rule sets."""
    stmt = scope_competitions(select(Competition), current_user).where(Competition.status.in_(("results",
                                                                                                "archived")))
    competitions = db.session.execute(stmt.order_by(Competition.year.desc(), Competition.id.desc()).limit(200)
                                      ).scalars().all()
    counts = defaultdict(dict)
    if competitions:
        for cid, status, n in db.session.execute(
            select(PromotionFlag.competition_id, PromotionFlag.status, db.func.count())
            .where(PromotionFlag.competition_id.in_([c.id for c in competitions]))
            .group_by(PromotionFlag.competition_id, PromotionFlag.status)
        ):
            counts[cid][status] = n
    return render_template("promotion/index.html", competitions=competitions, counts=counts)


@bp.route("/rules")
@role_required("organizer")
def rule_sets():
    """The rule sets the organizer can see, a new one (empty or from a preset), and an import."""
    return render_template("promotion/rule_sets.html", rule_sets=rules.visible_rule_sets(current_user),
                           form=RuleSetForm(), import_form=ImportForm(), may_edit=rules.may_edit)


@bp.route("/rules/new", methods=["POST"])
@role_required("organizer")
def rule_set_new():
    """Create a rule set, empty or copied from a national preset."""
    form = RuleSetForm()
    if not form.validate_on_submit():
        flash(_("Give the rule set a name."), "error")
        return redirect(url_for("promotion.rule_sets"))
    org_id = current_user.organization_id
    try:
        if form.preset.data:
            row = rules.load_preset(form.preset.data, organization_id=org_id, actor_id=current_user.id)
            if form.name.data and form.name.data.strip():
                row.name = form.name.data.strip()
        else:
            row = rules.create_rule_set(name=form.name.data or "", issuer=form.issuer.data or "",
                                        description=form.description.data or "", organization_id=org_id,
                                        actor_id=current_user.id)
    except CompetitionError as error:
        flash_error(error)
        return redirect(url_for("promotion.rule_sets"))
    db.session.commit()
    flash(_("The rule set is saved. Check its rules, then activate it."), "success")
    return redirect(url_for("promotion.rule_set", rule_set_id=row.id))


@bp.route("/rules/import", methods=["POST"])
@role_required("organizer")
def rule_set_import():
    """Import a rule set file; a broken file changes nothing and every problem is listed."""
    form = ImportForm()
    if not form.validate_on_submit():
        flash(_("Choose a rule set file (JSON)."), "error")
        return redirect(url_for("promotion.rule_sets"))
    data = form.file.data.read(rules.MAX_IMPORT_BYTES + 1)
    try:
        row = rules.import_rule_set(data, organization_id=current_user.organization_id, actor_id=current_user.id)
    except ValidationErrors as error:
        db.session.rollback()
        return render_template("promotion/rule_sets.html", rule_sets=rules.visible_rule_sets(current_user),
                               form=RuleSetForm(), import_form=form, may_edit=rules.may_edit,
                               import_problems=_problem_texts(error)), 422
    except CompetitionError as error:
        flash_error(error)
        return redirect(url_for("promotion.rule_sets"))
    db.session.commit()
    flash(_("Rule set imported with %(count)s rule(s). It is not active yet.",
            count=len(row.document.get("rules", []))), "success")
    return redirect(url_for("promotion.rule_set", rule_set_id=row.id))


def _problem_texts(error: ValidationErrors) -> list[str]:
    return [translate(p["message"], p.get("params")) for p in error.problems]


@bp.route("/rules/<int:rule_set_id>")
@role_required("organizer")
def rule_set(rule_set_id: int):
    """A rule set's rules as sentences, with edit, activate and export."""
    row = load_rule_set_or_404(rule_set_id, for_user=current_user)
    return render_template("promotion/rule_set.html", row=row, rules_=row.document.get("rules", []),
                           editable=rules.may_edit(current_user, row))


@bp.route("/rules/<int:rule_set_id>/active", methods=["POST"])
@role_required("organizer")
def rule_set_active(rule_set_id: int):
    """Activate or deactivate a rule set."""
    row = load_rule_set_or_404(rule_set_id, for_user=current_user, edit=True)
    active = request.form.get("active") == "1"
    commit_or_flash(lambda: rules.set_active(row, active, actor_id=current_user.id),
                    _("The rule set is active.") if active else _("The rule set is inactive."))
    return redirect(url_for("promotion.rule_set", rule_set_id=row.id))


@bp.route("/rules/<int:rule_set_id>/export.json")
@role_required("organizer")
def rule_set_export(rule_set_id: int):
    """Download the rule set as a versioned JSON document."""
    row = load_rule_set_or_404(rule_set_id, for_user=current_user)
    body = json.dumps(rules.export_document(row), ensure_ascii=False, indent=2) + "\n"
    name = f"promotion-rules-{row.id}-v{row.version}.json"
    return Response(body, mimetype="application/json",
                    headers={"Content-Disposition": f"attachment; filename={name}"})


@bp.route("/rules/<int:rule_set_id>/rule", methods=["GET", "POST"], defaults={"key": None})
@bp.route("/rules/<int:rule_set_id>/rule/<key>", methods=["GET", "POST"])
@role_required("organizer")
def rule_edit(rule_set_id: int, key: str | None):
    """The rule form: add a rule or change one; the whole set is checked when saved."""
    row = load_rule_set_or_404(rule_set_id, for_user=current_user, edit=True)
    existing = next((r for r in row.document.get("rules", []) if r["key"] == key), None) if key else None
    if key and existing is None:
        flash(_("This rule no longer exists."), "error")
        return redirect(url_for("promotion.rule_set", rule_set_id=row.id))
    form = RuleForm()
    if request.method == "GET":
        if existing:
            form.load(existing)
        else:
            form.key.data = f"R{len(row.document.get('rules', [])) + 1}"
    problems: list[str] = []
    if form.validate_on_submit():
        try:
            rule = documents.rule_from_dict(form.document(), 1)
            rules.save_rule(row, rule, original_key=key, actor_id=current_user.id)
        except ValidationErrors as error:
            db.session.rollback()
            problems = _mark_fields(form, error)
        except CompetitionError as error:
            db.session.rollback()
            problems = [translate(error.message, error.params)]
        else:
            db.session.commit()
            flash(_("The rule is saved."), "success")
            return redirect(url_for("promotion.rule_set", rule_set_id=row.id))
    status = 422 if request.method == "POST" else 200
    return render_template("promotion/rule_form.html", row=row, form=form, key=key, problems=problems), status


def _mark_fields(form: RuleForm, error: ValidationErrors) -> list[str]:
    """Put each problem on the field it names (outcome fields on every outcome row); the texts for the top."""
    texts = []
    for problem in error.problems:
        text = translate(problem["message"], problem.get("params"))
        texts.append(text)
        name = problem.get("field")
        if name in ("title", "cap") or (name == "level" and "ladder" in problem["message"]):
            for row in form.outcomes:
                if row.kind.data:
                    getattr(row, name).errors = [*getattr(row, name).errors, text]
            continue
        field = getattr(form, {"kind": "selection_kind", "outcome": "outcomes"}.get(name, name or ""), None)
        if field is not None and hasattr(field, "errors") and isinstance(field.errors, list):
            field.errors = [*field.errors, text]
    return texts


@bp.route("/rules/<int:rule_set_id>/rule/<key>/delete", methods=["POST"])
@role_required("organizer")
def rule_delete(rule_set_id: int, key: str):
    """Remove a rule from the set."""
    row = load_rule_set_or_404(rule_set_id, for_user=current_user, edit=True)
    commit_or_flash(lambda: rules.delete_rule(row, key, actor_id=current_user.id), _("The rule is removed."))
    return redirect(url_for("promotion.rule_set", rule_set_id=row.id))


# --- evaluation and review ------------------------------------------------------------------------


@bp.route("/competitions/<int:competition_id>")
@role_required("organizer")
def competition(competition_id: int):
    """Flags per event with bulk review, the last run and what it changed, every competitor's decision."""
    comp = load_competition_or_404(competition_id, for_user=current_user)
    status = request.args.get("status", "")
    stmt = select(PromotionFlag, Worker.name).join(Worker, Worker.id == PromotionFlag.worker_id).where(
        PromotionFlag.competition_id == comp.id)
    if status in ("pending", "approved", "rejected", "withdrawn"):
        stmt = stmt.where(PromotionFlag.status == status)
    flags = defaultdict(list)
    for flag, name in db.session.execute(stmt.order_by(PromotionFlag.event_id, PromotionFlag.rank,
                                                       PromotionFlag.id)).all():
        flags[flag.event_id].append((flag, name))
    stored = services.decisions_of(comp.id)
    people = _worker_names({d.worker_id for lines in stored.values() for d in lines})
    decisions = {event_id: [(d, people.get(d.worker_id, "")) for d in lines] for event_id, lines in stored.items()}
    chosen = rules.rule_sets_for([comp.id]).get(comp.id)
    assign_form = AssignForm()
    assign_form.rule_set_id.choices = [("", _("The organizers' active rule set"))] + [
        (str(r.id), f"{r.name} (v{r.version})") for r in rules.visible_rule_sets(current_user)]
    assigned = db.session.execute(select(rules.PromotionAssignment.rule_set_id).where(
        rules.PromotionAssignment.competition_id == comp.id)).scalar_one_or_none()
    assign_form.rule_set_id.data = str(assigned or "")
    run = services.latest_run(comp.id)
    names = _names_of(run)
    return render_template(
        "promotion/competition.html", competition=comp, events={e.id: e for e in comp.events}, flags=flags,
        decisions=decisions, run=run, run_names=names, final=services.final_snapshot(comp.id), rule_set=chosen,
        assign_form=assign_form, review_form=ReviewForm(), counts=services.flag_counts(comp.id), status=status,
        stale=services.needs_reevaluation(comp.id),
    )


def _worker_names(worker_ids: set[int]) -> dict[int, str]:
    """Names of these workers."""
    ids, out = sorted(worker_ids), {}
    for start in range(0, len(ids), 500):
        out.update(db.session.execute(select(Worker.id, Worker.name).where(Worker.id.in_(ids[start:start + 500]))
                                      ).all())
    return out


def _names_of(run) -> dict[int, str]:
    """Names of the competitors a run's changes mention."""
    if run is None:
        return {}
    ids = {item["registration_id"] for items in run.diff.values() if isinstance(items, list) for item in items}
    if not ids:
        return {}
    from competitions.registration.models import Registration

    return dict(db.session.execute(
        select(Registration.id, Worker.name).join(Worker, Worker.id == Registration.worker_id)
        .where(Registration.id.in_(ids))).all())


@bp.route("/competitions/<int:competition_id>/evaluate", methods=["POST"])
@role_required("organizer")
def evaluate(competition_id: int):
    """Evaluate (again) the final results; never duplicates a flag."""
    comp = load_competition_or_404(competition_id, for_user=current_user)
    commit_or_flash(lambda: services.evaluate_competition(comp, actor_id=current_user.id, trigger="manual",
                                                          now=utcnow()),
                    _("Promotion evaluated on the final results."))
    return redirect(url_for("promotion.competition", competition_id=comp.id))


@bp.route("/competitions/<int:competition_id>/rule-set", methods=["POST"])
@role_required("organizer")
def assign(competition_id: int):
    """Choose the rule set of a competition."""
    comp = load_competition_or_404(competition_id, for_user=current_user)
    form = AssignForm()
    raw = form.rule_set_id.data or ""
    target = None
    if raw:
        if parse_id(raw) is None:
            flash(_("Choose a rule set."), "error")
            return redirect(url_for("promotion.competition", competition_id=comp.id))
        target = load_rule_set_or_404(parse_id(raw), for_user=current_user).id
    if form.validate_on_submit():
        commit_or_flash(lambda: rules.assign_rule_set(comp, target, actor_id=current_user.id),
                        _("The competition's rule set is saved. Evaluate again to apply it."))
    return redirect(url_for("promotion.competition", competition_id=comp.id))


@bp.route("/competitions/<int:competition_id>/review", methods=["POST"])
@role_required("organizer")
def review(competition_id: int):
    """Approve or reject the chosen flags with a reason (audited, one row per flag)."""
    comp = load_competition_or_404(competition_id, for_user=current_user)
    form = ReviewForm()
    ids = [i for i in map(parse_id, request.form.getlist("flag_ids")) if i is not None]
    if not ids:
        flash(_("Choose at least one flag."), "error")
    elif not form.validate_on_submit():
        flash_form_errors(form, missing={"reason": _("Give the reason for the decision.")})
    else:
        commit_or_flash(lambda: services.decide_flags(comp, ids, form.decision.data, form.reason.data,
                                                      actor_id=current_user.id, now=utcnow()),
                        _("%(count)s flag(s) decided.", count=len(ids)))
    return redirect(url_for("promotion.competition", competition_id=comp.id))


@bp.route("/competitions/<int:competition_id>/roster.xlsx")
@role_required("organizer")
def roster_xlsx_download(competition_id: int):
    """The roster for the labour department as a spreadsheet (masked ID numbers)."""
    comp = load_competition_or_404(competition_id, for_user=current_user)
    data = roster_data(comp)
    return Response(roster_xlsx(data),
                    mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": disposition(data, "xlsx")})


@bp.route("/competitions/<int:competition_id>/roster.pdf")
@role_required("organizer")
def roster_pdf_download(competition_id: int):
    """The roster for the labour department as a PDF (masked ID numbers)."""
    comp = load_competition_or_404(competition_id, for_user=current_user)
    data = roster_data(comp)
    return Response(roster_pdf(data), mimetype="application/pdf",
                    headers={"Content-Disposition": disposition(data, "pdf")})


# --- worker history -------------------------------------------------------------------------------


@bp.route("/workers/<int:worker_id>")
@role_required("organizer")
def worker(worker_id: int):
    """The organizer's view of a worker's history across the years."""
    person = load_worker_or_404(worker_id, for_user=current_user)
    return render_template("promotion/history.html", worker=person, level=history.current_level(person),
                           lines=history.worker_history(person), own=False)


@bp.route("/mine")
@role_required("competitor")
def mine():
    """A worker's own history: every competition, result, prize, flag and promotion, and their current level."""
    person = own_worker(current_user)
    if person is None:
        return render_template("promotion/history.html", worker=None, level=None, lines=[], own=True)
    return render_template("promotion/history.html", worker=person, level=history.current_level(person),
                           lines=history.worker_history(person), own=True)


def event_name(event: Event) -> str:
    """An event's name with its group."""
    return f"{event.trade_name} · {label('group', event.group)}"
