"""What the fuzz suites share: a world with something in every stage, the database's fingerprint, a crawler that
finds every form a role can see, and hostile values.

``world()`` builds, through the same factories as the web tests, an open competition (self-registration, roster,
decisions), a competition in progress (judges, a chief judge, marks, adjustments) and a competition with final
results (appeals, promotion); one user per role. ``fingerprint()`` hashes every row of every table, so "nothing
was saved" is checked on the whole database, not on the table a test happens to think of. ``crawl()`` follows
the site's own links as a user would and returns every POST form with its action, fields and offered values.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import timedelta
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit
from zoneinfo import ZoneInfo

from hypothesis import strategies as st

from competitions.db import utcnow
from competitions.extensions import db
from competitions.judging.models import JudgeAssignment
from tests import factories as f

ROLES = ("admin", "cityorg", "chief", "j2", "worker")
PEOPLE = [("张伟", "plant", "A01", 90, 50, 35), ("李娜", "works", "A02", 80, 55, 36),
          ("王强", "plant", "A03", 70, 45, 30), ("赵敏", "works", "A04", 60, 40, 30)]


def world() -> dict:
    """Users of every role and one competition in each stage (see the module docstring)."""
    from competitions.results import services as results

    orgs = f.org_tree()
    f.user("admin", "admin", org=orgs["city"])
    f.user("cityorg", "organizer", org=orgs["city"])
    chief = f.user("chief", "judge", org=orgs["city"])
    judges = [chief, f.user("j2", "judge", org=orgs["city"]), f.user("j3", "judge", org=orgs["city"])]
    f.user("worker", "competitor", org=orgs["plant"])
    open_comp, open_event = f.open_competition(orgs["city"])
    f.results_competitor(open_event, orgs["works"], name="报名者", code="R01", station=1).status = "pending"
    comps = {"open": open_comp}
    for stage in ("judging", "final"):
        comp = f.competition(orgs["city"], name=f"2026年测试竞赛（{stage}）")
        ev = f.event(comp)
        comp.status = "in_progress"
        db.session.add(JudgeAssignment(event_id=ev.id, user_id=chief.id, is_chief=True))
        for judge in judges[1:]:
            db.session.add(JudgeAssignment(event_id=ev.id, user_id=judge.id, is_chief=False))
        for station, (name, employer, code, theory, p1, p2) in enumerate(PEOPLE, start=1):
            reg = f.results_competitor(ev, orgs[employer], name=name, code=f"{stage[0]}{code}", station=station)
            f.results_marks(ev, reg, judges, theory=theory, p1=p1, p2=p2)
        comps[stage] = comp
        if stage == "final":
            f.sign_off(ev, chief)
            results.compute_provisional_results(comp, actor_id=None)
            published = results.publish_results(comp, actor_id=None, now=utcnow(), zone=ZoneInfo("Asia/Shanghai"))
            results.finalize_results(published, actor_id=None, now=published.notice_ends_at + timedelta(minutes=1))
    db.session.commit()
    return {"orgs": orgs, "comps": comps}


# Counters of attempts are written on purpose when a try is refused (a wrong login, a claim of a record): a
# refusal that counts is not a partial write.
ATTEMPT_COUNTERS = {"login_throttle"}


def fingerprint() -> str:
    """A hash of every row of every table but the attempt counters (ordered by primary key).

    Called before and after each of thousands of fuzzed requests, so it reads the rows as the driver gives
    them (one plain ``SELECT *`` a table, text made once per dialect) rather than building, compiling and
    type-converting an ORM query for each of the ~65 tables each time: the stored values, compared exactly.
    """
    digest = hashlib.sha256()
    cursor = db.session.connection().connection.cursor()
    try:
        for name, sql in _row_queries():
            cursor.execute(sql)
            digest.update(name.encode())
            for row in cursor.fetchall():
                digest.update(repr(tuple(row)).encode())
    finally:
        cursor.close()
    db.session.rollback()
    return digest.hexdigest()


_ROW_QUERIES: dict[str, list[tuple[str, str]]] = {}


def _row_queries() -> list[tuple[str, str]]:
    """(table name, ``SELECT * ... ORDER BY`` its primary key) for every fingerprinted table, for this dialect."""
    dialect = db.engine.dialect
    if dialect.name not in _ROW_QUERIES:
        quote = dialect.identifier_preparer.quote
        queries = []
        for table in db.metadata.sorted_tables:
            if table.name in ATTEMPT_COUNTERS:
                continue
            order = ", ".join(quote(column.name) for column in table.primary_key.columns)
            queries.append((table.name, f"SELECT * FROM {quote(table.name)}" + (f" ORDER BY {order}" if order else "")))
        _ROW_QUERIES[dialect.name] = queries
    return _ROW_QUERIES[dialect.name]


@dataclass
class FormSpec:
    """A POST form as a page offers it: where it posts, and each field's name with the values offered."""

    role: str
    action: str
    fields: dict[str, list[str]] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)

    def key(self) -> tuple:
        return self.action, tuple(sorted(self.fields)), tuple(self.files)


