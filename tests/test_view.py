"""The view: the 2021 edition's dates and texts set once, by the French rules."""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import itertools
import re
from pathlib import Path

import pytest
import yaml

from dossier.french import NBSP, NNBSP
from dossier.load import load_edition
from dossier.model import INLINE_LINK
from dossier.view import prepare
from tests.conftest import COMPLETE_EDITION, EDITION_2021, SMALL_EDITION


def squash(text: str) -> str:
    return re.sub(r"[\W_]+", "", text).lower()


def events_of(view) -> list:
    return [e for s in view.sections if s.kind == "calendar" for e in s.events]


def events_by_title(view) -> dict[str, object]:
    return {(e.title or e.description[0].text).plain[:40]: e for e in events_of(view)}


@pytest.mark.parametrize(
    ("title", "when"),
    [
        (
            "Expérimentation et innovation publique",
            f"3{NBSP}novembre 2021, de 9{NBSP}h{NBSP}30 à 12{NBSP}h{NBSP}30",
        ),
        ("Remarquables", f"1er{NBSP}novembre 2021"),
        ("Exposition", f"Du 2 au 5{NBSP}novembre 2021"),
        (f"«{NNBSP}Non-conférence", f"Les 4 et 5{NBSP}novembre 2021"),
        ("Le Laboratoire Etat’LIN organise égalem", f"Les 5, 19 et 26{NBSP}novembre 2021"),
        ("Le mois du numérique au Cerema", f"À partir du 8{NBSP}novembre 2021"),
        ("Forum Innovation Défense 2021", f"Du 25 au 27{NBSP}novembre 2021"),
        ("Meetup Design public #6", f"17{NBSP}novembre 2021, de 19{NBSP}h à 21{NBSP}h{NBSP}30"),
    ],
)
def test_2021_dates_follow_the_rules(view_2021, title: str, when: str) -> None:
    matches = [e for t, e in events_by_title(view_2021).items() if t.startswith(title)]
    assert matches, title
    assert matches[0].when.plain == when


def test_every_event_has_a_date_line(view_2021) -> None:
    events = events_of(view_2021)
    assert len(events) == 61
    assert all(e.when.plain[0].isupper() or e.when.plain[0].isdigit() for e in events)


def test_first_of_month_is_superscript_in_the_view(view_2021) -> None:
    drac = next(e for e in events_of(view_2021) if e.anchor.endswith("services-etat--1"))
    assert [s.text for s in drac.when if s.sup] == ["er"]


def test_cover_and_metadata(view_2021) -> None:
    assert view_2021.title.plain == "Mois de l’innovation publique"
    assert view_2021.cover.period.plain == f"du 2 au 30{NBSP}novembre 2021"
    assert view_2021.cover.edition.plain == "8e édition"
    assert view_2021.language == "fr-FR"
    assert view_2021.draft is None


def test_draft_mark_names_version_and_date() -> None:
    view = prepare(load_edition(SMALL_EDITION), SMALL_EDITION, draft=True)
    assert view.draft.plain == f"PROJET — v2 du 20{NBSP}janvier 2024"


def test_small_edition_in_colon_style_without_its_year() -> None:
    view = prepare(load_edition(SMALL_EDITION), SMALL_EDITION)
    calendar = next(s for s in view.sections if s.kind == "calendar")
    assert [e.when.plain for e in calendar.events] == [
        f"26{NBSP}février, de 09:30 à 12:00",
        f"Du 29{NBSP}février au 2{NBSP}mars",
        f"Les 27 et 28{NBSP}février, à 19:00",
        f"Les 26, 28{NBSP}février et 1er{NBSP}mars",
        f"À partir du 27{NBSP}février",
    ]


EDITIONS = [EDITION_2021, SMALL_EDITION, COMPLETE_EDITION]


@functools.cache
def yaml_tree(file: Path) -> yaml.Node:
    return yaml.compose(file.read_text(encoding="utf-8"), Loader=yaml.BaseLoader)


def yaml_node(file: Path, path: tuple) -> yaml.Node:
    """Walk the YAML file's nodes along a field path, as a reader of the file would."""
    node = yaml_tree(file)
    for part in path:
        if isinstance(part, int):
            assert isinstance(node, yaml.SequenceNode), path
            node = node.value[part]
        else:
            assert isinstance(node, yaml.MappingNode), path
            node = next(value for key, value in node.value if key.value == part)
    return node


