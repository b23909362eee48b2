"""The loader: YAML's traps, strictness, and errors located by file, line, column and field."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from dossier.errors import DataError
from dossier.load import load_edition
from dossier.model import Calendar, Edito, Event
from tests.conftest import BROKEN_2021, EDITION_2021, SEEDS, SMALL_EDITION


def line_of(folder: Path, text: str) -> int:
    """Return the line where text starts in the folder's edition.yaml."""
    content = (folder / "edition.yaml").read_text(encoding="utf-8")
    return content[: content.index(text)].count("\n") + 1


def problems(folder: Path) -> list[str]:
    with pytest.raises(DataError) as caught:
        load_edition(folder)
    return [str(p) for p in caught.value.problems]


def test_2021_edition_loads_whole() -> None:
    edition = load_edition(EDITION_2021)
    assert edition.slug == "mois-innovation-publique-2021"
    assert edition.period.start == dt.date(2021, 11, 2)
    calendars = [s for s in edition.sections if isinstance(s, Calendar)]
    assert [len(c.events) for c in calendars] == [27, 9, 11, 4, 6, 4]
    assert sum(1 for c in calendars for e in c.events if e.link) == 59
    assert isinstance(edition.sections[0], Edito)


def test_2021_edition_says_its_events_outside_the_period_are_meant(
    caplog: pytest.LogCaptureFixture, edition_copy
) -> None:
    # the source publishes an event of 1 November and one of 7 December, outside 2–30
    # November: the data says so, and dossier check then has nothing to warn of
    load_edition(EDITION_2021)
    assert [r.getMessage() for r in caplog.records] == []
    caplog.clear()
    folder = edition_copy(
        replace={
            "2021-12-07\n        outside_period: oui\n": "2021-12-07\n",
            "2021-11-01\n        outside_period: oui\n": "2021-11-01\n",
        }
    )
    load_edition(folder)
    warnings = [r.getMessage() for r in caplog.records]
    assert len(warnings) == 2
    assert any("2021-12-07" in w and "warning" in w for w in warnings)
    assert all("si elle est voulue, écrivez « outside_period: true »" in w for w in warnings)


def test_every_link_of_the_seed_is_in_the_data() -> None:
    seeds = sorted(SEEDS.glob("*.txt"))
    if not seeds:
        pytest.skip(f"the reference text is not beside the project ({SEEDS})")
    text = (EDITION_2021 / "edition.yaml").read_text(encoding="utf-8")
    urls = {
        url
        for file in seeds
        for url in re.findall(r"^(https?://\S+)$", file.read_text(encoding="utf-8"), re.M)
    }
    assert len(urls) == 83
    assert sorted(url for url in urls if url not in text) == []


def test_small_edition_is_another_shape() -> None:
    edition = load_edition(SMALL_EDITION)
    assert [s.kind for s in edition.sections] == [
        "contacts",
        "calendar",
        "interview",
        "edito",
        "missions",
    ]
    assert edition.style.time == "colon"


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "        start: 09:30\n        end: 12:30",
            "        start: 9:30\n        end: 12:30",
            dt.time(9, 30),
        ),
    ],
)
def test_unquoted_times_stay_times(edition_copy, old: str, new: str, expected: dt.time) -> None:
    folder = edition_copy(replace={old: new})
    calendar = next(s for s in load_edition(folder).sections if isinstance(s, Calendar))
    event = calendar.events[0]
    assert event.start == expected
    assert event.end == dt.time(12, 30)  # PyYAML's default would give the integer 750


def test_yaml_11_booleans_and_octals_stay_text(edition_copy) -> None:
    folder = edition_copy(
        replace={
            "subtitle: L'innovation ouverte": "subtitle: no",
            "edition_number: 8": "edition_number: 010",
            "      - name: Ti-Lab": "      - name: 01000",
        }
    )
    edition = load_edition(folder)
    assert edition.subtitle == "no"
    assert edition.edition_number == 10  # not 8, as YAML 1.1 octal would read it
    directory = next(s for s in edition.sections if s.kind == "directory")
    assert directory.entries[0].name == "01000"  # not 512


def test_all_problems_reported_at_once_with_locations(edition_copy) -> None:
    folder = edition_copy(replace=BROKEN_2021)
    found = problems(folder)
    file = str(folder / "edition.yaml")
    end_line = line_of(folder, "end: 12:30\n        description: >-\n          A la recherche")
    link_line = line_of(folder, "javascript:")
    assert any(
        p.startswith(f"{file}:") and ": title: champ obligatoire manquant" in p for p in found
    )
    assert any(
        "sections[0].paragrahs: clé inconnue « paragrahs » : vouliez-vous dire "
        "« paragraphs » ?" in p
        for p in found
    )
    assert any(
        f":{end_line}:14: sections[9].events[1].end: 12:30 est avant le début, 14:00" in p
        for p in found
    )
    assert any(
        f":{link_line}:15: sections[9].events[2].link: le lien « javascript:alert(1) »" in p
        for p in found
    )


