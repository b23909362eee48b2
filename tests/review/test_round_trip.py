"""The cabinet's round trip with a real client: build → review in LibreOffice → apply → build.

`review-docx` (LibreOffice driven through its API) plays the reviewer on the DOCX that
`dossier build` makes: replacements, deletions, insertions, new and deleted paragraphs, an
event's time and date, a title, organisers, a bullet, comments, two authors.
"""

from __future__ import annotations

import difflib
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from dossier.build import build
from dossier.cli import main
from dossier.load import load_edition
from dossier.review import apply_review, read_review
from tests.conftest import EDITION_2021, ROOT, require_tool
from tests.review.ways import require_reviewer

SHARED_TOOL = ROOT.parent / "shared" / "tools" / "review-docx"
A, B = "Cabinet — M. Dupont", "Cabinet — Mme Martin"

EDITS = [
    {"kind": "replace", "find": "fil conducteur", "by": "fil rouge"},
    {"kind": "replace", "within": "3 novembre 2021, de 9 h 30", "find": "9 h 30", "by": "10 h"},
    {"kind": "delete", "find": " et expérimentations"},
    {
        "kind": "delete_sentence",
        "find": "Ils permettent de déployer des solutions adaptées aux attentes des Français "
        "dans les territoires.",
    },
    {
        "kind": "insert",
        "find": "par-delà les silos administratifs.",
        "text": " Ils forment aussi les agents.",
    },
    {
        "kind": "insert_paragraph",
        "find": "Jusqu’à la fin du mois",
        "text": "Un nouveau paragraphe du cabinet.",
    },
    {"kind": "delete_paragraph", "find": "Les acteurs de proximité jouent"},
    {
        "kind": "comment",
        "find": "premier kilomètre",
        "text": "Citation à sourcer ?",
        "initials": "MD",
    },
    {
        "kind": "insert_paragraph",
        "find": "Journée des labs",
        "text": "Atelier pratique",
        "style": "Event Title",
        "note": "after an event's title: no list there, left for a person",
    },
    {"kind": "replace", "find": "à très vite", "by": "à bientôt", "author": B},
    {
        "kind": "replace",
        "within": "4 novembre 2021, de 9 h à 17 h",
        "find": "4 novembre",
        "by": "5 novembre",
        "author": B,
    },
    {
        "kind": "replace",
        "find": "Journée des labs",
        "by": "Journée nationale des labs",
        "author": B,
    },
    {
        "kind": "replace",
        "within": "Organisé par DINUM",
        "find": "DINUM",
        "by": "DINUM et DITP",
        "author": B,
    },
    {
        "kind": "insert_paragraph",
        "find": "Grand Est",
        "text": "Hauts-de-France",
        "style": "List Bullet",
        "author": B,
    },
    {"kind": "comment", "find": "Remarquables", "text": "Titre à confirmer", "author": B},
]


def reviewer() -> Path:
    """The workplace's reviewing tool when it is there, else the copy in tests/tools."""
    vendored = require_reviewer()  # LibreOffice and its bridge, or a skip (a failure in CI)
    return SHARED_TOOL if SHARED_TOOL.is_file() else vendored


