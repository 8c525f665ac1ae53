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

Rule sets travel as JSON documents (``rule_set_from_document`` /
``rule_set_to_document``, schema version ``SCHEMA_VERSION``, documented in
``competitions/promotion/SCHEMA.md``). ``validate_rule_set`` refuses rules that
contradict each other, rank ranges out of order, a cap below the target level,
fractions outside 0..1 and outcomes that go against the ladder's order, each
with a message naming the rule and the field.

Messages are English source strings with parameters (``Message``); the web
layer translates them, so a stored decision reads in either language.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from enum import StrEnum

from competitions.domain.errors import N_, Code, ValidationErrors

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
                and (not self.trades or event.trade_code in self.trades))

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


# --- validation ----------------------------------------------------------------------------------


def validate_rule_set(rule_set: RuleSet) -> list[dict]:
    """Every problem of a rule set, each {"message", "params", "field", "rule"}; empty when it may be saved.

    Refused: an unknown code, a rank range out of order, a fraction outside
    0..1, a cap below the target level, a level outcome that cannot raise the
    level the rule's condition requires, a better place getting a lower level
    than a worse one in the same scope, and two rules giving different levels
    for the same place in the same scope.
    """
    problems: list[dict] = []
    keys = set()
    for index, rule in enumerate(rule_set.rules, start=1):
        name = rule.name or f"#{index}"
        if not rule.key or rule.key in keys:
            problems.append(_problem(name, "key", N_("Rule %(rule)s: every rule needs its own key.")))
        keys.add(rule.key)
        problems += _rule_problems(rule, name)
    if not problems:
        problems += _conflicts(rule_set.rules)
    return problems


def _problem(rule: str, field_name: str, message: str, **params) -> dict:
    return {"message": message, "params": {"rule": rule, **params}, "field": field_name, "rule": rule}


def _rule_problems(rule: Rule, name: str) -> list[dict]:
    out = []
    scope = rule.scope
    for field_name, values, allowed in (("levels", scope.levels, COMPETITION_LEVELS),
                                        ("classes", scope.classes, CLASSES), ("kinds", scope.kinds, KINDS),
                                        ("groups", scope.groups, GROUPS)):
        for value in values:
            if value not in allowed:
                out.append(_problem(name, field_name, N_("Rule %(rule)s: unknown value %(value)s."), value=value))
    out += _selection_problems(rule.selection, name)
    out += _condition_problems(rule.conditions, name)
    if not rule.outcomes:
        out.append(_problem(name, "outcomes", N_("Rule %(rule)s: give at least one outcome.")))
    for outcome in rule.outcomes:
        out += _outcome_problems(outcome, rule.conditions, name)
    return out


def _selection_problems(sel: Selection, name: str) -> list[dict]:
    out = []
    if sel.kind in (SelectionKind.RANK, SelectionKind.FRACTION, SelectionKind.TEAM):
        if sel.rank_from is None or sel.rank_from < 1:
            out.append(_problem(name, "rank_from", N_("Rule %(rule)s: places start at 1.")))
        elif sel.kind is not SelectionKind.FRACTION and sel.rank_to is None:
            out.append(_problem(name, "rank_to", N_("Rule %(rule)s: give the last place the rule selects.")))
        elif sel.rank_to is not None and sel.rank_to < sel.rank_from:
            out.append(_problem(name, "rank_to", N_("Rule %(rule)s: the places are out of order (%(first)s to"
                                                    " %(last)s)."), first=sel.rank_from, last=sel.rank_to))
    if sel.kind is SelectionKind.FRACTION:
        if sel.fraction is None or not (Decimal(0) < sel.fraction <= Decimal(1)):
            out.append(_problem(name, "fraction", N_("Rule %(rule)s: a fraction must be above 0 and at most 1"
                                                     " (%(value)s)."), value=sel.fraction))
        if sel.fraction_of not in FRACTION_BASES:
            out.append(_problem(name, "fraction_of", N_("Rule %(rule)s: a fraction is of the entrants or of the"
                                                        " finalists.")))
        if sel.rounding not in ROUNDINGS:
            out.append(_problem(name, "rounding", N_("Rule %(rule)s: round down, up or to the nearest place.")))
    if sel.kind is SelectionKind.AWARD and (not sel.prizes or any(p not in PRIZES for p in sel.prizes)):
        out.append(_problem(name, "prizes", N_("Rule %(rule)s: choose the prizes the rule selects.")))
    if sel.kind is SelectionKind.SCORE and (sel.min_score is None or sel.min_score < 0):
        out.append(_problem(name, "min_score", N_("Rule %(rule)s: give the score threshold (0 or more).")))
    return out


