"""Roster import: a 5,000-row .xlsx roster checked and imported into one event on SQLite.

An enterprise union (or a district federation) submits its whole roster at
once; the organizer's desk must not wait. Measured in the same run:

* ``build_xlsx_s``: openpyxl writing the 5,000-row workbook (not part of the import);
* ``read_s``: reading and mapping the rows (zip checks + openpyxl through defusedxml) — the floor of any import;
* ``first_import_s``: the whole import service on an empty event (5,000 new workers and registrations),
  committed; target < 10 s;
* ``reimport_s``: importing the same file again (every row an update, nothing duplicated);
* ``ratio_import_vs_read`` = first import / read: how much the checks and writes add to reading the file.
"""

from __future__ import annotations

import io
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

NAME = "roster_import"
DESCRIPTION = "Import a 5,000-row .xlsx roster into one event on SQLite (target < 10 s); re-import updates."


def _name(i: int) -> str:
    """职工 and the row number spelt out: a person's name has no digits (inputs.person_name)."""
    return "职工" + "".join("零一二三四五六七八九"[int(d)] for d in f"{i:05d}")


def _workbook(rows: int, employers: list[str]) -> bytes:
    from openpyxl import Workbook

    from competitions.domain.identity import make_national_id
    from competitions.registration.importer import COLUMNS, LEVEL_NAMES

    wb = Workbook()
    ws = wb.active
    ws.title = "roster"
    ws.append([f"{c.zh}\n{c.en}" for c in COLUMNS])
    for i in range(rows):
        born = date(1975, 1, 1) + timedelta(days=i // 2)
        gender = "male" if i % 2 else "female"
        level = 5 - i % 5
        ws.append([make_national_id("370102", born, i % 500, gender), _name(i), "男" if i % 2 else "女",
                   born.isoformat(), f"139{i:08d}", employers[i % len(employers)], f"{level} {LEVEL_NAMES[level]}",
                   f"ZS{i:06d}"])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def run(quick: bool) -> dict:
    """Build the roster, time reading it, importing it and importing it again."""
    from competitions import create_app
    from competitions.auth.services import create_user
    from competitions.extensions import db
    from competitions.organize import services as organize
    from competitions.organize.services import AwardRuleData, CompetitionData, EventData
    from competitions.orgs.services import create_organization
    from competitions.registration.importer import import_roster, read_roster
    from tests.factories import PASSWORD, scheme_draft

    rows = 250 if quick else 5000
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{Path(tmp) / 'bench.sqlite3'}",
                                     "SECRET_KEY": "bench"})
        with app.app_context(), app.test_request_context():
            db.create_all()
            city = create_organization(name="测试市总工会", kind="federation", parent_id=None)
            employers = [create_organization(name=f"第{i:02d}机械厂工会", kind="enterprise", parent_id=city.id).name
                         for i in range(20)]
            user = create_user(username="boss", display_name="Boss", password=PASSWORD, roles=("organizer",),
                               organization_id=city.id)
            now = datetime.now(UTC)
            day = (now + timedelta(days=60)).date()
            comp = organize.create_competition(CompetitionData(
                name="基准竞赛", year=day.year, level="city", competition_class="I", kind="skills",
                organization_id=city.id, starts_on=day, ends_on=day, registration_opens_at=now - timedelta(days=1),
                registration_closes_at=now + timedelta(days=30)), created_by_id=None)
            event = organize.create_event(comp, EventData(trade_name="电工", trade_code="ELEC", group="workers",
                                                          capacity=rows))
            organize.save_scheme(event, scheme_draft(), AwardRuleData("bands", Decimal(1), Decimal(2), Decimal(3)))
            organize.change_status(comp, "open")
            db.session.commit()

            start = time.perf_counter()
            data = _workbook(rows, employers)
            build_s = time.perf_counter() - start

            start = time.perf_counter()
            read_roster(data, "roster.xlsx")
            read_s = time.perf_counter() - start

            timings = []
            summaries = []
            for _ in range(2):
                start = time.perf_counter()
                summary = import_roster(event, data, "roster.xlsx", user, allowed_employers=None,
                                        now=datetime.now(UTC))
                db.session.commit()
                timings.append(time.perf_counter() - start)
                summaries.append(summary)
            db.engine.dispose()
    return {
        "rows": rows, "file_bytes": len(data), "build_xlsx_s": round(build_s, 3), "read_s": round(read_s, 3),
        "first_import_s": round(timings[0], 3), "reimport_s": round(timings[1], 3),
        "ratio_import_vs_read": round(timings[0] / read_s, 2),
        "created": summaries[0].created, "updated_on_reimport": summaries[1].updated,
        "target_first_import_s": 10, "meets_target": timings[0] < 10,
    }
