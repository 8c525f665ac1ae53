"""What the yearly participation statistics count, stated once.

Union federations report every year on their labour and skills competitions
(全国总工会 and the provincial federations ask for the same table): how many
competitions were held, by level, class and kind; participations (参赛人次,
person-times) and distinct workers (参赛人数, persons); enterprises taking part;
trades; finalists; awards; promotions through competitions (晋升技术等级人次);
broken down by region (the union tree), industry, enterprise, trade, gender and
age band, with the change from last year. The rules:

* **A competition counts in the year it ends** (``statistics_year``): a
  contest running from December into January is a figure of January's year,
  whatever year its name carries. A draft was never held and never counts.
* **Only what was held counts** (``is_held``): a competition called off
  before it opened (a draft archived directly, ``Competition.called_off_at``)
  was never held; nor an event cancelled (取消) -- its registrations are no
  participations, it is no event held and its trade no trade held -- nor a
  competition whose events were all cancelled (how a contest is called off
  once registration has opened). A competition without events (a labour
  campaign run with units) is held by its status alone.
* **A participation is an approved registration** (``is_participation``): a
  withdrawn, rejected, pending or waitlisted registration is not.
* **A worker in three events is three participations and one distinct
  worker**: 人次 counts registrations, 人数 counts people.
* **A finalist took part in the final standing** (``is_finalist``): their line
  in the competition's final results is not marked absent (缺考, the results
  snapshot's ``absent`` flag, set by the chief judge) and has a score or a
  disqualification (they sat, and lost their result). An absent competitor is
  a participation but not a finalist, even when their line carries points
  (a part carried over from a preliminary round).
* **Rounds** (a trade held as a preliminary and a final in one competition,
  初赛 / 决赛): the final's registration is the qualifier's preliminary entry
  continued, so a two-round trade is one event and each competitor one
  participation (their preliminary registration). The qualifier's line in the
  final results, and any promotion it earned, are filed under that
  participation. Where an event has rounds a **finalist reached the final
  round**: a preliminary competitor who did not qualify (``round_reached`` is
  "preliminary", listed as "did not qualify") is a participation, never a
  finalist.
* **An award** is a first, second or third prize or an honourable mention in
  the final results (``is_awarded``); provisional and published-but-not-final
  results do not count.
* **A promotion through competitions** (晋升技术等级人次) is a participation
  whose result earned a skill-level promotion that was approved (the promotion
  stage's flags); honour titles and nominations are not promotions.
* **Where a figure belongs**: a participation belongs to the employer stated on
  the registration (frozen when it was approved) and so to every union above it
  (district, city); a competition held belongs
  to its organizing union and every union above it. So a district's figures
  count what its enterprises' workers did (wherever the contest was), and the
  competitions its unions organized.
* **Age band**: the age a worker reaches in the statistics year (year of the
  figures minus year of birth), in the bands of ``AGE_BANDS``.

Labour competitions and innovation contests (issue 15) are reported beside
the skills figures, by region, industry and enterprise, in the year the
competition ends:

* **Labour competitions** (劳动竞赛, kind ``labor``) on key projects run for
  months or years (a metro line, "100 days of all-out work"), so their figures
  count in **every year one of their assessment periods ends** -- the years
  the campaign was held -- and, for one without periods, in the year it ends
  (``labour_years``). A campaign of March 2026 to June 2027 is a 2026 and a
  2027 figure; the "competitions by kind" of the skills figures still count it
  once, in the year it ends. Held campaigns are filed under the organizing
  union; **periods assessed** (closed by the chief assessor or signed off) in
  the year their period ends, under the organizer too. **Participating units** (标段, enterprises, workshops,
  teams) belong to the union the unit is (``LabourUnit.organization``), or to
  the organizer when the unit is no union of the tree. A unit withdrawn before
  any assessment did not take part; one withdrawn after it did.
  **Workers**: each unit's declared headcount, or its named members when more
  are named (``unit_participations``: max of the two -- the headcount is who
  takes part, named members are those eligible for individual honours, so
  naming a nominee never lowers the figure) as participations (人次); as
  persons (人数) the named members once per union, like a registration, plus
  the people of a headcount not named (no names tell them apart);
  **vetoes**
  (一票否决) that stand (not voided), in the year their period ends, under the
  vetoed unit's union.
* **Innovation entries** (职工创新: rationalization proposals, technical
  improvements, inventions, methods) belong to the entrant's unit frozen at
  submission. **Submitted**: sent to the contest and not withdrawn (a draft is
  not); **adopted** (采纳): adopted or implemented; **implemented** (实施),
  with the **realized benefit** (yuan) recorded then -- the benefit claimed at
  submission is not a result.

Why the compilation can add up cells (``roll_up_rule``): a worker has one
gender and one birth year, and (nearly always) one employer in a year, so the
distinct workers of a union are the sum of the distinct workers of its
enterprises, and the distinct workers of an enterprise by gender or age band add
up to its total. For competition attributes (level, kind, trade) a worker may
appear under several keys, so distinct workers are counted per (enterprise,
key) and only then summed over enterprises. A worker who changed employer
during the year and competed for both counts once for each employer, also in
the unions above them: as the federation's tables count, by the unit that
entered them.

``tally`` is the rule as plain Python over plain facts: the compiled SQL must
give the same figures (the tests check them against each other and against a
hand count).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from competitions.domain.inputs import trade_code

COUNTED_STATUSES = ("approved",)
NOT_HELD_STATUSES = ("draft",)
AWARD_PRIZES = ("first", "second", "third", "honourable")
FINAL_SNAPSHOT_STATUS = "final"
FINAL_ROUND = "final"                  # Event.round of a final round: its registrations continue preliminary ones
NOT_QUALIFIED = "preliminary"          # ResultEntry.round_reached of a competitor who did not reach the final


@dataclass(frozen=True)
class AgeBand:
    """Ages ``low``..``high`` inclusive (``high`` None: and above), in years reached during the year."""

    code: str
    low: int
    high: int | None


AGE_BANDS = (
    AgeBand("to25", 0, 25),
    AgeBand("26_35", 26, 35),
    AgeBand("36_45", 36, 45),
    AgeBand("46_55", 46, 55),
    AgeBand("56up", 56, None),
)

# Breakdowns of a year's figures. Competition attributes carry "competitions held" too; worker attributes only
# participation figures (a competition has no gender). Region is the union tree itself (each union's total).
COMPETITION_DIMENSIONS = ("level", "class", "kind", "trade")
WORKER_DIMENSIONS = ("gender", "age_band")
EMPLOYER_DIMENSIONS = ("industry",)
TOTAL = "total"
DIMENSIONS = (TOTAL, *COMPETITION_DIMENSIONS, "industry", *WORKER_DIMENSIONS)
HELD_DIMENSIONS = (TOTAL, *COMPETITION_DIMENSIONS, "industry")
METRICS = ("competitions", "events", "participations", "workers", "enterprises", "finalists", "awards",
           "promotions")
# Labour competitions and innovation contests (issue 15): counted per union (total and industry cells only).
LABOUR_KIND = "labor"
ASSESSED_PERIOD_STATUSES = ("assessed", "signed_off")
LABOUR_METRICS = ("labour_competitions", "labour_units", "labour_workers", "labour_participations",
                  "periods_assessed", "vetoes")
NOT_SUBMITTED_STATUSES = ("draft", "withdrawn")
ADOPTED_STATUSES = ("adopted", "implemented")
IMPLEMENTED_STATUSES = ("implemented",)
INNOVATION_METRICS = ("innovation_entries", "innovation_adopted", "innovation_implemented", "innovation_benefit")
EXTRA_METRICS = (*LABOUR_METRICS, *INNOVATION_METRICS)


def statistics_year(ends_on: date) -> int:
    """The year a competition's figures belong to: the year it ends."""
    return ends_on.year