def _condition_problems(cond: Conditions, name: str) -> list[dict]:
    out = []
    if cond.level_relation is not None:
        if cond.level_relation not in LEVEL_RELATIONS or cond.level not in _INDEX:
            out.append(_problem(name, "level", N_("Rule %(rule)s: the current-level condition needs a relation and"
                                                  " a level.")))
    if cond.person not in PERSONS:
        out.append(_problem(name, "person", N_("Rule %(rule)s: unknown value %(value)s."), value=cond.person))
    for field_name, value in (("min_age", cond.min_age), ("max_age", cond.max_age)):
        if value is not None and not 14 <= value <= 80:
            out.append(_problem(name, field_name, N_("Rule %(rule)s: an age limit must be 14 to 80.")))
    if cond.min_age is not None and cond.max_age is not None and cond.min_age > cond.max_age:
        out.append(_problem(name, "max_age", N_("Rule %(rule)s: the age limits are out of order.")))
    if cond.min_total is not None and cond.min_total < 0:
        out.append(_problem(name, "min_total", N_("Rule %(rule)s: the minimum total cannot be negative.")))
    return out


def _outcome_problems(outcome: Outcome, cond: Conditions, name: str) -> list[dict]:
    out = []
    if outcome.kind in (OutcomeKind.HONOUR, OutcomeKind.NOMINATION):
        if not outcome.title.strip():
            out.append(_problem(name, "title", N_("Rule %(rule)s: name the honour title or nomination.")))
        return out
    if outcome.kind is not OutcomeKind.ONE_UP and outcome.level not in _INDEX:
        return [_problem(name, "level", N_("Rule %(rule)s: choose a level on the ladder."))]
    if outcome.cap is not None and outcome.cap not in _INDEX:
        return [_problem(name, "cap", N_("Rule %(rule)s: choose a level on the ladder."))]
    if outcome.cap is not None and outcome.kind is not OutcomeKind.ONE_UP and \
            level_index(outcome.cap) < level_index(outcome.level):
        out.append(_problem(name, "cap", N_("Rule %(rule)s: the cap %(cap)s is below the target level %(level)s."),
                            cap=Code("promotion_level", outcome.cap), level=Code("promotion_level", outcome.level)))
    if outcome.kind is OutcomeKind.LEVEL and cond.level_relation in ("at", "at_or_above") and cond.level in _INDEX \
            and level_index(outcome.level) <= level_index(cond.level):
        out.append(_problem(name, "level", N_("Rule %(rule)s: the target %(level)s is not above the current level"
                                              " %(current)s the rule requires; promotions go up the ladder."),
                            level=Code("promotion_level", outcome.level), current=Code("promotion_level", cond.level)))
    return out


def _rank_range(rule: Rule) -> tuple[int, int] | None:
    sel = rule.selection
    if sel.kind is SelectionKind.RANK and sel.rank_to is not None:
        return sel.rank_from, sel.rank_to
    return None


def _named_level(rule: Rule) -> str | None:
    return next((o.level for o in rule.outcomes if o.kind in (OutcomeKind.LEVEL, OutcomeKind.LEVEL_OR_NEXT)), None)


