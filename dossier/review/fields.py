"""From a reviewed document's paragraphs back to the fields that dossier printed in them.

Each paragraph dossier wrote that prints a field starts with a marker (a bookmark `_dN`); the
DOCX's markers part says which fields, and which words of the program between them, the
paragraph printed, with their text. That text is the second witness: the paragraph's text
before the review must be exactly it. Then each kept or deleted character belongs to one
printed piece, and each inserted one to the field beside it.
"""

from __future__ import annotations

import difflib
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass, field

from dossier.model import FieldPath, parse_path
from dossier.render.docx import MARKER_PREFIX, MARKERS_NAMESPACE
from dossier.review.tracked import DELETED, GONE, INSERTED, KEPT, Paragraph, Revision

UNTRACKED = Revision("untracked", "", "")


@dataclass(frozen=True)
class Printed:
    """One piece of what a marked paragraph printed: a field's text, or a word of the program."""

    path: FieldPath | None  # None: a word of the program (a label, a separator)
    line: int | None
    text: str  # page numbers left out


@dataclass(frozen=True)
class Markers:
    """The markers part of a DOCX: the edition, the source's digest, each paragraph's pieces."""

    slug: str
    digest: str
    paragraphs: dict[str, tuple[str, tuple[Printed, ...]]]  # marker → (style, pieces)


def read_markers(blob: bytes) -> Markers | None:
    """Read a custom XML part; None when it is not dossier's markers part."""
    try:
        root = ET.fromstring(blob)
    except ET.ParseError:
        return None
    namespace = f"{{{MARKERS_NAMESPACE}}}"
    if root.tag != f"{namespace}markers":
        return None
    paragraphs = {}
    for entry in root.iter(f"{namespace}p"):
        pieces = []
        for piece in entry:
            text = (piece.text or "") + "".join(page.tail or "" for page in piece)
            path = piece.get("path")
            line = piece.get("line")
            pieces.append(
                Printed(parse_path(path) if path else None, int(line) if line else None, text)
            )
        paragraphs[entry.get("name") or ""] = (entry.get("style") or "", tuple(pieces))
    return Markers(root.get("slug") or "", root.get("source-sha256") or "", paragraphs)


@dataclass
class FieldEdit:
    """A field whose printed text a reviewer changed."""

    piece: Printed
    before: str
    after: str
    revisions: list[Revision]


@dataclass
class Unit:
    """One paragraph as dossier wrote it, and what the review made of it.

    A reviewer who adds a paragraph inserts a paragraph mark inside an original paragraph:
    the original then spans several paragraphs of the reviewed file, up to its own mark.
    """

    paragraphs: list[Paragraph]
    marker: str | None = None
    style: str = ""
    pieces: tuple[Printed, ...] = ()
    edits: list[FieldEdit] = field(default_factory=list)
    before: list[tuple[str, str, list[Revision]]] = field(default_factory=list)  # new ones
    after: list[tuple[str, str, list[Revision]]] = field(default_factory=list)  # (text, style, …)
    deleted: bool = False
    merged: bool = False  # its last paragraph mark was deleted: joined to the next one
    problems: list[str] = field(default_factory=list)
    words_changed: list[str] = field(default_factory=list)
    comments: dict[str, Printed | None] = field(default_factory=dict)  # id → piece anchored on

    @property
    def original(self) -> str:
        """Return the unit's text before the review (page numbers left out)."""
        return "".join(c.text for c in _characters(self.paragraphs) if c.original and not c.page)

    @property
    def revisions(self) -> list[Revision]:
        """Return every revision in the unit."""
        return [r for p in self.paragraphs for r in p.revisions]

    @property
    def fields(self) -> list[Printed]:
        """Return the fields the unit printed."""
        return [piece for piece in self.pieces if piece.path is not None]


@dataclass
class _Character:
    text: str
    state: str
    revisions: tuple[Revision, ...]
    paragraph: int  # the index of its paragraph in the reviewed file, within the unit
    page: bool  # a page number: computed by the word processor, not a field's text
    piece: int | None = None

    @property
    def original(self) -> bool:
        return self.state in (KEPT, DELETED)

    @property
    def revised(self) -> bool:
        return self.state in (KEPT, INSERTED)


def units(paragraphs: Iterable[Paragraph], markers: Markers) -> list[Unit]:
    """Group the reviewed paragraphs by original paragraph and trace each to its fields."""
    found: list[Unit] = []
    current: list[Paragraph] = []
    for paragraph in paragraphs:
        current.append(paragraph)
        if paragraph.mark in (KEPT, DELETED):
            found.append(_trace(Unit(current), markers))
            current = []
    if current:
        found.append(_trace(Unit(current), markers))
    return found


def _characters(
    paragraphs: list[Paragraph], anchors: dict[str, int] | None = None
) -> list[_Character]:
    """Return the paragraphs' characters; note where each comment starts among them."""
    characters: list[_Character] = []
    for index, paragraph in enumerate(paragraphs):
        for piece in paragraph.pieces:
            if piece.kind == "comment-start" and anchors is not None:
                anchors[piece.name] = len(characters)
            if piece.kind != "text":
                continue
            page = piece.field.startswith("PAGEREF")
            for character in piece.text:
                characters.append(_Character(character, piece.state, piece.revisions, index, page))
    return characters


