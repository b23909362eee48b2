"""The PDF laid out part by part: each part that opens a page is a WeasyPrint document of its own.

Why parts: after an edit, only the parts whose HTML changed are laid out again (the watch
mode keeps a `Pagination` alive between builds); the contents' and the cross-references' page
numbers are printed from the layout itself instead of WeasyPrint's target-counter(), which lays
their pages out two or three times; and a 500-page programme needs the memory of one part's
layout at a time, not of the whole document's.

How the parts join into a PDF that reads as one layout (the tests compare it with the whole
document laid out at once, byte for byte):

- every part is laid out with the same stylesheet, parsed once, and the same fonts;
- a part whose first page is even starts on a left page (`html { break-before: left }`), so
  that its margins and its running header are those of its place;
- the footer (running title, « 3 / 30 ») depends on the page's number and on the page count:
  each part is laid out without it, then the footers of all pages are laid out at once in a
  document of as many empty pages (`blocks: ["pages"]`) and set on each page;
- the contents' and « voir p. » numbers are literal (`data-page`), taken from the previous
  layout; once every part is laid out, the page each anchor fell on is checked, and the parts
  that printed a wrong number are laid out again, until none does (one more pass, in practice).

Pages of several documents are written as one with `Document.copy`: links, outline and the
structure tree are made at write time from all the pages.

What a layout found is remembered between builds, as LaTeX keeps its .aux: the mends of each
part (by a digest of its HTML, its stylesheet, the fonts and pictures it names, and this code)
and the page of each anchor. A build of an edition laid out before starts from them: its parts
are laid out once each, in one pass, instead of again for each mend and for the numbers. What
is remembered only spares work: the digest changes with anything that could change the layout,
and the pages are checked against the rules as after any layout.
"""

from __future__ import annotations

import contextlib
import copy
import functools
import gc
import hashlib
import json
import logging
import os
import re
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeGuard
from urllib.parse import unquote, urlsplit

import weasyprint
from weasyprint import CSS, HTML, Document
from weasyprint.document import Page
from weasyprint.formatting_structure.boxes import MarginBox
from weasyprint.text.fonts import FontConfiguration

from dossier.errors import RenderError
from dossier.render import say
from dossier.render.html import print_stylesheet, render_html
from dossier.render.pdf import resume, rules
from dossier.view import Edition, Picture, Section

log = logging.getLogger("dossier")

# A number printed wrong moves its part's lines only in a pathological edition; after this many
# passes, the layout is refused rather than printed with a wrong page number.
MAX_PASSES = 6
# What a part lays out without, and the footers' document brings.
_NO_FOOTER = "@page { @bottom-left { content: none; } @bottom-right { content: none; } }"
# A part is laid out again at most this many times to mend its pages (rules.py).
MAX_MENDS = 12
_LEFT_FIRST = "html { break-before: left; }"
# The footers' document: empty pages, each on a page of its own. (Not in print.css: a sibling
# combinator there would tell resume.py that any change may restyle what follows it.)
_BLANK_PAGES = ".blank-page + .blank-page { break-before: page; }"
_FOOTER = ("@bottom-left", "@bottom-center", "@bottom-right")
# The passes after the first, in words, for the terminal: « mise en page, deuxième passe : … ».
_PASSES = {2: "deuxième", 3: "troisième", 4: "quatrième", 5: "cinquième", 6: "sixième"}
# How many parts' mends a memory keeps: those of the last layouts (a draft and a final build of
# one edition, variants), not of every version an edition ever had.
REMEMBERED = 400
# A file a part's HTML or its stylesheet names (a picture, a font): its version is in the digest.
_FILE_URL = re.compile(r"""file://[^"')\s?]+""")

Block = str | Section


