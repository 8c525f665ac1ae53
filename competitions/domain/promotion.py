"""Promotion: which competitors a published rule set flags for a fast-track skill level, an honour or a nomination.

Union federations and labour departments promote outstanding competitors
without the usual waiting years (破格晋升). Each issuer publishes its own rules,
and they change between years, but they share one shape, which is the shape of
a ``Rule`` here:

* a **scope** — which competitions and events the rule covers: competition
  level (national ... enterprise), class (I / II), kind (skills, labor,
  innovation), group (workers / students) and trade; an empty scope field
  means "any";
* a **selection** — who the rule picks from the final standing: a rank range
  ("top 5", "6th to 20th"), a top fraction of the entrants or of the finalists
  with a rounding setting ("from 4th place down to half of the finalists",
  "enterprise contests: top 30 %"), an award tier ("honourable mention or
  better"), a score threshold, or the members of teams ranked in a range;
* **conditions** — passed every part, a minimum total, the current level
  (at, below, at or above a level), age (youth titles: 35 and under), workers
  or students only, and "only one competition promotion per person per
  calendar year";
* one or more **outcomes** — a named level; a named level, or the next level
  when already at or above it (with an optional cap: "technician, or senior
  technician if already technician"); one level up with a cap; no promotion
  for those already at or above a level; an honour title (技术能手); a
  nomination (五一劳动奖章) — each either automatic or subject to review.

The ladder has eight levels, lowest first: apprentice (学徒工), junior (初级工,
level 5), intermediate (中级工, 4), senior (高级工, 3), technician (技师, 2),
senior technician (高级技师, 1), principal technician (特级技师) and chief
technician (首席技师).

``evaluate`` is a pure function: from the final standing of a competition,
each competitor's current level and promotion history, it gives one
``Decision`` per competitor listing every outcome with the rule that gave it,
or the reason no rule did ("rank 7, outside the top 5"; "theory 55 below the
pass mark 60"; "already promoted through a competition in 2026"). A tie at a
cut-off follows the event's tie policy, and the decision says so: with shared
places everyone sharing the place at the cut-off is selected (nobody equal to
a promoted competitor is left out); with "no tied places" the chief judge's
recorded order decides. A person gets at most one level promotion per
competition (the highest any rule gives).

Rule sets as published documents — their validation, the versioned JSON they
travel as, and the two national presets — are in ``domain/promotion_rule_sets.py``.

Messages are English source strings with parameters (``Message``); the web
layer translates them, so a stored decision reads in either language.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from competitions.domain.errors import N_, Code
from competitions.domain.inputs import trade_code

SCHEMA_ID = "competitions.promotion.rule-set"
SCHEMA_VERSION = 1

LADDER = ("apprentice", "junior", "intermediate", "senior", "technician", "senior_technician",
          "principal_technician", "chief_technician")
_INDEX = {code: index for index, code in enumerate(LADDER)}
# The national certificate levels stored on a worker (5 = junior ... 1 = senior technician).
_FROM_SKILL_LEVEL = {5: "junior", 4: "intermediate", 3: "senior", 2: "technician", 1: "senior_technician"}
_TO_SKILL_LEVEL = {code: number for number, code in _FROM_SKILL_LEVEL.items()}

COMPETITION_LEVELS = ("national", "provincial", "city", "district", "enterprise")
CLASSES = ("I", "II")
KINDS = ("skills", "labor", "innovation")
GROUPS = ("workers", "students")
PRIZES = ("first", "second", "third", "honourable")
ROUNDINGS = ("down", "up", "nearest")
FRACTION_BASES = ("entrants", "finalists")
LEVEL_RELATIONS = ("at", "below", "at_or_above")
PERSONS = ("any", "workers", "students")


class SelectionKind(StrEnum):
    """How a rule picks competitors from the standing."""

    RANK = "rank"            # ranks rank_from..rank_to ("top 5" is 1..5)
    FRACTION = "fraction"    # from rank_from down to a fraction of the entrants or finalists
    AWARD = "award"          # a prize in ``prizes``
    SCORE = "score"          # total at least ``min_score``
    TEAM = "team"            # members of teams ranked rank_from..rank_to


class OutcomeKind(StrEnum):
    """What a rule gives."""

    LEVEL = "level"                  # the named level (nothing for those already at or above it)
    LEVEL_OR_NEXT = "level_or_next"  # the named level, or one up when already at or above it (up to ``cap``)
    ONE_UP = "one_up"                # one level up, not beyond ``cap``
    HOLD = "hold"                    # no promotion for those already at or above ``level``
    HONOUR = "honour"                # an honour title (``title``)
    NOMINATION = "nomination"        # a nomination (``title``)


LEVEL_OUTCOMES = (OutcomeKind.LEVEL, OutcomeKind.LEVEL_OR_NEXT, OutcomeKind.ONE_UP)


def level_index(code: str) -> int:
    """The position of a level on the ladder (apprentice 0 ... chief technician 7)."""
    return _INDEX[code]


def level_from_skill_level(number: int | None) -> str:
    """The ladder code of a national certificate level (5..1); no certificate is an apprentice."""
    return _FROM_SKILL_LEVEL.get(number, "apprentice") if number is not None else "apprentice"


def skill_level_of(code: str) -> int | None:
    """The national certificate level (5..1) of a ladder code; None for apprentice and beyond level 1."""
    return _TO_SKILL_LEVEL.get(code)


# --- rules ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    """The competitions and events a rule covers; an empty tuple means any."""

    levels: tuple[str, ...] = ()
    classes: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()
    trades: tuple[str, ...] = ()

    def covers(self, competition: CompetitionFacts, event: EventFacts) -> bool:
        """True when the competition and event fall within this scope."""
        return ((not self.levels or competition.level in self.levels)
                and (not self.classes or competition.competition_class in self.classes)
                and (not self.kinds or competition.kind in self.kinds)
                and (not self.groups or event.group in self.groups)
                and (not self.trades or trade_code(event.trade_code) in {trade_code(t) for t in self.trades}))

    def overlaps(self, other: Scope) -> bool:
        """True when some competition and event could fall within both scopes."""
        pairs = ((self.levels, other.levels), (self.classes, other.classes), (self.kinds, other.kinds),
                 (self.groups, other.groups), (self.trades, other.trades))
        return all(not a or not b or set(a) & set(b) for a, b in pairs)


@dataclass(frozen=True)
class Selection:
    """Who a rule picks: see ``SelectionKind``. Fractions are Decimals in 0..1; ranks are places (1 = first)."""

    kind: SelectionKind = SelectionKind.RANK
    rank_from: int = 1
    rank_to: int | None = None
    fraction: Decimal | None = None
    fraction_of: str = "finalists"
    rounding: str = "down"
    prizes: tuple[str, ...] = ()
    min_score: Decimal | None = None


@dataclass(frozen=True)
class Conditions:
    """What a selected competitor must also meet; the defaults ask nothing."""

    passed_every_part: bool = False
    min_total: Decimal | None = None
    level_relation: str | None = None     # "at", "below", "at_or_above" ``level``
    level: str | None = None
    min_age: int | None = None
    max_age: int | None = None
    person: str = "any"                   # "any", "workers", "students"
    once_per_year: bool = False


@dataclass(frozen=True)
class Outcome:
    """One thing a rule gives; ``review`` True means "subject to review", False "automatic"."""

    kind: OutcomeKind
    level: str | None = None
    cap: str | None = None
    title: str = ""
    review: bool = False


@dataclass(frozen=True)
class Rule:
    """One published rule: a stable ``key`` (cited on flags), a name, scope, selection, conditions, outcomes."""

    key: str
    name: str
    scope: Scope = field(default_factory=Scope)
    selection: Selection = field(default_factory=Selection)
    conditions: Conditions = field(default_factory=Conditions)
    outcomes: tuple[Outcome, ...] = ()


@dataclass(frozen=True)
class RuleSet:
    """A named set of rules as an issuer publishes it."""

    name: str
    rules: tuple[Rule, ...] = ()
    description: str = ""
    issuer: str = ""


# --- evaluation inputs and outputs ---------------------------------------------------------------


@dataclass(frozen=True)
class CompetitionFacts:
    """The competition being evaluated."""

    id: int
    name: str
    year: int
    level: str
    competition_class: str
    kind: str


@dataclass(frozen=True)
class EventFacts:
    """One event of it: trade, group, tie policy ("shared" / "no_tied_places") and its counts.

    ``entrants`` counts every competitor in the final standing, ``finalists``
    those with a place (not disqualified).
    """

    id: int
    trade_code: str
    trade_name: str
    group: str
    tie_mode: str = "shared"
    entrants: int = 0
    finalists: int = 0


@dataclass(frozen=True)
class FailedPart:
    """What a competitor did not pass: a part (its own mark out of 100 and pass mark) or the minimum total."""

    name: str
    score: Decimal
    pass_mark: Decimal
    is_total: bool = False     # the minimum total for passing, not a part


@dataclass(frozen=True)
class Entry:
    """One competitor's line of the final standing, with who they are as the rules need it.

    ``current_level`` is the ladder code before this competition; ``age`` in
    whole years on the competition's first day; ``team_rank`` the place of
    their team in a team event.
    """

    registration_id: int
    worker_id: int
    event_id: int
    rank: int | None
    total: Decimal | None
    tied: bool = False
    decided_by_chief_judge: bool = False
    disqualified: bool = False
    prize: str | None = None
    current_level: str = "apprentice"
    is_student: bool = False
    age: int | None = None
    failed_parts: tuple[FailedPart, ...] = ()
    team_name: str | None = None
    team_rank: int | None = None
    # Two-round events (rounds): "final" for a finalist, "preliminary" for one who did not qualify (never
    # eligible: promotion reads the final's standing); None for a single-round event.
    round_reached: str | None = None


@dataclass(frozen=True)
class PriorPromotion:
    """A level promotion through another competition, approved or awaiting review."""

    worker_id: int
    year: int
    competition_id: int
    competition_name: str


@dataclass(frozen=True)
class Message:
    """An English source message and its parameters (translated by the web layer)."""

    text: str
    params: tuple[tuple[str, object], ...] = ()
    rule: str = ""     # the rule it is about, said before it ("职工组前5名: place 7, outside places 1 to 5")

    @staticmethod
    def of(text: str, **params: object) -> Message:
        """A message with keyword parameters."""
        return Message(text, tuple(params.items()))

    @property
    def params_dict(self) -> dict:
        """The parameters as a dict."""
        return dict(self.params)

    def __str__(self) -> str:
        try:
            body = self.text % {k: str(v) for k, v in self.params} if self.params else self.text
        except (KeyError, ValueError, TypeError):
            body = self.text
        return f"{self.rule}: {body}" if self.rule else body


@dataclass(frozen=True)
class Award:
    """One outcome a rule gave: a level (from -> to), an honour or a nomination, with notes (ties at a cut-off)."""

    rule_key: str
    rule_name: str
    kind: str                      # "level", "honour", "nomination"
    review: bool
    from_level: str | None = None
    to_level: str | None = None
    title: str = ""
    notes: tuple[Message, ...] = ()

    @property
    def target(self) -> str:
        """What is given: the level code or the title (the flag's natural key with ``kind``)."""
        return self.to_level if self.kind == "level" else self.title


@dataclass(frozen=True)
class Decision:
    """One competitor's decision: every outcome with its rule, and every reason a rule gave nothing."""

    registration_id: int
    worker_id: int
    event_id: int
    awards: tuple[Award, ...]
    reasons: tuple[Message, ...]


# --- evaluation ----------------------------------------------------------------------------------


def evaluate(rule_set: RuleSet, competition: CompetitionFacts, events: Mapping[int, EventFacts],
             entries: Sequence[Entry], history: Iterable[PriorPromotion] = ()) -> list[Decision]:
    """One decision per entry (in the order given) under ``rule_set``; see the module docstring."""
    prior = defaultdict(list)
    for promotion in history:
        if promotion.competition_id != competition.id and promotion.year == competition.year:
            prior[promotion.worker_id].append(promotion)
    in_scope = {eid: [r for r in rule_set.rules if r.scope.covers(competition, ev)] for eid, ev in events.items()}
    by_event: dict[int, list[Entry]] = defaultdict(list)
    for entry in entries:
        by_event[entry.event_id].append(entry)
    context = {eid: _EventContext.build(ev, by_event.get(eid, [])) for eid, ev in events.items()}
    decisions = []
    for entry in entries:
        awards, reasons = _entry_outcomes(rule_set, competition, entry, in_scope.get(entry.event_id, []),
                                          context[entry.event_id], prior.get(entry.worker_id, ()))
        decisions.append(Decision(entry.registration_id, entry.worker_id, entry.event_id, awards, reasons))
    return _one_level_per_person(decisions, {e.registration_id: e for e in entries}, events)


@dataclass(frozen=True)
class _EventContext:
    """Per event: the tie policy, counts, and the places a tie spans (first place -> last place of the group)."""

    event: EventFacts
    spans: dict
    cutoffs: dict = field(default_factory=dict)   # rule key -> (last place, how it was worked out)

    @staticmethod
    def build(event: EventFacts, entries: list[Entry]) -> _EventContext:
        spans: dict = {}
        if event.tie_mode == "no_tied_places":
            # Groups the chief judge ordered: consecutive decided entries with the same total.
            groups: dict = defaultdict(list)
            for e in entries:
                if e.decided_by_chief_judge and e.rank is not None:
                    groups[e.total].append(e.rank)
            for ranks in groups.values():
                for rank in ranks:
                    spans[rank] = (min(ranks), max(ranks))
        else:
            counts: dict = defaultdict(int)
            for e in entries:
                if e.rank is not None:
                    counts[e.rank] += 1
            spans = {rank: (rank, rank + count - 1) for rank, count in counts.items() if count > 1}
        return _EventContext(event, spans)


def _entry_outcomes(rule_set: RuleSet, competition: CompetitionFacts, entry: Entry, rules: list[Rule],
                    context: _EventContext, prior: Sequence[PriorPromotion]):
    """The awards and reasons of one entry under the rules in scope."""
    if not rules:
        return (), (Message.of(N_("No rule of %(rule_set)s covers this event."), rule_set=rule_set.name),)
    if entry.round_reached == "preliminary":
        return (), (_NOT_QUALIFIED,)
    if entry.disqualified or entry.rank is None:
        return (), (_DISQUALIFIED,)
    awards: list[Award] = []
    reasons: list[Message] = []
    missed: list[Message] = []   # rules whose selection did not pick the entry: said only when nothing applies
    for rule in rules:
        selected, reason, notes = _selected(rule, entry, context)
        if not selected:
            missed.append(reason if reason.rule else _cite(rule, reason))
            continue
        failed = _failed_condition(rule.conditions, entry, competition, prior)
        if failed is not None:
            reasons.append(_cite(rule, failed))
            continue
        rule_awards, rule_reasons = _outcomes(rule, entry, notes)
        awards += rule_awards
        reasons += [_cite(rule, r) for r in rule_reasons]
    if not awards:
        reasons += missed   # what stopped a rule that did select them first, then the places missed
    return tuple(awards), tuple(reasons)


_DISQUALIFIED = Message(N_("Disqualified: no place, so no rule applies."))
_NOT_QUALIFIED = Message(N_("Did not qualify for the final: no place in the final's standing, so no rule applies."))


def _cite(rule: Rule, reason: Message) -> Message:
    """A reason prefixed with the rule that gave it."""
    return Message(reason.text, reason.params, rule.name)


def _selected(rule: Rule, entry: Entry, context: _EventContext) -> tuple[bool, Message | None, tuple[Message, ...]]:
    """Whether the rule's selection picks the entry, the reason when not, and notes about a tie at the cut-off."""
    sel = rule.selection
    if sel.kind is SelectionKind.AWARD:
        if entry.prize in sel.prizes:
            return True, None, ()
        if entry.prize is None:
            return False, Message.of(N_("no prize, and the rule selects prize winners only")), ()
        return False, Message.of(N_("prize %(prize)s is not among the prizes the rule selects"),
                                 prize=Code("prize", entry.prize)), ()
    if sel.kind is SelectionKind.SCORE:
        if entry.total is not None and entry.total >= sel.min_score:
            return True, None, ()
        return False, Message.of(N_("total %(total)s below the threshold %(threshold)s"),
                                 total=entry.total, threshold=sel.min_score), ()
    if sel.kind is SelectionKind.TEAM:
        if entry.team_rank is None:
            return False, Message.of(N_("not a member of a ranked team")), ()
        if sel.rank_from <= entry.team_rank <= (sel.rank_to or entry.team_rank):
            return True, None, ()
        return False, Message.of(N_("team %(team)s placed %(rank)s, outside team places %(first)s to %(last)s"),
                                 team=entry.team_name or "", rank=entry.team_rank, first=sel.rank_from,
                                 last=sel.rank_to), ()
    known = context.cutoffs.get(rule.key)
    if known is None:
        known = context.cutoffs[rule.key] = _cutoff(sel, context.event)
    return _within(entry, sel.rank_from, known[0], known[1], context, rule.name)


def _cutoff(sel: Selection, event: EventFacts) -> tuple[int, Message]:
    """The last place a rank or fraction selection reaches, and how it was worked out."""
    if sel.kind is SelectionKind.RANK:
        return sel.rank_to, Message.of(N_("places %(first)s to %(last)s"), first=sel.rank_from, last=sel.rank_to)
    base = event.entrants if sel.fraction_of == "entrants" else event.finalists
    cutoff = top_fraction(base, sel.fraction, sel.rounding)
    text = (N_("the top %(percent)s%% of %(count)s entrants (rounded %(rounding)s: %(places)s places)")
            if sel.fraction_of == "entrants" else
            N_("the top %(percent)s%% of %(count)s finalists (rounded %(rounding)s: %(places)s places)"))
    percent = (sel.fraction * 100).normalize()
    return cutoff, Message.of(text, percent=f"{percent:f}", count=base, rounding=Code("rounding", sel.rounding),
                              places=cutoff)


def top_fraction(count: int, fraction: Decimal, rounding: str) -> int:
    """How many places a share of ``count`` is: ``count`` x ``fraction`` rounded down, up, or to nearest (half up).

    Seven finalists, half, rounded down: 3; up: 4; nearest: 4. Six: 3 either way.
    """
    exact = Decimal(count) * fraction
    if rounding == "up":
        return int(math.ceil(exact))
    if rounding == "nearest":
        return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))
    return int(math.floor(exact))