@pytest.mark.parametrize("folder", EDITIONS, ids=lambda p: p.name)
def test_every_string_knows_its_field_and_line(folder: Path) -> None:
    view = prepare(load_edition(folder), folder)
    texts = list(view.texts())
    from_data = [t for t in texts if t.origin is not None]
    assert len(from_data) > 0.6 * len(texts)
    for text in from_data:
        origin = text.origin
        node = yaml_node(origin.file, origin.path)  # the field exists in the file…
        # …and starts where the origin says
        assert (node.start_mark.line + 1, node.start_mark.column + 1) == (
            origin.line,
            origin.column,
        ), origin
        if (
            isinstance(node, yaml.ScalarNode)
            and text.role != "more"
            and origin.path[-1]
            not in (
                "date",
                "dates",
                "from",
                "start",
                "publication_date",
                "edition_number",
            )
        ):
            # the printed text is the value, set in French: the same letters, links' text kept
            value = INLINE_LINK.sub(r"\1", node.value).replace("{page}", "")
            assert squash(text.plain) == squash(value), (origin, text.plain)


@pytest.mark.parametrize("folder", EDITIONS, ids=lambda p: p.name)
def test_the_programs_own_words_are_the_french_words(folder: Path) -> None:
    view = prepare(load_edition(folder), folder)
    words = {value.strip() for value in dataclasses.asdict(view.words).values()}
    for text in view.texts():
        if text.origin is None:
            assert text.plain.strip() in words or text.plain.isdigit() or not text.plain.strip(), (
                text
            )


def test_an_event_keeps_its_days_and_hours_apart(view_2021) -> None:
    event = next(e for e in events_of(view_2021) if e.hours is not None)
    assert event.days.origin.field.endswith(".date")
    assert event.hours.origin.field.endswith(".start")
    assert event.when.plain == f"{event.days.plain}, {event.hours.plain}"
    assert event.when.fields == (event.days.origin, event.hours.origin)


def test_a_paragraph_written_as_a_bare_string_points_at_its_own_line() -> None:
    view = prepare(load_edition(SMALL_EDITION), SMALL_EDITION)
    contacts = view.sections[0]
    intro = contacts.intro[0].text.texts[0].origin
    assert intro.field == "sections[0].intro"  # « intro: "Pour toute demande…" », one string
    assert intro.line == 26


def test_every_section_kind_has_a_model_a_template_and_a_docx_visitor() -> None:
    import typing

    from dossier import model
    from dossier.render.docx.writer import Writer
    from dossier.theme import TEMPLATES
    from dossier.view import SECTION_KINDS

    union = typing.get_args(typing.get_args(model.Section)[0])
    modelled = {typing.get_args(m.model_fields["kind"].annotation)[0] for m in union}
    assert modelled == set(SECTION_KINDS)
    for kind in SECTION_KINDS:
        assert (TEMPLATES / "sections" / f"{kind}.html.j2").is_file(), kind
        assert callable(getattr(Writer, f"visit_{kind}", None)), kind


def test_headings_take_one_level_below_what_holds_them() -> None:
    view = prepare(load_edition(COMPLETE_EDITION), COMPLETE_EDITION)
    for section in view.sections:
        assert section.heading_level == (2 if section.new_page else 3) or not section.heading
    levels = dict(
        (line.plain, level) for level, line in view.headings() if line is not view.cover.title
    )
    for section in view.sections:
        for event in getattr(section, "events", ()):
            if event.title:
                assert levels[event.title.plain] == section.inner_level
        for profile in getattr(section, "profiles", ()):
            assert levels[profile.title.plain] == section.inner_level


def test_a_section_without_heading_continues_the_previous_one(view_2021) -> None:
    sections = view_2021.sections
    for before, after in itertools.pairwise(sections):
        if after.heading is None:
            assert after.heading_level == before.heading_level


@pytest.mark.parametrize(
    ("title", "shape", "starts", "ends"),
    [
        ("Ouverture", "days", "2024-02-26T09:30+01:00", "2024-02-26T12:00+01:00"),
        ("Hackathon", "range", "2024-02-29", "2024-03-02"),
        ("Ateliers du soir", "days", "2024-02-27T19:00+01:00", "2024-02-28"),
        ("Permanences", "days", "2024-02-26", "2024-03-01"),
        ("Exposition", "since", "2024-02-27", None),
    ],
)
def test_an_event_keeps_when_it_happens_for_calendars(
    title: str, shape: str, starts: str, ends: str | None
) -> None:
    view = prepare(load_edition(SMALL_EDITION), SMALL_EDITION)
    event = next(e for e in view.events() if e.name == title)
    schedule = event.schedule
    assert (schedule.shape, schedule.iso_start()) == (shape, starts)
    end = schedule.ends()
    assert (
        end
        if end is None
        else end.isoformat(timespec="minutes")
        if hasattr(end, "hour")
        else end.isoformat()
    ) == ends


def test_summer_hours_have_their_offset() -> None:
    from dossier.view import Schedule

    summer = Schedule("days", (dt.date(2025, 6, 3),), dt.time(9), None, "Europe/Paris")
    assert summer.iso_start() == "2025-06-03T09:00+02:00"