def test_duplicate_key_is_an_error(edition_copy) -> None:
    folder = edition_copy(
        replace={
            "slug: mois-innovation-publique-2021\n": (
                "slug: mois-innovation-publique-2021\nslug: autre\n"
            )
        }
    )
    (found,) = problems(folder)
    assert ":19:1: slug: clé « slug » en double (déjà à la ligne 18)" in found


def test_impossible_date(edition_copy) -> None:
    folder = edition_copy(replace={"date: 2021-11-03": "date: 2021-02-30"})
    (found,) = problems(folder)
    assert "sections[9].events[0].date: « 2021-02-30 » n'est pas une date qui existe" in found


def test_unknown_section_kind(edition_copy) -> None:
    folder = edition_copy(replace={"  - kind: edito": "  - kind: editorial"})
    (found,) = problems(folder)
    assert "sections[0]: kind: « editorial » inconnu ; sortes possibles : edito, interview" in found


def test_yaml_syntax_error_is_located(edition_copy) -> None:
    folder = edition_copy(replace={"slug: mois": "slug: [mois"})
    (found,) = problems(folder)
    assert "edition.yaml:" in found
    assert "YAML invalide" in found


def test_tab_indentation_is_explained(edition_copy) -> None:
    folder = edition_copy(replace={"  start: 2021-11-02": "\tstart: 2021-11-02"})
    (found,) = problems(folder)
    assert ":11:1: tabulation interdite" in found


def test_a_tab_does_not_hide_the_files_other_problems(edition_copy) -> None:
    # an editor's tab in two indentations (a key, a line of a folded text) and a wrong date
    # further down: one run says all three, each at its line
    folder = edition_copy(
        replace={
            "  start: 2021-11-02": "\tstart: 2021-11-02",
            "        date: 2021-11-24": "        date: 2021-11-34",
            "          Le Lab @RCHIPEL accompagnera": "\t\tLe Lab @RCHIPEL accompagnera",
        }
    )
    text = (folder / "edition.yaml").read_text(encoding="utf-8").split("\n")
    lines = [n for n, line in enumerate(text, 1) if "\t" in line or "2021-11-34" in line]
    found = problems(folder)
    assert [f.split(": ", 1)[0].split(":")[-2] for f in found] == [str(n) for n in lines]
    assert "tabulation interdite en YAML" in found[0]
    assert "tabulation interdite en YAML" in found[2]
    assert "« 2021-11-34 » n'est pas une date qui existe" in found[1]


@pytest.mark.parametrize(
    ("src", "message"),
    [
        ("../../etc/passwd", "sort du dossier de l'édition"),
        ("/etc/passwd", "sort du dossier de l'édition"),
        ("file:///etc/passwd", "sort du dossier de l'édition"),
        ("images/absente.png", "image introuvable"),
        ("edition.yaml", "n'est pas une image lisible"),
    ],
)
def test_image_paths_stay_inside_the_edition(edition_copy, src: str, message: str) -> None:
    folder = edition_copy(
        replace={
            "    author:\n": f"    portrait:\n      src: {src}\n      alt: Portrait\n    author:\n"
        }
    )
    (found,) = problems(folder)
    assert "sections[0].portrait" in found
    assert message in found


def test_image_without_alt_text_is_an_error(edition_copy) -> None:
    folder = edition_copy(
        SMALL_EDITION, replace={"      alt: Portrait d'Alex Durand\n": "      alt:\n"}
    )
    (found,) = problems(folder)
    assert "sections[3].portrait.alt: la valeur est vide" in found


def test_windows_line_endings_and_bom_load(edition_copy) -> None:
    folder = edition_copy()
    file = folder / "edition.yaml"
    file.write_bytes(b"\xef\xbb\xbf" + file.read_bytes().replace(b"\n", b"\r\n"))
    assert load_edition(folder).title == "Mois de l'innovation publique"


