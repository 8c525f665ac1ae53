"""Reading a roster file as clerks really make it: .xlsx or .csv, untrusted, in their own layout.

The spreadsheet is untrusted input, and reading it must never cost more than a moment and a little
memory, whatever the file claims (issue 9 §5: a 5 KB workbook whose only cell sat at J1048576 took 35 s
and 2.5 GB):

* the upload is refused above ``UPLOAD_MAX_BYTES``; an .xlsx (a zip archive) is refused when it has too
  many members, when it would unpack beyond a limit, or when its shared-strings part alone would (a zip
  bomb), before any XML is parsed;
* the XML is parsed through defusedxml (``openpyxl.xml.DEFUSEDXML``), streamed: the sheet's declared
  extent (``<dimension>``) and then every real row and cell are checked against ``ROSTER_MAX_ROWS`` and
  ``ROSTER_MAX_COLUMNS`` as they are read, so a far-away cell is refused at once instead of being
  padded out; parsed elements are dropped as soon as they are read;
* a corrupt file, a wrong file type, merged cells or extra sheets get a clear message.

Then the file is read the way people fill it in (issue 11 §4):

* headers are matched exactly (after Unicode NFKC, blanks and case) against each column's names and
  aliases in Chinese and English (``身份证号``, ``公民身份号码``, ``National ID number``…); the template's
  two-line headers ("身份证号\\nNational ID number") match too. An unknown header, or two columns for
  the same field, is refused with the header and its column letter — never a guess (a substring match
  once read ``紧急联系人姓名`` as the name column);
* a running-number column (``序号``) and a remarks column (``备注``) are recognised and ignored; a row
  that is blank apart from them is not a row (templates come numbered 1-20);
* dates come from date cells, including Excel's Chinese built-in date formats (``1990年1月2日``, which
  openpyxl does not know), and from text (see ``importer.parse_date``).
"""

from __future__ import annotations

import csv
import io
import unicodedata
import zipfile
from dataclasses import dataclass

from flask import current_app
from openpyxl.utils import get_column_letter

from competitions.domain.errors import N_, ValidationErrors

MAX_ROWS = 20_000
MAX_COLUMNS = 100
MAX_UNCOMPRESSED_BYTES = 60 * 1024 * 1024
MAX_PART_BYTES = 16 * 1024 * 1024        # any part but the sheet itself (styles, shared strings, …)
MAX_ZIP_MEMBERS = 200
ROSTER_SHEET = "roster"
LISTS_SHEET = "lists"
XLSX_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # the old binary .xls format
# Excel's built-in number formats that are dates in a Chinese Excel (ECMA-376 Part 1, 18.8.30, zh-cn):
# 27 yyyy"年"m"月", 28/29 m"月"d"日", 30 m-d-yy, 31 yyyy"年"m"月"d"日", 36, 50-54, 57, 58 the same again.
# openpyxl knows only the locale-neutral ids (14-22, 45-47) and reads these cells as numbers (32875).
CJK_DATE_FORMAT_IDS = frozenset({27, 28, 29, 30, 31, 36, 50, 51, 52, 53, 54, 57, 58})

# Headers that belong to no field and are skipped: the running number and remarks.
IGNORED_HEADERS = frozenset({"序号", "编号", "序", "no", "#", "备注", "说明", "remarks", "remark", "notes", "note"})
IGNORED = "_ignored"


@dataclass(frozen=True)
class RawRow:
    """One non-empty row of the uploaded sheet: its row number as the clerk sees it, and its cells by key."""

    number: int
    cells: dict


def limit(name: str, default: int) -> int:
    """A configured limit (tests lower them)."""
    return int(current_app.config.get(name, default))


def file_problem(message: str, **params) -> ValidationErrors:
    """A problem with the whole file (no row, no column)."""
    return ValidationErrors([{"row": None, "column": "", "value": "", "message": message, "params": params}])


