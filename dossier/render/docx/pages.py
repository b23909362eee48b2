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

from dossier.theme import Metrics, Theme

EMU_PER_POINT = 12700


@dataclass
class _Box:
    """One paragraph as the page breaker sees it: its lines, and its look once overridden."""

    bookmarks: tuple[str, ...]
    lines: list[float]  # the height of each line
    look: _Look


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
        )


def _points(length: Length | None) -> float:
    return length.pt if length is not None else 0.0


def _wrap(words: list[tuple[str, float]], space: float, width: float) -> int:
    lines, current = 1, 0.0
    for word, word_width in words:
        needed = word_width if current == 0 else current + space + word_width
        if needed <= width or current == 0:
            current = needed
            if word_width > width:  # a word longer than the line breaks anywhere
                lines += int(word_width // width)
                current = word_width % width
        else:
            lines += 1
            current = word_width
        if word.endswith("\n"):
            lines += 1
            current = 0.0
    return lines


def _box(element: CT_P, look: _Look, text_width: float, fonts: dict[bool, Metrics]) -> _Box:
    direct = ParagraphFormat(element)  # what the paragraph sets itself, over its style
    properties = element.pPr
    if properties is not None and properties.find(qn("w:framePr")) is not None:
        # in a frame (the cover's publisher, at the foot of the page): out of the flow
        names = tuple(b.get(qn("w:name")) for b in element.iter(qn("w:bookmarkStart")))
        return _Box(names, [], replace(look, before=0.0, after=0.0, keep_with_next=False))

    def chosen(name: str) -> Any:
        value = getattr(direct, name)
        return getattr(look, name) if value is None else value

    metrics = fonts[look.bold]
    spacing = look.spacing
    natural = metrics.line * look.size
    line = natural * (spacing if isinstance(spacing, float) else 1.0)
    if isinstance(spacing, Length):
        line = max(spacing.pt, natural) if look.at_least else spacing.pt
    indent = look.indent
    if direct.left_indent is not None:  # an event's text, set past its rule
        indent = direct.left_indent.pt  # a list item's first line hangs left of its others
    width = text_width - indent
    if direct.space_before is not None:  # the gap before an event's date
        look = replace(look, before=direct.space_before.pt)

    text = "".join(node.text or "" for node in element.iter(qn("w:t")))
    text = text.replace("\u00a0", "\u0001").replace("\u202f", "\u0001")
    words = [
        (w.replace("\u0001", " "), metrics.width(w.replace("\u0001", " "), look.size))
        for w in text.split(" ")
        if w
    ]
    pictures = [int(e.get("cy")) / EMU_PER_POINT for e in element.iter(qn("wp:extent"))]
    # a picture alone in its paragraph is its line: the line is as tall as the picture
    count = _wrap(words, metrics.width(" ", look.size), width) if words else (0 if pictures else 1)
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
    fonts = {bold: theme.docx_metrics(bold) for bold in (False, True)}
    pages: dict[str, int] = {}
    section_starts = _section_starts(document)
    boxes: list[tuple[_Box, float, float, bool]] = []
    styles = {s.style_id: s for s in document.styles if isinstance(s, ParagraphStyle)}
    default = document.styles.default(WD_STYLE_TYPE.PARAGRAPH)
    assert default is None or isinstance(default, ParagraphStyle)
    looks: dict[str | None, _Look] = {}
    chosen: ParagraphStyle | None
    for index, paragraph in enumerate(_paragraphs(document)):
        style_id = paragraph.style
        if style_id not in looks:
            chosen = styles.get(style_id) if style_id is not None else None
            looks[style_id] = _Look.of(chosen or default)
        section = section_starts.get(index)
        if section is not None:
            width = _points(section.page_width) - _points(section.left_margin)
            width -= _points(section.right_margin)
            height = _points(section.page_height) - _points(section.top_margin)
            height -= _points(section.bottom_margin)
            new_section = index > 0
        else:
            new_section = False
        box = _box(paragraph, looks[style_id], width, fonts)
        boxes.append((box, width, height, new_section))

    page, used, after = first_page, 0.0, 0.0
    index = 0
    while index < len(boxes):
        box, _, height, new_section = boxes[index]
        if (box.look.page_break_before or new_section) and used > 0:
            page, used = page + 1, 0.0
        # Between two paragraphs the larger of the space after and the space before is kept,
        # not their sum (measured in LibreOffice, which follows Word there).
        overlap = min(after, box.look.before) if used > 0 else 0.0
        # a chain of keep-with-next paragraphs moves to the next page as a whole
        chain = _chain_height(boxes, index) - overlap
        if used > 0 and used + chain > height and chain <= height:
            page, used, overlap = page + 1, 0.0, 0.0
        first, page, used = _place(box, page, used - overlap, height)
        after = box.look.after
        for name in box.bookmarks:
            pages.setdefault(name, first)
        index += 1
    return pages


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
            page, used = page + 1, 0.0
            continue
        first = first or page
        if box.look.widow_control and len(remaining) - fits < 2 and fits > 2:
            fits -= 1  # leave two lines for the next page, not one
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
        lines = box.lines if (chained or box.look.keep_together) else box.lines[:2]
        total += box.look.before + sum(lines)
        if not chained:
            return total
        following = boxes[index + 1][0].look.before
        total += max(box.look.after - following, 0.0)  # the larger of the two spaces
        index += 1


def _section_starts(document: DocxDocument) -> dict[int, DocxSection]:
    """Map the index of each section's first paragraph to that section."""
    sections = list(document.sections)
    starts: dict[int, DocxSection] = {0: sections[0]}
    section_index = 0
    for index, paragraph in enumerate(_paragraphs(document)):
        properties = paragraph.pPr
        if properties is not None and properties.sectPr is not None:
            section_index += 1
            if section_index < len(sections):
                starts[index + 1] = sections[section_index]
    return starts


def _paragraphs(document: DocxDocument) -> list[CT_P]:
    return list(document.element.body.iterchildren(qn("w:p")))
