"""Edits the cabinet made without tracking, or that lost their paragraph's marker, come back.

An edit at the first character of a paragraph deletes its hidden marker; a reviewer who turns
track changes off types into the text directly; another editor drops every marker. The review
then finds each paragraph by aligning the document with the one dossier built: none of these
edits is lost, and each is written where it belongs.
"""

from __future__ import annotations

from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn

from dossier.build import build
from dossier.load import load_edition
from dossier.review import apply_review, read_review
from tests.conftest import EDITION_2021
from tests.edits import revise

EDITO = "Le 2 novembre s’ouvre"  # sections[0].paragraphs[0] starts so


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    (output,) = build(EDITION_2021, ("docx",), tmp_path_factory.mktemp("untracked"))
    return output.path


@pytest.fixture
def edition(edition_copy) -> Path:
    return edition_copy(EDITION_2021)


def body_paragraph(document: docx.document.Document, start: str):
    def loose(text: str) -> str:
        return " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").split())

    # the body's paragraphs, those of its tables' cells too (key figures stand side by side)
    for element in document.element.body.iter(qn("w:p")):
        paragraph = docx.text.paragraph.Paragraph(element, document.part)
        if loose(paragraph.text).startswith(loose(start)):
            return paragraph
    raise AssertionError(f"no paragraph starts with {start!r}")


def drop_markers(paragraph) -> None:
    for element in list(paragraph._p):
        if element.tag in (qn("w:bookmarkStart"), qn("w:bookmarkEnd")):
            paragraph._p.remove(element)


def retype(paragraph, text: str) -> None:
    """Give a paragraph a new text as a word processor saves a direct edit: one plain run."""
    for element in list(paragraph._p):
        if element.tag != qn("w:pPr"):
            paragraph._p.remove(element)
    paragraph.add_run(text)


def first_paragraph_text(edition: Path) -> str:
    return load_edition(edition).sections[0].paragraphs[0].paragraph  # type: ignore[union-attr]


def test_a_direct_edit_at_the_start_of_a_paragraph_comes_back(
    built: Path, edition: Path, tmp_path: Path
) -> None:
    old = first_paragraph_text(edition)

    def change(document) -> None:
        paragraph = body_paragraph(document, EDITO)
        drop_markers(paragraph)  # as Word and LibreOffice do for an edit at its first letter
        retype(paragraph, "Désormais, l" + paragraph.text[1:] + " Et après.")

    reviewed = revise(built, tmp_path / "direct.docx", change)
    review = read_review(reviewed, edition)
    (changed,) = [c for c in review.changes if c.field == "sections[0].paragraphs[0]"]
    assert not changed.reason, changed.reason
    assert all(r.kind == "untracked" for r in changed.revisions)  # author and date unknown
    apply_review(review)
    new = first_paragraph_text(edition)
    assert new.startswith("Désormais, le 2 novembre")
    assert new.endswith("Et après.")
    assert new.removeprefix("Désormais, l").removesuffix(" Et après.") == old[1:]


def test_a_paragraph_deleted_and_one_added_without_tracking_are_said(
    built: Path, edition: Path, tmp_path: Path
) -> None:
    def change(document) -> None:
        gone = body_paragraph(document, EDITO)
        gone._p.getparent().remove(gone._p)
        after = body_paragraph(document, "Les acteurs de proximité jouent")
        new = after.insert_paragraph_before("Un paragraphe tapé par le cabinet.")
        new.style = after.style

    reviewed = revise(built, tmp_path / "direct.docx", change)
    review = read_review(reviewed, edition)
    kinds = {(c.kind, c.field) for c in review.changes}
    assert ("supprimé", "sections[0].paragraphs[0]") in kinds
    added = [c for c in review.changes if c.kind == "ajouté"]
    assert [c.after for c in added] == ["Un paragraphe tapé par le cabinet."]
    apply_review(review)
    paragraphs = [b.paragraph or "" for b in load_edition(edition).sections[0].paragraphs]  # type: ignore[union-attr]
    assert "Un paragraphe tapé par le cabinet." in paragraphs
    assert not any(p.startswith("Le 2 novembre") for p in paragraphs)


