"""Where a word processor will break a DOCX into pages, estimated from its paragraphs and fonts.

A TOC field's cached result is what LibreOffice and viewers show: they do not rebuild it. So
the page numbers written there are computed here, the way Word and LibreOffice lay out text:
greedy line breaking with the metrics of the font the theme names (the Inter the DOCX
embeds; Liberation Sans stands for Arial, whose metrics it copies, in a theme that embeds
none), paragraph spacing (none before a paragraph at the top of a page that no break
started), page breaks before, keep-with-next, keep-together and widow control. Word shows
them too: the document does not ask it to update its fields as it opens (updateFields makes
Word ask a question at every open); F9 does.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import Any

from docx.document import Document as DocxDocument
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.oxml.text.paragraph import CT_P
from docx.section import Section as DocxSection
from docx.shared import Length
from docx.styles.style import ParagraphStyle
from docx.text.parfmt import ParagraphFormat

from dossier.office import oxml
from dossier.theme import Metrics, Theme

EMU_PER_POINT = 12700


@dataclass
class _Box:
    """One paragraph as the page breaker sees it: its lines, and its look once overridden."""

    bookmarks: tuple[str, ...]
    lines: list[float]  # the height of each line
    look: _Look
    repeat: float = 0.0  # a table's row: its header rows' height, set again atop a new page


def _style_chain(style: ParagraphStyle | None) -> Iterator[ParagraphStyle]:
    while style is not None:
        yield style
        base = style.base_style
        style = base if isinstance(base, ParagraphStyle) else None


def _inherited(style: ParagraphStyle | None, getter: Callable[[ParagraphStyle], Any]) -> Any:
    for link in _style_chain(style):
        value = getter(link)
        if value is not None:
            return value
    return None


@dataclass(frozen=True)
class _Look:
    """What a paragraph style says of the page breaker's concerns, resolved once."""

    size: float
    bold: bool
    spacing: Any
    at_least: bool  # the spacing is a minimum (WD_LINE_SPACING.AT_LEAST), not an exact height
    indent: float
    before: float
    after: float
    page_break_before: bool
    keep_with_next: bool
    keep_together: bool
    widow_control: bool
    # no space between two paragraphs of the style (w:contextualSpacing: a list's items)
    contextual: str | None = None

    @classmethod
    def of(cls, style: ParagraphStyle | None) -> _Look:
        def fmt(name: str) -> Any:
            return _inherited(style, lambda s: getattr(s.paragraph_format, name))

        size = _inherited(style, lambda s: s.font.size)
        indent = _points(fmt("left_indent"))
        if style is not None and style.name.startswith("List"):
            indent = max(indent, 18.0)  # the bullet's hanging indent
        return cls(
            size=size.pt if size is not None else 10.0,
            bold=bool(_inherited(style, lambda s: s.font.bold)),
            spacing=fmt("line_spacing") or 1.0,
            at_least=fmt("line_spacing_rule") == WD_LINE_SPACING.AT_LEAST,
            indent=indent,
            before=_points(fmt("space_before")),
            after=_points(fmt("space_after")),
            page_break_before=bool(fmt("page_break_before")),
            keep_with_next=bool(fmt("keep_with_next")),
            keep_together=bool(fmt("keep_together")),
            widow_control=fmt("widow_control") is not False,
            contextual=style.style_id if style is not None and _contextual(style) else None,
        )


def _contextual(style: ParagraphStyle | None) -> bool:
    for link in _style_chain(style):
        properties = link.element.pPr
        found = None if properties is None else properties.find(qn("w:contextualSpacing"))
        if found is not None:
            return found.get(qn("w:val")) not in ("0", "false", "off")
    return False


def _gap(above: _Look | None, below: _Look) -> float:
    """Return what of the space after the paragraph above and before the one below is not
    kept between them: the smaller (the larger of the two is kept, measured in LibreOffice,
    which follows Word there), or both between two items of a contextual style."""
    if above is None:
        return 0.0
    if below.contextual is not None and above.contextual == below.contextual:
        return above.after + below.before
    return min(above.after, below.before)


def _points(length: Length | None) -> float:
    return length.pt if length is not None else 0.0


