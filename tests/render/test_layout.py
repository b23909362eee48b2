"""The layout of both outputs, read back where a reader sees it: on every edition, not 2021's.

The PDF is read with poppler and pikepdf (tests/layout.py), the DOCX as LibreOffice lays it out
and exports it. Each rule is one a press officer would check by eye: nothing that names is
hyphenated, a heading never ends a page, the running header names its page's section, a
picture stays with its own text, calendars fill their pages, the contents' numbers are right.
"""

from __future__ import annotations

import itertools
import statistics
import subprocess
from collections.abc import Iterator
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn

from dossier.theme import load_theme
from dossier.view import (
    Bullets,
    CalendarSection,
    ContactsSection,
    Edition,
    EditoSection,
    Figure,
    InterviewSection,
    KeyFigures,
    Paragraph,
    Picture,
    ProfilesSection,
    Subheading,
    Table,
    ThemesSection,
)
from tests.conftest import require_tool
from tests.layout import (
    Page,
    TextLine,
    calendar_fill,
    contents_check,
    continuation_pages,
    hyphens_at_page_ends,
    libreoffice_pdf,
    outline_pages,
    read_pages,
    squash,
    text_height,
)

# WeasyPrint's hyphenation mark, as poppler reads it: a soft hyphen (its /ActualText, that the
# word reads whole: dossier.render.pdf.tagging), or the hyphen it draws
HYPHENS = ("\u00ad", "\u2010")


@pytest.fixture(scope="session")
def pdf_pages(outputs) -> list[Page]:
    return read_pages(outputs["pdf"])


def running_lines(view: Edition) -> list[str]:
    """Return the running text of the edition: its paragraphs, list items and themes."""
    found = []

    def walk(value: object) -> None:
        if isinstance(value, Paragraph):
            found.append(value.text.plain)
        elif isinstance(value, Bullets):
            found.extend(item.plain for item in value.items)
        elif isinstance(value, tuple):
            for item in value:
                walk(item)
        elif hasattr(value, "__dataclass_fields__") and not isinstance(value, type):
            for name in value.__dataclass_fields__:
                walk(getattr(value, name))

    walk(view.sections)
    for section in view.sections:
        if isinstance(section, ThemesSection):
            found.extend(theme.line.plain for theme in section.themes)
    return found


def body_lines(pages: list[Page]) -> list[tuple[int, TextLine]]:
    return [(page.number, line) for page in pages for line in page.body()]


def hyphenations(pages: list[Page]) -> Iterator[tuple[TextLine, TextLine]]:
    """Yield each line WeasyPrint ended by hyphenating a word, with the line after it."""
    lines = [line for _, line in body_lines(pages)]
    for line, following in itertools.pairwise(lines):
        if line.text.endswith(HYPHENS):
            yield line, following
    for page in pages[:1]:  # the cover, whose lines are all outside the body's margins
        for line, following in itertools.pairwise(page.lines):
            if line.text.endswith(HYPHENS):
                yield line, following


# --- hyphenation ---------------------------------------------------------------------------


def test_only_running_text_is_hyphenated(outputs, pdf_pages) -> None:
    running = [squash(text) for text in running_lines(outputs["view"])]
    cut = [
        f"{line.text} / {following.text}"
        for line, following in hyphenations(pdf_pages)
        if not any(squash(line.text) + squash(following.text)[:3] in text for text in running)
    ]
    assert cut == []


def test_no_paragraph_ends_with_the_end_of_a_hyphenated_word(outputs, pdf_pages) -> None:
    running = [squash(text) for text in running_lines(outputs["view"])]
    last_lines = [
        following.text
        for _, following in hyphenations(pdf_pages)
        if any(text.endswith(squash(following.text)) for text in running)
    ]
    assert last_lines == []


def test_no_page_ends_with_a_hyphenated_word(pdf_pages) -> None:
    # French print never cuts the last word of a page (render/pdf/rules.py mends it)
    assert hyphens_at_page_ends(pdf_pages) == []


