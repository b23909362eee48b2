"""The web edition's folder, read back without a browser: its files, its HTML, its calendar.

What the browser sees (axe-core, screenshots, the rendered text) is in test_web_browser.py.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from pathlib import Path
from urllib.parse import unquote, urlsplit
from zoneinfo import ZoneInfo

import lxml.html
import pytest
from icalendar import Calendar

from dossier.build import build
from dossier.errors import RenderError
from dossier.load import load_edition
from dossier.model import Event as ModelEvent
from dossier.render import RENDERERS, default_formats
from dossier.render.web import PAGE, STYLESHEET, calendar_name
from tests.conftest import EDITION_2021, SMALL_EDITION

PARIS = ZoneInfo("Europe/Paris")


def page(outputs: dict) -> lxml.html.HtmlElement:
    return lxml.html.parse(str(outputs["html"] / PAGE)).getroot()


def calendar(outputs: dict) -> Calendar:
    """Return the edition's .ics, parsed; an edition without a programme has none (skipped)."""
    if not any(outputs["view"].events()):
        assert not (outputs["html"] / calendar_name(outputs["view"])).exists()
        pytest.skip("this edition has no programme: no calendar to add")
    return Calendar.from_ical((outputs["html"] / calendar_name(outputs["view"])).read_bytes())


# --- the folder: everything beside the page, nothing from elsewhere ---


def loads(folder: Path) -> list[str]:
    """Return every address the page and its stylesheet make a browser load."""
    html = page({"html": folder})
    found = [link.get("href") for link in html.iter("link") if link.get("rel") == "stylesheet"]
    found += [img.get("src") for img in html.iter("img")]
    found += [e.get("src") for e in html.iter("script", "iframe", "video", "audio", "source")]
    css = (folder / STYLESHEET).read_text(encoding="utf-8")
    base = Path(STYLESHEET).parent
    found += [(base / url).as_posix() for url in re.findall(r'url\("?([^")]+)"?\)', css)]
    found += re.findall(r"@import\s+[\"']?([^\"';]+)", css)
    return [address for address in found if address]


def test_the_folder_holds_everything_the_page_loads(outputs) -> None:
    folder = outputs["html"]
    addresses = loads(folder)
    assert addresses
    for address in addresses:
        parts = urlsplit(address)
        assert not parts.scheme, f"{address} is loaded from elsewhere"
        assert not parts.netloc, f"{address} is loaded from elsewhere"
        assert not address.startswith("/"), f"{address}: absolute, breaks once the folder moves"
        file = (folder / unquote(parts.path)).resolve()
        assert file.is_relative_to(folder.resolve()), address
        assert file.is_file(), address


def test_the_folder_has_the_page_its_files_and_the_fonts_licence(outputs) -> None:
    folder, view = outputs["html"], outputs["view"]
    names = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}
    assert {PAGE, STYLESHEET, f"{view.slug}.pdf", f"{view.slug}.docx"} <= names
    assert "assets/fonts/Inter-LICENSE.txt" in names  # the OFL travels with the fonts
    for picture in view.pictures():
        assert picture.path.relative_to(view.folder).as_posix() in names
    # the copies of the run's PDF and DOCX are those written beside the folder
    for kind in ("pdf", "docx"):
        assert (folder / outputs[kind].name).read_bytes() == outputs[kind].read_bytes()


def test_the_web_edition_is_a_default_format() -> None:
    assert default_formats() == ("pdf", "docx", "html")
    assert RENDERERS["html"].available