def year_bounds(year: int) -> tuple[date, date]:
    """First and last day of ``year`` (inclusive): the ``ends_on`` range of its competitions."""
    return date(year, 1, 1), date(year, 12, 31)


def is_held(status: str, *, called_off: bool = False, held_events: int | None = None,
            cancelled_events: int = 0) -> bool:
    """True when a competition counts as held: not a draft, not called off before it opened, and not every one of
    its events cancelled (``held_events`` None: events not considered, as for a labour campaign's units)."""
    if status in NOT_HELD_STATUSES or called_off:
        return False
    return not (held_events == 0 and cancelled_events > 0)


def age_in_year(birth_year: int, year: int) -> int:
    """The age (in whole years) a person born in ``birth_year`` reaches during ``year``."""
    return year - birth_year


def age_band(age: int) -> str:
    """The code of the band ``age`` falls in."""
    for band in AGE_BANDS:
        if age >= band.low and (band.high is None or age <= band.high):
            return band.code
    return AGE_BANDS[0].code


@dataclass(frozen=True)
class FinalLine:
    """A participation's line in its competition's final results."""

    scored: bool                 # a total was computed
    disqualified: bool = False
    absent: bool = False         # marked absent (缺考) in the results snapshot (ResultEntry.absent)
    prize: str | None = None
    round_reached: str | None = None  # rounds: "final", or "preliminary" for one who did not qualify


