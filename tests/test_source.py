"""Writing values back into edition.yaml: only what changes, in its style, all else as written."""

from __future__ import annotations

import difflib
import os
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from dossier.errors import DataError
from dossier.load import load_edition
from dossier.source import (
    AddKey,
    DeleteItem,
    InsertItem,
    RemoveKey,
    RenameKey,
    SetValue,
    SourceError,
    Transaction,
    edit_text,
    write_edits,
)
from tests.conftest import EDITION_2021

SAMPLE = """\
# Un commentaire en tête.
title: Mois de l'innovation
subtitle: 'L''innovation ouverte'
sections:
  - kind: edito   # le mot de la ministre
    paragraphs:
      - >-
        Le 2 novembre s’ouvre la 8e édition du Mois de l’innovation publique : c’est
        l’occasion de mettre en lumière les acteurs publics de tous horizons.
      # Ce paragraphe-là reste tel quel.
      - Un paragraphe court.
  - kind: calendar
    events:
      - title: Journée des labs
        organisers: [DINUM, DITP]
        date: 2021-11-04
        start: 09:00
        end: 17:00
        description: Une description seule.
      - description: >-
          Sans titre.
        from: 2021-11-08
"""


def changed_lines(before: str, after: str) -> list[str]:
    return [
        line
        for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]


def data(text: str):
    return yaml.load(text, Loader=yaml.BaseLoader)


def test_a_folded_paragraph_changes_in_its_own_style_and_place() -> None:
    path = ("sections", 0, "paragraphs", 0)
    new = data(SAMPLE)["sections"][0]["paragraphs"][0].replace("8e édition", "huitième édition")
    result = edit_text(SAMPLE, [SetValue(path, new)])
    assert data(result)["sections"][0]["paragraphs"][0] == new
    lines = changed_lines(SAMPLE, result)
    assert all(line[1:].startswith("        ") for line in lines)  # the paragraph's lines only
    assert "      - >-" in result
    assert "# Ce paragraphe-là reste tel quel." in result


def test_plain_quoted_and_single_quoted_values_keep_their_style() -> None:
    result = edit_text(
        SAMPLE,
        [
            SetValue(("title",), "Mois de l'innovation publique"),
            SetValue(("subtitle",), "L'innovation, ouverte"),
            SetValue(("sections", 1, "events", 0, "title"), "Journée : les labs"),
        ],
    )
    assert "title: Mois de l'innovation publique\n" in result
    assert "subtitle: 'L''innovation, ouverte'\n" in result
    assert '- title: "Journée : les labs"\n' in result  # ": " would break a plain value
    assert len(changed_lines(SAMPLE, result)) == 6


def test_an_event_changes_shape_and_hours() -> None:
    event = ("sections", 1, "events", 0)
    result = edit_text(
        SAMPLE,
        [
            RenameKey((*event, "date"), "dates", ["2021-11-04", "2021-11-05"]),
            SetValue((*event, "start"), "10:00"),
            RemoveKey((*event, "end")),
        ],
    )
    assert (
        "        dates: [2021-11-04, 2021-11-05]\n        start: 10:00\n        description:"
        in (result)
    )
    assert data(result)["sections"][1]["events"][0]["organisers"] == ["DINUM", "DITP"]


def test_hours_added_after_the_date() -> None:
    event = ("sections", 1, "events", 1)
    result = edit_text(SAMPLE, [AddKey(event, "start", "14:00", after="from")])
    assert result.endswith("        from: 2021-11-08\n        start: 14:00\n")


def test_the_first_key_of_an_item_can_go_and_the_dash_stays() -> None:
    result = edit_text(SAMPLE, [RemoveKey(("sections", 1, "events", 0, "title"))])
    assert "      - organisers: [DINUM, DITP]\n        date:" in result


def test_paragraphs_are_inserted_and_deleted_as_items() -> None:
    path = ("sections", 0, "paragraphs")
    result = edit_text(
        SAMPLE,
        [
            InsertItem(path, 1, "Un nouveau paragraphe, inséré par le cabinet."),
            DeleteItem((*path, 1)),
        ],
    )
    assert data(result)["sections"][0]["paragraphs"][1:] == [
        "Un nouveau paragraphe, inséré par le cabinet."
    ]
    assert "# Ce paragraphe-là reste tel quel." in result  # a comment is never lost


def test_a_text_standing_for_a_list_becomes_one() -> None:
    path = ("sections", 1, "events", 0, "description")
    result = edit_text(SAMPLE, [InsertItem(path, 1, "Un second paragraphe.")])
    assert "        description:\n          - Une description seule.\n" in result
    assert data(result)["sections"][1]["events"][0]["description"] == [
        "Une description seule.",
        "Un second paragraphe.",
    ]


def test_flow_lists_are_written_again_whole() -> None:
    path = ("sections", 1, "events", 0, "organisers")
    result = edit_text(SAMPLE, [SetValue(path, ["DINUM", "DITP", "Préfecture, Bretagne"])])
    assert 'organisers: [DINUM, DITP, "Préfecture, Bretagne"]' in result


def test_two_edits_of_one_place_are_refused() -> None:
    path = ("title",)
    with pytest.raises(SourceError, match="même passage"):
        edit_text(SAMPLE, [SetValue(path, "A"), SetValue(path, "B")])


