"""Promotion rules on worked examples: both national presets, ties at the cut-off, workers and students, levels
already reached, caps, once per year, failed parts, top fractions with odd and even counts, teams, validation and
the JSON documents."""

from __future__ import annotations

import json
from decimal import Decimal as D

import pytest

from competitions.domain import promotion as p
from competitions.domain import promotion_rule_sets as docs
from competitions.domain.errors import ValidationErrors

NATIONAL = p.CompetitionFacts(1, "全国职工职业技能大赛", 2026, "national", "I", "skills")
CITY = p.CompetitionFacts(2, "市职工技能大赛", 2026, "city", "I", "skills")


def _event(group="workers", tie_mode="shared", n=30, finalists=None):
    return {1: p.EventFacts(1, "ELEC", "电工", group, tie_mode, n, n if finalists is None else finalists)}


def _entry(rid, rank, *, level="senior", student=False, tied=False, prize=None, total=None, age=30, worker=None,
           failed=(), cj=False, dq=False, team=None, team_rank=None):
    return p.Entry(rid, worker or 100 + rid, 1, rank, D(total if total is not None else 100 - (rank or 99)),
                   tied=tied, decided_by_chief_judge=cj, disqualified=dq, prize=prize, current_level=level,
                   is_student=student, age=age, failed_parts=failed, team_name=team, team_rank=team_rank)


def _outcomes(decision):
    return [(a.kind, a.to_level or a.title) for a in decision.awards]


def _reasons(decision):
    return " | ".join(str(m) for m in decision.reasons)


# --- national workers' vocational skills contest ------------------------------------------------------

WORKERS = docs.preset_workers_contest()


@pytest.mark.parametrize("rank, level, expected", [
    (1, "senior", [("level", "technician"), ("honour", docs.NATIONAL_EXPERT)]),
    (5, "junior", [("level", "technician"), ("honour", docs.NATIONAL_EXPERT)]),
    (3, "technician", [("level", "senior_technician"), ("honour", docs.NATIONAL_EXPERT)]),  # already technician
    (2, "senior_technician", [("honour", docs.NATIONAL_EXPERT)]),                          # cap: nothing higher
    (6, "intermediate", [("level", "senior")]),
    (20, "senior", [("level", "technician")]),                                          # already senior worker
    (12, "technician", []),                                                             # cap: technician
    (21, "junior", []),
])
def test_workers_contest_workers_group(rank, level, expected):
    [decision] = p.evaluate(WORKERS, NATIONAL, _event(), [_entry(1, rank, level=level)])
    assert _outcomes(decision) == expected


def test_workers_contest_says_why_nothing_applied():
    [outside, capped] = p.evaluate(WORKERS, NATIONAL, _event(), [_entry(1, 21), _entry(2, 12, level="technician")])
    assert "place 21, outside places 1 to 5" in _reasons(outside)
    assert "place 21, outside places 6 to 20" in _reasons(outside)
    assert "already at technician, and the rule promotes no higher than technician" in _reasons(capped)
    # A rule that did select someone is not cluttered with the rules whose places it missed.
    [winner] = p.evaluate(WORKERS, NATIONAL, _event(), [_entry(3, 1)])
    assert winner.reasons == ()


@pytest.mark.parametrize("rank, level, expected", [
    (1, "intermediate", [("level", "senior")]),   # students: top 5 -> senior worker, no title
    (5, "junior", [("level", "senior")]),
    (4, "senior", []),                            # already senior worker: the named level gives nothing
    (6, "junior", []),
])
def test_workers_contest_students_group(rank, level, expected):
    [decision] = p.evaluate(WORKERS, NATIONAL, _event("students"), [_entry(1, rank, level=level, student=True)])
    assert _outcomes(decision) == expected


def test_a_student_in_a_workers_event_gets_nothing_and_is_told_why():
    [decision] = p.evaluate(WORKERS, NATIONAL, _event(), [_entry(1, 1, student=True)])
    assert decision.awards == ()
    assert "for workers only" in _reasons(decision)


