"""Every message a user can see has a Chinese translation, and no English sentence slips past extraction.

English is the source language; Simplified Chinese comes from the PO fragments in
``translations/zh/fragments/`` (one per area), merged by ``python -m competitions.i18n_catalog build``.
These tests keep the two in step while several people add code at once:

* every extracted message has a translation;
* an AST scan of ``competitions/`` finds English sentences that are *not* extracted — a message passed
  to a helper or put into a dict instead of ``_()`` / ``N_()`` / an error class never reaches the
  catalog, so a Chinese user would see English;
* every translation keeps the ``%(name)s`` / ``{name}`` placeholders of its English source and can be
  interpolated (a bare ``%`` breaks the whole message);
* no two fragments translate the same message differently.
"""

from __future__ import annotations

import ast
import builtins
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from competitions import i18n_catalog

ROOT = i18n_catalog.ROOT
PACKAGE = ROOT / "competitions"
FRAGMENTS = i18n_catalog.FRAGMENTS

HOW_TO_FIX = (
    "Run `python -m competitions.i18n_catalog missing` and add the printed stubs, translated, to "
    "translations/zh/fragments/<area>.po (judging.po, registration.po, results.po, core.po, ...); "
    "then `python -m competitions.i18n_catalog build`."
)

# Modules whose strings are for operators and developers, not for users of the web pages.
NOT_SCANNED = {"competitions/i18n_catalog.py", "competitions/cli.py", "competitions/demo.py"}

# A user-facing English sentence: starts with a capital, has a space, ends like a sentence or a label.
SENTENCE = re.compile(r"[A-Z][^\n]* [^\n]*[.?:]")

# Arguments of these calls are for logs, terminals and developers, never shown on a page.
OUTPUT_CALLS = {
    "print", "echo", "secho", "log", "debug", "info", "warning", "warn", "error", "exception", "critical",
    "ClickException", "UsageError", "BadParameter", "Abort",
}
# Built-in exceptions (ValueError, RuntimeError, ...) report programming errors, not rule violations.
BUILTIN_EXCEPTIONS = {name for name, obj in vars(builtins).items()
                      if isinstance(obj, type) and issubclass(obj, BaseException)}
# `help=` of click commands and options: the CLI is English, for operators.
DEVELOPER_KEYWORDS = {"help"}
# OpenAPI `summary` / `description` fields document the API for integrators, in English.
DEVELOPER_DICT_KEYS = {"summary", "description"}

PLACEHOLDER = re.compile(r"%\((\w+)\)[#0 +-]*(?:\d+|\*)?(?:\.\d+)?[diouxXeEfFgGcrsa]|\{(\w+)\}")


# --- catalog ------------------------------------------------------------------------------------------


@cache
def extracted() -> dict[str, list[tuple[str, int]]]:
    """Every extracted msgid (plural forms included) with where it appears."""
    found: dict[str, list[tuple[str, int]]] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
        str(ROOT), i18n_catalog.METHOD_MAP, i18n_catalog.OPTIONS_MAP, keywords=i18n_catalog.KEYWORDS,
        strip_comment_tags=True,
    ):
        for msgid in message if isinstance(message, tuple) else (message,):
            if msgid:
                found.setdefault(msgid, []).append((filename, lineno))
    return found


def fragment_translations() -> Iterator[tuple[str, str, str]]:
    """(fragment file name, msgid, msgstr) for every translated message of every fragment."""
    for path in sorted(FRAGMENTS.glob("*.po")):
        with path.open("rb") as fh:
            catalog = read_po(fh, locale="zh")
        for message in catalog:
            if not message.id or not message.string:
                continue
            ids = message.id if isinstance(message.id, tuple) else (message.id,)
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            for msgid in ids:
                for msgstr in strings:
                    if msgstr:
                        yield path.name, msgid, msgstr


def _where(msgid: str) -> str:
    places = extracted().get(msgid, [])
    return ", ".join(f"{f}:{n}" for f, n in places[:3]) + (" ..." if len(places) > 3 else "")


def test_every_extracted_message_has_a_chinese_translation():
    todo = i18n_catalog.missing()
    listing = "\n".join(f"  {m!r}  ({_where(m)})" for m in todo)
    assert not todo, f"{len(todo)} message(s) have no Chinese translation:\n{listing}\n{HOW_TO_FIX}"


