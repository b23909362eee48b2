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
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from dossier.model import FieldPath, format_path, parse_path
from dossier.office import markers
from dossier.office.markers import MARKER_PREFIX
from dossier.office.revisions import DELETED, GONE, INSERTED, KEPT, Paragraph, Revision

UNTRACKED = Revision("untracked", "", "")
WINDOW = 40  # how many built paragraphs past the last one found an edited paragraph may be


@dataclass(frozen=True)
class Printed:
    """One piece of what a marked paragraph printed: a field's text, or a word of the program."""

    path: FieldPath | None  # None: a word of the program (a label, a separator)
    line: int | None
    text: str  # page numbers left out
    kind: str = ""  # what the model says the field is (model.Kind), "" when unknown
    pages: tuple[int, ...] = ()  # where in text a page number stood


@dataclass(frozen=True)
class Markers:
    """What a DOCX was built from: the edition, its digest, each paragraph in reading order."""

    slug: str
    digest: str
    paragraphs: dict[str, tuple[str, tuple[Printed, ...]]]  # marker → (style, pieces)
    order: tuple[tuple[str, str, tuple[Printed, ...]], ...] = ()  # (marker or "", style, pieces)
    footer: frozenset[int] = frozenset()  # the places in order of the cover's footer


def markers_of(part: markers.Markers) -> Markers:
    """Return the markers part with field paths as the edition's (tuples), in reading order."""
    order = []
    footer = frozenset(i for i, built in enumerate(part.paragraphs) if built.story == "footer")
    for built in part.paragraphs:
        pieces = tuple(
            Printed(parse_path(p.path) if p.path else None, p.line, p.plain, p.kind, _slots(p.text))
            for p in built.pieces
        )
        order.append((built.name, built.style, pieces))
    named = {name: (style, pieces) for name, style, pieces in order if name}
    return Markers(part.slug, part.digest, named, tuple(order), footer)


def is_field_path(written: str) -> bool:
    """Tell whether a markers part's path is written as an edition's field path is."""
    path = parse_path(written)
    return bool(path) and isinstance(path[0], str) and format_path(path) == written


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
    notes: list[str] = field(default_factory=list)  # where a marker and the text disagree
    placed: bool = False  # found among the built paragraphs that print no field
    composed_from: tuple[Printed, ...] = ()  # such a paragraph: what it repeats (a heading)
    texts: tuple[str, str] | None = None  # and its text as built, and as returned
    changed: bool = False  # such a paragraph, and its text is no longer the one built
    words_changed: list[str] = field(default_factory=list)
    comments: dict[str, Printed | None] = field(default_factory=dict)  # id → piece anchored on

    @property
    def original(self) -> str:
        """Return the unit's text before the review (page numbers left out)."""
        if not self.paragraphs:  # deleted without tracking: what was printed
            return "".join(piece.text for piece in self.pieces)
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


def _slots(text: str) -> tuple[int, ...]:
    """Return where, in a text without its page numbers, each page number stood."""
    parts = text.split(markers.PAGE)
    return tuple(itertools.accumulate(len(part) for part in parts[:-1]))


def _lost_pages(pieces: tuple[Printed, ...], characters: list[_Character]) -> list[_Character]:
    """Mark as page numbers the digits standing where the built paragraph had one.

    A page number is a field that the word processor fills; a trip through another format or
    Word's comparison turns it into plain digits. Where the built paragraph had a page
    number, the digits the returned one holds there are that number, not an edit.
    """
    slots: list[int] = []
    offset = 0
    for piece in pieces:
        slots += [offset + at for at in piece.pages]
        offset += len(piece.text)
    if not slots:
        return characters
    printed = "".join(piece.text for piece in pieces)
    result = list(characters)
    for wanted in (lambda c: c.original, lambda c: c.revised):
        places = [i for i, c in enumerate(result) if not result[i].page and wanted(c)]
        text = "".join(result[i].text for i in places)
        matcher = difflib.SequenceMatcher(None, printed, text, autojunk=False)
        for operation, i1, i2, j1, j2 in matcher.get_opcodes():
            if operation not in ("insert", "replace") or i1 not in slots:
                continue
            typed = text[j1:j2]
            digits = re.match(r"\d+", typed)
            if digits is None or (
                operation == "replace" and printed[i1:i2] != typed[digits.end() :]
            ):
                continue
            for j in range(j1, j1 + digits.end()):
                result[places[j]] = replace(result[places[j]], page=True)
    return result


