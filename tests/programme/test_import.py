"""dossier import: the 2021 calendars back from a spreadsheet, bad rows located, re-imports."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from dossier.build import build
from dossier.cli import main
from dossier.errors import DossierError
from dossier.load import load_edition
from dossier.model import Calendar
from dossier.sheets import import_programme
from dossier.source import SetValue, write_edits
from dossier.view import prepare
from tests.conftest import EDITION_2021, SMALL_EDITION
from tests.programme.export import HEADERS, rows, write_csv, write_xlsx
from tests.render.test_pdf import body_text


def emptied(edition_copy, source: Path = EDITION_2021) -> Path:
    """A copy of an edition with every calendar emptied."""
    folder = edition_copy(source)
    model = load_edition(folder)
    calendars = [i for i, s in enumerate(model.sections) if isinstance(s, Calendar)]
    write_edits(
        folder / "edition.yaml",
        [SetValue(("sections", i, "events"), []) for i in calendars],
        load_edition,
    )
    return folder


def events(folder: Path) -> list[list[str]]:
    """Each calendar's events as sorted JSON texts: the same events, whatever their order.

    outside_period is no column of a registrations file: the press officer writes it by hand.
    """
    model = load_edition(folder)
    return [
        sorted(e.model_dump_json(exclude={"outside_period"}) for e in s.events)
        for s in model.sections
        if isinstance(s, Calendar)
    ]


def squash(text: str) -> str:
    return re.sub(r"[\W_]+", "", text).lower()


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_the_2021_calendars_come_back_from_a_spreadsheet(kind, edition_copy, tmp_path) -> None:
    folder = emptied(edition_copy)
    if kind == "xlsx":  # dates and times as cells, calendars named by their short heading
        file = write_xlsx(tmp_path / "inscriptions.xlsx", rows(EDITION_2021, typed=True))
    else:  # Windows-1252, « ; », dates 03/11/2021, times 9h30, calendars by their id
        file = write_csv(tmp_path / "inscriptions.csv", rows(EDITION_2021, False, "anchor"))
    done = import_programme(file, folder)
    assert (len(done.added), done.conflicts) == (61, [])
    assert events(folder) == events(EDITION_2021)
    for section in load_edition(folder).sections:  # sorted by day, then hour, in each calendar
        if isinstance(section, Calendar):
            keys = [(e.days[0], e.start or dt.time(0)) for e in section.events]
            assert keys == sorted(keys)


def test_the_rebuilt_pdf_holds_every_event_of_2021(edition_copy, tmp_path) -> None:
    folder = emptied(edition_copy)
    import_programme(write_xlsx(tmp_path / "i.xlsx", rows(EDITION_2021, True)), folder)
    (pdf,) = build(folder, ("pdf",), tmp_path / "out")
    text = squash(body_text(pdf.path))  # a long event may run onto the next page
    view = prepare(load_edition(EDITION_2021), EDITION_2021)
    lines = [
        line.plain
        for section in view.sections
        if section.kind == "calendar"
        for event in section.events
        for line in event.lines()
    ]
    assert len(lines) > 250
    assert [line for line in lines if squash(line) not in text] == []


def test_importing_the_same_file_again_changes_nothing(edition_copy, tmp_path) -> None:
    folder = emptied(edition_copy)
    file = write_xlsx(tmp_path / "i.xlsx", rows(EDITION_2021, True))
    import_programme(file, folder)
    before = (folder / "edition.yaml").read_bytes()
    again = import_programme(file, folder)
    assert (again.added, again.updated, again.unchanged, again.written) == ([], [], 61, False)
    assert (folder / "edition.yaml").read_bytes() == before


def test_five_bad_rows_give_five_located_errors_and_nothing_is_written(
    edition_copy, tmp_path
) -> None:
    folder = emptied(edition_copy)
    table = rows(EDITION_2021, True)
    table[0][2] = "31/02/2021"  # C2: a day that does not exist
    table[3][4] = "vers midi"  # E5: not an hour
    table[6][9] = "Les événements des entreprises"  # J8: no such calendar
    table[10][5] = dt.time(8, 0)  # F12: ends before it starts
    table[20][7] = "javascript:alert(1)"  # H22: not a link a reader should follow
    file = write_xlsx(tmp_path / "bad.xlsx", table)
    before = (folder / "edition.yaml").read_bytes()
    with pytest.raises(DossierError) as caught:
        import_programme(file, folder)
    lines = str(caught.value).splitlines()[:5]  # then the mapping file to complete
    assert len(lines) == 5
    assert [line.split(": ")[0].rsplit(":", 1)[1] for line in lines] == [
        "C2",
        "E5",
        "J8",
        "F12",
        "H22",
    ]
    assert all(line.startswith(f"{file}:Feuil1:") for line in lines)
    assert "ne nomme aucun calendrier ; les plus proches : « " in lines[2]
    assert lines[0].endswith(
        ": Date: « 31/02/2021 » n'est pas une date (écrivez 03/11/2021 ou 3 novembre 2021)"
    )
    assert (folder / "edition.yaml").read_bytes() == before


def test_an_updated_export_adds_updates_and_reports(edition_copy, tmp_path) -> None:
    folder = emptied(edition_copy)
    table = rows(EDITION_2021, True)
    import_programme(write_xlsx(tmp_path / "v1.xlsx", table), folder)
    # a person edits one event by hand
    file = folder / "edition.yaml"
    file.write_text(
        file.read_text(encoding="utf-8").replace(
            "title: Design et école", "title: Design à l'école"
        ),
        encoding="utf-8",
    )
    updated = [list(row) for row in table]
    updated[1][0] = "Des jeux sérieux pour la réflexion"  # changed by its organiser
    changed_by_hand = next(i for i, row in enumerate(updated) if row[0] == "Design et école")
    updated[changed_by_hand][6] = "Une nouvelle description."
    withdrawn = updated.pop(8)
    updated.append(
        [
            "Un atelier de plus",
            "DITP",
            dt.date(2021, 11, 30),
            None,
            dt.time(10),
            None,
            "Nouveau.",
            "https://example.org/nouveau",
            "",
            table[0][9],
        ]
    )
    done = import_programme(write_xlsx(tmp_path / "v2.xlsx", updated), folder)
    assert done.added == ["Un atelier de plus"]
    assert done.updated == ["Des jeux sérieux pour la réflexion"]
    (conflict,) = done.conflicts
    assert "Design et école" in conflict
    (gone,) = done.withdrawn
    assert withdrawn[0][:20] in gone
    titles = [e.title for e in load_edition(folder).sections[9].events]  # type: ignore[union-attr]
    assert "Design à l'école" in titles  # the hand edit stays
    assert titles[-1] == "Un atelier de plus"
    assert withdrawn[0] in titles  # reported, never deleted


def test_what_a_person_adds_beside_a_rows_fields_is_no_conflict(edition_copy, tmp_path) -> None:
    # speakers and outside_period are no columns of the export: written by hand beside an
    # imported event, they neither block its next update nor are removed by it
    folder = emptied(edition_copy)
    table = rows(EDITION_2021, True)
    import_programme(write_xlsx(tmp_path / "v1.xlsx", table), folder)
    file = folder / "edition.yaml"
    text = file.read_text(encoding="utf-8")
    start = text.index("      - title: Design et école\n")
    end = text.index("\n", text.index("        date: ", start)) + 1
    file.write_text(
        text[:end]
        + "        outside_period: oui\n        speakers:\n          - name: Nadia Payet\n"
        + text[end:],
        encoding="utf-8",
    )
    updated = [list(row) for row in table]
    row = next(i for i, r in enumerate(updated) if r[0] == "Design et école")
    updated[row][6] = "Une nouvelle description."
    again = import_programme(write_xlsx(tmp_path / "v1.xlsx", table), folder)
    assert (again.updated, again.conflicts, again.written) == ([], [], False)
    done = import_programme(write_xlsx(tmp_path / "v2.xlsx", updated), folder)
    assert (done.updated, done.conflicts) == (["Design et école"], [])
    (event,) = [
        e
        for s in load_edition(folder).sections
        if isinstance(s, Calendar)
        for e in s.events
        if e.title == "Design et école"
    ]
    assert event.outside_period
    assert [p.name for p in event.speakers] == ["Nadia Payet"]
    assert "Une nouvelle description." in file.read_text(encoding="utf-8")


def test_ods_headers_matched_leniently_and_a_mapping_file(edition_copy, tmp_path) -> None:
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    folder = emptied(edition_copy, SMALL_EDITION)
    document = OpenDocumentSpreadsheet()
    table = Table(name="Inscriptions")
    values = [
        ["  TITRE ", "Organisateurs", "Jour", "heure de debut", "Heure de fin", "Résumé", "Qui"],
        [
            "Atelier ouvert",
            "DINUM; Etalab",
            "27/02/2024",
            "9 h 30",
            "12:00",
            "Venez.",
            "Le programme",
        ],
        ["Conférence", "Etalab", "28 février 2024", "18h", "", "Une soirée.", "le-programme"],
    ]
    for line in values:
        row = TableRow()
        for value in line:
            cell = TableCell(valuetype="string")
            cell.addElement(P(text=value))
            row.addElement(cell)
        table.addElement(row)
    document.spreadsheet.addElement(table)
    file = tmp_path / "inscriptions.ods"
    document.save(str(file))
    mapping = tmp_path / "colonnes.yaml"
    mapping.write_text("Qui: catégorie\nRésumé: description\n", encoding="utf-8")
    done = import_programme(file, folder, mapping=mapping)
    assert done.added == ["Atelier ouvert", "Conférence"]
    calendar = load_edition(folder).sections[1]
    first, second = calendar.events  # type: ignore[union-attr]
    assert (first.organisers, first.start, first.end) == (
        ["DINUM", "Etalab"],
        dt.time(9, 30),
        dt.time(12),
    )
    assert (second.date, second.start) == (dt.date(2024, 2, 28), dt.time(18))


def test_excel_numbers_and_french_words_are_read_right(edition_copy, tmp_path) -> None:
    folder = emptied(edition_copy, SMALL_EDITION)
    table = [
        ["Serial", "DINUM", 45349, None, 0.395833333, 0.5, "Un.", "", "", "Le programme"],
        ["Texte", "DINUM", "3 mars 2024", None, "9h30", "11 h", "Deux.", "", "", "Le programme"],
    ]
    import_programme(write_xlsx(tmp_path / "n.xlsx", table), folder)
    one, two = load_edition(folder).sections[1].events  # type: ignore[union-attr]
    assert (one.date, one.start, one.end) == (dt.date(2024, 2, 27), dt.time(9, 30), dt.time(12))
    assert (two.date, two.start, two.end) == (dt.date(2024, 3, 3), dt.time(9, 30), dt.time(11))


def test_dry_run_says_what_and_writes_nothing(edition_copy, tmp_path, capsys) -> None:
    folder = emptied(edition_copy)
    file = write_csv(tmp_path / "i.csv", rows(EDITION_2021, False, "anchor"))
    before = (folder / "edition.yaml").read_bytes()
    assert main(["import", str(file), "--into", str(folder), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "61 événement(s) seraient ajouté(s)" in out
    assert "Rien n'est écrit" in out
    assert (folder / "edition.yaml").read_bytes() == before
    assert not (folder / ".dossier-import.json").exists()


def test_headers_without_a_title_column_are_refused(edition_copy, tmp_path) -> None:
    folder = emptied(edition_copy, SMALL_EDITION)
    file = tmp_path / "x.csv"
    file.write_text("Nom;Quand\nA;B\n", encoding="utf-8")
    with pytest.raises(DossierError, match="aucune colonne « titre »"):
        import_programme(file, folder)
    assert HEADERS[0] == "Titre"


def test_a_place_and_an_online_link_come_in_from_their_columns(edition_copy, tmp_path) -> None:
    """« Lieu » and « Lien de connexion », as a form names them: the event's place and online."""
    folder = emptied(edition_copy, SMALL_EDITION)
    model = load_edition(folder)
    file = tmp_path / "inscriptions.csv"
    file.write_text(
        "Titre;Date;Heure de début;Lieu;Lien de connexion;Catégorie\n"
        f"Atelier données;{model.period.start:%d/%m/%Y};09:30;Salle Colbert;;le-programme\n"
        f"Webinaire;{model.period.start:%d/%m/%Y};14h;;https://webikeo.fr/w/1;le-programme\n",
        encoding="utf-8",
    )
    import_programme(file, folder)
    imported = {
        e.title: e
        for s in load_edition(folder).sections
        if isinstance(s, Calendar)
        for e in s.events
    }
    assert imported["Atelier données"].place == "Salle Colbert"
    assert imported["Atelier données"].online is None
    assert imported["Webinaire"].online == "https://webikeo.fr/w/1"
    assert imported["Webinaire"].place is None


