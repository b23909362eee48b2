"""A phrase in another language: [Kozé ansanm]{lang=rcf}, read with its own language's rules.

Marked once in the YAML, it is `lang` in the web page, /Lang on its structure element in the
PDF (WeasyPrint's tagging, hooked: dossier.render.pdf.tagging) and w:lang in the DOCX; a review
that edits the paragraph keeps the mark.
"""

from __future__ import annotations

import inspect
from pathlib import Path

import docx
import lxml.html
import pikepdf
import pytest
from docx.oxml.ns import qn

from dossier.build import build
from dossier.errors import DataError
from dossier.load import load_edition
from dossier.review import apply_review, read_review
from tests.conftest import EDITION_2021
from tests.edits import revise

PHRASE = "L’innovation ouverte est le fil conducteur"
MARKED = "L’innovation ouverte, [Kozé ansanm]{lang=rcf}, est le fil conducteur"


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict:
    folder = tmp_path_factory.mktemp("languages")
    edition = folder / "edition"
    import shutil

    shutil.copytree(EDITION_2021, edition)
    file = edition / "edition.yaml"
    file.write_text(file.read_text("utf-8").replace(PHRASE, MARKED, 1), "utf-8")
    outputs = {o.format: o.path for o in build(edition, ("pdf", "docx", "html"), folder / "out")}
    return {"edition": edition, **outputs}


def test_the_web_page_says_the_phrase_s_language(built) -> None:
    page = lxml.html.parse(str(built["html"] / "index.html")).getroot()
    (span,) = page.xpath("//span[@lang='rcf']")
    assert span.text_content() == "Kozé ansanm"
    assert page.get("lang") == "fr-FR"


def test_the_pdf_gives_the_phrase_s_element_its_language(built) -> None:
    with pikepdf.open(built["pdf"]) as pdf:
        marked = [
            o
            for o in pdf.objects
            if isinstance(o, pikepdf.Dictionary)
            and o.get("/Type") == "/StructElem"
            and "/Lang" in o
        ]
        assert [str(o["/Lang"]) for o in marked] == ["rcf"]
        assert str(pdf.Root.Lang) == "fr-FR"


def test_the_docx_gives_the_phrase_s_runs_their_language(built) -> None:
    document = docx.Document(str(built["docx"]))
    runs = [
        r
        for p in document.paragraphs
        for r in p.runs
        if r._r.rPr is not None and r._r.rPr.find(qn("w:lang")) is not None
    ]
    assert [r.text for r in runs] == ["Kozé ansanm"]
    assert runs[0]._r.rPr.find(qn("w:lang")).get(qn("w:val")) == "rcf"


def test_the_pdf_hook_still_fits_weasyprint() -> None:
    """WeasyPrint's internals the /Lang hook leans on: if this fails, the hook named here
    no longer runs (it stands aside rather than break), and phrases lose their language."""
    from dossier.render.pdf import tagging

    assert tagging.hook_matches(), (
        f"{tagging.HOOKED} changed: its parameters are now "
        f"{tuple(inspect.signature(tagging._original).parameters)}, the hook expects "
        f"{tagging.PARAMETERS}; adapt dossier/render/pdf/tagging.py"
    )
    from weasyprint.pdf import tags

    assert tags._build_box_tree is tagging._with_tagging, (
        f"{tagging.HOOKED} is not dossier's hook: tagging.install() did not put it in place"
    )


@pytest.mark.parametrize(
    "written",
    ["[Kozé ansanm] {lang=rcf}", "[Kozé ansanm]{lang=}", "[Kozé ansanm]{lang=créole}"],
)
def test_a_language_mark_written_wrong_is_refused_at_its_line(edition_copy, written) -> None:
    folder = edition_copy(EDITION_2021, {PHRASE: f"L’innovation ouverte, {written}, est le fil"})
    with pytest.raises(DataError) as caught:
        load_edition(folder)
    (problem,) = caught.value.problems
    assert problem.field == "sections[0].paragraphs[1]"
    assert problem.line == 42
    assert "une langue est mal indiquée" in problem.message


def test_a_review_of_the_paragraph_keeps_the_mark(built, edition_copy, tmp_path: Path) -> None:
    edition = edition_copy(built["edition"])

    def change(document) -> None:
        for paragraph in document.paragraphs:
            for run in paragraph.runs:
                if "fil conducteur" in run.text:
                    run.text = run.text.replace("fil conducteur", "fil rouge")
                    return
        raise AssertionError("no run holds « fil conducteur »")

    review = read_review(revise(built["docx"], tmp_path / "r.docx", change), edition)
    apply_review(review)
    assert review.written == 1
    text = load_edition(edition).sections[0].paragraphs[1].paragraph  # type: ignore[union-attr]
    assert "[Kozé ansanm]{lang=rcf}" in text
    assert "fil rouge" in text
