"""The blocks of running text come back from the cabinet's DOCX like paragraphs do.

An edit inside a quote, its attribution, a callout, a key figure's label, a table cell, a
figure's caption or credit, a numbered item, a place: each written into its own field of the
livret edition (tests/editions/livret, which has every block).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from dossier.build import build
from dossier.load import load_edition
from dossier.review import apply_review, read_review
from tests.conftest import ROOT
from tests.edits import revise
from tests.review.test_untracked import body_paragraph, retype

LIVRET = ROOT / "tests" / "editions" / "livret"

# (the start of a printed paragraph, what the reviewer makes of it, the field, its new value)
EDITS = [
    (
        "Une bonne idée née à Saint-Denis",
        "Une bonne idée née à Saint-Pierre de la Réunion doit pouvoir servir à "
        "Charleville-Mézières dès le mois suivant.",
        ("sections", 0, "paragraphs", 1, "quote", "text"),
        "Une bonne idée née à Saint-Pierre de la Réunion doit pouvoir servir à "
        "Charleville-Mézières dès le mois suivant.",
    ),
    (
        "— Claire Vasseur, à l’ouverture",
        "— Claire Vasseur, à l’ouverture de la première édition",
        ("sections", 0, "paragraphs", 1, "quote", "attribution"),
        "Claire Vasseur, à l'ouverture de la première édition",
    ),
    (
        "projets déposés par les laboratoires",
        "projets déposés par les laboratoires en 2025",
        ("sections", 1, "body", 0, "key_figures", 0, "label"),
        "projets déposés par les laboratoires en 2025",
    ),
    (
        "Une salle d’entretien est réservée",
        "Une salle d’entretien est réservée de 12 h à 15 h.",
        ("sections", 1, "body", 1, "callout", "body", 1),
        "Une salle d'entretien est réservée de 12 h à 15 h.",
    ),
    (
        "Ouverture par la ministre",
        "Ouverture par la ministre et le préfet, en salle Colbert",
        ("sections", 1, "body", 3, "numbered", 1),
        "Ouverture par la ministre et le préfet, en salle Colbert",
    ),
    (
        "Simplifier un formulaire en une matinée",
        "Simplifier un formulaire en une heure",
        ("sections", 1, "body", 6, "table", "rows", 1, 1),
        "Simplifier un formulaire en une heure",
    ),
    (
        "Avec : Léa Fontaine, cheffe de projet (Etalab)",
        "Avec : Léa Fontaine, directrice de projet (Etalab) ; Marc Thiriet, vice-président "
        "(Région Grand Est)",
        ("sections", 2, "events", 1, "speakers", 0, "role"),
        "directrice de projet",
    ),
    (
        "De 17 h à 17 h 15 : Restitution des ateliers de l’après-midi",
        "De 17 h à 17 h 15 : Restitution des ateliers du soir",
        ("sections", 2, "events", 4, "sessions", 1, "title"),
        "Restitution des ateliers du soir",
    ),
    (
        "Le plan du rez-de-chaussée",
        "Le plan du rez-de-chaussée et du premier étage — Plan DITP, 2026",
        ("sections", 1, "body", 9, "figure", "credit"),
        "Plan DITP, 2026",
    ),
]


def value(model, path):
    node = model
    for part in path:
        node = node[part] if isinstance(part, int) else getattr(node, part)
    return node


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    (output,) = build(LIVRET, ("docx",), tmp_path_factory.mktemp("blocks"))
    return output.path


def test_edits_inside_every_block_come_back(built, edition_copy, tmp_path: Path) -> None:
    edition = edition_copy(LIVRET)

    def change(document) -> None:
        cells = [p for t in document.tables for r in t.rows for c in r.cells for p in c.paragraphs]
        for start, typed, path, _ in EDITS:
            if "table" in path:  # python-docx lists the body's paragraphs, not the cells'
                retype(next(p for p in cells if p.text.startswith(start)), typed)
            else:
                retype(body_paragraph(document, start), typed)

    review = read_review(revise(built, tmp_path / "r.docx", change), edition)
    left = [(c.field, c.reason) for c in review.changes if c.reason]
    apply_review(review)
    model = load_edition(edition)
    for _, _, path, wanted in EDITS:
        assert value(model, path) == wanted, (path, left)
    # the caption was extended too: its own field, beside the credit's
    assert value(model, ("sections", 1, "body", 9, "figure", "caption")) == (
        "Le plan du rez-de-chaussée et du premier étage"
    )
    # and the event of the same name as the table's cell is left as it was
    assert value(model, ("sections", 2, "events", 2, "title")) == (
        "Simplifier un formulaire en une matinée"
    )


@pytest.mark.parametrize(
    ("style", "after", "path", "wanted"),
    [
        # a numbered item typed in the list's own style: an item of that list, numbered too
        (
            "List Number",
            "Ouverture par la ministre",
            ("sections", 1, "body", 3, "numbered", 2),
            "Pause déjeuner",
        ),
        # a second-level subheading: a block of its kind, not a paragraph
        (
            "Subheading 2",
            "Les ateliers de l’après-midi",
            ("sections", 1, "body", 9, "subsubheading"),
            "Pause déjeuner",
        ),
    ],
)
def test_a_paragraph_added_in_a_block_s_style_is_a_block_of_that_kind(
    built, edition_copy, tmp_path: Path, style, after, path, wanted
) -> None:
    from tests.review.test_untracked import insert_after

    edition = edition_copy(LIVRET)

    def change(document) -> None:
        insert_after(document, after, wanted, style)

    review = apply_review(read_review(revise(built, tmp_path / "r.docx", change), edition))
    assert review.written == 1, [(c.field, c.reason) for c in review.changes]
    assert value(load_edition(edition), path) == wanted