@dataclass(frozen=True)
class Participation:
    """One registration with what the statistics need of it (plain data)."""

    registration_id: int
    worker_id: int
    employer_id: int
    status: str
    gender: str
    birth_year: int
    level: str
    competition_class: str
    kind: str
    trade: str
    competition_status: str = "results"
    final: FinalLine | None = None   # for a qualifier: their line in the final round's results
    promoted: bool = False
    final_round: bool = False        # a registration in a final round (the preliminary one is the participation)
    event_cancelled: bool = False    # its event was cancelled (取消): not held
    competition_called_off: bool = False


@dataclass(frozen=True)
class Held:
    """One competition for "competitions held": its organizer, attributes, status and trades (one per event;
    a trade held in two rounds once: its final round is not another event)."""

    competition_id: int
    organizer_id: int
    status: str
    level: str
    competition_class: str
    kind: str
    trades: tuple[str, ...] = ()     # the trades of its held events (cancelled events left out)
    called_off: bool = False         # archived straight from a draft: called off before it opened
    cancelled_events: int = 0


def competition_held(h: Held) -> bool:
    """Whether ``h`` counts as a competition held (``is_held`` over its status, call-off and events)."""
    return is_held(h.status, called_off=h.called_off, held_events=len(h.trades), cancelled_events=h.cancelled_events)


def is_participation(p: Participation) -> bool:
    """An approved registration in a held event of a held competition (a final round's registration continues a
    preliminary one)."""
    return (p.status in COUNTED_STATUSES and not p.final_round and not p.event_cancelled
            and is_held(p.competition_status, called_off=p.competition_called_off))


def is_finalist(p: Participation) -> bool:
    """A participation whose final line has a score or a disqualification, is not marked absent, and (where the
    event has rounds) reached the final round."""
    line = p.final
    return (is_participation(p) and line is not None and not line.absent and line.round_reached != NOT_QUALIFIED
            and (line.scored or line.disqualified))


def is_awarded(p: Participation) -> bool:
    """A participation with a prize in the final results."""
    return is_participation(p) and p.final is not None and p.final.prize in AWARD_PRIZES


def labour_years(period_end_years: Iterable[int], ends_year: int) -> tuple[int, ...]:
    """The years a labour competition's figures count in: each year one of its periods ends (sorted), or the
    year the competition ends when it has no periods."""
    years = tuple(sorted(set(period_end_years)))
    return years or (ends_year,)


def unit_participations(named_members: int, headcount: int) -> int:
    """A labour unit's participations (参赛人次): ``max(headcount, named members)``. The declared headcount is
    who takes part; named members are the people eligible for individual honours (先进个人), so naming one
    (e.g. the team leader of a 420-strong section) leaves 420. Mirrored in SQL by
    ``labour.setup.PARTICIPATION_SQL`` (units page, yearly statistics)."""
    return max(named_members, headcount)


def unit_took_part(withdrawn: bool, assessed: bool) -> bool:
    """A labour unit took part unless it was withdrawn before any assessment of it was recorded."""
    return not withdrawn or assessed


def period_assessed(status: str) -> bool:
    """A labour period counts as assessed once its chief assessor closed it (and after sign-off)."""
    return status in ASSESSED_PERIOD_STATUSES


@dataclass(frozen=True)
class InnovationCount:
    """What one innovation entry adds: submitted, adopted, implemented (0/1) and its realized benefit (yuan)."""

    submitted: int
    adopted: int
    implemented: int
    benefit: Decimal


def innovation_count(status: str, submitted: bool, realized_benefit: Decimal | None) -> InnovationCount:
    """One entry's contribution: ``status`` as the innovation stage keeps it, ``submitted`` whether it was ever
    sent (a submission time); the benefit counts only once implemented (None: not recorded, 0)."""
    sent = submitted and status not in NOT_SUBMITTED_STATUSES
    adopted = sent and status in ADOPTED_STATUSES
    implemented = sent and status in IMPLEMENTED_STATUSES
    benefit = (realized_benefit or Decimal("0")) if implemented else Decimal("0")
    return InnovationCount(int(sent), int(adopted), int(implemented), benefit)