def test_the_editions_are_hyphenated_somewhere(outputs, pdf_pages) -> None:
    # the rules above hold of hyphenated text: there must be some to hold them of
    if outputs["edition"].name in ("2021", "forum"):
        assert len(list(hyphenations(pdf_pages))) > 10


def addresses(view: Edition) -> list[str]:
    return [
        address.plain
        for section in view.sections
        if isinstance(section, ContactsSection)
        for contact in section.contacts
        for address in contact.addresses
    ]


def test_addresses_stand_whole_on_their_line(outputs, pdf_pages, lo_pdf) -> None:
    for pages in (pdf_pages, read_pages(lo_pdf)):
        lines = [line.text.replace(" ", "") for page in pages for line in page.lines]
        for address in addresses(outputs["view"]):
            assert any(address.replace(" ", "").replace("\u00a0", "") in line for line in lines), (
                address
            )


def test_the_docx_hyphenates_running_text_only(outputs) -> None:
    document = docx.Document(str(outputs["docx"]))
    running = {"Normal", "List Bullet", "Theme", "List Number", "Quotation", "Callout"}
    for paragraph in document.paragraphs:
        name = paragraph.style.name
        properties = paragraph.style.element.find(qn("w:pPr"))
        suppressed = (
            properties is not None and properties.find(qn("w:suppressAutoHyphens")) is not None
        )
        assert suppressed == (name not in running), name


# --- headings keep with what follows them ----------------------------------------------------


def kept_lines(view: Edition, events: bool = True) -> set[str]:
    """Return what never ends a page: headings, bylines, questions, an event's head.

    events=False leaves out an event's date and organisers, which LibreOffice may leave at the
    foot of a page although the DOCX keeps them with the next paragraph (Word does not).
    """
    kept = {squash(line.plain) for _, line in view.headings()}
    for section in view.sections:
        if isinstance(section, EditoSection | InterviewSection):
            kept.add(squash(section.byline.plain))
        if isinstance(section, InterviewSection):
            kept.update(squash(q.question.plain) for q in section.questions)
        if isinstance(section, CalendarSection) and events:
            for event in section.events:
                kept.update(squash(line.plain) for line in (event.when, event.organisers) if line)
    return kept


def last_lines_of_pages(pages: list[Page]) -> list[tuple[int, str]]:
    """Return the last line of each page's body, joined to the one before when both are bold
    headings' (a heading on two lines ends the page as a whole)."""
    found = []
    for page in pages[2:]:  # the cover and the contents
        lines = page.body()
        if len(lines) >= 2:
            found.append((page.number, squash(lines[-2].text + lines[-1].text)))
        if lines:
            found.append((page.number, squash(lines[-1].text)))
    return found


def ends_pages(pages: list[Page], view: Edition, events: bool = True) -> list[tuple[int, str]]:
    kept = kept_lines(view, events)
    return [(n, text) for n, text in last_lines_of_pages(pages) if text in kept]


def test_no_heading_ends_a_page_of_the_pdf(outputs, pdf_pages) -> None:
    assert ends_pages(pdf_pages, outputs["view"]) == []


def test_no_heading_ends_a_page_of_the_docx(outputs, lo_pdf) -> None:
    assert ends_pages(read_pages(lo_pdf), outputs["view"], events=False) == []


def page_of(pages: list[Page], text: str, start: int = 3) -> int:
    """Return the first page from start (after the cover and the contents) holding a text."""
    return next(p.number for p in pages[start - 1 :] if squash(text) in squash(p.text()))


@pytest.mark.parametrize("output", ["pdf", "docx"])
def test_a_portrait_and_its_byline_stand_with_their_heading(outputs, pdf_pages, lo_pdf, output):
    pages = pdf_pages if output == "pdf" else read_pages(lo_pdf)
    for section in outputs["view"].sections:
        if isinstance(section, EditoSection | InterviewSection) and section.heading:
            page = page_of(pages, section.heading.plain)
            assert page == page_of(pages, section.byline.plain, page), section.heading.plain
            if section.portrait is not None:
                assert pages[page - 1].pictures, section.heading.plain


