"""Build the translation catalogs: ``python -m competitions.i18n_catalog build|missing|check``.

English is the source language: every message in the code and templates is
English. The Chinese translations live in ``translations/zh/fragments/*.po``,
one fragment per area so several people can add translations without editing
one file; ``build`` merges them into ``translations/zh/LC_MESSAGES/messages.po``
and compiles ``messages.mo`` (both generated, not committed). ``missing``
prints PO stubs for messages that have no Chinese translation yet;
``check`` exits non-zero when any are missing.
"""

from __future__ import annotations

import sys
from io import BytesIO
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
FRAGMENTS = ROOT / "translations" / "zh" / "fragments"
OUTPUT = ROOT / "translations" / "zh" / "LC_MESSAGES"

# Besides gettext's own names, the error classes and problem records take an English message.
KEYWORDS = {
    "_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "_l": None, "N_": None,
    "CompetitionError": None, "NotAllowed": None, "NotFound": None, "RuleViolation": None,
    "InvalidState": None, "Conflict": None, "Problem": (2,), "Reason": (2,),
}
METHOD_MAP = [("competitions/**.py", "python"), ("templates/**.html", "jinja2")]
OPTIONS_MAP = {"templates/**.html": {"extensions": "jinja2.ext.do", "trimmed": "false"}}


def extract_messages() -> dict[str, list[tuple[str, int]]]:
    """Every translatable message in the code and templates, with where it appears."""
    found: dict[str, list[tuple[str, int]]] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
        str(ROOT), METHOD_MAP, OPTIONS_MAP, keywords=KEYWORDS, strip_comment_tags=True
    ):
        msgid = message[0] if isinstance(message, tuple) else message
        if msgid:
            found.setdefault(msgid, []).append((filename, lineno))
    return found


def read_fragments() -> dict[str, str]:
    """Chinese translations from every fragment; a message translated twice differently is an error."""
    translations: dict[str, str] = {}
    for path in sorted(FRAGMENTS.glob("*.po")):
        with path.open("rb") as fh:
            catalog = read_po(fh, locale="zh")
        for message in catalog:
            if not message.id or not message.string:
                continue
            msgid = message.id if isinstance(message.id, str) else message.id[0]
            msgstr = message.string if isinstance(message.string, str) else message.string[0]
            if msgid in translations and translations[msgid] != msgstr:
                raise SystemExit(f"{path.name}: {msgid!r} is translated differently in another fragment")
            translations[msgid] = msgstr
    return translations


def build() -> Path:
    """Merge the fragments and compile messages.mo; return its path."""
    translations = read_fragments()
    catalog = Catalog(locale="zh", domain="messages", project="competitions", charset="utf-8")
    for msgid, msgstr in sorted(translations.items()):
        catalog.add(msgid, msgstr)
    OUTPUT.mkdir(parents=True, exist_ok=True)
    with (OUTPUT / "messages.po").open("wb") as fh:
        write_po(fh, catalog, width=0)
    mo = OUTPUT / "messages.mo"
    buffer = BytesIO()
    write_mo(buffer, catalog)
    mo.write_bytes(buffer.getvalue())
    return mo


def missing() -> list[str]:
    """Messages found in the code that have no Chinese translation."""
    translations = read_fragments()
    return sorted(m for m in extract_messages() if m not in translations)


def _po_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def main(argv: list[str]) -> int:
    """Command-line entry point."""
    command = argv[1] if len(argv) > 1 else "build"
    if command == "build":
        print(f"compiled {build().relative_to(ROOT)}")
        return 0
    if command in ("missing", "check"):
        todo = missing()
        if command == "missing":
            for msgid in todo:
                print(f'msgid "{_po_escape(msgid)}"\nmsgstr ""\n')
        else:
            for msgid in todo:
                print(f"no Chinese translation: {msgid!r}", file=sys.stderr)
        return 1 if (todo and command == "check") else 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