@pytest.mark.parametrize(
    ("date", "start", "day", "hour"),
    [
        ("27/02/2024", "09:30:00", dt.date(2024, 2, 27), dt.time(9, 30)),  # French Excel, CSV
        ("27/02/24", "9:30", dt.date(2024, 2, 27), dt.time(9, 30)),
        ("27/02/2024", "9h", dt.date(2024, 2, 27), dt.time(9, 0)),
        ("27/02/2024", "14h", dt.date(2024, 2, 27), dt.time(14, 0)),
        ("27/02/2024 14:05:33", "27/02/2024 14:05:33", dt.date(2024, 2, 27), dt.time(14, 5)),
        ("2024-02-27", "14:05", dt.date(2024, 2, 27), dt.time(14, 5)),
    ],
)
def test_dates_and_times_as_spreadsheets_write_them(
    edition_copy, tmp_path, date, start, day, hour
) -> None:
    folder = edition_copy(SMALL_EDITION)
    file = tmp_path / "inscriptions.csv"
    text = f"Titre;Date;Heure de début;Catégorie\r\nAtelier;{date};{start};Le programme\r\n"
    file.write_bytes(text.encode("cp1252"))
    import_programme(file, folder)
    (event,) = [
        e
        for s in load_edition(folder).sections
        if isinstance(s, Calendar)
        for e in s.events
        if e.title == "Atelier"
    ]
    assert (event.date, event.start) == (day, hour)