def _same_people(a: Rule, b: Rule) -> bool:
    """True when the two rules' conditions could hold for the same competitor (as far as level and person go)."""
    ca, cb = a.conditions, b.conditions
    if {ca.person, cb.person} == {"workers", "students"}:
        return False
    if ca.level_relation and cb.level_relation:
        return any(_level_relation_holds(code, ca.level_relation, ca.level)
                   and _level_relation_holds(code, cb.level_relation, cb.level) for code in LADDER)
    return True


def _conflicts(rules: Sequence[Rule]) -> list[dict]:
    """Rules in overlapping scopes: different levels for one place, or a better place getting a lower level."""
    out = []
    ranked = [(r, _rank_range(r), _named_level(r)) for r in rules]
    ranked = [(r, span, level) for r, span, level in ranked if span and level]
    for i, (a, span_a, level_a) in enumerate(ranked):
        for b, span_b, level_b in ranked[i + 1:]:
            if not (a.scope.overlaps(b.scope) and _same_people(a, b)):
                continue
            common = max(span_a[0], span_b[0])
            if common <= min(span_a[1], span_b[1]) and level_a != level_b:
                out.append(_problem(b.name, "rank_from", N_(
                    "Rules %(rule)s and %(other)s contradict each other: place %(place)s gets %(level)s from one and"
                    " %(other_level)s from the other in the same scope."), other=a.name, place=common,
                    level=Code("promotion_level", level_b), other_level=Code("promotion_level", level_a)))
                continue
            better, worse = (a, b) if span_a[1] < span_b[0] else (b, a) if span_b[1] < span_a[0] else (None, None)
            if better is not None and level_index(_named_level(better)) < level_index(_named_level(worse)):
                out.append(_problem(better.name, "level", N_(
                    "Rule %(rule)s gives a lower level (%(level)s) to better places than %(other)s gives"
                    " (%(other_level)s): levels must follow the ladder's order."), other=worse.name,
                    level=Code("promotion_level", _named_level(better)),
                    other_level=Code("promotion_level", _named_level(worse))))
    return out


def check_rule_set(rule_set: RuleSet) -> None:
    """Raise ``ValidationErrors`` listing every problem when the rule set may not be saved."""
    problems = validate_rule_set(rule_set)
    if problems:
        raise ValidationErrors(problems, N_("The rule set has %(count)d problem(s)."))


# --- documents (JSON) ----------------------------------------------------------------------------


def rule_set_to_document(rule_set: RuleSet) -> dict:
    """The rule set as a JSON-able document of schema ``SCHEMA_ID`` version ``SCHEMA_VERSION``."""
    return {
        "schema": SCHEMA_ID, "schema_version": SCHEMA_VERSION, "name": rule_set.name,
        "issuer": rule_set.issuer, "description": rule_set.description,
        "rules": [rule_to_dict(rule) for rule in rule_set.rules],
    }


def _num(value: Decimal | None) -> str | None:
    return None if value is None else f"{value.normalize():f}"


def rule_to_dict(rule: Rule) -> dict:
    """One rule as a document's dict."""
    sel, cond = rule.selection, rule.conditions
    return {
        "key": rule.key, "name": rule.name,
        "scope": {"levels": list(rule.scope.levels), "classes": list(rule.scope.classes),
                  "kinds": list(rule.scope.kinds), "groups": list(rule.scope.groups),
                  "trades": list(rule.scope.trades)},
        "selection": {"kind": sel.kind.value, "rank_from": sel.rank_from, "rank_to": sel.rank_to,
                      "fraction": _num(sel.fraction), "fraction_of": sel.fraction_of, "rounding": sel.rounding,
                      "prizes": list(sel.prizes), "min_score": _num(sel.min_score)},
        "conditions": {"passed_every_part": cond.passed_every_part, "min_total": _num(cond.min_total),
                       "level_relation": cond.level_relation, "level": cond.level, "min_age": cond.min_age,
                       "max_age": cond.max_age, "person": cond.person, "once_per_year": cond.once_per_year},
        "outcomes": [{"kind": o.kind.value, "level": o.level, "cap": o.cap, "title": o.title,
                      "review": o.review} for o in rule.outcomes],
    }


