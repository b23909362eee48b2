"""dossier review against hostile DOCX files, through the real command.

A markers part changed by hand is refused with its marker named; what the cabinet typed that
the edition cannot print is not written, and the report says why; what Word holds that the
edition has no field for (a symbol, a link's address) is reported, never silently dropped.
"""

from __future__ import annotations

import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path

import docx
import pytest
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from dossier.build import build
from dossier.cli import main
from dossier.load import load_edition
from tests.conftest import SMALL_EDITION
from tests.edits import revise
from tests.review.test_word_markup import mark, paragraph, run

ANSWER = "Parce qu’un jour ne suffit pas."  # sections[2].questions[0].answer, line 77
MARKERS = "urn:dossier:docx-markers:1"


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("hostile-review")
    (output,) = build(SMALL_EDITION, ("docx",), folder)
    return output.path


@pytest.fixture
def edition(tmp_path: Path) -> Path:
    folder = tmp_path / "petite"
    shutil.copytree(SMALL_EDITION, folder)
    return folder


def insert_after_answer(*children: Callable[[docx.document.Document], OxmlElement]):
    """Return a change that inserts, tracked, after the answer's text, the elements made."""

    def change(document: docx.document.Document) -> None:
        inserted = mark("ins", "Cabinet", 901)
        for make in children:
            inserted.append(make(document))
        paragraph(document, ANSWER).append(inserted)

    return change


def text(value: str) -> Callable[[docx.document.Document], OxmlElement]:
    return lambda document: run(value)


def with_markers(source: Path, target: Path, old: str, new: str) -> Path:
    """Copy a DOCX with its markers part edited: old replaced by new, once."""
    with zipfile.ZipFile(source) as inside, zipfile.ZipFile(target, "w") as outside:
        for item in inside.infolist():
            data = inside.read(item.filename)
            if item.filename.startswith("customXml/item") and MARKERS.encode() in data:
                content = data.decode("utf-8")
                assert old in content, f"the case does not apply: {old!r}"
                data = content.replace(old, new, 1).encode("utf-8")
            outside.writestr(item, data)
    return target


# --- F8: markers changed by hand ----------------------------------------------------------

FIRST = '<f path="publisher.ministry" line="13" kind="line">'
TAMPERED = [
    ("line-in-words", 'line="77"', 'line="soixante-dix-sept"', "ligne « soixante-dix-sept »"),
    ("line-negative", 'line="77"', 'line="-77"', "ligne « -77 »"),
    ("line-empty", 'line="77"', 'line=""', "ligne vide"),
    ("line-arabic-digits", 'line="77"', 'line="\u0667\u0667"', "ligne « \u0667\u0667 »"),
    ("path-garbage", FIRST, '<f path="]]][[[...." line="13">', "champ « ]]][[[.... » illisible"),
    ("path-empty", FIRST, '<f path="" line="13">', "champ vide"),
    ("path-index-first", FIRST, '<f path="[0].title" line="13">', "champ « [0].title »"),
    ("path-double-dot", FIRST, '<f path="publisher..ministry" line="13">', "illisible"),
    ("path-missing", FIRST, '<f line="13">', "champ vide"),
    ("name-twice", 'name="_d2"', 'name="_d1"', "_d1 : repère en double"),
    ("name-not-a-marker", 'name="_d2"', 'name="d2"', "élément inattendu « p » d2"),
    ("unknown-piece", FIRST, f"<x/>{FIRST}", "_d1 : élément inattendu « x »"),
    ("unknown-inside", FIRST, f"{FIRST}<b>gras</b>", "élément inattendu dans « f »"),
    ("version", 'version="2"', 'version="7"', "version « 7 »"),
    ("slug-missing", 'slug="semaine-donnee-2024" ', "", "le slug de l'édition manque"),
    ("xml-broken", FIRST, FIRST.replace(">", ""), "XML illisible"),
]