def test_tie_for_fifth_with_shared_places_selects_everyone_sharing_it_and_says_so():
    entries = [_entry(i, r, tied=(r == 5)) for i, r in enumerate([1, 2, 3, 4, 5, 5, 5, 8], start=1)]
    decisions = p.evaluate(WORKERS, NATIONAL, _event(), entries)
    expert = [d.registration_id for d in decisions if ("honour", docs.NATIONAL_EXPERT) in _outcomes(d)]
    assert expert == [1, 2, 3, 4, 5, 6, 7]
    note = str(decisions[5].awards[0].notes[0])
    assert "tied for place 5 at the cut-off (place 5)" in note and "shared" in note
    assert decisions[0].awards[0].notes == ()
    assert _outcomes(decisions[7]) == [("level", "technician")]  # place 8: 6th-20th rule, senior -> technician


def test_tie_at_the_cut_off_without_tied_places_follows_the_chief_judges_order():
    # Places 5 and 6 had the same total; the chief judge ordered them (no tied places).
    entries = [_entry(1, 4, total=90), _entry(2, 5, total=88, cj=True), _entry(3, 6, total=88, cj=True)]
    five, six = p.evaluate(WORKERS, NATIONAL, _event(tie_mode="no_tied_places"), entries)[1:]
    assert ("honour", docs.NATIONAL_EXPERT) in _outcomes(five)
    assert "chief judge's recorded order decides" in str(five.awards[0].notes[0])
    assert ("honour", docs.NATIONAL_EXPERT) not in _outcomes(six)
    assert _outcomes(six) == [("level", "technician")]


def test_disqualified_competitor_gets_no_promotion():
    [decision] = p.evaluate(WORKERS, NATIONAL, _event(), [_entry(1, None, dq=True)])
    assert decision.awards == () and "Disqualified" in _reasons(decision)


def test_outside_the_scope_says_no_rule_covers_it():
    [decision] = p.evaluate(WORKERS, CITY, _event(), [_entry(1, 1)])
    assert decision.awards == () and "No rule of" in _reasons(decision)


# --- national skills contest (2020, 2023) ------------------------------------------------------------

SKILLS = docs.preset_skills_contest()


@pytest.mark.parametrize("rank, prize, level, expected", [
    (1, "first", "senior", [("level", "technician"), ("honour", docs.NATIONAL_EXPERT)]),
    (3, "third", "technician", [("level", "senior_technician"), ("honour", docs.NATIONAL_EXPERT)]),
    (5, "honourable", "junior", [("level", "technician"), ("honour", docs.NATIONAL_EXPERT)]),
    (7, "honourable", "senior", [("level", "technician")]),
    (7, "honourable", "senior_technician", []),
    (16, None, "senior", []),
])
def test_skills_contest(rank, prize, level, expected):
    [decision] = p.evaluate(SKILLS, NATIONAL, _event(), [_entry(1, rank, prize=prize, level=level)])
    assert _outcomes(decision) == expected


def test_skills_contest_without_a_prize_says_so():
    [decision] = p.evaluate(SKILLS, NATIONAL, _event(), [_entry(1, 16)])
    assert "no prize" in _reasons(decision)


# --- local rules -------------------------------------------------------------------------------------


def _rule(key="L1", selection=None, conditions=None, outcomes=None, scope=None, name=None):
    return p.Rule(key, name or key, scope or p.Scope(), selection or p.Selection(p.SelectionKind.RANK, 1, 10),
                  conditions or p.Conditions(), outcomes or (p.Outcome(p.OutcomeKind.ONE_UP, cap="technician"),))


def _set(*rules_):
    return p.RuleSet("local", tuple(rules_))


@pytest.mark.parametrize("level, expected", [
    ("apprentice", "junior"), ("intermediate", "senior"), ("senior", "technician"), ("technician", None),
])
def test_one_level_up_with_a_cap(level, expected):
    [decision] = p.evaluate(_set(_rule()), CITY, _event(), [_entry(1, 1, level=level)])
    assert _outcomes(decision) == ([("level", expected)] if expected else [])


