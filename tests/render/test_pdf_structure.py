"""The PDF's structure tree read against its content streams, as an accessibility audit reads it.

veraPDF (tests/render/test_verapdf.py) checks that every piece of content is tagged or an
artifact; this reads what it does not (tests/render/structure.py): that every tagged piece is
reached from the tree's root, that the running headers, footers, folios and the draft's
watermark are pagination artifacts, that a Figure's /BBox lies on its page, and that a Caption
goes with its Figure. Each edition is built once, normal and `--draft`.
"""

from __future__ import annotations

import inspect
import itertools
import re
from pathlib import Path

import pytest

from dossier.load import load_edition
from dossier.view import prepare
from tests.conftest import PDF_BUILDS, pdf_build_name
from tests.render import reading
from tests.render.structure import Structure, read_structure

# Every page of these opens a section: no page has a running header.
WITHOUT_RUNNING_HEADERS = {"petite", "complete"}


@pytest.fixture(scope="module", params=PDF_BUILDS, ids=pdf_build_name)
def pdf(request, tagged_pdfs) -> tuple[Path, bool, Structure]:
    """Each edition's PDF, normal and draft (built once per session), and its structure."""
    folder, draft = request.param
    return folder, draft, read_structure(tagged_pdfs[pdf_build_name(request.param)])


def test_every_tagged_piece_is_reached_from_the_tree(pdf) -> None:
    """No marked content outside the tree: each MCID, in pages and Form XObjects, is given an
    element by the /ParentTree, an element the root reaches and that claims it."""
    _, _, structure = pdf
    counts = structure.counts()  # python3 -m tests.render.structure FILE.pdf… prints them
    assert counts["tagged"] > 50  # the reader read the pages (petite, the smallest: 91)
    assert [(s.page, s.stream, s.mcid, s.text) for s in structure.orphans] == []
    assert structure.dangling == 0  # no /ParentTree entry names an element out of the tree
    assert structure.tagged_in_artifact == 0
    assert [(s.page, s.tag) for s in structure.unmarked] == []
    assert structure.untagged == []  # nothing painted outside a sequence


def test_headers_footers_and_watermark_are_pagination_artifacts(pdf) -> None:
    folder, draft, structure = pdf
    view = prepare(load_edition(folder), folder)
    pages = len(structure.media_boxes)
    running_title = " ".join(view.running_title.plain.split())
    for page in range(pages):
        pagination = [
            s for s in structure.artifacts(page) if s.properties.get("Type") == "Pagination"
        ]
        by_kind: dict[str, str] = {}
        for sequence in pagination:
            kind = sequence.properties.get("Subtype", "")
            by_kind[kind] = by_kind.get(kind, "") + " " + sequence.text
        if page > 0:  # the cover has no header nor footer
            footer = " ".join(by_kind.get("Footer", "").split())
            assert f"{page + 1} / {pages}" in footer, (page, by_kind)
            assert running_title in footer, (page, by_kind)
        if draft:
            assert view.words.draft in by_kind.get("Watermark", ""), (page, by_kind)
            if page > 0:
                assert view.words.draft in by_kind.get("Header", ""), (page, by_kind)
        else:
            assert "Watermark" not in by_kind
    # None of it is content: no tagged piece shows a folio or the running title alone.
    folio = re.compile(r"^\s*\d+ / \d+\s*$")
    tagged = [s for s in structure.sequences if s.mcid is not None]
    assert [s.text for s in tagged if folio.match(s.text)] == []
    assert [s.page for s in tagged if s.text.strip() == running_title] == []


def test_running_headers_are_artifacts(pdf) -> None:
    """A page that a section does not open names it in its header: an artifact's text, and
    the header holds nothing else (but the draft's line)."""
    folder, draft, structure = pdf
    view = prepare(load_edition(folder), folder, draft)
    runnings = {" ".join(s.running.plain.split()) for s in view.sections if s.running}
    runnings.add(" ".join(view.contents.title.plain.split()))
    headers = [
        " ".join(s.text.split())
        for s in structure.artifacts()
        if s.properties.get("Subtype") == "Header" and s.text.strip()
    ]
    if draft:
        line = " ".join(view.draft.plain.split())
        headers = [h for h in headers if h != line]
    # A header set on two lines reads glued (a known fault, for later): compare without blanks.
    runnings = {"".join(r.split()) for r in runnings}
    assert [h for h in headers if "".join(h.split()) not in runnings] == []
    if folder.name not in WITHOUT_RUNNING_HEADERS:
        assert headers


def test_figures_lie_on_their_page(pdf) -> None:
    """A Figure's /BBox is in points from the page's bottom left, inside its MediaBox."""
    _, _, structure = pdf
    for element in structure.elements:
        if element.tag != "Figure" or element.bbox is None:
            continue
        left, bottom, right, top = structure.media_boxes[element.page]
        x1, y1, x2, y2 = element.bbox
        assert left - 0.5 <= x1 < x2 <= right + 0.5, (element.page, element.bbox)
        assert bottom - 0.5 <= y1 < y2 <= top + 0.5, (element.page, element.bbox)


