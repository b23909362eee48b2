"""The web edition: a folder with the page, its stylesheet, fonts, pictures and calendar."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from icalendar import Calendar
from icalendar import Event as CalendarEvent

from dossier.errors import RenderError
from dossier.render import Finished
from dossier.render.html import render_html
from dossier.theme import TEMPLATES, load_theme
from dossier.view import Edition, Event, Line

PAGE = "index.html"
ASSETS = "assets"  # the stylesheet and its fonts; the edition's pictures keep their own paths
STYLESHEET = f"{ASSETS}/dossier.css"
DOWNLOADS = ("pdf", "docx")  # the files of the same run the page offers, in this order
PRODUCT = "-//dossier//Dossier de presse//FR"  # the calendar's PRODID (RFC 5545, 3.7.3)


def write_web(edition: Edition, folder: Path, target: Path, variant: str | None) -> None:
    """Write the web edition into the folder target: the build's entry."""
    _copy_pictures(edition, target)
    _write_stylesheet(target, edition.theme)
    if next(edition.events(), None) is not None:
        (target / calendar_name(edition)).write_bytes(to_ical(edition))
    _write_page(edition, target, {})


def finish_web(
    edition: Edition, folder: Path, target: Path, others: Mapping[str, Finished]
) -> None:
    """Put the PDF and the DOCX of the same run beside the page, and link them, with sizes."""
    files = {}
    for kind in DOWNLOADS:
        if kind in others:
            shutil.copyfile(others[kind].path, target / others[kind].name)
            files[kind] = others[kind].name
    if files:
        _write_page(edition, target, files)


def calendar_name(edition: Edition) -> str:
    """Return the name of the edition's calendar file: <slug>.ics."""
    return f"{edition.slug}.ics"


def _write_page(edition: Edition, target: Path, files: Mapping[str, str]) -> None:
    calendar = calendar_name(edition) if (target / calendar_name(edition)).is_file() else None
    downloads: list[Line] = [
        edition.screen.download(kind, name, (target / name).stat().st_size)
        for kind, name in files.items()
    ]
    if calendar is not None:
        size = (target / calendar).stat().st_size
        downloads.append(edition.screen.download("ics", calendar, size))
    page = {
        "stylesheet": STYLESHEET,
        "calendar": calendar,
        "downloads": downloads,
        "structured_data": structured_data(edition),
    }
    (target / PAGE).write_text(render_html(edition, "screen", page), encoding="utf-8")


def _write_stylesheet(target: Path, over: Path | None) -> None:
    theme = load_theme(over=over)
    fonts = target / ASSETS / "fonts"
    fonts.mkdir(parents=True)
    for path in theme.font_files():
        shutil.copyfile(path, fonts / path.name)
        # The fonts are under the SIL Open Font License: a copy travels with its licence.
        licence = path.with_name(f"{path.name.split('-')[0]}-LICENSE.txt")
        if licence.is_file() and not (fonts / licence.name).exists():
            shutil.copyfile(licence, fonts / licence.name)
    css = theme.css("screen") + (TEMPLATES / "screen.css").read_text(encoding="utf-8")
    (target / STYLESHEET).write_text(css, encoding="utf-8")


def _copy_pictures(edition: Edition, target: Path) -> None:
    """Copy each picture beside the page, at its path in the edition's folder."""
    ours = {PAGE, ASSETS, calendar_name(edition), *(f"{edition.slug}.{k}" for k in DOWNLOADS)}
    for picture in edition.pictures():
        relative = picture.path.relative_to(edition.folder)
        if relative.parts[0] in ours:
            raise RenderError(
                f"HTML : l'image {relative.as_posix()} porte le nom d'un fichier de l'édition "
                f"web ({relative.parts[0]}) ; rangez-la ailleurs, dans images/ par exemple"
            )
        copy = target / relative
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(picture.path, copy)


# --- For search engines: schema.org events, as JSON-LD ---


def structured_data(edition: Edition) -> str:
    """Return the schema.org Event of every event, as JSON-LD to embed in the page."""
    graph = [_event_data(edition, event) for event in edition.events()]
    text = json.dumps({"@context": "https://schema.org", "@graph": graph}, ensure_ascii=False)
    # Inside <script>, HTML still reads « </script » and « <!-- » (which would swallow the rest
    # of the page); JavaScript ends a line at U+2028 and U+2029. JSON writes them all escaped,
    # as the same characters: they only ever stand inside its strings.
    return text.translate(_SCRIPT_SAFE)


_SCRIPT_SAFE = str.maketrans({c: f"\\u{ord(c):04x}" for c in ("<", ">", "&", "\u2028", "\u2029")})