class _Reader:
    """Reads a document's values, collecting a problem (rule and field named) for every wrong one."""

    def __init__(self) -> None:
        self.problems: list[dict] = []

    def fail(self, rule: str, field_name: str, message: str, **params) -> None:
        self.problems.append(_problem(rule, field_name, message, **params))

    def obj(self, value, rule: str, field_name: str) -> dict:
        if value is None:
            return {}
        if not isinstance(value, dict):
            self.fail(rule, field_name, N_("Rule %(rule)s: %(field)s must be an object."), field=field_name)
            return {}
        return value

    def codes(self, value, rule: str, field_name: str, allowed=None) -> tuple[str, ...]:
        if value is None:
            return ()
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.fail(rule, field_name, N_("Rule %(rule)s: %(field)s must be a list of codes."), field=field_name)
            return ()
        bad = [v for v in value if allowed is not None and v not in allowed]
        if bad:
            self.fail(rule, field_name, N_("Rule %(rule)s: unknown value %(value)s."), value=bad[0])
        return tuple(v.strip() for v in value if v.strip())

    def integer(self, value, rule: str, field_name: str) -> int | None:
        if value is None or value == "":
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(rule, field_name, N_("Rule %(rule)s: %(field)s must be a whole number."), field=field_name)
            return None
        return value

    def decimal(self, value, rule: str, field_name: str) -> Decimal | None:
        if value is None or value == "":
            return None
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            self.fail(rule, field_name, N_("Rule %(rule)s: %(field)s must be a number."), field=field_name)
            return None
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            number = None
        if number is None or not number.is_finite():
            self.fail(rule, field_name, N_("Rule %(rule)s: %(field)s must be a number."), field=field_name)
            return None
        return number

    def choice(self, value, rule: str, field_name: str, allowed, default=None):
        if value is None:
            return default
        if value not in allowed:
            self.fail(rule, field_name, N_("Rule %(rule)s: unknown value %(value)s."), value=value)
            return default
        return value

    def flag(self, value, rule: str, field_name: str) -> bool:
        if value is None:
            return False
        if not isinstance(value, bool):
            self.fail(rule, field_name, N_("Rule %(rule)s: %(field)s must be true or false."), field=field_name)
            return False
        return value

    def text(self, value, rule: str, field_name: str, limit: int = 200) -> str:
        if value is None:
            return ""
        if not isinstance(value, str) or len(value) > limit:
            self.fail(rule, field_name, N_("Rule %(rule)s: %(field)s must be text of at most %(limit)s characters."),
                      field=field_name, limit=limit)
            return ""
        return " ".join(value.split())


MAX_RULES = 200


def _default(value, default):
    return default if value is None else value


def rule_set_from_document(document: object) -> RuleSet:
    """Read and validate a rule set document; raise ``ValidationErrors`` naming every wrong rule and field."""
    if not isinstance(document, dict):
        raise ValidationErrors([{"message": N_("The file is not a rule set: it must be a JSON object."),
                                 "field": "file"}])
    if document.get("schema") != SCHEMA_ID:
        raise ValidationErrors([{"message": N_("The file is not a rule set (schema %(expected)s expected)."),
                                 "params": {"expected": SCHEMA_ID}, "field": "schema"}])
    if document.get("schema_version") != SCHEMA_VERSION:
        raise ValidationErrors([{"message": N_("Rule set schema version %(version)s is not supported (this system"
                                               " reads version %(supported)s)."),
                                 "params": {"version": document.get("schema_version"), "supported": SCHEMA_VERSION},
                                 "field": "schema_version"}])
    reader = _Reader()
    name = reader.text(document.get("name"), "-", "name")
    rules_in = document.get("rules")
    if not isinstance(rules_in, list) or len(rules_in) > MAX_RULES:
        reader.problems.append({"message": N_("The rules must be a list of at most %(limit)s rules."),
                                "params": {"limit": MAX_RULES}, "field": "rules"})
        rules_in = []
    rules = tuple(rule_from_dict(item, index, reader) for index, item in enumerate(rules_in, start=1))
    if not name:
        reader.problems.append({"message": N_("Give the rule set a name."), "field": "name"})
    if reader.problems:
        raise ValidationErrors(reader.problems, N_("The rule set has %(count)d problem(s)."))
    rule_set = RuleSet(name=name, rules=rules, description=reader.text(document.get("description"), "-",
                                                                       "description", 2000),
                       issuer=reader.text(document.get("issuer"), "-", "issuer"))
    check_rule_set(rule_set)
    return rule_set


