"""From what a reviewer made of a printed field back to what a person types in edition.yaml.

The printed text is the value set in French (spaces, quotes, apostrophes, links' text); the
reviewer's change is made on the value itself, at the place it maps to, so that everything the
reviewer did not touch stays as it was written. A date line is read back as dates and hours.
Whatever cannot be read back with certainty is left for a person, with the reason.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from dossier.french import Days, French, plain, read_days, read_hours, rich_text, same_print
from dossier.french import untypeset as plain_typing
from dossier.model import FieldPath, format_path, parse_path
from dossier.office.revisions import Revision
from dossier.review.fields import UNTRACKED, Added, FieldEdit, Printed, Unit
from dossier.source import (
    AddKey,
    DeleteItem,
    Edit,
    InsertItem,
    RemoveKey,
    RenameKey,
    SetValue,
)

DAY_KEYS = ("date", "dates", "from", "to")
# Word style ids of the paragraphs a reviewer may add to running text: a subheading has a style
# of its own (render/docx/styles.py: Heading 3 is a section under another since the headings
# took one hierarchy in every output).
BLOCK_STYLES = {
    "Subheading": "subheading",
    "Subheading2": "subsubheading",
    "ListBullet": "list",
    "ListNumber": "numbered",
}
_LISTS = ("list", "numbered")  # the blocks whose items a new paragraph of their style extends
_WHAT = {
    "subheading": "un intertitre",
    "subsubheading": "un intertitre",
    "list": "une liste à puces",
    "numbered": "une liste numérotée",
}


@dataclass
class Change:
    """One thing the reviewers did, as the report tells it and the source receives it."""

    kind: str  # « modifié », « ajouté », « supprimé », « mise en forme », …
    path: FieldPath | None
    line: int | None
    before: str
    after: str
    revisions: list[Revision]
    edits: list[Edit] = field(default_factory=list)
    reason: str = ""  # why it is left for a person; empty when it can be written back
    applied: bool = False

    @property
    def field(self) -> str:
        """Return the field path as errors write it."""
        return format_path(self.path) if self.path is not None else ""


class Reader:
    """Reads changes back against the edition's data as written in its file."""

    def __init__(
        self,
        data: Any,
        french: French,
        year: int,
        current: dict[str, str],
        kind: Callable[[FieldPath], str] = lambda path: "",
        text_styles: frozenset[str] = frozenset(),
    ) -> None:
        self.data = data
        # the styles of running text in the built document: a paragraph added in another
        # (a date's, a link's, a title's) is not a paragraph of text
        self.text_styles = text_styles
        self.french = french
        self.year = year
        self.current = current  # what each field prints today: the third witness
        self.kind = kind  # what the model says a field is: model.Edition.field_kind

    def locate(self, path: FieldPath, text: str) -> FieldPath | None:
        """Find the field that prints a text today: at its path, or moved within its lists.

        Items added or removed since the DOCX was made shift the indices of those after them:
        the field is the one, of the same shape, that still prints the DOCX's text, if only
        one does.
        """
        if same_print(self.current.get(format_path(path), "\0"), text):
            return path
        # the same path with any index in its lists: sections[9].events[2] ~ sections[9].events[3]
        pattern = re.sub(r"\\\[\d+\\\]", r"\\[\\d+\\]", re.escape(format_path(path)))
        found = [
            key
            for key, value in self.current.items()
            if re.fullmatch(pattern, key) and same_print(value, text)
        ]
        return parse_path(found[0]) if len(found) == 1 else None

    def witness(self, change: Change) -> bool:
        """Hold a change against what edition.yaml prints today; say whether it may go on.

        A field that prints what the reviewer wrote is already done; one that prints neither
        the DOCX's text nor the reviewer's changed since the DOCX was made: a conflict. A field
        whose list moved is followed to where it is now.
        """
        if change.path is None:
            return True
        if change.kind == "ajouté":  # the list has it already: the review was applied
            prefix = change.field + "["
            items = [v for k, v in self.current.items() if k.startswith(prefix)]
            if any(same_print(item, change.after) for item in items):
                change.reason = "déjà dans edition.yaml : rien à reporter"
                return False
            return True
        if same_print(self.current.get(change.field, "\0"), change.before):
            return True
        if change.after and self.locate(change.path, change.after) is not None:
            change.reason = "déjà dans edition.yaml : rien à reporter"
            return False
        where = self.locate(change.path, change.before)
        if where is not None:
            change.path = where
            return True
        if change.kind == "supprimé":
            change.reason = "déjà retiré d'edition.yaml, ou changé depuis : rien n'est reporté"
            return False
        now = self.current.get(change.field)
        change.reason = (
            "conflit : ce champ a changé dans edition.yaml depuis la fabrication du DOCX"
            + (f" (il imprime maintenant « {now} »)" if now else "")
            + " : à reporter à la main"
        )
        return False

    def value(self, path: FieldPath) -> Any:
        value = self.data
        for part in path:
            try:
                value = value[part]
            except (KeyError, IndexError, TypeError):
                return None
        return value

    # --- one unit ---

    def unit(self, unit: Unit, previous: Unit | None = None) -> list[Change]:
        """Return the changes of one original paragraph."""
        revisions = unit.revisions
        first = unit.fields[0] if unit.fields else None
        path, line = (first.path, first.line) if first else (None, None)
        notes = [
            Change("repère", path, line, unit.original, "", [], reason=note) for note in unit.notes
        ]
        if unit.marker is None:
            if unit.placed and not unit.changed:
                return notes
            return [*notes, self.outside(unit, revisions or [UNTRACKED])]
        if unit.problems:
            return [
                Change("modifié", path, line, unit.original, "", revisions, reason=p)
                for p in unit.problems
            ]
        if unit.deleted:
            return [self.deleted(unit, revisions or [UNTRACKED])]
        when = [edit for edit in unit.edits if edit.piece.kind == "when"]
        others = [edit for edit in unit.edits if edit.piece.kind != "when"]
        changes = notes + (self.when(unit, when) if when else []) + [self.edit(e) for e in others]
        line_of_days = bool(when) and all(p.kind == "when" for p in unit.fields)
        if unit.words_changed and not line_of_days:  # a date line's words are read with it
            # where the words dossier composes changed too, which field the typing belongs to
            # is not known (Word's comparison writes a link's new words outside the link):
            # nothing of the paragraph is written, all of it is listed
            for change in changes:
                if change.edits:
                    change.edits = []
                    change.reason = (
                        "la même modification touche des mots que dossier compose lui-même "
                        "dans ce paragraphe : à reporter à la main"
                    )
            changes.append(
                Change(
                    "modifié",
                    path,
                    line,
                    unit.original,
                    "",
                    revisions,
                    reason="des mots que dossier ajoute lui-même ont été changés ("
                    + " ; ".join(unit.words_changed)
                    + ") : ils ne viennent d'aucun champ",
                )
            )
        if unit.merged:
            changes.append(
                Change(
                    "fusionné",
                    path,
                    line,
                    unit.original,
                    "",
                    revisions,
                    reason="ce paragraphe a été joint au suivant : à reporter à la main",
                )
            )
        anchor_after = unit.fields[-1] if unit.fields else None
        for added in unit.after:
            changes.append(self.inserted(anchor_after, added, after=True))
        for added in unit.before:
            change = self.inserted(first, added, after=False)
            if change.reason and previous is not None and previous.fields:
                # typed before a title, it follows the list that ends the paragraph before
                alternative = self.inserted(previous.fields[-1], added, after=True)
                change = change if alternative.reason else alternative
            changes.append(change)
        return changes

    def outside(self, unit: Unit, revisions: list[Revision]) -> Change:
        before, text = unit.texts or (unit.original, "".join(p.revised for p in unit.paragraphs))
        return Change(
            "hors champ",
            None,
            None,
            before,
            text,
            revisions,
            reason=(
                "ce paragraphe reprend "
                + ", ".join(format_path(piece.path) for piece in unit.composed_from if piece.path)
                + " (une entrée du sommaire, refaite à chaque fabrication) : reportez-y la "
                "modification si elle vaut aussi pour ce champ"
            )
            if unit.composed_from
            else "ce paragraphe n'imprime aucun champ de l'édition (sommaire, mention fixe) "
            "ou a été ajouté seul : à reporter à la main s'il le faut",
        )

    # --- a field's text ---

    def edit(self, edit: FieldEdit) -> Change:
        piece = edit.piece
        assert piece.path is not None
        change = Change("modifié", piece.path, piece.line, edit.before, edit.after, edit.revisions)
        if edit.before == edit.after:  # an insertion another reviewer took out again
            change.reason = "inséré puis supprimé : le texte reste celui du DOCX, rien à reporter"
            return change
        if not self.witness(change):
            return change
        assert change.path is not None
        path = change.path  # where the field is today, if its list moved
        key = path[-1]
        value = self.value(path)
        if edit.lost:  # written without them, the text would say less than the reviewer's
            change.reason = " ; ".join(edit.lost) + " : à reporter à la main"
            return change
        linked = bool(edit.links)
        if linked and (key in (*DAY_KEYS, "start", "organisers") or not isinstance(value, str)):
            change.reason = _links_added(edit.links) + " : ce champ n'a pas de liens"
            return change
        if key in ("date", "dates", "from"):
            return self.days(change)
        if key == "start":
            return self.hours(change)
        if key == "organisers":
            return self.names(change, value if isinstance(value, list) else [value])
        if key in ("link", "url") or not isinstance(value, str):
            change.reason = "ce texte est mis par dossier, il ne se corrige pas ici"
            return change
        if key in ("period", "publication_date", "edition_number") or path[0] == "revision":
            change.reason = "à corriger dans edition.yaml : la couverture se compose de ce champ"
            return change
        if not edit.after.strip():
            return self.emptied(change)
        new = untypeset_edit(value, edit.before, edit.marked if linked else edit.after)
        if new is None:
            change.reason = (
                "le texte écrit ne s'imprime plus comme dans le DOCX : à reporter à la main"
            )
            return change
        if not same_print(plain(rich_text(new)), edit.after) or not _keeps_links(new, edit):
            change.reason = (
                (_links_added(edit.links) + " : à reporter à la main")
                if linked
                else "la modification touche un lien ou un renvoi de page : à reporter à la main"
            )
            return change
        if not _keeps_references(value, new):
            change.reason = (
                "la modification retirerait un lien, un renvoi de page ou une langue du texte "
                "écrit : à reporter à la main"
            )
            return change
        change.edits = [SetValue(path, new)]
        return change

    def emptied(self, change: Change) -> Change:
        change.kind = "supprimé"
        assert change.path is not None
        if isinstance(change.path[-1], int):
            change.edits = [DeleteItem(change.path)]
        else:
            change.edits = [RemoveKey(change.path)]
        return change

    def names(self, change: Change, value: list[str]) -> Change:
        text = plain_typing(change.after).strip()
        parts = [p.strip() for p in re.split(r",\s*", text)]
        if parts and " et " in parts[-1] and not any(" et " in name for name in value):
            parts[-1:] = [p.strip() for p in parts[-1].rsplit(" et ", 1)]
        if not all(parts):
            change.reason = "la liste des organisateurs ne se relit pas : à reporter à la main"
            return change
        assert change.path is not None
        written = self.value(change.path)
        change.edits = [
            SetValue(
                change.path, parts[0] if len(parts) == 1 and isinstance(written, str) else parts
            )
        ]
        return change

    # --- dates and hours ---

    def when(self, unit: Unit, edits: list[FieldEdit]) -> list[Change]:
        """Read an event's date line as one value: its days, then its hours.

        Where a reviewer's typing falls between the day and the hours is not where the words
        go: the whole line is read again, split where its hours begin, and each part that
        changed is written to its keys (date, dates, from, to; start, end).
        """
        pieces = [p for p in unit.fields if p.kind == "when" and p.path is not None]
        day = next((p for p in pieces if p.path and p.path[-1] in DAY_KEYS), None)
        hour = next((p for p in pieces if p.path and p.path[-1] == "start"), None)
        revisions = [r for edit in edits for r in edit.revisions]
        revisions = list(dict.fromkeys(revisions))
        before = "".join(p.text for p in unit.pieces)
        after = "".join(p.revised for p in unit.paragraphs)
        if same_print(before, after) or any(e.links or e.lost for e in edits):
            # typed then taken out again, or what a date cannot hold: said field by field
            return [self.edit(edit) for edit in edits]
        days_text, hours_text = split_when(after)
        changes = []
        if day is not None and not same_print(days_text, day.text):
            change = Change("modifié", day.path, day.line, day.text, days_text, revisions)
            if self.witness(change):
                change = self.days(change)
            if change.reason:  # the line does not read: none of it is written
                change.before, change.after = before, after
                return [change]
            changes.append(change)
        printed_hours = hour.text if hour is not None else ""
        if not same_print(hours_text, printed_hours):
            assert pieces[0].path is not None
            event = pieces[0].path[:-1]
            path = hour.path if hour is not None else (*event, "start")
            line = hour.line if hour is not None else pieces[0].line
            change = Change("modifié", path, line, printed_hours, hours_text, revisions)
            if hour is None or self.witness(change):
                change = self.hours(change)
            if change.reason:  # the hours do not read: the days are not written alone
                change.before, change.after = before, after
                return [change]
            changes.append(change)
        if not changes:  # the line reads as it did: what moved was spacing or punctuation
            changes = [
                Change(
                    "modifié",
                    pieces[0].path,
                    pieces[0].line,
                    before,
                    after,
                    revisions,
                    reason="la date se lit comme avant : rien à reporter",
                )
            ]
        return changes

    def days(self, change: Change) -> Change:
        assert change.path is not None
        event = change.path[:-1]
        read = read_days(change.after, self.french.months, self.year)
        if read is None:
            change.reason = (
                f"« {change.after} » ne se lit pas comme une date (écrivez « 3 novembre 2021 », "
                "« du 2 au 5 novembre », « les 4 et 5 novembre » ou « à partir du 8 novembre »)"
            )
            return change
        change.edits = day_edits(event, self.value(event) or {}, read)
        return change

    def hours(self, change: Change) -> Change:
        assert change.path is not None
        event = change.path[:-1]
        mapping = self.value(event) or {}
        if not change.after.strip():
            change.edits = [RemoveKey((*event, key)) for key in ("start", "end") if key in mapping]
            return change
        read = read_hours(change.after)
        if read is None:
            change.reason = (
                f"« {change.after} » ne se lit pas comme des heures (écrivez « de 9 h 30 à "
                "12 h » ou « à 19 h »)"
            )
            return change
        start, end = read
        change.edits = [
            SetValue((*event, "start"), f"{start:%H:%M}")
            if "start" in mapping
            else AddKey(event, "start", f"{start:%H:%M}", after=_last_day_key(mapping))
        ]
        if end is not None:
            text = f"{end:%H:%M}"
            change.edits.append(
                SetValue((*event, "end"), text)
                if "end" in mapping
                else AddKey(event, "end", text, after="start")
            )
        elif "end" in mapping:
            change.edits.append(RemoveKey((*event, "end")))
        return change

    # --- whole paragraphs ---

    def deleted(self, unit: Unit, revisions: list[Revision]) -> Change:
        paths = [p.path for p in unit.fields if p.path is not None]
        first = unit.fields[0]
        change = Change("supprimé", first.path, first.line, unit.original, "", revisions)
        if not self.witness(change):
            return change
        common = _common(paths)
        if len(paths) > 1 and common and isinstance(common[-1], int):
            change.path, change.edits = common, [DeleteItem(common)]
            return change
        path = paths[0]
        if path[-1] in ("paragraph", "subheading") and isinstance(path[-2], int):
            path = path[:-1]  # a block written {paragraph: …}: the block goes
        change.path = path
        change.edits = [DeleteItem(path) if isinstance(path[-1], int) else RemoveKey(path)]
        return change

    def inserted(self, anchor: Printed | None, added: Added, after: bool) -> Change:
        path = anchor.path if anchor is not None else None
        line = anchor.line if anchor is not None else None
        change = Change("ajouté", path, line, "", added.text, added.revisions)
        if added.lost:
            change.reason = " ; ".join(added.lost) + " : à reporter à la main"
            return change
        if anchor is not None and path is not None:  # the paragraph it follows may have moved
            path = self.locate(path, anchor.text) or path
        target = self.place(path, added.style, after) if path is not None else None
        value = plain_typing(added.marked).strip()
        if added.links and not same_print(
            plain(rich_text(value)), plain_typing(added.text).strip()
        ):
            change.reason = _links_added(added.links) + " : à reporter à la main"
            return change
        if isinstance(target, str):
            change.reason = target
            return change
        if value and self.text_styles and added.style and added.style not in self.text_styles:
            change.reason = (
                f"paragraphe ajouté dans le style « {added.style} », que dossier compose "
                "lui-même (date, lien, titre…) : à reporter à la main"
            )
            return change
        if target is None or not value:
            change.reason = (
                "paragraphe ajouté là où l'édition n'a pas de liste de paragraphes : "
                "à reporter à la main"
                if value
                else "paragraphe vide : rien à reporter"
            )
            return change
        list_path, index, kind = target
        item: Any = {kind: [value] if kind in _LISTS else value} if kind else value
        change.path = list_path
        if self.witness(change):
            change.edits = [InsertItem(list_path, index, item)]
        return change

    def place(
        self, path: FieldPath, style: str, after: bool
    ) -> tuple[FieldPath, int, str | None] | str | None:
        """Return the list, the index and the block kind a new paragraph goes to, if any.

        The model says what each list holds: a list of blocks takes a subheading or a bullet
        list, a list of paragraphs only paragraphs (a reason is returned for the others).
        """
        block = BLOCK_STYLES.get(style)
        kind = self.kind(path)
        if kind == "line@bullets":
            if block == path[-2]:  # a new item of the same list, bullets or numbered
                return path[:-1], path[-1] + after, None  # type: ignore[operator]
            path = path[:-2]  # a paragraph after the list: a new block after it
            kind = self.kind(path)
        keys = ("paragraph", "subheading", "subsubheading")
        if path[-1] in keys and len(path) > 1 and isinstance(path[-2], int):
            path = path[:-1]  # a block written {paragraph: …}
            kind = self.kind(path)
        holder = kind.split("@")[1] if "@" in kind else kind
        if holder not in ("paragraphs", "blocks"):
            return None
        if holder == "paragraphs" and block in _WHAT:
            return (
                f"{_WHAT[block]} ajouté là où l'édition ne prend que des paragraphes : à "
                "reporter à la main"
            )
        if "@" in kind:
            return path[:-1], path[-1] + after, block if holder == "blocks" else None  # type: ignore[operator]
        return path, int(after), block if holder == "blocks" else None  # one text for the list