@dataclass
class _Laid:
    """One part laid out: its pages, as the part's document made them."""

    document: Document
    children: list[tuple[object, ...]]  # each page's boxes, before the footer is set on it
    anchors: dict[str, int]  # where each anchor fell: the index of its page in the part
    seconds: float
    mends: str = ""  # the rules (CSS) that mended its pages (dossier.render.pdf.rules)
    key: str = ""  # the digest of what its layout depends on (Memory)
    layout: resume.Layout | None = None  # to lay it out again from a page (resume.py)
    tree: rules.Tree | None = None
    # where, in document order, the elements its mends set begin; None if not known (mends
    # an earlier build found): the part's HTML without them differs from there
    targets: list[int] | None = None
    source: str = ""  # its HTML, without the mends
    name: str = ""
    made: int = 0  # the pages its last layout made, the pages kept from an earlier one apart

    @property
    def pages(self) -> list[Page]:
        return self.document.pages


@dataclass
class Report:
    """What the last layout did: how many parts, how many laid out anew, how long it took."""

    parts: int = 0
    layouts: int = 0  # WeasyPrint layouts, a part laid out twice counted twice
    passes: int = 0
    pages: int = 0
    seconds: float = 0.0
    changed: list[str] = field(default_factory=list)  # the parts laid out, by their anchor
    remembered: int = 0  # parts laid out with the mends an earlier build found (Memory)
    pages_made: int = 0  # pages laid out, a page laid out twice counted twice

    @property
    def laid_out(self) -> int:
        """Return how many parts were laid out anew."""
        return len(set(self.changed))


class Memory:
    """What the layouts of an edition found, kept in a file between builds: the mends of each
    part, by the digest of what its layout depends on, and the page of each anchor."""

    FORMAT = 1

    def __init__(self, path: Path) -> None:
        self.path = path
        self.mends: dict[str, str] = {}
        self.numbers: dict[str, str] = {}
        try:
            found = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):  # none yet, or unreadable: it only spares work
            return
        if not isinstance(found, dict) or found.get("format") != self.FORMAT:
            return
        if found.get("code") != _code():  # laid out by other code: its mends may not hold
            return
        mends, numbers = found.get("mends"), found.get("numbers")
        if _strings(mends) and _strings(numbers):
            self.mends, self.numbers = mends, numbers

    def keep(self, parts: Sequence[_Laid], numbers: dict[str, str]) -> None:
        """Remember what a layout found; write the file if that changes it."""
        mends = dict(self.mends)
        for part in parts:
            mends.pop(part.key, None)
            mends[part.key] = part.mends  # the latest last: the oldest go first
        mends = dict(list(mends.items())[-REMEMBERED:])
        if mends == self.mends and numbers == self.numbers:
            return
        self.mends, self.numbers = mends, dict(numbers)
        data = {"format": self.FORMAT, "code": _code(), "numbers": numbers, "mends": mends}
        temporary: str | None = None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            descriptor, temporary = tempfile.mkstemp(
                prefix=f".{self.path.name}.", suffix=".tmp", dir=self.path.parent
            )
            with os.fdopen(descriptor, "w", encoding="utf-8") as file:
                json.dump(data, file, ensure_ascii=False)
            os.replace(temporary, self.path)
        except OSError as error:  # the PDF is made all the same; the next build finds again
            log.debug("layout memory not kept in %s: %s", self.path, error)
            if temporary is not None:
                with contextlib.suppress(OSError):
                    os.unlink(temporary)


def _strings(value: object) -> TypeGuard[dict[str, str]]:
    return isinstance(value, dict) and all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    )


@functools.cache
def _code() -> str:
    """Return the digest of the code a layout depends on: WeasyPrint's version and this package's
    PDF modules (the rules, the hooks on WeasyPrint's layout)."""
    digest = hashlib.sha256(weasyprint.__version__.encode())
    for module in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(module.read_bytes())
    return digest.hexdigest()


def _versions(text: str) -> str:
    """Return the version (time, size) of each file a text names by a file: URL."""
    versions = []
    for url in sorted(set(_FILE_URL.findall(text))):
        try:
            status = Path(unquote(urlsplit(url).path)).stat()
        except OSError:
            versions.append(f"{url} -")
            continue
        versions.append(f"{url} {status.st_mtime_ns} {status.st_size}")
    return "\n".join(versions)


