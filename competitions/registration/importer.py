"""Roster import: an enterprise union submits its workers from the spreadsheet it already keeps.

The clerk downloads an .xlsx template (Chinese and English headers, drop-down
lists for gender, employer and skill level), fills it in — or exports a CSV
from their own sheet — and uploads it. Every row is checked; the errors come
back as a table of row, column, value and message, and nothing is saved unless
every row is valid. The natural key is ID number + event, so uploading the
same file again updates the people instead of registering them twice.

A spreadsheet is untrusted input: the upload is refused above a size limit,
an .xlsx (a zip archive) is refused when its members would unpack beyond a
limit (a zip bomb) before openpyxl ever opens it, openpyxl parses the XML
through defusedxml (``openpyxl.xml.DEFUSEDXML``; the import refuses to run
without it), and a corrupt file, a wrong file type, merged cells or extra
sheets get a clear message.
"""

from __future__ import annotations

import csv
import difflib
import io
import re
import zipfile
from dataclasses import dataclass
from datetime import date, datetime

from flask import current_app
from flask_babel import lazy_gettext as _l
from openpyxl.utils import get_column_letter
from sqlalchemy import select

from competitions.audit.services import record
from competitions.auth.models import User
from competitions.db import utcnow
from competitions.domain import eligibility as rules
from competitions.domain.errors import N_, InvalidState, RuleViolation, ValidationErrors
from competitions.domain.identity import check_consistent, mask_national_id, parse_national_id
from competitions.extensions import db
from competitions.organize.models import Event
from competitions.orgs.models import Organization, Worker
from competitions.people import services as people
from competitions.registration import services
from competitions.registration.models import Registration
from competitions.spreadsheets import Book

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 60 * 1024 * 1024
MAX_ZIP_MEMBERS = 200
MAX_ROWS = 10000
ROSTER_SHEET = "roster"
LISTS_SHEET = "lists"
XLSX_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # the old binary .xls format


@dataclass(frozen=True)
class Column:
    """One column of the roster: its key, Chinese and English headers."""

    key: str
    zh: str
    en: str
    label: object
    width: int = 16


