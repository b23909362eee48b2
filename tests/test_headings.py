"""One hierarchy of headings in every output, no level skipped: the view's, read back.

The PDF's structure tree (pikepdf), the DOCX's outline levels (python-docx, as Word's navigation
pane reads them) and the web page's h1…h6 must give the view's headings at the view's levels.
The PDF is also held to what an accessibility audit of it checks beside: every figure has its
alternative text, every link annotation its description, the language and the title shown.
"""

from __future__ import annotations

import itertools
import re

import docx
import pikepdf
import pytest
from docx.oxml.ns import qn
from docx.styles.style import ParagraphStyle
from docx.text.paragraph import Paragraph

from dossier.view import Edition


def skipped(levels: list[int]) -> list[str]:
    """Say where a sequence of heading levels skips one, going down."""
    problems = [] if levels[:1] == [1] else [f"the first heading is of level {levels[:1]}"]
    for index, (before, after) in enumerate(itertools.pairwise(levels), start=1):
        if after > before + 1:
            problems.append(f"heading {index}: from level {before} to {after}")
    return problems


def view_levels(view: Edition) -> list[int]:
    return [level for level, _ in view.headings()]


def squash(text: str) -> str:
    return re.sub(r"[\W_]+", "", text).lower()


# --- the PDF's structure tree ---


def structure(pdf: pikepdf.Pdf) -> list[pikepdf.Dictionary]:
    """Return the structure elements of a tagged PDF, in reading order."""
    found: list[pikepdf.Dictionary] = []

    def walk(node: object) -> None:
        if isinstance(node, pikepdf.Array):
            for kid in node:
                walk(kid)
        elif isinstance(node, pikepdf.Dictionary):
            if "/S" in node:
                found.append(node)
            if "/K" in node:
                walk(node.K)

    walk(pdf.Root.StructTreeRoot)
    return found


def pdf_levels(pdf: pikepdf.Pdf) -> list[int]:
    return [
        int(str(element.S)[2:])
        for element in structure(pdf)
        if re.fullmatch(r"/H[1-6]", str(element.S))
    ]


def test_the_views_headings_never_skip_a_level(outputs) -> None:
    assert skipped(view_levels(outputs["view"])) == []


def test_the_pdf_tags_the_views_headings(outputs) -> None:
    with pikepdf.open(outputs["pdf"]) as pdf:
        levels = pdf_levels(pdf)
    assert skipped(levels) == []
    assert levels == view_levels(outputs["view"])


def test_every_figure_of_the_pdf_has_its_alt(outputs) -> None:
    with pikepdf.open(outputs["pdf"]) as pdf:
        figures = [e for e in structure(pdf) if e.S == "/Figure"]
        alts = [str(e.get("/Alt", "")) for e in figures]
    pictures = [
        text
        for text in outputs["view"].texts()
        if text.origin and text.origin.field.endswith(".alt")
    ]
    assert alts == [picture.plain for picture in pictures]
    assert all(alt.strip() for alt in alts)


def test_every_link_of_the_pdf_says_where_it_leads(outputs) -> None:
    events = {event.name: event for event in outputs["view"].events()}
    with pikepdf.open(outputs["pdf"]) as pdf:
        contents = [
            str(annotation.get("/Contents", ""))
            for page in pdf.pages
            for annotation in page.get("/Annots", [])
            if annotation.get("/Subtype") == "/Link"
        ]
    assert contents
    assert all(text.strip() for text in contents)
    # « En savoir plus » alone says nowhere: each names its event
    linked = [e for e in events.values() if e.link]
    for event in linked:
        assert f"En savoir plus sur «\u202f{event.name}\u202f»" in contents


def test_every_en_savoir_plus_of_the_docx_names_its_event(outputs) -> None:
    # Word's ScreenTip (w:tooltip), which screen readers say with the link
    body = docx.Document(str(outputs["docx"])).element.body
    tooltips = [
        link.get(qn("w:tooltip"))
        for link in body.iter(qn("w:hyperlink"))
        if "".join(t.text or "" for t in link.iter(qn("w:t"))) == "En savoir plus"
    ]
    assert all(tooltips)
    for event in outputs["view"].events():
        if event.link:
            assert f"En savoir plus sur «\u202f{event.name}\u202f»" in tooltips


def test_the_pdf_says_its_language_and_shows_its_title(outputs) -> None:
    with pikepdf.open(outputs["pdf"]) as pdf:
        assert str(pdf.Root.Lang) == outputs["view"].language
        assert bool(pdf.Root.ViewerPreferences.DisplayDocTitle) is True
        assert str(pdf.docinfo.Title) == outputs["view"].document_title


# --- the DOCX's outline levels ---


def outline_level(paragraph: Paragraph) -> int | None:
    """Return a paragraph's outline level as Word reads it: its own, else its style's (1-based)."""
    properties = paragraph._p.pPr
    if properties is not None and properties.outlineLvl is not None:
        return properties.outlineLvl.val + 1
    style = paragraph.style
    while isinstance(style, ParagraphStyle):
        found = style.element.find(f"{qn('w:pPr')}/{qn('w:outlineLvl')}")
        if found is not None:
            return int(found.get(qn("w:val"))) + 1
        style = style.base_style
    return None


def test_the_docx_outline_is_the_views(outputs) -> None:
    document = docx.Document(str(outputs["docx"]))
    headings = [
        (level, p.text) for p in document.paragraphs if (level := outline_level(p)) is not None
    ]
    assert skipped([level for level, _ in headings]) == []
    expected = [(level, squash(line.plain)) for level, line in outputs["view"].headings()]
    assert [(level, squash(text)) for level, text in headings] == expected


def test_the_docx_sections_are_word_headings_of_their_level(outputs) -> None:
    # Word ties a built-in Heading n to level n: the sections use the heading of their level.
    document = docx.Document(str(outputs["docx"]))
    styles = {squash(p.text): p.style.name for p in document.paragraphs}
    for section in outputs["view"].sections:
        if section.heading:
            assert styles[squash(section.heading.plain)] == f"Heading {section.heading_level}"


def test_the_docx_contents_field_lists_the_sections_only(outputs) -> None:
    body = docx.Document(str(outputs["docx"])).element.body
    (toc,) = [t.text.strip() for t in body.iter(qn("w:instrText")) if "TOC" in (t.text or "")]
    # by style, Heading 2 and 3 (no \\u): events and profiles have outline levels, no entries
    assert toc == 'TOC \\o "2-3" \\h \\z'


@pytest.mark.parametrize(("levels", "problems"), [([1, 2, 3, 2, 3], 0), ([1, 3], 1), ([2], 1)])
def test_skipped_sees_a_skip(levels: list[int], problems: int) -> None:
    assert len(skipped(levels)) == problems


def test_the_review_reads_a_subheading_back_by_its_word_style(outputs) -> None:
    # A reviewer's new paragraph in the subheadings' style comes back as a subheading block.
    from dossier.render.docx.styles import WORD_NAMES
    from dossier.review.back import BLOCK_STYLES

    document = docx.Document(str(outputs["docx"]))
    style = document.styles[WORD_NAMES["h3"]]
    assert BLOCK_STYLES[style.style_id] == "subheading"
