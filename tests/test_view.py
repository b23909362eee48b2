"""The view: the 2021 edition's dates and texts set once, by the French rules."""

from __future__ import annotations

import dataclasses
import functools
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
