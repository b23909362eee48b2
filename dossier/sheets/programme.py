"""The programme from the organisers' registrations: each row an event of the calendar it names.

Every bad row is reported at once, located file:sheet:cell as the YAML's errors are, and then
nothing is written. An event is known again by its link, or its title and first day: a new
row adds an event (in date order), a changed row updates it unless a person edited it by hand
since the last import (a conflict, reported), a row gone from the export is reported, never
deleted. edition.yaml is written as `dossier review` writes it: only what changed.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import hashlib
import json
import logging
import os
import re
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dossier.build import check
from dossier.errors import DataError, DossierError, display_path
from dossier.french import French, read_days, read_hours
from dossier.load import check_values, find_edition_file, load_model, read_edition
from dossier.model import CATEGORY_VALUES, Calendar, ColumnMapping, Edition, parse_path
from dossier.model import Event as EventModel
from dossier.sheets.read import (
    FRENCH,
    IGNORED,
    Row,
    Sheet,
    as_date,
    as_time,
    column_lines,
    normalise,
    read_sheet,
    yaml_key,
)
from dossier.source import (
    AddKey,
    DeleteItem,
    Edit,
    InsertItem,
    RemoveKey,
    SetValue,
    SourceError,
    Transaction,
    read_data,
)

log = logging.getLogger("dossier")

STATE_FILE = ".dossier-import.json"  # what the last import wrote, to know a hand edit since
KEY_ORDER = (
    "title",
    "organisers",
    "date",
    "dates",
    "from",
    "to",
    "start",
    "end",
    "place",
    "online",
    "description",
    "link",
    "notes",
)


@dataclass
class Imported:
    """What an import did, or would do with --dry-run."""

    file: Path
    edition: Path
    rows: int
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    moved: list[str] = field(default_factory=list)
    unchanged: int = 0
    conflicts: list[str] = field(default_factory=list)
    withdrawn: list[str] = field(default_factory=list)
    written: bool = False
    seconds: float = 0.0
    left_out: list[str] = field(default_factory=list)  # the form filler's columns: « E-mail (B1) »
    proposal: str = ""  # with --dry-run: a mapping file for the columns no field took


@dataclass(frozen=True)
class _Wanted:
    row: Row
    calendar: int
    event: dict[str, Any]  # as written in edition.yaml
    identity: str
    label: str


def import_programme(
    file: Path,
    edition: Path,
    sheet: str | None = None,
    mapping: Path | None = None,
    dry_run: bool = False,
) -> Imported:
    """Bring a registrations file into an edition's calendars; raise on any bad row."""
    started = time.perf_counter()
    target = find_edition_file(edition)
    model, _ = read_edition(target)  # its own warnings are dossier check's to say
    columns, values = _mapping(mapping, model) if mapping else ({}, {})
    table = read_sheet(file, sheet, columns)
    french = French(model.locale, model.style.time, model.period.start.year, model.style.year)
    wanted, problems, unplaced = _read_rows(table.rows, model, french, table.columns, values)
    proposal = _proposal(table, unplaced, model, mapping)
    if problems:  # what to put in the mapping file comes after the errors, ready to check
        raise DossierError("\n".join(problems + ([proposal] if proposal else [])))
    transaction = Transaction(target, lambda draft: check(draft, quiet=True))
    state = _read_state(target.parent)
    result = Imported(file, target, len(table.rows))
    result.left_out = [f"{header} ({where.rsplit(':', 1)[-1]})" for header, where in table.personal]
    result.proposal = proposal if dry_run else ""
    edits, wanted = _plan(wanted, model, transaction.data, state, result)
    if edits:  # held to what dossier check and build will ask of it, --dry-run or not
        _check_candidate(transaction, edits, wanted, table.columns)
    if edits and not dry_run:
        try:
            transaction.commit(edits)
        except SourceError as error:
            raise DossierError(f"{display_path(target)} : {error}") from None
        result.written = True
    if not dry_run:
        _write_state(target.parent, {w.identity: _fingerprint(w.event) for w in wanted}, state)
    result.seconds = time.perf_counter() - started
    return result


# --- reading rows -------------------------------------------------------------------------