def test_a_caption_goes_with_its_figure(pdf) -> None:
    """A picture's Caption is in a Div with its Figure alone (not a sibling of the text around
    it), a quote's attribution in a Div with its BlockQuote, and no empty Span stands beside a
    Figure."""
    _, _, structure = pdf
    figures = [e for e in structure.elements if e.tag == "Figure"]
    for figure in figures:
        siblings = [k.tag for k in figure.parent.kids] if figure.parent else []
        if "Caption" in siblings or siblings == ["Figure"]:  # a <figure>, not a team's portrait
            assert figure.parent.tag == "Div", (figure.page, figure.parent.tag, siblings)
            assert siblings in (["Figure"], ["Figure", "Caption"]), (figure.page, siblings)
    for caption in (e for e in structure.elements if e.tag == "Caption"):
        # a table's, in its Table; a picture's or a quote's, in a Div with what it captions
        assert caption.parent is not None
        assert caption.parent.tag in ("Table", "Div"), (caption.page, caption.parent.tag)
        if caption.parent.tag == "Div":
            siblings = [k.tag for k in caption.parent.kids]
            assert siblings in (["Figure", "Caption"], ["BlockQuote", "Caption"]), siblings
    texts = {(s.page, s.mcid): s.text for s in structure.sequences if s.mcid is not None}
    empty_spans = [
        (span.page, span.mcids)
        for figure in figures
        for span in figure.parent.kids
        if span.tag == "Span" and all(not texts.get(m, "").strip() for m in span.mcids)
    ]
    assert empty_spans == []


def _view(folder: Path, draft: bool):
    return prepare(load_edition(folder), folder, draft)


def test_no_words_are_glued_at_a_line_end(pdf) -> None:
    """Each block's tagged text (what a screen reader, a reflow or a copy reads) has a space
    at every line break that was a space (ISO 32000-1, 14.8.2.5): no two words of the view
    read as one (« innovationpublique »)."""
    folder, draft, structure = pdf
    source = reading.Source.of(_view(folder, draft))
    assert reading.glued_words(structure, source) == []


def test_a_word_hyphenated_at_a_line_end_reads_whole(pdf) -> None:
    """The hyphen WeasyPrint adds at a line's end is read as a soft hyphen (/ActualText,
    U+00AD): « réinvention », never « ré- invention » (U+2010)."""
    folder, draft, structure = pdf
    source = reading.Source.of(_view(folder, draft))
    assert reading.split_words(structure, source) == []


def test_a_numbered_list_says_it_is_numbered(pdf) -> None:
    """A list whose items read « 1. », « 2. » has /ListNumbering /Decimal on its L (ISO
    32000-1, table 347)."""
    _, _, structure = pdf
    assert reading.numbered_lists_unnumbered(structure) == 0
    numbered = [e for e in structure.elements if "ListNumbering" in e.attributes]
    assert all(e.tag == "L" and e.attributes["ListNumbering"] == "Decimal" for e in numbered)


def test_an_interview_is_questions_and_answers_not_a_list(pdf) -> None:
    """A question is a paragraph before its answer's, never an item of a list whose other
    items are the answers (an HTML dl, which WeasyPrint tags L)."""
    folder, draft, structure = pdf
    assert reading.questions_as_items(structure, _view(folder, draft)) == 0


def test_a_pull_quote_is_read_once(pdf) -> None:
    """A pull quote that repeats the édito's words is the layout's (a /Layout artifact): read
    once, in the text; one of its own words is read where it stands (complete)."""
    folder, draft, structure = pdf
    reads = reading.pull_quotes_read(structure, _view(folder, draft))
    assert all(count == 1 for count in reads.values()), reads


def test_the_arrows_of_link_lines_are_not_read(pdf) -> None:
    """« En savoir plus → » and « → Voir tout le programme »: the arrow is the layout's, drawn
    as a /Layout artifact, never read aloud with the link (« flèche droite » ×68 in 2021)."""
    _, _, structure = pdf
    assert reading.arrows_read(structure) == 0


def test_a_contents_entry_is_one_link_that_says_its_page(pdf) -> None:
    """Each contents entry is one link (one tab stop; an annotation per line it runs over),
    never links nested in it for its number and its leader; the leader's dots are not read;
    its description reads alone: « Les laboratoires, page 20 »."""
    folder, draft, structure = pdf
    view = _view(folder, draft)
    entries = reading.contents_entries(structure, view)
    assert len(entries) == len(view.contents.entries)
    texts = structure.texts()
    for entry, expected in zip(entries, view.contents.entries, strict=True):
        links = reading.links_in(entry)
        assert len(links) == 1, [structure.text_of(link, texts) for link in links]
        read = " ".join(structure.text_of(links[0], texts).split())
        number = read.rsplit(" ", 1)[-1]
        assert number.isdigit()
        assert read == f"{' '.join(expected.text.plain.split())} {number}"
        descriptions = {a.contents for a in links[0].annotations}
        assert descriptions == {view.page_label(expected.anchor, number, expected.text.plain)}
        assert all(a.target == expected.anchor for a in links[0].annotations)
    assert reading.leaders_read(structure, entries) == 0


