"""Ranking: order an event's competitors and break ties by the scheme's declared rules.

Contest rules rank by total and, when totals are equal, walk a declared chain
of tie-breaks: the higher practical (技能操作) part, then less time used, then
the higher theory part, and so on (``standing_chain``). Competitors still
equal after the whole chain either share a place — standard competition
ranking, 1, 2, 2, 4, each shared place flagged as tied, as Tabbycat does, or
dense ranking 1, 2, 2, 3 where the rules say so (``RankStyle``, ``renumber``) — or,
where the rules allow no tied places (``TieMode.NO_TIED_PLACES``), are handed
to the chief judge (裁判长) as unresolved groups, and the chief judge's
recorded order of each group gives the final places.

Absent (缺考) and disqualified competitors get no place: the absent are listed
after the ranked, the disqualified last. Ranking compares
the stored (rounded) figures — the ones the public notice shows — so anyone
can check a place against the published numbers. Within a shared place,
entries are listed by competitor id, so the order never depends on input order.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from enum import StrEnum
from itertools import groupby

from competitions.domain.errors import RuleViolation
from competitions.domain.scoring import EventScores, ScoreStatus

TOTAL = "total"
TIME_USED = "time_used"
PART_PREFIX = "part:"


class RankStyle(StrEnum):
    """How places are numbered after a shared place (stored as the value)."""

    STANDARD = "standard"  # standard competition ranking: 1, 2, 2, 4 (the places taken are skipped)
    DENSE = "dense"  # dense ranking: 1, 2, 2, 3


class TieMode(StrEnum):
    """What happens to competitors still equal after the whole tie-break chain."""

    SHARED = "shared"
    NO_TIED_PLACES = "no_tied_places"


@dataclass(frozen=True)
class TieBreakKey:
    """One link of the chain: ``total``, ``time_used`` or ``part:<code>``, and its direction."""

    name: str
    descending: bool

    @property
    def part_code(self) -> str | None:
        """The part this key compares, or None for total and time used."""
        return self.name[len(PART_PREFIX):] if self.name.startswith(PART_PREFIX) else None

    def __str__(self) -> str:
        """The key as the scheme form writes it, e.g. 'time_used asc'."""
        return f"{self.name} {'desc' if self.descending else 'asc'}"


DEFAULT_CHAIN = (TieBreakKey(TOTAL, True),)


@dataclass(frozen=True)
class RankEntry:
    """What ranking needs of one competitor; time used is in seconds (less is better)."""

    competitor_id: int
    total: Decimal | None
    part_scores: Mapping[str, Decimal] = field(default_factory=dict)
    time_used: Decimal | int | None = None
    disqualified: bool = False
    passed: bool | None = None  # None when the scheme sets no pass mark (``domain.passing``)
    absent: bool = False  # 缺考: not ranked, listed after the ranked, before the disqualified


@dataclass(frozen=True)
class RankedEntry:
    """One place in the standing; ``rank`` is None for the disqualified."""

    competitor_id: int
    rank: int | None
    tied: bool
    disqualified: bool
    total: Decimal | None
    unresolved: bool = False
    decided_by_chief_judge: bool = False
    passed: bool | None = None
    absent: bool = False


@dataclass(frozen=True)
class Ranking:
    """The standing in order (disqualified last) and the tied groups awaiting the chief judge."""

    entries: tuple[RankedEntry, ...]
    unresolved: tuple[tuple[int, ...], ...]
    mode: TieMode

    @property
    def is_final(self) -> bool:
        """True when no tied group still waits for the chief judge's decision."""
        return not self.unresolved

    def rank_of(self, competitor_id: int) -> int | None:
        """The place of one competitor (None when disqualified); KeyError when absent."""
        for entry in self.entries:
            if entry.competitor_id == competitor_id:
                return entry.rank
        raise KeyError(competitor_id)


# --- the chain -----------------------------------------------------------------------------------


def parse_tie_break_key(text: str, part_codes: Iterable[str] | None = None) -> TieBreakKey:
    """Read ``"part:practical"``, ``"time_used asc"``, ``"total desc"``; raise RuleViolation if unknown.

    Without a direction, totals and parts rank higher-first and time used
    lower-first, which is what every contest rule means by them.
    """
    words = text.split()
    if not words or len(words) > 2 or (len(words) == 2 and words[1] not in ("asc", "desc")):
        raise RuleViolation("The tie-break %(key)s is not understood.", field="tie_break", key=text)
    name = words[0]
    codes = None if part_codes is None else set(part_codes)
    if name.startswith(PART_PREFIX):
        code = name[len(PART_PREFIX):]
        if not code or (codes is not None and code not in codes):
            raise RuleViolation("The tie-break %(key)s names no part of this scheme.",
                                field="tie_break", key=text)
    elif name not in (TOTAL, TIME_USED):
        raise RuleViolation("The tie-break %(key)s is not understood.", field="tie_break", key=text)
    descending = name != TIME_USED if len(words) == 1 else words[1] == "desc"
    return TieBreakKey(name, descending)