def units(paragraphs: Iterable[Paragraph], markers: Markers) -> list[Unit]:
    """Group the reviewed paragraphs by original paragraph and trace each to its fields.

    A marker is a hint, not the only witness: a paragraph whose marker was lost (an edit at
    its first character deletes the bookmark; another editor drops them all) is found by
    aligning the paragraphs with the document as it was built (the markers part lists every
    paragraph in reading order): by its text before the review, or, edited without tracking,
    as the one built paragraph between two paragraphs found.
    """
    paragraphs = _retyped(list(paragraphs))
    if markers.footer and not any(p.story == "footer" for p in paragraphs):
        # the cover's footer did not come back (Word's comparison drops the section's
        # footers): not deleted by anyone; read_review says it is missing
        markers = replace(
            markers,
            order=tuple(e for i, e in enumerate(markers.order) if i not in markers.footer),
            footer=frozenset(),
        )
    groups: list[list[Paragraph]] = []
    current: list[Paragraph] = []
    for paragraph in paragraphs:
        current.append(paragraph)
        if paragraph.mark in (KEPT, DELETED):
            groups.append(current)
            current = []
    if current:
        groups.append(current)
    groups = [group for group in groups if any(_text_of(p) for p in group)]
    named, removed = _aligned(groups, markers)
    found: list[Unit] = []
    for index, group in enumerate(groups):
        for name in removed.get(index, ()):
            found.append(_removed(name, markers))
        unit = _trace(Unit(group), markers, named.get(index))
        previous = next((u for u in reversed(found) if u.marker and not u.deleted), None)
        if unit.marker is None and not unit.placed and previous is not None:
            # a paragraph the built document does not have, typed without tracking
            characters = _characters(group)
            revisions = _revisions(characters) or [UNTRACKED]
            text, marked, lost, links = _written(characters)
            style = group[-1].style
            previous.after.append(Added(text, style, revisions, marked, lost, links))
            continue
        found.append(unit)
    for name in removed.get(len(groups), ()):
        found.append(_removed(name, markers))
    return found


def _retyped(paragraphs: list[Paragraph]) -> list[Paragraph]:
    """Join a paragraph deleted whole and the one inserted whole in its place, of its style.

    Word's comparison, and a reviewer who deletes a line and types it again, leave a
    paragraph replaced as two: one deleted (its text and its mark), one inserted. It is one
    paragraph whose text changed, as a title retyped is.
    """
    result: list[Paragraph] = []
    for paragraph in paragraphs:
        previous = result[-1] if result else None
        if (
            previous is not None
            and previous.mark == DELETED
            and previous.story == paragraph.story
            and previous.style == paragraph.style
            and paragraph.mark == INSERTED
            and _whole(previous, DELETED)
            and _whole(paragraph, INSERTED)
        ):
            result[-1] = Paragraph(
                paragraph.story,
                previous.style,
                previous.pieces + paragraph.pieces,
                format_changes=previous.format_changes + paragraph.format_changes,
            )
            continue
        result.append(paragraph)
    return result


def _whole(paragraph: Paragraph, state: str) -> bool:
    """Tell whether all the text of a paragraph, and some, is in one state."""
    states = {p.state for p in paragraph.pieces if p.kind == "text" and p.text}
    return states == {state}


def _removed(name: str, markers: Markers) -> Unit:
    """Return a built paragraph the reviewed document no longer has: deleted untracked."""
    style, pieces = markers.paragraphs[name]
    return Unit([], marker=name, style=style, pieces=pieces, deleted=True)


def _text_of(paragraph: Paragraph) -> str:
    masks = _page_masks(paragraph)
    return "".join(
        c
        for index, p in enumerate(paragraph.pieces)
        if p.kind == "text"
        for c, page in zip(p.text, masks[index], strict=True)
        if not page
    )