def header_text(value: object) -> str:
    """A header as compared: NFKC (full-width letters become ASCII), blanks collapsed, lower case, and without
    the marks clerks add around it ("*姓名", "No.", "电话：")."""
    text = " ".join(unicodedata.normalize("NFKC", str(value or "")).split()).casefold()
    return text.strip("*.:：")


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


# ---- the file as a whole ---------------------------------------------------------------------------

def read_roster_file(data: bytes, filename: str, headers: dict[str, str], required: dict[str, str]) -> list[RawRow]:
    """The rows of an uploaded .xlsx or .csv, keyed by ``headers`` (header text -> column key).

    ``required`` names the keys the header must have, with how to name them in the message.
    Raises ValidationErrors with one clear file-level message when the file cannot be read.
    """
    max_bytes = limit("ROSTER_MAX_FILE_BYTES", limit("UPLOAD_MAX_BYTES", 5 * 1024 * 1024))
    if len(data) > max_bytes:
        raise file_problem(N_("The file is larger than %(limit)s MB."), limit=max_bytes // (1024 * 1024) or 1)
    if not data:
        raise file_problem(N_("The file is empty."))
    name = (filename or "").lower()
    if data.startswith(OLE_MAGIC):
        raise file_problem(N_("This is an old-style .xls file. Save it as .xlsx (Excel workbook) or CSV and upload "
                              "it again."))
    if name.endswith(".xlsx"):
        if not data.startswith(XLSX_MAGIC):
            raise file_problem(N_("The file is not a valid .xlsx workbook. Download the template and fill it in."))
        values = _read_xlsx(data)
    elif name.endswith(".csv"):
        values = _read_csv(data)
    else:
        raise file_problem(N_("Upload an .xlsx workbook or a .csv file."))
    return rows_from(values, headers, required)


def check_zip_safety(data: bytes) -> None:
    """Refuse an archive that is corrupt, has too many members, or would unpack beyond the limits."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise file_problem(N_("The file is damaged and cannot be read as an .xlsx workbook.")) from None
    total = limit("ROSTER_MAX_UNCOMPRESSED_BYTES", MAX_UNCOMPRESSED_BYTES)
    part = min(total, limit("ROSTER_MAX_PART_BYTES", MAX_PART_BYTES))
    too_big = len(members) > MAX_ZIP_MEMBERS or sum(m.file_size for m in members) > total or any(
        m.file_size > part for m in members if not m.filename.startswith("xl/worksheets/"))
    if too_big:
        raise file_problem(N_("The workbook would unpack to more than %(limit)s MB; it is refused."),
                           limit=total // (1024 * 1024) or 1)


# ---- .xlsx, streamed -------------------------------------------------------------------------------

class _TooLarge(Exception):
    """The sheet holds a row or a column beyond the limits (where: "J1048576")."""

    def __init__(self, where: str) -> None:
        super().__init__(where)
        self.where = where


def _too_large(where: str) -> ValidationErrors:
    from openpyxl.utils.cell import column_index_from_string, coordinate_from_string

    letters, row = coordinate_from_string(where)
    rows, columns = limit("ROSTER_MAX_ROWS", MAX_ROWS), limit("ROSTER_MAX_COLUMNS", MAX_COLUMNS)
    if column_index_from_string(letters) > columns:
        return file_problem(N_("The sheet reaches column %(column)s (cell %(cell)s); a roster has at most "
                               "%(columns)d columns. Delete the columns beyond the list (also empty but formatted "
                               "ones) and upload it again."), column=letters, cell=where, columns=columns)
    return file_problem(N_("The sheet reaches row %(row)d (cell %(cell)s); at most %(limit)d rows can be imported "
                           "at once. Split the list, or delete the rows below it (also empty but formatted ones), "
                           "and upload it again."), row=row, cell=where, limit=rows)


def _read_xlsx(data: bytes) -> list[tuple[int, list]]:
    check_zip_safety(data)
    from openpyxl.xml import DEFUSEDXML

    if not DEFUSEDXML:  # never parse untrusted XML without defusedxml
        raise file_problem(N_("Spreadsheet import is disabled: the defusedxml package is missing."))
    max_rows = limit("ROSTER_MAX_ROWS", MAX_ROWS) + 1   # and the header
    max_columns = limit("ROSTER_MAX_COLUMNS", MAX_COLUMNS)
    try:
        book = _open_book(data)
    except ValidationErrors:
        raise
    except Exception:  # openpyxl and the XML parser raise many kinds of errors on broken files
        raise file_problem(N_("The file is damaged and cannot be read as an .xlsx workbook.")) from None
    try:
        extra = [title for title, state, _path in book.sheets[1:] if not (title == LISTS_SHEET and state != "visible")]
        if extra:
            raise file_problem(N_("The workbook has extra sheets (%(names)s). Keep only the roster sheet."),
                               names=", ".join(extra))
        if not book.sheets:
            raise file_problem(N_("The file is empty."))
        parser = _sheet_parser(book, book.sheets[0][2])
        try:
            values = [(number, row) for number, row in parser.rows(max_rows, max_columns)]
        except _TooLarge as error:
            raise _too_large(error.where) from None
        except ValidationErrors:
            raise
        except Exception:
            raise file_problem(N_("The file is damaged and cannot be read as an .xlsx workbook.")) from None
        if parser.merged:
            raise file_problem(N_("The sheet has merged cells (%(ranges)s). Unmerge them so each cell holds one "
                                  "value."), ranges=", ".join(sorted(parser.merged)[:5]))
    finally:
        book.archive.close()
    return values


@dataclass
class _Book:
    archive: zipfile.ZipFile
    sheets: list[tuple[str, str, str]]   # (title, state, part path)
    shared_strings: list[str]
    date_styles: set[int]
    epoch: object


def _open_book(data: bytes) -> _Book:
    """The workbook's sheet list, shared strings and date styles (openpyxl's readers, no worksheet parsed)."""
    from openpyxl.reader.excel import ExcelReader
    from openpyxl.styles.stylesheet import apply_stylesheet

    reader = ExcelReader(io.BytesIO(data), read_only=True, data_only=True)
    reader.read_manifest()
    reader.read_workbook()
    apply_stylesheet(reader.archive, reader.wb)
    wb = reader.wb
    date_styles = set(wb._date_formats)
    date_styles |= {i for i, style in enumerate(wb._cell_styles) if style.numFmtId in CJK_DATE_FORMAT_IDS}
    sheets = [(sheet.name, sheet.state or "visible", rel.target) for sheet, rel in reader.parser.find_sheets()
              if rel.target in reader.valid_files and "chartsheet" not in rel.Type]
    return _Book(reader.archive, sheets, _shared_strings(reader), date_styles, wb.epoch)


def _shared_strings(reader) -> list[str]:
    """The shared strings, streamed: each <si> is dropped from the tree once read."""
    from openpyxl.cell.text import Text
    from openpyxl.xml.constants import SHARED_STRINGS, SHEET_MAIN_NS
    from openpyxl.xml.functions import iterparse

    part = reader.package.find(SHARED_STRINGS)
    if part is None:
        return []
    tag, plain = f"{{{SHEET_MAIN_NS}}}si", f"{{{SHEET_MAIN_NS}}}t"
    most = max(limit("ROSTER_MAX_ROWS", MAX_ROWS), MAX_ROWS) * 10   # ten text columns a row

    def too_many():   # a roster's cells cannot need more different texts than this
        return file_problem(N_("The workbook holds more than %(limit)d different texts; a roster has at most "
                               "%(rows)d rows. Upload only the roster."), limit=most,
                            rows=limit("ROSTER_MAX_ROWS", MAX_ROWS))

    if _count_tags(reader.archive, part.PartName[1:], (b"<si>", b"<si ")) > most:
        raise too_many()   # the real extent, counted on the raw bytes before any parsing
    strings: list[str] = []
    root = None
    with reader.archive.open(part.PartName[1:]) as source:
        for event, element in iterparse(source, events=("start", "end")):
            if root is None:
                root = element
                declared = element.get("uniqueCount") or ""
                if declared.isascii() and declared.isdigit() and int(declared) > most:
                    raise too_many()   # the declared extent, before reading any of it
            if event == "end" and element.tag == tag:
                children = list(element)
                # Plain text (one <t>) is read directly; rich text runs go through openpyxl's reader.
                text = (children[0].text or "") if len(children) == 1 and children[0].tag == plain \
                    else Text.from_tree(element).content
                strings.append(text.replace("x005F_", ""))
                root.clear()
                if len(strings) > most:
                    raise too_many()
    return strings


def _count_tags(archive, name: str, tags: tuple[bytes, ...], chunk: int = 1 << 20) -> int:
    """How often the raw bytes of part ``name`` hold one of ``tags`` (streamed; a prefixed tag is not counted).

    Text cannot hold a bare ``<``, so in well-formed XML these bytes are tags; a count taken this way is a
    floor of the real count and costs milliseconds where parsing costs seconds.
    """
    found, tail, keep = 0, b"", max(len(tag) for tag in tags) - 1
    with archive.open(name) as source:
        while block := source.read(chunk):
            data = tail + block   # a tag cut by the block boundary is whole here; the kept tail holds no whole tag
            found += sum(data.count(tag) for tag in tags)
            tail = data[-keep:]
    return found


def _sheet_parser(book: _Book, path: str):
    from openpyxl.worksheet._reader import CELL_TAG, DIMENSION_TAG, ROW_TAG, WorkSheetParser
    from openpyxl.xml.constants import SHEET_MAIN_NS
    from openpyxl.xml.functions import iterparse

    merge_tag = f"{{{SHEET_MAIN_NS}}}mergeCell"
    data_tag = f"{{{SHEET_MAIN_NS}}}sheetData"

    class GuardedParser(WorkSheetParser):
        """openpyxl's cell reading, driven row by row with the extent checked before anything is kept."""

        merged: list[str]

        def rows(self, max_rows: int, max_columns: int):
            self.merged = []
            container = None
            cells: list[dict] = []
            with book.archive.open(path) as source:
                for event, element in iterparse(source, events=("start", "end")):
                    tag = element.tag
                    if event == "start":
                        if tag == ROW_TAG:
                            self._start_row(element, max_rows)
                            cells = []
                        elif tag == data_tag:
                            container = element
                        continue
                    if tag == CELL_TAG:
                        cell = self.parse_cell(element)
                        element.clear()
                        if self.row_counter > max_rows or cell["column"] > max_columns or len(cells) >= max_columns:
                            raise _TooLarge(f"{get_column_letter(min(cell['column'], 16384))}{cell['row']}")
                        if cell["value"] is not None:
                            cells.append(cell)
                    elif tag == ROW_TAG:
                        if self.row_counter > max_rows:
                            raise _TooLarge(f"A{self.row_counter}")
                        yield self.row_counter, self._values(cells)
                        if container is not None:
                            container.clear()   # drop the rows read so far
                    elif tag == DIMENSION_TAG:
                        self._check_declared(element.get("ref") or "", max_rows, max_columns)
                    elif tag == merge_tag:
                        self.merged.append(element.get("ref") or "")
                        if len(self.merged) > 5:
                            return

        def _start_row(self, element, max_rows: int) -> None:
            number = element.get("r")
            self.row_counter = int(number) if number and number.isdigit() else self.row_counter + 1
            self.col_counter = 0   # a row beyond the limit is refused at its first cell (which names it)

        @staticmethod
        def _check_declared(ref: str, max_rows: int, max_columns: int) -> None:
            from openpyxl.utils.cell import range_boundaries

            try:
                _min_col, _min_row, max_col, max_row = range_boundaries(ref.upper())
            except (ValueError, TypeError):
                return
            if (max_row or 0) > max_rows or (max_col or 0) > max_columns:
                raise _TooLarge(ref.split(":")[-1].upper())

        @staticmethod
        def _values(cells: list[dict]) -> list:
            if not cells:
                return []
            row = [None] * max(c["column"] for c in cells)
            for c in cells:
                row[c["column"] - 1] = c["value"]
            return row

    return GuardedParser(None, book.shared_strings, data_only=True, epoch=book.epoch,
                         date_formats=book.date_styles)


