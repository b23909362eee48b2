"""Registration spreadsheets (CSV, XLSX, ODS) read as rows of cells, each located file:sheet:cell.

CSV is read with the standard csv module (UTF-8, with or without BOM, Windows-1252, or UTF-16
with its BOM as Excel's « Texte Unicode » writes it; `;`, `,` or a tab), XLSX with openpyxl,
ODS with python-calamine. Columns are found by their French headers, matched leniently, or
named in a mapping file; a column found under no field is named in a warning, never dropped
silently. Values stay what the spreadsheet holds (text, numbers, dates, times) until the
programme's own rules read them; a merged cell gives its value to every cell it covers; what
holds no value (an error, a formula never computed) is refused at its cell.
"""

from __future__ import annotations

import codecs
import csv
import dataclasses
import datetime as dt
import difflib
import io
import logging
import re
import unicodedata
import zipfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

from dossier.archives import check_archive
from dossier.errors import DossierError, display_path, os_reason

log = logging.getLogger("dossier")

FIELDS = (
    "title",
    "organisers",
    "date",
    "end_date",
    "start",
    "end",
    "place",
    "online",
    "description",
    "link",
    "notes",
    "category",
)
# The field names of messages when the file has no column for them.
FRENCH = {
    "title": "titre",
    "organisers": "organisateurs",
    "date": "date",
    "end_date": "date de fin",
    "start": "heure de début",
    "end": "heure de fin",
    "place": "lieu",
    "online": "en ligne",
    "description": "description",
    "link": "lien",
    "notes": "remarques",
    "category": "catégorie",
}
# The headers an organiser's registration form would have, by field (lower case, no accents).
HEADERS: dict[str, tuple[str, ...]] = {
    "title": (
        "titre",
        "intitule",
        "titre de l evenement",
        "nom de l evenement",
        "evenement",
        "intitule de l evenement",
    ),
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
    "place": ("lieu", "salle", "lieu de l evenement", "adresse", "lieu salle"),
    "online": (
        "en ligne",
        "lien de connexion",
        "lien de participation",
        "lien visio",
        "visioconference",
        "lien de la visioconference",
    ),
    "description": (
        "description",
        "descriptif",
        "resume",
        "presentation",
        "description de l evenement",
    ),
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
# What a form asks of the person who fills it, not of the event: the answer's time stamp,
# their e-mail, phone, name. Left out unless the mapping file names a field for it (one
# line says so): personal data never enters the edition by accident. Words of the header.
PERSONAL_WORDS = frozenset(
    {"horodateur", "horodatage", "timestamp", "email", "courriel", "telephone", "tel"}
    | {"portable", "mobile", "prenom", "signature", "rgpd", "consentement"}
    | {"phone", "surname", "firstname", "lastname"}  # Google Forms in English
)
PERSONAL_HEADERS = frozenset(
    {"nom", "adresse e mail", "e mail", "adresse electronique", "adresse mail", "mail"}
    | {"votre adresse electronique", "votre nom", "nom du contact", "contact", "referent"}
    | {"date de soumission", "date de reponse", "submitted at", "start time", "completion time"}
    | {"heure de debut de la reponse", "heure de fin de la reponse", "id", "identifiant"}
    | {"name", "first name", "last name", "full name", "your name"}
)


def is_personal(header: str) -> bool:
    """Tell whether a header asks of the person filling the form rather than of the event."""
    name = normalise(header)
    words = set(name.replace("e mail", "email").split())
    return name in PERSONAL_HEADERS or bool(words & PERSONAL_WORDS)


SUFFIXES = (".csv", ".xlsx", ".ods")
IGNORED = "ignorer"  # a mapping file's field for a column to leave out, without a warning
# What a spreadsheet shows in a cell whose formula failed: Excel (English and French), Calc.
ERRORS = frozenset(
    {"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#SPILL!", "#CALC!"}
    | {"#NUL!", "#VALEUR!", "#NOM?", "#NOMBRE!", "#GETTING_DATA", "#FIELD!", "#BLOCKED!"}
)
_CALC_ERROR = re.compile(r"Err:\d{3}")


@dataclass(frozen=True)
class Fault:
    """A cell that holds no value: an error, or a formula whose result was never computed."""

    text: str  # what the cell shows, or its formula
    formula: bool = False

    def message(self) -> str:
        if self.formula:
            return (
                f"la formule {self.text} n'a pas de valeur calculée (fichier écrit par un "
                "programme) : ouvrez-le dans Excel ou LibreOffice et enregistrez-le, ou "
                "remplacez la formule par son résultat"
            )
        return (
            f"la cellule affiche l'erreur {self.text} : corrigez sa formule ou écrivez la "
            "valeur à la main"
        )


def _fault(value: Any) -> Fault | None:
    if isinstance(value, Fault):
        return value
    if isinstance(value, str) and (value.strip() in ERRORS or _CALC_ERROR.fullmatch(value)):
        return Fault(value.strip())
    return None


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
    unknown: list[tuple[str, str]] = dataclasses.field(
        default_factory=list
    )  # header, cell: no field
    personal: list[tuple[str, str]] = dataclasses.field(
        default_factory=list
    )  # header, cell: left out


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
    _check_regular(file)
    if suffix in (".xlsx", ".ods"):
        check_archive(file, "classeur")  # measured before openpyxl or calamine inflate it
    try:
        name, table = {".csv": _csv, ".xlsx": _xlsx, ".ods": _ods}[suffix](file, sheet)
    except DossierError:
        raise
    except Exception as error:  # each reader raises its own kinds for a damaged file
        raise DossierError(f"{display_path(file)} : {_unreadable(suffix, error)}") from None
    return _rows(file, name, table, mapping or {})


def _check_regular(file: Path) -> None:
    """Refuse what is not a regular file: missing, a folder, a pipe, a device."""
    try:
        if file.is_file():
            return
        exists = file.exists()
    except OSError as error:
        raise DossierError(f"{display_path(file)} : {os_reason(error)}") from None
    if not exists:
        raise DossierError(f"{display_path(file)} : fichier introuvable")
    if file.is_dir():
        raise DossierError(f"{display_path(file)} : c'est un dossier, pas un fichier de tableur")
    raise DossierError(
        f"{display_path(file)} : ce n'est pas un fichier ordinaire (un tube ou un périphérique) "
        ": enregistrez le tableur dans un fichier et donnez celui-ci"
    )


_KINDS = {".csv": "CSV", ".xlsx": "XLSX (Excel)", ".ods": "ODS (LibreOffice, OpenOffice)"}


def _unreadable(suffix: str, error: Exception) -> str:
    """Say in French why a spreadsheet file could not be read."""
    kind = _KINDS[suffix]
    save = f"ouvrez-le dans Excel ou LibreOffice et enregistrez-le au format {kind}"
    if isinstance(error, OSError) and error.errno:
        return f"fichier illisible ({os_reason(error)})"
    if isinstance(error, UnicodeDecodeError):
        return (
            "le texte n'est ni en UTF-8 ni en Windows-1252 (octet "
            f"0x{error.object[error.start]:02x} illisible) : enregistrez-le en « CSV UTF-8 »"
        )
    if isinstance(error, csv.Error):
        return f"CSV mal formé ({error}) : {save}"
    if isinstance(error, zipfile.BadZipFile) or "zip" in str(error).lower():
        return (
            f"ce n'est pas un fichier {kind} (son contenu n'est pas celui d'un classeur) : {save}"
        )
    return f"ce n'est pas un classeur {kind} lisible (un autre document renommé ?) : {save}"


CSV_LIMIT = 64 * 1024 * 1024  # a registrations export is some hundred kilobytes


def _csv(file: Path, sheet: str | None) -> tuple[str, list[list[Any]]]:
    size = file.stat().st_size
    if size > CSV_LIMIT:
        raise DossierError(
            f"{display_path(file)} : ce fichier CSV fait {size // (1024 * 1024)} Mo (plus de "
            f"{CSV_LIMIT // (1024 * 1024)} Mo) : ce n'est pas un export d'inscriptions, il n'est "
            "pas lu"
        )
    raw = file.read_bytes()
    if raw.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        text = raw.decode("utf-32")
    elif raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = raw.decode("utf-16")  # Excel's « Texte Unicode » export: tabs, UTF-16 with BOM
    elif b"\x00\x00" in raw[:200] or raw[:200].count(b"\x00") > len(raw[:200]) // 4:
        raise DossierError(
            f"{display_path(file)} : le texte semble en UTF-16 sans BOM, que dossier ne lit "
            "pas : enregistrez-le en « CSV UTF-8 »"
        )
    else:
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

    # the values Excel computed last, with the cells' kinds (an error) and the merged ranges
    workbook = load_workbook(file, data_only=True)
    try:
        name = _choose(file, workbook.sheetnames, sheet)
        worksheet = workbook[name]
        last = _last_row(file, worksheet)
        rows = [
            [Fault(str(cell.value)) if cell.data_type == "e" else cell.value for cell in row]
            for row in worksheet.iter_rows(max_row=last)
        ]
        merged = [
            (r.min_row - 1, r.min_col - 1, r.max_row - 1, r.max_col - 1)
            for r in worksheet.merged_cells.ranges
        ]
    finally:
        workbook.close()
    # the formulas: one that a program wrote, never computed, has no value to give
    formulas = load_workbook(file, read_only=True, data_only=False)
    try:
        for number, row in enumerate(formulas[name].iter_rows(max_row=last)):
            for column, cell in enumerate(row):
                if getattr(cell, "data_type", None) != "f":
                    continue
                inside = number < len(rows) and column < len(rows[number])
                if inside and rows[number][column] is None:
                    rows[number][column] = Fault(str(cell.value), formula=True)
    finally:
        formulas.close()
    return name, _fill_merged(rows, merged)


MAX_ROWS = 20_000  # a registrations export: some hundreds of rows
MAX_COLUMNS = 200


def _last_row(file: Path, worksheet: Any) -> int:
    """Return the last row that holds something; refuse a sheet past the bounds of an export.

    A sheet says its size by its farthest cell: one cell at A1048576 would have a reader walk
    a million empty rows.
    """
    filled = [
        (row, column) for (row, column), cell in worksheet._cells.items() if cell.value is not None
    ]
    last = max((row for row, _ in filled), default=0)
    widest = max((column for _, column in filled), default=0)
    if last > MAX_ROWS or widest > MAX_COLUMNS:
        row, column = max(filled, key=lambda place: (place[0] > MAX_ROWS, place))
        raise DossierError(
            f"{display_path(file)}:{column_name(column - 1)}{row} : cette cellule est remplie, "
            f"loin de toutes les autres : dossier import lit {MAX_ROWS} lignes et {MAX_COLUMNS} "
            "colonnes au plus ; videz-la, ou supprimez les lignes et colonnes en trop"
        )
    return max(last, 1)


def _ods(file: Path, sheet: str | None) -> tuple[str, list[list[Any]]]:
    from python_calamine import CalamineWorkbook

    workbook = CalamineWorkbook.from_path(str(file))
    name = _choose(file, workbook.sheet_names, sheet)
    table = workbook.get_sheet_by_name(name)
    if table.height > MAX_ROWS or table.width > MAX_COLUMNS:
        raise DossierError(
            f"{display_path(file)} : la feuille « {name} » a {table.height} lignes et "
            f"{table.width} colonnes : dossier import lit {MAX_ROWS} lignes et {MAX_COLUMNS} "
            "colonnes au plus ; supprimez les lignes et colonnes en trop"
        )
    start_row, start_column = table.start or (0, 0)
    rows: list[list[Any]] = [[] for _ in range(start_row)]
    rows += [[None] * start_column + list(row) for row in table.to_python(skip_empty_area=False)]
    # calamine gives neither the merged ranges of an ODS nor its formulas: content.xml has them
    merged, formulas = _ods_spans(file, name)
    for number, column, formula in formulas:
        if number < len(rows) and column < len(rows[number]) and rows[number][column] in ("", None):
            rows[number][column] = Fault(formula, formula=True)
    return name, _fill_merged(rows, merged)


_ODS = {
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
}


_VALUES = ("value", "date-value", "time-value", "boolean-value", "string-value")


def _ods_spans(
    file: Path, sheet: str
) -> tuple[list[tuple[int, int, int, int]], list[tuple[int, int, str]]]:
    """Return an ODS sheet's merged ranges and its formulas that hold no value, by position."""
    table_ns, office_ns = f"{{{_ODS['table']}}}", f"{{{_ODS['office']}}}"
    with zipfile.ZipFile(file) as archive:
        root = ET.fromstring(archive.read("content.xml"))
    merged: list[tuple[int, int, int, int]] = []
    formulas: list[tuple[int, int, str]] = []
    for table in root.iter(f"{table_ns}table"):
        if table.get(f"{table_ns}name") != sheet:
            continue
        number = 0
        for row in _ods_rows(table, table_ns):
            repeated = int(row.get(f"{table_ns}number-rows-repeated") or 1)
            column = 0
            for cell in row:
                count = int(cell.get(f"{table_ns}number-columns-repeated") or 1)
                rows_spanned = int(cell.get(f"{table_ns}number-rows-spanned") or 1)
                columns_spanned = int(cell.get(f"{table_ns}number-columns-spanned") or 1)
                if rows_spanned > 1 or columns_spanned > 1:
                    merged.append(
                        (number, column, number + rows_spanned - 1, column + columns_spanned - 1)
                    )
                formula = cell.get(f"{table_ns}formula")
                valued = any(cell.get(f"{office_ns}{key}") for key in _VALUES) or "".join(
                    cell.itertext()
                )
                if formula and not valued and repeated == 1:
                    formulas.append((number, column, formula.removeprefix("of:")))
                column += count
            number += repeated
            if number > 1_000_000:  # the empty rows a sheet repeats to its end
                break
    return merged, formulas


def _ods_rows(element: ET.Element, table_ns: str) -> Iterator[ET.Element]:
    for child in element:
        if child.tag == f"{table_ns}table-row":
            yield child
        elif child.tag in (f"{table_ns}table-header-rows", f"{table_ns}table-row-group"):
            yield from _ods_rows(child, table_ns)


def _fill_merged(rows: list[list[Any]], merged: list[tuple[int, int, int, int]]) -> list[list[Any]]:
    """Give each cell of a merged range the value of its top-left cell, as a reader sees it."""
    for top, left, bottom, right in merged:
        if top >= len(rows) or left >= len(rows[top]):
            continue
        value = rows[top][left]
        for number in range(top, min(bottom, len(rows) - 1) + 1):
            row = rows[number]
            for column in range(left, right + 1):
                if (number, column) == (top, left):
                    continue
                row.extend([None] * (column + 1 - len(row)))
                row[column] = value
    return rows


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
    columns, unknown, personal = _columns(headers, mapping, f"{prefix}", header_index + 1)
    if "title" not in columns.values() and "description" not in columns.values():
        raise DossierError(
            f"{prefix}{header_index + 1}: aucune colonne « titre » ni « description » parmi "
            f"{', '.join(str(h) for h in headers if _filled(h))} : nommez les colonnes comme un "
            "formulaire d'inscription (titre, organisateur, date, heure de début…), ou donnez "
            "un fichier de correspondance (--mapping)\n"
            "Fichier de correspondance proposé, à enregistrer, à vérifier puis à donner par "
            "--mapping :\n" + "\n".join(column_lines(unknown))
        )
    rows = []
    faults = []
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
        for c, field in columns.items():
            fault = _fault(cells[field].value)
            if fault is not None:
                faults.append(f"{cells[field].where}: {headers[c]}: {fault.message()}")
        rows.append(Row(index + 1, f"{prefix}{index + 1}", cells))
    if faults:
        raise DossierError("\n".join(faults))
    found = {field: str(headers[c]) for c, field in columns.items()}
    return Sheet(file, sheet, found, rows, unknown, personal)


def column_lines(unknown: list[tuple[str, str]]) -> list[str]:
    """Write a mapping file's lines for columns no field took: the closest field, to check."""
    if not unknown:
        return []
    lines = ["# en-tête: champ ; champs : " + ", ".join(FRENCH.values()) + f", ou {IGNORED}"]
    for header, cell in unknown:
        guess = _closest_field(header)
        column = cell.rsplit(":", 1)[-1]
        lines.append(
            f"{yaml_key(header)}: {guess or IGNORED}"
            + (f"  # {column} : à vérifier" if guess else f"  # {column} : ou un champ")
        )
    return lines


def yaml_key(value: str) -> str:
    """Write a value as a YAML key: quoted when it holds what YAML would read otherwise."""
    if re.search(r"^[-?:,\[\]{}#&*!|>'\"%@`\s]|: |:$| #|[\[\]{},]|\s$", value):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return value


def _closest_field(header: str) -> str | None:
    """Return the French name of the field a header most likely holds, or None."""
    name = normalise(header)
    words = set(name.split())
    best, score = None, 0.0
    for found, names in HEADERS.items():
        for known in names:
            ratio = difflib.SequenceMatcher(None, name, known).ratio()
            if set(known.split()) <= words:  # « intitule » in « intitule de l action »
                ratio = max(ratio, 0.75 + 0.01 * len(known))
            if ratio > score:
                best, score = found, ratio
    return FRENCH[best] if best is not None and score >= 0.7 else None


def _filled(value: Any) -> bool:
    if isinstance(value, Fault):
        return True
    return value is not None and not (isinstance(value, str) and not value.strip())


def _columns(
    headers: list[Any], mapping: Mapping[str, str], prefix: str = "", line: int = 1
) -> tuple[dict[int, str], list[tuple[str, str]], list[tuple[str, str]]]:
    """Return column index → field, from the mapping file first, then the known headers.

    Two columns for one field are refused, each named by its cell; a column for no field is
    named in a warning (or left out silently, when the mapping file says « ignorer »), one of
    the person who filled the form (e-mail, phone, time stamp) left out and returned apart.
    Returns the columns, the unknown ones and the personal ones (header, cell).
    """
    wanted = {normalise(header): field for header, field in mapping.items()}
    for field, names in HEADERS.items():
        for name in names:
            wanted.setdefault(name, field)
    columns: dict[int, str] = {}
    unknown: list[tuple[str, str]] = []
    personal: list[tuple[str, str]] = []
    problems = []
    for index, header in enumerate(headers):
        if not _filled(header):
            continue
        where = f"{prefix}{column_name(index)}{line}"
        found = wanted.get(normalise(header))
        if found == IGNORED:
            continue
        if found is None and is_personal(str(header)):
            personal.append((str(header), where))
            continue
        if found is None:
            unknown.append((str(header), where))
            log.warning(
                "%s: warning: colonne « %s » ignorée : elle ne correspond à aucun champ d'un "
                "événement ; dossier import --dry-run propose le fichier de correspondance "
                "(--mapping) qui la nomme « %s: %s » ou « %s: %s »",
                where,
                header,
                header,
                _closest_field(str(header)) or FRENCH["notes"],
                header,
                IGNORED,
            )
            continue
        first = next((i for i, f in columns.items() if f == found), None)
        if first is not None:
            same = normalise(header) == normalise(headers[first])
            problems.append(
                f"{where}: colonne « {header} » "
                + ("en double" if same else f"pour le même champ que « {headers[first]} »")
                + f", déjà en {column_name(first)}{line} : renommez ou retirez l'une "
                "des deux (ou dites laquelle ignorer dans --mapping)"
            )
            continue
        columns[index] = found
    if problems:
        raise DossierError("\n".join(problems))
    return columns, unknown, personal


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
    # a date and a time in one cell (a Forms timestamp, « 03/11/2021 14:05:33 »): the date
    text = re.sub(r"^(\S+)[ T]\d{1,2}[:h]\d{2}(?::\d{2}(?:\.\d+)?)?$", r"\1", text)
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
    serial = isinstance(value, float) and 1000 < value < 100000 and not value.is_integer()
    if (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and (0 <= value < 1 or serial)
    ):
        # a fraction of a day; a date and a time (an Excel serial number): its fraction. A
        # whole number (« 9 ») is no time: refused below, never read as midnight
        minutes = round((float(value) % 1) * 24 * 60)
        return dt.time(minutes // 60 % 24, minutes % 60)
    text = str(value).strip()
    # « 09:30:00 », as a French Excel writes a time in CSV; a date before it (a timestamp)
    match = re.fullmatch(r"(?:\S+[ T])?(\d{1,2}):(\d{2}):(\d{2})(?:\.\d+)?", text)
    if match:
        hour, minute = int(match.group(1)), int(match.group(2))
        return dt.time(hour, minute) if hour < 24 and minute < 60 else None
    match = re.fullmatch(r"\S+[ T](\d{1,2}[:h]\d{2})", text)  # « 03/11/2021 14:05 »
    if match:
        text = match.group(1)
    read = read_hours(text)
    if read is None or read[1] is not None:
        return None
    return read[0]