def rule_from_dict(item: object, index: int, reader: _Reader | None = None) -> Rule:
    """One rule of a document; problems go to ``reader`` (a fresh one raises ``ValidationErrors`` at once)."""
    own = reader is None
    reader = reader or _Reader()
    label = f"#{index}"
    if not isinstance(item, dict):
        reader.fail(label, "rule", N_("Rule %(rule)s: a rule must be an object."))
        item = {}
    label = reader.text(item.get("name"), label, "name") or label
    scope_in = reader.obj(item.get("scope"), label, "scope")
    sel_in = reader.obj(item.get("selection"), label, "selection")
    cond_in = reader.obj(item.get("conditions"), label, "conditions")
    outcomes_in = item.get("outcomes")
    if not isinstance(outcomes_in, list) or len(outcomes_in) > 10:
        reader.fail(label, "outcomes", N_("Rule %(rule)s: outcomes must be a list of at most 10."))
        outcomes_in = []
    scope = Scope(
        levels=reader.codes(scope_in.get("levels"), label, "levels", COMPETITION_LEVELS),
        classes=reader.codes(scope_in.get("classes"), label, "classes", CLASSES),
        kinds=reader.codes(scope_in.get("kinds"), label, "kinds", KINDS),
        groups=reader.codes(scope_in.get("groups"), label, "groups", GROUPS),
        trades=reader.codes(scope_in.get("trades"), label, "trades"),
    )
    kind = reader.choice(sel_in.get("kind"), label, "kind", [k.value for k in SelectionKind], "rank")
    selection = Selection(
        kind=SelectionKind(kind),
        rank_from=_default(reader.integer(sel_in.get("rank_from"), label, "rank_from"), 1),
        rank_to=reader.integer(sel_in.get("rank_to"), label, "rank_to"),
        fraction=reader.decimal(sel_in.get("fraction"), label, "fraction"),
        fraction_of=reader.choice(sel_in.get("fraction_of"), label, "fraction_of", FRACTION_BASES, "finalists"),
        rounding=reader.choice(sel_in.get("rounding"), label, "rounding", ROUNDINGS, "down"),
        prizes=reader.codes(sel_in.get("prizes"), label, "prizes", PRIZES),
        min_score=reader.decimal(sel_in.get("min_score"), label, "min_score"),
    )
    conditions = Conditions(
        passed_every_part=reader.flag(cond_in.get("passed_every_part"), label, "passed_every_part"),
        min_total=reader.decimal(cond_in.get("min_total"), label, "min_total"),
        level_relation=reader.choice(cond_in.get("level_relation"), label, "level_relation", LEVEL_RELATIONS),
        level=reader.choice(cond_in.get("level"), label, "level", LADDER),
        min_age=reader.integer(cond_in.get("min_age"), label, "min_age"),
        max_age=reader.integer(cond_in.get("max_age"), label, "max_age"),
        person=reader.choice(cond_in.get("person"), label, "person", PERSONS, "any"),
        once_per_year=reader.flag(cond_in.get("once_per_year"), label, "once_per_year"),
    )
    outcomes = []
    for raw in outcomes_in:
        raw = reader.obj(raw, label, "outcomes")
        okind = reader.choice(raw.get("kind"), label, "outcome", [k.value for k in OutcomeKind], None)
        if okind is None:
            if "kind" not in raw:
                reader.fail(label, "outcome", N_("Rule %(rule)s: every outcome needs a kind."))
            continue
        outcomes.append(Outcome(
            kind=OutcomeKind(okind), level=reader.choice(raw.get("level"), label, "level", LADDER),
            cap=reader.choice(raw.get("cap"), label, "cap", LADDER),
            title=reader.text(raw.get("title"), label, "title"),
            review=reader.flag(raw.get("review"), label, "review"),
        ))
    rule = Rule(key=reader.text(item.get("key"), label, "key", 40) or f"R{index}", name=label, scope=scope,
                selection=selection, conditions=conditions, outcomes=tuple(outcomes))
    if own and reader.problems:
        raise ValidationErrors(reader.problems, N_("The rule set has %(count)d problem(s)."))
    return rule