def _event_data(edition: Edition, event: Event) -> dict[str, Any]:
    schedule = event.schedule
    data: dict[str, Any] = {
        "@type": "Event",
        "@id": f"#{event.anchor}",
        "name": event.name,
        "startDate": schedule.iso_start(),
    }
    end = schedule.iso_end()
    if end is not None:
        data["endDate"] = end
    if event.organiser_names:
        organisers = [{"@type": "Organization", "name": n} for n in event.organiser_names]
        data["organizer"] = organisers[0] if len(organisers) == 1 else organisers
    location = event.location
    if location is not None:
        where: list[dict[str, Any]] = []
        if location.name:
            place: dict[str, Any] = {"@type": "Place", "name": location.name}
            if location.address:
                place["address"] = {"@type": "PostalAddress", "streetAddress": location.address}
            where.append(place)
        if location.online:
            where.append({"@type": "VirtualLocation", "url": location.online})
        data["location"] = where[0] if len(where) == 1 else where
        mode = (
            "MixedEventAttendanceMode"
            if len(where) == 2
            else "OnlineEventAttendanceMode"
            if location.online
            else "OfflineEventAttendanceMode"
        )
        data["eventAttendanceMode"] = f"https://schema.org/{mode}"
    data["url"] = event.url or f"#{event.anchor}"
    description = _description(event)
    if description:
        data["description"] = description
    data["inLanguage"] = edition.language
    return data


def _description(event: Event) -> str:
    return "\n\n".join(line.plain for block in event.description for line in block.lines())


# --- For calendars: one iCalendar file (RFC 5545) with every dated event ---


def to_ical(edition: Edition) -> bytes:
    """Return the edition's calendar: one VEVENT per event, its hours in their time zone."""
    calendar = Calendar()
    calendar.add("prodid", PRODUCT)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", edition.title.plain)
    events = list(edition.events())
    if events:
        calendar.add("x-wr-timezone", events[0].schedule.zone)
    for event in events:
        calendar.add_component(_vevent(edition, event))
    days = [day for event in events for day in event.schedule.days]
    if days:
        # The zone's rules over the years the events span, not the library's 1970-2038.
        first, last = min(days), max(days)
        # (dates near 9999, a "to be confirmed" some write, end at the calendar's last year)
        until = dt.date(min(last.year + 2, dt.MAXYEAR), 1, 1)
        calendar.add_missing_timezones(dt.date(first.year, 1, 1), until)
    return calendar.to_ical()


def _vevent(edition: Edition, event: Event) -> CalendarEvent:
    schedule = event.schedule
    component = CalendarEvent()
    # Stable from one build to the next, and apart for two sessions of one workshop a day.
    identity = f"{edition.slug}\n{schedule.iso_start()}\n{event.name}".encode()
    component.add("uid", f"{hashlib.sha256(identity).hexdigest()[:24]}@{edition.slug}")
    component.add("dtstamp", edition.created.astimezone(dt.UTC))
    component.add("summary", event.name)
    start, end = _first_occurrence(event)
    component.add("dtstart", start)
    if end is not None:
        component.add("dtend", end)
    elif schedule.start is None and schedule.shape == "range":  # up to the calendar's last day
        component.add("duration", schedule.days[-1] - schedule.first + dt.timedelta(days=1))
    if schedule.shape == "days" and len(schedule.days) > 1:
        # Separate days: the others repeat the first one's hours (RDATE, RFC 5545, 3.8.5.2).
        component.add("rdate", [_on(event, day) for day in schedule.days[1:]])
    elif schedule.shape == "range" and schedule.start is not None:
        # Hours every day of a range: one occurrence a day, not one stretch from first to last.
        count = (schedule.days[-1] - schedule.first).days + 1
        component.add("rrule", {"freq": "daily", "count": count})
    lines = [event.when.plain]
    if event.organisers:
        lines.append(event.organisers.plain)
    lines += [line.plain for block in (*event.description, *event.notes) for line in block.lines()]
    component.add("description", "\n\n".join(lines))
    if event.url:
        component.add("url", event.url)
    if event.location is not None:
        component.add("location", event.location.text)
        if event.location.online and event.location.name:  # RFC 7986: where to join it
            component.add("conference", event.location.online, parameters={"value": "URI"})
    return component


def _first_occurrence(event: Event) -> tuple[dt.date | dt.datetime, dt.date | dt.datetime | None]:
    """Return the start and end of the first occurrence; a day's end is the next day (DATE)."""
    schedule = event.schedule
    first = schedule.first
    if schedule.start is None:
        last = schedule.days[-1] if schedule.shape == "range" else first
        if last == dt.date.max:  # no day after it: one day needs no end, a range a DURATION
            return first, None
        return first, last + dt.timedelta(days=1)  # all day: DTEND is the day after, exclusive
    end = None if schedule.end is None else schedule.at(first, schedule.end)
    return schedule.at(first, schedule.start), end


def _on(event: Event, day: dt.date) -> dt.date | dt.datetime:
    start = event.schedule.start
    return day if start is None else event.schedule.at(day, start)