# --- the running header ----------------------------------------------------------------------


def test_the_running_header_names_the_section_that_starts_on_its_page(outputs, pdf_pages) -> None:
    view = outputs["view"]
    starts = dict(outline_pages(outputs["pdf"]))
    sections = [s for s in view.sections if s.heading and s.running]
    for page in pdf_pages[2:]:
        opening = [s for s in sections if starts[s.heading.plain] == page.number]
        before = [s for s in sections if starts[s.heading.plain] < page.number]
        if opening and opening[0].new_page:
            expected = ""  # its heading stands at the top of the page
        elif opening:
            expected = opening[0].running.plain
        else:
            expected = before[-1].running.plain
        assert squash(page.header()) == squash(expected), page.number


def test_libreoffice_sets_the_docx_in_the_theme_font(outputs, lo_pdf) -> None:
    """The DOCX's embedded font is the one LibreOffice sets it in, though the machine has no
    Inter (fonts/ only): the cabinet sees the journalists' kit. OpenSymbol is LibreOffice's
    own, for the bullets."""
    tool = require_tool("pdffonts")
    rows = subprocess.run([tool, str(lo_pdf)], check=True, capture_output=True, text=True)
    names = {row.split()[0].split("+")[-1] for row in rows.stdout.splitlines()[2:] if row}
    family = load_theme().fonts.docx.family
    assert {name.split("-")[0] for name in names} - {"OpenSymbol"} == {family}, names


def test_the_docx_is_within_a_page_of_the_pdf(outputs, pdf_pages, lo_pdf) -> None:
    """A page number the cabinet writes in a comment is, give or take one, the journalists'
    page: LibreOffice's pages of the DOCX are the PDF's count, or one more or fewer. (atlas,
    its profiles' pictures floated beside their text and its teams side by side, was 14
    pages against 11 while they stood in the flow, one under the other.)"""
    docx_pages = len(read_pages(lo_pdf))
    assert abs(docx_pages - len(pdf_pages)) <= 1, (docx_pages, len(pdf_pages))


# --- pictures --------------------------------------------------------------------------------


def profile_subheadings(view: Edition) -> set[str]:
    """Return the subheadings of the profiles' texts, squashed."""
    return {
        squash(block.text.plain)
        for section in view.sections
        if isinstance(section, ProfilesSection)
        for profile in section.profiles
        for block in profile.body
        if isinstance(block, Subheading)
    }


def cleared_texts(view: Edition) -> set[str]:
    """Return the texts that print.css sets below a picture floated beside the text (clear:
    both), squashed: the headings but a profile's subheadings, the édito's pull quote, key
    figures' numbers, a table's caption and header, a figure's caption."""
    found = {squash(line.plain) for _, line in view.headings()} - profile_subheadings(view)

    def walk(value: object) -> None:
        if isinstance(value, KeyFigures):
            found.update(squash(item.number.plain) for item in value.items)
        elif isinstance(value, Table):
            found.update(squash(line.plain) for line in (value.caption, *value.header) if line)
        elif isinstance(value, Figure):
            found.update(squash(line.plain) for line in value.lines())
        elif isinstance(value, tuple):
            for item in value:
                walk(item)
        elif hasattr(value, "__dataclass_fields__") and not isinstance(value, type | Picture):
            for name in value.__dataclass_fields__:
                walk(getattr(value, name))

    walk(view.sections)
    found.update(
        squash(section.quote.plain)
        for section in view.sections
        if isinstance(section, EditoSection) and section.quote
    )
    # a text the running text holds too (a pull quote that repeats the édito's words) may
    # stand beside a picture there
    return found - {""} - {squash(line) for line in running_lines(view)}