@pytest.mark.parametrize(("name", "old", "new", "expected"), TAMPERED, ids=[c[0] for c in TAMPERED])
def test_a_tampered_marker_is_refused_in_french(
    name: str, old: str, new: str, expected: str, built, edition, tmp_path, capsys
) -> None:
    reviewed = revise(built, tmp_path / "revu.docx", insert_after_answer(text(" Et deux.")))
    tampered = with_markers(reviewed, tmp_path / "abime.docx", old, new)
    before = (edition / "edition.yaml").read_bytes()
    assert main(["review", str(tampered), str(edition), "--apply"]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert err.startswith(f"{tampered}") or err.startswith("abime.docx"), err
    assert "repères du DOCX endommagés" in err, err
    assert expected in err, err
    assert (edition / "edition.yaml").read_bytes() == before


def test_an_untouched_review_still_reads(built, edition, tmp_path, capsys) -> None:
    reviewed = revise(built, tmp_path / "revu.docx", insert_after_answer(text(" Et deux.")))
    assert main(["review", str(reviewed), str(edition), "--apply"]) == 0
    assert "Parce qu'un jour ne suffit pas. Et deux." in (edition / "edition.yaml").read_text()


# --- F9: what the cabinet typed that dossier check would refuse is not written -------------

REFUSED_TEXT = [
    ("emoji", " Décollage 🚀 immédiat.", "« 🚀 » (U+1F680)"),
    ("line-separator", " Une\u2028ligne.", "U+2028"),
    ("chinese", " 数据开放。", "U+6570"),
    ("private-use", " Puce \uf0b7 ici.", "U+F0B7"),
    ("variation-selector", " Cœur ❤\ufe0f.", "U+"),
]


@pytest.mark.parametrize(
    ("name", "typed", "expected"), REFUSED_TEXT, ids=[c[0] for c in REFUSED_TEXT]
)
def test_text_the_pdf_cannot_show_is_not_written(
    name: str, typed: str, expected: str, built, edition, tmp_path, capsys
) -> None:
    def change(document) -> None:
        insert_after_answer(text(typed))(document)
        # and a good change elsewhere, which still goes in
        inserted = mark("ins", "Cabinet", 902)
        inserted.append(run(" Bienvenue."))
        paragraph(document, "Cinq rendez-vous, du lundi au dimanche.").append(inserted)

    reviewed = revise(built, tmp_path / "revu.docx", change)
    assert main(["review", str(reviewed), str(edition), "--apply"]) == 0
    out = capsys.readouterr().out
    assert "1 modification(s) écrite(s)" in out, out
    refused = out.split("sections[2].questions[0].answer", 1)[1]
    assert "laissé à une personne" in refused.split("\n", 1)[0], out
    assert "le PDF ne peut pas afficher" in refused, out
    assert expected in refused, out
    written = (edition / "edition.yaml").read_text(encoding="utf-8")
    assert "Cinq rendez-vous, du lundi au dimanche. Bienvenue." in written
    assert typed.strip()[:4] not in written
    assert main(["check", str(edition)]) == 0, capsys.readouterr().err


# --- F10: symbols and links a reviewer inserts ---------------------------------------------


def symbol(font: str, code: str) -> Callable[[docx.document.Document], OxmlElement]:
    def make(document) -> OxmlElement:
        element = OxmlElement("w:r")
        sym = OxmlElement("w:sym")
        sym.set(qn("w:font"), font)
        sym.set(qn("w:char"), code)
        element.append(sym)
        return element

    return make


def hyperlink(
    words: str, url: str | None = None, anchor: str | None = None, inside: bool = True
) -> Callable[[docx.document.Document], OxmlElement]:
    """A link as Word writes an inserted one: w:hyperlink around w:ins (inside), or the reverse."""

    def make(document) -> OxmlElement:
        link = OxmlElement("w:hyperlink")
        if url is not None:
            link.set(qn("r:id"), document.part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, True))
        elif anchor is not None:
            link.set(qn("w:anchor"), anchor)
        else:
            link.set(qn("r:id"), "rIdNulle")
        if inside:
            inserted = mark("ins", "Cabinet", 903)
            inserted.append(run(words))
            link.append(inserted)
        else:
            link.append(run(words))
        return link

    return make


def insert_link_after_answer(link, before: str = " Voir ") -> Callable:
    """Insert, tracked, a link after the answer's text: Word puts w:ins inside w:hyperlink."""

    def change(document) -> None:
        target = paragraph(document, ANSWER)
        inserted = mark("ins", "Cabinet", 901)
        inserted.append(run(before))
        target.append(inserted)
        target.append(link(document))

    return change


CARRIED = [
    # (case, the change, what edition.yaml then holds)
    (
        "symbol-font-alpha",
        insert_after_answer(text(" Voir "), symbol("Symbol", "F061"), text(" ici.")),
        "Voir \u03b1 ici.",  # alpha
    ),
    (
        "symbol-font-arrow",
        insert_after_answer(text(" Voir "), symbol("Symbol", "F0AE"), text(" ici.")),
        "Voir → ici.",
    ),
    (
        "unicode-font-symbol",
        insert_after_answer(text(" Voir "), symbol("Arial", "00E9"), text(" ici.")),
        "Voir é ici.",
    ),
    (
        "inserted-link",
        insert_link_after_answer(hyperlink("la fiche", "https://example.org/fiche")),
        "Parce qu'un jour ne suffit pas. Voir [la fiche](https://example.org/fiche)",
    ),
    (
        "inserted-link-ins-outside",  # w:ins around w:hyperlink, as some tools write it
        insert_after_answer(
            text(" Voir "), hyperlink("la fiche", "https://example.org/fiche", inside=False)
        ),
        "Voir [la fiche](https://example.org/fiche)",
    ),
    (
        "inserted-mail-link",
        insert_link_after_answer(hyperlink("écrivez-nous", "mailto:presse@example.org")),
        "[écrivez-nous](mailto:presse@example.org)",
    ),
]


