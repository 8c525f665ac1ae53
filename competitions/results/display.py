"""The rows of a standing table as HTML, built in one pass per page.

A public results page lists up to a thousand competitors and is read far more
often than anything else in the application. Rendered cell by cell in Jinja,
each row costs some thirty attribute look-ups, filter calls and escapes; here
each row is one formatted string with only the free text (codes, names,
employers) escaped, and the translated words (prize names, titles) looked up
once per table. The markup is exactly what templates/results/_standing.html
wrote before; the table's head and empty state stay in that template.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from flask_babel import gettext as _
from markupsafe import Markup, escape

from competitions.results.labels import prize_label

PRIZE_CODES = ("first", "second", "third", "honourable")


def _escape(text: str) -> str:
    """``markupsafe.escape`` as a plain string (same entities), without building a Markup per cell."""
    return (str(text).replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;")
            .replace("'", "&#39;").replace('"', "&#34;"))


def figure(value: Decimal | str | None, precision: int = 2) -> str:
    """A published figure at the scheme's precision (0-3 decimals), '' for none: how every results view writes it."""
    if value is None or value == "":
        return ""
    return f"{Decimal(str(value)):.{precision}f}"


def _points(value: Decimal | None) -> str:
    """The ``points`` filter: two decimals, '' for none."""
    return "" if value is None else f"{value:.2f}"


def standing_rows(part_codes: Sequence[str], entries: Iterable, reveal: bool,
                  standard: Mapping[int, Decimal] | None = None, precision: int = 2) -> Markup:
    """The ``<tr>`` rows of a standing: entries are ResultEntry-like rows in standing order.

    Part columns show each part's own mark out of 100 (``part_marks``, what the
    rule names; the header gives the weight), so a reader can recompute the
    total; snapshots from before part marks were kept show ``part_scores``.
    """
    def fig(value):
        return "" if value is None else f"{value:.{precision}f}"

    prize_cells = {code: f'<span class="prize prize-{code}">{escape(prize_label(code))}</span>'
                   for code in PRIZE_CODES}
    dq_cell = f'<span class="badge bad">{escape(_("Disqualified"))}</span>'
    failed_cell = f'<span class="badge warn">{escape(_("Did not pass"))}</span>'
    absent_cell = f'<span class="badge">{escape(_("Absent"))}</span>'
    not_qualified = escape(_("Did not qualify"))
    preliminary_place = _("preliminary: place %(rank)s, %(total)s")
    below = escape(_("Below the pass mark"))
    tie_mark = f'<span class="tie" title="{escape(_("Shared place"))}">=</span>'
    cj_mark = f'<span class="cj" title="{escape(_("Order decided by the chief judge"))}">*</span>'
    employers: dict[str, str] = {}  # a thousand competitors come from far fewer employers
    out: list[str] = []
    append = out.append
    for e in entries:
        row_class = f"prize-{_escape(e.prize)}" if e.prize else ""
        if e.disqualified:
            row_class += " dq"
        failed = getattr(e, "passed", None) is False
        if failed:
            row_class += " not-passed"
        if e.rank:
            rank = f"{e.rank}{tie_mark if e.tied else ''}{cj_mark if e.decided_by_chief_judge else ''}"
        else:
            rank = "—"
        if reveal:
            employer = employers.get(e.employer)
            if employer is None:
                employers[e.employer] = employer = _escape(e.employer)
            people = f'<td class="name">{_escape(e.name)}</td><td class="employer">{employer}</td>'
        else:
            people = ""
        scores = getattr(e, "part_marks", None) or e.part_scores
        away = getattr(e, "absent_parts", None)
        if away:  # 缺考 for a part: its column says so (the part scored 0, below any pass mark it has)
            parts = "".join([
                f'<td class="num part absent-part" title="{below if e.part_passed.get(code) is False else ""}">'
                f'{absent_cell}</td>' if code in away else f'<td class="num part">{_escape(scores.get(code, ""))}</td>'
                for code in part_codes
            ])
        elif failed:
            part_ok = e.part_passed
            parts = "".join([
                f'<td class="num part">{_escape(scores.get(code, ""))}</td>' if part_ok.get(code) is not False
                else f'<td class="num part below" title="{below}">{_escape(scores.get(code, ""))}&#x2717;</td>'
                for code in part_codes
            ])
        else:
            parts = "".join([f'<td class="num part">{_escape(scores.get(code, ""))}</td>' for code in part_codes])
        deductions = f"−{fig(e.deductions)}" if e.deductions else ""
        extra = f'<td class="num standard">{_points(standard.get(e.registration_id))}</td>' if standard else ""
        if getattr(e, "round_reached", None) == "preliminary":
            # Sat the preliminary and did not qualify for this final (rounds): their preliminary place and total.
            row_class += " not-qualified"
            prize = (f'<span class="badge">{not_qualified}</span> <small class="meta">'
                     + _escape(preliminary_place % {"rank": e.preliminary_rank or "—",
                                                    "total": fig(e.preliminary_total) or "—"}) + "</small>")
        elif e.disqualified:
            prize = dq_cell
        elif getattr(e, "absent", False):
            prize = absent_cell
        elif failed:
            prize = failed_cell
        else:
            prize = prize_cells.get(e.prize, "") if e.prize else ""
        append(
            f'<tr class="{row_class}">'
            f'<td class="num rank">{rank}</td>'
            f'<td class="code">{_escape(e.anonymous_code)}</td>'
            f'{people}{parts}'
            f'<td class="num deductions">{deductions}</td>'
            f'<td class="num total">{fig(e.total)}</td>'
            f'{extra}'
            f'<td>{prize}</td>'
            "</tr>\n"
        )
    return Markup("".join(out))


@lru_cache(maxsize=1)
def page_version() -> str:
    """A token that changes when the public pages' markup or wording may change (templates, translations, code).

    Part of the public pages' ETag, so a deployment never answers "not
    modified" with yesterday's markup. The same files give the same token in
    every worker.
    """
    root = Path(__file__).resolve().parents[2]
    files = [Path(__file__), root / "templates" / "base.html", root / "templates" / "_macros.html",
             *sorted((root / "templates" / "results").glob("*.html")),
             *sorted((root / "translations").glob("*/LC_MESSAGES/*.mo"))]
    stamp = "|".join(f"{f.name}:{f.stat().st_mtime_ns}:{f.stat().st_size}" for f in files if f.exists())
    return hashlib.sha256(stamp.encode()).hexdigest()[:12]