def _mapping(file: Path, model: Edition) -> tuple[dict[str, str], dict[str, int]]:
    """Return the mapping file's columns (header → field) and category values (→ calendar)."""
    written = load_model(file, ColumnMapping).root
    columns = {k: v for k, v in written.items() if isinstance(v, str)}
    unknown = sorted(set(columns.values()) - set(_FIELD_NAMES))
    if unknown:
        raise DossierError(
            f"{display_path(file)} : champ inconnu {', '.join(unknown)} ; champs possibles : "
            + ", ".join(_FIELD_NAMES)
        )
    anchors = {
        section.anchor: index
        for index, section in enumerate(model.sections)
        if isinstance(section, Calendar)
    }
    values: dict[str, int] = {}
    raw = written.get(CATEGORY_VALUES)
    for value, anchor in raw.items() if isinstance(raw, dict) else ():
        if anchor not in anchors:
            raise DossierError(
                f"{display_path(file)} : {CATEGORY_VALUES}: « {value} » renvoie à « {anchor} », "
                f"qui n'est l'identifiant d'aucun calendrier ; identifiants : " + ", ".join(anchors)
            )
        values[normalise(value)] = anchors[anchor]
    return {header: _FIELD_NAMES[name] for header, name in columns.items()}, values


# The mapping file may name fields in French, as the columns are named.
_FIELD_NAMES = {
    "titre": "title",
    "organisateurs": "organisers",
    "date": "date",
    "date de fin": "end_date",
    "heure de début": "start",
    "heure de fin": "end",
    "lieu": "place",
    "en ligne": "online",
    "description": "description",
    "lien": "link",
    "remarques": "notes",
    "catégorie": "category",
    IGNORED: IGNORED,  # a column to leave out without a warning
    **{
        name: name
        for name in (
            "title",
            "organisers",
            "date",
            "end_date",
            "start",
            "end",
            "place",
            "online",
            "description",
            "link",
            "notes",
            "category",
        )
    },
}


def _read_rows(
    rows: list[Row],
    model: Edition,
    french: French,
    headers: dict[str, str],
    values: dict[str, int] | None = None,
) -> tuple[list[_Wanted], list[str], dict[str, tuple[str, list[Row]]]]:
    """Return the rows read as events, the located problems (in row order) and the category
    values no calendar answers (accents and case aside: as first written, and their rows)."""
    calendars = _calendars(model)
    names = _calendar_names(model)
    problems: list[tuple[int, str]] = []
    wanted: list[_Wanted] = []
    seen: dict[str, str] = {}
    read: list[_Wanted] = []
    # a category value no calendar answers (accents and case aside), as first written: its rows
    unplaced: dict[str, tuple[str, list[Row]]] = {}
    for row in rows:
        found = _event(row, calendars, names, headers, french, model.period.start.year, values)
        if isinstance(found, str):
            unplaced.setdefault(normalise(found), (found, []))[1].append(row)
        elif isinstance(found, list):
            problems += [(row.number, line) for line in found]
        else:
            read.append(found)
    for value, those in unplaced.values():  # once per value, not once per row
        problems.append((those[0].number, _unplaced(value, those, model, headers)))
    shared = _shared_links([item.event for item in read])
    for item in read:
        identity = _identity(item.event, item.calendar, shared)
        if identity in seen:
            problems.append(
                (
                    item.row.number,
                    f"{item.row.where}: cette ligne redit l'événement de la ligne "
                    f"{seen[identity]} (même lien et même date, ou même titre et même date)",
                )
            )
            continue
        seen[identity] = str(item.row.number)
        wanted.append(_Wanted(item.row, item.calendar, item.event, identity, item.label))
    said = [line for _, line in sorted(problems, key=lambda p: p[0])]
    return wanted, said, unplaced


def _proposal(
    table: Sheet, unplaced: dict[str, tuple[str, list[Row]]], model: Edition, mapping: Path | None
) -> str:
    """Write the mapping file for what the import could not place: columns no field took,
    category values no calendar answers. Each guess is the closest field or calendar, to check.
    """
    if not table.unknown and not unplaced:
        return ""
    lines = [
        "Fichier de correspondance proposé, "
        + (f"à ajouter à {display_path(mapping)}" if mapping else "à enregistrer")
        + ", à vérifier puis à donner par --mapping :",
        *column_lines(table.unknown),
    ]
    if unplaced:
        lines.append(f"{CATEGORY_VALUES}:  # valeur de la catégorie: identifiant du calendrier")
        lines += [
            f"  {yaml_key(value)}: {_closest(value, model)}" for value, _ in unplaced.values()
        ]
    return "\n".join(lines)


