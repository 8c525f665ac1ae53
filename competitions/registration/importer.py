"""Roster import: an enterprise union submits its workers from the spreadsheet it already keeps.

The clerk downloads an .xlsx template (Chinese and English headers, drop-down
lists for gender, employer and skill level), fills it in — or exports a CSV
from their own sheet — and uploads it. Every row is checked; the errors come
back as a table of row, column, value and message, and nothing is saved unless
every row is valid. The natural key is ID number + event, so uploading the
same file again updates the people instead of registering them twice.

Reading the file (limits, streaming, headers, blank rows) is ``roster_file``; this module checks
each row and saves. Text cells follow the shared input rules (``domain.inputs``): a control character
is a row error naming the column, text is stored in NFC. Team names are compared after NFKC and with
spaces removed, so ``红队`` and ``红 队`` are one team (the spelling first registered is kept).
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass, replace
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from openpyxl.utils import get_column_letter
from sqlalchemy import select

from competitions.audit.services import record
from competitions.auth.models import User
from competitions.db import utcnow
from competitions.domain import eligibility as rules
from competitions.domain.errors import N_, InvalidState, RuleViolation, ValidationErrors
from competitions.domain.identity import check_consistent, parse_national_id
from competitions.domain.inputs import (
    InputError,
    bad_characters,
    clean_text,
    date_in_range,
    describe_characters,
    normalize_name,
    person_name,
    phone_number,
    tidy_name,
)
from competitions.extensions import db
from competitions.organize.models import Event
from competitions.orgs.models import Organization, Worker
from competitions.people import services as people
from competitions.registration import services
from competitions.registration.models import Registration
from competitions.registration.roster_file import (  # noqa: F401 - re-exported for callers and tests
    LISTS_SHEET,
    MAX_COLUMNS,
    MAX_ROWS,
    ROSTER_SHEET,
    RawRow,
    check_zip_safety,
    file_problem,
    header_text,
    read_roster_file,
)
from competitions.spreadsheets import Book


@dataclass(frozen=True)
class Column:
    """One column of the roster: its key, Chinese and English headers, and the other names clerks use."""

    key: str
    zh: str
    en: str
    label: object
    width: int = 16
    aliases: tuple[str, ...] = ()
    max_length: int | None = None   # the stored column's length: a longer cell is a row error, never cut


COLUMNS = (
    Column("national_id", "身份证号", "National ID number", _l("National ID number"), 24,
           ("身份证号码", "身份证", "公民身份号码", "身份证件号码", "证件号码", "ID number", "ID no", "national ID")),
    Column("name", "姓名", "Name", _l("Full name"), 12, ("Full name", "参赛选手姓名", "选手姓名", "职工姓名"),
           max_length=100),
    Column("gender", "性别", "Gender", _l("Gender"), 8, ("Sex",)),
    Column("birth_date", "出生日期", "Date of birth", _l("Date of birth"), 14,
           ("出生年月日", "出生年月", "生日", "Birth date", "Birthday", "DOB")),
    Column("phone", "手机号", "Phone", _l("Phone"), 15,
           ("手机号码", "手机", "联系电话", "电话", "联系方式", "Mobile", "Phone number", "Telephone"), max_length=30),
    Column("employer", "工作单位", "Employer", _l("Employer"), 28,
           ("单位", "所在单位", "单位名称", "工作单位名称", "Work unit", "Company", "Organization")),
    Column("skill_level", "技能等级", "Skill level", _l("Current skill level"), 18,
           ("职业技能等级", "现技能等级", "技能等级（级别）", "Current skill level", "Level")),
    Column("certificate_no", "证书编号", "Certificate number", _l("Certificate number"), 20,
           ("证书号", "证书号码", "职业资格证书编号", "技能等级证书编号", "Certificate no", "Certificate"),
           max_length=50),
)
# Optional: required (and at most event.team_size members per team) only for a team event.
TEAM_COLUMN = Column("team_name", "队名", "Team", _l("Team"), 16,
                     ("团队名称", "队伍名称", "代表队", "参赛队", "队伍", "Team name"), max_length=100)
TEMPLATE_COLUMNS = (*COLUMNS, TEAM_COLUMN)
COLUMN_BY_KEY = {c.key: c for c in TEMPLATE_COLUMNS}
# Every accepted header, compared exactly after NFKC, blanks and case (``roster_file.header_text``).
# The template's own two-line header ("身份证号\nNational ID number") reads as "身份证号 national id number".
HEADERS = {header_text(name): c.key for c in TEMPLATE_COLUMNS for name in (c.zh, c.en, f"{c.zh} {c.en}", *c.aliases)}
TEXT_KEYS = ("national_id", "name", "phone", "employer", "certificate_no", "team_name", "gender", "skill_level")
REQUIRED = ("national_id", "name", "employer")
LEVEL_NAMES = {5: "初级工", 4: "中级工", 3: "高级工", 2: "技师", 1: "高级技师"}
GENDER_WORDS = {"男": "male", "女": "female", "male": "male", "female": "female", "m": "male", "f": "female"}
_DATE_PATTERNS = (   # [0-9], not \d: \d would read Arabic-Indic and other digits too
    re.compile(r"^([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})$"),
    re.compile(r"^([0-9]{4})/([0-9]{1,2})/([0-9]{1,2})$"),
    re.compile(r"^([0-9]{4})\.([0-9]{1,2})\.([0-9]{1,2})$"),
    re.compile(r"^([0-9]{4})年([0-9]{1,2})月([0-9]{1,2})日?$"),
    re.compile(r"^([0-9]{4})([0-9]{2})([0-9]{2})$"),
)


@dataclass(frozen=True)
class ImportSummary:
    """What an import did."""

    created: int
    updated: int
    waitlisted: int
    renamed: tuple[tuple[int, str, str], ...] = ()   # (row, old name, new name) of existing people renamed

    @property
    def total(self) -> int:
        """Rows imported."""
        return self.created + self.updated


# ---- template --------------------------------------------------------------------------------------

def roster_template(employer_names: list[str]) -> bytes:
    """The .xlsx template: headers in Chinese and English, text-formatted ID column, drop-down lists."""
    book = Book()
    sheet = book.sheet(ROSTER_SHEET, widths=[c.width for c in TEMPLATE_COLUMNS], freeze_rows=1)
    lists = book.sheet(LISTS_SHEET, hidden=True)
    levels = [f"{n} {LEVEL_NAMES[n]}" for n in (5, 4, 3, 2, 1)]
    for i in range(max(len(employer_names), len(levels))):
        lists.row([employer_names[i] if i < len(employer_names) else None, levels[i] if i < len(levels) else None])
    sheet.header([f"{c.zh}\n{c.en}" for c in TEMPLATE_COLUMNS], wrap=True, fill="F2DCDB", height=34)
    # Text, so Excel keeps all 18 digits and the leading zeros.
    formats = ["@" if c.key in ("national_id", "phone", "certificate_no", "birth_date") else None
               for c in TEMPLATE_COLUMNS]
    for _row in range(2, 1002):
        sheet.row([None] * len(TEMPLATE_COLUMNS), formats=formats)
    letters = {c.key: get_column_letter(i) for i, c in enumerate(TEMPLATE_COLUMNS, start=1)}
    sheet.choice_list('"男,女"', f"{letters['gender']}2:{letters['gender']}1001")
    sheet.choice_list(f"={LISTS_SHEET}!$B$1:$B$5", f"{letters['skill_level']}2:{letters['skill_level']}1001")
    if employer_names:
        sheet.choice_list(f"={LISTS_SHEET}!$A$1:$A${len(employer_names)}",
                          f"{letters['employer']}2:{letters['employer']}1001", strict=False)
    return book.to_bytes()


# ---- reading ---------------------------------------------------------------------------------------

def read_roster(data: bytes, filename: str) -> list[RawRow]:
    """The rows of an uploaded .xlsx or .csv, or ValidationErrors with one clear file-level message."""
    required = {k: f"{COLUMN_BY_KEY[k].zh} {COLUMN_BY_KEY[k].en}" for k in REQUIRED}
    rows = read_roster_file(data, filename, HEADERS, required)
    if not rows:
        raise file_problem(N_("The file has no rows below the header."))
    return rows


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


# ---- validating ------------------------------------------------------------------------------------

@dataclass
class _Parsed:
    row: int
    national_id: str
    details: services.WorkerDetails


def parse_gender(value: object) -> str | None:
    """男/女/male/female/M/F -> "male"/"female"; None when unrecognised."""
    return GENDER_WORDS.get(_text(value).lower())


def parse_date(value: object) -> date | None:
    """A date cell, or text as 1990-01-02, 1990/1/2, 1990.1.2, 1990年1月2日 or 19900102; None when not a date.

    Full-width digits and blanks inside ("１９９０年 1 月 2 日") are read too; dates outside 1900-2100 are not
    dates of birth.
    """
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value if date_in_range(value) else None
    text = "".join(unicodedata.normalize("NFKC", _text(value)).split())
    for pattern in _DATE_PATTERNS:
        match = pattern.match(text)
        if match:
            try:
                day = date(*(int(g) for g in match.groups()))
            except ValueError:
                return None
            return day if date_in_range(day) else None
    return None


def parse_level(value: object) -> int | None:
    """"3", "3 高级工", "高级工" or "Senior worker" -> 3; raises ValueError when unrecognised."""
    text = _text(value)
    if not text:
        return None
    if text[0] in "12345" and (len(text) == 1 or not text[1].isdigit()):
        return int(text[0])
    for number, name in LEVEL_NAMES.items():
        if text == name:
            return number
    english = {"junior worker": 5, "intermediate worker": 4, "senior worker": 3, "technician": 2,
               "senior technician": 1}
    if text.lower() in english:
        return english[text.lower()]
    raise ValueError(text)


def _problem(number: int, key: str, value: object, message: str, /, **params) -> dict:
    # The value as typed in the uploader's own file, the ID number unmasked too, so the clerk sees which digit
    # is wrong. The table is shown once, to the uploader, on the upload's answer and nowhere else.
    return {"row": number, "column": key, "value": _text(value)[:60], "message": message, "params": params}


def suggest_employers(name: str, known: list[str], n: int = 3) -> list[str]:
    """The closest existing organization names to an unknown employer (difflib)."""
    return difflib.get_close_matches(name, known, n=n, cutoff=0.5)


def _clean_cells(raw: RawRow, problems: list[dict]) -> dict:
    """The row's cells with text in NFC and without invisible format characters (``inputs.clean_text``); a control
    character in a text cell is a problem naming the column."""
    cells = dict(raw.cells)
    for key, value in raw.cells.items():
        if not isinstance(value, str):
            continue
        bad = bad_characters(value)
        if bad:
            problems.append(_problem(raw.number, key, value, N_("This cell contains a control character (%(chars)s), "
                                     "probably pasted from another program. Delete it and type the text again."),
                                     chars=describe_characters(bad)))
        else:
            cells[key] = clean_text(value)
    for key, value in cells.items():
        column = COLUMN_BY_KEY.get(key)
        if column is not None and column.max_length is not None and len(_text(value)) > column.max_length:
            problems.append(too_long(raw.number, key, value, column.max_length))
    return cells


def too_long(row: int, key: str, value: object, limit: int) -> dict:
    """The row problem of a cell longer than its column holds (review2 M3: a 400-digit phone number was cut to
    30 characters without a word): the clerk is told the row, the column and both lengths; nothing is cut."""
    return _problem(row, key, value, N_("This cell has %(length)d characters; at most %(max)d fit in this column."),
                    length=len(_text(value)), max=limit)


def _parse_row(raw: RawRow, event: Event, orgs: dict[str, Organization], allowed_employers: set[int] | None,
               today: date, problems: list[dict]) -> _Parsed | None:
    n = raw.number
    before = len(problems)
    cells = _clean_cells(raw, problems)
    for key in REQUIRED:
        if _blank(cells.get(key)):
            problems.append(_problem(n, key, "", N_("This column is required.")))
    id_cell = cells.get("national_id")
    parsed = None
    if isinstance(id_cell, (int, float)) and not _blank(id_cell):
        problems.append(_problem(n, "national_id", id_cell, N_("The identity number was stored as a number and may "
                                 "have lost digits; format the column as text and type it again.")))
    elif not _blank(id_cell):
        try:
            parsed = parse_national_id(id_cell, today=today)
        except RuleViolation as error:
            problems.append(_problem(n, "national_id", id_cell, error.message, **error.params))
    gender = None
    if not _blank(cells.get("gender")):
        gender = parse_gender(cells["gender"])
        if gender is None:
            problems.append(_problem(n, "gender", cells["gender"], N_("Write 男 or 女 (male or female).")))
    birth = None
    if not _blank(cells.get("birth_date")):
        birth = parse_date(cells["birth_date"])
        if birth is None:
            problems.append(_problem(n, "birth_date", cells["birth_date"],
                                     N_("Write the date as YYYY-MM-DD, for example 1990-05-17.")))
    level = None
    try:
        level = parse_level(cells.get("skill_level"))
    except ValueError:
        problems.append(_problem(n, "skill_level", cells.get("skill_level"),
                                 N_("Choose a skill level from the list (5 初级工 … 1 高级技师).")))
    employer = None
    employer_name = _text(cells.get("employer"))
    if employer_name:
        employer = orgs.get(employer_name)
        if employer is None:
            close = suggest_employers(employer_name, sorted(orgs))
            if close:
                problems.append(_problem(n, "employer", employer_name, N_("Unknown employer. Did you mean: "
                                         "%(suggestions)s?"), suggestions="; ".join(close)))
            else:
                problems.append(_problem(n, "employer", employer_name, N_("Unknown employer. Use the organization's "
                                         "name as registered (see the template's list).")))
        elif allowed_employers is not None and employer.id not in allowed_employers:
            problems.append(_problem(n, "employer", employer_name, N_("You can submit only workers of your own "
                                     "organization and the ones below it.")))
    name = _text(cells.get("name"))
    if name and len(name) <= COLUMN_BY_KEY["name"].max_length:
        try:
            name = person_name(name, field="name")
        except InputError as error:
            problems.append(_problem(n, "name", name, error.message, **error.params))
    phone = _text(cells.get("phone"))
    if phone and len(phone) <= COLUMN_BY_KEY["phone"].max_length:
        try:
            phone = phone_number(phone, field="phone")
        except InputError as error:
            problems.append(_problem(n, "phone", phone, error.message, **error.params))
    team = tidy_name(_text(cells.get("team_name")))
    if len(team) > TEAM_COLUMN.max_length and len(_text(cells.get("team_name"))) <= TEAM_COLUMN.max_length:
        problems.append(too_long(n, "team_name", team, TEAM_COLUMN.max_length))   # NFKC made it longer
    if event.is_team and not team:
        problems.append(_problem(n, "team_name", "", N_("This is a team event: write the team's name.")))
    if parsed is not None:
        for p in check_consistent(parsed, birth, gender):
            problems.append(_problem(n, p["field"], cells.get(p["field"]), p["message"], **p["params"]))
    if len(problems) > before or parsed is None:
        return None
    details = services.WorkerDetails(
        name=name, gender=parsed.gender, birth_date=parsed.birth_date,
        national_id=parsed.number, phone=phone, employer_id=employer.id,
        skill_level=level, certificate_no=_text(cells.get("certificate_no")),
        is_student=event.group == "students", team_name=team if event.is_team else "")
    return _Parsed(n, parsed.number, details)


def _chunks(items: list, size: int = 500):
    for i in range(0, len(items), size):
        yield items[i:i + size]


def import_roster(event: Event, data: bytes, filename: str, actor: User, *, allowed_employers: set[int] | None,
                  now: datetime) -> ImportSummary:
    """Check every row of a roster for ``event`` and, only when all are valid, save them all.

    ``allowed_employers`` are the organizations whose people the submitting
    organizer may create or change: their own subtree (None for an
    administrator; ``people.services.acting_scope``). A row naming a new
    employer outside it, or an existing person whose employer lies outside it,
    is a row error; so is a new employer for a person whose approved facts are
    in use (that change goes through the organizer's person page). A changed
    name or employer is audited. People already registered for the event are
    updated (natural key: ID number + event); new people beyond the capacity go
    to the waiting list.
    """
    closed = services.registration_closed_reason(event.competition, now, event)
    if closed is not None:
        raise InvalidState(closed.message, **closed.params)
    raw_rows = read_roster(data, filename)
    orgs = {o.name: o for o in db.session.execute(select(Organization)).scalars()}
    problems: list[dict] = []
    parsed_rows: list[_Parsed] = []
    first_row: dict[str, int] = {}
    for raw in raw_rows:
        parsed = _parse_row(raw, event, orgs, allowed_employers, now.date(), problems)
        if parsed is None:
            continue
        if parsed.national_id in first_row:
            problems.append(_problem(raw.number, "national_id", parsed.national_id,
                                     N_("This person already appears in row %(row)d of the file."),
                                     row=first_row[parsed.national_id]))
            continue
        first_row[parsed.national_id] = raw.number
        parsed_rows.append(parsed)
    if event.is_team:   # "红 队" joins "红队": one spelling per team, the one the event already uses
        spellings = services.team_spellings(event)
        for p in parsed_rows:
            p.details = replace(p.details, team_name=services.canonical_team_name(event, p.details.team_name,
                                                                                  spellings))
    workers = _workers_by_id([p.national_id for p in parsed_rows])
    registrations = _registrations_by_worker(event, [w.id for w in workers.values()])
    problems += _scope_problems(parsed_rows, workers, allowed_employers)
    problems += _account_problems(parsed_rows, workers)
    problems += _eligibility_problems(event, parsed_rows, workers)
    problems += _team_problems(event, parsed_rows, workers)
    if problems:
        problems.sort(key=lambda p: (p["row"] or 0, [c.key for c in TEMPLATE_COLUMNS].index(p["column"])
                                     if p["column"] in COLUMN_BY_KEY else 99))
        raise ValidationErrors(problems, message=N_("The file has %(count)d problem(s); nothing was imported."))
    return _save(event, parsed_rows, workers, registrations, actor)


def _workers_by_id(numbers: list[str]) -> dict[str, Worker]:
    found: dict[str, Worker] = {}
    for chunk in _chunks(numbers):
        for w in db.session.execute(select(Worker).where(Worker.national_id.in_(chunk))).scalars():
            found[w.national_id] = w
    return found


def _registrations_by_worker(event: Event, worker_ids: list[int]) -> dict[int, Registration]:
    found: dict[int, Registration] = {}
    for chunk in _chunks(worker_ids):
        for r in db.session.execute(select(Registration).where(Registration.event_id == event.id,
                                                               Registration.worker_id.in_(chunk))).scalars():
            found[r.worker_id] = r
    return found


def _scope_problems(rows: list[_Parsed], workers: dict[str, Worker], scope: set[int] | None) -> list[dict]:
    """Existing people the clerk may not change: outside their subtree, or with approved facts in use."""
    problems = []
    for p in rows:
        worker = workers.get(p.national_id)
        if worker is None:
            continue
        if not people.in_scope(scope, worker.employer_id):
            problems.append(_problem(p.row, "national_id", p.national_id, N_(
                "This person's record belongs to an organization outside yours, so this roster cannot register or "
                "change them. Ask their own union organizer to submit them, or an organizer above both "
                "organizations to change their employer.")))
        elif worker.employer_id != p.details.employer_id and people.running_registrations(worker):
            problems.append(_problem(p.row, "employer", "", N_(
                "This person has approved registrations whose employer is fixed as approved. Change the employer "
                "on the person's page (People) with a reason; recusal is then checked again.")))
    return problems


def _account_problems(rows: list[_Parsed], workers: dict[str, Worker]) -> list[dict]:
    """A roster never renames a person who has claimed their record with an account (review2 M13).

    The record then belongs to the person: their name is what they and the organizer confirmed, and a typo
    in an enterprise's spreadsheet must not rename them on every page and on future certificates. A name
    that differs only in spaces, width or letter case keeps the stored spelling; any other difference is a
    row error naming the stored name, so the clerk corrects the file or, if the person's name really
    changed, an organizer changes it on the person's page with a reason (``people change``).
    """
    problems = []
    for p in rows:
        worker = workers.get(p.national_id)
        if worker is None or worker.user_id is None or worker.name == p.details.name:
            continue
        if normalize_name(worker.name) == normalize_name(p.details.name):
            p.details = replace(p.details, name=worker.name)
            continue
        problems.append(_problem(p.row, "name", p.details.name, N_(
            "This person has an account, and their record gives the name %(name)s. A roster cannot rename "
            "them: write the name as on the record, or change it on the person's page (People) with a "
            "reason."), name=worker.name))
    return problems


def _eligibility_problems(event: Event, rows: list[_Parsed], workers: dict[str, Worker]) -> list[dict]:
    event_rules = services.event_rules(event)
    org_ids = services.organizer_org_ids(event.competition)
    problems = []
    for p in rows:
        worker = workers.get(p.national_id)
        applicant = rules.Applicant(person_id=worker.id if worker else 0, birth_date=p.details.birth_date,
                                    gender=p.details.gender, is_student=p.details.is_student,
                                    skill_level=p.details.skill_level, employer_org_id=p.details.employer_id)
        for reason in rules.person_reasons(event_rules, applicant, org_ids):
            column = {"too_young": "birth_date", "too_old": "birth_date", "skill_level_too_low": "skill_level",
                      "no_skill_level": "skill_level", "employer_outside_organizer": "employer",
                      "no_employer": "employer"}.get(reason.code, "")
            problems.append(_problem(p.row, column, "", reason.message, **reason.params))
    return problems


def _team_problems(event: Event, rows: list[_Parsed], workers: dict[str, Worker]) -> list[dict]:
    """Each team of a team event holds at most ``event.team_size`` members, counting those already registered."""
    if not event.is_team:
        return []
    size = event.team_size or 1
    by_team: dict[str, list[_Parsed]] = {}
    for p in rows:
        by_team.setdefault(p.details.team_name, []).append(p)
    problems = []
    for team, members in by_team.items():
        ids = [workers[p.national_id].id for p in members if p.national_id in workers]
        already = services.team_members(event, team, excluding_worker_ids=ids)
        for p in members[max(size - already, 0):]:
            problems.append(_problem(p.row, "team_name", team, N_("The team %(team)s would have more than %(size)s "
                                     "members, the most this event allows."), team=team, size=size))
    return problems


def _save(event: Event, rows: list[_Parsed], workers: dict[str, Worker], registrations: dict[int, Registration],
          actor: User) -> ImportSummary:
    created = updated = waitlisted = 0
    places = services.place_count(event)
    new_workers, renamed = [], []
    for p in rows:
        worker = workers.get(p.national_id)
        if worker is None:
            worker = services.save_worker(p.details, parse_national_id(p.national_id), None)
            workers[p.national_id] = worker
            new_workers.append(worker)
        else:
            if worker.name != p.details.name:
                renamed.append((p.row, worker.name, p.details.name))
            services.save_worker(p.details, parse_national_id(p.national_id), worker, actor_id=actor.id,
                                 reason=f"roster import, row {p.row}", competition_id=event.competition_id,
                                 event_id=event.id)
    db.session.flush()
    for p in rows:
        worker = workers[p.national_id]
        registration = registrations.get(worker.id)
        if registration is not None and registration.status in rules.STANDING_STATUSES:
            registration.team_name = p.details.team_name or None
            if registration.status != "approved":  # approved facts stay as approved
                registration.state_facts(employer_id=p.details.employer_id, skill_level=p.details.skill_level,
                                         is_student=p.details.is_student)
            updated += 1
            continue
        full = rules.is_full(event.capacity, places)
        if registration is None:
            registration = Registration(event_id=event.id, worker_id=worker.id)
            db.session.add(registration)
        else:  # a withdrawn or rejected entry comes back as a new one (the waiting list orders by entry time)
            registration.created_at = utcnow()
        registration.status = "waitlisted" if full else "pending"
        registration.source = "roster"
        registration.state_facts(employer_id=p.details.employer_id, skill_level=p.details.skill_level,
                                 is_student=p.details.is_student)
        registration.team_name = p.details.team_name or None
        registration.submitted_by_id = actor.id
        registration.decision_reason = ""
        registration.decided_by_id = registration.decided_at = registration.waitlist_position = None
        waitlisted += full
        places += not full
        created += 1
    db.session.flush()
    record("registration.import", actor_id=actor.id, object_type="event", object_id=event.id,
           competition_id=event.competition_id, event_id=event.id,
           new={"created": created, "updated": updated, "waitlisted": waitlisted, "renamed": len(renamed)})
    return ImportSummary(created=created, updated=updated, waitlisted=waitlisted, renamed=tuple(renamed))

