"""The view: the 2021 edition's dates and texts set once, by the French rules."""

from __future__ import annotations

import pytest

from dossier.french import NBSP, NNBSP
from dossier.load import load_edition
from dossier.view import prepare
from tests.conftest import SMALL_EDITION


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
    drac = next(e for e in events_of(view_2021) if e.anchor.endswith("services-etat-1"))
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
