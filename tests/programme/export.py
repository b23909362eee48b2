"""Write an edition's events as an organisers' registrations spreadsheet, as the tests need it."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import Any

from dossier.french import French, plain
from dossier.load import load_edition
from dossier.model import Calendar

HEADERS = [
    "Titre",
    "Organisateur(s)",
    "Date",
    "Date de fin",
    "Heure de début",
    "Heure de fin",
    "Description",
    "Lien",
    "Remarques",
    "Catégorie",
]


def rows(edition: Path, typed: bool, category: str = "short_heading") -> list[list[Any]]:
    """Return one row per event; typed: dates and times as a spreadsheet's cells, else text."""
    model = load_edition(edition)
    french = French(model.locale, model.style.time, model.period.start.year, "always")
    found = []
    for section in model.sections:
        if not isinstance(section, Calendar):
            continue
        name = getattr(section, category) or section.anchor
        for event in section.events:
            found.append(_row(event, french, typed, name))
    return found


def _row(event: Any, french: French, typed: bool, category: str) -> list[Any]:
    def day(value: dt.date) -> Any:
        return value if typed else f"{value:%d/%m/%Y}"

    def hour(value: dt.time | None) -> Any:
        if value is None:
            return None if typed else ""
        return value if typed else f"{value.hour}h{value.minute:02d}"

    first, last = None, None
    if event.date is not None:
        first = day(event.date)
    elif event.dates is not None:
        first = plain(french.days(event.dates))  # « les 5, 19 et 26 novembre 2021 »
    elif event.last_day is not None:
        first, last = day(event.first_day), day(event.last_day)
    else:
        first = plain(french.since(event.first_day))
    return [
        event.title or "",
        "; ".join(event.organisers),
        first,
        last if last is not None else ("" if not typed else None),
        hour(event.start),
        hour(event.end),
        "\n\n".join(block.paragraph or "" for block in event.description),
        event.link or "",
        "\n\n".join(block.paragraph or "" for block in event.notes),
        category,
    ]


def write_xlsx(path: Path, table: list[list[Any]], sheet: str = "Feuil1") -> Path:
    from openpyxl import Workbook

    workbook = Workbook()
    worksheet = workbook.active
    worksheet.title = sheet
    worksheet.append(HEADERS)
    for row in table:
        worksheet.append(row)
    workbook.save(path)
    return path


def write_csv(path: Path, table: list[list[Any]], encoding: str = "cp1252") -> Path:
    with path.open("w", encoding=encoding, newline="") as stream:
        writer = csv.writer(stream, delimiter=";")
        writer.writerow(HEADERS)
        writer.writerows(table)
    return path
