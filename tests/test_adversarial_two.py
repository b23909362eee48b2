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
from tests.edits import children_of

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
    (
        "file-too-big",
        lambda f: (f / YAML).write_text(
            (f / YAML).read_text() + "# " + "x" * (17 * 1024 * 1024) + "\n"
        ),
        "edition.yaml: le fichier fait 17 Mo",
    ),
    (
        "hidden-separators-by-thousands",
        replace(PARAGRAPH, "\u2028" * 200_000),
        ":77:",
    ),
    (
        "lone-carriage-return",
        replace('intro: "Pour toute demande : écrivez-nous !"', 'intro: "Pour toute\r demande"'),
        "edition.yaml:26:23: retour chariot isolé",
    ),
    (
        "utf-16",
        lambda f: (f / YAML).write_bytes((f / YAML).read_text().encode("utf-16")),
        "edition.yaml:1:1: le fichier est en UTF-16",
    ),
    (
        "utf-16-without-mark",
        lambda f: (f / YAML).write_bytes((f / YAML).read_text().encode("utf-16-le")),
        "le fichier est en UTF-16",
    ),
    (
        "edition-is-a-tube",
        lambda f: ((f / YAML).unlink(), os.mkfifo(f / YAML)),
        "edition.yaml: ce n'est pas un fichier ordinaire",
    ),
    ("yaml-extra-comma", replace(TITLE + "\n", TITLE + "\nx: [a, , b]\n"), "virgule de trop"),
    ("yaml-second-document", lambda f: _append(f, "---\nx: 1\n"), "second document"),
    ("yaml-document-end", lambda f: _append(f, "...\nx: 1\n"), "termine le document"),
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
        "date-to-be-confirmed",
        replace("date: 2024-02-26", "date: 9999-12-31"),
        "events[0].date: « 9999-12-31 » : une année entre 1900 et 2199",
    ),
    ("date-range-to-9998", replace("to: 2024-03-02", "to: 9998-03-02"), "une année entre"),
    ("period-year-zero", replace("start: 2024-02-26\n", "start: 0001-02-26\n"), "une année"),
    (
        "dates-one-day",
        replace("        date: 2024-02-26\n", "        dates: [2024-02-27]\n"),
        "au moins 2 éléments sont attendus (un seul jour : écrivez date:",
    ),
    (
        "end-at-the-start",
        replace("        end: 12:00", "        end: 9:30"),
        "09:30 est aussi l'heure du début",
    ),
    (
        "flag-in-english-words",
        replace("  - kind: calendar\n", "  - kind: calendar\n    new_page: peut-être\n"),
        "oui ou non attendu, pas « peut-être »",
    ),
    (
        "heading-of-invisible-characters",
        replace("    heading: Le programme", '    heading: "\\u200b\\ufeff"'),
        "sections[1].heading: le texte est vide (ou ne contient que des caractères invisibles)",
    ),
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
        "email-with-a-query",
        replace("email: presse@example.org", "email: presse?cc=x@example.org"),
        "sections[0].contacts[0].email: « presse?cc=x@example.org » n'est pas une adresse",
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


def _append(folder: Path, text: str) -> None:
    file = folder / YAML
    file.write_text(file.read_text(encoding="utf-8") + text, encoding="utf-8")


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


def test_thousands_of_hidden_separators_give_twenty_messages(edition_copy, capsys) -> None:
    folder = edition_copy(SMALL_EDITION, replace={PARAGRAPH: "a\u2028" * 200_000})
    assert main(["check", str(folder)]) == 1  # counted once, forward: it took minutes
    err = capsys.readouterr().err
    assert err.count("séparateur de ligne invisible") == 20
    assert ":77:34:" in err  # the second one, two characters after the first