def parse_tie_break_chain(
    texts: Iterable[str], part_codes: Iterable[str] | None = None
) -> tuple[TieBreakKey, ...]:
    """Read a whole chain in order; raise RuleViolation for an unknown or repeated key."""
    codes = None if part_codes is None else tuple(part_codes)
    chain = tuple(parse_tie_break_key(text, codes) for text in texts)
    names = [key.name for key in chain]
    if len(set(names)) != len(names):
        raise RuleViolation("A tie-break rule is listed twice.", field="tie_break")
    return chain or DEFAULT_CHAIN


def standing_chain(
    tie_break: Iterable[str], part_codes: Iterable[str] | None = None
) -> tuple[TieBreakKey, ...]:
    """The full chain of a scheme: total first, then the scheme's declared tie-breaks.

    Marking schemes declare only what breaks a tie on the total (e.g.
    ``["part:practical", "time_used"]``); a chain that already names the total
    is taken as written.
    """
    chain = parse_tie_break_chain(tie_break, part_codes)
    if any(key.name == TOTAL for key in chain):
        return chain
    return DEFAULT_CHAIN + chain


# --- ranking -------------------------------------------------------------------------------------


def rank_with_ties(
    entries: Iterable[RankEntry],
    chain: Sequence[TieBreakKey] = DEFAULT_CHAIN,
    *,
    mode: TieMode | str = TieMode.SHARED,
    decisions: Iterable[Sequence[int]] = (),
    failed_after: bool = False,
) -> Ranking:
    """Rank the entries by the chain; equal entries share a place or go to the chief judge.

    In ``SHARED`` mode equal entries share the better place (1, 2, 2, 4) and
    are flagged ``tied``. In ``NO_TIED_PLACES`` mode they hold that place
    provisionally, flagged ``unresolved``, and their ids are listed in
    ``Ranking.unresolved`` until ``decisions`` (the chief judge's recorded
    orders, best first) resolve them; see ``apply_chief_judge_decision``.
    A missing part score or time sorts after every present one.

    With ``failed_after`` those who did not pass (``passed is False``) are
    listed after everyone else and ranked among themselves; otherwise they
    keep the place their figures give (``domain.passing.FailedPlacement``).
    """
    mode = TieMode(mode)
    chain = tuple(chain) or DEFAULT_CHAIN
    entries = sorted(entries, key=lambda e: e.competitor_id)
    _check_entries(entries)
    ranked = [e for e in entries if not e.disqualified and not e.absent]

    def key(entry: RankEntry) -> tuple:
        order = _sort_key(entry, chain)
        return ((entry.passed is False,) + order) if failed_after else order

    ranked.sort(key=key)
    standing: list[RankedEntry] = []
    unresolved: list[tuple[int, ...]] = []
    position = 1
    for _, group_iter in groupby(ranked, key=key):
        group = list(group_iter)
        tied = len(group) > 1
        pending = tied and mode is TieMode.NO_TIED_PLACES
        standing += [
            RankedEntry(e.competitor_id, position, tied, False, e.total, unresolved=pending, passed=e.passed)
            for e in group
        ]
        if pending:
            unresolved.append(tuple(e.competitor_id for e in group))
        position += len(group)
    standing += [RankedEntry(e.competitor_id, None, False, False, None, absent=True)
                 for e in entries if e.absent and not e.disqualified]
    standing += [RankedEntry(e.competitor_id, None, False, True, e.total, passed=e.passed)
                 for e in entries if e.disqualified]
    ranking = Ranking(tuple(standing), tuple(unresolved), mode)
    for decision in decisions:
        ranking = apply_chief_judge_decision(ranking, decision)
    return ranking


def apply_chief_judge_decision(ranking: Ranking, ordered_ids: Sequence[int]) -> Ranking:
    """Give one unresolved tied group consecutive places in the chief judge's order (best first).

    The order must name exactly the competitors of one group still waiting;
    anything else (a group that has since changed, a shared-places ranking)
    raises RuleViolation, so a stale decision is never applied by mistake.
    """
    if ranking.mode is not TieMode.NO_TIED_PLACES:
        raise RuleViolation("This event shares tied places; there is no tie for the chief judge to decide.",
                            field="tie_decision")
    group = next((g for g in ranking.unresolved if set(g) == set(ordered_ids)), None)
    if group is None or len(set(ordered_ids)) != len(ordered_ids):
        raise RuleViolation(
            "The chief judge's order names %(ids)s, which is not a group of competitors"
            " still tied (%(groups)s).",
            field="tie_decision", ids=_ids_text(ordered_ids),
            groups="; ".join(_ids_text(g) for g in ranking.unresolved) or "-",
        )
    by_id = {e.competitor_id: e for e in ranking.entries if e.competitor_id in group}
    start = next(e.rank for e in ranking.entries if e.competitor_id in by_id)
    decided = [
        replace(by_id[cid], rank=start + offset, tied=False, unresolved=False, decided_by_chief_judge=True)
        for offset, cid in enumerate(ordered_ids)
    ]
    first = next(i for i, e in enumerate(ranking.entries) if e.competitor_id in by_id)
    entries = ranking.entries[:first] + tuple(decided) + ranking.entries[first + len(decided):]
    remaining = tuple(g for g in ranking.unresolved if g is not group)
    return Ranking(entries, remaining, ranking.mode)


