"""The audit trail in the reader's language.

The trail stores stable codes: an action ("mark.update"), JSON values keyed by
field name ({"locked": true, "status": "in_progress"}), UTC timestamps. The
audit log page and its export show them as a clerk reads them: the action by
its name, each field by its label, true/false as yes/no, stored codes (a
status, a decision) by their label, and times in local time. A code without a
label is shown as stored, and ``tests/unit/test_i18n.py`` fails when an action
recorded anywhere in the code has none.
"""

from __future__ import annotations

import re
from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from competitions.labels import label

ACTIONS: dict[str, object] = {
    "appeal_decided": _l("Appeal decided"),
    "appeal_recorded": _l("Appeal recorded"),
    "calendar_day_removed": _l("Calendar day removed"),
    "calendar_day_set": _l("Calendar day set"),
    "certificate_batch_requested": _l("Certificate batch requested"),
    "certificate_design_saved": _l("Certificate design saved"),
    "certificate_participation_set": _l("Participation certificates set"),
    "certificate_reissued": _l("Certificate issued again after a manual revocation"),
    "certificate_revoked": _l("Certificate revoked"),
    "certificates_issued": _l("Certificates issued"),
    "competition.advance": _l("Competition moved on to judging"),
    "competition.close_registration": _l("Registration closed"),
    "competition.status": _l("Competition status changed"),
    "correction.accept": _l("Late correction accepted"),
    "correction.decline": _l("Late correction declined"),
    "correction.receive": _l("Late correction kept for the chief judge"),
    "event.cancel": _l("Event cancelled"),
    "event.lock": _l("Event signed off"),
    "event.unlock": _l("Event reopened"),
    "event_reopened": _l("Event reopened"),
    "innovation.adopt": _l("Innovation entry adopted"),
    "innovation.attach": _l("File added to an innovation entry"),
    "innovation.create": _l("Innovation entry created"),
    "innovation.decline": _l("Innovation entry not adopted"),
    "innovation.detach": _l("File removed from an innovation entry"),
    "innovation.implement": _l("Innovation entry implemented"),
    "innovation.implementation_corrected": _l("Innovation entry's implementation record corrected"),
    "innovation.pass": _l("Innovation entry passed by its unit"),
    "innovation.recommend": _l("Innovation entry recommended to the next level"),
    "innovation.reopen": _l("Innovation entry reopened"),
    "innovation.return": _l("Innovation entry returned by its unit"),
    "innovation.revert": _l("Innovation entry outcome reverted"),
    "innovation.submit": _l("Innovation entry submitted"),
    "innovation.unpass": _l("Innovation entry pass taken back"),
    "innovation.unrecommend": _l("Innovation entry recommendation taken back"),
    "innovation.update": _l("Innovation entry changed"),
    "innovation.withdraw": _l("Innovation entry withdrawn"),
    "job_run.cancelled": _l("Queued job run cancelled"),
    "job_run.requested": _l("Scheduled job run requested"),
    "judging.assign": _l("Judge assigned"),
    "judging.reassign": _l("Judge's assignment moved"),
    "judging.end_assignment": _l("Judge's assignment ended"),
    "judging.unassign": _l("Judge unassigned"),
    "labour.adjustment_void": _l("Bonus or deduction voided"),
    "labour.assessor_assign": _l("Assessor assigned"),
    "labour.assessor_unassign": _l("Assessor unassigned"),
    "labour.bonus": _l("Bonus recorded"),
    "labour.deduction": _l("Deduction recorded"),
    "labour.group_delete": _l("Indicator group deleted"),
    "labour.group_save": _l("Indicator group saved"),
    "labour.indicator_delete": _l("Indicator deleted"),
    "labour.indicator_save": _l("Indicator saved"),
    "labour.member_add": _l("Unit member added"),
    "labour.member_remove": _l("Unit member removed"),
    "labour.period_add": _l("Assessment period added"),
    "labour.period_assessed": _l("Period assessment closed"),
    "labour.period_delete": _l("Assessment period deleted"),
    "labour.period_reopen": _l("Period reopened"),
    "labour.period_sign_off": _l("Period signed off"),
    "labour.period_update": _l("Assessment period changed"),
    "labour.periods_generate": _l("Assessment periods generated"),
    "labour.score": _l("Assessment score entered"),
    "labour.score_correct": _l("Assessment score corrected"),
    "labour.scorecard_save": _l("Scorecard settings saved"),
    "labour.unit_add": _l("Participating unit added"),
    "labour.unit_reinstate": _l("Participating unit reinstated"),
    "labour.unit_update": _l("Participating unit changed"),
    "labour.unit_withdraw": _l("Participating unit withdrawn"),
    "labour.veto": _l("Veto item recorded"),
    "labour.veto_void": _l("Veto item voided"),
    "labour_honour_withdrawn": _l("Labour competition honour withdrawn"),
    "labour_honours_decided": _l("Labour competition honours decided"),
    "labour_individuals_nominated": _l("Advanced individuals nominated"),
    "labour_nomination_confirmed": _l("Advanced individual confirmed"),
    "labour_nomination_nominated": _l("Advanced individual nomination reopened"),
    "labour_nomination_rejected": _l("Advanced individual rejected"),
    "labour_nomination_withdrawn": _l("Advanced individual nomination withdrawn"),
    "labour_period_corrected": _l("Period ranking corrected"),
    "labour_period_published": _l("Period ranking published"),
    "labour_period_unpublished": _l("Period ranking unpublished"),
    "labour_rules_changed": _l("Labour competition rules changed"),
    "mark.create": _l("Mark entered"),
    "mark.update": _l("Mark corrected"),
    "mark.override": _l("Mark changed after sign-off"),
    "mark.void": _l("Mark voided"),
    "mark.withdraw": _l("Mark withdrawn"),
    "person.claim": _l("Person record claimed"),
    "person.claim_cancel": _l("Claim cancelled"),
    "person.claim_code": _l("Claim code issued"),
    "person.claim_reject": _l("Claim rejected"),
    "person.claim_request": _l("Claim requested"),
    "person.create": _l("Person record created"),
    "person.unlink": _l("Person record unlinked"),
    "person.update": _l("Person record changed"),
    "promotion_evaluated": _l("Promotion rules applied"),
    "promotion_flag_decided": _l("Promotion flag decided"),
    "promotion_rule_deleted": _l("Promotion rule deleted"),
    "promotion_rule_saved": _l("Promotion rule saved"),
    "promotion_rule_set_active": _l("Promotion rule set activated"),
    "promotion_rule_set_assigned": _l("Promotion rule set assigned"),
    "promotion_rule_set_created": _l("Promotion rule set created"),
    "recusal.conflict": _l("Conflict declared"),
    "recusal.override": _l("Recusal lifted"),
    "recusal.recheck": _l("Recusal checked again"),
    "recusal.restore": _l("Recusal restored"),
    "registration.create": _l("Registered"),
    "registration.decide": _l("Registration decided"),
    "registration.draw": _l("Stations drawn"),
    "registration.facts": _l("Registration facts frozen"),
    "registration.import": _l("Roster imported"),
    "registration.promote": _l("Moved up from the waiting list"),
    "registration.resubmit": _l("Rejected registration submitted again"),
    "registration.reveal_national_id": _l("ID number revealed"),
    "registration.withdraw": _l("Registration withdrawn"),
    "result_adjustment": _l("Time, deduction or disqualification recorded"),
    "result_part_absence": _l("Absence from a part recorded"),
    "result_part_absence_undo": _l("Absence from a part withdrawn"),
    "reading.keep": _l("Reading kept by the chief judge"),
    "reading.remeasure": _l("Re-measure ordered by the chief judge"),
    "result_team_aggregation": _l("Team score rule set"),
    "result_tie_decision": _l("Tie decided by the chief judge"),
    "result_tie_mode": _l("Tie mode set"),
    "results_computed": _l("Results computed"),
    "rounds.compute": _l("Preliminary standing and qualification computed"),
    "rounds.confirm": _l("Qualification to the final confirmed"),
    "rounds.create": _l("Event held in a preliminary and a final"),
    "rounds.publish": _l("Preliminary standing published"),
    "rounds.recompute": _l("Preliminary standing and qualification computed again"),
    "rounds.remove": _l("Final round removed"),
    "rounds.rule": _l("Qualification rule changed"),
    "rounds.undo": _l("Qualification to the final undone"),
    "results_finalized": _l("Results declared final"),
    "results_published": _l("Results published"),
    "sheet.reopen": _l("Sheet reopened"),
    "sheet.submit": _l("Sheet submitted"),
}

