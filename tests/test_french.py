"""French rules, as tables: dates, times, ranges, typography. Invisible spaces show in the ids."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dossier.french import (
    NBSP,
    NNBSP,
    French,
    Span,
    Words,
    capitalise,
    file_size,
    plain,
    rich_text,
    typeset,
)

D = dt.date
T = dt.time


def shown(text: str) -> str:
    """Make invisible spaces visible in a test id: ⍽ for U+00A0, · for U+202F."""
    return text.replace(NBSP, "⍽").replace(NNBSP, "·")


def table(rows: list[tuple]) -> dict:
    return {"argvalues": rows, "ids": [shown(str(row[-1])) for row in rows]}


FR = French(year=2021)
FR_COLON = French(time_style="colon", year=2021)
FR_SHORT = French(year=2021, year_style="other-years")

DATES = [
    (D(2021, 11, 3), False, f"3{NBSP}novembre 2021"),
    (D(2021, 11, 1), False, f"1er{NBSP}novembre 2021"),
    (D(2021, 11, 3), True, f"mercredi 3{NBSP}novembre 2021"),
    (D(2021, 8, 1), True, f"dimanche 1er{NBSP}août 2021"),
    (D(2024, 2, 29), True, f"jeudi 29{NBSP}février 2024"),
    (D(2022, 1, 31), False, f"31{NBSP}janvier 2022"),
]


@pytest.mark.parametrize(("date", "weekday", "expected"), **table(DATES))
def test_date(date: dt.date, weekday: bool, expected: str) -> None:
    assert plain(FR.date(date, weekday=weekday)) == expected


def test_first_of_month_is_marked_superscript() -> None:
    assert FR.date(D(2021, 11, 1))[:2] == (Span("1"), Span("er", sup=True))
    assert not any(span.sup for span in FR.date(D(2021, 11, 2)))


@pytest.mark.parametrize(
    ("date", "expected"),
    **table([(D(2021, 11, 3), f"3{NBSP}novembre"), (D(2022, 1, 3), f"3{NBSP}janvier 2022")]),
)
def test_year_left_out_when_it_is_the_editions(date: dt.date, expected: str) -> None:
    assert plain(FR_SHORT.date(date)) == expected


TIMES = [
    (FR, T(9, 30), f"9{NBSP}h{NBSP}30"),
    (FR, T(20, 0), f"20{NBSP}h"),
    (FR, T(0, 5), f"0{NBSP}h{NBSP}05"),
    (FR_COLON, T(9, 30), "09:30"),
    (FR_COLON, T(20, 0), "20:00"),
]


@pytest.mark.parametrize(("french", "time", "expected"), **table(TIMES))
def test_time(french: French, time: dt.time, expected: str) -> None:
    assert french.time(time) == expected


WHEN = [
    ({"first": D(2021, 11, 2), "last": D(2021, 11, 30)}, f"du 2 au 30{NBSP}novembre 2021"),
    (
        {"first": D(2021, 10, 28), "last": D(2021, 11, 3)},
        f"du 28{NBSP}octobre au 3{NBSP}novembre 2021",
    ),
    (
        {"first": D(2021, 12, 30), "last": D(2022, 1, 2)},
        f"du 30{NBSP}décembre 2021 au 2{NBSP}janvier 2022",
    ),
    ({"first": D(2021, 11, 1), "last": D(2021, 11, 3)}, f"du 1er au 3{NBSP}novembre 2021"),
    ({"first": D(2024, 2, 28), "last": D(2024, 3, 1)}, f"du 28{NBSP}février au 1er{NBSP}mars 2024"),
    ({"dates": [D(2021, 11, 4), D(2021, 11, 5)]}, f"les 4 et 5{NBSP}novembre 2021"),
    (
        {"dates": [D(2021, 11, 5), D(2021, 11, 19), D(2021, 11, 26)]},
        f"les 5, 19 et 26{NBSP}novembre 2021",
    ),
    (
        {"dates": [D(2021, 10, 31), D(2021, 11, 1)]},
        f"les 31{NBSP}octobre et 1er{NBSP}novembre 2021",
    ),
    (
        {"dates": [D(2021, 12, 31), D(2022, 1, 1)]},
        f"les 31{NBSP}décembre 2021 et 1er{NBSP}janvier 2022",
    ),
    ({"first": D(2021, 11, 8)}, f"à partir du 8{NBSP}novembre 2021"),
    ({"first": D(2021, 11, 1)}, f"à partir du 1er{NBSP}novembre 2021"),
    (
        {"date": D(2021, 11, 3), "start": T(9, 30), "end": T(12, 30)},
        f"3{NBSP}novembre 2021, de 9{NBSP}h{NBSP}30 à 12{NBSP}h{NBSP}30",
    ),
    ({"date": D(2021, 11, 3), "start": T(19, 0)}, f"3{NBSP}novembre 2021, à 19{NBSP}h"),
    (
        {"first": D(2021, 11, 25), "last": D(2021, 11, 27), "start": T(9, 0), "end": T(17, 0)},
        f"du 25 au 27{NBSP}novembre 2021, de 9{NBSP}h à 17{NBSP}h",
    ),
]


@pytest.mark.parametrize(("fields", "expected"), **table(WHEN))
def test_when(fields: dict, expected: str) -> None:
    assert plain(FR.when(**fields)) == expected


def test_when_in_colon_style() -> None:
    when = FR_COLON.when(date=D(2021, 11, 3), start=T(9, 30), end=T(12, 30))
    assert plain(when) == f"3{NBSP}novembre 2021, de 09:30 à 12:30"


def test_line_start_gets_a_capital() -> None:
    assert plain(capitalise(FR.since(D(2021, 11, 8)))) == f"À partir du 8{NBSP}novembre 2021"
    assert plain(capitalise(FR.days([D(2021, 11, 4), D(2021, 11, 5)]))).startswith("Les 4")


TYPOGRAPHY = [
    ("Vraiment ?", f"Vraiment{NNBSP}?"),
    ("Vraiment?", f"Vraiment{NNBSP}?"),
    ("sur le terrain !", f"sur le terrain{NNBSP}!"),
    ("un ; deux", f"un{NNBSP}; deux"),
    ("Quoi ?!", f"Quoi{NNBSP}?!"),
    ("L'objectif : partager", f"L’objectif{NBSP}: partager"),
    ('le "premier kilomètre"', f"le «{NNBSP}premier kilomètre{NNBSP}»"),
    ("« premier kilomètre »", f"«{NNBSP}premier kilomètre{NNBSP}»"),
    ("«premier»", f"«{NNBSP}premier{NNBSP}»"),
    ("aujourd'hui", "aujourd’hui"),
    ("Cyber...", "Cyber…"),
    ("de 09:30 à 12:30", "de 09:30 à 12:30"),
    ("https://example.org/a?b=1;c=2", "https://example.org/a?b=1;c=2"),
    ("voir https://example.org/x !", f"voir https://example.org/x{NNBSP}!"),
    ("écrire : presse@example.org", f"écrire{NBSP}: presse@example.org"),
    ("mailto:presse@example.org", "mailto:presse@example.org"),
    ("le ratio 1:2 et 3,5", "le ratio 1:2 et 3,5"),
    ("plus de  350 événements", "plus de 350 événements"),
]


@pytest.mark.parametrize(("raw", "expected"), **table(TYPOGRAPHY))
def test_typography(raw: str, expected: str) -> None:
    assert typeset(raw) == expected


def test_ordinals_in_running_text_are_superscript() -> None:
    spans = rich_text("la 8e édition et le 1er jour")
    assert [s.text for s in spans if s.sup] == ["e", "er"]
    assert plain(spans) == "la 8e édition et le 1er jour"


def test_links_keep_their_targets_untouched() -> None:
    spans = rich_text("voir [le site](https://example.org/a?b=1) : ici")
    assert Span("le site", href="https://example.org/a?b=1") in spans
    assert plain(spans) == f"voir le site{NBSP}: ici"


def test_page_reference_becomes_a_placeholder_span() -> None:
    spans = rich_text("(voir [p. {page}](#labs))")
    assert Span("", href="#labs", page_of="labs") in spans
    assert plain(spans) == f"(voir p.{NBSP})"


@pytest.mark.parametrize(
    ("items", "expected"),
    **table([(["A"], "A"), (["A", "B"], "A et B"), (["A", "B", "C"], "A, B et C")]),
)
def test_lists(items: list[str], expected: str) -> None:
    assert FR.format_list(items) == expected


def test_numbers_group_with_a_narrow_space() -> None:
    assert FR.format_number(1234) == f"1{NNBSP}234"


def test_other_languages_are_refused_until_written() -> None:
    with pytest.raises(ValueError, match="non prise en charge"):
        French("en_GB")


text_alphabet = st.sampled_from(
    [*list("abcé ’'\":;!?«».…,-/@0123456789"), NBSP, NNBSP, "https://ex.org/a?b", "09:30"]
)


@given(st.lists(text_alphabet, max_size=40).map("".join))
def test_typography_is_idempotent(text: str) -> None:
    once = typeset(text)
    assert typeset(once) == once


@given(st.dates(min_value=D(1990, 1, 1), max_value=D(2100, 12, 31)), st.integers(0, 400))
def test_ranges_name_both_ends(first: dt.date, days: int) -> None:
    last = first + dt.timedelta(days=days)
    text = plain(FR.range(first, last))
    assert str(last.year) in text
    assert text.startswith("du ") or days == 0
    if first.year != last.year:
        assert str(first.year) in text


@pytest.mark.parametrize(
    ("size", "expected"),
    **table(
        [
            (120, f"1{NBSP}Ko"),
            (85_400, f"85{NBSP}Ko"),
            (999_499, f"999{NBSP}Ko"),
            (999_999, f"1{NBSP}Mo"),
            (1_234_567, f"1,2{NBSP}Mo"),
            (12_000_000, f"12{NBSP}Mo"),
        ]
    ),
)
def test_file_sizes_as_a_download_link_gives_them(size: int, expected: str) -> None:
    assert file_size(size, Words()) == expected