COLUMNS = (
    Column("national_id", "身份证号", "National ID number", _l("National ID number"), 24),
    Column("name", "姓名", "Name", _l("Full name"), 12),
    Column("gender", "性别", "Gender", _l("Gender"), 8),
    Column("birth_date", "出生日期", "Date of birth", _l("Date of birth"), 14),
    Column("phone", "手机号", "Phone", _l("Phone"), 15),
    Column("employer", "工作单位", "Employer", _l("Employer"), 28),
    Column("skill_level", "技能等级", "Skill level", _l("Current skill level"), 18),
    Column("certificate_no", "证书编号", "Certificate number", _l("Certificate number"), 20),
)
# Optional: required (and at most event.team_size members per team) only for a team event.
TEAM_COLUMN = Column("team_name", "队名", "Team", _l("Team"), 16)
TEMPLATE_COLUMNS = (*COLUMNS, TEAM_COLUMN)
COLUMN_BY_KEY = {c.key: c for c in TEMPLATE_COLUMNS}
REQUIRED = ("national_id", "name", "employer")
LEVEL_NAMES = {5: "初级工", 4: "中级工", 3: "高级工", 2: "技师", 1: "高级技师"}
GENDER_WORDS = {"男": "male", "女": "female", "male": "male", "female": "female", "m": "male", "f": "female"}
_DATE_PATTERNS = (
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"),
    re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"),
    re.compile(r"^(\d{4})\.(\d{1,2})\.(\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)


@dataclass(frozen=True)
class RawRow:
    """One non-empty row of the uploaded sheet: its row number as the clerk sees it, and its cells by key."""

    number: int
    cells: dict


@dataclass(frozen=True)
class ImportSummary:
    """What an import did."""

    created: int
    updated: int
    waitlisted: int

    @property
    def total(self) -> int:
        """Rows imported."""
        return self.created + self.updated


def _limit(name: str, default: int) -> int:
    return int(current_app.config.get(name, default))


def _file_problem(message: str, **params) -> ValidationErrors:
    return ValidationErrors([{"row": None, "column": "", "value": "", "message": message, "params": params}])


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
    if len(data) > _limit("ROSTER_MAX_FILE_BYTES", MAX_FILE_BYTES):
        raise _file_problem(N_("The file is larger than %(limit)s MB."),
                            limit=_limit("ROSTER_MAX_FILE_BYTES", MAX_FILE_BYTES) // (1024 * 1024) or 1)
    if not data:
        raise _file_problem(N_("The file is empty."))
    name = (filename or "").lower()
    if data.startswith(OLE_MAGIC):
        raise _file_problem(N_("This is an old-style .xls file. Save it as .xlsx (Excel workbook) or CSV and upload "
                            "it again."))
    if name.endswith(".xlsx"):
        if not data.startswith(XLSX_MAGIC):
            raise _file_problem(N_("The file is not a valid .xlsx workbook. Download the template and fill it in."))
        rows = _read_xlsx(data)
    elif name.endswith(".csv"):
        rows = _read_csv(data)
    else:
        raise _file_problem(N_("Upload an .xlsx workbook or a .csv file."))
    if len(rows) > _limit("ROSTER_MAX_ROWS", MAX_ROWS):
        raise _file_problem(N_("The file has %(count)d rows; at most %(limit)d can be imported at once."),
                            count=len(rows), limit=_limit("ROSTER_MAX_ROWS", MAX_ROWS))
    if not rows:
        raise _file_problem(N_("The file has no rows below the header."))
    return rows


def check_zip_safety(data: bytes) -> None:
    """Refuse an archive that is corrupt, has too many members or would unpack beyond the limit."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise _file_problem(N_("The file is damaged and cannot be read as an .xlsx workbook.")) from None
    limit = _limit("ROSTER_MAX_UNCOMPRESSED_BYTES", MAX_UNCOMPRESSED_BYTES)
    if len(members) > MAX_ZIP_MEMBERS or sum(m.file_size for m in members) > limit:
        raise _file_problem(N_("The workbook would unpack to more than %(limit)s MB; it is refused."),
                            limit=limit // (1024 * 1024) or 1)


def _read_xlsx(data: bytes) -> list[RawRow]:
    check_zip_safety(data)
    from openpyxl import load_workbook
    from openpyxl.xml import DEFUSEDXML

    if not DEFUSEDXML:  # never parse untrusted XML without defusedxml
        raise _file_problem(N_("Spreadsheet import is disabled: the defusedxml package is missing."))
    try:
        wb = load_workbook(io.BytesIO(data), data_only=True)
    except Exception:  # openpyxl raises many kinds of errors on broken files
        raise _file_problem(N_("The file is damaged and cannot be read as an .xlsx workbook.")) from None
    try:
        extra = [ws.title for ws in wb.worksheets[1:] if not (ws.title == LISTS_SHEET and ws.sheet_state != "visible")]
        if extra:
            raise _file_problem(N_("The workbook has extra sheets (%(names)s). Keep only the roster sheet."),
                                names=", ".join(extra))
        ws = wb.worksheets[0]
        merged = sorted(str(r) for r in ws.merged_cells.ranges)
        if merged:
            raise _file_problem(N_("The sheet has merged cells (%(ranges)s). Unmerge them so each cell holds one "
                                "value."), ranges=", ".join(merged[:5]))
        values = [(row[0].row, [c.value for c in row]) for row in ws.iter_rows() if row]
    finally:
        wb.close()
    return _rows_from(values)


def _read_csv(data: bytes) -> list[RawRow]:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes any byte string
        raise _file_problem(N_("The CSV file is not in UTF-8 or GB18030 encoding."))
    if "\x00" in text:
        raise _file_problem(N_("Upload an .xlsx workbook or a .csv file."))
    try:
        values = [(i, row) for i, row in enumerate(csv.reader(io.StringIO(text)), start=1)]
    except csv.Error:
        raise _file_problem(N_("The CSV file cannot be read.")) from None
    return _rows_from(values)


def _header_key(text: object) -> str | None:
    value = str(text or "").strip().lower()
    for column in (TEAM_COLUMN, *COLUMNS):  # "Team name" must not be read as "Name"
        if column.zh in value or column.en.lower() in value:
            return column.key
    return None


def _rows_from(values: list[tuple[int, list]]) -> list[RawRow]:
    """Map the header row to column keys and turn each following non-empty row into a RawRow."""
    values = [(n, cells) for n, cells in values if any(_blank(c) is False for c in cells)]
    if not values:
        raise _file_problem(N_("The file is empty."))
    header_number, header = values[0]
    keys = [_header_key(cell) for cell in header]
    missing = [COLUMN_BY_KEY[k] for k in REQUIRED if k not in keys]
    if missing:
        raise _file_problem(N_("The header row lacks the column(s) %(columns)s. Use the template's headers."),
                            columns=", ".join(f"{c.zh} {c.en}" for c in missing))
    rows = []
    for number, cells in values[1:]:
        mapped = {key: cells[i] for i, key in enumerate(keys) if key and i < len(cells)}
        rows.append(RawRow(number, mapped))
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
    """A date cell, or text as YYYY-MM-DD (also / . 年月日 or 8 digits); None when not a date."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value)
    for pattern in _DATE_PATTERNS:
        match = pattern.match(text)
        if match:
            try:
                return date(*(int(g) for g in match.groups()))
            except ValueError:
                return None
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
    # ID numbers stay masked even in the error table: the clerk finds the row in their own file.
    shown = mask_national_id(_text(value)) if key == "national_id" else _text(value)[:60]
    return {"row": number, "column": key, "value": shown, "message": message, "params": params}


def suggest_employers(name: str, known: list[str], n: int = 3) -> list[str]:
    """The closest existing organization names to an unknown employer (difflib)."""
    return difflib.get_close_matches(name, known, n=n, cutoff=0.5)


def _parse_row(raw: RawRow, event: Event, orgs: dict[str, Organization], allowed_employers: set[int] | None,
               today: date, problems: list[dict]) -> _Parsed | None:
    cells, n = raw.cells, raw.number
    before = len(problems)
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
    team = _text(cells.get("team_name"))[:100]
    if event.is_team and not team:
        problems.append(_problem(n, "team_name", "", N_("This is a team event: write the team's name.")))
    if parsed is not None:
        for p in check_consistent(parsed, birth, gender):
            problems.append(_problem(n, p["field"], cells.get(p["field"]), p["message"], **p["params"]))
    if len(problems) > before or parsed is None:
        return None
    details = services.WorkerDetails(
        name=_text(cells.get("name"))[:100], gender=parsed.gender, birth_date=parsed.birth_date,
        national_id=parsed.number, phone=_text(cells.get("phone"))[:30], employer_id=employer.id,
        skill_level=level, certificate_no=_text(cells.get("certificate_no"))[:50],
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
    workers = _workers_by_id([p.national_id for p in parsed_rows])
    registrations = _registrations_by_worker(event, [w.id for w in workers.values()])
    problems += _scope_problems(parsed_rows, workers, allowed_employers)
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
    new_workers = []
    for p in rows:
        worker = workers.get(p.national_id)
        if worker is None:
            worker = services.save_worker(p.details, parse_national_id(p.national_id), None)
            workers[p.national_id] = worker
            new_workers.append(worker)
        else:
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
           new={"created": created, "updated": updated, "waitlisted": waitlisted})
    return ImportSummary(created=created, updated=updated, waitlisted=waitlisted)