@pytest.mark.parametrize("finalists, rounding, selected", [
    (7, "down", []), (7, "up", [4]), (7, "nearest", [4]),      # half of 7 = 3.5 -> 3 / 4 / 4 places
    (8, "down", [4]), (8, "up", [4]),                          # half of 8 = 4
    (9, "down", [4]), (9, "up", [4, 5]),                       # 4.5 -> 4 / 5
    (10, "down", [4, 5]),
])
def test_from_fourth_place_down_to_half_of_the_finalists(finalists, rounding, selected):
    rule = _rule(selection=p.Selection(p.SelectionKind.FRACTION, rank_from=4, fraction=D("0.5"),
                                       fraction_of="finalists", rounding=rounding))
    entries = [_entry(i, i, level="junior") for i in range(1, finalists + 1)]
    decisions = p.evaluate(_set(rule), CITY, _event(n=finalists), entries)
    assert [d.registration_id for d in decisions if d.awards] == selected


def test_top_fraction_counts_entrants_or_finalists():
    # 10 entrants, 2 disqualified: top 30 % of entrants = 3 places, of finalists 2.4 -> 2 (rounded down).
    rule_e = _rule("E", p.Selection(p.SelectionKind.FRACTION, fraction=D("0.3"), fraction_of="entrants"))
    rule_f = _rule("F", p.Selection(p.SelectionKind.FRACTION, fraction=D("0.3"), fraction_of="finalists"))
    entries = [_entry(i, i, level="junior") for i in range(1, 9)]
    entries += [_entry(9, None, dq=True), _entry(10, None, dq=True)]
    ev = _event(n=10, finalists=8)
    assert [d.registration_id for d in p.evaluate(_set(rule_e), CITY, ev, entries) if d.awards] == [1, 2, 3]
    assert [d.registration_id for d in p.evaluate(_set(rule_f), CITY, ev, entries) if d.awards] == [1, 2]
    outside = p.evaluate(_set(rule_f), CITY, ev, entries)[2]
    assert "the top 30% of 8 finalists (rounded down: 2 places)" in _reasons(outside)


@pytest.mark.parametrize("count, fraction, rounding, places", [
    (7, "0.5", "down", 3), (7, "0.5", "up", 4), (7, "0.5", "nearest", 4), (6, "0.5", "nearest", 3),
    (33, "0.3", "down", 9), (33, "0.3", "up", 10), (0, "0.5", "up", 0), (5, "1", "down", 5),
])
def test_top_fraction(count, fraction, rounding, places):
    assert p.top_fraction(count, D(fraction), rounding) == places


def test_failing_one_part_blocks_a_rule_that_asks_for_every_part():
    rule = _rule(conditions=p.Conditions(passed_every_part=True))
    failed = (p.FailedPart("理论知识", D("55"), D("60")),)
    [decision] = p.evaluate(_set(rule), CITY, _event(), [_entry(1, 1, failed=failed)])
    assert decision.awards == ()
    assert "理论知识 55 below the pass mark 60" in _reasons(decision)


def test_once_per_calendar_year_across_two_competitions():
    rule = _rule(conditions=p.Conditions(once_per_year=True))
    earlier = [p.PriorPromotion(101, 2026, 9, "区职工技能大赛")]
    [decision] = p.evaluate(_set(rule), CITY, _event(), [_entry(1, 1)], earlier)
    assert decision.awards == ()
    assert "already promoted through a competition in 2026 (区职工技能大赛)" in _reasons(decision)
    last_year = [p.PriorPromotion(101, 2025, 9, "区职工技能大赛")]
    assert p.evaluate(_set(rule), CITY, _event(), [_entry(1, 1)], last_year)[0].awards
    # The competition's own earlier flags never count against it (re-evaluation).
    same = [p.PriorPromotion(101, 2026, CITY.id, CITY.name)]
    assert p.evaluate(_set(rule), CITY, _event(), [_entry(1, 1)], same)[0].awards


def test_one_promotion_per_person_per_competition_keeps_the_highest():
    events = {1: p.EventFacts(1, "ELEC", "电工", "workers", "shared", 30, 30),
              2: p.EventFacts(2, "WELD", "焊工", "workers", "shared", 30, 30)}
    rule = _rule(selection=p.Selection(p.SelectionKind.RANK, 1, 10),
                 outcomes=(p.Outcome(p.OutcomeKind.LEVEL, "technician"),))
    rule2 = _rule("L2", selection=p.Selection(p.SelectionKind.RANK, 11, 20),
                  outcomes=(p.Outcome(p.OutcomeKind.LEVEL, "senior"),))
    a = p.Entry(1, 7, 1, 15, D(80), current_level="intermediate")
    b = p.Entry(2, 7, 2, 3, D(90), current_level="intermediate")
    first, second = p.evaluate(_set(rule, rule2), CITY, events, [a, b])
    assert first.awards == () and "one promotion per person per competition, and 焊工 gives technician" in \
        _reasons(first)
    assert _outcomes(second) == [("level", "technician")]