def test_a_page_reference_is_one_link_that_says_where_it_leads(pdf) -> None:
    """« voir p. 25 » is one link, « p. 25 », described by the section it leads to and its
    page (« Quatre laboratoires…, page 25 »), never by the anchor (« quatre-laboratoires »)."""
    folder, draft, structure = pdf
    view = _view(folder, draft)
    targets = {s.page_of for t in view.texts() for s in t.spans if s.page_of}
    entries = {
        id(link) for e in reading.contents_entries(structure, view) for link in reading.links_in(e)
    }
    texts = structure.texts()
    found = 0
    for link, descriptions in reading.page_links(structure, targets):
        if id(link) in entries:
            continue
        found += 1
        read = " ".join(structure.text_of(link, texts).split())
        number = read.rsplit(" ", 1)[-1]
        assert number.isdigit(), read  # « p. » and its number, one link
        (target,) = {a.target for a in link.annotations}
        assert set(descriptions) == {view.page_label(target, number)}
        assert view.page_label(target, number) != view.words.page.format(page=number)
    assert found >= len(targets)
    assert reading.nested_links(structure) == []
    assert reading.raw_descriptions(structure) == []


def test_a_link_over_two_lines_is_one_link(pdf) -> None:
    """A link that runs over two lines is one Link element owning an annotation per line,
    never two links side by side leading to one place (two tab stops, one read cut short)."""
    _, _, structure = pdf
    twice = []
    for element in structure.elements:
        content = element.content
        for first, second in itertools.pairwise(content):
            if not all(getattr(k, "tag", "") == "Link" and k.annotations for k in (first, second)):
                continue
            same = {a.target for a in first.annotations} == {a.target for a in second.annotations}
            if same and first.page == second.page:
                twice.append(first.annotations[0].contents)
    assert twice == []


@pytest.mark.parametrize("build", PDF_BUILDS, ids=pdf_build_name)
def test_the_title_tells_the_edition_by_its_year(tagged_pdfs, build) -> None:
    """Two editions of one event have two titles: the /Title a reader shows in its window
    (DisplayDocTitle) carries the year of the edition's period, as the web page's does."""
    folder, draft = build
    view = _view(folder, draft)
    title = reading.title_of(tagged_pdfs[pdf_build_name(build)])
    assert title == view.document_title
    years = {str(load_edition(folder).period.start.year), str(load_edition(folder).period.end.year)}
    assert any(year in title for year in years), title


def test_the_hooks_still_fit_weasyprint() -> None:
    """WeasyPrint's internals the artifact hook leans on: if this fails, the hook named here no
    longer runs (it stands aside rather than break), and headers, footers, folios and the
    watermark are tagged as content again, outside the tree."""
    from weasyprint import draw
    from weasyprint.pdf import tags

    from dossier.render.pdf import tagging

    assert tagging.draw_hook_matches(), (
        f"{tagging.DRAW_HOOKED} or weasyprint.pdf.stream.Stream changed: the hook expects "
        f"{tagging.DRAW_HOOKED}{tagging.DRAW_PARAMETERS} (now "
        f"{tuple(inspect.signature(tagging._original_draw).parameters)}) and a Stream whose "
        "marked(), artifact() and clone() go by its _tags; adapt dossier/render/pdf/tagging.py"
    )
    assert draw.draw_stacking_context is tagging._as_artifact, (
        f"{tagging.DRAW_HOOKED} is not dossier's hook: tagging.install() did not put it in place"
    )
    assert tags._build_box_tree is tagging._with_tagging, (
        f"{tagging.HOOKED} is not dossier's hook: tagging.install() did not put it in place"
    )


def test_the_link_hooks_still_fit_weasyprint() -> None:
    """WeasyPrint's internals the link hooks lean on: if this fails, a contents entry is three
    nested links again, its leader read as dots, a link over two lines two links."""
    from weasyprint import draw

    from dossier.render.pdf import tagging

    assert tagging.link_hooks_problems() == []
    assert draw.draw_inline_level is tagging._leader_as_artifact, (
        "weasyprint.draw.draw_inline_level is not dossier's hook: tagging.install() did not "
        "put it in place"
    )


def test_the_line_end_hooks_still_fit_weasyprint() -> None:
    """WeasyPrint's internals the line-end hooks lean on: if this fails, the hooks named here
    no longer run, and words are read glued at every line's end again (« innovationpublique »),
    a hyphenated word as two (« ré- invention »)."""
    from weasyprint import draw
    from weasyprint.layout import inline

    from dossier.render.pdf import tagging

    assert tagging.text_hooks_problems() == []
    assert inline.split_text_box is tagging._split_noting_line_ends, tagging.SPLIT_HOOKED
    assert inline.remove_last_whitespace is tagging._strip_noting_line_ends, tagging.STRIP_HOOKED
    assert inline.get_next_linebox is tagging._line_noting_line_ends, tagging.LINE_HOOKED
    assert draw.draw_text is tagging._draw_text_with_line_end, tagging.TEXT_HOOKED