def test_en_savoir_plus_names_its_event_for_screen_readers(view_2021) -> None:
    for event in view_2021.events():
        if event.link:
            (more, _arrow) = event.link.texts
            assert more.plain == "En savoir plus"  # what every output prints
            assert more.spans[0].label == f"En savoir plus sur «{NNBSP}{event.name}{NNBSP}»"


def test_an_event_without_title_is_named_by_its_description(view_2021) -> None:
    untitled = [e for e in view_2021.events() if e.title is None]
    assert untitled
    for event in untitled:
        assert len(event.name) <= 81
        assert squash(event.description[0].text.plain).startswith(squash(event.name.rstrip("…")))


def test_a_page_reference_names_its_section_on_screen(view_2021) -> None:
    texts = [t for t in view_2021.texts() if any(s.page_of for s in t.spans)]
    (text,) = texts
    screen = view_2021.on_screen(text)
    assert "p." not in screen.plain
    linked = [s for s in screen.spans if s.href == "#quatre-laboratoires"]
    assert [s.text for s in linked] == [
        f"«{NNBSP}Quatre laboratoires d’innovation territoriale lancés fin 2021{NNBSP}»"
    ]
    assert all(s.page_of is None for s in screen.spans)


def test_a_calendar_by_day_heads_each_day_and_prints_hours_only(edition_copy) -> None:
    """by_day: one heading a day; an event of that one day says only its hours (« Toute la
    journée » without), an event of several days keeps its dates under its first day."""
    from dossier.source import AddKey, write_edits
    from dossier.view import CalendarSection

    folder = edition_copy(EDITION_2021)
    index = 12  # the collectivités' calendar
    write_edits(
        folder / "edition.yaml",
        [AddKey(("sections", index), "by_day", "yes", after="intro")],
        load_edition,
    )
    view = prepare(load_edition(folder), folder)
    section = view.sections[index]
    assert isinstance(section, CalendarSection)
    days = [day.heading.plain for day in section.days]
    assert days
    assert len(days) == len(set(days))  # each day once
    weekdays = ("Lundi", "Mardi", "Mercredi", "Jeudi", "Vendredi", "Samedi", "Dimanche")
    assert all(day.split()[0] in weekdays for day in days)
    months = ("novembre", "décembre", "octobre")
    for day in section.days:
        for item in day.events:
            assert item.level == day.level + 1
            one_day = item.schedule.shape == "days" and len(item.schedule.days) == 1
            said = item.when.plain
            if one_day:
                assert not any(month in said for month in months), said
            else:
                assert any(month in said for month in months), said
    all_day = [e for d in section.days for e in d.events if e.schedule.start is None]
    assert all_day  # this calendar has events of a day without hours
    for item in all_day:
        if item.schedule.shape == "days" and len(item.schedule.days) == 1:
            assert item.when.plain == "Toute la journée"
    headings = [line.plain for _, line in view.headings()]
    first_title = next(e.title for d in section.days for e in d.events if e.title)
    assert headings.index(days[0]) < headings.index(first_title.plain)
    # every event once, in the flat list the calendar file and the search engines read
    assert sum(len(day.events) for day in section.days) == len(section.events)


def test_a_link_of_several_looks_is_labelled_by_all_its_words(edition_copy) -> None:
    """« le 1er mai » is three spans (its ordinal a superscript) and one link: when its words
    lead to two places, the label that tells them apart says them all, on every span."""
    folder = edition_copy(
        SMALL_EDITION,
        {
            "answer: Parce qu'un jour ne suffit pas.": "answer: "
            '"Rendez-vous [le 1er mai](https://a.example.fr/) et [le 1er mai](https://b.example.fr/)."',
        },
    )
    view = prepare(load_edition(folder), folder)
    text = next(t for t in view.texts() if any(s.href and "example.fr" in s.href for s in t.spans))
    for address in ("https://a.example.fr/", "https://b.example.fr/"):
        spans = [s for s in text.spans if s.href == address]
        assert [s.text for s in spans] == ["le 1", "er", " mai"]
        (label,) = {s.label for s in spans}  # one label for the three
        assert label is not None
        assert label.startswith(f"le 1er mai{NBSP}: ")
        (run,) = [r for r in text.runs() if r.href == address]
        assert run.label == label


def test_a_page_link_after_a_question_mark_reads_without_a_comma(view_2021) -> None:
    """« Qu’est-ce qu’un laboratoire… ? — page 26 », never « … ?, page 26 »."""
    assert view_2021.page_label("x", "26", "Qu’est-ce ?") == f"Qu’est-ce ? — page{NBSP}26"
    assert view_2021.page_label("x", "20", "Les laboratoires") == f"Les laboratoires, page{NBSP}20"