def test_a_paragraph_edited_outside_any_field_is_listed_not_lost(
    built: Path, edition: Path, tmp_path: Path
) -> None:
    def change(document) -> None:
        body_paragraph(document, "Dossier de presse").add_run(" (version du cabinet)")

    reviewed = revise(built, tmp_path / "direct.docx", change)
    review = read_review(reviewed, edition)
    (outside,) = [c for c in review.changes if c.kind == "hors champ"]
    assert "version du cabinet" in outside.after
    assert outside.reason


def insert_after(document, start: str, text: str, style: str) -> None:
    """Add a paragraph of a Word style after the one that starts so, as a reviewer types it."""
    anchor = body_paragraph(document, start)
    new = anchor.insert_paragraph_before(text)
    anchor._p.addprevious(anchor._p)  # swap: the new paragraph comes after its anchor
    anchor._p.addnext(new._p)
    new.style = document.styles[style]


def test_a_subheading_goes_where_the_model_takes_one_and_is_refused_elsewhere(
    built: Path, edition: Path, tmp_path: Path
) -> None:
    def change(document) -> None:
        # after the profiles' intro and after an édito paragraph (lists of blocks), and after
        # an event's title (no list: a line)
        insert_after(
            document, "Dans le cadre des mesures annoncées", "Quatre régions", "Subheading"
        )
        insert_after(document, "L’innovation ouverte est le fil", "Un intertitre", "Subheading")
        insert_after(document, "Journée des labs", "Un intertitre d'événement", "Subheading")

    reviewed = revise(built, tmp_path / "direct.docx", change)
    review = read_review(reviewed, edition)
    added = {c.after: c for c in review.changes if c.kind == "ajouté"}
    assert not added["Quatre régions"].reason
    assert not added["Un intertitre"].reason
    assert "à reporter à la main" in added["Un intertitre d'événement"].reason
    apply_review(review)
    model = load_edition(edition)
    intro = model.sections[16].intro  # type: ignore[union-attr]
    assert [block.subheading for block in intro] == [None, "Quatre régions"]
    edito = model.sections[0].paragraphs  # type: ignore[union-attr]
    assert [b.subheading for b in edito].count("Un intertitre") == 1


def test_a_document_that_lost_the_markers_part_is_read_against_the_data(
    built: Path, edition: Path, tmp_path: Path
) -> None:
    """A trip through ODT or a comparison tool drops the part: the view rebuilt stands in."""

    def change(document) -> None:
        for key, relation in list(document.part.rels.items()):
            if relation.reltype.endswith("/customXml"):
                del document.part.rels[key]
        for paragraph in document.paragraphs:
            drop_markers(paragraph)
        paragraph = body_paragraph(document, "L’innovation ouverte est le fil")
        retype(paragraph, paragraph.text.replace("fil conducteur", "fil rouge"))

    reviewed = revise(built, tmp_path / "sans-reperes.docx", change)
    # the slug comes from the document's own properties
    review = read_review(reviewed, data=edition.parent)
    assert review.slug == "mois-innovation-publique-2021"
    assert not review.stale
    changed = [c for c in review.changes if c.reason == "" or c.edits]
    assert [c.field for c in changed] == ["sections[0].paragraphs[1]"]
    assert [c for c in review.changes if c not in changed] == []  # nothing else found
    apply_review(review)
    assert "fil rouge" in load_edition(edition).sections[0].paragraphs[1].paragraph  # type: ignore[union-attr]