# ---- .csv ------------------------------------------------------------------------------------------

def _read_csv(data: bytes) -> list[tuple[int, list]]:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes any byte string
        raise file_problem(N_("The CSV file is not in UTF-8 or GB18030 encoding."))
    if "\x00" in text:
        raise file_problem(N_("Upload an .xlsx workbook or a .csv file."))
    max_rows = limit("ROSTER_MAX_ROWS", MAX_ROWS) + 1
    max_columns = limit("ROSTER_MAX_COLUMNS", MAX_COLUMNS)
    values = []
    try:
        for number, row in enumerate(csv.reader(io.StringIO(text)), start=1):
            if len(row) > max_columns and any(not _blank(c) for c in row[max_columns:]):
                raise _too_large(f"{get_column_letter(min(len(row), 16384))}{number}")
            if number > max_rows and any(not _blank(c) for c in row):
                raise _too_large(f"A{number}")
            values.append((number, row[:max_columns]))
    except csv.Error:
        raise file_problem(N_("The CSV file cannot be read.")) from None
    return values


# ---- header and rows -------------------------------------------------------------------------------

def _header_key(text: str, headers: dict[str, str]) -> str | None:
    """The column key of one header cell: the whole text, or every line of a two-line header, must match."""
    whole = header_text(text)
    if whole in headers:
        return headers[whole]
    if whole in IGNORED_HEADERS:
        return IGNORED
    lines = {header_text(line) for line in str(text).splitlines() if line.strip()}
    keys = {headers.get(line) or (IGNORED if line in IGNORED_HEADERS else None) for line in lines}
    return keys.pop() if len(keys) == 1 and None not in keys else None


