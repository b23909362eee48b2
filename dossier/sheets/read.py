"""Registration spreadsheets (CSV, XLSX, ODS) read as rows of cells, each located file:sheet:cell.

CSV is read with the standard csv module (UTF-8, with or without BOM, or Windows-1252; `;` or
`,`), XLSX with openpyxl, ODS with python-calamine. Columns are found by their French headers,
matched leniently, or named in a mapping file. Values stay what the spreadsheet holds (text,
numbers, dates, times) until the programme's own rules read them.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dossier.errors import DossierError, display_path

FIELDS = (
    "title",
    "organisers",
    "date",
    "end_date",
    "start",
    "end",
    "description",
    "link",
    "notes",
    "category",
)
# The headers an organiser's registration form would have, by field (lower case, no accents).
HEADERS: dict[str, tuple[str, ...]] = {
    "title": ("titre", "intitule", "titre de l evenement", "nom de l evenement", "evenement"),
    "organisers": (
        "organisateur",
        "organisateurs",
        "organisateur s",
        "structure organisatrice",
        "structure",
        "porteur",
    ),
    "date": ("date", "date de debut", "jour", "date de l evenement", "debut"),
    "end_date": ("date de fin", "fin", "jusqu au"),
    "start": ("heure de debut", "heure", "horaire", "horaire de debut", "heure debut"),
    "end": ("heure de fin", "horaire de fin", "heure fin"),
    "description": ("description", "descriptif", "resume", "presentation"),
    "link": ("lien", "url", "site", "lien vers l evenement", "en savoir plus", "site web"),
    "notes": ("remarques", "notes", "informations complementaires", "infos pratiques"),
    "category": (
        "categorie",
        "type d organisateur",
        "type",
        "calendrier",
        "famille d acteurs",
        "type de structure",
    ),
}
SUFFIXES = (".csv", ".xlsx", ".ods")


@dataclass(frozen=True)
class Cell:
    """A value of the spreadsheet, and where it stands: file:sheet:cell."""

    value: Any
    where: str


@dataclass(frozen=True)
class Row:
    """One registration: its cells by field, and where the row stands."""

    number: int
    where: str
    cells: dict[str, Cell]

    def get(self, name: str) -> Any:
        """Return a field's value, None when the cell is empty or the column absent."""
        cell = self.cells.get(name)
        if cell is None or cell.value is None:
            return None
        if isinstance(cell.value, str) and not cell.value.strip():
            return None
        return cell.value


@dataclass(frozen=True)
class Sheet:
    """The rows of one sheet, and its columns by field."""

    file: Path
    name: str  # "" for a CSV file
    columns: dict[str, str]  # field → the header it was found under
    rows: list[Row]


def normalise(header: str) -> str:
    """Write a header as it is compared: lower case, no accents, words only."""
    text = unicodedata.normalize("NFKD", str(header)).encode("ascii", "ignore").decode()
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


def column_name(index: int) -> str:
    """Return a spreadsheet's column letters: 0 → A, 27 → AB."""
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(ord("A") + rest) + name
    return name


def read_sheet(file: Path, sheet: str | None = None, mapping: Mapping[str, str] | None = None):
    """Read a registrations file into located rows; raise DossierError naming what is wrong."""
    suffix = file.suffix.lower()
    if suffix not in SUFFIXES:
        raise DossierError(
            f"{display_path(file)} : format non pris en charge ; dossier import lit les "
            f"fichiers {', '.join(SUFFIXES)}"
        )
    if not file.is_file():
        raise DossierError(f"{display_path(file)} : fichier introuvable")
    try:
        name, table = {".csv": _csv, ".xlsx": _xlsx, ".ods": _ods}[suffix](file, sheet)
    except DossierError:
        raise
    except Exception as error:  # each reader raises its own kinds for a damaged file
        raise DossierError(
            f"{display_path(file)} : fichier illisible ({type(error).__name__}: {error})"
        ) from None
    return _rows(file, name, table, mapping or {})


def _csv(file: Path, sheet: str | None) -> tuple[str, list[list[Any]]]:
    raw = file.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252")  # what French spreadsheets export by default on Windows
    # the header line says the separator: French exports use « ; », others « , » or a tab
    header = text.split("\n", 1)[0]
    delimiter = max(";,\t", key=header.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar='"')
    return "", [list(row) for row in reader]