def test_team_members_of_the_first_team():
    rule = _rule(selection=p.Selection(p.SelectionKind.TEAM, 1, 1),
                 outcomes=(p.Outcome(p.OutcomeKind.HONOUR, title="优秀班组"),))
    entries = [_entry(1, 2, team="一队", team_rank=1), _entry(2, 1, team="二队", team_rank=2), _entry(3, 5)]
    decisions = p.evaluate(_set(rule), CITY, _event(), entries)
    assert [_outcomes(d) for d in decisions] == [[("honour", "优秀班组")], [], []]
    assert "team 二队 placed 2, outside team places 1 to 1" in _reasons(decisions[1])
    assert "not a member of a ranked team" in _reasons(decisions[2])


def test_youth_title_for_35_and_under_workers_only_subject_to_review():
    rule = _rule(conditions=p.Conditions(max_age=35, person="workers"),
                 outcomes=(p.Outcome(p.OutcomeKind.NOMINATION, title="五一劳动奖章", review=True),))
    young, old = p.evaluate(_set(rule), CITY, _event(), [_entry(1, 1, age=35), _entry(2, 2, age=36)])
    assert young.awards[0].review and young.awards[0].kind == "nomination"
    assert old.awards == () and "aged 36, above the age limit of 35" in _reasons(old)


def test_no_promotion_for_those_already_at_or_above_a_level():
    rule = _rule(outcomes=(p.Outcome(p.OutcomeKind.HOLD, "technician"), p.Outcome(p.OutcomeKind.ONE_UP),
                           p.Outcome(p.OutcomeKind.HONOUR, title="技术能手")))
    low, high = p.evaluate(_set(rule), CITY, _event(), [_entry(1, 1, level="senior"),
                                                         _entry(2, 2, level="technician")])
    assert _outcomes(low) == [("level", "technician"), ("honour", "技术能手")]
    assert _outcomes(high) == [("honour", "技术能手")]
    assert "no promotion for those already at or above technician" in _reasons(high)


@pytest.mark.parametrize("relation, level, current, selected", [
    ("below", "technician", "senior", True), ("below", "technician", "technician", False),
    ("at", "senior", "senior", True), ("at_or_above", "senior", "technician", True),
    ("at_or_above", "senior", "intermediate", False),
])
def test_current_level_condition(relation, level, current, selected):
    rule = _rule(conditions=p.Conditions(level_relation=relation, level=level),
                 outcomes=(p.Outcome(p.OutcomeKind.HONOUR, title="技术能手"),))
    [decision] = p.evaluate(_set(rule), CITY, _event(), [_entry(1, 1, level=current)])
    assert bool(decision.awards) is selected


def test_score_threshold_and_minimum_total():
    by_score = _rule(selection=p.Selection(p.SelectionKind.SCORE, min_score=D("90")))
    with_min = _rule("M", conditions=p.Conditions(min_total=D("95")))
    a, b = p.evaluate(_set(by_score), CITY, _event(), [_entry(1, 1, total=91), _entry(2, 2, total=89.5)])
    assert a.awards and not b.awards and "total 89.5 below the threshold 90" in _reasons(b)
    [c] = p.evaluate(_set(with_min), CITY, _event(), [_entry(1, 1, total=94)])
    assert "total 94 below the minimum 95" in _reasons(c)


# --- validation --------------------------------------------------------------------------------------


def _problems(*rules_):
    return [(pr["rule"], pr["field"]) for pr in docs.validate_rule_set(_set(*rules_))]


def test_presets_are_valid():
    assert docs.validate_rule_set(WORKERS) == [] and docs.validate_rule_set(SKILLS) == []


def test_rank_range_out_of_order_names_the_rule_and_field():
    assert _problems(_rule(selection=p.Selection(p.SelectionKind.RANK, 10, 5))) == [("L1", "rank_to")]
    assert _problems(_rule(selection=p.Selection(p.SelectionKind.RANK, 0, 5))) == [("L1", "rank_from")]


