"""Rounds pages: the organizer's and chief judge's page of a two-round event, and the public preliminary standing."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup, escape

from competitions.auth.permissions import public, role_required
from competitions.db import utcnow
from competitions.errors import commit_or_flash
from competitions.forms import Form as CsrfOnlyForm
from competitions.organize.models import Event
from competitions.organize.permissions import can_manage
from competitions.rounds import bp, labels, services
from competitions.rounds.forms import QualificationRuleForm, ReasonForm
from competitions.rounds.permissions import (
    can_qualify,
    load_event_for_rounds_or_404,
    load_published_standing_or_404,
    rounds_of,
)


@bp.app_template_global("round_badge")
def round_badge(event: Event) -> Markup:
    """A "Preliminary" / "Final" badge after an event's name wherever both rounds are listed ('' if single)."""
    if not event.round:
        return Markup("")
    return Markup(f' <span class="badge round round-{escape(event.round)}">{escape(labels.round_label(event.round))}'
                  "</span>")


def _flash_form_errors(form) -> None:
    """A rule form's field errors as messages on the rounds page (it redirects back there)."""
    for name, errors in form.errors.items():
        field = getattr(form, name, None)
        for message in errors:
            flash(f"{field.label.text}: {message}" if field is not None else message, "error")


def _back(event: Event):
    return redirect(url_for("rounds.event", event_id=event.id))


def _rule_form(final: Event | None) -> QualificationRuleForm:
    form = QualificationRuleForm(prefix="rule")
    rule = (final.qualification_rule if final is not None else None) or {}
    if rule.get("percent") is not None:
        form.mode.data, form.percent.data, form.rounding.data = "percent", rule["percent"], rule.get("rounding", "down")
    elif rule.get("top") is not None:
        form.mode.data, form.top.data = "top", rule["top"]
    return form


@bp.route("/events/<int:event_id>")
@role_required("organizer", "judge")
def event(event_id: int):
    """A two-round event: its rounds, the qualification rule, the preliminary's standing and qualification."""
    shown = load_event_for_rounds_or_404(event_id, for_user=current_user)
    preliminary, final = rounds_of(shown)
    standing = services.standing_of(preliminary.id) if final is not None else None
    manager = can_manage(current_user, preliminary.competition)
    reasons = {}
    if standing is not None:
        reasons = {e.id: labels.reason_text(e, standing.cut, standing.qualifier_count) for e in standing.entries}
    carried = [(p, p.carried_from) for p in final.parts if p.carried_from] if final is not None else []
    finalists = services.finalists_of(standing) if standing is not None and standing.status == "confirmed" else []
    return render_template(
        "rounds/event.html", preliminary=preliminary, final=final, standing=standing, reasons=reasons,
        manager=manager, qualifier=can_qualify(current_user, preliminary), rule_form=_rule_form(final),
        reason_form=ReasonForm(prefix="undo"), compute_form=ReasonForm(prefix="compute"), csrf_form=CsrfOnlyForm(),
        rule_text=labels.rule_text(final.qualification_rule if final is not None else {}), carried=carried,
        began=final is not None and services.final_begun(final), status_label=labels.STATUSES,
        part_names={p.code: p.name for p in preliminary.parts}, finalists=finalists,
    )


@bp.route("/events/<int:event_id>/create", methods=["POST"])
@role_required("organizer")
def create(event_id: int):
    """Hold an event in two rounds: it becomes the preliminary and its final is added with the qualification rule."""
    preliminary = load_event_for_rounds_or_404(event_id, for_user=current_user, manage=True)
    form = QualificationRuleForm(prefix="rule")
    if not form.validate_on_submit():
        _flash_form_errors(form)
        return _back(preliminary)
    commit_or_flash(lambda: services.create_final(preliminary, rule=services.rule_json(**form.rule_values()),
                                                  actor_id=current_user.id),
                    _("The event is now held in a preliminary and a final. Set the final's marking scheme."))
    return _back(preliminary)


@bp.route("/events/<int:event_id>/rule", methods=["POST"])
@role_required("organizer")
def rule(event_id: int):
    """Change the final's qualification rule (with a reason once the standing is computed)."""
    shown = load_event_for_rounds_or_404(event_id, for_user=current_user, manage=True)
    _preliminary, final = rounds_of(shown)
    if final is None:
        abort(404)
    form = QualificationRuleForm(prefix="rule")
    if not form.validate_on_submit():
        _flash_form_errors(form)
        return _back(shown)
    commit_or_flash(lambda: services.set_rule(final, services.rule_json(**form.rule_values()),
                                              actor_id=current_user.id, reason=form.reason.data or ""),
                    _("The qualification rule has been saved."))
    return _back(shown)


