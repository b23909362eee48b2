"""The layout rules that CSS cannot say, checked on a part once laid out, and what mends them.

WeasyPrint breaks pages where the stylesheet lets it; two rules of French print need to see
the pages first:

- **no near-empty page**: a page that a section goes on onto holds at least a quarter of a
  page of it. Otherwise the part is laid out again, first with the events of the page before
  it set tighter (a calendar's spacing, never its type), which most often brings the few
  lines back; if they still spill, the last blocks of the page before are pulled over (a
  forced break before the latest block that makes the page hold its quarter): a page ends
  a little short rather than a page holding two lines and the links box;
- **no hyphen at the end of a page**: the last line of a page never ends on a hyphenated
  word. The paragraph it belongs to is laid out again unhyphenated (`hyphens: manual`), and
  the part with it; every such paragraph of the part's pages from there, in one layout.

Each mend is a CSS rule naming its element by its path from the nearest element with an id
(a section, a day, an event): it goes into the part's HTML, and into the whole document's
(`Pagination.whole_html`), which lays out into the very same pages.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any, NamedTuple

from weasyprint.document import Page
from weasyprint.formatting_structure import boxes

QUARTER = 0.25  # of the page's body: what a page a section goes on onto holds at least
MARGIN = 3.0  # points: what poppler's reading of a line may differ from WeasyPrint's box by
# The blocks a section's flow is made of, where a page may be forced to break: an element
# whose parent is one of these (by class), or a section that follows another on its page;
# never inside an event, which keeps together.
_FLOWS = {"section", "events", "profiles", "profile", "day", "intro"}
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
# Tighter events: less space between them and above their date, the type unchanged.
TIGHT = "margin-bottom: 2mm !important; padding-bottom: 0 !important"
TIGHT_WHEN = "padding-top: 1.5mm !important"
TIGHT_GAP = 2 * 96 / 25.4  # what TIGHT leaves below an event, in CSS pixels
TIGHT_WHEN_GAP = 1.5 * 96 / 25.4  # and above its date


class Mend(NamedTuple):
    """A rule that mends a part's pages, and the elements it sets otherwise."""

    css: str
    elements: list[object]


class Tree:
    """The part's elements, each with its parent: to name one by a CSS selector.

    also: the tree of an earlier layout whose pages the part keeps (resume.py), of the same
    shape where they are kept; kept: the elements of those pages, named as well, by the same
    selectors.
    """

    def __init__(self, root: object, also: Tree | None = None, kept: Iterable[object] = ()) -> None:
        self.parents: dict[object, object] = {}
        if also is not None:  # the kept elements and their ancestors only: not every tree
            for element in kept:
                while element in also.parents and element not in self.parents:
                    self.parents[element] = element = also.parents[element]
        stack = [root]
        while stack:
            element = stack.pop()
            for child in _children(element):
                self.parents[child] = element
                stack.append(child)

    def selector(self, element: object) -> str:
        """Return a selector for one element: from its nearest ancestor with an id."""
        steps = []
        while element is not None:
            identifier = element.get("id")  # type: ignore[attr-defined]
            if identifier:
                steps.append("#" + _identifier(identifier))
                break
            parent = self.parents.get(element)
            if parent is None:
                steps.append(_tag(element))
                break
            steps.append(f":nth-child({_children(parent).index(element) + 1})")
            element = parent
        return " > ".join(reversed(steps))

    def previous(self, element: object) -> object | None:
        """Return the element just before this one among its parent's children."""
        parent = self.parents.get(element)
        if parent is None:
            return None
        siblings = _children(parent)
        index = siblings.index(element)
        return siblings[index - 1] if index else None

    def parent(self, element: object) -> object | None:
        """Return an element's parent."""
        return self.parents.get(element)


def _identifier(name: str) -> str:
    """Return an id as a CSS identifier: a leading digit, and any character but letters,
    digits, - and _, escaped."""
    escaped = re.sub(r"[^A-Za-z0-9_-]", lambda m: f"\\{ord(m.group()):x} ", name)
    return re.sub(r"^(-?)([0-9])", lambda m: f"{m.group(1)}\\{ord(m.group(2)):x} ", escaped)


def _children(element: object) -> list[object]:
    return [child for child in element if isinstance(child.tag, str)]  # type: ignore[attr-defined]


def _tag(element: object) -> str:
    return str(element.tag).rpartition("}")[2]  # type: ignore[attr-defined]


def _classes(element: object) -> set[str]:
    return set((element.get("class") or "").split())  # type: ignore[attr-defined]


def _walk(box: boxes.Box) -> Iterator[boxes.Box]:
    yield box
    for child in getattr(box, "children", ()):
        yield from _walk(child)


def _flow(page: Page) -> boxes.Box:
    """Return the page's root box: its content, the margin boxes left out."""
    return next(b for b in page._page_box.children if not isinstance(b, boxes.MarginBox))


def _bottom(box: boxes.Box) -> float:
    return box.position_y + box.margin_height()


def _top_of_body(page: Page) -> float:
    return page._page_box.content_box_y()


def _body_height(page: Page) -> float:
    return page._page_box.height


def _content_bottom(page: Page) -> float:
    """Return where the page's last line or picture ends."""
    bottoms = [
        _bottom(box)
        for box in _walk(_flow(page))
        if isinstance(box, boxes.LineBox | boxes.ReplacedBox) and box.margin_height() > 0
    ]
    return max(bottoms, default=_top_of_body(page))


def held(page: Page, later: set[str]) -> float:
    """Return the height, in points, of what a page holds of the section it goes on with.

    later: the anchors of the sections that open on this page (after the one going on): the
    section going on ends where the first of them begins.
    """
    top = _top_of_body(page)
    starts = [box[1] for anchor, box in page.anchors.items() if anchor in later]
    end = min(starts) if starts else _content_bottom(page)
    return max(0.0, end - top)


