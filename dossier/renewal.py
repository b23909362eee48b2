"""A new edition from the last one: what carries over is kept, what belongs to one year goes.

The new edition.yaml is the old one edited in place (dossier.source): its comments and layout
stay; the calendars are emptied, the period moves to the same weekdays a year later, the
edition's number, revision and slug move on. Texts that speak of the old year are kept and
named, for a person to rewrite.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dossier.errors import DataError, DossierError, Problem, display_path
from dossier.load import EDITION_FILE, find_edition_file, read_edition
from dossier.model import Calendar, Edition, FieldPath, Image, format_path
from dossier.source import Edit, RemoveKey, SetValue, Transaction

log = logging.getLogger("dossier")

YEARLY_KINDS = ("edito", "interview")


@dataclass(frozen=True)
class Renewal:
    """What `dossier new` made, and what a person has to write again."""

    folder: Path
    slug: str
    period: tuple[dt.date, dt.date]
    rewrite: list[str]  # located lines: file:line: field: why
    images: list[str]


def next_date(day: dt.date) -> dt.date:
    """Return the same weekday a year later, nearest the same date: 2 Nov 2021 → 1 Nov 2022."""
    if day.year >= dt.MAXYEAR - 1:  # the loader refuses such years; never a traceback here
        raise DossierError(f"{day.isoformat()} : l'année suivante n'existe pas dans le calendrier")
    try:
        anniversary = day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        anniversary = day.replace(year=day.year + 1, day=28)
    candidates = (day + dt.timedelta(weeks=52), day + dt.timedelta(weeks=53))
    return min(candidates, key=lambda candidate: abs((candidate - anniversary).days))


def new_edition(target: Path, source: Path, today: dt.date | None = None) -> Renewal:
    """Create the next edition's folder from an edition; refuse to overwrite anything."""
    if target.exists():
        raise DossierError(f"{display_path(target)} existe déjà : dossier new ne remplace rien")
    file = find_edition_file(source)
    old, _ = read_edition(file)  # the old edition's warnings are not the new one's
    # the old file is read and edited, never written: the new one goes to another folder
    transaction = Transaction(file, lambda draft: None)
    data = transaction.data
    start, end = next_date(old.period.start), next_date(old.period.end)
    slug = _next_slug(old.slug, old.period.start.year, start.year)
    new_text = transaction.candidate(_edits(old, data, start, end, slug, today or dt.date.today()))
    target.parent.mkdir(parents=True, exist_ok=True)
    building = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp"))
    try:
        (building / EDITION_FILE).write_text(new_text, encoding="utf-8")
        images = _copy_images(old, file.parent, building)
        images += _copy_theme(old, file.parent, building)
        try:
            new, _ = read_edition(building)  # a new edition that does not load is never left
        except DataError as error:
            raise _in_source(error, old) from None
        building.rename(target)
    except BaseException:
        shutil.rmtree(building, ignore_errors=True)
        raise
    rewrite = _to_rewrite(new, target / EDITION_FILE, old.period.start.year, old.edition_number)
    return Renewal(target, slug, (start, end), rewrite, images)


def _in_source(error: DataError, old: Edition) -> DataError:
    """Place what the new edition cannot take in the edition it comes from: its folder is gone."""
    source = old.source
    if source is None:
        return error
    positions = {format_path(path): place for path, place in source.positions.items()}
    problems = []
    for problem in error.problems:
        line, column = positions.get(problem.field, (None, None))
        message = f"la nouvelle édition ne peut pas reprendre cette valeur : {problem.message}"
        problems.append(Problem(source.file, line, column, problem.field, message))
    return DataError(problems)


def _next_slug(slug: str, old_year: int, new_year: int) -> str:
    if str(old_year) in slug:
        return slug.replace(str(old_year), str(new_year))
    return f"{slug}-{new_year}"


def _edits(
    old: Edition, data: Any, start: dt.date, end: dt.date, slug: str, today: dt.date
) -> list[Edit]:
    edits: list[Edit] = [
        SetValue(("period", "start"), start.isoformat()),
        SetValue(("period", "end"), end.isoformat()),
        SetValue(("slug",), slug),
    ]
    if old.edition_number is not None:
        edits.append(SetValue(("edition_number",), str(old.edition_number + 1)))
    if old.publication_date is not None:
        edits.append(SetValue(("publication_date",), next_date(old.publication_date).isoformat()))
    if "revision" in data:  # a new edition's first draft
        edits.append(RemoveKey(("revision",)))
    for index, section in enumerate(old.sections):
        if isinstance(section, Calendar) and section.events:
            edits.append(SetValue(("sections", index, "events"), []))
    return edits


def _images(value: Any) -> list[Image]:
    if isinstance(value, Image):
        return [value]
    if isinstance(value, list):
        return [image for item in value for image in _images(item)]
    if hasattr(type(value), "model_fields"):
        return [
            image for name in type(value).model_fields for image in _images(getattr(value, name))
        ]
    return []


def _copy_theme(old: Edition, source: Path, target: Path) -> list[str]:
    """Copy the edition's own theme and the files it names: the identity goes on."""
    from dossier.theme import theme_files

    over = old.theme_file(source)
    if over is None:
        return []
    copied = []
    home = source.resolve()
    for path in theme_files(over):
        name = path.relative_to(home)
        destination = target / name
        if destination.exists():
            continue
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, destination)
        copied.append(name.as_posix())
    return copied


def _copy_images(old: Edition, source: Path, target: Path) -> list[str]:
    """Copy the images the new edition keeps (none is an event's: the calendars are empty)."""
    copied = []
    for image in _images(
        old.model_copy(
            update={"sections": [s for s in old.sections if not isinstance(s, Calendar)]}
        )
    ):
        destination = target / image.src
        if destination.exists():
            continue
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source / image.src, destination)
        copied.append(image.src)
    return copied


def _to_rewrite(new: Edition, file: Path, old_year: int, old_number: int | None) -> list[str]:
    """Name the texts to write anew: foreword, interview, and those that speak of last year."""
    found: list[str] = []
    where = display_path(file)

    def say(path: FieldPath, why: str) -> None:
        origin = new.origin(path)
        line = f":{origin.line}" if origin.line else ""
        found.append(f"{where}{line}: {format_path(origin.path)}: {why}")

    for index, section in enumerate(new.sections):
        kind = section.kind
        if kind in YEARLY_KINDS:
            label = "l'édito" if kind == "edito" else "l'entretien"
            say(("sections", index), f"{label} de l'an dernier : à réécrire")
    year = re.compile(rf"\b{old_year}\b")
    ordinal = re.compile(rf"\b{old_number}e\b") if old_number else None
    for path, text in _strings(new.model_dump(by_alias=True, mode="json"), ()):
        if path[:1] == ("sections",) and new.sections[int(path[1])].kind in YEARLY_KINDS:
            continue
        if new.field_kind(path) in ("fixed", "when", ""):
            continue  # not a text to reread: an address, a date, what dossier composes
        cited = [str(old_year)] if year.search(text) else []
        if ordinal is not None and ordinal.search(text):
            cited.append(f"la {old_number}e édition")
        if cited:
            say(path, f"cite {' et '.join(cited)} : à revoir")
    return found


def _strings(value: Any, path: FieldPath) -> list[tuple[FieldPath, str]]:
    if isinstance(value, str):
        return [(path, value)]
    if isinstance(value, list):
        return [found for i, item in enumerate(value) for found in _strings(item, (*path, i))]
    if isinstance(value, dict):
        return [found for key, item in value.items() for found in _strings(item, (*path, key))]
    return []
