"""dossier import against hostile spreadsheets, through the real command.

Nothing the file holds is dropped without a word: a column for no field is named in a
warning, two columns for one field are refused, a merged cell gives its value to each cell it
covers, an error or a formula never computed is refused at its cell. What dossier check would
refuse is refused before anything is written, at its cell. A damaged or foreign file is said
in French.
"""

from __future__ import annotations

import codecs
import datetime as dt
import os
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest

from dossier.cli import main
from dossier.load import load_edition
from tests.conftest import SMALL_EDITION
from tests.programme.test_import import emptied

HEADER = "Titre;Organisateur;Date;Heure de début;Description;Catégorie"
ROW = "Atelier;DINUM;27/02/2024;10h;Un atelier.;Le programme"
ENGLISH = re.compile(r"[A-Z][a-z]+(Error|Exception)|BadZip|No such|not a zip|codec", re.I)


@pytest.fixture
def edition(edition_copy) -> Path:
    return emptied(edition_copy, SMALL_EDITION)


def csv_file(folder: Path, *lines: str, encoding: str = "utf-8") -> Path:
    file = folder / "inscriptions.csv"
    file.write_bytes(("\n".join(lines) + "\n").encode(encoding))
    return file


def xlsx_file(folder: Path, rows: list[list], merge: tuple[str, ...] = (), errors=()) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Feuil1"
    for row in rows:
        sheet.append(row)
    for cells in merge:
        sheet.merge_cells(cells)
    for cell in errors:
        sheet[cell].data_type = "e"
    file = folder / "inscriptions.xlsx"
    workbook.save(file)
    return file


def ods_file(folder: Path, rows: list[list], spans: dict[tuple[int, int], int] | None = None):
    """An ODS: rows of strings; spans: (row, column) → rows the cell spans (the ones below are
    covered); a value "=…" is a formula written without its value."""
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import CoveredTableCell, Table, TableCell, TableRow
    from odf.text import P

    document = OpenDocumentSpreadsheet()
    table = Table(name="Inscriptions")
    covered = set()
    for (r, c), count in (spans or {}).items():
        covered |= {(r + i, c) for i in range(1, count)}
    for r, values in enumerate(rows):
        row = TableRow()
        for c, value in enumerate(values):
            if (r, c) in covered:
                row.addElement(CoveredTableCell())
                continue
            if value.startswith("="):
                row.addElement(TableCell(formula=f"of:{value}"))
                continue
            span = (spans or {}).get((r, c))
            cell = TableCell(valuetype="string", **({"numberrowsspanned": span} if span else {}))
            cell.addElement(P(text=value))
            row.addElement(cell)
        table.addElement(row)
    document.spreadsheet.addElement(table)
    file = folder / "inscriptions.ods"
    document.save(str(file))
    return file


def imported(edition: Path):
    return load_edition(edition).sections[1].events  # type: ignore[union-attr]


def refused(file: Path, edition: Path, capsys, *expected: str) -> str:
    state = edition / ".dossier-import.json"
    before = [(p.read_bytes() if p.exists() else None) for p in (edition / "edition.yaml", state)]
    assert main(["import", str(file), "--into", str(edition)]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err
    for text in expected:
        assert text in err, err
    assert not ENGLISH.search(err), err
    after = [(p.read_bytes() if p.exists() else None) for p in (edition / "edition.yaml", state)]
    assert after == before  # neither the edition nor what the last import wrote
    return err


# --- F11: columns --------------------------------------------------------------------------


def test_each_unknown_column_is_named_in_a_warning(edition, tmp_path, capsys) -> None:
    file = csv_file(
        tmp_path,
        "Titre;Date;Tarif;Public;Catégorie;",
        "Atelier;27/02/2024;Gratuit;Tous;Le programme;",
    )
    assert main(["import", str(file), "--into", str(edition)]) == 0
    err = capsys.readouterr().err
    warnings = [line for line in err.splitlines() if "warning:" in line]
    assert len(warnings) == 2, err
    assert warnings[0].startswith(f"{file}:C1: warning: colonne « Tarif » ignorée : ")
    assert warnings[1].startswith(f"{file}:D1: warning: colonne « Public » ignorée : ")
    assert "--mapping" in warnings[0]
    assert [e.title for e in imported(edition)] == ["Atelier"]


def test_a_column_the_mapping_file_ignores_is_not_warned_of(edition, tmp_path, capsys) -> None:
    file = csv_file(tmp_path, "Titre;Date;Tarif;Catégorie", "Atelier;27/02/2024;5 €;Le programme")
    mapping = tmp_path / "colonnes.yaml"
    mapping.write_text("Tarif: ignorer\n", encoding="utf-8")
    assert main(["import", str(file), "--into", str(edition), "--mapping", str(mapping)]) == 0
    assert "warning" not in capsys.readouterr().err


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (
            "Titre;Date;Date;Catégorie",
            "inscriptions.csv:C1: colonne « Date » en double, déjà en B1",
        ),
        ("Titre;Date;DATE ;Catégorie", "inscriptions.csv:C1: colonne « DATE  » en double"),
        (
            "Titre;Date;Jour;Catégorie",
            "inscriptions.csv:C1: colonne « Jour » pour le même champ que « Date », déjà en B1",
        ),
        ("Titre;Catégorie;Date;Type", "inscriptions.csv:D1: colonne « Type » pour le même champ"),
    ],
)
def test_two_columns_for_one_field_are_refused(header, expected, edition, tmp_path, capsys) -> None:
    file = csv_file(tmp_path, header, "Atelier;27/02/2024;28/02/2024;Le programme")
    refused(file, edition, capsys, expected)