class Pagination:
    """The layout of one edition's PDF, kept part by part between builds."""

    def __init__(self, folder: Path, fetcher: Callable[[str], object]) -> None:
        self.base_url = folder.resolve().as_uri() + "/"
        self.fetcher = fetcher
        self.fonts = FontConfiguration()
        self.images: dict[str, object] = {}  # WeasyPrint's cache of decoded images, by URL
        self.stylesheet: tuple[str, CSS] | None = None
        self.versions = ""  # of the files the stylesheet names: its fonts, its pictures
        self.laid: dict[str, _Laid] = {}  # by the part's HTML: the same HTML lays out the same
        self.footers: tuple[str, Document] | None = None
        self.numbers: dict[str, str] = {}  # the page of each anchor, in the last layout
        self.report = Report()
        self.memory: Memory | None = None
        # whether a part's layout is kept to be laid out again from a page after an edit: in
        # the watch mode; a build keeps it only while it mends the part
        self.keep_layouts = False

    def lay_out(self, edition: Edition, memory: Path | None = None) -> Document:
        """Return the edition's pages as one document, laying out only the parts that changed.

        memory: the file where what the layouts found is kept between builds (Memory).
        """
        started = time.perf_counter()
        report = Report()
        if memory is not None and (self.memory is None or self.memory.path != memory):
            self.memory = Memory(memory)
        sheet = self._stylesheet(edition)
        source = _versioned_source(edition)
        parts = _parts(edition)
        numbers = dict(self.numbers or (self.memory.numbers if self.memory else {}))
        laid: dict[str, _Laid] = {}
        written: dict[tuple[int, bool], tuple[tuple[tuple[str, str | None], ...], str]] = {}
        with _collector_paused():
            for report.passes in range(1, MAX_PASSES + 1):
                order: list[_Laid] = []
                for number, blocks in enumerate(parts, 1):
                    left = sum(len(part.pages) for part in order) % 2 == 1
                    # A part's HTML changes from one pass to the next only with the numbers it
                    # prints, or the side it starts on: written once, again only then.
                    html = _written(written, (number, left), numbers)
                    if html is None:
                        asked = _Asked(numbers)
                        html = render_html(
                            edition,
                            "print",
                            {
                                "blocks": blocks,
                                "numbers": asked,
                                "stylesheet": "",
                                "page_css": _NO_FOOTER + (_LEFT_FIRST if left else ""),
                                "source": source,
                                "dated": False,
                            },
                        )
                        printed = tuple((anchor, numbers.get(anchor)) for anchor in asked.asked)
                        written[number, left] = (printed, html)
                    part = laid.get(html) or self.laid.get(html)
                    if part is None:
                        say(_laying_out(report.passes, number, len(parts)))
                        part = self._settled(html, sheet, blocks, report)
                        report.changed.append(_name(blocks))
                    laid[html] = part
                    order.append(part)
                found = _numbers(order)
                if all(numbers.get(anchor) == found.get(anchor) for anchor in _referenced(edition)):
                    break
                numbers = found
            else:
                raise RenderError(
                    "PDF : les numéros de page du sommaire et des renvois ne se stabilisent pas "
                    f"après {MAX_PASSES} mises en page ; raccourcissez les titres du sommaire"
                )
            pages = self._with_footers(edition, order, sheet)
        # Only what this layout used is kept: the next one compares with it.
        before = self.laid
        self.laid = {html: part for html, part in laid.items() if part in order}
        for part in [*before.values(), *laid.values()]:
            if part not in order:
                _release(part)  # laid out again, or gone
        self.numbers = found
        if self.memory is not None and memory is not None:
            self.memory.keep(order, found)
        report.parts = len(parts)
        report.pages = len(pages)
        report.seconds = time.perf_counter() - started
        self.report = report
        document = order[0].document.copy(pages)
        document.metadata = copy.copy(document.metadata)  # the cover's document keeps its own
        document.metadata.created = edition.created.isoformat(timespec="seconds")
        return document

    def whole_html(self, edition: Edition) -> str:
        """Return the press kit as one HTML document, with the numbers of the last layout.

        Laid out at once by WeasyPrint, it gives the very PDF the parts give (a test holds them
        to it, byte for byte); the benchmark times WeasyPrint alone on it.
        """
        mends = "\n".join(part.mends for part in self.laid.values() if part.mends)
        page = {"numbers": self.numbers, "source": _versioned_source(edition), "page_css": mends}
        return render_html(edition, "print", page)

    def _stylesheet(self, edition: Edition) -> CSS:
        text = print_stylesheet(edition)
        if self.stylesheet is None or self.stylesheet[0] != text:
            css = CSS(
                string=text,
                base_url=self.base_url,
                url_fetcher=self.fetcher,
                font_config=self.fonts,
            )
            self.stylesheet = (text, css)
            self.versions = _versions(text)
            self.laid.clear()  # laid out with another stylesheet: nothing can be kept
            self.footers = None
        return self.stylesheet[1]

    def _settled(self, html: str, sheet: CSS, blocks: list[Block], report: Report) -> _Laid:
        """Lay a part out, then again with what mends the pages that break a rule of the
        layout that CSS cannot say (dossier.render.pdf.rules), until none does."""
        # the sections that open with a heading: one without reads as the text going on
        sections = [b.anchor for b in blocks if isinstance(b, Section) and b.heading]
        key = self._key(html)
        known = self.memory.mends.get(key) if self.memory else None
        mends: list[str] = [known] if known else []  # an earlier build's: laid out with them
        targets: list[int] | None = None if known else []
        earlier = None if known else self._earlier(html, _name(blocks))
        part, tree = self._render(_with_css(html, mends) if mends else html, sheet, earlier)
        report.layouts += 1
        report.pages_made += part.made
        report.remembered += known is not None
        tried: set[tuple[int, str]] = set()
        for _ in range(MAX_MENDS):
            problem = rules.problem(part.pages, sections)
            if problem is None or problem in tried:
                break
            tried.add(problem)
            page, rule = problem
            if rule == "hyphen":
                # every page of the part that ends on a hyphenated word, mended in one layout:
                # a long calendar has several, and each layout of it is seconds
                ends = [rules.hyphenated_end(later) for later in part.pages[page:]]
                found = list(dict.fromkeys(end.element for end in ends if end is not None))
                assert found
                attempts: list[rules.Mend | None] = [rules.unhyphenated(tree, found)]
            else:
                later = rules.opening(part.pages, sections, page)
                attempts = [
                    rules.tighter(tree, part.pages, page, later),
                    rules.pulled_back(tree, part.pages, page, later),
                ]
            for mend in filter(None, attempts):
                # laid out again from the page before the first that holds what it sets
                places = _places(part, mend.elements)
                within = part.layout.ends if part.layout is not None else []
                last = max(within[place] if place < len(within) else place for place in places)
                change = functools.partial(_at, min(places), last)
                candidate, candidate_tree = self._render(
                    _with_css(html, [*mends, mend.css]),
                    sheet,
                    (part, tree, change),
                )
                report.layouts += 1
                report.pages_made += candidate.made
                if rules.problem(candidate.pages, sections) != problem:
                    mends.append(mend.css)
                    if targets is not None:
                        targets.extend([min(places), last])  # what its rules reach
                    _release(part)
                    part, tree = candidate, candidate_tree
                    break
                _release(candidate)
        part.mends = "\n".join(mends)
        part.key = key
        part.targets = targets
        part.source = html
        part.name = _name(blocks)
        if not self.keep_layouts:
            _release(part)
        return part

    def _earlier(
        self, html: str, name: str
    ) -> tuple[_Laid, rules.Tree, Callable[[object], tuple[int, int, int, int]]] | None:
        """Return the last layout of a part (the watch mode's) to lay it out again from the
        page before the first that an edit changed, if its HTML differs only in its body."""
        head = html[: html.find("</head>")]
        for part in self.laid.values():
            if part.name != name or part.layout is None or part.tree is None:
                continue
            if part.targets is None or part.source[: part.source.find("</head>")] != head:
                return None  # its mends unknown, or another start (left, right), another head
            return part, part.tree, functools.partial(_edited, part.layout.root, part.targets)
        return None

    def _key(self, html: str) -> str:
        """Return the digest of all a part's layout depends on: its HTML, its stylesheet, the
        files they name, the code that lays out."""
        assert self.stylesheet is not None
        digest = hashlib.sha256(_code().encode())
        for text in (self.stylesheet[0], self.versions, html, _versions(html)):
            digest.update(text.encode())
            digest.update(b"\0")
        return digest.hexdigest()

    def _render(
        self,
        html: str,
        sheet: CSS,
        earlier: tuple[_Laid, rules.Tree, Callable[[object], tuple[int, int, int, int]]]
        | None = None,
    ) -> tuple[_Laid, rules.Tree]:
        """Lay a part out; earlier: a layout of it whose pages before a change are kept, and
        the place of the change in document order, from the new HTML's root."""
        started = time.perf_counter()
        source = HTML(string=html, base_url=self.base_url, url_fetcher=self.fetcher)
        before = None
        if earlier is not None and earlier[0].layout is not None:
            part, _, change = earlier
            assert part.layout is not None
            before = (part.layout, part.pages, change(source.etree_element))
        assert self.stylesheet is not None
        reach = resume.reaches(self.stylesheet[0])  # what a change restyles around it
        document, layout = resume.render(source, [sheet], self.fonts, self.images, before, reach)
        anchors: dict[str, int] = {}
        for index, page in enumerate(document.pages):
            for anchor in page.anchors:
                anchors.setdefault(anchor, index)
        start, tail = layout.start, layout.tail
        kept = earlier is not None and (start or tail)
        made = document.pages[start : len(document.pages) - tail]
        children = [
            *(earlier[0].children[:start] if kept and earlier else []),
            *(tuple(page._page_box.children) for page in made),  # before the footers are set
            *(earlier[0].children[len(earlier[0].children) - tail :] if tail and earlier else []),
        ]
        if not gc.isenabled():  # paused by lay_out: this part's garbage goes now, the rest stays
            gc.collect()
            gc.freeze()
        laid = _Laid(document, children, anchors, time.perf_counter() - started)
        laid.layout, laid.made = layout, len(made)
        # the elements of the pages kept from an earlier layout are named by its tree
        own = set(layout.elements)
        old = [element for element in layout.order if element not in own] if kept else []
        tree = rules.Tree(source.etree_element, earlier[1] if kept and earlier else None, old)
        laid.tree = tree
        return laid, tree

    def _with_footers(self, edition: Edition, order: Sequence[_Laid], sheet: CSS) -> list[Page]:
        """Set on every page its footer, laid out once for the whole sequence of pages."""
        count = sum(len(part.pages) for part in order)
        html = render_html(
            edition,
            "print",
            {
                "blocks": ["pages"],
                "page_count": count,
                "stylesheet": "",
                "page_css": _BLANK_PAGES,
                "dated": False,
            },
        )
        if self.footers is None or self.footers[0] != html:
            say("mise en page : pieds de page")
            footers = HTML(string=html, base_url=self.base_url, url_fetcher=self.fetcher).render(
                stylesheets=[sheet], font_config=self.fonts, cache=self.images
            )
            if len(footers.pages) != count:
                raise RuntimeError(f"{len(footers.pages)} footers for {count} pages")
            self.footers = (html, footers)
        pages = []
        for (page, children), footer in zip(_pages(order), self.footers[1].pages, strict=True):
            boxes = tuple(
                box
                for box in footer._page_box.children
                if isinstance(box, MarginBox) and box.at_keyword in _FOOTER
            )
            page._page_box.children = children + boxes  # the part's own boxes, kept apart
            pages.append(page)
        return pages

    def forget_images(self) -> None:
        """Drop the decoded images: a file may have changed under the same name."""
        self.images.clear()