def _calendars(model: Edition) -> dict[int, tuple[str, ...]]:
    """Return each calendar's section index and the names a category may give it."""
    found = {}
    for index, section in enumerate(model.sections):
        if isinstance(section, Calendar):
            names = (section.anchor, section.heading or "", section.short_heading or "")
            found[index] = tuple(normalise(name) for name in names if name)
    return found


def _calendar_names(model: Edition) -> str:
    """Name the calendars as a person would write their category: short heading, or id."""
    return " ; ".join(
        f"« {section.short_heading or section.heading} » ({section.anchor})"
        for section in model.sections
        if isinstance(section, Calendar)
    )


def _calendar(
    text: str, calendars: dict[int, tuple[str, ...]], values: dict[str, int] | None = None
) -> int | None:
    """Return the calendar a category names: by the mapping file, or by a calendar's whole
    id, heading or short heading, accents and case aside; never by a part of one."""
    wanted = normalise(text)
    if values and wanted in values:
        return values[wanted]
    exact = [i for i, names in calendars.items() if wanted in names]
    return exact[0] if len(exact) == 1 else None


def _closest(value: str, model: Edition) -> str:
    """Return the id of the calendar whose names come closest to a category value."""
    choices = {
        normalise(name): section.anchor
        for section in model.sections
        if isinstance(section, Calendar)
        for name in (section.anchor, section.heading or "", section.short_heading or "")
        if name
    }
    close = difflib.get_close_matches(normalise(value), list(choices), n=1, cutoff=0.0)
    return choices[close[0]] if close else "identifiant-du-calendrier"


def _unplaced(value: str, rows: list[Row], model: Edition, headers: dict[str, str]) -> str:
    """Say once that a category value names no calendar: its rows, the closest calendars."""
    cell = rows[0].cells.get("category")
    where = cell.where if cell else rows[0].where
    label = headers.get("category", FRENCH["category"])
    numbers = ", ".join(str(row.number) for row in rows[:12]) + (" …" if len(rows) > 12 else "")
    choices = {
        normalise(name): section
        for section in model.sections
        if isinstance(section, Calendar)
        for name in (section.anchor, section.heading or "", section.short_heading or "")
        if name
    }
    close = difflib.get_close_matches(normalise(value), list(choices), n=3, cutoff=0.3)
    nearest = list(dict.fromkeys(choices[name].anchor for name in close))  # once each
    sections = {choices[name].anchor: choices[name] for name in reversed(close)}
    shown = " ; ".join(
        f"« {sections[anchor].short_heading or sections[anchor].heading} » ({anchor})"
        for anchor in nearest
    )
    anchor = (
        nearest[0]
        if nearest
        else next((s.anchor for s in model.sections if isinstance(s, Calendar)), "identifiant")
    )
    return (
        f"{where}: {label}: « {value} » (ligne(s) {numbers}) ne nomme aucun calendrier"
        + (f" ; les plus proches : {shown}" if shown else "")
        + f" ; dites lequel dans le fichier de correspondance (--mapping) : "
        f"« {CATEGORY_VALUES}: » puis « {value}: {anchor} »"
    )