FIELDS: dict[str, object] = {
    "active": _l("active"), "appellant": _l("appellant"), "arrived_after": _l("arrived after"),
    "correction_id": _l("late correction"), "typed_at": _l("typed on the tablet"), "received_at": _l("received"),
    "at": _l("time"), "by_job": _l("by the scheduler"),
    "cancelled": _l("cancelled"), "chief": _l("chief judge"), "code": _l("code"), "created": _l("created"),
    "criteria": _l("criteria"), "criterion_id": _l("criterion"), "day": _l("day"), "decision": _l("decision"),
    "deduction_points": _l("deduction"), "deduction_reason": _l("reason for the deduction"),
    "disqualification_reason": _l("reason for the disqualification"), "disqualified": _l("disqualified"),
    "draw_id": _l("draw"), "judge": _l("judge"), "judge_id": _l("judge"), "kept": _l("marks kept"),
    "kind": _l("kind"), "locked": _l("locked"), "name": _l("name"), "notice_ends_at": _l("notice ends"),
    "order": _l("order"), "reason": _l("reason"), "registration_id": _l("competitor"), "source": _l("source"),
    "stations": _l("stations"), "status": _l("status"), "step": _l("step"), "subject": _l("subject"),
    "team": _l("team"), "tie_mode": _l("tie mode"), "time_used_seconds": _l("time used (s)"), "total": _l("total"),
    "value": _l("mark"), "version": _l("version"), "voided": _l("marks voided"), "waitlisted": _l("waiting list"),
    # labour competitions (assessment, set-up, publication), innovation entries, preliminary and final rounds
    "indicator": _l("indicator"), "period": _l("period"), "points": _l("points given"), "unit": _l("unit"),
    "unit_id": _l("unit"), "worker": _l("worker"), "worker_id": _l("worker"), "workers": _l("workers"),
    "role": _l("role"), "group_id": _l("indicator group"), "max_points": _l("maximum points"),
    "category": _l("category"), "document_ref": _l("document reference"), "flag": _l("red flag"),
    "cadence": _l("cadence"), "is_chief": _l("chief assessor"), "user_id": _l("user"), "count": _l("count"),
    "rule": _l("rule"), "cut": _l("qualifying cut"), "qualifiers": _l("qualifiers"),
    "preliminary": _l("preliminary round"), "final": _l("final round"), "recommended": _l("recommended"),
    "file": _l("file"), "published_at": _l("published at"),
}

