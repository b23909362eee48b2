"""What reviewers did to a DOCX, read from Word's revision marks: text kept, inserted, deleted.

WordprocessingML marks a revision by wrapping content: `w:ins` and `w:moveTo` hold what was
added, `w:del` and `w:moveFrom` what was taken away (its text in `w:delText`), a paragraph
mark inserted or deleted sits in `w:pPr/w:rPr`, and an insertion that another reviewer then
deleted is a `w:del` inside a `w:ins`. Formatting changes (`w:rPrChange`, `w:pPrChange`) only
record the old look. This module turns a document into paragraphs of pieces, each with its
state and who made it when; it knows nothing of editions.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from docx.document import Document as DocxDocument
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement

KEPT, INSERTED, DELETED, GONE = "kept", "inserted", "deleted", "gone"

_ADDING = {qn("w:ins"): "ins", qn("w:moveTo"): "moveTo"}
_REMOVING = {qn("w:del"): "del", qn("w:moveFrom"): "moveFrom"}
_CONTAINERS = {
    qn(f"w:{name}")
    for name in ("hyperlink", "smartTag", "customXml", "fldSimple", "sdt", "sdtContent", "dir")
}
_SKIPPED = {qn(f"w:{name}") for name in ("instrText", "delInstrText", "rPr", "pPr", "sdtPr")}
_CHARACTERS = {
    qn("w:tab"): "\t",
    qn("w:br"): "\n",
    qn("w:cr"): "\n",
    qn("w:noBreakHyphen"): "\u2011",
    qn("w:softHyphen"): "",
}


@dataclass(frozen=True)
class Revision:
    """One tracked change: what kind, by whom, when (as Word wrote it, ISO 8601)."""

    kind: str  # "ins", "del", "moveTo", "moveFrom", "format"
    author: str
    date: str


@dataclass(frozen=True)
class Piece:
    """A stretch of a paragraph with one state, or a zero-width anchor in it.

    kind is "text", "bookmark" (name: the bookmark's), "comment-start" / "comment-end"
    (name: the comment's id); field is the instruction of the complex field whose result the
    text is (a PAGEREF's page number), or "".
    """

    kind: str
    text: str = ""
    state: str = KEPT
    revisions: tuple[Revision, ...] = ()
    name: str = ""
    field: str = ""


@dataclass(frozen=True)
class FormatChange:
    """A change of look only: reported, never applied."""

    revision: Revision
    text: str  # the run's text, or the paragraph's for a paragraph's properties


@dataclass
class Paragraph:
    """One paragraph of the reviewed document, as its pieces and its paragraph mark."""

    story: str  # "body", or "footer" for the cover's footer
    style: str
    pieces: list[Piece] = field(default_factory=list)
    mark: str = KEPT
    mark_revisions: tuple[Revision, ...] = ()
    format_changes: list[FormatChange] = field(default_factory=list)

    def text(self, *states: str) -> str:
        """Return the text of the pieces in the given states."""
        return "".join(p.text for p in self.pieces if p.kind == "text" and p.state in states)

    @property
    def original(self) -> str:
        """Return the text before the review: kept and deleted."""
        return self.text(KEPT, DELETED)

    @property
    def revised(self) -> str:
        """Return the text after the review, every change accepted: kept and inserted."""
        return self.text(KEPT, INSERTED)

    @property
    def revisions(self) -> list[Revision]:
        """Return every revision of the paragraph, its mark's included."""
        found = [r for p in self.pieces for r in p.revisions]
        return found + list(self.mark_revisions) + [c.revision for c in self.format_changes]


def read_paragraphs(document: DocxDocument) -> list[Paragraph]:
    """Return the paragraphs of the body, then those of the first section's footer."""
    reader = _Reader()
    paragraphs = list(reader.blocks(document.element.body, "body"))
    sections = document.sections
    if len(sections) and not sections[0].footer.is_linked_to_previous:
        paragraphs += reader.blocks(sections[0].footer.part.element, "footer")
    return paragraphs


def _state(revisions: tuple[Revision, ...]) -> str:
    adding = any(r.kind in ("ins", "moveTo") for r in revisions)
    removing = any(r.kind in ("del", "moveFrom") for r in revisions)
    if adding and removing:
        return GONE
    return INSERTED if adding else DELETED if removing else KEPT


def _revision(element: BaseOxmlElement, kind: str) -> Revision:
    return Revision(kind, element.get(qn("w:author")) or "", element.get(qn("w:date")) or "")


class _Reader:
    """Walks a story's XML; remembers the complex fields open across paragraphs."""

    def __init__(self) -> None:
        self.fields: list[list[str]] = []  # for each open field: [instruction, phase]

    def blocks(self, container: BaseOxmlElement, story: str) -> Iterator[Paragraph]:
        for child in container.iterchildren():
            if child.tag == qn("w:p"):
                yield self.paragraph(child, story)
            elif child.tag in (qn("w:sdt"), qn("w:sdtContent"), qn("w:customXml")):
                yield from self.blocks(child, story)
            elif child.tag == qn("w:tbl"):
                for cell in child.iter(qn("w:tc")):
                    yield from self.blocks(cell, story)

    def paragraph(self, element: BaseOxmlElement, story: str) -> Paragraph:
        properties = element.find(qn("w:pPr"))
        style = ""
        paragraph = Paragraph(story, style)
        if properties is not None:
            style_element = properties.find(qn("w:pStyle"))
            paragraph.style = style_element.get(qn("w:val")) if style_element is not None else ""
            mark = properties.find(qn("w:rPr"))
            if mark is not None:
                paragraph.mark_revisions = tuple(
                    _revision(child, kinds[child.tag])
                    for kinds in (_ADDING, _REMOVING)
                    for child in mark
                    if child.tag in kinds
                )
                paragraph.mark = _state(paragraph.mark_revisions)
            change = properties.find(qn("w:pPrChange"))
            if change is not None:
                paragraph.format_changes.append(FormatChange(_revision(change, "format"), ""))
        self.inline(element, (), paragraph)
        for index, change in enumerate(paragraph.format_changes):
            if not change.text:  # a paragraph's look: name it by its text
                paragraph.format_changes[index] = FormatChange(change.revision, paragraph.revised)
        return paragraph

    def inline(
        self, element: BaseOxmlElement, revisions: tuple[Revision, ...], paragraph: Paragraph
    ) -> None:
        for child in element.iterchildren():
            tag = child.tag
            if tag in _ADDING or tag in _REMOVING:
                kind = _ADDING.get(tag) or _REMOVING[tag]
                self.inline(child, (*revisions, _revision(child, kind)), paragraph)
            elif tag == qn("w:r"):
                self.run(child, revisions, paragraph)
            elif tag in _CONTAINERS:
                self.inline(child, revisions, paragraph)
            elif tag == qn("w:bookmarkStart"):
                paragraph.pieces.append(Piece("bookmark", name=child.get(qn("w:name")) or ""))
            elif tag in (qn("w:commentRangeStart"), qn("w:commentRangeEnd")):
                kind = "comment-start" if tag == qn("w:commentRangeStart") else "comment-end"
                paragraph.pieces.append(Piece(kind, name=child.get(qn("w:id")) or ""))

    def run(
        self, run: BaseOxmlElement, revisions: tuple[Revision, ...], paragraph: Paragraph
    ) -> None:
        properties = run.find(qn("w:rPr"))
        change = properties.find(qn("w:rPrChange")) if properties is not None else None
        texts: list[str] = []
        for child in run.iterchildren():
            tag = child.tag
            if tag == qn("w:fldChar"):
                self.field_char(child.get(qn("w:fldCharType")) or "")
            elif tag in (qn("w:instrText"), qn("w:delInstrText")):
                if self.fields:
                    self.fields[-1][0] += child.text or ""
            elif tag in (qn("w:t"), qn("w:delText")) or tag in _CHARACTERS:
                if self.fields and self.fields[-1][1] == "code":
                    continue  # a field's instruction, not its text
                if tag == qn("w:br") and child.get(qn("w:type")) in ("page", "column"):
                    continue  # LibreOffice writes a page break before a heading as a w:br
                text = _CHARACTERS.get(tag, child.text or "")
                instruction = self.fields[-1][0].strip() if self.fields else ""
                paragraph.pieces.append(
                    Piece("text", text, _state(revisions), revisions, field=instruction)
                )
                texts.append(text)
            elif tag == qn("w:sym"):
                character = chr(int(child.get(qn("w:char")) or "20", 16))
                paragraph.pieces.append(Piece("text", character, _state(revisions), revisions))
        if change is not None:
            paragraph.format_changes.append(
                FormatChange(_revision(change, "format"), "".join(texts))
            )

    def field_char(self, kind: str) -> None:
        if kind == "begin":
            self.fields.append(["", "code"])
        elif kind == "separate" and self.fields:
            self.fields[-1][1] = "result"
        elif kind == "end" and self.fields:
            self.fields.pop()


def comment_ranges(paragraphs: list[Paragraph]) -> dict[str, str]:
    """Return, for each comment's id, the text it is anchored on (as the review left it)."""
    open_: dict[str, list[str]] = {}
    found: dict[str, str] = {}
    for paragraph in paragraphs:
        for piece in paragraph.pieces:
            if piece.kind == "comment-start":
                open_[piece.name] = []
            elif piece.kind == "comment-end" and piece.name in open_:
                found[piece.name] = "".join(open_.pop(piece.name)).strip()
            elif piece.kind == "text" and piece.state in (KEPT, INSERTED):
                for parts in open_.values():
                    parts.append(piece.text)
        for parts in open_.values():
            parts.append(" ")
    return found
