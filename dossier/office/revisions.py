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
from dataclasses import dataclass, field, replace
from typing import Any

from docx.document import Document as DocxDocument
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement

from dossier.office.markers import marker_name
from dossier.office.oxml import custom_properties, custom_xml_parts

_CHOICE = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Choice"

KEPT, INSERTED, DELETED, GONE = "kept", "inserted", "deleted", "gone"

_ADDING = {qn("w:ins"): "ins", qn("w:moveTo"): "moveTo"}
_REMOVING = {qn("w:del"): "del", qn("w:moveFrom"): "moveFrom"}
_CONTAINERS = {
    qn(f"w:{name}")
    for name in ("hyperlink", "smartTag", "customXml", "fldSimple", "sdt", "sdtContent", "dir")
}
_SKIPPED = {qn(f"w:{name}") for name in ("instrText", "delInstrText", "rPr", "pPr", "sdtPr")}
OBJECT = "\ufffc"  # Unicode's stand-in for an object: a symbol the edition cannot hold
# The Symbol font's characters (Adobe's Symbol encoding) as Unicode, for w:sym: Word's
# Insert > Symbol writes a Greek letter or an arrow of that font so. Other symbol fonts
# (Wingdings, Webdings) have pictures no text font has: they stay OBJECT.
_SYMBOL_FONT = dict(
    zip(
        range(0x20, 0x7F),
        " !\u2200#\u2203%&\u220b()\u2217+,\u2212./0123456789:;<=>?\u2245"
        "\u0391\u0392\u03a7\u0394\u0395\u03a6\u0393\u0397\u0399\u03d1\u039a\u039b"
        "\u039c\u039d\u039f\u03a0\u0398\u03a1\u03a3\u03a4\u03a5\u03c2\u03a9\u039e"
        "\u03a8\u0396[\u2234]\u22a5_\0"
        "\u03b1\u03b2\u03c7\u03b4\u03b5\u03c6\u03b3\u03b7\u03b9\u03d5\u03ba\u03bb"
        "\u03bc\u03bd\u03bf\u03c0\u03b8\u03c1\u03c3\u03c4\u03c5\u03d6\u03c9\u03be"
        "\u03c8\u03b6{|}\u223c",
        strict=True,
    )
) | dict(
    zip(
        range(0xA1, 0xE6),
        "\u03d2\u2032\u2264\u2044\u221e\u0192\u2663\u2666\u2665\u2660\u2194\u2190"
        "\u2191\u2192\u2193\u00b0\u00b1\u2033\u2265\u00d7\u221d\u2202\u2022\u00f7"
        "\u2260\u2261\u2248\u2026\0\0\u21b5\u2135\u2111\u211c\u2118\u2297\u2295"
        "\u2205\u2229\u222a\u2283\u2287\u2284\u2282\u2286\u2208\u2209\u2220\u2207"
        "\u00ae\u00a9\u2122\u220f\u221a\u22c5\u00ac\u2227\u2228\u21d4\u21d0\u21d1"
        "\u21d2\u21d3\u25ca\u2329\u00ae\u00a9\u2122\u2211",
        strict=True,
    )
)
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
    text is (a PAGEREF's page number), or "". A text piece that is OBJECT stands for what no
    character says (a symbol of a symbol font): note names it.
    """

    kind: str
    text: str = ""
    state: str = KEPT
    revisions: tuple[Revision, ...] = ()
    name: str = ""
    field: str = ""
    link: str | None = None  # a link the reviewer added: its address ("" when none is known)
    href: str | None = None  # the address of the link the text is in, whoever made it
    note: str = ""  # what an OBJECT text stands for, that the edition cannot hold


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


@dataclass(frozen=True)
class ReturnedComment:
    """A reviewer's comment: its id (as the anchors name it), who, when, what."""

    name: str
    author: str
    initials: str
    date: str  # ISO 8601, as the file holds it; "" when it holds none
    text: str


@dataclass
class Returned:
    """A document as the reviewer sent it back, whatever its format."""

    paragraphs: list[Paragraph]
    properties: dict[str, str]  # its custom properties that are texts
    parts: list[bytes]  # its custom XML parts (where dossier's markers travel)
    comments: list[ReturnedComment]


def read_docx(document: DocxDocument) -> Returned:
    """Read a DOCX opened with python-docx: paragraphs, properties, parts, comments."""
    comments = []
    for comment in document.comments:
        stamp = comment.timestamp
        comments.append(
            ReturnedComment(
                str(comment.comment_id),
                comment.author or "",
                comment.initials or "",
                stamp.isoformat() if stamp is not None else "",
                comment.text or "",
            )
        )
    return Returned(
        read_paragraphs(document),
        custom_properties(document),
        custom_xml_parts(document),
        comments,
    )


def read_paragraphs(document: DocxDocument) -> list[Paragraph]:
    """Return the paragraphs of the body, then those of the first section's footer."""
    reader = _Reader(_addresses(document.part))
    paragraphs = list(reader.blocks(document.element.body, "body"))
    sections = document.sections
    if len(sections) and not sections[0].footer.is_linked_to_previous:
        reader.addresses = _addresses(sections[0].footer.part)
        paragraphs += reader.blocks(sections[0].footer.part.element, "footer")
    return paragraphs


def _addresses(part: Any) -> dict[str, str]:
    """Return the external addresses a part's hyperlinks point to, by relation id."""
    return {
        key: relation.target_ref
        for key, relation in part.rels.items()
        if relation.is_external and relation.reltype == RELATIONSHIP_TYPE.HYPERLINK
    }


def symbol(font: str, code: str) -> tuple[str, str]:
    """Return the character a w:sym stands for, or OBJECT and what to call it.

    Word writes a symbol font's characters in the private use area, U+F020 to U+F0FF (or as
    their byte, 20 to FF); any other code is a Unicode character.
    """
    try:
        number = int(code, 16)
    except ValueError:
        number = -1
    named = f"symbole Word ({font or 'police inconnue'}, {code or '?'})"
    if number < 0 or number > 0x10FFFF or 0xD800 <= number <= 0xDFFF:
        return OBJECT, named
    private = 0xF000 <= number <= 0xF0FF
    name = font.strip().casefold()
    if private or (number < 0x100 and name.startswith(_SYMBOL_FONTS)):
        mapped = _SYMBOL_FONT.get(number & 0xFF, "\0") if name == "symbol" else "\0"
        return (mapped, "") if mapped != "\0" else (OBJECT, named)
    return chr(number), ""


# Fonts whose characters are pictures at the codes of Latin letters.
_SYMBOL_FONTS = ("symbol", "wingdings", "webdings", "zapf dingbats", "marlett", "mt extra")


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

    def __init__(self, addresses: dict[str, str]) -> None:
        self.fields: list[list[str]] = []  # for each open field: [instruction, phase]
        self.addresses = addresses  # relation id → URL, for the story being read

    def blocks(self, container: BaseOxmlElement, story: str) -> Iterator[Paragraph]:
        for child in container.iterchildren():
            if child.tag == qn("w:p"):
                yield self.paragraph(child, story)
                # a text box anchored in the paragraph (LibreOffice saves a frame so: the
                # cover's publisher), read after it; its fallback copy (VML) is not read twice
                for box in child.iterfind(f".//{_CHOICE}//{qn('w:txbxContent')}"):
                    yield from self.blocks(box, story)
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
        join_split_links(paragraph)
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
            elif tag == qn("w:hyperlink"):
                self.hyperlink(child, revisions, paragraph)
            elif tag in _CONTAINERS:
                self.inline(child, revisions, paragraph)
            elif tag == qn("w:bookmarkStart"):
                name = marker_name(child.get(qn("w:name")) or "")
                paragraph.pieces.append(Piece("bookmark", name=name))
            elif tag in (qn("w:commentRangeStart"), qn("w:commentRangeEnd")):
                kind = "comment-start" if tag == qn("w:commentRangeStart") else "comment-end"
                paragraph.pieces.append(Piece(kind, name=child.get(qn("w:id")) or ""))

    def hyperlink(
        self, element: BaseOxmlElement, revisions: tuple[Revision, ...], paragraph: Paragraph
    ) -> None:
        """Read a link's text; a link whose whole text was inserted is the reviewer's: its URL.

        A link that dossier printed keeps no address here: text typed into it extends it.
        """
        first = len(paragraph.pieces)
        self.inline(element, revisions, paragraph)
        texts = [
            index
            for index in range(first, len(paragraph.pieces))
            if paragraph.pieces[index].kind == "text"
        ]
        # "" for a link to a place in the document (w:anchor), or to a relation not there
        address = self.addresses.get(element.get(qn("r:id")) or "", "")
        anchor = element.get(qn("w:anchor"))
        added = bool(texts) and all(paragraph.pieces[i].state == INSERTED for i in texts)
        for index in texts:
            paragraph.pieces[index] = replace(
                paragraph.pieces[index],
                href=f"#{anchor}" if anchor else address,
                link=address if added else None,
            )

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
                character, note = symbol(
                    child.get(qn("w:font")) or "", child.get(qn("w:char")) or ""
                )
                paragraph.pieces.append(
                    Piece("text", character, _state(revisions), revisions, note=note)
                )
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


def join_split_links(paragraph: Paragraph) -> None:
    """Text typed into a link is the link's, though the editor wrote it as a link of its own.

    LibreOffice writes a link whose words were partly replaced with tracking as several
    links to the same address: the inserted words' one is no link the reviewer added.
    """
    texts = [i for i, p in enumerate(paragraph.pieces) if p.kind == "text" and p.text]
    for place, index in enumerate(texts):
        piece = paragraph.pieces[index]
        if piece.link is None:
            continue
        neighbours = [
            paragraph.pieces[texts[k]] for k in (place - 1, place + 1) if 0 <= k < len(texts)
        ]
        if any(n.link is None and n.href and n.href == piece.href for n in neighbours):
            paragraph.pieces[index] = replace(piece, link=None)


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
