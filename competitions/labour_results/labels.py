"""Names shown for the labour publication side's stored codes (added to ``competitions.labels.LABELS``)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from competitions.labels import LABELS

LABELS.update({
    "labour_honour": {"advanced_collective": _l("Advanced collective"), "workers_pioneer": _l("Workers' Pioneer"),
                      "advanced_individual": _l("Advanced individual")},
    "labour_honour_status": {"awarded": _l("Awarded"), "nominated": _l("Nominated"), "confirmed": _l("Confirmed"),
                             "rejected": _l("Rejected"), "withdrawn": _l("Withdrawn"),
                             "revoked": _l("Withdrawn for cause")},
    "labour_publication_status": {"published": _l("Published"), "withdrawn": _l("Unpublished"),
                                  "corrected": _l("Corrected (replaced)")},
    "veto_placement": {"unplaced": _l("Listed after the ranked units, without a place"),
                       "last": _l("Ranked last (after every unit without a veto)")},
    "flag_on_tie": {"none": _l("Nobody receives the flag when the top is tied"),
                    "shared": _l("Tied top units hold the flag jointly")},
    "no_flag_reason": {"no_eligible_unit": _l("No unit without a veto was assessed"),
                       "tied_top": _l("The best units are tied"),
                       "below_minimum": _l("The best unit scored below the minimum for the flag")},
    "money_ties": {"each": _l("Each tied unit receives the place's amount"),
                   "share": _l("Tied units share the amounts of the places they occupy")},
    "veto_money": {"nothing": _l("A vetoed unit receives and pays nothing"),
                   "penalty": _l("A vetoed unit pays the veto penalty"),
                   "last_place": _l("A vetoed unit is treated as last and pays the last-place penalty")},
    "money_reason": {"place": _l("Reward for the place"), "last_place": _l("Last-place penalty"),
                     "vetoed": _l("Veto penalty")},
    "combine": {"weighted_sum": _l("Weighted sum of period totals"),
                "weighted_mean": _l("Weighted mean of period totals")},
    "missing_period": {"zero": _l("Counts as 0 points"), "skip": _l("Left out")},
    "veto_count": {"zero": _l("Counts as 0 points"), "score": _l("Counts with its score"), "skip": _l("Left out")},
    "honours_bar": {"vetoed": _l("Barred from honours by vetoes"),
                    "withdrawn": _l("Withdrew from the competition: listed apart, without a place")},
    "cut_ties": {"include": _l("All units tied at the cut are honoured"),
                 "exclude": _l("No unit of a group tied across the cut is honoured")},
})