def missing_time_where_it_decides(entries: Iterable[RankEntry], chain: Sequence[TieBreakKey]) -> tuple[int, ...]:
    """Competitors with no time used recorded whose place the chain's time tie-break would decide.

    That is, those equal with someone else on every link before ``time_used``:
    ranking them last for want of a time would be a silent guess, so they are
    reported instead (in competitor id order). Competitors no time link reaches
    need no time.
    """
    index = next((i for i, key in enumerate(chain) if key.name == TIME_USED), None)
    if index is None:
        return ()
    before = tuple(chain[:index])
    ranked = sorted((e for e in entries if not e.disqualified and not e.absent),
                    key=lambda e: (_sort_key(e, before), e.competitor_id))
    flagged: list[int] = []
    for _, group_iter in groupby(ranked, key=lambda e: _sort_key(e, before)):
        group = list(group_iter)
        if len(group) > 1:
            flagged += [e.competitor_id for e in group if e.time_used is None]
    return tuple(sorted(flagged))


def renumber(ranking: Ranking, style: RankStyle | str = RankStyle.STANDARD) -> Ranking:
    """``ranking`` with its places numbered in ``style``; standard places are returned as they are.

    Ranking works in standard places (1, 2, 2, 4) throughout; dense numbering
    (1, 2, 2, 3) is applied last, after the chief judge's decisions, by giving
    each distinct place the count of distinct places before it plus one.
    Prizes and qualification go by positions, not by these numbers.
    """
    if RankStyle(style) is RankStyle.STANDARD:
        return ranking
    distinct = sorted({e.rank for e in ranking.entries if e.rank is not None})
    dense = {rank: index for index, rank in enumerate(distinct, start=1)}
    entries = tuple(e if e.rank is None else replace(e, rank=dense[e.rank]) for e in ranking.entries)
    return Ranking(entries, ranking.unresolved, ranking.mode)


def entries_from_scores(
    scores: EventScores, time_used: Mapping[int, Decimal | int] | None = None,
    passed: Mapping[int, bool | None] | None = None,
) -> list[RankEntry]:
    """Rank entries from an event's scores; RuleViolation while a competitor's score is incomplete.

    ``passed`` says, by competitor, whether they reached the pass marks
    (``domain.passing.judge_pass``); absent from it means no pass mark applies.
    """
    time_used = time_used or {}
    passed = passed or {}
    entries = []
    for score in scores.scores:
        if score.status is ScoreStatus.INCOMPLETE:
            raise RuleViolation(
                "Competitor %(competitor)s cannot be ranked until their scoring problems are resolved.",
                field="scores", competitor=score.competitor_id,
            )
        entries.append(RankEntry(
            competitor_id=score.competitor_id,
            total=score.total,
            # A tie-break on a part compares the part's own mark as the rule states it (out of 100), not its
            # weighted contribution after rounding: 88.46 beats 88.45 although both weigh 61.92 at 70 %.
            part_scores=score.part_marks or score.part_scores,
            time_used=time_used.get(score.competitor_id),
            disqualified=score.status is ScoreStatus.DISQUALIFIED,
            passed=passed.get(score.competitor_id),
            absent=score.status is ScoreStatus.ABSENT,
        ))
    return entries


def _check_entries(entries: list[RankEntry]) -> None:
    """Refuse duplicate competitors and ranked entries without a total."""
    ids = [e.competitor_id for e in entries]
    if len(set(ids)) != len(ids):
        raise RuleViolation("A competitor appears twice in the standing.", field="entries")
    for entry in entries:
        if entry.total is None and not entry.disqualified and not entry.absent:
            raise RuleViolation("Competitor %(competitor)s has no total and cannot be ranked.",
                                field="entries", competitor=entry.competitor_id)


def _sort_key(entry: RankEntry, chain: Sequence[TieBreakKey]) -> tuple:
    """The entry's values along the chain, arranged so that smaller sorts first."""
    return tuple(_key_value(entry, key) for key in chain)


def _key_value(entry: RankEntry, key: TieBreakKey) -> tuple:
    """One link's value; a missing value sorts after every present one."""
    if key.name == TOTAL:
        value = entry.total
    elif key.name == TIME_USED:
        value = entry.time_used
    else:
        value = entry.part_scores.get(key.part_code)
    if value is None:
        return (1, 0)
    return (0, -value if key.descending else value)


def _ids_text(ids: Iterable[int]) -> str:
    """Ids as a comma-separated list for messages."""
    return ", ".join(str(i) for i in ids)