@bp.route("/events/<int:event_id>/remove", methods=["POST"])
@role_required("organizer")
def remove(event_id: int):
    """Hold the event once again: the final is removed (only before judging)."""
    shown = load_event_for_rounds_or_404(event_id, for_user=current_user, manage=True)
    preliminary, final = rounds_of(shown)
    if final is None or not CsrfOnlyForm().validate_on_submit():
        abort(400 if final is not None else 404)
    if commit_or_flash(lambda: services.remove_final(final, actor_id=current_user.id),
                       _("The final has been removed; the event is held once.")):
        return _back(preliminary)
    return _back(shown)


@bp.route("/events/<int:event_id>/compute", methods=["POST"])
@role_required("organizer", "judge")
def compute(event_id: int):
    """Compute the preliminary's standing and the qualification (again, with a reason)."""
    shown = load_event_for_rounds_or_404(event_id, for_user=current_user, act=True)
    preliminary, final = rounds_of(shown)
    form = ReasonForm(prefix="compute")
    if final is None or not form.validate_on_submit():
        abort(400 if final is not None else 404)
    commit_or_flash(lambda: services.compute_qualification(preliminary, actor_id=current_user.id, now=utcnow(),
                                                           reason=form.reason.data or ""),
                    _("The preliminary's standing and the qualification have been computed; check and confirm."))
    return _back(shown)


@bp.route("/events/<int:event_id>/confirm", methods=["POST"])
@role_required("organizer", "judge")
def confirm(event_id: int):
    """Confirm the qualification: the qualifiers are entered in the final and its stations drawn."""
    shown = load_event_for_rounds_or_404(event_id, for_user=current_user, act=True)
    preliminary, final = rounds_of(shown)
    standing = services.standing_of(preliminary.id) if final is not None else None
    if standing is None or not CsrfOnlyForm().validate_on_submit():
        abort(404 if standing is None else 400)
    commit_or_flash(lambda: services.confirm_qualification(standing, actor=_user(), now=utcnow()),
                    _("The qualification is confirmed: the qualifiers are entered in the final and their stations"
                      " drawn."))
    return _back(shown)


@bp.route("/events/<int:event_id>/undo", methods=["POST"])
@role_required("organizer", "judge")
def undo(event_id: int):
    """Undo the qualification (with a reason) until the final has begun."""
    shown = load_event_for_rounds_or_404(event_id, for_user=current_user, act=True)
    preliminary, final = rounds_of(shown)
    standing = services.standing_of(preliminary.id) if final is not None else None
    form = ReasonForm(prefix="undo")
    if standing is None or not form.validate_on_submit():
        abort(404 if standing is None else 400)
    commit_or_flash(lambda: services.undo_qualification(standing, actor_id=current_user.id,
                                                        reason=form.reason.data or ""),
                    _("The qualification has been undone; the final has no entrants until it is confirmed again."))
    return _back(shown)


@bp.route("/events/<int:event_id>/publish", methods=["POST"])
@role_required("organizer")
def publish(event_id: int):
    """Publish the preliminary's standing with the qualification (public page)."""
    shown = load_event_for_rounds_or_404(event_id, for_user=current_user, manage=True)
    preliminary, final = rounds_of(shown)
    standing = services.standing_of(preliminary.id) if final is not None else None
    if standing is None or not CsrfOnlyForm().validate_on_submit():
        abort(404 if standing is None else 400)
    commit_or_flash(lambda: services.publish_standing(standing, actor_id=current_user.id, now=utcnow()),
                    _("The preliminary's standing is published."))
    return _back(shown)


@bp.route("/public/events/<int:event_id>")
@public
def public_standing(event_id: int):
    """The published standing of a preliminary with who qualified for the final and why (no ID numbers)."""
    preliminary, standing = load_published_standing_or_404(event_id)
    final = services.final_of(preliminary)
    reasons = {e.id: labels.reason_text(e, standing.cut, standing.qualifier_count) for e in standing.entries}
    return render_template("rounds/public.html", preliminary=preliminary, final=final, standing=standing,
                           reasons=reasons, rule_text=labels.rule_text(standing.rule),
                           parts=list(preliminary.parts))


def _user():
    """The signed-in user as a row (services record who confirmed and who drew)."""
    from competitions.auth.models import User
    from competitions.extensions import db

    return db.session.get(User, current_user.id)