def _links_added(links: tuple[tuple[str, str], ...]) -> str:
    """Name the links a reviewer added, as the report says them."""
    return " ; ".join(f"lien ajouté vers {url} sur « {text.strip()} »" for text, url in links)


def _keeps_references(old: str, new: str) -> bool:
    """Tell whether a new value still has every link and page reference of the old one.

    A printed form never goes back as data: a reviewer who deleted a link's whole text
    removed the link, and that is for a person to confirm; what only looks so (an editor
    that dropped a page number's field and its parenthesis) is never written.
    """
    kept = Counter(
        (s.href, s.page_of, s.lang) for s in rich_text(new) if s.href or s.page_of or s.lang
    )
    wanted = Counter(
        (s.href, s.page_of, s.lang) for s in rich_text(old) if s.href or s.page_of or s.lang
    )
    return not (wanted - kept) and new.count("{page}") >= old.count("{page}")


def _keeps_links(new: str, edit: FieldEdit) -> bool:
    """Tell whether the written value links every address the reviewer added."""
    wanted = {url for _, url in edit.links}
    return wanted <= {span.href for span in rich_text(new) if span.href}


def split_when(text: str) -> tuple[str, str]:
    """Split an event's date line where its hours begin: « 3 novembre 2021, de 9 h à 12 h »."""
    match = re.search(
        r"(?:^|[\s,]+)((?:de|à|a|dès|jusqu['’]à)?\s*\d{1,2}\s*(?:h|:)\s*\d{0,2}\b.*)$",
        text,
        flags=re.IGNORECASE,
    )
    if match is None:
        return text.strip(" ,"), ""
    return text[: match.start()].strip(" ,"), match.group(1).strip()