def test_a_whole_number_is_no_time(edition_copy, tmp_path) -> None:
    folder = edition_copy(SMALL_EDITION)
    file = write_xlsx(
        tmp_path / "i.xlsx",
        [
            ["Titre", "Date", "Heure de début", "Catégorie"],
            ["Atelier", "27/02/2024", 9, "Le programme"],
        ],
    )
    with pytest.raises(DossierError, match="C2"):
        import_programme(file, folder)


def test_category_values_are_said_once_and_mapped_by_the_mapping_file(
    edition_copy, tmp_path
) -> None:
    """The organisers' « Type de structure » is no calendar's name: one message per distinct
    value, with its rows and the closest calendars; the mapping file maps the values."""
    folder = edition_copy(SMALL_EDITION)
    file = tmp_path / "inscriptions.csv"
    lines = ["Titre;Date;Type de structure"]
    kinds = ["Collectivité territoriale", "Association", "collectivite territoriale"] * 2
    lines += [f"Atelier {n};27/02/2024;{kind}" for n, kind in enumerate(kinds)]
    file.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(DossierError) as caught:
        import_programme(file, folder)
    lines = str(caught.value).splitlines()
    said, block = lines[:2], lines[2:]  # each value once (accents aside), then the mapping
    assert block[1:] == [
        "catégories:  # valeur de la catégorie: identifiant du calendrier",
        "  Collectivité territoriale: le-programme",
        "  Association: le-programme",
    ]
    assert (
        "« Collectivité territoriale » (ligne(s) 2, 4, 5, 7) ne nomme aucun calendrier" in said[0]
    )
    assert "« Association » (ligne(s) 3, 6)" in said[1]
    assert all("« catégories: » puis" in line for line in said)
    assert all(len(line) < 400 for line in said)
    mapping = tmp_path / "colonnes.yaml"
    mapping.write_text(
        "Type de structure: catégorie\n"
        "catégories:\n"
        "  Collectivité territoriale: le-programme\n"
        "  Association: le-programme\n",
        encoding="utf-8",
    )
    done = import_programme(file, folder, mapping=mapping)
    assert len(done.added) == 6


def test_a_category_never_matches_by_a_part_of_a_name(edition_copy, tmp_path) -> None:
    """« programme » is a part of « Le programme »: not the calendar's whole name."""
    folder = edition_copy(SMALL_EDITION)
    file = tmp_path / "inscriptions.csv"
    file.write_text("Titre;Date;Catégorie\nAtelier;27/02/2024;programme\n", encoding="utf-8")
    with pytest.raises(DossierError, match=r"« programme » .* ne nomme aucun calendrier"):
        import_programme(file, folder)