def _event(
    row: Row,
    calendars: dict[int, tuple[str, ...]],
    names: str,
    headers: dict[str, str],
    french: French,
    year: int,
    values: dict[str, int] | None = None,
) -> _Wanted | list[str] | str:
    """Read one row as an event as edition.yaml writes it, or say what is wrong, cell by cell;
    a category no calendar answers is returned alone (said once for all its rows)."""
    problems: list[str] = []

    def bad(name: str, message: str) -> None:
        cell = row.cells.get(name)
        where = cell.where if cell else row.where
        problems.append(f"{where}: {headers.get(name, FRENCH.get(name, name))}: {message}")

    event: dict[str, Any] = {}
    title = row.get("title")
    if title is not None:
        event["title"] = _text(title)
    organisers = row.get("organisers")
    if organisers is not None:
        people = [n.strip() for n in re.split(r"[;\n]", str(organisers)) if n.strip()]
        event["organisers"] = people[0] if len(people) == 1 else people
    _days(row, event, french, year, bad)
    _hours(row, event, bad)
    for name in ("description", "notes"):
        value = row.get(name)
        if value is not None:
            paragraphs = [_text(p) for p in re.split(r"\n\s*\n", str(value)) if p.strip()]
            event[name] = paragraphs[0] if len(paragraphs) == 1 else paragraphs
    place = row.get("place")
    if place is not None and str(place).strip():
        event["place"] = _text(place)
    for name in ("online", "link"):
        address = row.get(name)
        if address is not None:
            event[name] = str(address).strip()
    category = row.get("category")
    calendar = None
    if category is None:
        bad("category", "vide : dites de quel calendrier est l'événement")
    else:
        calendar = _calendar(str(category), calendars, values)
    if not problems:  # the edition's own rules, once every cell reads
        problems += _model_problems(row, event, headers)
    if problems:
        return problems
    if calendar is None:
        return str(category).strip()
    ordered = {key: event[key] for key in KEY_ORDER if key in event}
    label = str(ordered.get("title") or ordered.get("description", ""))[:60]
    return _Wanted(row, calendar, ordered, "", label)


def _text(value: Any) -> str:
    return re.sub(r"\s+", " ", str(value)).strip()


def _days(row: Row, event: dict[str, Any], french: French, year: int, bad: Any) -> None:
    value = row.get("date")
    if value is None:
        bad("date", "vide : un événement a une date")
        return
    read = as_date(value, lambda text: None)
    if read is None:
        days = read_days(str(value), french.months, year)
        if days is None:
            bad("date", f"« {value} » n'est pas une date (écrivez 03/11/2021 ou 3 novembre 2021)")
            return
        shapes = {"date": "date", "dates": "dates", "range": "from", "since": "from"}
        dates = [d.isoformat() for d in days.dates]
        key = shapes[days.shape]
        event[key] = dates if key == "dates" else dates[0]
        if days.shape == "range":
            event["to"] = dates[1]
        return
    last = row.get("end_date")
    if last is None:
        event["date"] = read.isoformat()
        return
    end = as_date(last, lambda text: None)
    if end is None:
        bad("end_date", f"« {last} » n'est pas une date (écrivez 05/11/2021)")
    elif end == read:
        event["date"] = read.isoformat()
    else:
        event["from"], event["to"] = read.isoformat(), end.isoformat()


def _hours(row: Row, event: dict[str, Any], bad: Any) -> None:
    for name in ("start", "end"):
        value = row.get(name)
        if value is None:
            continue
        read = as_time(value, read_hours)
        if read is None:
            bad(name, f"« {value} » n'est pas une heure (écrivez 9h30, 09:30 ou 9 h 30)")
        else:
            event[name] = f"{read:%H:%M}"


_CELLS = {
    "date": "date",
    "dates": "date",
    "from": "date",
    "to": "end_date",
    "start": "start",
    "end": "end",
    "place": "place",
    "online": "online",
    "title": "title",
    "organisers": "organisers",
    "description": "description",
    "link": "link",
    "notes": "notes",
}


def _model_problems(row: Row, event: dict[str, Any], headers: dict[str, str]) -> list[str]:
    """Hold the event to the edition's own rules, located at the cell of the field at fault."""
    if not event.keys() & {"date", "dates", "from"}:
        return []  # already said
    found = []
    for path, message in check_values(EventModel, event):
        # a problem of the whole event is said at its title's cell, or at its date's
        whole = "title" if "(title:)" in message else "date"
        key = next((str(part) for part in path if str(part) in _CELLS), whole)
        name = _CELLS[key]
        cell = row.cells.get(name)
        label = headers.get(name, FRENCH.get(name, name))
        found.append(f"{cell.where if cell else row.where}: {label}: {message}")
    return found


def _link(event: dict[str, Any]) -> str:
    return str(event.get("link") or "").strip().lower().rstrip("/")