def _within(entry: Entry, first: int, last: int, how: Message, context: _EventContext, rule_name: str):
    """Whether the entry's place is within first..last, with the tie note when a tie spans the cut-off."""
    span = context.spans.get(entry.rank)
    notes: tuple[Message, ...] = ()
    straddles = span is not None and span[0] <= last < span[1]
    if straddles and context.event.tie_mode == "no_tied_places":
        notes = (Message.of(N_("tied at the cut-off (place %(last)s): the chief judge's recorded order decides, as"
                               " the event has no tied places"), last=last),)
    elif straddles:
        notes = (Message.of(N_("tied for place %(rank)s at the cut-off (place %(last)s): places are shared, so"
                               " every competitor sharing it is selected"), rank=entry.rank, last=last),)
    if first <= entry.rank <= last:
        return True, None, notes
    reason = Message(N_("place %(rank)s, outside %(range)s"), (("rank", entry.rank), ("range", how)), rule_name)
    if notes:
        reason = Message(N_("%(reason)s; %(note)s"), (("reason", replace(reason, rule="")), ("note", notes[0])),
                         rule_name)
    return False, reason, ()


def _failed_condition(cond: Conditions, entry: Entry, competition: CompetitionFacts,
                      prior: Sequence[PriorPromotion]) -> Message | None:
    """The first condition the entry does not meet, as a reason; None when it meets them all."""
    if cond.passed_every_part and entry.failed_parts:
        part = entry.failed_parts[0]
        if part.is_total:
            return Message.of(N_("did not pass: total %(score)s below the minimum %(mark)s for passing"),
                              score=part.score, mark=part.pass_mark)
        return Message.of(N_("%(part)s %(score)s below the pass mark %(mark)s"), part=part.name, score=part.score,
                          mark=part.pass_mark)
    if cond.min_total is not None and (entry.total is None or entry.total < cond.min_total):
        return Message.of(N_("total %(total)s below the minimum %(minimum)s"), total=entry.total,
                          minimum=cond.min_total)
    if cond.person == "workers" and entry.is_student:
        return Message.of(N_("for workers only, and this competitor is a student"))
    if cond.person == "students" and not entry.is_student:
        return Message.of(N_("for students only, and this competitor is a worker"))
    if cond.max_age is not None and (entry.age is None or entry.age > cond.max_age):
        return Message.of(N_("aged %(age)s, above the age limit of %(limit)s"), age=entry.age, limit=cond.max_age)
    if cond.min_age is not None and (entry.age is None or entry.age < cond.min_age):
        return Message.of(N_("aged %(age)s, below the minimum age of %(limit)s"), age=entry.age, limit=cond.min_age)
    if cond.level_relation and not _level_relation_holds(entry.current_level, cond.level_relation, cond.level):
        return Message.of(N_("current level %(current)s is not %(relation)s %(level)s"),
                          current=Code("promotion_level", entry.current_level),
                          relation=Code("level_relation", cond.level_relation),
                          level=Code("promotion_level", cond.level))
    if cond.once_per_year and prior:
        return Message.of(N_("already promoted through a competition in %(year)s (%(competition)s)"),
                          year=competition.year, competition=prior[0].competition_name)
    return None