def _page_masks(paragraph: Paragraph) -> list[list[bool]]:
    """Tell, for each character of each piece, whether it is a page number's digit.

    The result of a page field is its number; an editor may hold more in it (LibreOffice
    keeps a whole contents entry, « Édito⇥3 », or the « ). » after « voir p. 7 », in the
    field): the last run of digits of each field's result is the number, the rest is text.
    """
    masks = [[False] * len(p.text) for p in paragraph.pieces]
    groups: list[list[int]] = []
    for index, piece in enumerate(paragraph.pieces):
        if piece.kind != "text" or not _is_page(piece):
            continue
        previous = paragraph.pieces[groups[-1][-1]] if groups else None
        if groups and groups[-1][-1] == index - 1 and previous and previous.field == piece.field:
            groups[-1].append(index)
        else:
            groups.append([index])
    for group in groups:
        places = [(i, k) for i in group for k in range(len(paragraph.pieces[i].text))]
        digits = [n for n, (i, k) in enumerate(places) if paragraph.pieces[i].text[k].isdigit()]
        if not digits:
            continue
        last = digits[-1]
        first = last
        while first - 1 in digits:
            first -= 1
        for i, k in places[first : last + 1]:
            masks[i][k] = True
    return masks


def _is_page(piece: object) -> bool:
    return getattr(piece, "field", "").startswith(("PAGEREF", "PAGE"))


def _key(text: str) -> str:
    """Return a paragraph's text as the alignment compares it: spaces and forms aside."""
    text = unicodedata.normalize("NFC", text)
    return re.sub(r"\s+", " ", text.replace("\u2011", "-")).strip()


def _aligned(
    groups: list[list[Paragraph]], markers: Markers
) -> tuple[dict[int, str], dict[int, list[str]]]:
    """Return, for each group of reviewed paragraphs, the name of the built paragraph it is.

    Built paragraphs without a marker (the contents, the cover's fixed words) take the name
    "#n" (their place): they print no field, and a group found there is no field's. Also
    return the marked built paragraphs the document no longer has, by the group they preceded.
    """
    order = markers.order
    if not order:
        return {}, {}
    names = [name or f"#{index}" for index, (name, _, _) in enumerate(order)]
    place = {name: index for index, name in enumerate(names)}
    built = [_key("".join(p.text for p in pieces)) for _, _, pieces in order]
    original = [_key("".join(_text_of_original(p) for p in group)) for group in groups]
    matcher = difflib.SequenceMatcher(None, built, original, autojunk=False)
    found: dict[int, str] = {}
    removed: dict[int, list[str]] = {}
    for operation, i1, i2, j1, j2 in matcher.get_opcodes():
        if operation == "equal":
            for offset in range(i2 - i1):
                found[j1 + offset] = names[i1 + offset]
            continue
        # edited without tracking: each group takes the closest built paragraph, in order
        taken: set[int] = set()
        low = i1
        for j in range(j1, j2):
            best, score = None, 0.5
            # in order, and near: a block of hundreds of paragraphs costs no more than a window
            for i in range(low, min(i2, low + WINDOW)):
                matcher = difflib.SequenceMatcher(None, built[i], original[j], autojunk=False)
                if matcher.real_quick_ratio() <= score or matcher.quick_ratio() <= score:
                    continue
                ratio = matcher.ratio()
                if ratio > score:
                    best, score = i, ratio
            if best is not None:
                found[j] = names[best]
                taken.add(best)
                low = best + 1
        # one edited past recognition: the built paragraph of its style left between the
        # paragraphs found around it (a label retyped, a title rewritten)
        where = {j: place[found[j]] for j in range(j1, j2) if j in found}
        for j in range(j1, j2):
            if j in found:
                continue
            below = max((k for k in where if k < j), default=None)
            above = min((k for k in where if k > j), default=None)
            first = below + 1 if below is not None else j1
            last = above if above is not None else j2
            lonely = all(k in where for k in range(first, last) if k != j)
            bottom = where[below] + 1 if below is not None else i1
            top = where[above] if above is not None else i2
            free = [i for i in range(bottom, top) if i not in taken]
            if lonely and len(free) == 1 and order[free[0]][1] == groups[j][-1].style:
                found[j] = names[free[0]]
                taken.add(free[0])
        for i in range(i1, i2):
            if i not in taken and not names[i].startswith("#"):
                after = [j for j in range(j1, j2) if j in found and place[found[j]] > i]
                removed.setdefault(after[0] if after else j2, []).append(names[i])
    return found, removed