def test_no_two_fragments_translate_a_message_differently():
    seen: dict[str, dict[str, str]] = {}
    for fragment, msgid, msgstr in fragment_translations():
        seen.setdefault(msgid, {})[fragment] = msgstr
    clashes = {m: by for m, by in seen.items() if len(set(by.values())) > 1}
    listing = "\n".join(
        f"  {m!r}: " + "; ".join(f"{f} says {s!r}" for f, s in sorted(by.items()))
        for m, by in clashes.items()
    )
    assert not clashes, (
        f"{len(clashes)} message(s) are translated differently in two fragments (the build refuses this):\n"
        f"{listing}\nAgree on one wording and keep the message in one fragment only."
    )


def _placeholders(text: str) -> list[str]:
    return sorted(m.group(0) for m in PLACEHOLDER.finditer(text))


def _dummy_params(msgid: str) -> dict[str, object]:
    """A value of the right type for each %(name)x of the source message."""
    params: dict[str, object] = {}
    for match in PLACEHOLDER.finditer(msgid):
        if match.group(1):
            params[match.group(1)] = 1 if match.group(0)[-1] in "diouxXeEfFgGc" else "x"
    return params


def placeholder_problems() -> list[str]:
    """Translations that lose, add or change a placeholder, or that break %-interpolation."""
    problems = []
    for fragment, msgid, msgstr in fragment_translations():
        want, got = _placeholders(msgid), _placeholders(msgstr)
        if want != got:
            problems.append(f"  {fragment}: {msgid!r}\n"
                            f"    needs {want or 'none'}, the translation has {got or 'none'}")
            continue
        params = _dummy_params(msgid)
        if params:
            try:
                msgstr % params
            except (KeyError, ValueError, TypeError) as error:
                problems.append(f"  {fragment}: {msgstr!r} cannot be interpolated ({error}); "
                                "write a literal per cent sign as %%")
    return problems


def test_every_translation_keeps_the_placeholders_of_its_source():
    problems = placeholder_problems()
    listing = "\n".join(problems)
    assert not problems, (
        f"{len(problems)} translation(s) do not match the placeholders of their English source:\n{listing}\n"
        "Keep every %(name)s / %(name)d / {name} exactly as in the msgid (only their order may change)."
    )


def test_the_placeholder_check_sees_placeholders():
    """Guard against a pattern that silently matches nothing."""
    assert _placeholders("%(count)d of %(name)s, {n} and 100%%") == ["%(count)d", "%(name)s", "{n}"]
    assert _dummy_params("%(count)d by %(who)s") == {"count": 1, "who": "x"}


# --- the AST guard ------------------------------------------------------------------------------------


def _call_name(node: ast.Call) -> str:
    func = node.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def _exempt_nodes(tree: ast.AST) -> set[int]:
    """ids of the string nodes not meant for users: docstrings, log and terminal output, developer text."""
    exempt: set[int] = set()

    def cover(node: ast.AST) -> None:
        exempt.update(id(sub) for sub in ast.walk(node))

    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                cover(first)
        elif isinstance(node, ast.Call):
            if _call_name(node) in OUTPUT_CALLS or _call_name(node) in BUILTIN_EXCEPTIONS:
                cover(node)
            for keyword in node.keywords:
                if keyword.arg in DEVELOPER_KEYWORDS:
                    cover(keyword.value)
        elif isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values, strict=True):
                if isinstance(key, ast.Constant) and key.value in DEVELOPER_DICT_KEYS:
                    cover(value)
    return exempt


def unmarked_sentences(source: str, known: set[str]) -> list[tuple[int, str]]:
    """(line, text) of each English sentence in ``source`` that is not an extracted message.

    An f-string is shown with ``{}`` for its fields: it can never be translated, so it is always reported.
    """
    tree = ast.parse(source)
    exempt = _exempt_nodes(tree)
    found = []
    for node in ast.walk(tree):
        if id(node) in exempt:
            continue
        if isinstance(node, ast.JoinedStr):
            exempt.update(id(v) for v in node.values)
            text = "".join(v.value if isinstance(v, ast.Constant) else "{}" for v in node.values)
            if SENTENCE.fullmatch(text):
                found.append((node.lineno, f"f-string {text!r}"))
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            if SENTENCE.fullmatch(node.value) and node.value not in known:
                found.append((node.lineno, repr(node.value)))
    return sorted(found)


def scanned_modules() -> list[Path]:
    """The Python modules of the application whose strings may reach a user."""
    return [p for p in sorted(PACKAGE.rglob("*.py")) if p.relative_to(ROOT).as_posix() not in NOT_SCANNED]