def _wrap(
    words: list[tuple[str, float]], space: float, width: float, narrow: tuple[float, int] = (0, 0)
) -> int:
    """Return the lines a paragraph's words take, greedily broken; narrow: a width and how many
    first lines have it (beside a frame)."""
    narrow_width, narrow_lines = narrow
    lines, current = 1, 0.0

    def room() -> float:
        return narrow_width if lines <= narrow_lines else width

    for word, word_width in words:
        needed = word_width if current == 0 else current + space + word_width
        if needed <= room() or current == 0:
            current = needed
            if word_width > room():  # a word longer than the line breaks anywhere
                lines += int(word_width // room())
                current = word_width % room()
        else:
            lines += 1
            current = word_width
        if word.endswith("\n"):
            lines += 1
            current = 0.0
    return lines


@dataclass
class _Beside:
    """A frame at the right of the text (w:framePr, wrap around): the lines beside it, down to
    its foot, are narrower by its width and its gap."""

    height: float  # what is left of it below the lines laid so far, with its gap below
    width: float


def _box(
    element: CT_P,
    look: _Look,
    text_width: float,
    fonts: dict[bool, Metrics],
    beside: _Beside | None = None,
) -> _Box:
    """Return a paragraph's box, its lines broken in text_width, or beside a frame's."""
    direct = ParagraphFormat(element)  # what the paragraph sets itself, over its style

    def chosen(name: str) -> Any:
        value = getattr(direct, name)
        return getattr(look, name) if value is None else value

    metrics = fonts[look.bold]
    spacing, at_least = look.spacing, look.at_least
    if direct.line_spacing is not None:  # a frame's anchor, a point high
        spacing = direct.line_spacing
        at_least = direct.line_spacing_rule == WD_LINE_SPACING.AT_LEAST
    natural = metrics.line * look.size
    line = natural * (spacing if isinstance(spacing, float) else 1.0)
    if isinstance(spacing, Length):
        line = max(spacing.pt, natural) if at_least else spacing.pt
    indent = look.indent
    if direct.left_indent is not None:  # an event's text, set past its rule
        indent = direct.left_indent.pt  # a list item's first line hangs left of its others
    width = text_width - indent
    if direct.space_before is not None:  # the gap before an event's date
        look = replace(look, before=direct.space_before.pt)
    if direct.space_after is not None:
        look = replace(look, after=direct.space_after.pt)

    text = "".join(node.text or "" for node in element.iter(qn("w:t")))
    text = text.replace("\u00a0", "\u0001").replace("\u202f", "\u0001")
    words = [
        (w.replace("\u0001", " "), metrics.width(w.replace("\u0001", " "), look.size))
        for w in text.split(" ")
        if w
    ]
    pictures = [int(e.get("cy")) / EMU_PER_POINT for e in element.iter(qn("wp:extent"))]
    # a picture alone in its paragraph is its line: the line is as tall as the picture
    narrow = (0.0, 0)
    if beside is not None and beside.height > 0:
        narrow = (width - beside.width, math.ceil(max(beside.height - look.before, 0) / line))
    space = metrics.width(" ", look.size)
    count = _wrap(words, space, width, narrow) if words else (0 if pictures else 1)
    lines = [line] * count + [max(height, line) for height in pictures]
    breaks = [b for b in element.iter(qn("w:br")) if b.get(qn("w:type")) == "page"]
    return _Box(
        bookmarks=tuple(b.get(qn("w:name")) for b in element.iter(qn("w:bookmarkStart"))),
        lines=lines,
        look=replace(
            look,
            page_break_before=bool(chosen("page_break_before")) or bool(breaks),
            keep_with_next=bool(chosen("keep_with_next")),
            keep_together=bool(chosen("keep_together")),
            widow_control=chosen("widow_control") is not False,
        ),
    )


def estimate_pages(document: DocxDocument, theme: Theme, first_page: int = 1) -> dict[str, int]:
    """Return the page where each bookmark of the body falls, counting from first_page."""
    pages: dict[str, int] = {}
    boxes, _ = _boxes(document, _looks(document), _fonts(theme))
    for box, first, _ in _layout(boxes, first_page):
        for name in box.bookmarks:
            pages.setdefault(name, first)
    return pages


def space_to_clear(document: DocxDocument, theme: Theme, elements: list[Any]) -> float | None:
    """Return how far a frame beside the last of the body's elements reaches below them (a
    portrait taller than its text), in points; None if their text goes lower than the frame
    (as a CSS float ends with its text: display: flow-root)."""
    boxes, left = _boxes(document, _looks(document), _fonts(theme), elements)
    if left <= 0 or not boxes:
        return None
    return left


def _fonts(theme: Theme) -> dict[bool, Metrics]:
    return {bold: theme.docx_metrics(bold) for bold in (False, True)}


def _looks(document: DocxDocument) -> Callable[[CT_P], _Look]:
    """Return what gives each paragraph its style's look, resolved once a style."""
    styles = {s.style_id: s for s in document.styles if isinstance(s, ParagraphStyle)}
    default = document.styles.default(WD_STYLE_TYPE.PARAGRAPH)
    assert default is None or isinstance(default, ParagraphStyle)
    looks: dict[str | None, _Look] = {}

    def look_of(paragraph: CT_P) -> _Look:
        style_id = paragraph.style
        if style_id not in looks:
            chosen = styles.get(style_id) if style_id is not None else None
            looks[style_id] = _Look.of(chosen or default)
        return looks[style_id]

    return look_of


def _layout(
    boxes: list[tuple[_Box, float, float, bool]], page: int
) -> Iterator[tuple[_Box, int, float]]:
    """Lay the boxes out from a page: yield each with its first page and the height used on
    the page where the next starts."""
    used = 0.0
    above: _Look | None = None
    for index, (box, _, height, new_section) in enumerate(boxes):
        if (box.look.page_break_before or new_section) and used > 0:
            page, used = page + 1, 0.0
        overlap = _gap(above, box.look) if used > 0 else 0.0
        # a chain of keep-with-next paragraphs moves to the next page as a whole
        chain = _chain_height(boxes, index) - overlap
        if used > 0 and used + chain > height and chain <= height:
            page, used, overlap = page + 1, 0.0, 0.0
        first, page, used = _place(box, page, used - overlap, height)
        if box.lines:  # not a frame's, out of the flow
            above = box.look
        yield box, first, used


def _boxes(
    document: DocxDocument,
    look_of: Callable[[CT_P], _Look],
    fonts: dict[bool, Metrics],
    elements: list[Any] | None = None,
) -> tuple[list[tuple[_Box, float, float, bool]], float]:
    """Return the body's boxes in order, each with its section's text width and height and
    whether a section starts there: a paragraph's, a table row's, a frame's (out of the flow,
    its height laid beside the paragraphs after it); and how far a frame beside the last
    reaches below it (0 for none).

    elements: some of the body's paragraphs and tables, in the last section, not all of it.
    """
    sections = list(document.sections)
    section_index = 0
    boxes: list[tuple[_Box, float, float, bool]] = []
    width, height = _text_area(sections[0] if elements is None else sections[-1])
    if elements is None:
        elements = list(document.element.body.iterchildren(qn("w:p"), qn("w:tbl")))
    new_section = False
    frame: list[_Box] = []  # the paragraphs of a frame beside the text, so far
    beside: _Beside | None = None
    for child in elements:
        if child.tag == qn("w:tbl"):
            for row in _rows(child, look_of, fonts):
                boxes.append((row, width, height, new_section))
                new_section = False
            beside = None
            continue
        look = look_of(child)
        framed = oxml.frame_of(child)
        if framed is not None:
            names = tuple(b.get(qn("w:name")) for b in child.iter(qn("w:bookmarkStart")))
            # out of the flow; a frame beside the text keeps a heading before it with the
            # paragraph it stands beside. LibreOffice does not move them on for its height: a
            # frame at the foot of a page runs into the margin below.
            around = framed.get(qn("w:wrap")) == "around"
            out = replace(look, before=0.0, after=0.0, keep_with_next=around)
            boxes.append((_Box(names, [], out), width, height, new_section))
            new_section = False
            if around:  # beside the text: laid in its width
                frame_width = _twips(framed.get(qn("w:w")))
                frame.append(_box(child, look, frame_width, fonts))
                held = sum(b.look.before + sum(b.lines) + b.look.after for b in frame)
                beside = _Beside(
                    held + _twips(framed.get(qn("w:vSpace"))),
                    frame_width + _twips(framed.get(qn("w:hSpace"))),
                )
            # (a frame at the foot of the page, the cover's publisher, is out of the flow)
        else:
            box = _box(child, look, width, fonts, beside)
            frame = []
            if beside is not None:
                beside.height -= box.look.before + sum(box.lines) + box.look.after
                if beside.height <= 0:
                    beside = None
            boxes.append((box, width, height, new_section))
            new_section = False
        properties = child.pPr
        if properties is not None and properties.sectPr is not None:
            section_index += 1
            if section_index < len(sections):
                width, height = _text_area(sections[section_index])
                new_section = True
    return boxes, beside.height if beside is not None else 0.0


def _twips(value: str | None) -> float:
    """Return points from twentieths of a point (0 for none)."""
    return int(value or 0) / 20


def _text_area(section: DocxSection) -> tuple[float, float]:
    width = _points(section.page_width) - _points(section.left_margin)
    width -= _points(section.right_margin)
    height = _points(section.page_height) - _points(section.top_margin)
    return width, height - _points(section.bottom_margin)


def _rows(
    table: Any, look_of: Callable[[CT_P], _Look], fonts: dict[bool, Metrics]
) -> Iterator[_Box]:
    """Yield a table's rows as boxes of one line each, as tall as their tallest cell: a row
    stands whole on a page, the header rows set again atop each page it goes on to."""
    margins = table.find(f"{qn('w:tblPr')}/{qn('w:tblCellMar')}")
    default = {"left": 5.4, "right": 5.4, "top": 0.0, "bottom": 0.0}  # Word's 0.19 cm
    if margins is not None:
        for side in default:
            found = margins.find(qn(f"w:{side}"))
            if found is not None:
                default[side] = _twips(found.get(qn("w:w")))
    header = 0.0
    for row in table.iterchildren(qn("w:tr")):
        tallest = 0.0
        names: list[str] = []
        keep = True
        for cell in row.iterchildren(qn("w:tc")):
            sides = dict(default)
            own = cell.find(f"{qn('w:tcPr')}/{qn('w:tcMar')}")
            for side in sides if own is not None else ():
                found = own.find(qn(f"w:{side}"))
                if found is not None:
                    sides[side] = _twips(found.get(qn("w:w")))
            cell_width = cell.find(f"{qn('w:tcPr')}/{qn('w:tcW')}")
            width = _twips(cell_width.get(qn("w:w")) if cell_width is not None else None)
            width -= sides["left"] + sides["right"]
            total, after = sides["top"] + sides["bottom"], 0.0
            for paragraph in cell.iterchildren(qn("w:p")):
                box = _box(paragraph, look_of(paragraph), max(width, 1.0), fonts)
                total += box.look.before - min(after, box.look.before) + sum(box.lines)
                after = box.look.after
                total += after
                names += box.bookmarks
                keep = keep and box.look.keep_with_next
            tallest = max(tallest, total)
        properties = row.find(qn("w:trPr"))
        heading = properties is not None and properties.find(qn("w:tblHeader")) is not None
        look = _Look.of(None)
        look = replace(look, before=0.0, after=0.0, keep_with_next=keep, keep_together=True)
        yield _Box(tuple(names), [tallest], look, repeat=0.0 if heading else header)
        if heading:
            header += tallest


def _place(box: _Box, page: int, used: float, height: float) -> tuple[int, int, float]:
    """Lay one paragraph's lines from (page, used): its first page, and where the next starts."""
    # the space before a paragraph is dropped at the top of a page that a page break did not
    # start (LibreOffice sets the first line at the top margin, as Word does)
    if used > 0 or box.look.page_break_before:
        used += box.look.before
    remaining = list(box.lines)
    first = None
    while remaining:
        room, fits, total = height - used, 0, 0.0
        for line in remaining:
            if total + line > room:
                break
            total, fits = total + line, fits + 1
        if fits == len(remaining):
            return first or page, page, used + total + box.look.after
        if used > 0 and (box.look.keep_together or (box.look.widow_control and fits < 2)):
            page, used = page + 1, box.repeat
            continue
        if box.look.widow_control and len(remaining) - fits < 2:
            if fits > 2:
                fits -= 1  # leave two lines for the next page, not one
            elif used > 0:  # two and one: the paragraph cannot break (three lines), it moves
                page, used = page + 1, box.repeat
                continue
        first = first or page
        fits = max(fits, 1)
        remaining = remaining[fits:]
        page, used = page + 1, 0.0
    return first or page, page, used + box.look.after


def _chain_height(boxes: list[tuple[_Box, float, float, bool]], start: int) -> float:
    """Return the height that must fit on a page for the chain starting here to stay whole."""
    total, index = 0.0, start
    while True:
        box = boxes[index][0]
        chained = box.look.keep_with_next and index + 1 < len(boxes) and not boxes[index + 1][3]
        # what of the last one must come along: its first two lines, or all its lines when it
        # cannot break (widow control keeps two lines on each side)
        whole = chained or box.look.keep_together or (box.look.widow_control and len(box.lines) < 4)
        lines = box.lines if whole else box.lines[:2]
        total += box.look.before + sum(lines)
        if not chained:
            return total
        total += box.look.after - _gap(box.look, boxes[index + 1][0].look)
        index += 1
