"""Team standings of team events (团体项目): the team score, place and prize beside the individual standing.

The rules:

* A team event's competitors register with a team name (``Registration.team_name``);
  a team has at most ``event.team_size`` members (checked at registration).
* Members are scored, ranked and awarded one by one as in any event; the team
  standing comes in addition, computed from the same individual results.
* A team's score is the sum or the mean of its members' totals
  (``domain.scoring.team_score``), as the event's results setting says
  (``EventResultSetting.team_aggregation``, default "mean", chosen on the
  chief judge's adjustments page until the results are published).
* A team with a disqualified member (safety or quality veto, 一票否决) is
  disqualified as a whole: the team's work is joint, so the veto of one member
  is a veto of the team. It is listed last, without a score or place.
* Teams are ranked by team score with ``domain.ranking.rank_with_ties``; exact
  ties share the place (1, 2, 2, 4) whatever the event's tie mode, since the
  chief judge's tie decisions order individual competitors, not teams. Teams
  sharing a place are listed by team name.
* Prizes follow the event's award rule (``domain.awards``) counted over teams.
* Refused with a message at computation, never guessed: an approved competitor
  of a team event without a team; proportions promising more prizes than
  there are teams.

The team standing is persisted with the snapshot (``ResultTeamEntry``), so
published team results never change with later edits.
"""

from __future__ import annotations

from collections import defaultdict, namedtuple
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import select

from competitions.audit.services import record
from competitions.domain import awards as award_rules
from competitions.domain import ranking as ranking_rules
from competitions.domain.errors import RuleViolation
from competitions.domain.scoring import TeamAggregation, team_score
from competitions.extensions import db
from competitions.organize.models import Event
from competitions.registration.models import Registration
from competitions.results.models import EventResultSetting, ResultEntry, ResultSnapshot, ResultTeamEntry

DEFAULT_TEAM_AGGREGATION = TeamAggregation.MEAN.value


@dataclass(frozen=True)
class TeamMember:
    """What the team standing needs of one member: registration id, total, whether disqualified, time, parts.

    ``time_used`` is in seconds (None when not recorded); ``part_marks`` are the member's own part marks
    out of 100, by part code. A member without a total who is not disqualified was absent.
    """

    registration_id: int
    total: Decimal | None
    disqualified: bool = False
    time_used: int | None = None
    part_marks: Mapping[str, Decimal] = field(default_factory=dict)


@dataclass(frozen=True)
class TeamRule:
    """A team event's own rules, from its marking scheme (``Event.team_rule``).

    ``score``: sum, mean, or best k (``best``) of the members' totals.
    ``tie_break``: the team tie-break chain after the team score, e.g.
    ``("time_used", "part:practical")`` — the team's total time used (the sum
    of its members', less is better), then the sum of its members' marks in a
    part (higher is better).
    ``tie_mode``: "shared" (tied teams share the place) or "no_tied_places"
    (a tie still left after the chain where a prize depends on it is refused
    with the teams named: add a tie-break).
    """

    score: TeamAggregation = TeamAggregation.MEAN
    best: int | None = None
    tie_break: tuple[str, ...] = ()
    tie_mode: ranking_rules.TieMode = ranking_rules.TieMode.SHARED

    def __post_init__(self) -> None:
        """Accept stored values (strings, lists)."""
        object.__setattr__(self, "score", TeamAggregation(self.score or TeamAggregation.MEAN))
        object.__setattr__(self, "tie_break", tuple(self.tie_break or ()))
        object.__setattr__(self, "tie_mode", ranking_rules.TieMode(self.tie_mode or "shared"))


@dataclass(frozen=True)
class TeamLine:
    """One team's line: members (registration ids), score (None when disqualified), place and prize."""

    team_name: str
    member_ids: tuple[int, ...]
    score: Decimal | None
    disqualified: bool
    rank: int | None
    tied: bool
    prize: str | None


# --- the setting --------------------------------------------------------------------------------


def team_aggregation_of(event_id: int) -> str:
    """The event's team score: the marking scheme's (``Event.team_rule``), else the older results setting, else mean."""
    event = db.session.get(Event, event_id)
    if event is not None and (event.team_rule or {}).get("score"):
        return event.team_rule["score"]
    mode = db.session.execute(
        select(EventResultSetting.team_aggregation).where(EventResultSetting.event_id == event_id)
    ).scalar_one_or_none()
    return mode or DEFAULT_TEAM_AGGREGATION


def team_rule_of(event: Event) -> TeamRule:
    """The team event's team rules as ``rank_teams`` needs them."""
    stored = event.team_rule or {}
    return TeamRule(score=team_aggregation_of(event.id), best=stored.get("best"),
                    tie_break=tuple(stored.get("tie_break") or ()), tie_mode=stored.get("tie_mode") or "shared")