def test_hostile_neighbours_do_not_stop_the_check(edition_copy, capsys) -> None:
    """The check compares with the edition beside it: whatever lies there is only skipped."""
    folder = edition_copy(SMALL_EDITION)
    beside = folder.parent
    hostile = {
        "profonde": "x: " + "[" * 5000 + "]" * 5000 + "\n",
        "alias": "a: &a [x, x, x, x, x, x, x, x, x]\n"
        + "".join(
            f"{c}: &{c} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n"
            for p, c in zip("abcdefgh", "bcdefghi", strict=True)
        ),
        "binaire": "\x00\x01\x02",
        "latin1": None,
        "liste": "- 1\n- 2\n",
        "etiquette": "period: !!python/object:os.system {start: 2000-01-01}\n",
    }
    for name, text in hostile.items():
        (beside / name).mkdir()
        if text is None:
            (beside / name / YAML).write_bytes("période: é".encode("latin-1"))
        else:
            (beside / name / YAML).write_text(text, encoding="utf-8")
    (beside / "lien").mkdir()
    (beside / "lien" / YAML).symlink_to(beside / "lien" / YAML)
    (beside / "tube").mkdir()
    os.mkfifo(beside / "tube" / YAML)  # read, it would wait for a writer forever
    (beside / "zero").mkdir()
    (beside / "zero" / YAML).symlink_to("/dev/zero")  # read, it would never end
    assert main(["check", str(folder)]) == 0
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    assert captured.err == ""


def test_last_years_foreword_word_for_word_is_named(edition_copy, capsys) -> None:
    folder = edition_copy(SMALL_EDITION)
    long = "La donnée est un bien commun, et elle le reste tant que chacun la partage."
    file = folder / YAML
    file.write_text(file.read_text().replace("La donnée est un bien commun.", long, 1))
    last_year = folder.parent / "2023"
    last_year.mkdir()
    text = file.read_text()
    (last_year / YAML).write_text(text.replace("start: 2024-02-26", "start: 2023-02-27"))
    assert "start: 2024-02-26" in text
    assert main(["check", str(folder)]) == 0
    err = capsys.readouterr().err
    assert re.search(
        r"edition\.yaml:83:5: warning: sections\[3\]: ce texte \(edito\) .*mot pour mot.*\(2023\)",
        err,
    ), err
    file.write_text(text.replace(long, "Une nouvelle année, un nouveau mot."))
    assert main(["check", str(folder)]) == 0
    assert "(edito)" not in capsys.readouterr().err  # the interview's is still last year's


