"""A Forms-like export, as the organisers send it, from dry run to every event imported.

The press officer's way: `dossier import --dry-run` proposes a mapping file for the columns and
values it could not place; saved as it is, it lets the import say exactly the five faulty
answers, each at its cell; once those are fixed, every answer is an event, and nothing of the
person who filled the form (e-mail, phone, time stamp) is in the edition.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from dossier.cli import main
from dossier.load import load_edition
from dossier.model import Calendar
from tests.conftest import SMALL_EDITION
from tests.layout import libreoffice_export
from tests.programme import forms
from tests.programme.test_import import emptied


def export(kind: str, folder: Path, faulty: bool) -> Path:
    name = "reponses" if faulty else "reponses-corrigees"
    if kind == "csv":
        return forms.write_csv(folder / f"{name}.csv", faulty)
    xlsx = forms.write_xlsx(folder / f"{name}.xlsx", faulty)
    if kind == "xlsx":
        return xlsx
    return libreoffice_export(xlsx, folder / f"ods-{name}", "ods")  # as LibreOffice saves it


def run(argv: list[str], capsys) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("kind", ["xlsx", "csv", "ods"])
def test_a_forms_export_imports_with_the_mapping_its_dry_run_proposed(
    kind, edition_copy, tmp_path, capsys
) -> None:
    folder = emptied(edition_copy)
    before = (folder / "edition.yaml").read_bytes()
    file = export(kind, tmp_path, faulty=True)

    code, _, err = run(["import", str(file), "--into", str(folder), "--dry-run"], capsys)
    assert code == 1  # the kinds of structure name no calendar: said once each, then the file
    proposed = forms.mapping_from(err)
    lines = proposed.splitlines()
    assert "Nom de la structure organisatrice: organisateurs  # D1 : à vérifier" in lines
    assert "Lien d'inscription: lien  # K1 : à vérifier" in lines
    assert "Commentaire: ignorer  # M1 : ou un champ" in lines
    assert not any(p in proposed for p in ("Horodateur", "e-mail", "téléphone"))  # left out
    assert not any(p in proposed for p in ("Intitulé", "Description"))  # known to a form
    values = lines[lines.index(next(x for x in lines if x.startswith("catégories:"))) + 1 :]
    assert sorted(values) == sorted(
        f"  {value}: {calendar}" for value, calendar in forms.KINDS.items()
    )

    mapping = tmp_path / "correspondance.yaml"
    mapping.write_text(proposed, encoding="utf-8")
    code, _, err = run(
        ["import", str(file), "--into", str(folder), "--mapping", str(mapping)], capsys
    )
    assert code == 1
    said = err.strip().splitlines()
    assert len(said) == len(forms.FAULTY), err  # exactly the five faulty answers
    columns = {header: chr(ord("A") + i) for i, header in enumerate(forms.HEADERS)}
    for line, (row, (column, _, _)) in zip(said, sorted(forms.FAULTY.items()), strict=True):
        assert f":{columns[column]}{row}: {column}: " in line, line
    assert (folder / "edition.yaml").read_bytes() == before  # nothing half-written

    fixed = export(kind, tmp_path, faulty=False)
    code, out, err = run(
        ["import", str(fixed), "--into", str(folder), "--mapping", str(mapping)], capsys
    )
    assert (code, err) == (0, ""), err
    assert "40 événement(s) sont ajouté(s)" in out
    assert (
        "Colonnes laissées de côté, données de la personne qui a rempli le formulaire : "
        "Horodateur (A1), Adresse e-mail (B1), Numéro de téléphone (L1)"
    ) in out
    model = load_edition(folder)
    by_calendar = {
        s.anchor: len(s.events) for s in model.sections if isinstance(s, Calendar) and s.events
    }
    assert sum(by_calendar.values()) == 40
    assert set(by_calendar) == set(forms.KINDS.values())
    written = (folder / "edition.yaml").read_text(encoding="utf-8")
    assert "@exemple.fr" not in written
    assert "06 12 34" not in written
    assert "Accessible en fauteuil" not in written  # an ignored column stays out


def test_a_dry_run_that_would_succeed_still_proposes_the_columns_it_left_out(
    edition_copy, tmp_path, capsys
) -> None:
    folder = edition_copy(SMALL_EDITION)
    file = tmp_path / "inscriptions.csv"
    file.write_text(
        "Horodateur;Titre;Date;Catégorie;Public visé;Courriel du référent\n"
        "27/02/2024 10:05:33;Atelier;27/02/2024;Le programme;Agents;a@exemple.fr\n",
        encoding="utf-8",
    )
    code, out, _ = run(["import", str(file), "--into", str(folder), "--dry-run"], capsys)
    assert code == 0
    assert "Public visé: ignorer  # E1 : ou un champ" in forms.mapping_from(out).splitlines()
    assert "Horodateur (A1), Courriel du référent (F1)" in out
    code, out, _ = run(["import", str(file), "--into", str(folder)], capsys)
    assert code == 0
    assert "proposé" not in out  # said by the dry run; the import itself says the warning


def test_a_google_forms_export_in_english_leaves_out_the_fillers_columns(
    edition_copy, tmp_path, capsys
) -> None:
    # Google Forms names its own columns in English, CSV in UTF-8 with commas
    folder = edition_copy(SMALL_EDITION)
    file = tmp_path / "responses.csv"
    file.write_text(
        "Timestamp,Email Address,Titre,Date,Catégorie,Phone number,Last name\n"
        "2024/02/01 10:05:33,a@exemple.fr,Atelier,27/02/2024,Le programme,0612,Martin\n",
        encoding="utf-8",
    )
    code, out, err = run(["import", str(file), "--into", str(folder)], capsys)
    assert (code, err) == (0, "")
    assert "Timestamp (A1), Email Address (B1), Phone number (F1), Last name (G1)" in out
    assert "0612" not in (folder / "edition.yaml").read_text(encoding="utf-8")