def _level_relation_holds(current: str, relation: str, level: str) -> bool:
    here, there = level_index(current), level_index(level)
    return {"at": here == there, "below": here < there, "at_or_above": here >= there}[relation]


def _outcomes(rule: Rule, entry: Entry, notes: tuple[Message, ...]) -> tuple[list[Award], list[Message]]:
    """What a rule that selected the entry gives it, and why a level outcome gave nothing."""
    awards, reasons = [], []
    current = level_index(entry.current_level)
    held = next((o for o in rule.outcomes if o.kind is OutcomeKind.HOLD and current >= level_index(o.level)), None)
    for outcome in rule.outcomes:
        if outcome.kind in (OutcomeKind.HONOUR, OutcomeKind.NOMINATION):
            awards.append(Award(rule.key, rule.name, outcome.kind.value, outcome.review, title=outcome.title,
                                notes=notes))
            continue
        if outcome.kind is OutcomeKind.HOLD:
            continue
        if held is not None:
            reasons.append(Message.of(N_("no promotion for those already at or above %(level)s"),
                                      level=Code("promotion_level", held.level)))
            continue
        target, reason = _level_target(outcome, current)
        if target is None:
            reasons.append(reason)
            continue
        awards.append(Award(rule.key, rule.name, "level", outcome.review, from_level=entry.current_level,
                            to_level=LADDER[target], notes=notes))
    return awards, reasons


