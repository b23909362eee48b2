"""Where things stand on the pages of a PDF, read back as a reader's tools see them.

Lines of text come from poppler (`pdftotext -bbox-layout`), pictures and filled boxes from the
pages' content streams (pikepdf), bookmarks from the outline. Positions are in points from the
top left corner of the page, as a reader looks at it.
"""

from __future__ import annotations

import hashlib
import re
import subprocess
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

import pikepdf

from dossier.theme import load_theme
from dossier.view import CalendarSection, Edition
from tests.conftest import require_tool

POINTS_PER_MM = 72 / 25.4
_XHTML = "{http://www.w3.org/1999/xhtml}"


@dataclass(frozen=True)
class Box:
    """A rectangle on a page, in points from its top left corner."""

    left: float
    top: float
    right: float
    bottom: float

    @property
    def width(self) -> float:
        """Return its width."""
        return self.right - self.left

    @property
    def height(self) -> float:
        """Return its height."""
        return self.bottom - self.top

    def overlaps(self, other: Box, margin: float = 0.0) -> bool:
        """Say whether two boxes share some area, once each is shrunk by margin."""
        return (
            self.left + margin < other.right - margin
            and other.left + margin < self.right - margin
            and self.top + margin < other.bottom - margin
            and other.top + margin < self.bottom - margin
        )


@dataclass(frozen=True)
class TextLine:
    """One line of text as poppler reads it, with its box."""

    text: str
    box: Box


@dataclass
class Page:
    """What a page holds: its lines, its pictures and its filled boxes by colour."""

    number: int
    width: float
    height: float
    lines: list[TextLine] = field(default_factory=list)
    pictures: list[Box] = field(default_factory=list)
    fills: list[tuple[str, Box]] = field(default_factory=list)  # (#rrggbb, box)

    def body(self) -> list[TextLine]:
        """Return the lines inside the page's margins: running header and footer left out."""
        page = load_theme().page
        top, bottom = page.top * POINTS_PER_MM, self.height - page.bottom * POINTS_PER_MM
        return [
            line for line in self.lines if line.box.top >= top - 2 and line.box.bottom <= bottom + 2
        ]

    def header(self) -> str:
        """Return the running header's text: the lines above the top margin."""
        top = load_theme().page.top * POINTS_PER_MM
        return " ".join(line.text for line in self.lines if line.box.bottom < top - 2)

    def text(self) -> str:
        """Return the text of the body, line after line."""
        return "\n".join(line.text for line in self.body())