def test_invalid_utf8_is_located(edition_copy) -> None:
    folder = edition_copy()
    file = folder / "edition.yaml"
    file.write_bytes(file.read_bytes().replace("Édito".encode(), "\xc9dito".encode("latin-1")))
    (found,) = problems(folder)
    assert "edition.yaml:32:14: octet 0xc9 invalide en UTF-8" in found


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"date": "2021-11-03", "dates": ["2021-11-04", "2021-11-05"]}, "d'une seule façon"),
        ({}, "aucune n'est donnée"),
        ({"from": "2021-11-05", "to": "2021-11-04"}, "n'est pas après le premier jour"),
        ({"dates": ["2021-11-05", "2021-11-04"]}, "dans l'ordre"),
        ({"date": "2021-11-05", "end": "12:00"}, "end: va avec start:"),
        ({"date": "2021-11-05", "start": "25:00"}, "n'est pas une heure qui existe"),
    ],
)
def test_event_date_rules(fields: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Event.model_validate({"title": "Atelier", **fields})


@pytest.mark.parametrize("locale", ["en_US", "de", "fr-FR", "FR_fr"])
def test_a_locale_other_than_french_is_a_located_error(edition_copy, locale: str) -> None:
    folder = edition_copy(replace={"locale: fr_FR": f"locale: {locale}"})
    with pytest.raises(DataError) as caught:
        load_edition(folder)
    (problem,) = caught.value.problems
    assert (problem.line, problem.field) == (19, "locale")
    assert "dossier compose en français" in problem.message


def test_a_regional_french_is_accepted(edition_copy) -> None:
    folder = edition_copy(replace={"locale: fr_FR": "locale: fr_BE"})
    assert load_edition(folder).locale == "fr_BE"


def test_the_loaded_edition_keeps_its_source() -> None:
    edition = load_edition(EDITION_2021)
    source = edition.source
    assert source is not None
    assert source.file == EDITION_2021 / "edition.yaml"
    assert len(source.digest) == 64
    origin = edition.origin(("sections", 9, "events", 4, "title"))
    assert (origin.field, origin.line) == ("sections[9].events[4].title", 326)


# --- libyaml reads, PyYAML speaks ---------------------------------------------------------


def _nodes(node, found: list) -> list:
    """Every node of a document in order: its kind, tag, value, plainness and place."""
    import yaml

    plain = not getattr(node, "style", None)
    found.append(
        (type(node).__name__, node.tag, plain, node.start_mark.line, node.start_mark.column)
    )
    if isinstance(node, yaml.ScalarNode):
        found.append(node.value)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            _nodes(item, found)
    else:
        for key, value in node.value:
            _nodes(key, found)
            _nodes(value, found)
    return found


@pytest.mark.parametrize(
    "folder",
    [EDITION_2021, *sorted(p.parent for p in (SMALL_EDITION.parent).glob("*/edition.yaml"))],
    ids=lambda p: p.name,
)
def test_libyaml_reads_every_edition_as_pyyaml_does(folder: Path) -> None:
    import yaml

    from dossier import load

    if load._FAST_LOADER is None:
        pytest.skip("PyYAML without libyaml here")
    text = (folder / "edition.yaml").read_text(encoding="utf-8")
    fast = load._fast_compose(text)
    assert fast is not None
    assert _nodes(fast, []) == _nodes(yaml.compose(text, Loader=yaml.BaseLoader), [])


@pytest.mark.parametrize("depth", [9_000, 50_000])
def test_brackets_too_deep_for_libyaml_never_reach_it(tmp_path: Path, depth: int) -> None:
    """libyaml recurses in C: 40 000 nested brackets end the process with a segfault."""
    import subprocess
    import sys

    from tests.conftest import ROOT

    folder = tmp_path / "deep"
    folder.mkdir()
    (folder / "edition.yaml").write_text("title: " + "[" * depth + "]" * depth + "\n")
    result = subprocess.run(
        [sys.executable, "-m", "dossier", "check", str(folder)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 1, result.stderr[-500:]
    assert "s'imbriquent à plus de 40 niveaux" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_quote_left_open_is_said_where_it_was_opened(edition_copy) -> None:
    """The parser notices lines below; the line to mend is the one that opened the quote."""
    closed = 'heading: "Le Mois de l’innovation publique : un temps fort piloté par la DITP"'
    folder = edition_copy(EDITION_2021, {closed: closed[:-1]})
    text = (folder / "edition.yaml").read_text(encoding="utf-8")
    opened = 1 + text[: text.index('heading: "Le Mois de l’innovation publique : un')].count("\n")
    with pytest.raises(DataError) as caught:
        load_edition(folder)
    (problem,) = caught.value.problems
    assert problem.line == opened
    assert "le guillemet \" ouvert ici n'est jamais fermé sur sa ligne" in problem.message
    assert "expected" not in problem.message  # the parser's English is not said
    assert "found" not in problem.message


def test_a_key_indented_one_space_too_far_is_said_so(edition_copy) -> None:
    folder = edition_copy(
        EDITION_2021, {"        organisers: DITP\n": "         organisers: DITP\n"}
    )
    with pytest.raises(DataError) as caught:
        load_edition(folder)
    (problem,) = caught.value.problems
    assert "cette ligne est indentée de 9 espace(s), la clé d'avant de 8" in problem.message
    assert "guillemets" not in problem.message