def _at(first: int, last: int, root: object) -> tuple[int, int, int, int]:
    """Return where a mend changes a part: the places of the elements it sets (resume.changes);
    it adds none."""
    return first, last, 0, first


def _edited(before: object, targets: list[int], root: object) -> tuple[int, int, int, int]:
    """Return where an edit changes a part: where its body differs, and where the mends of its
    last layout set elements (the new HTML has no mends yet)."""
    first, last, shift, parent = resume.changes(before, root)
    return min([first, *targets]), max([last, *targets]), shift, min([parent, *targets])


def _release(part: _Laid) -> None:
    """Let what a part's layout keeps to be laid out again go, once the part no longer needs it
    (its element tree, its styles, where its pages start)."""
    part.layout = part.tree = None


def _places(part: _Laid, elements: list[object]) -> list[int]:
    """Return where elements stand in a part's document order; nothing if one is not known."""
    order = part.layout.order if part.layout is not None else {}
    places = [order.get(element) for element in elements]
    return [place for place in places if place is not None] if None not in places else [0]


def _with_css(html: str, mends: list[str]) -> str:
    """Return a part's HTML with the rules that mend its pages, after its own styles."""
    return html.replace("</head>", f"<style>\n{chr(10).join(mends)}\n</style>\n</head>", 1)


