"""From a reviewed document's paragraphs back to the fields that dossier printed in them.

Each paragraph dossier wrote that prints a field starts with a marker (a bookmark `_dN`); the
DOCX's markers part says which fields, and which words of the program between them, the
paragraph printed, with their text. That text is the second witness: the paragraph's text
before the review must be exactly it. Then each kept or deleted character belongs to one
printed piece, and each inserted one to the field beside it.
"""

from __future__ import annotations

import difflib
import itertools
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass, field

from dossier.model import FieldPath, format_path, parse_path
from dossier.office.markers import MARKER_PREFIX, MARKERS_NAMESPACE
from dossier.office.revisions import DELETED, GONE, INSERTED, KEPT, Paragraph, Revision

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


class DamagedMarkers(ValueError):
    """The markers part is dossier's, but its content was changed: each problem, in French."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


MARKERS_VERSION = "1"


def read_markers(blob: bytes) -> Markers | None:
    """Read a custom XML part; None when it is not dossier's markers part.

    Raises DamagedMarkers when it is, but what it holds is not what dossier writes.
    """
    try:
        root = ET.fromstring(blob)
    except ET.ParseError as error:
        if MARKERS_NAMESPACE.encode() in blob:  # dossier's, broken by hand
            raise DamagedMarkers([f"XML illisible, ligne {error.position[0]}"]) from None
        return None
    namespace = f"{{{MARKERS_NAMESPACE}}}"
    if root.tag != f"{namespace}markers":
        return None
    problems: list[str] = []
    version = root.get("version")
    if version != MARKERS_VERSION:
        problems.append(
            f"version « {version or ''} » des repères, que cette version de dossier ne lit pas"
        )
    if not root.get("slug"):
        problems.append("le slug de l'édition manque")
    paragraphs: dict[str, tuple[str, tuple[Printed, ...]]] = {}
    for entry in root:
        name = entry.get("name") or ""
        if entry.tag != f"{namespace}p" or not name.startswith(MARKER_PREFIX):
            problems.append(f"élément inattendu « {_local(entry.tag)} » {name}".rstrip())
            continue
        if name in paragraphs:
            problems.append(f"{name} : repère en double")
        pieces = []
        for piece in entry:
            found = _piece(piece, namespace, f"{name} : ")
            if isinstance(found, str):
                problems.append(found)
            else:
                pieces.append(found)
        paragraphs[name] = (entry.get("style") or "", tuple(pieces))
    if problems:
        raise DamagedMarkers(problems)
    return Markers(root.get("slug") or "", root.get("source-sha256") or "", paragraphs)


def _piece(piece: ET.Element, namespace: str, where: str) -> Printed | str:
    """Read one printed piece of a marker, or say what is wrong with it."""
    kind = _local(piece.tag)
    if piece.tag not in (f"{namespace}f", f"{namespace}w"):
        return f"{where}élément inattendu « {kind} »"
    if any(child.tag != f"{namespace}page" for child in piece):
        return f"{where}élément inattendu dans « {kind} »"
    text = (piece.text or "") + "".join(page.tail or "" for page in piece)
    if kind == "w":
        return Printed(None, None, text)
    written = piece.get("path") or ""
    path = parse_path(written)
    if not path or not isinstance(path[0], str) or format_path(path) != written:
        return f"{where}" + (f"champ « {written} » illisible" if written else "champ vide")
    line = piece.get("line")
    if line is not None and not (line.isascii() and line.isdigit() and int(line) > 0):
        shown = f"ligne « {line} »" if line else "ligne vide"
        return f"{where}{written} : {shown}, qui n'est pas un numéro de ligne"
    return Printed(path, int(line) if line is not None else None, text)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


@dataclass
class FieldEdit:
    """A field whose printed text a reviewer changed.

    marked is after with the links the reviewer added written as the edition writes links,
    [text](address); lost names what the reviewer added that no text can hold (a symbol of a
    symbol font, a link without an address).
    """

    piece: Printed
    before: str
    after: str
    revisions: list[Revision]
    marked: str = ""
    lost: tuple[str, ...] = ()
    links: tuple[tuple[str, str], ...] = ()  # (text, address) of each link added


@dataclass(frozen=True)
class Added:
    """A paragraph a reviewer added: its text, its Word style, and as FieldEdit says."""

    text: str
    style: str
    revisions: list[Revision]
    marked: str
    lost: tuple[str, ...] = ()
    links: tuple[tuple[str, str], ...] = ()


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
    before: list[Added] = field(default_factory=list)  # new paragraphs before it
    after: list[Added] = field(default_factory=list)  # and after it
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
    link: str | None = None  # the address of a link the reviewer added
    note: str = ""  # what an OBJECT character stands for

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
                characters.append(
                    _Character(
                        character,
                        piece.state,
                        piece.revisions,
                        index,
                        page,
                        link=piece.link,
                        note=piece.note,
                    )
                )
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
        result += [
            _Character(c.text, INSERTED, revision, c.paragraph, False, link=c.link, note=c.note)
            for c in text[j1:j2]
        ]
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
        own = [c for c in characters if new_index[c.paragraph] == number]
        text, marked, lost, links = _written([c for c in own if c.revised])
        style = unit.paragraphs[members[-1]].style if members else ""
        added = Added(text, style, _revisions(own), marked, lost, links)
        (unit.before if number < main else unit.after).append(added)
    _field_edits(unit, [c for c in characters if new_index[c.paragraph] == main])


def _field_edits(unit: Unit, characters: list[_Character]) -> None:
    for index, piece in enumerate(unit.pieces):
        mine = [c for c in characters if c.piece == index and not c.page]
        if not any(c.state != KEPT for c in mine):
            continue
        after, marked, lost, links = _written([c for c in mine if c.revised])
        if piece.path is None:
            unit.words_changed.append(f"« {piece.text} » → « {after} »")
            continue
        if after != piece.text or any(c.state == GONE for c in mine):
            unit.edits.append(
                FieldEdit(piece, piece.text, after, _revisions(mine), marked, lost, links)
            )


def _written(
    characters: list[_Character],
) -> tuple[str, str, tuple[str, ...], tuple[tuple[str, str], ...]]:
    """Return a text as printed, with the links added as [text](address), what is lost, links."""
    marked: list[str] = []
    lost: list[str] = []
    links: list[tuple[str, str]] = []
    for link, group in itertools.groupby(characters, key=lambda c: c.link):
        members = list(group)
        text = "".join(c.text for c in members)
        lost += [c.note for c in members if c.note]
        if link is None:
            marked.append(text)
        elif link:
            marked.append(f"[{text}]({link})")
            links.append((text, link))
        else:
            marked.append(text)
            lost.append(f"lien ajouté sur « {text.strip()} », sans adresse web")
    text = "".join(c.text for c in characters)
    return text, "".join(marked), tuple(dict.fromkeys(lost)), tuple(links)


def _revisions(characters: Iterable[_Character]) -> list[Revision]:
    found: list[Revision] = []
    for character in characters:
        for revision in character.revisions:
            if revision not in found:
                found.append(revision)
    return found