# Which label family a stored code belongs to, by the field that holds it and the object it describes.
_CODE_FAMILIES = {("status", "competition"): "status", ("status", "registration"): "registration_status",
                  ("status", "innovation_entry"): "innovation_status",
                  ("arrived_after", "pending_correction"): "correction_arrival"}
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


def action_label(action: str) -> str:
    """An action's name in the reader's language (the stored code when it has none)."""
    return str(ACTIONS[action]) if action in ACTIONS else action


def field_label(key: str) -> str:
    """A field's label in the reader's language (the key when it has none)."""
    return str(FIELDS[key]) if key in FIELDS else key


def value_text(key: str, value, object_type: str, to_local) -> str:
    """One stored value as the reader reads it: yes/no, a label for a code, local time for a timestamp."""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if value is None:
        return "—"
    if isinstance(value, list):
        return ", ".join(value_text(key, v, object_type, to_local) for v in value)
    if isinstance(value, str):
        if key == "step":
            return action_label(value)
        family = _CODE_FAMILIES.get((key, object_type))
        if family:
            return label(family, value)
        if _ISO.match(value):
            try:
                return to_local(datetime.fromisoformat(value)).strftime("%Y-%m-%d %H:%M")
            except ValueError:
                return value
    return str(value)


def values_text(values: dict | None, object_type: str, to_local) -> str:
    """A stored JSON value as "label: value" pairs in the reader's language."""
    if not values:
        return ""
    return "; ".join(f"{field_label(k)}: {value_text(k, v, object_type, to_local)}" for k, v in sorted(values.items()))
