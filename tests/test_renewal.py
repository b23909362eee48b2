"""dossier new: the next edition from the last one, ready to check and build."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from dossier.build import build
from dossier.cli import main
from dossier.errors import DossierError
from dossier.load import load_edition
from dossier.model import Calendar
from dossier.renewal import new_edition, next_date
from tests.conftest import COMPLETE_EDITION, EDITION_2021


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (dt.date(2021, 11, 2), dt.date(2022, 11, 1)),  # a Tuesday, a Tuesday
        (dt.date(2021, 11, 30), dt.date(2022, 11, 29)),
        (dt.date(2024, 2, 29), dt.date(2025, 2, 27)),  # no 29 February: the nearest Thursday
        (dt.date(2025, 3, 17), dt.date(2026, 3, 16)),
    ],
)
def test_the_period_moves_to_the_same_weekdays(day: dt.date, expected: dt.date) -> None:
    assert next_date(day) == expected
    assert next_date(day).weekday() == day.weekday()


@pytest.fixture
def data(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    shutil.copytree(EDITION_2021, folder / "2021")
    return folder


def test_new_from_2021_checks_and_builds(data: Path, tmp_path: Path, capsys) -> None:
    code = main(["new", str(data / "2022"), "--from", str(data / "2021")])
    out = capsys.readouterr().out
    assert code == 0
    assert "mois-innovation-publique-2022, du 01/11/2022 au 29/11/2022" in out
    assert "sections[0]: l'édito de l'an dernier : à réécrire" in out
    assert "sections[2]: l'entretien de l'an dernier : à réécrire" in out
    edition = load_edition(data / "2022")
    assert (edition.edition_number, edition.slug) == (9, "mois-innovation-publique-2022")
    assert (edition.period.start, edition.period.end) == (
        dt.date(2022, 11, 1),
        dt.date(2022, 11, 29),
    )
    calendars = [s for s in edition.sections if isinstance(s, Calendar)]
    assert len(calendars) == 6
    assert all(not c.events and c.heading for c in calendars)
    old = load_edition(data / "2021")
    directory = old.sections[7]
    assert edition.sections[7] == directory  # what carries over is the same
    text = (data / "2022" / "edition.yaml").read_text(encoding="utf-8")
    assert text.startswith("# Dossier de presse du Mois de l'innovation publique")  # comments stay
    # dossier check: ok, with a warning per empty calendar and for last year's texts
    assert main(["check", str(data / "2022")]) == 0
    err = capsys.readouterr().err
    assert err.count("ce calendrier n'a encore aucun événement") == 6
    assert err.count("mot pour mot celui de l'édition précédente (2021)") == 2
    outputs = build(data / "2022", ("pdf", "docx"), tmp_path / "out")
    assert {o.format for o in outputs} == {"pdf", "docx"}


def test_new_keeps_the_images_it_uses(tmp_path: Path) -> None:
    source = tmp_path / "data" / "2025"
    shutil.copytree(COMPLETE_EDITION, source)
    (source / "images" / "inutile.png").write_bytes((source / "images" / "fablab.jpg").read_bytes())
    made = new_edition(tmp_path / "data" / "2026", source)
    assert sorted(made.images) == [
        "images/couverture.jpg",
        "images/directrice.png",
        "images/fablab.jpg",
        "images/ministre.jpg",
        "images/tiers-lieu.png",
    ]
    assert not (made.folder / "images" / "inutile.png").exists()
    assert load_edition(made.folder).slug == "territoires-numeriques-2026"


def test_new_never_replaces_a_folder(data: Path) -> None:
    (data / "2022").mkdir()
    with pytest.raises(DossierError, match="existe déjà"):
        new_edition(data / "2022", data / "2021")
    assert list((data / "2022").iterdir()) == []
    assert [p.name for p in data.iterdir() if p.name.startswith(".")] == []


def test_only_texts_are_named_to_reread(tmp_path: Path) -> None:
    """An address or a composed field that holds the old year is no text to rewrite."""
    source = tmp_path / "2021"
    shutil.copytree(EDITION_2021, source)
    file = source / "edition.yaml"
    text = file.read_text(encoding="utf-8")
    text = text.replace(
        "url: https://www.modernisation.gouv.fr\n", "url: https://example.org/2021\n"
    )
    file.write_text(text, encoding="utf-8")
    renewal = new_edition(tmp_path / "2022", source)
    named = "\n".join(renewal.rewrite)
    assert "publisher.url" not in named
    assert "sections[8].heading: cite 2021" in named  # a heading is a text: named