@pytest.mark.parametrize("fraction", ["0", "-0.1", "1.5", "30"])
def test_fraction_outside_zero_to_one(fraction):
    rule = _rule(selection=p.Selection(p.SelectionKind.FRACTION, fraction=D(fraction)))
    assert _problems(rule) == [("L1", "fraction")]


def test_cap_below_the_target_level():
    rule = _rule(outcomes=(p.Outcome(p.OutcomeKind.LEVEL_OR_NEXT, "technician", cap="senior"),))
    [problem] = docs.validate_rule_set(_set(rule))
    assert (problem["rule"], problem["field"]) == ("L1", "cap")


def test_two_rules_with_different_levels_for_the_same_place_contradict():
    a = _rule("A", p.Selection(p.SelectionKind.RANK, 1, 5), outcomes=(p.Outcome(p.OutcomeKind.LEVEL, "technician"),))
    b = _rule("B", p.Selection(p.SelectionKind.RANK, 5, 10), outcomes=(p.Outcome(p.OutcomeKind.LEVEL, "senior"),))
    [problem] = docs.validate_rule_set(_set(a, b))
    assert problem["rule"] == "B" and problem["params"]["other"] == "A" and problem["params"]["place"] == 5
    # Different groups or disjoint current-level conditions do not contradict.
    c = _rule("C", p.Selection(p.SelectionKind.RANK, 1, 5), scope=p.Scope(groups=("students",)),
              outcomes=(p.Outcome(p.OutcomeKind.LEVEL, "senior"),))
    d = _rule("D", p.Selection(p.SelectionKind.RANK, 1, 5), scope=p.Scope(groups=("workers",)),
              outcomes=(p.Outcome(p.OutcomeKind.LEVEL, "technician"),))
    assert docs.validate_rule_set(_set(c, d)) == []


def test_better_places_may_not_get_a_lower_level():
    a = _rule("A", p.Selection(p.SelectionKind.RANK, 1, 5), outcomes=(p.Outcome(p.OutcomeKind.LEVEL, "senior"),))
    b = _rule("B", p.Selection(p.SelectionKind.RANK, 6, 20), outcomes=(p.Outcome(p.OutcomeKind.LEVEL, "technician"),))
    assert _problems(a, b) == [("A", "level")]


def test_target_not_above_the_required_current_level():
    rule = _rule(conditions=p.Conditions(level_relation="at", level="technician"),
                 outcomes=(p.Outcome(p.OutcomeKind.LEVEL, "senior"),))
    assert _problems(rule) == [("L1", "level")]


# --- documents ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("preset", [WORKERS, SKILLS])
def test_documents_round_trip(preset):
    text = json.dumps(docs.rule_set_to_document(preset), ensure_ascii=False)
    assert docs.rule_set_from_document(json.loads(text)) == preset


@pytest.mark.parametrize("mutate, field", [
    (lambda d: d.update(schema="other"), "schema"),
    (lambda d: d.update(schema_version=99), "schema_version"),
    (lambda d: d["rules"][0]["selection"].update(rank_to="five"), "rank_to"),
    (lambda d: d["rules"][0]["selection"].update(rank_from=9, rank_to=3), "rank_to"),
    (lambda d: d["rules"][0]["outcomes"][0].update(level="grandmaster"), "level"),
    (lambda d: d["rules"][1]["scope"].update(levels=["galactic"]), "levels"),
    (lambda d: d["rules"][0]["outcomes"][0].update(cap="senior"), "cap"),
    (lambda d: d.update(rules="all of them"), "rules"),
])
def test_broken_documents_are_refused_naming_the_field(mutate, field):
    document = docs.rule_set_to_document(WORKERS)
    mutate(document)
    with pytest.raises(ValidationErrors) as caught:
        docs.rule_set_from_document(document)
    assert field in [pr["field"] for pr in caught.value.problems]


def test_missing_the_minimum_total_for_passing_is_said_as_such():
    rule = _rule(conditions=p.Conditions(passed_every_part=True))
    failed = (p.FailedPart("", D("58"), D("60"), is_total=True),)
    [decision] = p.evaluate(_set(rule), CITY, _event(), [_entry(1, 1, failed=failed)])
    assert "did not pass: total 58 below the minimum 60 for passing" in _reasons(decision)