# --- the two national presets --------------------------------------------------------------------

NATIONAL_EXPERT = "全国技术能手"


def preset_workers_contest() -> RuleSet:
    """National workers' vocational skills contest (全国职工职业技能大赛).

    Workers' group: top 5 of each trade -> technician, or senior technician if
    already technician, plus the title National Technical Expert; 6th-20th ->
    senior worker, or technician if already senior worker. Students' group:
    top 5 -> senior worker; no titles.
    """
    workers = Scope(levels=("national",), groups=("workers",))
    return RuleSet(
        name="全国职工职业技能大赛（职工组、学生组）",
        issuer="中华全国总工会",
        description="职工组：各工种前5名晋升技师（已是技师的晋升高级技师），授予全国技术能手称号；第6至20名晋升高级工"
                    "（已是高级工的晋升技师）。学生组：前5名晋升高级工，不授予称号。",
        rules=(
            Rule("W1", "职工组前5名", workers, Selection(SelectionKind.RANK, 1, 5),
                 Conditions(passed_every_part=True, person="workers"),
                 (Outcome(OutcomeKind.LEVEL_OR_NEXT, "technician", cap="senior_technician"),
                  Outcome(OutcomeKind.HONOUR, title=NATIONAL_EXPERT))),
            Rule("W2", "职工组第6至20名", workers, Selection(SelectionKind.RANK, 6, 20),
                 Conditions(passed_every_part=True, person="workers"),
                 (Outcome(OutcomeKind.LEVEL_OR_NEXT, "senior", cap="technician"),)),
            Rule("S1", "学生组前5名", Scope(levels=("national",), groups=("students",)),
                 Selection(SelectionKind.RANK, 1, 5), Conditions(passed_every_part=True),
                 (Outcome(OutcomeKind.LEVEL, "senior"),)),
        ),
    )


def preset_skills_contest() -> RuleSet:
    """National skills contest (全国技能大赛, 2020 and 2023).

    Gold, silver and bronze go to the top 3 with no tied places, an honourable
    mention to the rest of the top half (the results' "medals" award rule):
    honourable mention or better -> technician, or senior technician if
    already technician; top 5 -> National Technical Expert.
    """
    national = Scope(levels=("national",))
    return RuleSet(
        name="全国技能大赛（2020、2023）",
        issuer="人力资源和社会保障部",
        description="获得优胜奖及以上的晋升技师（已是技师的晋升高级技师）；前5名授予全国技术能手称号。",
        rules=(
            Rule("N1", "优胜奖及以上", national,
                 Selection(SelectionKind.AWARD, prizes=("first", "second", "third", "honourable")),
                 Conditions(passed_every_part=True),
                 (Outcome(OutcomeKind.LEVEL_OR_NEXT, "technician", cap="senior_technician"),)),
            Rule("N2", "前5名", national, Selection(SelectionKind.RANK, 1, 5), Conditions(passed_every_part=True),
                 (Outcome(OutcomeKind.HONOUR, title=NATIONAL_EXPERT),)),
        ),
    )


PRESETS = {"workers_contest": preset_workers_contest, "skills_contest": preset_skills_contest}