def rows_from(values: list[tuple[int, list]], headers: dict[str, str], required: dict[str, str]) -> list[RawRow]:
    """Map the header row to column keys and turn each following row with content into a RawRow."""
    values = [(n, cells) for n, cells in values if any(not _blank(c) for c in cells)]
    if not values:
        raise file_problem(N_("The file is empty."))
    _number, header = values[0]
    keys: list[str | None] = []
    problems = []
    seen: dict[str, int] = {}
    for i, cell in enumerate(header):
        if _blank(cell):
            keys.append(None)
            continue
        key = _header_key(str(cell), headers)
        letter = get_column_letter(i + 1)
        if key is None:
            problems.append({"row": None, "column": "", "value": str(cell).strip()[:60], "params": {
                "header": str(cell).strip()[:60], "letter": letter}, "message": N_(
                "Column %(letter)s is headed %(header)s, which is not a roster column. Rename it to one of the "
                "template's headers, or delete the column.")})
        elif key != IGNORED and key in seen:
            problems.append({"row": None, "column": key, "value": str(cell).strip()[:60], "params": {
                "header": str(cell).strip()[:60], "letter": letter, "other": get_column_letter(seen[key] + 1)},
                "message": N_("Columns %(other)s and %(letter)s are both %(header)s; keep one of them.")})
        else:
            seen.setdefault(key, i)
        keys.append(key)
    if problems:
        raise ValidationErrors(problems, message=N_("The header row has %(count)d problem(s); nothing was "
                                                    "imported."))
    missing = [shown for key, shown in required.items() if key not in keys]
    if missing:
        raise file_problem(N_("The header row lacks the column(s) %(columns)s. Use the template's headers."),
                           columns=", ".join(missing))
    rows = []
    for number, cells in values[1:]:
        mapped = {key: cells[i] for i, key in enumerate(keys) if key and key != IGNORED and i < len(cells)}
        if all(_blank(v) for v in mapped.values()):
            continue   # blank but for the running number: an unused line of the template
        rows.append(RawRow(number, mapped))
    return rows
