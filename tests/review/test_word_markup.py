"""Word's own revision markup, written by hand where LibreOffice writes something else.

Moves (w:moveFrom/w:moveTo), an insertion by one reviewer deleted by another, formatting-only
changes (w:rPrChange, w:pPrChange), a paragraph Word adds with its own inserted mark, an edit
made without tracking, and the refusals: another edition, a DOCX not made by dossier, a
damaged file, a file with nothing to report.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import docx
import pytest
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from dossier.build import build
from dossier.cli import main
from dossier.errors import DossierError
from dossier.load import load_edition
from dossier.review import apply_review, read_review
from tests.conftest import COMPLETE_EDITION, SMALL_EDITION
from tests.edits import revise

WHEN = "2026-11-20T10:00:00Z"


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("markup")
    (output,) = build(COMPLETE_EDITION, ("docx",), folder)
    return output.path


@pytest.fixture
def edition(tmp_path: Path) -> Path:
    folder = tmp_path / "complete"
    shutil.copytree(COMPLETE_EDITION, folder)
    return folder


def paragraph(document, text: str):
    """Return the marked body paragraph (not the contents' entry) whose text contains text."""
    for element in document.element.body.iter(qn("w:p")):
        names = [b.get(qn("w:name")) for b in element.iter(qn("w:bookmarkStart"))]
        if any(name.startswith("_d") for name in names) and text in "".join(
            t.text or "" for t in element.iter(qn("w:t"))
        ):
            return element
    raise AssertionError(f"no paragraph holds {text!r}")


def mark(kind: str, author: str, identifier: int) -> OxmlElement:
    element = OxmlElement(f"w:{kind}")
    element.set(qn("w:id"), str(identifier))
    element.set(qn("w:author"), author)
    element.set(qn("w:date"), WHEN)
    return element


def run(text: str, deleted: bool = False) -> OxmlElement:
    element = OxmlElement("w:r")
    node = OxmlElement("w:delText" if deleted else "w:t")
    node.set(qn("xml:space"), "preserve")
    node.text = text
    element.append(node)
    return element


def split_run(element, text: str):
    """Cut the run holding text so that text is a run of its own; return that run."""
    for r in element.iter(qn("w:r")):
        t = r.find(qn("w:t"))
        if t is None or text not in (t.text or ""):
            continue
        before, _, after = t.text.partition(text)
        t.text = before
        t.set(qn("xml:space"), "preserve")
        middle = run(text)
        r.addnext(middle)
        if after:
            middle.addnext(run(after))
        return middle
    raise AssertionError(f"no run holds {text!r}")


def test_a_move_is_a_deletion_here_and_an_insertion_there(built, edition, tmp_path) -> None:
    def move(document) -> None:
        source = paragraph(document, "Depuis 2021, le réseau")
        moved = split_run(source, " le réseau s’est fortement développé")
        wrapper = mark("moveFrom", "Cabinet", 1)
        moved.addprevious(wrapper)
        wrapper.append(moved)
        moved.find(qn("w:t")).tag = qn("w:delText")
        target = paragraph(document, "En 2024, plus de 2 millions")
        destination = mark("moveTo", "Cabinet", 2)
        destination.append(run(" Le réseau s’est fortement développé."))
        target.append(destination)

    review = read_review(revise(built, tmp_path / "move.docx", move), edition)
    fields = {c.field: c for c in review.changes}
    assert fields["sections[2].body[0]"].after == "Depuis 2021,."
    assert fields["sections[2].body[4]"].after.endswith("Le réseau s’est fortement développé.")
    assert {r.kind for c in review.changes for r in c.revisions} == {"moveFrom", "moveTo"}


def test_an_insertion_deleted_by_another_reviewer_changes_nothing(built, edition, tmp_path) -> None:
    def nested(document) -> None:
        element = paragraph(document, "Je remercie chaleureusement")
        inserted = mark("ins", "Mme Martin", 1)
        deleted = mark("del", "M. Dupont", 2)
        deleted.append(run(" très", deleted=True))
        inserted.append(deleted)
        split_run(element, "chaleureusement").addprevious(inserted)

    review = read_review(revise(built, tmp_path / "nested.docx", nested), edition)
    (change,) = review.changes
    assert change.reason.startswith("inséré puis supprimé")
    assert {r.author for r in change.revisions} == {"Mme Martin", "M. Dupont"}
    assert apply_review(review).written == 0


def test_formatting_changes_are_reported_never_applied(built, edition, tmp_path) -> None:
    def formatting(document) -> None:
        element = paragraph(document, "Pourquoi une semaine dédiée")
        target = split_run(element, "semaine")
        properties = OxmlElement("w:rPr")
        properties.append(OxmlElement("w:b"))
        change = mark("rPrChange", "Cabinet", 1)
        change.append(OxmlElement("w:rPr"))
        properties.append(change)
        target.insert(0, properties)
        heading = paragraph(document, "Les chiffres clés").find(qn("w:pPr"))
        paragraph_change = mark("pPrChange", "Cabinet", 2)
        paragraph_change.append(OxmlElement("w:pPr"))
        heading.append(paragraph_change)

    before = (edition / "edition.yaml").read_bytes()
    review = read_review(revise(built, tmp_path / "format.docx", formatting), edition)
    kinds = [(c.kind, c.field, c.after) for c in review.changes]
    assert ("mise en forme", "sections[1].questions[0].question", "semaine") in kinds
    assert ("mise en forme", "sections[2].heading", "Les chiffres clés") in kinds
    assert all(c.reason for c in review.changes)
    apply_review(review)
    assert (edition / "edition.yaml").read_bytes() == before


def test_a_paragraph_word_adds_with_its_own_mark(built, edition, tmp_path) -> None:
    def add(document) -> None:
        after = paragraph(document, "Une semaine permet de les montrer")
        new = OxmlElement("w:p")
        properties = OxmlElement("w:pPr")
        style = OxmlElement("w:pStyle")
        style.set(qn("w:val"), "Normal")
        properties.append(style)
        marks = OxmlElement("w:rPr")
        marks.append(mark("ins", "Cabinet", 1))
        properties.append(marks)
        new.append(properties)
        content = mark("ins", "Cabinet", 2)
        content.append(run("Et un troisième paragraphe de réponse."))
        new.append(content)
        after.addnext(new)

    review = apply_review(read_review(revise(built, tmp_path / "add.docx", add), edition))
    (change,) = review.changes
    assert (change.kind, change.applied) == ("ajouté", True)
    answer = load_edition(edition).sections[1].questions[0].answer  # type: ignore[union-attr]
    assert answer[-1].paragraph == "Et un troisième paragraphe de réponse."


def test_an_edit_made_without_tracking_is_read_against_the_print(built, edition, tmp_path) -> None:
    def untracked(document) -> None:
        element = paragraph(document, "Les rendez-vous de la semaine")
        t = element.find(f".//{qn('w:t')}")
        t.text = t.text.replace("jour après jour", "jour par jour")

    review = apply_review(
        read_review(revise(built, tmp_path / "untracked.docx", untracked), edition)
    )
    (change,) = review.changes
    assert change.applied
    assert {r.kind for r in change.revisions} == {"untracked"}
    intro = load_edition(edition).sections[5].intro  # type: ignore[union-attr]
    assert [b.paragraph for b in intro] == ["Les rendez-vous de la semaine, jour par jour."]


def test_an_event_changed_since_the_docx_is_found_again_or_a_conflict(
    built, edition, tmp_path
) -> None:
    def review(document) -> None:
        for text, new in (
            ("Portes ouvertes des fablabs", "Journées portes ouvertes des fablabs"),
            ("Lancement de la semaine", "Ouverture de la semaine"),
        ):
            target = split_run(paragraph(document, text), text)
            deleted = mark("del", "Cabinet", 1)
            target.addprevious(deleted)
            deleted.append(target)
            target.find(qn("w:t")).tag = qn("w:delText")
            inserted = mark("ins", "Cabinet", 2)
            inserted.append(run(new))
            deleted.addnext(inserted)

    reviewed = revise(built, tmp_path / "stale.docx", review)
    file = edition / "edition.yaml"
    text = file.read_text(encoding="utf-8")
    # since the DOCX: an event added at the top of the programme, another title changed
    text = text.replace(
        "    events:\n      - title: Lancement de la semaine",
        "    events:\n      - title: Avant-première\n        date: 2025-03-16\n"
        "      - title: Lancement officiel de la semaine",
    )
    file.write_text(text, encoding="utf-8")
    result = apply_review(read_review(reviewed, edition))
    assert result.stale
    by_after = {c.after: c for c in result.changes}
    assert by_after["Journées portes ouvertes des fablabs"].applied
    assert by_after["Journées portes ouvertes des fablabs"].field == "sections[5].events[3].title"
    assert by_after["Ouverture de la semaine"].reason.startswith("conflit")
    titles = [e.title for e in load_edition(edition).sections[5].events]  # type: ignore[union-attr]
    assert titles[:4] == [
        "Avant-première",
        "Lancement officiel de la semaine",
        "Ateliers « Mes démarches en ligne »",
        "Journées portes ouvertes des fablabs",
    ]


def test_refusals_are_one_clear_line(built, edition, tmp_path, capsys) -> None:
    plain = tmp_path / "autre.docx"
    docx.Document().save(str(plain))
    damaged = tmp_path / "abime.docx"
    damaged.write_bytes(built.read_bytes()[:2000])
    cases = {
        "not made by dossier": ([str(plain), str(edition)], "n'a pas été fait par dossier"),
        "damaged": ([str(damaged), str(edition)], "pas un DOCX lisible"),
        "no change": ([str(built), str(edition)], "aucune modification suivie"),
        "other edition": ([str(built), str(SMALL_EDITION)], "celui de l'édition « territoires"),
        "missing": ([str(tmp_path / "absent.docx"), str(edition)], "fichier introuvable"),
    }
    for name, (arguments, message) in cases.items():
        code = main(["review", *arguments])
        err = capsys.readouterr().err
        assert code == 1, name
        assert len(err.strip().splitlines()) == 1, (name, err)
        assert message in err, (name, err)
    with pytest.raises(DossierError):
        read_review(built, edition)


def test_a_change_the_edition_cannot_take_is_refused_alone(built, edition, tmp_path) -> None:
    def review(document) -> None:
        for text in ("Les chiffres clés", "Je remercie chaleureusement tous les organisateurs"):
            element = paragraph(document, text)
            wrapper = mark("del", "Cabinet", 1)
            for r in list(element.iter(qn("w:r"))):
                r.find(qn("w:t")).tag = qn("w:delText")
                wrapper.append(r)
            element.append(wrapper)
            properties = element.find(qn("w:pPr"))
            marks = OxmlElement("w:rPr")
            marks.append(mark("del", "Cabinet", 2))
            properties.append(marks)

    result = apply_review(read_review(revise(built, tmp_path / "refused.docx", review), edition))
    by_field = {c.field: c for c in result.changes}
    heading = by_field["sections[2].heading"]  # a section that opens a page needs its heading
    assert not heading.applied
    assert heading.reason.startswith("refusé : ")
    assert "heading" in heading.reason
    assert by_field["sections[0].paragraphs[2]"].applied
    paragraphs = load_edition(edition).sections[0].paragraphs  # type: ignore[union-attr]
    assert "Je remercie chaleureusement tous les organisateurs !" not in paragraphs