def beside_pictures(page: Page, texts: set[str]) -> list[str]:
    """Return the lines that start one of texts and stand beside a picture of the page, at its
    left: their top between its top and the foot of its caption."""
    starts = [
        line
        for line in page.body()
        if (text := squash(line.text))
        and any(t == text or (len(text) >= 12 and t.startswith(text)) for t in texts)
    ]
    found = []
    for picture in page.pictures:
        bottom = picture.bottom  # and the caption's lines under it, in its width
        for line in sorted(page.body(), key=lambda line: line.box.top):
            under = picture.left - 2 <= line.box.left and line.box.right <= picture.right + 2
            if under and bottom - 2 <= line.box.top <= bottom + 6:
                bottom = line.box.bottom
        found += [
            line.text
            for line in starts
            if picture.top + 2 < line.box.top < bottom and line.box.right < picture.left
        ]
    return found


@pytest.mark.parametrize("output", ["pdf", "docx"])
def test_a_picture_never_runs_beside_the_next_text(outputs, pdf_pages, lo_pdf, output) -> None:
    """What the PDF clears below a picture floated beside the text (the next heading, a
    subheading but a profile's own, key figures, a table, a figure, the pull quote) stands
    below it in both outputs: in the DOCX, LibreOffice's pages of the frames."""
    pages = pdf_pages if output == "pdf" else read_pages(lo_pdf)
    texts = cleared_texts(outputs["view"])
    assert [(page.number, beside_pictures(page, texts)) for page in pages[1:]] == [
        (page.number, []) for page in pages[1:]
    ]


def test_a_profile_never_goes_on_under_a_bare_subheading(outputs, pdf_pages) -> None:
    # « Le projet » at the top of a page names no profile: the page breaks elsewhere
    subheadings = profile_subheadings(outputs["view"])
    tops = [page for page in pdf_pages[2:] if page.body()]
    assert [p.number for p in tops if squash(p.body()[0].text) in subheadings] == []


# --- calendars -------------------------------------------------------------------------------


def test_calendar_pages_are_filled(outputs) -> None:
    empty = calendar_fill(outputs["pdf"], outputs["view"])
    if len(empty) >= 3:
        # before issue 11, events were never split: 34 mm of 251 empty on 2021's calendar pages
        assert statistics.mean(empty) < 25, empty


def test_short_events_stay_whole_and_long_ones_break_after_their_head(outputs, pdf_pages):
    theme = load_theme()
    texts = [squash(page.text()) for page in pdf_pages]
    for section in outputs["view"].sections:
        if not isinstance(section, CalendarSection):
            continue
        for event in section.events:
            lines = list(event.lines())
            whole = squash("".join(line.plain for line in lines))
            if not theme.may_split(event.running_text()):
                assert any(whole in text for text in texts), event.name
                continue
            head = [line for line in (event.when, event.title, event.organisers) if line]
            start = squash("".join(line.plain for line in head))
            page = next(t for t in texts if start in t)
            after = page[page.index(start) + len(start) :]
            # at least two lines of its text: some 60 letters
            assert whole in page or len(after) >= 60, event.name


def test_no_page_a_section_goes_on_onto_holds_less_than_a_quarter_page(outputs, pdf_pages) -> None:
    # two lines of an event and the links box alone on a page: render/pdf/rules.py mends it
    held = continuation_pages(outputs["pdf"], outputs["view"], pdf_pages)
    assert [(n, round(mm)) for n, mm in held if 0 < mm < text_height() / 4] == []


# --- the DOCX's contents ---------------------------------------------------------------------


def test_the_docx_contents_numbers_are_libreoffices_pages(outputs, lo_pdf) -> None:
    wrong = [row for row in contents_check(lo_pdf, outputs["view"]) if row[1] != row[2]]
    assert wrong == []


def test_the_pdf_contents_numbers_are_its_pages(outputs) -> None:
    wrong = [row for row in contents_check(outputs["pdf"], outputs["view"]) if row[1] != row[2]]
    assert wrong == []