def _level_target(outcome: Outcome, current: int) -> tuple[int | None, Message | None]:
    """The ladder index a level outcome promotes to from ``current``, or the reason it gives nothing."""
    here = Code("promotion_level", LADDER[current])
    if outcome.kind is OutcomeKind.LEVEL:
        target = level_index(outcome.level)
        if current >= target:
            return None, Message.of(N_("already at %(current)s, at or above %(level)s"), current=here,
                                    level=Code("promotion_level", outcome.level))
        return target, None
    if outcome.kind is OutcomeKind.LEVEL_OR_NEXT:
        target = max(level_index(outcome.level), current + 1)
    else:
        target = current + 1
    cap = level_index(outcome.cap) if outcome.cap else len(LADDER) - 1
    if target > cap:
        return None, Message.of(N_("already at %(current)s, and the rule promotes no higher than %(cap)s"),
                                current=here, cap=Code("promotion_level", LADDER[cap]))
    return target, None


def _one_level_per_person(decisions: list[Decision], entries: Mapping[int, Entry],
                          events: Mapping[int, EventFacts]) -> list[Decision]:
    """Keep one level promotion per person in a competition: the highest; say why the others were dropped."""
    best: dict[int, tuple[int, int, Award]] = {}
    counts: dict[int, int] = defaultdict(int)
    for decision in decisions:
        for award in decision.awards:
            if award.kind != "level":
                continue
            counts[decision.worker_id] += 1
            key = (level_index(award.to_level), -decision.registration_id)
            if decision.worker_id not in best or key > best[decision.worker_id][:2]:
                best[decision.worker_id] = (*key, award, decision.registration_id)
    if all(n == 1 for n in counts.values()):
        return decisions
    out = []
    for decision in decisions:
        keep = best.get(decision.worker_id)
        if keep is None or counts[decision.worker_id] == 1:
            out.append(decision)
            continue
        _rank, _rid, winner, winner_registration = keep
        awards, reasons = [], list(decision.reasons)
        for award in decision.awards:
            if award.kind == "level" and not (award is winner and decision.registration_id == winner_registration):
                if decision.registration_id == winner_registration:
                    reasons.append(Message(N_("%(level)s not given: a higher promotion applies"),
                                           (("level", Code("promotion_level", award.to_level)),), award.rule_name))
                else:
                    other = events[entries[winner_registration].event_id].trade_name
                    reasons.append(Message(
                        N_("%(level)s not given: one promotion per person per competition, and %(event)s gives"
                           " %(other)s"),
                        (("level", Code("promotion_level", award.to_level)), ("event", other),
                         ("other", Code("promotion_level", winner.to_level))), award.rule_name))
                continue
            awards.append(award)
        out.append(Decision(decision.registration_id, decision.worker_id, decision.event_id, tuple(awards),
                            tuple(reasons)))
    return out