def test_built_alone_the_page_offers_only_its_calendar(tmp_path: Path) -> None:
    (output,) = build(SMALL_EDITION, ("html",), tmp_path)
    html = page({"html": output.path})
    links = [a.get("href") for a in html.xpath("//ul[@class='downloads']//a")]
    assert links == ["semaine-donnee-2024.ics"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["semaine-donnee-2024"]


def test_an_image_named_as_a_file_of_the_page_is_refused(edition_copy) -> None:
    folder = edition_copy(SMALL_EDITION)
    (folder / "assets").mkdir()
    (folder / "images" / "portrait.png").rename(folder / "assets" / "portrait.png")
    yaml = folder / "edition.yaml"
    yaml.write_text(
        yaml.read_text(encoding="utf-8").replace("images/portrait.png", "assets/portrait.png"),
        encoding="utf-8",
    )
    with pytest.raises(RenderError, match="porte le nom d'un fichier de l'édition web"):
        build(folder, ("html",), folder.parent / "out")


# --- the page: what assistive technologies and search engines read ---


def test_the_page_has_its_language_landmarks_and_one_h1(outputs) -> None:
    html = page(outputs)
    assert html.get("lang") == outputs["view"].language
    assert html.find("head/title").text == outputs["view"].document_title
    for landmark in ("header", "nav", "main", "footer"):
        assert len(html.findall(f".//{landmark}")) == 1, landmark
    assert len(html.findall(".//h1")) == 1
    skip = html.body.find("a")  # the first thing a keyboard reaches
    target = outputs["view"].screen.target
    assert skip.get("href") == f"#{target}"
    assert html.get_element_by_id(target).tag == "main"


def test_the_page_heads_as_the_view_does(outputs) -> None:
    html = page(outputs)
    headings = [
        (int(h.tag[1]), re.sub(r"\s+", " ", h.text_content()).strip())
        for h in html.iter("h1", "h2", "h3", "h4", "h5", "h6")
    ]
    view = outputs["view"]
    expected = [
        (level, " ".join(view.on_screen(t).plain for t in line.texts).strip())
        for level, line in view.headings()
    ]
    assert [level for level, _ in headings] == [level for level, _ in expected]
    squash = re.compile(r"[\W_]+")
    assert [squash.sub("", t) for _, t in headings] == [squash.sub("", t) for _, t in expected]


def test_each_event_is_an_article_with_its_date(outputs) -> None:
    html = page(outputs)
    for event in outputs["view"].events():
        article = html.get_element_by_id(event.anchor)
        assert article.tag == "article"
        (time,) = article.iter("time")
        assert time.get("datetime") == event.schedule.iso_start()
        assert time.text_content() == event.when.plain


def test_every_link_makes_sense_alone(outputs) -> None:
    for link in page(outputs).iter("a"):
        name = link.get("aria-label") or link.text_content().strip()
        assert name, lxml.html.tostring(link)
        if link.text_content().strip() == "En savoir plus":
            assert name.startswith("En savoir plus sur «"), name


def test_every_image_has_its_alt_text(outputs) -> None:
    images = list(page(outputs).iter("img"))
    assert [img.get("alt") for img in images] == [p.alt.plain for p in outputs["view"].pictures()]
    assert all(img.get("alt").strip() for img in images)


def test_every_event_is_a_schema_org_event(outputs) -> None:
    (script,) = page(outputs).xpath("//script[@type='application/ld+json']")
    data = json.loads(script.text)
    assert data["@context"] == "https://schema.org"
    events = data["@graph"]
    view_events = list(outputs["view"].events())
    assert len(events) == len(view_events)
    for found, event in zip(events, view_events, strict=True):
        assert found["@type"] == "Event"
        assert found["name"] == event.name
        assert found["startDate"] == event.schedule.iso_start()
        assert found.get("endDate") == event.schedule.iso_end()
        assert found["url"] == (event.url or f"#{event.anchor}")
        names = [o["name"] for o in _as_list(found.get("organizer", []))]
        assert names == list(event.organiser_names)
        _holds_its_location(found, event)
        if "T" in found["startDate"]:  # an hour carries the Paris offset of its day
            assert re.search(r"\+0[12]:00$", found["startDate"])


def _holds_its_location(found: dict, event) -> None:
    """A place (its name and address) or an online address, and how one attends."""
    location = event.location
    if location is None:
        assert "location" not in found
        assert "eventAttendanceMode" not in found
        return
    where = _as_list(found["location"])
    places = [w for w in where if w["@type"] == "Place"]
    online = [w for w in where if w["@type"] == "VirtualLocation"]
    assert [p["name"] for p in places] == ([location.name] if location.name else [])
    for place in places:
        assert place.get("address", {}).get("streetAddress") == location.address
    assert [w["url"] for w in online] == ([location.online] if location.online else [])
    mode = {(True, False): "Offline", (False, True): "Online", (True, True): "Mixed"}
    expected = mode[(bool(places), bool(online))]
    assert found["eventAttendanceMode"] == f"https://schema.org/{expected}EventAttendanceMode"


def test_a_place_and_an_online_address_reach_the_page_and_the_calendar(tmp_path: Path) -> None:
    """The venue on the cover; an event's room, or its online address, on its lines and in the
    JSON-LD and the .ics; an event with neither takes the venue."""
    edition = tmp_path / "edition"
    shutil.copytree(SMALL_EDITION, edition)
    file = edition / "edition.yaml"
    text = file.read_text(encoding="utf-8")
    venue = (
        "venue:\n  name: Maison de la Mutualité\n  address: 24 rue Saint-Victor, 75005 Paris\n"
        "  access: Métro Maubert-Mutualité (ligne 10)\n"
    )
    text = text.replace("\nsections:", f"\n{venue}sections:", 1)
    file.write_text(text, encoding="utf-8")
    model = load_edition(edition)
    events = [
        (i, j) for i, s in enumerate(model.sections) for j, _ in enumerate(getattr(s, "events", []))
    ]
    assert len(events) >= 2
    from dossier.source import AddKey, write_edits

    (a, b), (c, d) = events[0], events[1]
    write_edits(
        file,
        [
            AddKey(("sections", a, "events", b), "place", "Salle Jean Jaurès"),
            AddKey(("sections", c, "events", d), "online", "https://webikeo.fr/w/42"),
        ],
        load_edition,
    )
    outputs = {o.format: o.path for o in build(edition, ("html",), tmp_path / "out")}
    html = page({"html": outputs["html"]})
    text = " ".join(html.text_content().split())
    assert "Maison de la Mutualité 24 rue Saint-Victor, 75005 Paris" in text
    assert "Lieu : Salle Jean Jaurès" in text
    assert "En ligne : webikeo.fr/w/42" in text
    (script,) = html.xpath("//script[@type='application/ld+json']")
    graph = json.loads(script.text)["@graph"]
    assert graph[0]["location"]["name"] == "Salle Jean Jaurès, Maison de la Mutualité"
    assert graph[1]["location"] == {"@type": "VirtualLocation", "url": "https://webikeo.fr/w/42"}
    assert all("location" in e for e in graph)  # the others: at the venue
    vevents = Calendar.from_ical(next(outputs["html"].glob("*.ics")).read_bytes()).walk("VEVENT")
    assert str(vevents[0]["LOCATION"]) == (
        "Salle Jean Jaurès, Maison de la Mutualité, 24 rue Saint-Victor, 75005 Paris"
    )
    assert str(vevents[1]["LOCATION"]) == "https://webikeo.fr/w/42"


def _as_list(value: object) -> list:
    return value if isinstance(value, list) else [value]


# --- the calendar: RFC 5545, parsed back ---


def test_the_calendar_holds_every_event(outputs) -> None:
    events = calendar(outputs).walk("VEVENT")
    assert len(events) == len(list(outputs["view"].events()))
    assert len({str(e["UID"]) for e in events}) == len(events)
    assert [str(e["SUMMARY"]) for e in events] == [e.name for e in outputs["view"].events()]


def test_the_calendar_has_its_time_zone(outputs) -> None:
    ics = calendar(outputs)
    (zone,) = ics.walk("VTIMEZONE")
    assert str(zone["TZID"]) == "Europe/Paris"
    assert str(ics["VERSION"]) == "2.0"
    assert str(ics["PRODID"])


def occurrences(component) -> list[dt.date | dt.datetime]:
    """Return the starts of a VEVENT's occurrences: DTSTART, its RDATEs, its daily RRULE."""
    start = component.decoded("DTSTART")
    found = [start]
    rdates = component.get("RDATE")
    for group in [] if rdates is None else _as_list(rdates):
        found += [value.dt for value in group.dts]
    rule = component.get("RRULE")
    if rule is not None:
        assert rule["FREQ"] == ["DAILY"]
        found += [start + dt.timedelta(days=n) for n in range(1, rule["COUNT"][0])]
    return found


def expected_occurrences(event: ModelEvent) -> list[dt.date | dt.datetime]:
    """Return each day of an event, as a calendar should start it, from the model itself."""
    if event.date is not None:
        days = [event.date]
    elif event.dates:
        days = list(event.dates)
    elif event.last_day is not None:
        count = (event.last_day - event.first_day).days + 1  # type: ignore[operator]
        days = [event.first_day + dt.timedelta(days=n) for n in range(count)]  # type: ignore[operator]
    else:
        days = [event.first_day]  # type: ignore[list-item]
    if event.start is None:
        return days  # type: ignore[return-value]
    return [dt.datetime.combine(day, event.start, PARIS) for day in days]  # type: ignore[arg-type]


def check_hours(components: list, expected: list[ModelEvent]) -> None:
    """Hold each VEVENT to its event of the model: every day it happens, at its hours."""
    assert len(components) == len(expected)
    for component, event in zip(components, expected, strict=True):
        starts = occurrences(component)
        # A range without hours is one stretch of days: its DTEND, exclusive, says the last.
        if event.last_day is not None and event.start is None:
            assert starts == [event.first_day]
            assert component.decoded("DTEND") == event.last_day + dt.timedelta(days=1)
            continue
        assert starts == expected_occurrences(event), component["SUMMARY"]
        end = component.get("DTEND")
        if event.end is not None:
            assert component.decoded("DTEND") == dt.datetime.combine(starts[0], event.end, PARIS)
        elif event.start is None:
            assert component.decoded("DTEND") == starts[0] + dt.timedelta(days=1)
        else:
            assert end is None  # a start without an end: an instant, as the source says


def model_events(folder: Path) -> list[ModelEvent]:
    model = load_edition(folder)
    return [e for s in model.sections if s.kind == "calendar" for e in s.events]


def test_the_calendar_has_each_event_at_its_hours(outputs) -> None:
    check_hours(calendar(outputs).walk("VEVENT"), model_events(outputs["edition"]))


def test_2021_calendar_has_all_61_events_at_their_hours(tmp_path: Path) -> None:
    (output,) = build(EDITION_2021, ("html",), tmp_path)
    ics = Calendar.from_ical((output.path / "mois-innovation-publique-2021.ics").read_bytes())
    assert len(ics.walk("VEVENT")) == 61
    check_hours(ics.walk("VEVENT"), model_events(EDITION_2021))


def test_times_carry_the_paris_offset_of_their_day(outputs) -> None:
    for component in calendar(outputs).walk("VEVENT"):
        start = component.decoded("DTSTART")
        if isinstance(start, dt.datetime):
            assert component["DTSTART"].params["TZID"] == "Europe/Paris"
            assert start.utcoffset() == start.astimezone(PARIS).utcoffset()


def test_words_of_a_link_lead_to_one_address(outputs) -> None:
    # « voir les évènements » four times to four pages: heard alone (a screen reader's list of
    # links), each must say where it leads; the same name twice is the same address
    targets: dict[str, set[str]] = {}
    for link in page(outputs).iter("a"):
        name = " ".join((link.get("aria-label") or link.text_content()).split())
        targets.setdefault(name, set()).add(link.get("href"))
    assert {name: hrefs for name, hrefs in targets.items() if len(hrefs) > 1} == {}


def test_an_event_without_a_title_is_still_a_named_article(outputs) -> None:
    for article in page(outputs).iter("article"):
        if not article.xpath(".//h2|.//h3|.//h4|.//h5|.//h6"):
            assert article.get("aria-label"), lxml.html.tostring(article)[:200]