def opening(pages: list[Page], sections: list[str], index: int) -> set[str]:
    """Return the anchors of the sections that open on a page of the part.

    sections: the anchors of the part's sections, in order; its first page opens the first.
    """
    before = {a for page in pages[:index] for a in sections if a in page.anchors}
    return {a for a in sections if a in pages[index].anchors and a not in before}


def is_near_empty(pages: list[Page], sections: list[str], index: int) -> bool:
    """Say whether a page that a section goes on onto holds less than a quarter page of it."""
    if index == 0:  # the part's first page opens its first section
        return False
    height = held(pages[index], opening(pages, sections, index))
    return 0 < height < QUARTER * _body_height(pages[index]) + MARGIN


def problem(pages: list[Page], sections: list[str]) -> tuple[int, str] | None:
    """Return the first page of a part that breaks a rule, and the rule, or None."""
    for index, page in enumerate(pages):
        if is_near_empty(pages, sections, index):
            return index, "near-empty"
        if hyphenated_end(page) is not None:
            return index, "hyphen"
    return None


def last_line(page: Page) -> tuple[boxes.LineBox, boxes.Box] | None:
    """Return the page's last line (the lowest), with the block it is a line of."""
    found: tuple[float, boxes.LineBox, boxes.Box] | None = None

    def visit(box: boxes.Box, block: boxes.Box) -> None:
        nonlocal found
        if isinstance(box, boxes.LineBox):
            if found is None or _bottom(box) >= found[0] - 0.01:
                found = (_bottom(box), box, block)
            return
        if isinstance(box, boxes.BlockContainerBox) and box.element is not None:
            block = box
        for child in getattr(box, "children", ()):
            visit(child, block)

    root = _flow(page)
    visit(root, root)
    return None if found is None else (found[1], found[2])


def _line_text(line: boxes.Box) -> str:
    return "".join(box.text for box in _walk(line) if isinstance(box, boxes.TextBox))


def hyphenated_end(page: Page) -> boxes.Box | None:
    """Return the block whose line ends the page on a hyphenated word, if one does."""
    found = last_line(page)
    if found is None:
        return None
    line, block = found
    texts = [box for box in _walk(line) if isinstance(box, boxes.TextBox)]
    if texts and texts[-1].text.endswith(texts[-1].style["hyphenate_character"]):
        return block
    return None


def unhyphenated(tree: Tree, elements: list[Any]) -> Mend:
    """Return the rule that lays paragraphs (their HTML elements) out without hyphenation."""
    css = "\n".join(
        f"{tree.selector(element)} {{ hyphens: manual !important; }}" for element in elements
    )
    return Mend(css, list(elements))


def tighter(tree: Tree, pages: list[Page], index: int, later: set[str]) -> Mend | None:
    """Return the rule that sets tighter the events of a page and of the one before it; None
    if there are none, or if all the space it takes from them could not bring the page's
    lines back onto the page before (a layout spared)."""
    events = []
    saved = 0.0  # at most: the space taken from the events, in CSS pixels
    for page in pages[index - 1 : index + 1]:
        for box in _walk(_flow(page)):
            element = box.element
            is_event = box.element_tag == "article" and "event" in _classes(element)
            if element is None or not is_event:
                continue
            if element not in events:
                events.append(element)
            saved += max(0.0, box.margin_bottom + box.padding_bottom - TIGHT_GAP)
            for child in getattr(box, "children", ()):
                if "when" in _classes(child.element) and child.element_tag != "article":
                    saved += max(0.0, child.padding_top - TIGHT_WHEN_GAP)
    if not events:
        return None
    before = pages[index - 1]
    free = _top_of_body(before) + _body_height(before) - _content_bottom(before)
    if held(pages[index], later) > free + saved + MARGIN:
        return None  # tighter, the page still spills: laid out for nothing
    selectors = [tree.selector(event) for event in events]
    css = "\n".join(
        [
            f"{', '.join(selectors)} {{ {TIGHT}; }}",
            f"{', '.join(s + ' > .when' for s in selectors)} {{ {TIGHT_WHEN}; }}",
        ]
    )
    return Mend(css, events)


def pulled_back(tree: Tree, pages: list[Page], index: int, later: set[str]) -> Mend | None:
    """Return the rule that pulls onto a page the last blocks of the page before it.

    The block chosen is the latest one on the page before after which the page holds its
    quarter; never the first block of that page, nor one that follows a heading.
    """
    page, before = pages[index], pages[index - 1]
    need = QUARTER * _body_height(page) + 2 * MARGIN - held(page, later)
    bottom = _content_bottom(before)
    candidates: list[tuple[float, object]] = []
    seen: set[int] = set()
    for box in _walk(_flow(before)):
        element = box.element
        if element is None or id(element) in seen or not isinstance(box, boxes.BlockBox):
            continue
        seen.add(id(element))
        parent = tree.parent(element)
        if parent is None or not (_classes(parent) & _FLOWS or "section" in _classes(element)):
            continue
        previous = tree.previous(element)
        if previous is None or _tag(previous) in _HEADINGS or "opening" in _classes(previous):
            continue
        if "section-title" in _classes(element):
            continue
        candidates.append((box.position_y, element))
    top = _top_of_body(before)
    candidates = [(y, e) for y, e in candidates if y > top + MARGIN]
    if not candidates:
        return None
    fitting = [(y, e) for y, e in candidates if bottom - y >= need]
    _, element = max(fitting, key=lambda c: c[0]) if fitting else min(candidates)
    return Mend(f"{tree.selector(element)} {{ break-before: page !important; }}", [element])
