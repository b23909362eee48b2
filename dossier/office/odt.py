"""An OpenDocument text (.odt) read as the review reads a DOCX: paragraphs of pieces, comments.

ODF records a tracked change as a region in `text:tracked-changes`: an insertion is marked in
the text by `text:change-start` … `text:change-end` (it may span paragraphs: a paragraph mark
inserted); a deletion by one `text:change` where the deleted text stood, the text itself
kept in the region as paragraphs (several: paragraph marks deleted with it). Comments are
`office:annotation` … `office:annotation-end`; a page number is a `text:bookmark-ref` or
`text:page-number` field. The cover's footer is the footer of the first page's master page.
Read with odfpy; the result uses revisions' conventions, so the review does not know which
format it read.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import Any

from odf.element import Element
from odf.namespaces import DCNS, DRAWNS, METANS, OFFICENS, STYLENS, TABLENS, TEXTNS, XLINKNS
from odf.opendocument import load

from dossier.office.markers import marker_name
from dossier.office.revisions import (
    DELETED,
    INSERTED,
    KEPT,
    OBJECT,
    FormatChange,
    Paragraph,
    Piece,
    Returned,
    ReturnedComment,
    Revision,
    join_split_links,
)

_PARAGRAPHS = {(TEXTNS, "p"), (TEXTNS, "h")}
_TEXT_BOX = (DRAWNS, "text-box")
_SHAPE = (DRAWNS, "custom-shape")
# What holds paragraphs, read through: lists, sections, tables, the contents' body.
_HOLDERS = {
    (TEXTNS, "list"),
    (TEXTNS, "list-item"),
    (TEXTNS, "list-header"),
    (TEXTNS, "section"),
    (TEXTNS, "index-body"),
    (TEXTNS, "index-title"),
    (TEXTNS, "table-of-content"),
    (TEXTNS, "alphabetical-index"),
    (TEXTNS, "illustration-index"),
    (TEXTNS, "table-index"),
    (TEXTNS, "user-index"),
    (TEXTNS, "bibliography"),
    (TABLENS, "table"),
    (TABLENS, "table-row"),
    (TABLENS, "table-rows"),
    (TABLENS, "table-header-rows"),
    (TABLENS, "table-cell"),
}
# Inline elements whose text is the paragraph's text.
_SPANS = {
    (TEXTNS, "span"),
    (TEXTNS, "ruby-base"),
    (TEXTNS, "meta"),
    (TEXTNS, "meta-field"),
    (TEXTNS, "sequence"),
    (TEXTNS, "date"),
    (TEXTNS, "time"),
    (TEXTNS, "chapter"),
    (TEXTNS, "title"),
    (TEXTNS, "subject"),
    (TEXTNS, "author-name"),
    (TEXTNS, "reference-ref"),
    (TEXTNS, "sequence-ref"),
    (TEXTNS, "note-ref"),
    (TEXTNS, "text-input"),
    (TEXTNS, "user-field-get"),
    (TEXTNS, "variable-get"),
    (TEXTNS, "hidden-paragraph"),
}
# Page fields: their text is the word processor's page number.
_PAGES = {(TEXTNS, "bookmark-ref"), (TEXTNS, "page-number"), (TEXTNS, "page-count")}
# Never the paragraph's text: a footnote's or a frame's content, a ruby's reading, a hidden text.
_SKIPPED = {
    (TEXTNS, "note"),
    (TEXTNS, "ruby-text"),
    (TEXTNS, "hidden-text"),
    (TEXTNS, "soft-page-break"),
    (TEXTNS, "tracked-changes"),
    (TEXTNS, "sequence-decls"),
    (TEXTNS, "variable-decls"),
    (TEXTNS, "user-field-decls"),
    (TEXTNS, "table-of-content-source"),
    (TEXTNS, "alphabetical-index-source"),
    (TABLENS, "table-columns"),
    (TABLENS, "table-column"),
    (TABLENS, "table-header-columns"),
    (TABLENS, "covered-table-cell"),
    (OFFICENS, "forms"),
}


# LibreOffice's own names of the styles Word names otherwise.
_WORD_IDS = {"Standard": "Normal", "Textbody": "BodyText"}


def opendocument_type(path: Any) -> str:
    """Return the OpenDocument type a package says in its mimetype member, "" for none."""
    try:
        with zipfile.ZipFile(path) as package:
            kind = package.read("mimetype").decode("ascii", "replace")
    except (zipfile.BadZipFile, KeyError, OSError):
        return ""
    return kind if kind.startswith("application/vnd.oasis.opendocument") else ""


def is_opendocument_text(path: Any) -> bool:
    """Tell whether a file is an OpenDocument text."""
    return opendocument_type(path).startswith("application/vnd.oasis.opendocument.text")


def read_odt(path: Any) -> Returned:
    """Read an .odt: its paragraphs (body, then the cover's footer), comments, properties."""
    document = load(str(path))
    reader = _Reader(_regions(document.text), _styles(document))
    paragraphs = list(reader.blocks(document.text, "body"))
    footer = _first_footer(document, reader)
    if footer is not None:
        paragraphs += reader.blocks(footer, "footer")
    return Returned(
        paragraphs=paragraphs,
        properties=_properties(document),
        parts=[],
        comments=reader.comments,
    )


@dataclass
class _Region:
    kind: str  # "insertion", "deletion", "format-change"
    revision: Revision
    deleted: list[Element] = field(default_factory=list)  # a deletion's paragraphs


def _regions(body: Element) -> dict[str, _Region]:
    regions: dict[str, _Region] = {}
    for changes in _children(body, (TEXTNS, "tracked-changes")):
        for region in _children(changes, (TEXTNS, "changed-region")):
            identifier = region.getAttrNS(TEXTNS, "id") or region.getAttrNS(
                "http://www.w3.org/XML/1998/namespace", "id"
            )
            for change in region.childNodes:
                name = getattr(change, "qname", (None, ""))[1]
                if name not in ("insertion", "deletion", "format-change"):
                    continue
                author, date = "", ""
                for info in _children(change, (OFFICENS, "change-info")):
                    author = _text(next(_children(info, (DCNS, "creator")), None))
                    date = _text(next(_children(info, (DCNS, "date")), None))
                kind = {"insertion": "ins", "deletion": "del", "format-change": "format"}[name]
                found = _Region(name, Revision(kind, author, date))
                if name == "deletion":
                    found.deleted = [
                        child
                        for child in change.childNodes
                        if getattr(child, "qname", None) in _PARAGRAPHS
                        or getattr(child, "qname", None) in _HOLDERS
                    ]
                regions[identifier or ""] = found
    return regions


def _styles(document: Any) -> dict[str, tuple[str, str, str]]:
    """Return each paragraph style's (parent, display name, master page), automatic or named."""
    found: dict[str, tuple[str, str, str]] = {}
    for holder in (document.styles, document.automaticstyles):
        for style in _children(holder, (STYLENS, "style")):
            name = style.getAttrNS(STYLENS, "name") or ""
            found[name] = (
                style.getAttrNS(STYLENS, "parent-style-name") or "",
                style.getAttrNS(STYLENS, "display-name") or "",
                style.getAttrNS(STYLENS, "master-page-name") or "",
            )
    return found


def _first_footer(document: Any, reader: _Reader) -> Element | None:
    """Return the footer of the master page the document's first paragraph starts."""
    first = next(_paragraph_elements(document.text), None)
    master = reader.master(first.getAttrNS(TEXTNS, "style-name") or "") if first else ""
    pages = list(_children(document.masterstyles, (STYLENS, "master-page")))
    chosen = next((p for p in pages if p.getAttrNS(STYLENS, "name") == master), None)
    if chosen is None:
        chosen = next((p for p in pages if p.getAttrNS(STYLENS, "name") == "Standard"), None)
    if chosen is None:
        return None
    for kind in ("footer-first", "footer"):
        footer = next(_children(chosen, (STYLENS, kind)), None)
        if footer is not None:
            return footer
    return None


def _paragraph_elements(container: Element) -> Iterator[Element]:
    for child in container.childNodes:
        qname = getattr(child, "qname", None)
        if qname in _PARAGRAPHS:
            yield child
        elif qname in _HOLDERS:
            yield from _paragraph_elements(child)


def _properties(document: Any) -> dict[str, str]:
    found = {}
    for entry in _children(document.meta, (METANS, "user-defined")):
        name = entry.getAttrNS(METANS, "name")
        if name:
            found[name] = _text(entry)
    return found


class _Reader:
    """Walks the body; an insertion left open at a paragraph's end inserted its mark."""

    def __init__(self, regions: dict[str, _Region], styles: dict[str, tuple[str, str, str]]):
        self.regions = regions
        self.styles = styles
        self.open: list[Revision] = []  # the insertions open where the walk stands
        self.comments: list[ReturnedComment] = []
        self.done: list[Paragraph] = []  # paragraphs closed inside an element (a deleted mark)
        self.boxes: list[Element] = []  # text boxes anchored in the paragraph being read
        self.current: Paragraph | None = None
        self.links: list[str] = []  # the addresses of the links the walk is in
        self.deleting = False  # reading a deletion's own paragraphs

    def style(self, name: str) -> str:
        """Return a style as Word names its id: ListBullet for « List Bullet »."""
        shown = self._style(name)
        if shown.startswith("Contents") and shown[8:].isdigit():
            return "TOC" + shown[8:]
        return _WORD_IDS.get(shown, shown)

    def _style(self, name: str) -> str:
        seen: set[str] = set()
        while name in self.styles and name not in seen:
            seen.add(name)
            parent, display, _ = self.styles[name]
            if display or not parent or not _automatic(name):
                shown = display or name.replace("_20_", " ")
                return shown.replace(" ", "")
            name = parent
        return name.replace("_20_", " ").replace(" ", "")

    def master(self, name: str) -> str:
        seen: set[str] = set()
        while name in self.styles and name not in seen:
            seen.add(name)
            parent, _, master = self.styles[name]
            if master:
                return master
            name = parent
        return ""

    def blocks(self, container: Element, story: str) -> Iterator[Paragraph]:
        for child in container.childNodes:
            qname = getattr(child, "qname", None)
            if qname in _PARAGRAPHS:
                yield from self.paragraph(child, story)
            elif qname in _HOLDERS:
                yield from self.blocks(child, story)
            elif qname == (TEXTNS, "change"):  # a deletion between paragraphs
                self.current = Paragraph(story, "")
                self.deletion(child, story)
                yield from self.done
                self.done = []
                if self.current.pieces:
                    yield self.current
                self.current = None

    def paragraph(self, element: Element, story: str) -> Iterator[Paragraph]:
        self.current = Paragraph(story, self.style(element.getAttrNS(TEXTNS, "style-name") or ""))
        self.inline(element)
        paragraph = self.current
        if self.open:
            paragraph.mark, paragraph.mark_revisions = INSERTED, tuple(self.open)
        join_split_links(paragraph)
        for index, change in enumerate(paragraph.format_changes):
            if not change.text:
                paragraph.format_changes[index] = FormatChange(change.revision, paragraph.revised)
        yield from self.done
        self.done = []
        yield paragraph
        self.current = None
        boxes, self.boxes = self.boxes, []
        for box in boxes:
            yield from self.blocks(box, story)

    def add(self, piece: Piece) -> None:
        assert self.current is not None
        if piece.kind == "text" and not self.deleting:
            revisions = tuple(self.open)
            piece = replace(piece, state=INSERTED if revisions else KEPT, revisions=revisions)
        if piece.kind == "text" and self.links:
            piece = replace(piece, href=self.links[-1])
        self.current.pieces.append(piece)

    def text(self, text: str, **extra: Any) -> None:
        if text:
            self.add(Piece("text", text, **extra))

    def inline(self, element: Element) -> None:
        for child in element.childNodes:
            if child.nodeType == child.TEXT_NODE:
                self.text(child.data)
                continue
            qname = getattr(child, "qname", None)
            if qname is None or qname in _SKIPPED:
                continue
            name = qname[1] if qname[0] == TEXTNS else ""
            if name == "s":
                self.text(" " * int(child.getAttrNS(TEXTNS, "c") or 1))
            elif name == "tab":
                self.text("\t")
            elif name == "line-break":
                self.text("\n")
            elif qname in _SPANS:
                self.inline(child)
            elif name == "a":
                self.link(child)
            elif qname in _PAGES:
                # the number the word processor last computed; LibreOffice keeps a Word
                # field's code there when it never computed one: no number, then
                shown = _text(child)
                if shown.strip().isdigit():
                    self.text(shown, field="PAGEREF" if name == "bookmark-ref" else "PAGE")
            elif name in ("bookmark", "bookmark-start"):
                self.add(Piece("bookmark", name=marker_name(child.getAttrNS(TEXTNS, "name") or "")))
            elif name == "change-start":
                region = self.regions.get(child.getAttrNS(TEXTNS, "change-id") or "")
                if region is not None and region.kind == "insertion":
                    self.open.append(region.revision)
                elif region is not None and region.kind == "format-change":
                    assert self.current is not None
                    self.current.format_changes.append(FormatChange(region.revision, ""))
            elif name == "change-end":
                region = self.regions.get(child.getAttrNS(TEXTNS, "change-id") or "")
                if region is not None and region.revision in self.open:
                    self.open.remove(region.revision)
            elif name == "change":
                self.deletion(child, self.current.story if self.current else "body")
            elif qname == (OFFICENS, "annotation"):
                self.annotation(child)
            elif qname == (OFFICENS, "annotation-end"):
                self.add(Piece("comment-end", name=child.getAttrNS(OFFICENS, "name") or ""))
            elif qname[0] == DRAWNS:
                # a picture, or a frame anchored here: a text box's paragraphs (the cover's
                # publisher) are read after this one's
                if qname == _SHAPE:  # a frame LibreOffice rewrote as a shape holds them itself
                    self.boxes.append(child)
                self.boxes += [
                    box for box in child.childNodes if getattr(box, "qname", None) == _TEXT_BOX
                ]
                continue
            else:  # a field the review cannot name: what it shows, as text of its own
                shown = _text(child)
                if shown:
                    self.text(shown)

    def link(self, element: Element) -> None:
        assert self.current is not None
        first = len(self.current.pieces)
        address = element.getAttrNS(XLINKNS, "href") or ""
        self.links.append(address)
        try:
            self.inline(element)
        finally:
            self.links.pop()
        texts = [
            i
            for i in range(first, len(self.current.pieces))
            if self.current.pieces[i].kind == "text"
        ]
        if texts and all(self.current.pieces[i].state == INSERTED for i in texts):
            external = "" if address.startswith("#") else address
            for i in texts:
                self.current.pieces[i] = replace(self.current.pieces[i], link=external)

    def annotation(self, element: Element) -> None:
        name = element.getAttrNS(OFFICENS, "name") or f"odt-{len(self.comments) + 1}"
        author = _text(next(_children(element, (DCNS, "creator")), None))
        date = _text(next(_children(element, (DCNS, "date")), None))
        initials = _text(next(_children(element, (METANS, "creator-initials")), None))
        body = "\n".join(
            _text(p) for p in element.childNodes if getattr(p, "qname", None) in _PARAGRAPHS
        )
        self.comments.append(ReturnedComment(name, author, initials, date, body))
        self.add(Piece("comment-start", name=name))
        if not element.getAttrNS(OFFICENS, "name"):  # a comment on a point
            self.add(Piece("comment-end", name=name))

    def deletion(self, change: Element, story: str) -> None:
        """Put a deletion's text where it stood; each paragraph mark it took ends a paragraph."""
        region = self.regions.get(change.getAttrNS(TEXTNS, "change-id") or "")
        if region is None or region.kind != "deletion" or self.current is None:
            return
        deleted = list(_paragraph_elements_of(region.deleted))
        revisions = (*self.open, region.revision)
        saved, self.deleting = self.deleting, True
        # the anchors before the deletion, at the paragraph's start, are the next paragraph's
        start = len(self.current.pieces)
        try:
            for index, paragraph in enumerate(deleted):
                if index:  # the mark before this one was deleted: the paragraph ends there
                    closed = self.current
                    closed.mark, closed.mark_revisions = DELETED, (region.revision,)
                    self.done.append(closed)
                    style = self.style(paragraph.getAttrNS(TEXTNS, "style-name") or "")
                    self.current = Paragraph(story, style)
                    leading = closed.pieces[:start]
                    if start and all(p.kind == "bookmark" for p in leading):
                        del closed.pieces[:start]
                        self.current.pieces += leading
                    start = 0
                first = len(self.current.pieces)
                self.inline(paragraph)
                for i in range(first, len(self.current.pieces)):
                    piece = self.current.pieces[i]
                    if piece.kind == "text":
                        self.current.pieces[i] = replace(
                            piece, state=DELETED, revisions=revisions, link=None
                        )
                    elif piece.kind == "bookmark":  # LibreOffice's copy of a deleted marker
                        self.current.pieces[i] = replace(piece, name=marker_name(piece.name))
        finally:
            self.deleting = saved


def _paragraph_elements_of(elements: list[Element]) -> Iterator[Element]:
    for element in elements:
        if getattr(element, "qname", None) in _PARAGRAPHS:
            yield element
        else:
            yield from _paragraph_elements(element)


def _automatic(name: str) -> bool:
    """LibreOffice names its automatic paragraph styles P1, P2…"""
    return len(name) > 1 and name[0] == "P" and name[1:].isdigit()


def _children(element: Element | None, qname: tuple[str, str]) -> Iterator[Element]:
    if element is None:
        return
    for child in element.childNodes:
        if getattr(child, "qname", None) == qname:
            yield child


def _text(element: Element | None) -> str:
    """Return the text of an element, spaces and tabs as ODF writes them."""
    if element is None:
        return ""
    parts: list[str] = []
    for child in element.childNodes:
        if child.nodeType == child.TEXT_NODE:
            parts.append(child.data)
            continue
        qname = getattr(child, "qname", None)
        if qname == (TEXTNS, "s"):
            parts.append(" " * int(child.getAttrNS(TEXTNS, "c") or 1))
        elif qname == (TEXTNS, "tab"):
            parts.append("\t")
        elif qname == (TEXTNS, "line-break"):
            parts.append("\n")
        elif qname in _SKIPPED or qname == (OFFICENS, "annotation"):
            continue
        else:
            parts.append(_text(child))
    return "".join(parts)


__all__ = ["OBJECT", "is_opendocument_text", "opendocument_type", "read_odt"]