def test_every_english_sentence_in_the_code_is_marked_for_translation():
    known = set(extracted())
    offenders = [
        f"  {path.relative_to(ROOT).as_posix()}:{line}: {text}"
        for path in scanned_modules()
        for line, text in unmarked_sentences(path.read_text(encoding="utf-8"), known)
    ]
    listing = "\n".join(offenders)
    assert not offenders, (
        f"{len(offenders)} English sentence(s) are not marked for translation, so users of the Chinese "
        f"interface would see them in English:\n{listing}\n"
        "Mark each one where it is written: _() or _l() in web code, N_() in competitions/domain "
        "(from competitions.domain.errors import N_), or pass it straight to a CompetitionError subclass; "
        "use %(name)s placeholders, never an f-string. Text that is not for users belongs in a log call, "
        "click.echo or a built-in exception such as ValueError. " + HOW_TO_FIX
    )


GUARD_CASES = [
    # (source, reported?)
    ('problems.append(_problem("parts", "Every part needs a code."))', True),
    ('problems.append({"message": "The gender %(given)s contradicts the number."})', True),
    ('message = ("The event cannot be signed off yet: "\n "%(missing)d marks are missing.")', True),
    ('flash(f"Saved {name}.")', True),
    ('problems.append(_problem("parts", N_("A part code is used twice.")))', False),
    ('raise RuleViolation("Weights must add up to 100.")', False),
    ('def f():\n    """Return the total of a panel."""', False),
    ('logger.warning("Could not reach the mail server.")', False),
    ('click.echo("Done. Wrote the file.")', False),
    ('raise ValueError("mean of no marks. Give at least one.")', False),
    ('@click.option("--as", help="The chief judge signing off.")\ndef f(): pass', False),
    ('{"summary": "Published results of one event.", "responses": {}}', False),
    ('status = "in_progress"', False),
    ('label = "Station:"', False),
]


@pytest.mark.parametrize(("source", "reported"), GUARD_CASES, ids=[c[0][:40] for c in GUARD_CASES])
def test_the_guard_reports_unmarked_sentences_only(source, reported):
    known = {"A part code is used twice.", "Weights must add up to 100."}
    assert bool(unmarked_sentences(source, known)) is reported


def test_the_guard_scans_the_application():
    """Guard against a scan that silently finds nothing: domain, web and services code are all scanned."""
    names = {p.relative_to(PACKAGE).as_posix() for p in scanned_modules()}
    assert {"domain/scoring.py", "errors.py", "labels.py"} <= names
    assert "cli.py" not in names and "demo.py" not in names
    assert "A marking scheme needs at least one part." in extracted()


# --- codes that reach users as words (issue 11 §7) -----------------------------------------------------

AUDIT_CALL = re.compile(r"""\b(?:record|_audit|entry_values)\(\s*["']([a-z_.]+)["']""")


def recorded_actions() -> dict[str, str]:
    """Every audit action written with a literal code anywhere in the application, with where."""
    found: dict[str, str] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        for match in AUDIT_CALL.finditer(path.read_text(encoding="utf-8")):
            found.setdefault(match.group(1), path.relative_to(ROOT).as_posix())
    # judging.services writes "mark.<create|update>" from the write decision
    found.update({"mark.create": "competitions/judging/services.py", "mark.update": "competitions/judging/services.py"})
    return found


def test_every_audit_action_has_a_name_in_both_languages():
    """Found: the audit log showed "mark.update", "locked=True" and UTC times to a Chinese reader."""
    from competitions.audit.labels import ACTIONS

    unnamed = {a: where for a, where in recorded_actions().items() if a not in ACTIONS}
    assert not unnamed, (
        "These audit actions have no name for the audit log (add them to competitions/audit/labels.py "
        f"ACTIONS, with a Chinese translation): {unnamed}")
    assert len(recorded_actions()) > 40  # the scan finds the application's actions


def test_nested_forms_translate_wtforms_messages():
    """Found: rows of the scheme form said "This field is required." on a Chinese page.

    A plain ``wtforms.Form`` has no translations; nested forms derive from ``competitions.forms.SubForm``.
    """
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        # ``Form`` imported from competitions.forms is the translated page-form base; wtforms' own is not.
        # (``from wtforms import Form as WTForm`` is not: classes deriving from it name ``WTForm``.)
        bare = any(isinstance(n, ast.ImportFrom) and n.module == "wtforms"
                   and any(a.name == "Form" and a.asname in (None, "Form") for a in n.names)
                   for n in ast.walk(tree))
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef) and any(
                    (isinstance(b, ast.Name) and b.id == "Form" and bare)
                    or (isinstance(b, ast.Attribute) and b.attr == "Form")
                    for b in node.bases) and node.name != "SubForm":
                offenders.append(f"{path.relative_to(ROOT).as_posix()}: {node.name}")
    assert not offenders, f"Forms without translated WTForms messages (derive from SubForm): {offenders}"