@pytest.fixture(scope="module")
def reviewed(tmp_path_factory) -> Path:
    tool = reviewer()
    folder = tmp_path_factory.mktemp("review")
    (output,) = build(EDITION_2021, ("docx",), folder)
    edits = folder / "edits.json"
    edits.write_text(json.dumps({"author": A, "edits": EDITS}, ensure_ascii=False), "utf-8")
    target = folder / "retour-cabinet.docx"
    subprocess.run(
        ["/usr/bin/python3", str(tool), str(output.path), str(edits), str(target)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    return target


@pytest.fixture
def edition(edition_copy) -> Path:
    return edition_copy(EDITION_2021)


def test_every_edit_is_reported_field_by_field(reviewed: Path, edition: Path) -> None:
    review = read_review(reviewed, edition)
    fields = {c.field: c for c in review.changes if c.kind in ("modifié", "supprimé")}
    assert fields["sections[0].paragraphs[1]"].after.count("fil rouge") == 1
    assert fields["sections[0].paragraphs[2]"].kind == "supprimé"
    assert fields["sections[9].events[0].start"].after.startswith("de 10 h")
    assert fields["sections[9].events[2].date"].after.startswith("5")
    assert fields["sections[9].events[2].title"].after == "Journée nationale des labs"
    assert "DINUM et DITP" in fields["sections[9].events[1].organisers"].after
    assert {r.author for c in review.changes for r in c.revisions} == {A, B}
    assert review.authors == [A, B]
    left = [c for c in review.changes if c.reason]
    assert [c.after for c in left] == ["Atelier pratique"]  # after a title: for a person
    assert [(c.text, c.field) for c in review.comments] == [
        ("Citation à sourcer ?", "sections[0].paragraphs[3]"),
        ("Titre à confirmer", "sections[11].events[0].title"),
    ]
    assert len(review.changes) == 12  # 13 tracked edits, two of them in one paragraph


def test_apply_then_build_holds_every_accepted_change(
    reviewed: Path, edition: Path, tmp_path: Path
) -> None:
    before = (edition / "edition.yaml").read_text(encoding="utf-8")
    review = apply_review(read_review(reviewed, edition))
    assert review.written == len([c for c in review.changes if not c.reason])
    after = (edition / "edition.yaml").read_text(encoding="utf-8")
    changed = [
        line
        for line in difflib.unified_diff(before.splitlines(), after.splitlines(), n=0)
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]
    assert len(changed) < 40  # only the changed values' lines
    assert "# The source closes the quotation" in after  # comments stay
    model = load_edition(edition)
    event = model.sections[9].events[2]  # type: ignore[union-attr]
    assert (event.title, str(event.date)) == ("Journée nationale des labs", "2021-11-05")
    assert model.sections[9].events[1].organisers == ["DINUM", "DITP"]  # type: ignore[union-attr]
    outputs = {o.format: o.path for o in build(edition, ("pdf", "docx"), tmp_path)}
    text = subprocess.run(
        [require_tool("pdftotext"), str(outputs["pdf"]), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    flat = re.sub(r"\s+", " ", text.replace("-\n", ""))
    for expected in (
        "fil rouge",
        "Ils forment aussi les agents.",
        "Un nouveau paragraphe du cabinet.",
        "à bientôt sur le terrain",
        "10 h à 12 h 30",
        "Journée nationale des labs",
        "DINUM et DITP",
        "Hauts-de-France",
    ):
        assert expected in flat.replace("\u202f", " ").replace("\u00a0", " "), expected
    assert "Les acteurs de proximité jouent" not in flat
    assert "de toutes ces initiatives, pour qu’elles" in flat  # the pull quote keeps its own
    import docx  # the DOCX that goes back to the cabinet holds the same text

    document = docx.Document(str(outputs["docx"]))
    words = " ".join(p.text for p in document.paragraphs).replace("\u202f", " ")
    for expected in ("fil rouge", "Journée nationale des labs", "DINUM et DITP", "Hauts-de-France"):
        assert expected in words.replace("\u00a0", " "), expected


def test_applying_twice_finds_the_fields_changed(reviewed: Path, edition: Path) -> None:
    apply_review(read_review(reviewed, edition))
    again = read_review(reviewed, edition)
    done = [c for c in again.changes if c.reason.startswith("déjà dans edition.yaml")]
    assert len(done) >= 10  # the file holds the reviewers' text now: nothing is redone
    assert not [c for c in again.changes if c.edits and not c.reason]


def test_the_command_reports_writes_and_says_so(
    reviewed: Path, edition: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report = tmp_path / "revue.html"
    code = main(["review", str(reviewed), str(edition), "--report", str(report)])
    out = capsys.readouterr().out
    assert code == 0
    assert "Rien n'est écrit" in out
    assert "fil [-conducteur-]" in out
    assert "<ins>rouge</ins>" in report.read_text(encoding="utf-8")
    code = main(["review", str(reviewed), str(edition), "--apply"])
    assert code == 0
    assert "écrite(s) dans" in capsys.readouterr().out


def test_the_slug_finds_the_edition_in_data(reviewed: Path, tmp_path: Path, monkeypatch) -> None:
    data = tmp_path / "data"
    shutil.copytree(EDITION_2021, data / "2021")
    monkeypatch.chdir(tmp_path)
    review = read_review(reviewed)
    assert review.file == Path("data") / "2021" / "edition.yaml"


def test_a_review_that_went_through_odt_comes_back_whole(
    reviewed: Path, edition: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Saved as .odt by the cabinet, then as .docx again: the markers part is gone, the
    tracked changes stay; the review reads the same changes, none lost, none made up. The
    .odt itself reads the same."""
    from tests.layout import libreoffice_export

    odt = libreoffice_export(reviewed, tmp_path / "odt", "odt")
    back = libreoffice_export(odt, tmp_path / "docx", "docx:MS Word 2007 XML")
    direct = read_review(reviewed, edition)
    through = read_review(back, edition)
    itself = read_review(odt, edition)  # the .odt itself, read with odfpy

    def said(review) -> list[tuple[str, str, str, bool]]:
        return sorted((c.kind, c.field, c.after, bool(c.reason)) for c in review.changes)

    assert said(through) == said(direct)
    assert said(itself) == said(direct)
    assert [c.text for c in through.comments] == [c.text for c in direct.comments]
    assert [(c.text, c.field) for c in itself.comments] == [
        (c.text, c.field) for c in direct.comments
    ]
    assert main(["review", str(odt), str(edition)]) == 0
    assert "Relecture de" in capsys.readouterr().out
    apply_review(through)
    load_edition(edition)  # dossier check's loading passes
    text = (edition / "edition.yaml").read_text(encoding="utf-8")
    assert "(voir [p. {page}](#quatre-laboratoires))." in text  # a printed form never goes back
