"""Hostile input, round two: each class of weakness, through the real command.

Every refused case is refused by `dossier check` and by `dossier build` alike, located, with
no traceback and nothing written; every accepted one builds and keeps what the user wrote.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from collections.abc import Callable
from pathlib import Path

import docx
import pikepdf
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image, TiffImagePlugin

from dossier.cli import main
from tests.conftest import SMALL_EDITION, require_tool

YAML = "edition.yaml"
TITLE = "title: Semaine de la donnée ouverte"
LINK = "        link: https://example.org/ouverture"
PARAGRAPH = "Parce qu'un jour ne suffit pas."


def replace(old: str, new: str) -> Callable[[Path], None]:
    def edit(folder: Path) -> None:
        file = folder / YAML
        text = file.read_text(encoding="utf-8")
        assert old in text, f"the case does not apply: {old!r}"
        file.write_text(text.replace(old, new, 1), encoding="utf-8")

    return edit


def image(make: Callable[[Path], None]) -> Callable[[Path], None]:
    """Replace the portrait by another file, named as the edition names it."""

    def edit(folder: Path) -> None:
        make(folder / "images" / "portrait.png")

    return edit


def eps(target: Path) -> None:
    Image.new("RGB", (40, 40), "blue").save(target, format="EPS")


def truncated_jpeg(target: Path) -> None:
    Image.new("RGB", (400, 400), "blue").save(target.with_suffix(".jpg"), quality=95)
    data = target.with_suffix(".jpg").read_bytes()
    target.write_bytes(data[: len(data) // 2])


def zero_resolution(target: Path) -> None:
    exif = Image.Exif()
    exif[282] = TiffImagePlugin.IFDRational(0, 0)
    exif[283] = TiffImagePlugin.IFDRational(0, 0)
    Image.new("RGB", (40, 40), "blue").save(target, format="JPEG", exif=exif.tobytes())


def svg(target: Path) -> None:
    target.write_text('<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"/>')


def symlink_loop(target: Path) -> None:
    target.unlink()
    other = target.with_name("boucle.png")
    other.symlink_to(target)
    target.symlink_to(other)


REFUSED: list[tuple[str, Callable[[Path], None], str]] = [
    # characters XML cannot hold, written as YAML escapes (the reader lets them through)
    (
        "escaped-control",
        replace(TITLE, 'title: "Semaine\\x01"'),
        "title: un caractère de contrôle invisible U+0001",
    ),
    ("escaped-fffe", replace(TITLE, 'title: "Semaine \\uFFFE"'), "U+FFFE"),
    ("escaped-surrogate", replace(TITLE, 'title: "Semaine \\uD800"'), "U+D800"),
    ("escaped-nonchar-plane-2", replace(TITLE, 'title: "Semaine \\U0002FFFF"'), "U+2FFFF"),
    (
        "control-in-link",
        replace(LINK, '        link: "https://example.org/\\x7f"'),
        "link: un caractère de contrôle",
    ),
    (
        "control-in-email",
        replace("email: presse@example.org", 'email: "presse\\x0b@example.org"'),
        "email: un caractère de contrôle",
    ),
    # locations that drift
    ("line-separator", replace(PARAGRAPH, "Parce qu'un jour\u2028ne suffit pas."), ":77:33:"),
    ("paragraph-separator", replace(PARAGRAPH, "Parce qu'un jour\u2029ne suffit pas."), "U+2029"),
    ("next-line", replace(PARAGRAPH, "Parce qu'un jour\x85ne suffit pas."), "U+0085"),
    (
        "renvoi-to-nowhere",
        replace("(#missions)", "(#nulle-part)"),
        "edition.yaml:81:13: sections[2].questions[1].answer[1]: renvoi vers une section",
    ),
    (
        "nested-1000-flow",
        lambda f: (f / YAML).write_text(
            (f / YAML).read_text() + "x: " + "[" * 1000 + "]" * 1000 + "\n"
        ),
        "plus de 40 niveaux",
    ),
    (
        "nested-200-block",
        lambda f: (f / YAML).write_text(
            (f / YAML).read_text() + "".join("  " * i + "a:\n" for i in range(200))
        ),
        "plus de 40 niveaux",
    ),
    # values that are not text
    (
        "date-unix-time",
        replace("date: 2024-02-26", "date: 1636502400"),
        "« 1636502400 » n'est pas une date : écrivez-la AAAA-MM-JJ",
    ),
    (
        "date-compact",
        replace("date: 2024-02-26", "date: 20240226"),
        "« 20240226 » n'est pas une date",
    ),
    ("date-french", replace("date: 2024-02-26", "date: 26/02/2024"), "écrivez-la AAAA-MM-JJ"),
    (
        "number-decimal",
        replace("edition_number: 1", "edition_number: 1.0"),
        "n'est pas un nombre entier",
    ),
    # links
    (
        "link-with-a-space",
        replace(PARAGRAPH, "Voir [ici](https://example.org/a b)."),
        "un lien est mal écrit",
    ),
    (
        "link-apart",
        replace(PARAGRAPH, "Voir [ici] (https://example.org/a)."),
        "un lien est mal écrit",
    ),
    (
        "phone-words",
        replace("phone: +33 1 23 45 67 89", "phone: +33 1 23 45 67 89 poste 12"),
        "écrivez-le 01 23 45 67 89",
    ),
    (
        "phone-short",
        replace("phone: +33 1 23 45 67 89", "phone: 3615"),
        "n'est pas un numéro de téléphone",
    ),
    (
        "email-at",
        replace("email: presse@example.org", "email: presse(at)example.org"),
        "n'est pas une adresse électronique",
    ),
    # one namespace of anchors, page numbers that cannot print
    (
        "page-outside-a-renvoi",
        replace(PARAGRAPH, "Voir p. {page}."),
        "ne prend un numéro de page que dans un renvoi",
    ),
    (
        "page-in-a-heading",
        replace("    heading: Nos missions", "    heading: Nos missions [p. {page}](#missions)"),
        "ne peut pas figurer dans un titre",
    ),
    ("same-anchor", replace("    id: missions", "    id: le-programme"), "missions"),
    # images both outputs must take, opened whole
    ("image-eps", image(eps), "est au format EPS"),
    ("image-truncated", image(truncated_jpeg), "n'est pas une image lisible (elle est tronquée)"),
    ("image-zero-resolution", image(zero_resolution), "résolution nulle"),
    ("image-svg", image(svg), "n'est pas une image lisible"),
    ("image-symlink-loop", image(symlink_loop), "lien symbolique en boucle"),
    # a character the PDF's fonts cannot show, now named where it stands
    (
        "private-use-bullet",
        replace(PARAGRAPH, "\uf0b7 Parce qu'un jour ne suffit pas."),
        "answer: le PDF ne peut pas afficher",
    ),
]


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir()} if folder.exists() else {}


@pytest.mark.parametrize(("name", "edit", "expected"), REFUSED, ids=[c[0] for c in REFUSED])
def test_check_and_build_refuse_alike(
    name: str, edit, expected: str, edition_copy, tmp_path: Path, capsys
) -> None:
    folder = edition_copy(SMALL_EDITION)
    edit(folder)
    out = tmp_path / "build"
    for command in (["check", str(folder)], ["build", str(folder), "--output", str(out)]):
        code = main(command)
        captured = capsys.readouterr()
        assert code == 1, (command[0], captured.err)
        assert expected in captured.err, (command[0], captured.err)
        assert "Traceback" not in captured.err
        assert re.match(r"^\S*edition\.yaml:", captured.err), captured.err  # located
    assert snapshot(out) == {}


def test_the_line_after_a_hidden_separator_is_the_editors(edition_copy, capsys) -> None:
    folder = edition_copy(SMALL_EDITION)
    file = folder / YAML
    text = file.read_text(encoding="utf-8").replace(
        "Des données pour tous", "Des données\u2028pour tous"
    )
    file.write_text(text, encoding="utf-8")
    main(["check", str(folder)])
    err = capsys.readouterr().err
    line = text.split("\n").index("subtitle: Des données\u2028pour tous") + 1
    assert f"edition.yaml:{line}:22:" in err


def test_a_300_000_character_word_is_checked_at_once(edition_copy, capsys) -> None:
    folder = edition_copy(SMALL_EDITION, replace={PARAGRAPH: "a" * 300_000 + "@" + "b" * 10})
    assert main(["check", str(folder)]) == 0  # linear: a quadratic pattern took minutes
    assert capsys.readouterr().err == ""


ACCEPTED_LINK = "https://fr.wikipedia.org/wiki/Conseil_d%27%C3%89tat_(France)"


@pytest.fixture(scope="module")
def accepted(tmp_path_factory) -> dict[str, Path]:
    """One edition with what must go through: links, phones, symbolic links as they should."""
    import shutil

    root = tmp_path_factory.mktemp("accepted")
    folder = root / "petite"
    shutil.copytree(SMALL_EDITION, folder)
    file = folder / YAML
    text = file.read_text(encoding="utf-8")
    text = text.replace(PARAGRAPH, f"Voir [la fiche]({ACCEPTED_LINK}) ; ou https://x.fr/a?b=1.")
    text = text.replace("phone: +33 1 23 45 67 89", "phone: +33 (0)1 99 00 12 34")
    text = text.replace(
        "images/portrait.png\n      alt: Portrait d'Alex Durand\n",
        "images/lien.png\n      alt: Portrait d'Alex Durand\n",
    )
    file.write_text(text, encoding="utf-8")
    (folder / "images" / "lien.png").symlink_to("portrait.png")  # a link inside: fine
    # edition.yaml itself may be a link to anywhere
    elsewhere = root / "ailleurs"
    elsewhere.mkdir()
    (elsewhere / YAML).write_text(text, encoding="utf-8")
    file.unlink()
    file.symlink_to(elsewhere / YAML)
    out = root / "build"
    assert main(["build", str(folder), "--output", str(out)]) == 0
    return {p.suffix: p for p in out.iterdir() if p.is_file()}


def test_links_with_parentheses_and_phones_work_in_the_pdf(accepted) -> None:
    with pikepdf.open(accepted[".pdf"]) as pdf:
        uris = {
            str(annotation.A.URI)
            for page in pdf.pages
            for annotation in page.get("/Annots", [])
            if "/A" in annotation and "/URI" in annotation.A
        }
    assert ACCEPTED_LINK in uris
    assert "https://x.fr/a?b=1" in uris  # the full stop ends the sentence, not the address
    assert "tel:+33199001234" in uris


def test_links_with_parentheses_and_phones_work_in_the_docx(accepted) -> None:
    document = docx.Document(str(accepted[".docx"]))
    targets = {
        relation.target_ref
        for part in (document.part, *(s.footer.part for s in document.sections))
        for relation in part.rels.values()
        if relation.reltype.endswith("/hyperlink")
    }
    assert {ACCEPTED_LINK, "tel:+33199001234"} <= targets
    text = "\n".join(p.text for p in document.paragraphs)
    assert "](" not in text  # no markup printed as typed


def test_the_pdf_text_holds_the_link_text_not_its_markup(accepted) -> None:
    text = subprocess.run(
        [require_tool("pdftotext"), str(accepted[".pdf"]), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    assert "Voir la fiche" in text
    assert "Conseil_d" not in text
    assert json.dumps(os.fspath(accepted[".pdf"]))


@pytest.fixture(scope="module")
def small_copy(tmp_path_factory) -> Path:
    import shutil

    folder = tmp_path_factory.mktemp("hypothesis") / "petite"
    shutil.copytree(SMALL_EDITION, folder)
    return folder


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    st.text(
        alphabet=st.characters(blacklist_categories=()),  # every plane, surrogates included
        min_size=1,
        max_size=30,
    )
)
def test_any_unicode_text_is_refused_located_or_rendered(small_copy: Path, text: str) -> None:
    from dossier.errors import DossierError
    from dossier.load import load_edition
    from dossier.render.docx import render_docx
    from dossier.render.pdf import render_pdf
    from dossier.view import prepare

    file = small_copy / YAML
    original = (SMALL_EDITION / YAML).read_text(encoding="utf-8")
    # written as a YAML double-quoted escape: what the reader itself would refuse raw, too
    file.write_text(
        original.replace(f"{PARAGRAPH}", json.dumps(text)[1:-1]).replace(
            f"answer: {json.dumps(text)[1:-1]}", f"answer: {json.dumps(text)}"
        ),
        encoding="utf-8",
    )
    refusal = None
    try:
        view = prepare(load_edition(small_copy), small_copy)
        render_docx(view)
        render_pdf(view, small_copy)
    except DossierError as error:
        refusal = str(error)
    assert refusal is None or refusal.strip()  # refused with words, never an empty message