def _identity(event: dict[str, Any], calendar: int, shared: frozenset[str] = frozenset()) -> str:
    """Return what an event is known by: its link, or its title and first day.

    A link that several events share (a programme's page, one event in two calendars) is not
    enough: the day and the calendar join it.
    """
    first = event.get("date") or event.get("from") or (event.get("dates") or [""])[0]
    link = _link(event)
    if link:
        return f"lien:{link}" + (f"|{first}|{calendar}" if link in shared else "")
    return f"titre:{normalise(str(event.get('title') or event.get('description') or ''))}|{first}"


def _shared_links(events: list[dict[str, Any]]) -> frozenset[str]:
    links = [_link(event) for event in events if _link(event)]
    return frozenset(link for link in links if links.count(link) > 1)


# --- planning the edits -------------------------------------------------------------------


def _plan(
    wanted: list[_Wanted], model: Edition, data: Any, state: dict[str, str], result: Imported
) -> tuple[list[Edit], list[_Wanted]]:
    """Return the edits that bring the rows in, and the rows as they are known from now on."""
    found_events: list[tuple[int, int, dict[str, Any]]] = []
    for index, section in enumerate(data.get("sections") or []):
        if isinstance(section, dict) and section.get("kind") == "calendar":
            for number, event in enumerate(section.get("events") or []):
                if isinstance(event, dict):
                    found_events.append((index, number, event))
    # a link shared by events in the file or in the export is not enough to know them by
    shared = _shared_links([e for _, _, e in found_events]) | _shared_links(
        [w.event for w in wanted]
    )
    existing: dict[str, tuple[int, int, dict[str, Any]]] = {}
    for index, number, event in found_events:
        existing.setdefault(_identity(event, index, shared), (index, number, event))
    wanted = [
        _Wanted(w.row, w.calendar, w.event, _identity(w.event, w.calendar, shared), w.label)
        for w in wanted
    ]
    edits: list[Edit] = []
    additions: dict[int, list[_Wanted]] = {}
    for item in wanted:
        found = existing.get(item.identity)
        if found is None:
            additions.setdefault(item.calendar, []).append(item)
            continue
        index, number, event = found
        if _canonical(event) == _canonical(item.event) and index == item.calendar:
            result.unchanged += 1
            continue
        if state.get(item.identity) != _fingerprint(event):
            result.conflicts.append(
                f"{item.row.where}: « {item.label} » a été modifié dans edition.yaml depuis le "
                "dernier import (ou écrit à la main) : la ligne n'est pas reportée ; "
                f"sections[{index}].events[{number}]"
            )
            continue
        path = ("sections", index, "events", number)
        if index != item.calendar:
            edits.append(DeleteItem(path))
            additions.setdefault(item.calendar, []).append(item)
            result.moved.append(item.label)
            continue
        edits += _update(path, event, item.event)
        result.updated.append(item.label)
    for calendar, items in additions.items():
        current = data["sections"][calendar].get("events") or []
        for item in sorted(items, key=lambda w: _order(w.event)):
            position = sum(
                1 for e in current if isinstance(e, dict) and _order(e) <= _order(item.event)
            )
            edits.append(InsertItem(("sections", calendar, "events"), position, item.event))
            if item.label not in result.moved:
                result.added.append(item.label)
    imported = {w.identity for w in wanted}
    for identity in state:
        if identity not in imported and identity in existing:
            index, number, event = existing[identity]
            label = str(event.get("title") or event.get("description") or "")[:60]
            result.withdrawn.append(
                f"sections[{index}].events[{number}] « {label} » n'est plus dans l'export : "
                "retirez-le à la main s'il est annulé"
            )
    return edits, wanted


def _check_candidate(
    transaction: Transaction, edits: list[Edit], wanted: list[_Wanted], headers: dict[str, str]
) -> None:
    """Check edition.yaml as the import would leave it, as dossier check does; refuse located.

    A problem in an imported event is said at the cell it comes from; any other, in the file.
    """
    target = transaction.file
    try:
        transaction.check(edits)
    except SourceError as error:
        raise DossierError(f"{display_path(target)} : {error}") from None
    except DataError as error:
        candidate = transaction.candidate(edits)
        lines = _at_cells(error, read_data(candidate), wanted, target, headers)
        raise DossierError("\n".join(lines)) from None