# --- F11: cells ----------------------------------------------------------------------------

XLSX_HEADER = ["Titre", "Organisateur", "Date", "Description", "Catégorie"]


def test_a_merged_cell_gives_its_value_to_each_row(edition, tmp_path, capsys) -> None:
    rows = [
        XLSX_HEADER,
        ["Un", "DINUM", dt.date(2024, 2, 26), "Premier.", "Le programme"],
        ["Deux", None, dt.date(2024, 2, 27), "Deuxième.", None],
        ["Trois", None, dt.date(2024, 2, 28), "Troisième.", None],
    ]
    file = xlsx_file(tmp_path, rows, merge=("B2:B4", "E2:E4"))
    assert main(["import", str(file), "--into", str(edition)]) == 0, capsys.readouterr().err
    assert [e.organisers for e in imported(edition)] == [["DINUM"]] * 3


def test_a_merged_range_across_columns(edition, tmp_path, capsys) -> None:
    rows = [
        ["Titre", "Description", "Date", "Catégorie"],
        ["Atelier", None, dt.date(2024, 2, 26), "Le programme"],
    ]
    file = xlsx_file(tmp_path, rows, merge=("A2:B2",))  # the title spans its description too
    assert main(["import", str(file), "--into", str(edition)]) == 0, capsys.readouterr().err
    (event,) = imported(edition)
    assert (event.title, [b.paragraph for b in event.description]) == ("Atelier", ["Atelier"])


def test_a_formula_never_computed_is_refused_at_its_cell(edition, tmp_path, capsys) -> None:
    rows = [
        XLSX_HEADER,
        ["Un", "DINUM", dt.date(2024, 2, 26), '=CONCATENATE("a","b")', "Le programme"],
    ]
    refused(
        xlsx_file(tmp_path, rows),
        edition,
        capsys,
        'inscriptions.xlsx:Feuil1:D2: Description: la formule =CONCATENATE("a","b") n\'a pas '
        "de valeur calculée",
    )


@pytest.mark.parametrize("error", ["#N/A", "#REF!", "#DIV/0!", "#VALUE!", "#NAME?"])
def test_an_excel_error_is_refused_at_its_cell(error, edition, tmp_path, capsys) -> None:
    rows = [XLSX_HEADER, [error, "DINUM", dt.date(2024, 2, 26), "Un.", "Le programme"]]
    refused(
        xlsx_file(tmp_path, rows, errors=("A2",)),
        edition,
        capsys,
        f"inscriptions.xlsx:Feuil1:A2: Titre: la cellule affiche l'erreur {error}",
    )


@pytest.mark.parametrize("error", ["#N/A", "#VALEUR!", "#NOM?", "Err:502"])
def test_an_error_exported_as_text_is_refused_at_its_cell(error, edition, tmp_path, capsys) -> None:
    file = csv_file(tmp_path, HEADER, f"Atelier;DINUM;27/02/2024;10h;{error};Le programme")
    refused(
        file,
        edition,
        capsys,
        f"inscriptions.csv:E2: Description: la cellule affiche l'erreur {error}",
    )


def test_an_error_in_an_ignored_column_does_not_matter(edition, tmp_path, capsys) -> None:
    file = csv_file(tmp_path, "Titre;Date;Tarif;Catégorie", "Atelier;27/02/2024;#N/A;Le programme")
    assert main(["import", str(file), "--into", str(edition)]) == 0


def test_ods_merged_cells_formulas_and_errors(edition, tmp_path, capsys) -> None:
    header = ["Titre", "Organisateur", "Date", "Description", "Catégorie"]
    rows = [
        header,
        ["Un", "DINUM", "26/02/2024", "Premier.", "Le programme"],
        ["Deux", "", "27/02/2024", "Deuxième.", "Le programme"],
    ]
    file = ods_file(tmp_path, rows, spans={(1, 1): 2})
    assert main(["import", str(file), "--into", str(edition)]) == 0, capsys.readouterr().err
    assert [e.organisers for e in imported(edition)] == [["DINUM"], ["DINUM"]]
    broken = [header, ["Trois", "=A1", "28/02/2024", "#DIV/0!", "Le programme"]]
    file = ods_file(tmp_path, broken)
    refused(
        file,
        edition,
        capsys,
        "inscriptions.ods:Inscriptions:B2: Organisateur: la formule =A1 n'a pas de valeur",
        "inscriptions.ods:Inscriptions:D2: Description: la cellule affiche l'erreur #DIV/0!",
    )