def _text_of_original(paragraph: Paragraph) -> str:
    masks = _page_masks(paragraph)
    return "".join(
        c
        for index, p in enumerate(paragraph.pieces)
        if p.kind == "text" and p.state in (KEPT, DELETED)
        for c, page in zip(p.text, masks[index], strict=True)
        if not page
    )


def _characters(
    paragraphs: list[Paragraph], anchors: dict[str, int] | None = None
) -> list[_Character]:
    """Return the paragraphs' characters; note where each comment starts among them."""
    characters: list[_Character] = []
    for index, paragraph in enumerate(paragraphs):
        masks = _page_masks(paragraph)
        for number, piece in enumerate(paragraph.pieces):
            if piece.kind == "comment-start" and anchors is not None:
                anchors[piece.name] = len(characters)
            if piece.kind != "text":
                continue
            for character, page in zip(piece.text, masks[number], strict=True):
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


def _trace(unit: Unit, markers: Markers, aligned: str | None = None) -> Unit:
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
    if known and aligned is not None and aligned != known[0]:
        unit.notes.append(
            f"le repère {known[0]} de ce paragraphe et son texte ne désignent pas le même "
            "paragraphe du DOCX fabriqué : le texte l'emporte"
        )
    name = aligned if aligned is not None else (known[0] if known else None)
    if name is None or name not in markers.paragraphs:
        unit.placed = name is not None  # a built paragraph that prints no field
        if name is not None:
            pieces = markers.order[int(name[1:])][2]
            unit.composed_from = tuple(piece for piece in pieces if piece.path is not None)
            characters = _lost_pages(pieces, characters)
            built = "".join(p.text for p in pieces)
            revised = "".join(c.text for c in characters if c.revised and not c.page)
            unit.changed = _key(built) != _key(revised)
            unit.texts = (built, revised)
        return unit
    unit.marker = name
    unit.style, unit.pieces = markers.paragraphs[unit.marker]
    characters = _lost_pages(unit.pieces, characters)
    printed = "".join(piece.text for piece in unit.pieces)
    if "".join(c.text for c in characters if c.original and not c.page) != printed:
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
    """Turn edits made without tracking into insertions and deletions against the print.

    The text before the tracked changes (kept and deleted) is held to what dossier printed:
    what the print has and it lacks was deleted without tracking; what it has and the print
    lacks was typed without tracking (deleted again with tracking, it is gone). Tracked
    insertions stay where they are.
    """
    text = [c for c in characters if not c.page]
    originals = [index for index, c in enumerate(text) if c.original]
    matcher = difflib.SequenceMatcher(
        None, printed, "".join(text[i].text for i in originals), autojunk=False
    )
    revision = (UNTRACKED,)
    extra: set[int] = set()  # indices in text of originals the print does not have
    missing: dict[int, str] = {}  # index in text (or len) → printed text deleted before it
    for operation, i1, i2, j1, j2 in matcher.get_opcodes():
        if operation == "equal":
            continue
        extra.update(originals[j] for j in range(j1, j2))
        if i2 > i1:
            at = originals[j1] if j1 < len(originals) else len(text)
            missing[at] = missing.get(at, "") + printed[i1:i2]
    result: list[_Character] = []
    for index, character in enumerate([*text, None]):
        if index in missing:
            paragraph = character.paragraph if character else (text[-1].paragraph if text else 0)
            result += [_Character(c, DELETED, revision, paragraph, False) for c in missing[index]]
        if character is None:
            break
        if index in extra:
            state = INSERTED if character.state == KEPT else GONE
            character = replace(character, state=state, revisions=(*character.revisions, *revision))
        result.append(character)
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
            if _key(after) != _key(piece.text) or (not after.strip() and piece.text.strip()):
                # a space retyped as another kind of space leaves the words as they were
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