def set_team_aggregation(event: Event, mode: str, *, actor_id: int | None) -> None:
    """Choose the sum or the mean of members' totals as a team event's team score (before publication)."""
    from competitions.results.adjustments import _require_event_open_for_changes

    if not event.is_team:
        raise RuleViolation("This is not a team event.", field="team_aggregation")
    if mode not in {m.value for m in TeamAggregation}:
        raise RuleViolation("Unknown team aggregation %(mode)s.", field="team_aggregation", mode=mode)
    _require_event_open_for_changes(event)
    setting = db.session.execute(
        select(EventResultSetting).where(EventResultSetting.event_id == event.id)
    ).scalar_one_or_none()
    if setting is None:
        setting = EventResultSetting(event_id=event.id, tie_mode="shared")
        db.session.add(setting)
    old = setting.team_aggregation or DEFAULT_TEAM_AGGREGATION
    setting.team_aggregation = mode
    if event.team_rule:  # the scheme's team rule is the one read: keep both saying the same
        event.team_rule = {**event.team_rule, "score": mode}
    db.session.flush()
    record("result_team_aggregation", actor_id=actor_id, object_type="event", object_id=event.id,
           competition_id=event.competition_id, event_id=event.id, old={"team_aggregation": old},
           new={"team_aggregation": mode})


# --- the pure part ------------------------------------------------------------------------------


def team_entry(number: int, members: Sequence[TeamMember], rule: TeamRule) -> tuple[ranking_rules.RankEntry,
                                                                                     Decimal | None]:
    """One team as a ranking entry: its score, its total time and its members' part marks summed (for the chain).

    A team with a disqualified member is disqualified; members without a total
    (absent) do not count; a team with nobody scored is listed as absent.
    """
    if any(m.disqualified for m in members):
        return ranking_rules.RankEntry(number, None, disqualified=True), None
    scored = [m for m in members if m.total is not None]
    if not scored:
        return ranking_rules.RankEntry(number, None, absent=True), None
    score = team_score([m.total for m in scored], rule.score, rule.best)
    if rule.score is TeamAggregation.BEST:
        counted = sorted(scored, key=lambda m: (-m.total, m.registration_id))[:rule.best]
    else:
        counted = scored
    times = [m.time_used for m in members]
    time_used = None if any(t is None for t in times) else sum(times)
    parts: dict[str, Decimal] = defaultdict(Decimal)
    for member in counted:
        for code, mark in member.part_marks.items():
            parts[code] += mark
    return ranking_rules.RankEntry(number, score, part_scores=dict(parts), time_used=time_used), score


def rank_teams(teams: Mapping[str, Sequence[TeamMember]], mode: TeamRule | TeamAggregation | str,
               rule: award_rules.AwardRule, *, event_name: str = "") -> list[TeamLine]:
    """Score, rank and award teams: the team standing in order, disqualified teams last.

    ``mode`` is the event's ``TeamRule`` (or just its team score, for the
    shared-places default). Teams are ranked by score, then by the team
    tie-break chain; teams still equal share the place — unless the rule says
    "no tied places" and a prize depends on their order, which is refused with
    the teams named. Teams never get tied places by accident: a rule that wants
    them decided names the figure that decides.
    """
    team_rule = mode if isinstance(mode, TeamRule) else TeamRule(score=mode)
    names = sorted(teams)
    ids = {name: number for number, name in enumerate(names, start=1)}
    scores: dict[str, Decimal | None] = {}
    entries = []
    for name in names:
        entry, scores[name] = team_entry(ids[name], teams[name], team_rule)
        entries.append(entry)
    chain = ranking_rules.standing_chain(team_rule.tie_break)
    ranking = ranking_rules.rank_with_ties(entries, chain, mode=team_rule.tie_mode)
    entrants = sum(1 for e in ranking.entries if not e.disqualified and not e.absent)
    award_rules.check_award_rule(rule)
    if rule.method is award_rules.AwardMethod.PROPORTIONS:
        prizes = sum(award_rules.prize_counts(rule, entrants).values())
        if prizes > entrants:
            raise RuleViolation("The award proportions of %(event)s give %(prizes)s team prizes but the event has"
                                " only %(entrants)s teams; change the award rule.", field="award_rule",
                                event=event_name, prizes=prizes, entrants=entrants)
    by_id = {number: name for name, number in ids.items()}
    if not ranking.is_final:
        needed = award_rules.boundary_ties(ranking, award_rules.prize_counts(rule, entrants))
        if needed:
            raise RuleViolation(
                "The teams %(teams)s of %(event)s are still equal after the team tie-break chain and a prize"
                " depends on their order; add a team tie-break to the marking scheme.", field="team_tie_break",
                teams="; ".join(", ".join(by_id[i] for i in group) for group in needed), event=event_name)
        ranking = award_rules.share_undecisive_ties(ranking, needed)
    prizes = {a.competitor_id: a.prize for a in award_rules.assign_awards(ranking, rule)}
    lines = []
    for entry in ranking.entries:
        name = by_id[entry.competitor_id]
        prize = prizes.get(entry.competitor_id)
        lines.append(TeamLine(name, tuple(m.registration_id for m in teams[name]), scores[name], entry.disqualified,
                              entry.rank, entry.tied, prize.value if prize else None))
    return lines


# --- computing with the snapshot ----------------------------------------------------------------