def _last_day_key(mapping: dict[str, Any]) -> str | None:
    return next((key for key in ("to", "from", "dates", "date") if key in mapping), None)


def day_edits(event: FieldPath, mapping: dict[str, Any], read: Days) -> list[Edit]:
    """Return the edits that give an event these days, whatever shape it had."""
    days = [f"{d:%Y-%m-%d}" for d in read.dates]
    current = next((key for key in ("date", "dates", "from") if key in mapping), "date")
    shapes: dict[str, dict[str, Any]] = {
        "date": {"date": days[0]},
        "dates": {"dates": days},
        "range": {"from": days[0], "to": days[1] if len(days) > 1 else None},
        "since": {"from": days[0]},
    }
    wanted = shapes[read.shape]
    key, value = next(iter(wanted.items()))
    edits: list[Edit] = [
        SetValue((*event, key), value)
        if key == current
        else RenameKey((*event, current), key, value)
    ]
    to = wanted.get("to")
    if to is not None:
        edits.append(
            SetValue((*event, "to"), to) if "to" in mapping else AddKey(event, "to", to, current)
        )
    elif "to" in mapping:
        edits.append(RemoveKey((*event, "to")))
    return edits


def untypeset_edit(source: str, before: str, after: str) -> str | None:
    """Make on the written value the change the reviewer made on its printed text.

    The printed text is the value set in French: an edit maps back through the characters the
    two share; where it touches characters that setting changed (a quote, a space, a link's
    markup), the whole changed stretch is written again, from the reviewer's text. None if the
    printed text is not the value's.
    """
    printed = plain(rich_text(source))
    if not same_print(printed, before):
        return None
    # the reviewer edited `before`; when it differs from the print only in spacing, say
    # how the print differs before mapping the edit
    edits = _opcodes(printed, after)
    alignment = _opcodes(source, printed)
    stretches: list[list[int]] = []
    for operation, i1, i2, _, _ in edits:
        if operation == "equal":
            continue
        start, end = _widen(alignment, i1, i2)
        if stretches and start <= stretches[-1][1]:
            stretches[-1][1] = max(stretches[-1][1], end)
        else:
            stretches.append([start, end])
    result = source
    for start, end in reversed(stretches):
        new = after[_through(edits, start, False) : _through(edits, end, True)]
        # an insertion continues the text before it (inside a link whose text it ends)
        source_end = _through(alignment, end, True, back=True)
        source_start = source_end if start == end else _through(alignment, start, False, True)
        result = result[:source_start] + plain_typing(new) + result[source_end:]
    return result