def read_pages(pdf: Path) -> list[Page]:
    """Return every page of a PDF with its lines, pictures and filled boxes."""
    tool = require_tool("pdftotext")
    xhtml = subprocess.run(
        [tool, "-bbox-layout", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    root = ET.fromstring(xhtml)
    pages = []
    for number, element in enumerate(root.iter(f"{_XHTML}page"), start=1):
        page = Page(number, float(element.get("width", 0)), float(element.get("height", 0)))
        for line in element.iter(f"{_XHTML}line"):
            words = [w.text or "" for w in line.iter(f"{_XHTML}word")]
            page.lines.append(TextLine(" ".join(words), _box(line)))
        pages.append(page)
    with pikepdf.open(pdf) as document:
        for page, source in zip(pages, document.pages, strict=True):
            _paint(page, source.obj, _identity(), page.height)
    return pages


def _box(element: ET.Element) -> Box:
    return Box(*(float(element.get(k, 0)) for k in ("xMin", "yMin", "xMax", "yMax")))


Matrix = tuple[float, float, float, float, float, float]


def _identity() -> Matrix:
    return (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


def _multiply(m: Matrix, n: Matrix) -> Matrix:
    a, b, c, d, e, f = m
    a2, b2, c2, d2, e2, f2 = n
    return (
        a * a2 + b * c2,
        a * b2 + b * d2,
        c * a2 + d * c2,
        c * b2 + d * d2,
        e * a2 + f * c2 + e2,
        e * b2 + f * d2 + f2,
    )


def _apply(m: Matrix, x: float, y: float) -> tuple[float, float]:
    a, b, c, d, e, f = m
    return a * x + c * y + e, b * x + d * y + f


def _page_box(m: Matrix, x0: float, y0: float, x1: float, y1: float, height: float) -> Box:
    corners = [_apply(m, x, y) for x in (x0, x1) for y in (y0, y1)]
    xs, ys = [p[0] for p in corners], [height - p[1] for p in corners]
    return Box(min(xs), min(ys), max(xs), max(ys))


def _paint(page: Page, stream: pikepdf.Object, start: Matrix, height: float) -> None:
    """Follow a content stream: where each image is drawn, which rectangles are filled."""
    matrix, stack = start, []
    colour = "#000000"
    rectangles: list[tuple[float, float, float, float]] = []
    resources = stream.get("/Resources", {})
    xobjects = resources.get("/XObject", {}) if resources else {}
    for operands, operator in pikepdf.parse_content_stream(stream):
        op = str(operator)
        if op == "q":
            stack.append((matrix, colour))
        elif op == "Q" and stack:
            matrix, colour = stack.pop()
        elif op == "cm":
            matrix = _multiply(tuple(float(v) for v in operands), matrix)  # type: ignore[arg-type]
        elif op == "rg":
            colour = "#" + "".join(f"{round(float(v) * 255):02x}" for v in operands)
        elif op == "re":
            x, y, w, h = (float(v) for v in operands)
            rectangles.append((x, y, x + w, y + h))
        elif op in ("f", "f*", "F", "B", "b"):
            for x0, y0, x1, y1 in rectangles:
                page.fills.append((colour, _page_box(matrix, x0, y0, x1, y1, height)))
            rectangles = []
        elif op in ("n", "S", "s"):
            rectangles = []
        elif op == "Do":
            xobject = xobjects.get(str(operands[0]))
            if xobject is None:
                continue
            if xobject.get("/Subtype") == "/Image":
                page.pictures.append(_page_box(matrix, 0, 0, 1, 1, height))
            elif xobject.get("/Subtype") == "/Form":
                inner = tuple(float(v) for v in xobject.get("/Matrix", [1, 0, 0, 1, 0, 0]))
                _paint(page, xobject, _multiply(inner, matrix), height)  # type: ignore[arg-type]


def outline_pages(pdf: Path) -> list[tuple[str, int]]:
    """Return each bookmark of a PDF, in order, with the number of the page it leads to."""
    found: list[tuple[str, int]] = []
    with pikepdf.open(pdf) as document:
        numbers = {page.objgen: index + 1 for index, page in enumerate(document.pages)}
        with document.open_outline() as outline:

            def walk(items) -> None:
                for item in items:
                    destination = item.destination
                    if destination is None and item.action is not None:
                        destination = item.action.get("/D")
                    if isinstance(destination, pikepdf.Array) and len(destination):
                        found.append((item.title, numbers.get(destination[0].objgen, 0)))
                    walk(item.children)

            walk(outline.root)
    return found


def libreoffice_pdf(docx: Path, folder: Path) -> Path:
    """Return the DOCX as LibreOffice lays it out and exports it, bookmarks included."""
    return libreoffice_export(docx, folder, "pdf")


def libreoffice_export(document: Path, folder: Path, to: str) -> Path:
    """Return a document as LibreOffice saves it in another format (to: its filter), in folder.

    LibreOffice runs with a profile of its own in folder: two at once never share one.
    """
    soffice = require_tool("soffice")
    folder.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={(folder / 'profile').as_uri()}",
            "--headless",
            "--convert-to",
            to,
            "--outdir",
            str(folder),
            str(document),
        ],
        check=True,
        capture_output=True,
        timeout=600,
    )
    exported = folder / f"{document.stem}.{to.split(':')[0]}"
    assert exported.is_file(), "LibreOffice exited 0 but wrote nothing: it could not load the file"
    return exported


def squash(text: str) -> str:
    """Keep letters and digits only: line breaks, hyphenation and spacing do not count."""
    return re.sub(r"[\W_]+", "", text.replace("\u00ad", "")).lower()


def calendar_pages(pdf: Path, view: Edition) -> list[tuple[Page, bool]]:
    """Return each page of the PDF's calendars, and whether its calendar goes on after it.

    A section's first page is its bookmark's; a calendar's pages run to the next section's.
    """
    pages = read_pages(pdf)
    starts = dict(outline_pages(pdf))
    sections = [s for s in view.sections if s.heading]
    found = []
    for index, section in enumerate(sections):
        if not isinstance(section, CalendarSection):
            continue
        first = starts[section.heading.plain]
        following = sections[index + 1 :]
        last = starts[following[0].heading.plain] if following else len(pages)
        if following and following[0].new_page:
            last -= 1
        found += [(pages[n - 1], n < last) for n in range(first, last + 1)]
    return found


def empty_foot(page: Page) -> float:
    """Return the height left empty under the last line of a page's body, in millimetres."""
    bottom = page.height - load_theme().page.bottom * POINTS_PER_MM
    lines = page.body()
    return (bottom - max(line.box.bottom for line in lines)) / POINTS_PER_MM if lines else 0.0


def calendar_fill(pdf: Path, view: Edition) -> list[float]:
    """Return the empty height at the foot of each calendar page that its calendar fills on."""
    return [empty_foot(page) for page, goes_on in calendar_pages(pdf, view) if goes_on]


def contents_check(pdf: Path, view: Edition, contents_page: int = 2) -> list[tuple[str, int, int]]:
    """Return each contents entry with the number its contents page prints and its real page.

    The real page is that of the entry's bookmark, found in order in the PDF's outline: where
    the tool that made the PDF (WeasyPrint, or LibreOffice for the DOCX) laid the heading out.
    """
    tool = require_tool("pdftotext")
    page = subprocess.run(
        [tool, "-layout", "-f", str(contents_page), "-l", str(contents_page), str(pdf), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    printed = [int(n) for n in re.findall(r"(?:\. ?)+\s*(\d+)\s*$", page, re.M)]
    outline = iter(outline_pages(pdf))
    found = []
    for entry, number in zip(view.contents.entries, printed, strict=True):
        title = squash(entry.text.plain)
        real = next(n for t, n in outline if squash(t) == title)
        found.append((entry.text.plain, number, real))
    return found


def pdf_facts(pdf: Path) -> dict[str, object]:
    """What a reader sees of a PDF: each page's text, the outline, the links, the page labels,
    the contents' numbers and each page's images (by their bytes)."""
    text = subprocess.run(
        [require_tool("pdftotext"), "-layout", str(pdf), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    with pikepdf.open(pdf) as document:
        numbers = {page.objgen: n for n, page in enumerate(document.pages)}
        outline: list[tuple[int, str, int]] = []
        with document.open_outline() as tree:

            def walk(items, depth: int) -> None:
                for item in items:
                    outline.append((depth, item.title, numbers[item.destination[0].objgen]))
                    walk(item.children, depth + 1)

            walk(tree.root, 0)
        links = [
            (
                n,
                str(annotation.A.URI) if "/A" in annotation else str(annotation.Dest),
                [round(float(x)) for x in annotation.Rect],
            )
            for n, page in enumerate(document.pages)
            for annotation in page.get("/Annots", [])
            if annotation.get("/Subtype") == "/Link"
        ]
        labels = str(document.Root.get("/PageLabels"))
        images = [
            sorted(
                hashlib.sha256(image.read_raw_bytes()).hexdigest()
                for image in page.get_images().values()
            )
            for page in document.pages
        ]
    pages = text.split("\f")
    return {
        "pages": pages,
        "outline": outline,
        "links": links,
        "labels": labels,
        "contents": re.findall(r"\.\s(\d+)\n", pages[1]) if len(pages) > 1 else [],
        "images": images,
    }


HYPHEN = "\u2010"  # WeasyPrint's hyphenation mark; a hyphen of the source is U+002D


def opening_pages(pdf: Path, view: Edition) -> set[int]:
    """Return the pages a section opens (its bookmark's page, when it starts a new page)."""
    starts = dict(outline_pages(pdf))
    return {starts[s.heading.plain] for s in view.sections if s.heading and s.new_page}


def text_height() -> float:
    """Return the height of a page's body, in millimetres."""
    page = load_theme().page
    return page.height - page.top - page.bottom


def held(page: Page, headings: list[str]) -> float:
    """Return how much of a page, in millimetres from its top, the section going on holds.

    It ends where a section that opens on the page begins (headings: theirs, squashed), or
    else where the page's last line or picture ends.
    """
    top = load_theme().page.top * POINTS_PER_MM
    lines = page.body()
    for index, line in enumerate(lines):
        text = squash(line.text)
        if len(text) >= 6 and any(h.startswith(text) for h in headings):
            return (line.box.top - top) / POINTS_PER_MM if index else 0.0  # one opens the page
    bottoms = [line.box.bottom for line in lines]
    bottoms += [p.bottom for p in page.pictures if p.top >= top - 2]
    return (max(bottoms) - top) / POINTS_PER_MM if bottoms else 0.0


def continuation_pages(
    pdf: Path, view: Edition, pages: list[Page] | None = None
) -> list[tuple[int, float]]:
    """Return each page a section goes on onto, with how much of it the page holds (mm).

    A continuation page is any page after the contents that no section opens: what it holds
    of the section going on starts at the top of its body.
    """
    pages = read_pages(pdf) if pages is None else pages
    starts = dict(outline_pages(pdf))
    opening = opening_pages(pdf, view)
    found = []
    for page in pages[2:]:
        if page.number in opening:
            continue
        headings = [
            squash(s.heading.plain)
            for s in view.sections
            if s.heading and starts.get(s.heading.plain) == page.number
        ]
        found.append((page.number, held(page, headings)))
    return found


def near_empty_pages(pdf: Path, view: Edition, pages: list[Page] | None = None) -> list[int]:
    """Return the pages a section goes on onto that hold less than a quarter page of it."""
    quarter = text_height() / 4
    return [n for n, height in continuation_pages(pdf, view, pages) if 0 < height < quarter]


def hyphens_at_page_ends(pages: list[Page]) -> list[tuple[int, str]]:
    """Return each page whose body's last line ends with a word the layout hyphenated."""
    found = []
    for page in pages:
        lines = page.body()
        if not lines:
            continue
        lowest = max(line.box.bottom for line in lines)
        last = [line for line in lines if line.box.bottom > lowest - 2]  # one per column
        found += [(page.number, line.text) for line in last if line.text.endswith(HYPHEN)]
    return found