def test_a_missing_field_is_refused() -> None:
    with pytest.raises(SourceError, match=r"sections\[7\]"):
        edit_text(SAMPLE, [SetValue(("sections", 7, "heading"), "x")])


@settings(max_examples=200, deadline=None)
@given(
    st.text(
        alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\ufeff"),
        min_size=1,
        max_size=120,
    )
)
def test_any_text_reads_back_exactly(value: str) -> None:
    for path in (("title",), ("sections", 0, "paragraphs", 0), ("subtitle",)):
        result = edit_text(SAMPLE, [SetValue(path, value)])
        target = data(result)
        for part in path:
            target = target[part]
        assert target == value


def test_2021_edits_touch_only_their_lines(edition_copy) -> None:
    folder = edition_copy()
    file = folder / "edition.yaml"
    before = file.read_text(encoding="utf-8")
    path = ("sections", 0, "paragraphs", 1)
    old = load_edition(folder).sections[0].paragraphs[1].paragraph
    value = old.replace("fil conducteur", "fil rouge")
    write_edits(file, [SetValue(path, value)], load_edition)
    after = file.read_text(encoding="utf-8")
    assert len(changed_lines(before, after)) <= 6
    assert load_edition(folder).sections[0].paragraphs[1].paragraph == value


def test_a_result_that_does_not_load_is_not_written(edition_copy) -> None:
    folder = edition_copy()
    file = folder / "edition.yaml"
    before = file.read_bytes()
    with pytest.raises(DataError):
        write_edits(file, [SetValue(("period", "end"), "2021-02-30")], load_edition)
    assert file.read_bytes() == before
    assert [p.name for p in folder.iterdir() if p.name.endswith(".tmp")] == []


def test_line_endings_and_bom_are_kept(tmp_path: Path) -> None:
    file = tmp_path / "edition.yaml"
    file.write_bytes(b"\xef\xbb\xbf" + SAMPLE.replace("\n", "\r\n").encode())
    write_edits(file, [SetValue(("title",), "Autre titre")], lambda path: None)
    raw = file.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert b"title: Autre titre\r\n" in raw
    assert b"\n" not in raw.replace(b"\r\n", b"")


def test_the_2021_file_is_unchanged_by_an_empty_edit() -> None:
    text = (EDITION_2021 / "edition.yaml").read_text(encoding="utf-8")
    assert edit_text(text, []) == text


def test_a_symbolic_link_is_written_through(tmp_path: Path) -> None:
    """An edition.yaml linked to a shared folder: the shared file gets the edit, the link stays."""
    shared = tmp_path / "partage" / "edition.yaml"
    shared.parent.mkdir()
    shared.write_text(SAMPLE, encoding="utf-8")
    folder = tmp_path / "edition"
    folder.mkdir()
    (folder / "edition.yaml").symlink_to(shared)
    write_edits(folder / "edition.yaml", [SetValue(("title",), "Autre titre")], lambda p: None)
    assert (folder / "edition.yaml").is_symlink()
    assert "title: Autre titre" in shared.read_text(encoding="utf-8")


def test_a_hard_link_and_the_mode_are_kept(tmp_path: Path) -> None:
    file = tmp_path / "edition.yaml"
    file.write_text(SAMPLE, encoding="utf-8")
    file.chmod(0o640)
    other = tmp_path / "copie.yaml"
    os.link(file, other)
    write_edits(file, [SetValue(("title",), "Autre titre")], lambda p: None)
    assert "title: Autre titre" in other.read_text(encoding="utf-8")  # one file, two names
    assert file.stat().st_nlink == 2
    assert file.stat().st_mode & 0o777 == 0o640


def test_a_read_only_file_is_not_rewritten(tmp_path: Path) -> None:
    file = tmp_path / "edition.yaml"
    file.write_text(SAMPLE, encoding="utf-8")
    file.chmod(0o444)
    with pytest.raises(SourceError, match="lecture seule"):
        write_edits(file, [SetValue(("title",), "Autre titre")], lambda p: None)
    assert file.read_text(encoding="utf-8") == SAMPLE


def test_a_file_changed_meanwhile_is_not_overwritten(tmp_path: Path) -> None:
    """Edited by hand while the command ran: the command's edit is refused, the hand edit kept."""
    file = tmp_path / "edition.yaml"
    file.write_text(SAMPLE, encoding="utf-8")
    transaction = Transaction(file, lambda p: None)
    file.write_text(SAMPLE.replace("title:", "# à la main\ntitle:"), encoding="utf-8")
    with pytest.raises(SourceError, match="modifié pendant"):
        transaction.commit([SetValue(("title",), "Autre titre")])
    assert "# à la main" in file.read_text(encoding="utf-8")


def test_a_transaction_checks_each_text_once(tmp_path: Path) -> None:
    file = tmp_path / "edition.yaml"
    file.write_text(SAMPLE, encoding="utf-8")
    checked = []
    transaction = Transaction(file, checked.append)
    edits = [SetValue(("title",), "Autre titre")]
    transaction.check(edits)
    transaction.commit(edits)
    assert len(checked) == 1
    assert [p.name for p in tmp_path.iterdir()] == ["edition.yaml"]