@pytest.mark.parametrize(("name", "change", "written"), CARRIED, ids=[c[0] for c in CARRIED])
def test_symbols_and_links_are_carried_over(
    name: str, change, written: str, built, edition, tmp_path, capsys
) -> None:
    reviewed = revise(built, tmp_path / "revu.docx", change)
    assert main(["review", str(reviewed), str(edition), "--apply"]) == 0
    out = capsys.readouterr().out
    assert "1 modification(s) écrite(s)" in out, out
    assert written in (edition / "edition.yaml").read_text(encoding="utf-8")
    assert main(["check", str(edition)]) == 0, capsys.readouterr().err
    if "link" in name:  # a link in every output
        view = load_edition(edition)
        assert "https://example.org/fiche" in str(view.sections[2]) or "mailto:" in str(
            view.sections[2]
        )


LEFT = [
    # (case, the change, the field, why it is left to a person)
    (
        "wingdings",
        insert_after_answer(text(" Voir "), symbol("Wingdings", "F0E0"), text(" ici.")),
        "sections[2].questions[0].answer",
        "symbole Word (Wingdings, F0E0) : à reporter à la main",
    ),
    (
        "webdings-byte",
        insert_after_answer(text(" Voir "), symbol("Webdings", "61"), text(" ici.")),
        "sections[2].questions[0].answer",
        "symbole Word (Webdings, 61) : à reporter à la main",
    ),
    (
        "symbol-font-unmapped",
        insert_after_answer(text(" Voir "), symbol("Symbol", "F060"), text(" ici.")),
        "sections[2].questions[0].answer",
        "symbole Word (Symbol, F060)",
    ),
    (
        "symbol-garbage-code",
        insert_after_answer(text(" Voir "), symbol("Wingdings", "zz"), text(" ici.")),
        "sections[2].questions[0].answer",
        "symbole Word (Wingdings, zz)",
    ),
    (
        "link-without-relation",
        insert_link_after_answer(hyperlink("la fiche")),
        "sections[2].questions[0].answer",
        "lien ajouté sur « la fiche », sans adresse web : à reporter à la main",
    ),
    (
        "link-to-a-bookmark",
        insert_link_after_answer(hyperlink("plus haut", anchor="_Toc00001")),
        "sections[2].questions[0].answer",
        "lien ajouté sur « plus haut », sans adresse web",
    ),
    (
        "javascript-link",
        insert_link_after_answer(hyperlink("clic", "javascript:alert(1)")),
        "sections[2].questions[0].answer",
        "le lien « javascript:alert(1) » n'est pas permis",
    ),
    (
        "link-in-the-hours",
        lambda document: paragraph(document, "26\xa0février, de 09:30").append(
            hyperlink(" (agenda)", "https://example.org/agenda")(document)
        ),
        "sections[1].events[0].start",
        "lien ajouté vers https://example.org/agenda sur « (agenda) » : ce champ n'a pas de liens",
    ),
]


@pytest.mark.parametrize(("name", "change", "field", "reason"), LEFT, ids=[c[0] for c in LEFT])
def test_what_the_edition_cannot_hold_is_reported_not_dropped(
    name: str, change, field: str, reason: str, built, edition, tmp_path, capsys
) -> None:
    reviewed = revise(built, tmp_path / "revu.docx", change)
    before = (edition / "edition.yaml").read_bytes()
    assert main(["review", str(reviewed), str(edition), "--apply"]) == 0
    out = capsys.readouterr().out
    assert "0 modification(s) écrite(s)" in out, out
    assert field in out, out
    entry = out.split(field, 1)[1]
    assert "laissé à une personne" in entry.split("\n", 1)[0], out
    assert reason in entry, out
    assert (edition / "edition.yaml").read_bytes() == before


def test_a_broken_odt_is_refused_in_french(tmp_path: Path, capsys) -> None:
    """An .odt whose parts are missing or not XML: one French line, no traceback."""
    from tests.conftest import EDITION_2021

    for name, content in (("tronque.odt", "<office:document-content"), ("vide.odt", "<x/>")):
        odt = tmp_path / name
        with zipfile.ZipFile(odt, "w") as package:
            package.writestr("mimetype", "application/vnd.oasis.opendocument.text")
            package.writestr("content.xml", content)
        assert main(["review", str(odt), str(EDITION_2021)]) == 1
        err = capsys.readouterr().err
        assert f"{name} : ce n'est pas un document OpenDocument lisible" in err
        assert "Traceback" not in err