def teams_of(event: Event, ranked: Sequence[ranking_rules.RankedEntry], scores: Mapping | None = None,
             time_used: Mapping[int, int] | None = None) -> dict[str, list[TeamMember]]:
    """The members of each team of a team event, from its individual standing; refuses a member without a team.

    ``scores`` (competitor id -> ``CompetitorScore``) and ``time_used`` give the
    members' part marks and times for the team tie-break chain.
    """
    scores = scores or {}
    time_used = time_used or {}
    ids = [e.competitor_id for e in ranked]
    team_by_registration = dict(db.session.execute(
        select(Registration.id, Registration.team_name).where(Registration.id.in_(ids))
    ).all()) if ids else {}
    teams: dict[str, list[TeamMember]] = defaultdict(list)
    for entry in sorted(ranked, key=lambda e: e.competitor_id):
        team = (team_by_registration.get(entry.competitor_id) or "").strip()
        if not team:
            from competitions.results.standing import codes_of

            raise RuleViolation("The competitor %(competitor)s of the team event %(event)s has no team.",
                                field="team_name", event=event.trade_name,
                                competitor=codes_of([entry.competitor_id]).get(entry.competitor_id))
        score = scores.get(entry.competitor_id)
        teams[team].append(TeamMember(entry.competitor_id, entry.total, entry.disqualified,
                                      time_used.get(entry.competitor_id),
                                      score.part_marks if score is not None else {}))
    return dict(teams)


def team_standings(standings: Sequence) -> dict[int, list[TeamLine]]:
    """The team standing of every team event among the events' standings (``results.standing.EventStanding``)."""
    from competitions.results.standing import award_rule_of

    out = {}
    for standing in standings:
        event = standing.event
        if not event.is_team or standing.ranking is None:
            continue
        scores = {s.competitor_id: s for s in standing.scores.scores}
        teams = teams_of(event, standing.ranking.entries, scores, standing.time_used)
        out[event.id] = rank_teams(teams, team_rule_of(event), award_rule_of(event), event_name=event.trade_name)
    return out


def write_team_entries(snapshot: ResultSnapshot, lines_by_event: Mapping[int, Sequence[TeamLine]]) -> None:
    """Persist the team standings with the snapshot."""
    rows = []
    for event_id, lines in lines_by_event.items():
        mode = team_aggregation_of(event_id)
        for position, line in enumerate(lines, start=1):
            rows.append({"snapshot_id": snapshot.id, "event_id": event_id, "team_name": line.team_name,
                         "member_registration_ids": list(line.member_ids), "aggregation": mode,
                         "position": position, "rank": line.rank, "tied": line.tied,
                         "disqualified": line.disqualified, "score": line.score, "prize": line.prize})
    if rows:
        db.session.execute(ResultTeamEntry.__table__.insert(), rows)
        db.session.flush()


# --- reading ------------------------------------------------------------------------------------


TeamMemberRow = namedtuple("TeamMemberRow", ["code", "name", "employer", "total", "disqualified"])
TeamRow = namedtuple("TeamRow", ["team_name", "members", "score", "aggregation", "rank", "tied", "disqualified",
                                 "prize"])


def team_rows(snapshot: ResultSnapshot, event_id: int | None = None) -> dict[int, list[TeamRow]]:
    """A snapshot's team standings grouped by event, in standing order, each with its members' lines."""
    query = select(ResultTeamEntry).where(ResultTeamEntry.snapshot_id == snapshot.id)
    if event_id is not None:
        query = query.where(ResultTeamEntry.event_id == event_id)
    teams = db.session.execute(query.order_by(ResultTeamEntry.event_id, ResultTeamEntry.position)).scalars().all()
    if not teams:
        return {}
    member_ids = [rid for t in teams for rid in t.member_registration_ids]
    members = {}
    for start in range(0, len(member_ids), 500):
        for rid, code, name, employer, total, dq in db.session.execute(
            select(ResultEntry.registration_id, ResultEntry.anonymous_code, ResultEntry.name, ResultEntry.employer,
                   ResultEntry.total, ResultEntry.disqualified)
            .where(ResultEntry.snapshot_id == snapshot.id,
                   ResultEntry.registration_id.in_(member_ids[start:start + 500]))
        ).all():
            members[rid] = TeamMemberRow(code or "", name or "", employer or "", total, bool(dq))
    grouped: dict[int, list[TeamRow]] = defaultdict(list)
    for t in teams:
        lines = [members[rid] for rid in t.member_registration_ids if rid in members]
        lines.sort(key=lambda m: m.code)
        grouped[t.event_id].append(TeamRow(t.team_name, lines, t.score, t.aggregation, t.rank, bool(t.tied),
                                           bool(t.disqualified), t.prize))
    return dict(grouped)


def team_json(row: TeamRow) -> dict:
    """One team as the JSON feed shows it."""
    return {
        "team": row.team_name, "rank": row.rank, "tied": row.tied, "disqualified": row.disqualified,
        "score": None if row.score is None else f"{row.score:.2f}", "aggregation": row.aggregation,
        "prize": row.prize,
        "members": [{"code": m.code, "name": m.name, "employer": m.employer,
                     "total": None if m.total is None else f"{m.total:.2f}", "disqualified": m.disqualified}
                    for m in row.members],
    }