class _Asked(dict):
    """The page numbers, noting those a template asks for (`numbers.get(anchor, '')`)."""

    def __init__(self, numbers: dict[str, str]) -> None:
        super().__init__(numbers)
        self.asked: dict[str, None] = {}

    def get(self, anchor: str, default: object = None) -> object:
        self.asked[anchor] = None
        return super().get(anchor, default)

    def __getitem__(self, anchor: str) -> str:
        self.asked[anchor] = None
        return super().__getitem__(anchor)


def _written(
    written: dict[tuple[int, bool], tuple[tuple[tuple[str, str | None], ...], str]],
    key: tuple[int, bool],
    numbers: dict[str, str],
) -> str | None:
    """Return a part's HTML of an earlier pass if the numbers it printed are still the same."""
    found = written.get(key)
    if found is None:
        return None
    printed, html = found
    return html if all(numbers.get(anchor) == page for anchor, page in printed) else None


def _laying_out(passes: int, number: int, count: int) -> str:
    """Say which part is being laid out, and in which pass if not the first."""
    when = f", {_PASSES.get(passes, f'{passes}e')} passe" if passes > 1 else ""
    return f"mise en page{when} : partie {number} sur {count}"


def _pages(order: Sequence[_Laid]) -> Iterator[tuple[Page, tuple[object, ...]]]:
    for part in order:
        yield from zip(part.pages, part.children, strict=True)