def test_the_report_says_who_is_unknown(built: Path, edition: Path, tmp_path: Path) -> None:
    from dossier.review.report import who

    def change(document) -> None:
        paragraph = body_paragraph(document, "L’innovation ouverte est le fil")
        retype(paragraph, paragraph.text.replace("fil conducteur", "fil rouge"))

    review = read_review(revise(built, tmp_path / "direct.docx", change), edition)
    (changed,) = [c for c in review.changes if c.edits]
    assert who(changed) == "sans suivi des modifications (auteur et date inconnus)"


@pytest.mark.parametrize(
    ("typed", "date", "start", "end"),
    [
        # the whole line retyped: where the typing falls between day and hours does not matter
        ("Jeudi 4 novembre 2021, de 10 h à 12 h", "2021-11-04", "10:00", "12:00"),
        ("4 novembre 2021 à 14 h", "2021-11-04", "14:00", None),
        ("3 novembre 2021, de 9 h 30 à 11 h", "2021-11-03", "09:30", "11:00"),
    ],
)
def test_an_event_s_date_line_is_read_as_one_value(
    built: Path, edition: Path, tmp_path: Path, typed: str, date: str, start: str, end: str | None
) -> None:
    def change(document) -> None:
        retype(body_paragraph(document, "3 novembre 2021, de 9 h 30"), typed)

    review = read_review(revise(built, tmp_path / "date.docx", change), edition)
    dated = [c for c in review.changes if c.field.startswith("sections[9].events[0].")]
    assert dated
    assert not any(c.reason for c in dated), [(c.field, c.reason) for c in dated]
    apply_review(review)
    event = load_edition(edition).sections[9].events[0]  # type: ignore[union-attr]
    assert f"{event.date:%Y-%m-%d}" == date
    assert f"{event.start:%H:%M}" == start
    assert (f"{event.end:%H:%M}" if event.end else None) == end


def test_a_date_line_that_does_not_read_is_listed(
    built: Path, edition: Path, tmp_path: Path
) -> None:
    def change(document) -> None:
        retype(body_paragraph(document, "3 novembre 2021, de 9 h 30"), "Date à confirmer")

    review = read_review(revise(built, tmp_path / "date.docx", change), edition)
    dated = [c for c in review.changes if c.field.startswith("sections[9].events[0].")]
    assert dated
    assert all(c.reason and not c.edits for c in dated)
    assert any("ne se lit pas comme une date" in c.reason for c in dated)


def test_an_event_s_place_and_the_venue_come_back(edition_copy, tmp_path: Path) -> None:
    """The places are fields like any: edited in the DOCX, written back; online is not text."""
    from dossier.source import AddKey, write_edits
    from tests.conftest import SMALL_EDITION

    edition = edition_copy(SMALL_EDITION)
    file = edition / "edition.yaml"
    text = file.read_text(encoding="utf-8")
    venue = "venue:\n  name: Maison de la Mutualité\n  address: 24 rue Saint-Victor, 75005 Paris\n"
    file.write_text(text.replace("\nsections:", f"\n{venue}sections:", 1), encoding="utf-8")
    model = load_edition(edition)
    index = next(i for i, s in enumerate(model.sections) if getattr(s, "events", None))
    write_edits(
        file, [AddKey(("sections", index, "events", 0), "place", "Salle Jaurès")], load_edition
    )
    (output,) = build(edition, ("docx",), tmp_path / "built")

    def change(document) -> None:
        place = body_paragraph(document, "Lieu : Salle Jaurès")
        retype(place, "Lieu : Salle Jean Jaurès, 2e étage")
        address = body_paragraph(document, "24 rue Saint-Victor")
        retype(address, "24 rue Saint-Victor, 75005 Paris (entrée rue de Poissy)")

    review = read_review(revise(output.path, tmp_path / "r.docx", change), edition)
    apply_review(review)
    again = load_edition(edition)
    assert again.sections[index].events[0].place == "Salle Jean Jaurès, 2e étage"  # type: ignore[union-attr]
    assert again.venue is not None
    assert again.venue.address == "24 rue Saint-Victor, 75005 Paris (entrée rue de Poissy)"