def _trace(unit: Unit, markers: Markers) -> Unit:
    names = [
        p.name
        for paragraph in unit.paragraphs
        for p in paragraph.pieces
        if p.kind == "bookmark" and p.name.startswith(MARKER_PREFIX)
    ]
    known = [name for name in names if name in markers.paragraphs]
    anchors: dict[str, int] = {}
    characters = _characters(unit.paragraphs, anchors)
    unit.comments = dict.fromkeys(anchors)
    if not known:
        return unit
    unit.marker = known[0]
    unit.style, unit.pieces = markers.paragraphs[unit.marker]
    printed = "".join(piece.text for piece in unit.pieces)
    if unit.original != printed:
        if any(c.state != KEPT for c in characters):
            unit.problems.append(
                "le texte de ce paragraphe avant les modifications suivies n'est plus celui que "
                "dossier a imprimé : il a aussi été modifié sans suivi ; rien n'en est reporté"
            )
            return unit
        characters = _untracked(printed, characters)
    _attribute(unit, characters)
    for name, position in anchors.items():
        after = [c.piece for c in characters[position:] if c.piece is not None]
        before = [c.piece for c in characters[:position] if c.piece is not None]
        index = after[0] if after else (before[-1] if before else None)
        unit.comments[name] = unit.pieces[index] if index is not None else None
    _outcome(unit, characters)
    return unit


def _untracked(printed: str, characters: list[_Character]) -> list[_Character]:
    """Turn an edit made without tracking into insertions and deletions against the print."""
    text = [c for c in characters if not c.page]
    matcher = difflib.SequenceMatcher(None, printed, "".join(c.text for c in text), False)
    revision = (UNTRACKED,)
    result: list[_Character] = []
    for operation, i1, i2, j1, j2 in matcher.get_opcodes():
        if operation == "equal":
            result += text[j1:j2]
            continue
        paragraph = text[j1].paragraph if j1 < len(text) else (text[-1].paragraph if text else 0)
        result += [_Character(c, DELETED, revision, paragraph, False) for c in printed[i1:i2]]
        result += [_Character(c.text, INSERTED, revision, c.paragraph, False) for c in text[j1:j2]]
    return result


def _attribute(unit: Unit, characters: list[_Character]) -> None:
    """Give each character its printed piece: its own, or for an insertion, a neighbour's."""
    bounds = []
    position = 0
    for piece in unit.pieces:
        bounds.append((position, position + len(piece.text)))
        position += len(piece.text)
    offset = 0
    for character in characters:
        if character.original and not character.page:
            character.piece = next(
                (i for i, (start, end) in enumerate(bounds) if start <= offset < end), None
            )
            offset += 1
    is_field = [piece.path is not None for piece in unit.pieces]
    for index, character in enumerate(characters):
        if character.piece is not None or character.page:
            continue
        before = next((c.piece for c in reversed(characters[:index]) if c.piece is not None), None)
        after = next((c.piece for c in characters[index + 1 :] if c.piece is not None), None)
        # text typed between a field and a word of the program belongs to the field
        for candidate in (before, after):
            if candidate is not None and is_field[candidate]:
                character.piece = candidate
                break
        else:
            character.piece = before if before is not None else after


def _outcome(unit: Unit, characters: list[_Character]) -> None:
    """Say what became of the paragraph: field edits, new or deleted paragraphs, a merge."""
    last = unit.paragraphs[-1]
    ends = [
        i
        for i, p in enumerate(unit.paragraphs)
        if p.mark in (KEPT, INSERTED) or (p is last and p.mark == DELETED)
    ]
    new_index = {i: sum(1 for end in ends if end < i) for i in range(len(unit.paragraphs))}
    kept = [0] * (len(ends) or 1)
    for character in characters:
        if character.state == KEPT and not character.page:
            kept[new_index[character.paragraph]] += 1
    if not any(c.state in (KEPT, INSERTED) for c in characters) and last.mark == DELETED:
        unit.deleted = True
        return
    unit.merged = last.mark == DELETED
    main = max(range(len(kept)), key=lambda i: (kept[i], -i))
    for number in range(len(kept)):
        if number == main:
            continue
        members = [i for i, n in new_index.items() if n == number]
        text = "".join(c.text for c in characters if c.revised and new_index[c.paragraph] == number)
        revisions = _revisions(c for c in characters if new_index[c.paragraph] == number)
        style = unit.paragraphs[members[-1]].style if members else ""
        (unit.before if number < main else unit.after).append((text, style, revisions))
    _field_edits(unit, [c for c in characters if new_index[c.paragraph] == main])


def _field_edits(unit: Unit, characters: list[_Character]) -> None:
    for index, piece in enumerate(unit.pieces):
        mine = [c for c in characters if c.piece == index and not c.page]
        if not any(c.state != KEPT for c in mine):
            continue
        after = "".join(c.text for c in mine if c.revised)
        if piece.path is None:
            unit.words_changed.append(f"« {piece.text} » → « {after} »")
            continue
        if after != piece.text or any(c.state == GONE for c in mine):
            unit.edits.append(FieldEdit(piece, piece.text, after, _revisions(mine)))


def _revisions(characters: Iterable[_Character]) -> list[Revision]:
    found: list[Revision] = []
    for character in characters:
        for revision in character.revisions:
            if revision not in found:
                found.append(revision)
    return found