def test_every_entry_of_the_contents_is_checked(outputs, lo_pdf) -> None:
    assert len(contents_check(lo_pdf, outputs["view"])) == len(outputs["view"].contents.entries)


# --- editions nobody tuned the estimate to: the synthetic sizes of the benchmark -----------


@pytest.fixture(scope="module", params=[25, 350], ids=lambda n: f"synthetic-{n}")
def synthetic(request, tmp_path_factory) -> tuple[Edition, Path]:
    """A synthetic edition's view and its DOCX as LibreOffice lays it out."""
    import subprocess
    import sys

    from dossier.build import build
    from dossier.load import load_edition
    from dossier.view import prepare
    from tests.conftest import ROOT

    folder = tmp_path_factory.mktemp(f"synthetic-{request.param}")
    edition = folder / "edition"
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "synthetic.py"),
            str(request.param),
            str(edition),
        ],
        check=True,
        capture_output=True,
    )
    (output,) = build(edition, ("docx",), folder / "out")
    return prepare(load_edition(edition), edition), libreoffice_pdf(output.path, folder / "lo")


def test_the_docx_contents_numbers_are_right_on_synthetic_editions(synthetic) -> None:
    view, pdf = synthetic
    rows = contents_check(pdf, view)
    assert len(rows) == len(view.contents.entries) >= 7
    assert [row for row in rows if row[1] != row[2]] == []


# --- a portrait at the foot of a page --------------------------------------------------------

_SENTENCE = (
    "Les villes se réchauffent plus vite que les campagnes qui les entourent, un quartier "
    "minéral peut compter huit degrés de plus qu'un parc voisin lors d'une nuit de canicule."
)


@pytest.mark.parametrize("words", [0, 80, 160, 200, 240, 320])
def test_a_portrait_at_a_page_foot_keeps_the_contents_numbers_right(words, tmp_path) -> None:
    """An interview that opens no page, its heading, its byline and its portrait at the foot
    of a page: LibreOffice moves them on together, for their text, not for the portrait (which
    runs into the margin below). With the frame's height in the heading's chain, or out of it
    with the frame's paragraph alone to move, the estimate parted from LibreOffice's pages
    (here at 80 words before it; at 200 and 240 with a taller portrait)."""
    from dossier.build import build
    from dossier.load import load_edition
    from dossier.view import prepare
    from tests.conftest import ROOT

    atlas = ROOT / "tests" / "editions" / "atlas"
    folder = tmp_path / "edition"
    (folder / "images").mkdir(parents=True)
    for image in (atlas / "images").iterdir():
        (folder / "images" / image.name).write_bytes(image.read_bytes())
    head = (atlas / "edition.yaml").read_text(encoding="utf-8").split("\nsections:")[0]
    text = "\n".join(f'      - "{_SENTENCE}"' for _ in range(9))
    last = ("mot " * words).strip() or "Court."
    (folder / "edition.yaml").write_text(
        f"""{head}
sections:
  - kind: text
    heading: Avant tout
    body:
{text}
      - "{last}"
  - kind: interview
    heading: Entretien avec la directrice
    new_page: no
    person:
      name: Nadia Benali
      role: directrice du programme
    portrait:
      src: images/ministre.jpg
      alt: Portrait de Nadia Benali
      caption: Nadia Benali dans son bureau
    questions:
      - question: Pourquoi ?
        answer: Parce que.
      - question: Et ensuite ?
        answer: "{_SENTENCE}"
  - kind: text
    heading: Section suivante
    new_page: no
    body:
      - "{_SENTENCE}"
""",
        encoding="utf-8",
    )
    (output,) = build(folder, ("docx",), tmp_path / "out")
    view = prepare(load_edition(folder), folder)
    rows = contents_check(libreoffice_pdf(output.path, tmp_path / "lo"), view)
    assert len(rows) == len(view.contents.entries)
    assert [row for row in rows if row[1] != row[2]] == []