class _Page(HTMLParser):
    def __init__(self, url: str) -> None:
        super().__init__()
        self.url = url
        self.links: list[str] = []
        self.forms: list[tuple[str, dict[str, list[str]], list[str]]] = []
        self._form = None
        self._select = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a" and a.get("href"):
            self.links.append(urljoin(self.url, a["href"]))
        elif tag == "form" and (a.get("method") or "get").lower() == "post":
            self._form = (urljoin(self.url, a.get("action") or self.url), {}, [])
        elif self._form is not None and tag in ("input", "textarea", "select", "button") and a.get("name"):
            name, kind = a["name"], (a.get("type") or "").lower()
            if name == "csrf_token":
                return
            if kind == "file":
                self._form[2].append(name)
                return
            values = self._form[1].setdefault(name, [])
            if a.get("value") is not None:
                values.append(a["value"])
            if tag == "select":
                self._select = name
        elif tag == "option" and self._form is not None and self._select:
            self._form[1][self._select].append(a.get("value") or "")

    def handle_endtag(self, tag):
        if tag == "form" and self._form is not None:
            self.forms.append(self._form)
            self._form = None
        elif tag == "select":
            self._select = None


def crawl(client, role: str, start: list[str], *, limit: int = 120) -> list[FormSpec]:
    """Every POST form on the pages reachable from ``start`` by links (this site, GET, at most ``limit`` pages)."""
    seen: set[str] = set()
    queue = list(start)
    forms: dict[tuple, FormSpec] = {}
    skip = re.compile(r"\.(xlsx|pdf|json|csv|png|js|css)$|/static/|/logout|/lang")
    while queue and len(seen) < limit:
        url = queue.pop(0)
        path = urlsplit(url).path + (("?" + urlsplit(url).query) if urlsplit(url).query else "")
        if urlsplit(url).netloc not in ("", "localhost") or path in seen or skip.search(urlsplit(url).path):
            continue
        seen.add(path)
        response = client.get(path)
        if response.status_code != 200 or not response.mimetype.startswith("text/html"):
            continue
        page = _Page("http://localhost" + path)
        page.feed(response.get_data(as_text=True))
        queue += [link for link in page.links if urlsplit(link).path not in seen]
        for action, fields, files in page.forms:
            spec = FormSpec(role, urlsplit(action).path, fields, files)
            forms.setdefault(spec.key(), spec)
    return list(forms.values())


# ---- hostile values --------------------------------------------------------------------------------

HOSTILE_TEXT = ["", " ", "0", "-1", "1e400", "9" * 400, "1_0", "١٠", "１０", "Infinity", "NaN", "-0", "0x10",
                "2147483648", str(2**63), "9999-12-31", "0001-01-01", "0001-01-01T00:00", "2026-02-30",
                "abc", "=HYPERLINK(\"http://example.invalid\",\"x\")", "王\x0b强", "\x1b[31m", "e\u0301",
                "\u202eexe.txt", "//evil.example/x", "/%0d%0aSet-Cookie:x=1", "<script>alert(1)</script>",
                "'; DROP TABLE worker; --", "𫖯" * 3, "a" * 5000]

hostile_text = st.one_of(st.sampled_from(HOSTILE_TEXT), st.text(max_size=40),
                         st.integers(min_value=-(2**70), max_value=2**70).map(str),
                         st.floats(allow_nan=True, allow_infinity=True).map(repr),
                         st.dates().map(lambda d: d.isoformat()))


def value_for(offered: list[str]):
    """A field's value: one the page offered, or a hostile one."""
    choices = [st.sampled_from(offered)] if offered else []
    return st.one_of(*choices, hostile_text) if choices else hostile_text