def _at_cells(
    error: DataError, data: Any, wanted: list[_Wanted], target: Path, headers: dict[str, str]
) -> list[str]:
    """Say each problem of a checked candidate at the cell its value comes from, if it does."""
    found: list[tuple[int, int, dict[str, Any]]] = []
    for index, section in enumerate(data.get("sections") or []):
        if isinstance(section, dict) and section.get("kind") == "calendar":
            for number, event in enumerate(section.get("events") or []):
                if isinstance(event, dict):
                    found.append((index, number, event))
    shared = _shared_links([e for _, _, e in found]) | _shared_links([w.event for w in wanted])
    by_identity = {w.identity: w for w in wanted}
    rows: dict[tuple[str | int, ...], _Wanted] = {
        (index, number): by_identity[key]
        for index, number, event in found
        if (key := _identity(event, index, shared)) in by_identity
    }
    lines = []
    for problem in error.problems:
        path = parse_path(problem.field)
        event = path[1:4:2] if len(path) > 4 and path[2] == "events" else ()
        item = rows.get(event) if len(event) == 2 else None
        if item is None:
            lines.append(str(dataclasses.replace(problem, file=target)))
            continue
        name = _CELLS.get(str(path[4]), "title")
        cell = item.row.cells.get(name)
        label = headers.get(name, FRENCH.get(name, name))
        lines.append(f"{cell.where if cell else item.row.where}: {label}: {problem.message}")
    return lines


def _update(path: tuple, current: dict[str, Any], wanted: dict[str, Any]) -> list[Edit]:
    edits: list[Edit] = []
    previous = None
    for key, value in wanted.items():
        if key not in current:
            edits.append(AddKey(path, key, value, after=previous))
        elif _canonical({key: current[key]}) != _canonical({key: value}):
            edits.append(SetValue((*path, key), value))
        previous = key if key in current else previous
    for key in current:
        if key not in wanted and key in KEY_ORDER:
            edits.append(RemoveKey((*path, key)))
    return edits


def _order(event: dict[str, Any]) -> tuple[str, str]:
    first = event.get("date") or event.get("from") or (event.get("dates") or [""])[0]
    start = event.get("start") or ""
    return str(first), _time_key(str(start))


def _time_key(text: str) -> str:
    match = re.match(r"(\d{1,2})\D?(\d{2})?", text)
    return f"{int(match.group(1)):02d}:{match.group(2) or '00'}" if match else ""


def _canonical(event: dict[str, Any]) -> dict[str, Any]:
    """Return an event's values as compared: lists for one-or-more fields, times as HH:MM.

    Only the fields a row gives: what a person added by hand beside them (speakers, sessions,
    outside_period) is theirs, neither a change of the row nor an edit in conflict with it.
    """
    result = {}
    for key, value in event.items():
        if key not in KEY_ORDER:
            continue
        if key in ("organisers", "description", "notes") and isinstance(value, str):
            value = [value]
        if key in ("start", "end") and isinstance(value, str):
            value = _time_key(value)
        if isinstance(value, list):
            value = [re.sub(r"\s+", " ", str(v)).strip() for v in value]
        elif isinstance(value, str):
            value = re.sub(r"\s+", " ", value).strip()
        result[key] = value
    return result


def _fingerprint(event: dict[str, Any]) -> str:
    canonical = json.dumps(_canonical(event), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _read_state(folder: Path) -> dict[str, str]:
    try:
        state = json.loads((folder / STATE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    events = state.get("events") if isinstance(state, dict) else None
    return {str(k): str(v) for k, v in events.items()} if isinstance(events, dict) else {}


def _write_state(folder: Path, imported: dict[str, str], previous: dict[str, str]) -> None:
    state = {"events": {**previous, **imported}, "updated": dt.datetime.now(dt.UTC).isoformat()}
    descriptor, temporary = tempfile.mkstemp(dir=folder, prefix=f"{STATE_FILE}.", suffix=".tmp")
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as stream:
            json.dump(state, stream, ensure_ascii=False, indent=1, sort_keys=True)
        os.replace(temporary, folder / STATE_FILE)
    finally:
        Path(temporary).unlink(missing_ok=True)