@dataclass(frozen=True)
class Figures:
    """One cell of the statistics: counts (None where a figure does not apply, e.g. competitions by gender)."""

    competitions: int | None = 0
    events: int | None = 0
    participations: int = 0
    workers: int = 0
    enterprises: int = 0
    finalists: int = 0
    awards: int = 0
    promotions: int = 0

    def as_dict(self) -> dict:
        """The figures by metric name."""
        return {name: getattr(self, name) for name in METRICS}


def ancestors_of_path(path: str) -> tuple[int, ...]:
    """The unions a node belongs to, itself included, from its materialised path ("/1/4/17/" -> (1, 4, 17))."""
    return tuple(int(part) for part in path.strip("/").split("/") if part)


def roll_up_rule(scope_paths: Mapping[int, str], org_id: int) -> tuple[int, ...]:
    """The scopes (unions) a figure of ``org_id`` is added into: the org and every union above it."""
    return ancestors_of_path(scope_paths[org_id])


def _keys(dimension: str, p: Participation, year: int, industry: str) -> str:
    return {
        TOTAL: "", "level": p.level, "class": p.competition_class, "kind": p.kind, "trade": trade_code(p.trade),
        "gender": p.gender, "age_band": age_band(age_in_year(p.birth_year, year)), "industry": industry,
    }[dimension]


def _held_keys(dimension: str, h: Held, industry: str) -> tuple[str, ...]:
    if dimension == "trade":
        return tuple(sorted({trade_code(t) for t in h.trades}))
    return ({TOTAL: "", "level": h.level, "class": h.competition_class, "kind": h.kind,
             "industry": industry}[dimension],)


@dataclass
class _Counter:
    competitions: set = field(default_factory=set)
    events: int = 0
    participations: int = 0
    workers: set = field(default_factory=set)
    enterprises: set = field(default_factory=set)
    finalists: int = 0
    awards: int = 0
    promotions: int = 0


def tally(year: int, participations: Iterable[Participation], held: Iterable[Held],
          org_paths: Mapping[int, str], industries: Mapping[int, str]) -> dict[tuple[int, str, str], Figures]:
    """Every figure of ``year`` by (scope org id, dimension, key), counted one fact at a time.

    ``participations`` and ``held`` are the year's facts (competitions ending in
    ``year``); ``org_paths`` maps every org id to its materialised path and
    ``industries`` to its industry. The reference the SQL compilation is checked
    against; it holds everything in memory, so it is for tests and small data.
    """
    counters: dict[tuple[int, str, str], _Counter] = {}

    def counter(scope: int, dimension: str, key: str) -> _Counter:
        return counters.setdefault((scope, dimension, key), _Counter())

    for p in participations:
        if not is_participation(p):
            continue
        for dimension in DIMENSIONS:
            key = _keys(dimension, p, year, industries.get(p.employer_id, ""))
            for scope in roll_up_rule(org_paths, p.employer_id):
                c = counter(scope, dimension, key)
                c.participations += 1
                c.workers.add(p.worker_id)
                c.enterprises.add(p.employer_id)
                c.finalists += is_finalist(p)
                c.awards += is_awarded(p)
                c.promotions += p.promoted and is_participation(p)
    for h in held:
        if not competition_held(h):
            continue
        for dimension in HELD_DIMENSIONS:
            for key in _held_keys(dimension, h, industries.get(h.organizer_id, "")):
                events = len(h.trades) if dimension != "trade" else [trade_code(t) for t in h.trades].count(key)
                for scope in roll_up_rule(org_paths, h.organizer_id):
                    c = counter(scope, dimension, key)
                    c.competitions.add(h.competition_id)
                    c.events += events
    result = {}
    for (scope, dimension, key), c in counters.items():
        applies = dimension in HELD_DIMENSIONS
        result[(scope, dimension, key)] = Figures(
            competitions=len(c.competitions) if applies else None, events=c.events if applies else None,
            participations=c.participations, workers=len(c.workers), enterprises=len(c.enterprises),
            finalists=c.finalists, awards=c.awards, promotions=c.promotions)
    return result


@dataclass(frozen=True)
class Change:
    """A figure against last year's: the difference and the percentage (None when last year had none)."""

    current: int | None
    previous: int | None
    difference: int | None
    percent: Decimal | None


def change(current: int | None, previous: int | None) -> Change:
    """This year's figure against last year's; the percentage is rounded half up to one decimal."""
    if current is None or previous is None:
        return Change(current, previous, None, None)
    difference = current - previous
    if previous == 0:
        return Change(current, previous, difference, None)
    percent = (Decimal(difference) * 100 / Decimal(previous)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return Change(current, previous, difference, percent)