def test_what_a_press_officer_writes_is_read_as_meant(edition_copy, tmp_path, capsys) -> None:
    """oui and non, ~ for nothing, brackets that are not a link, an emoji among the keywords."""
    folder = edition_copy(
        SMALL_EDITION,
        replace={
            "  - kind: calendar\n": "  - kind: calendar\n    new_page: non\n",
            "subtitle: Des données pour tous": "subtitle: ~",
            PARAGRAPH: "Les labs [liste complète] (voir l'annexe) suivent.",
            "keywords: [données ouvertes, open data]": "keywords: [données ouvertes, 🚀]",
        },
    )
    assert main(["check", str(folder)]) == 0, capsys.readouterr().err
    out = tmp_path / "out"
    assert main(["build", str(folder), "--output", str(out), "--format", "pdf"]) == 0
    (pdf,) = out.glob("*.pdf")
    text = subprocess.run(
        [require_tool("pdftotext"), "-layout", str(pdf), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    cover = text.split("\f")[0]
    assert "~" not in cover
    assert "[liste complète] (voir l’annexe)" in text
    pages = text.split("\f")
    programme = next(
        n for n, page in enumerate(pages) if "Le programme" in page and "Ouverture" in page
    )
    assert "Contacts presse" in pages[programme]  # new_page: non, under the contacts
    with pikepdf.open(pdf) as document:
        assert "🚀" in str(document.docinfo["/Keywords"])


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
    # sections named as the program's own anchors were: the contents and the skip link
    text = text.replace("id: missions", "id: sommaire").replace("(#missions)", "(#sommaire)")
    text = text.replace("  - kind: calendar\n", "  - kind: calendar\n    id: contenu\n")
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
    outputs = {p.suffix: p for p in out.iterdir() if p.is_file()}
    outputs[".html"] = next(out.glob("*/index.html"))
    return outputs


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


def test_chosen_ids_never_take_the_programs_anchors_in_the_web_page(accepted) -> None:
    import lxml.html

    html = lxml.html.parse(str(accepted[".html"])).getroot()
    ids = [element.get("id") for element in html.iter() if element.get("id")]
    assert len(ids) == len(set(ids))
    for chosen, heading in (("sommaire", "Nos missions"), ("contenu", "Le programme")):
        section = html.get_element_by_id(chosen)
        assert section.tag == "section"
        assert heading in section.text_content()
        assert html.xpath(f'//nav//a[@href="#{chosen}"]')  # the contents go there
    skip = html.body.find("a")
    assert html.get_element_by_id(skip.get("href")[1:]).tag == "main"


def test_chosen_ids_never_take_the_programs_anchors_in_the_pdf(accepted) -> None:
    text = subprocess.run(
        [require_tool("pdftotext"), str(accepted[".pdf"]), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    pages = text.split("\f")
    with pikepdf.open(accepted[".pdf"]) as pdf:
        numbers = {page.objgen: n for n, page in enumerate(pdf.pages)}
        destinations = pikepdf.NameTree(pdf.Root.Names.Dests)
        for chosen, heading in (("sommaire", "Nos missions"), ("contenu", "Le programme")):
            page = pages[numbers[destinations[chosen][0].objgen]]
            assert heading in page, chosen
        # the interview's « p. {page} » prints the number of the page the section is on
        where = numbers[destinations["sommaire"][0].objgen] + 1
        assert re.search(rf"nos missions, p\.\s{where}\b", text.replace("\n", " "))


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


# --- Only the program's own errors are caught: the environment gets a message ---------------


def run_command(*args: str, cwd: Path | None = None, env: dict | None = None):
    import sys

    from tests.conftest import ROOT

    return subprocess.run(
        [sys.executable, "-m", "dossier", *args],
        cwd=cwd or ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )


def test_an_output_folder_that_is_a_file(tmp_path: Path, capsys) -> None:
    output = tmp_path / "sortie"
    output.write_text("un fichier", encoding="utf-8")
    assert main(["build", str(SMALL_EDITION), "--output", str(output)]) == 1
    err = capsys.readouterr().err
    assert f"{output} : le dossier de sortie ne peut pas être créé" in err
    assert "Traceback" not in err


def test_an_output_path_in_a_loop_of_links(tmp_path: Path, capsys) -> None:
    (tmp_path / "a").symlink_to(tmp_path / "b")
    (tmp_path / "b").symlink_to(tmp_path / "a")
    assert main(["build", str(SMALL_EDITION), "--output", str(tmp_path / "a" / "x")]) == 1
    err = capsys.readouterr().err
    assert "ne peut pas être créé (des liens symboliques y tournent en boucle)" in err


def test_a_target_that_is_a_folder(tmp_path: Path, capsys) -> None:
    (tmp_path / "semaine-donnee-2024.pdf").mkdir()
    assert main(["build", str(SMALL_EDITION), "--output", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "semaine-donnee-2024.pdf est un dossier" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["semaine-donnee-2024.pdf"]


def test_an_output_folder_that_refuses_writing(tmp_path: Path, capsys, monkeypatch) -> None:
    import tempfile

    def refused(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", refused)  # root ignores chmod: the system refuses
    assert main(["build", str(SMALL_EDITION), "--output", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert f"{tmp_path} : rien ne peut y être écrit (permission refusée)" in err


def test_a_full_disk_while_writing_an_output(tmp_path: Path, capsys, monkeypatch) -> None:
    import errno as errnos
    from pathlib import Path as P

    real = P.write_bytes

    def full(self, data):  # the DOCX's write, in its own process (fork keeps the patch)
        if self.name.endswith(".tmp"):
            raise OSError(errnos.ENOSPC, "No space left on device")
        return real(self, data)

    monkeypatch.setattr(P, "write_bytes", full)
    previous = tmp_path / "semaine-donnee-2024.docx"
    previous.write_bytes(b"l'ancien")
    code = main(["build", str(SMALL_EDITION), "--format", "docx", "--output", str(tmp_path)])
    err = capsys.readouterr().err
    assert code == 1
    assert "DOCX : écriture impossible dans" in err
    assert "(le disque est plein)" in err
    assert [p.name for p in tmp_path.iterdir()] == ["semaine-donnee-2024.docx"]
    assert previous.read_bytes() == b"l'ancien"


def test_one_output_that_cannot_go_in_leaves_both_old_ones(
    tmp_path: Path, capsys, monkeypatch
) -> None:
    import os as system

    for suffix in ("pdf", "docx"):
        (tmp_path / f"semaine-donnee-2024.{suffix}").write_text(f"ancien {suffix}")
    replace = system.replace

    def second_fails(source, destination):
        if str(destination).endswith(".docx"):
            raise OSError(28, "No space left on device")
        return replace(source, destination)

    monkeypatch.setattr(system, "replace", second_fails)
    code = main(["build", str(SMALL_EDITION), "--format", "pdf,docx", "--output", str(tmp_path)])
    err = capsys.readouterr().err
    assert code == 1
    assert "les anciennes restent (le disque est plein)" in err
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["semaine-donnee-2024.docx", "semaine-donnee-2024.pdf"]
    assert (tmp_path / "semaine-donnee-2024.pdf").read_text() == "ancien pdf"  # put back
    assert (tmp_path / "semaine-donnee-2024.docx").read_text() == "ancien docx"


def test_a_deleted_working_directory(tmp_path: Path) -> None:
    import sys

    gone = tmp_path / "parti"
    gone.mkdir()
    script = (
        "import os, sys; os.chdir(sys.argv[1]); os.rmdir(sys.argv[1]); "
        "sys.argv = ['dossier', 'build']; from dossier.cli import main; sys.exit(main())"
    )
    from tests.conftest import ROOT

    result = subprocess.run(
        [sys.executable, "-c", script, str(gone)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert result.returncode == 1
    assert "le dossier courant n'existe plus" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("value", ["nan", "inf", "-1", "0"])
def test_a_timeout_that_never_fires_is_refused(value: str, capsys) -> None:
    with pytest.raises(SystemExit) as stop:
        main(["build", "--timeout", value])
    assert stop.value.code == 2
    assert "doit être un nombre positif" in capsys.readouterr().err


# --- Process life: interrupted, the command cleans up and says so --------------------------


@pytest.mark.parametrize(
    ("signal_name", "moment", "code"),
    [
        ("SIGINT", 2.0, 130),  # Ctrl-C while WeasyPrint lays out
        ("SIGTERM", 2.0, 143),
        ("SIGHUP", 2.0, 129),  # the terminal closed
        ("SIGTERM", 0.4, 143),  # while the data load: the renderers wait on their pipes
        ("SIGQUIT", 2.0, 131),  # Ctrl-\\
        ("SIGUSR1", 2.0, 138),
        ("SIGXCPU", 2.0, 152),  # the CPU time limit (ulimit -t)
    ],
)
def test_an_interrupted_build_stops_cleanly(
    signal_name: str, moment: float, code: int, tmp_path: Path
) -> None:
    import signal as signals
    import sys
    import time

    from tests.conftest import EDITION_2021, ROOT

    out = tmp_path / "build"
    out.mkdir()
    (out / "mois-innovation-publique-2021.pdf").write_bytes(b"ancien")
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    process = subprocess.Popen(
        [sys.executable, "-m", "dossier", "build", str(EDITION_2021), "--output", str(out)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        env={**os.environ, "TMPDIR": str(scratch)},
    )
    time.sleep(moment)
    children = children_of(process.pid)
    number = getattr(signals, signal_name)
    if signal_name == "SIGINT":
        os.killpg(process.pid, number)  # a terminal sends Ctrl-C to the whole group
    else:
        os.kill(process.pid, number)
    _, err = process.communicate(timeout=60)
    assert process.returncode == code, err
    assert "interrompu" in err
    assert "Traceback" not in err
    time.sleep(0.5)
    assert [pid for pid in children if Path(f"/proc/{pid}").exists()] == []  # none left alive
    assert sorted(p.name for p in out.iterdir()) == ["mois-innovation-publique-2021.pdf"]
    assert (out / "mois-innovation-publique-2021.pdf").read_bytes() == b"ancien"
    assert list(scratch.iterdir()) == []  # no weasyprint-*, no dossier-* folder left


def test_a_build_leaves_nothing_in_the_temporary_folder(tmp_path: Path) -> None:
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    result = run_command(
        "build",
        str(SMALL_EDITION),
        "--output",
        str(tmp_path / "out"),
        env={**os.environ, "TMPDIR": str(scratch)},
    )
    assert result.returncode == 0, result.stderr
    assert list(scratch.iterdir()) == []  # WeasyPrint left a weasyprint-* folder of 1.6 MB


def test_the_time_limit_covers_the_loading_too(tmp_path: Path) -> None:
    import sys

    from tests.conftest import ROOT

    big = tmp_path / "grande"
    subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "synthetic.py"), "2000", str(big)],
        check=True,
        capture_output=True,
    )
    result = run_command("build", str(big), "--output", str(tmp_path / "out"), "--timeout", "0.5")
    assert result.returncode == 1
    assert "dépasse 0.5 s" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists() or list((tmp_path / "out").iterdir()) == []


def test_the_clock_is_never_taken_for_a_damaged_image(tmp_path: Path, monkeypatch) -> None:
    """The deadline falls while Pillow reads an image: said as the time, not as the file."""
    import shutil
    import time

    from dossier.build import Options, build
    from dossier.errors import RenderError

    folder = tmp_path / "petite"
    shutil.copytree(SMALL_EDITION, folder)
    real_open = Image.open

    def slow_open(*arguments, **keywords):
        time.sleep(5)  # the build's own clock (0.5 s + 1 s) rings in here
        return real_open(*arguments, **keywords)

    monkeypatch.setattr(Image, "open", slow_open)
    with pytest.raises(RenderError, match=r"dépasse 0\.5 s") as caught:
        build(folder, ("pdf",), tmp_path / "out", Options(timeout=0.5))
    assert "image" not in str(caught.value)
    assert not (tmp_path / "out").exists() or list((tmp_path / "out").iterdir()) == []


def test_a_timeout_past_the_clock_is_refused(capsys) -> None:
    with pytest.raises(SystemExit) as stop:
        main(["build", "--timeout", "1e10"])
    assert stop.value.code == 2
    assert "au plus 86400 secondes" in capsys.readouterr().err


def test_too_few_open_files_allowed(tmp_path: Path) -> None:
    import resource
    import sys

    from tests.conftest import ROOT

    scratch = tmp_path / "tmp"
    scratch.mkdir()

    def few_files() -> None:
        resource.setrlimit(resource.RLIMIT_NOFILE, (13, 13))

    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "dossier",
            "build",
            str(SMALL_EDITION),
            "--output",
            str(tmp_path / "o"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "TMPDIR": str(scratch)},
        preexec_fn=few_files,
    )
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert "trop de fichiers ouverts" in result.stderr
    assert list(scratch.iterdir()) == []


def test_a_standard_output_that_refuses_writing(tmp_path: Path) -> None:
    with open("/dev/full", "w") as full:
        result = subprocess.run(
            [
                __import__("sys").executable,
                "-m",
                "dossier",
                "check",
                str(SMALL_EDITION),
            ],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            timeout=60,
        )
    assert result.returncode == 1
    assert "la sortie standard refuse l'écriture (le disque est plein)" in result.stderr
    assert "Traceback" not in result.stderr


def test_argparse_speaks_french(capsys) -> None:
    for argv, expected in (
        (["bild"], "« bild » inconnu ; possibles : check, build"),
        (["build", "--timeout"], "--timeout attend une valeur"),
        (["build", "--nope"], "arguments inconnus : --nope"),
        (["review"], "arguments obligatoires manquants"),
    ):
        with pytest.raises(SystemExit):
            main(argv)
        err = capsys.readouterr().err
        assert expected in err, err


def test_new_names_the_source_of_what_the_next_edition_cannot_take(tmp_path, capsys) -> None:
    import shutil

    source = tmp_path / "2024"
    shutil.copytree(SMALL_EDITION, source)
    file = source / YAML
    file.write_text(file.read_text().replace("edition_number: 1", "edition_number: 999"))
    assert main(["new", str(tmp_path / "2025"), "--from", str(source)]) == 1
    err = capsys.readouterr().err
    assert re.match(r"^\S*2024/edition\.yaml:\d+:\d+: edition_number: la nouvelle édition", err), (
        err
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["2024"]  # nothing half-made