# --- F9: what dossier check would refuse is refused before writing, at its cell ------------


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        (
            "Atelier 🚀;DINUM;27/02/2024;10h;Un.;Le programme",
            "A3: Titre: le PDF ne peut pas afficher « 🚀 » (U+1F680)",
        ),
        (
            "Atelier;DI\u2028NUM;27/02/2024;10h;Un.;Le programme",
            "B3: Organisateur: le PDF ne peut pas afficher",
        ),
        ("Atelier;DINUM;27/02/2024;10h;数据开放;Le programme", "E3: Description: le PDF ne peut"),
        (
            "Atelier;DINUM;27/02/2024;10h;Puce \uf0b7;Le programme",
            "E3: Description: le PDF ne peut pas afficher « \uf0b7 »",
        ),
    ],
    ids=["emoji-title", "line-separator-organiser", "chinese-description", "private-use"],
)
def test_text_the_pdf_cannot_show_is_refused_at_its_cell(
    row, expected, edition, tmp_path, capsys
) -> None:
    file = csv_file(tmp_path, HEADER, ROW.replace("Atelier", "Autre"), row)
    err = refused(file, edition, capsys, f"inscriptions.csv:{expected}")
    cell = expected.split(":", 1)[0]
    assert all(f"inscriptions.csv:{cell}: " in line for line in err.split("\n") if line), err
    assert main(["import", str(file), "--into", str(edition), "--dry-run"]) == 1
    capsys.readouterr()
    assert main(["check", str(edition)]) == 0


# --- F15, F17: files that are not what they say --------------------------------------------


def _docx(target: Path) -> None:
    with zipfile.ZipFile(target, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")


FILES = [
    ("xlsx-text", "x.xlsx", lambda p: p.write_text("bonjour"), "ce n'est pas un fichier XLSX"),
    (
        "xlsx-zip-of-other",
        "x.xlsx",
        lambda p: zipfile.ZipFile(p, "w").writestr("a.txt", "b"),
        "ce n'est pas un classeur XLSX (Excel) lisible",
    ),
    ("xlsx-docx-renamed", "x.xlsx", _docx, "ce n'est pas un classeur XLSX (Excel) lisible"),
    ("ods-broken", "x.ods", lambda p: p.write_bytes(b"PK\x03\x04garbage"), "ODS"),
    (
        "csv-undecodable",
        "x.csv",
        lambda p: p.write_bytes(HEADER.encode() + b"\nAtelier\x81;DINUM;27/02/2024\n"),
        "le texte n'est ni en UTF-8 ni en Windows-1252 (octet 0x81 illisible) : enregistrez-le "
        "en « CSV UTF-8 »",
    ),
    (
        "csv-utf16-without-bom",
        "x.csv",
        lambda p: p.write_bytes(f"{HEADER}\n{ROW}\n".encode("utf-16-le")),
        "UTF-16 sans BOM",
    ),
    ("csv-folder", "x.csv", lambda p: p.mkdir(), "c'est un dossier, pas un fichier de tableur"),
    ("csv-fifo", "x.csv", lambda p: os.mkfifo(p), "ce n'est pas un fichier ordinaire"),
    ("xlsx-fifo", "x.xlsx", lambda p: os.mkfifo(p), "ce n'est pas un fichier ordinaire"),
    ("csv-missing", "x.csv", lambda p: None, "x.csv : fichier introuvable"),
]


@pytest.mark.parametrize(("name", "file", "make", "expected"), FILES, ids=[c[0] for c in FILES])
def test_a_file_that_is_not_a_spreadsheet_is_said_in_french(
    name, file, make, expected, edition, tmp_path, capsys
) -> None:
    path = tmp_path / file
    make(path)
    err = refused(path, edition, capsys, expected)
    assert err.startswith(str(path)), err


@pytest.mark.parametrize("bom", [codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE])
def test_excels_unicode_text_export_is_read(bom, edition, tmp_path, capsys) -> None:
    codec = "utf-16-le" if bom == codecs.BOM_UTF16_LE else "utf-16-be"
    text = f"{HEADER}\r\n{ROW}\r\n".replace(";", "\t")
    file = tmp_path / "inscriptions.csv"
    file.write_bytes(bom + text.encode(codec))
    assert main(["import", str(file), "--into", str(edition)]) == 0, capsys.readouterr().err
    (event,) = imported(edition)
    assert (event.title, event.organisers, event.start) == ("Atelier", ["DINUM"], dt.time(10))