Opcodes = list[tuple[str, int, int, int, int]]


def _opcodes(one: str, other: str) -> Opcodes:
    matcher = difflib.SequenceMatcher(None, one, other, autojunk=False)
    return [(op, i1, i2, j1, j2) for op, i1, i2, j1, j2 in matcher.get_opcodes()]


def _widen(alignment: Opcodes, start: int, end: int) -> tuple[int, int]:
    """Widen a stretch of the print to whole stretches that setting changed (a « …, a link)."""
    for operation, _, _, b1, b2 in alignment:
        if operation == "equal":
            continue
        if b1 < start < b2 or (start == b2 and b1 < b2 and start == end) or b1 == start == end:
            start = min(start, b1)
        if b1 < end < b2:
            end = max(end, b2)
    return start, end


def _through(opcodes: Opcodes, position: int, is_end: bool, back: bool = False) -> int:
    """Map a position of one side of a diff to the other (back: from the second to the first).

    Going forward (the print to the reviewer's text), an insertion at the position is taken in;
    going back (the print to the written value), what only the value holds at the position (a
    link's markup) is left out: an edit next to a link does not eat its brackets.
    """
    ops = [(b1, b2, a1, a2, op) if back else (a1, a2, b1, b2, op) for op, a1, a2, b1, b2 in opcodes]
    if back:
        ops = [op for op in ops if op[0] != op[1]]
    for low, high, other_low, other_high, operation in reversed(ops) if is_end else ops:
        inside = (low < position <= high) if is_end else (low <= position < high)
        if inside or low == high == position:
            if operation == "equal":
                return other_low + (position - low)
            return other_high if is_end else other_low
    if not ops or position <= 0:
        return 0
    return ops[-1][3]


def _common(paths: list[FieldPath]) -> FieldPath:
    common: list[str | int] = []
    for parts in zip(*paths, strict=False):
        if len(set(parts)) != 1:
            break
        common.append(parts[0])
    return tuple(common)