def _parts(edition: Edition) -> list[list[Block]]:
    """Split the press kit where its pages break: the cover, the contents, each section that
    opens a page with those that follow it on the same pages."""
    parts: list[list[Block]] = [["cover"], ["contents"]]
    for section in edition.sections:
        if section.new_page:
            parts.append([section])
        else:
            parts[-1].append(section)
    if edition.accessibility is not None:  # the statement closes the last part
        parts[-1].append("colophon")
    return parts


def _name(blocks: list[Block]) -> str:
    first = blocks[0]
    return first if isinstance(first, str) else first.anchor


def _numbers(order: Sequence[_Laid]) -> dict[str, str]:
    """Return the page number each anchor fell on, counting the pages of all parts."""
    numbers: dict[str, str] = {}
    first = 1
    for part in order:
        for anchor, index in part.anchors.items():
            numbers.setdefault(anchor, str(first + index))
        first += len(part.pages)
    return numbers


def _referenced(edition: Edition) -> set[str]:
    """Return the anchors whose page number the press kit prints: contents and cross-references."""
    anchors = {entry.anchor for entry in edition.contents.entries}
    for line in edition.lines():
        for text in line.texts:
            anchors.update(span.page_of for span in text.spans if span.page_of)
    return anchors


def _versioned_source(edition: Edition) -> Callable[[Picture], str]:
    """Name each picture by its file and its version: a replaced image is a changed part."""

    def source(picture: Picture) -> str:
        try:
            status = picture.path.stat()
        except OSError:  # WeasyPrint will say so, through the fetcher
            return picture.path.as_uri()
        return f"{picture.path.as_uri()}?v={status.st_mtime_ns}-{status.st_size}"

    return source


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Keep Python's cycle collector out of the layout, which makes millions of objects.

    What exists before is frozen (never scanned again); the collector runs once after.
    """
    enabled = gc.isenabled()
    gc.freeze()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
        gc.unfreeze()