def _xlsx(file: Path, sheet: str | None) -> tuple[str, list[list[Any]]]:
    from openpyxl import load_workbook

    workbook = load_workbook(file, read_only=True, data_only=True)
    try:
        names = workbook.sheetnames
        name = _choose(file, names, sheet)
        rows = [list(row) for row in workbook[name].iter_rows(values_only=True)]
    finally:
        workbook.close()
    return name, rows


def _ods(file: Path, sheet: str | None) -> tuple[str, list[list[Any]]]:
    from python_calamine import CalamineWorkbook

    workbook = CalamineWorkbook.from_path(str(file))
    name = _choose(file, workbook.sheet_names, sheet)
    table = workbook.get_sheet_by_name(name)
    start_row, start_column = table.start or (0, 0)
    rows = [[None] * start_column + list(row) for row in table.to_python(skip_empty_area=False)]
    return name, [[]] * start_row + rows


def _choose(file: Path, names: list[str], sheet: str | None) -> str:
    if sheet is None:
        return names[0]
    if sheet not in names:
        raise DossierError(
            f"{display_path(file)} : pas de feuille « {sheet} » ; feuilles : {', '.join(names)}"
        )
    return sheet


def _rows(file: Path, sheet: str, table: list[list[Any]], mapping: Mapping[str, str]) -> Sheet:
    prefix = f"{display_path(file)}:{sheet + ':' if sheet else ''}"
    header_index = next((i for i, row in enumerate(table) if any(_filled(c) for c in row)), None)
    if header_index is None:
        raise DossierError(f"{prefix.rstrip(':')} : la feuille est vide")
    headers = table[header_index]
    columns = _columns(headers, mapping)
    if "title" not in columns.values() and "description" not in columns.values():
        raise DossierError(
            f"{prefix}{header_index + 1}: aucune colonne « titre » ni « description » parmi "
            f"{', '.join(str(h) for h in headers if _filled(h))} : nommez les colonnes comme un "
            "formulaire d'inscription (titre, organisateur, date, heure de début…), ou donnez "
            "un fichier de correspondance (--mapping)"
        )
    rows = []
    for index in range(header_index + 1, len(table)):
        values = table[index]
        if not any(_filled(v) for v in values):
            continue
        cells = {
            field: Cell(
                values[c] if c < len(values) else None, f"{prefix}{column_name(c)}{index + 1}"
            )
            for c, field in columns.items()
        }
        rows.append(Row(index + 1, f"{prefix}{index + 1}", cells))
    found = {field: str(headers[c]) for c, field in columns.items()}
    return Sheet(file, sheet, found, rows)


def _filled(value: Any) -> bool:
    return value is not None and not (isinstance(value, str) and not value.strip())


def _columns(headers: list[Any], mapping: Mapping[str, str]) -> dict[int, str]:
    """Return column index → field, from the mapping file first, then the known headers."""
    wanted = {normalise(header): field for header, field in mapping.items()}
    for field, names in HEADERS.items():
        for name in names:
            wanted.setdefault(name, field)
    columns: dict[int, str] = {}
    for index, header in enumerate(headers):
        found = wanted.get(normalise(header)) if _filled(header) else None
        if found is not None and found not in columns.values():
            columns[index] = found
    return columns


# --- Reading values -----------------------------------------------------------------------

EXCEL_EPOCH = dt.datetime(1899, 12, 30)


def as_date(value: Any, read_french: Any) -> dt.date | None:
    """Read a date: a date cell, an Excel serial number, 03/11/2021, 2021-11-03, 3 novembre 2021."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool) and 1 < value < 100000:
        return (EXCEL_EPOCH + dt.timedelta(days=float(value))).date()
    text = str(value).strip()
    match = re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{2}|\d{4})", text)
    try:
        if match:
            day, month, year = (int(g) for g in match.groups())
            return dt.date(year + 2000 if year < 100 else year, month, day)
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return dt.date.fromisoformat(text)
    except ValueError:
        return None
    return read_french(text)


def as_time(value: Any, read_hours: Any) -> dt.time | None:
    """Read a time: a time cell, a fraction of a day, 9h30, 09:30, 9 h 30."""
    if isinstance(value, dt.datetime):
        return value.time().replace(second=0, microsecond=0)
    if isinstance(value, dt.time):
        return value.replace(second=0, microsecond=0)
    if isinstance(value, int | float) and not isinstance(value, bool) and 0 <= value < 1:
        minutes = round(float(value) * 24 * 60)
        return dt.time(minutes // 60 % 24, minutes % 60)
    read = read_hours(str(value))
    if read is None or read[1] is not None:
        return None
    return read[0]
