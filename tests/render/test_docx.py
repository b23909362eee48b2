"""The DOCX, reopened by python-docx, converted by LibreOffice, audited against OOXML."""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from lxml import etree

from dossier.build import Options, build
from dossier.french import NBSP
from dossier.load import load_edition
from dossier.office.markers import marker_name
from dossier.render.docx import MARKER_PREFIX, MARKERS_NAMESPACE
from tests.conftest import EDITION_2021, SMALL_EDITION, require_tool
from tests.layout import libreoffice_export, libreoffice_pdf
from tests.render.test_pdf import body_text, squash, texts_of

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("docx")
    (output,) = build(EDITION_2021, ("docx",), out)
    return output.path


@pytest.fixture(scope="module")
def converted(built: Path, tmp_path_factory) -> Path:
    """The DOCX as LibreOffice lays it out, as a PDF."""
    return libreoffice_pdf(built, tmp_path_factory.mktemp("lo"))


def all_text(document: docx.Document) -> str:
    return "\n".join(
        "".join(t.text or "" for t in p._p.iter(qn("w:t"))) for p in document.paragraphs
    )


def test_every_text_is_in_the_docx(built: Path, view_2021) -> None:
    text = squash(all_text(docx.Document(built)))
    assert [t for t in texts_of(view_2021) if squash(t) not in text] == []


def test_headings_use_word_heading_styles(built: Path, view_2021) -> None:
    document = docx.Document(built)
    headings = [
        (p.style.name, p.text) for p in document.paragraphs if p.style.name.startswith("Heading")
    ]
    # the edition's title is the one heading of level 1: sections opening a page are level 2
    level_2 = [t for s, t in headings if s == "Heading 2"]
    level_3 = [t for s, t in headings if s == "Heading 3"]
    for entry in view_2021.contents.entries:
        assert entry.text.plain in (level_2 if entry.level == 1 else level_3)
    assert "Sommaire" in level_2


def test_every_event_is_a_group_of_styled_paragraphs(built: Path, view_2021) -> None:
    document = docx.Document(built)
    dates = [p.text for p in document.paragraphs if p.style.name == "Event Date"]
    events = [e for s in view_2021.sections if s.kind == "calendar" for e in s.events]
    assert dates == [e.when.plain for e in events]  # the same strings as the PDF's
    titles = [p.text for p in document.paragraphs if p.style.name == "Event Title"]
    assert titles == [e.title.plain for e in events if e.title]


def test_every_link_is_a_live_hyperlink(built: Path) -> None:
    import json

    data = json.dumps(load_edition(EDITION_2021).model_dump(mode="json"))
    expected = set(re.findall(r"https?://[^\s)\]\"]+", data))
    document = docx.Document(built)
    parts = [document.part, *(s.footer.part for s in document.sections)]
    targets = {
        rel.target_ref
        for part in parts
        for rel in part.rels.values()
        if rel.reltype.endswith("/hyperlink")
    }
    assert expected - targets == set()
    used = {
        (id(part), link.get(qn("r:id")))
        for part in parts
        for link in part.element.iter(qn("w:hyperlink"))
        if link.get(qn("r:id"))
    }
    assert len(used) >= len(expected)


def test_a4_and_french(built: Path) -> None:
    document = docx.Document(built)
    for section in document.sections:
        assert round(section.page_width.mm) == 210  # A4, to the twip
        assert round(section.page_height.mm) == 297
    styles = document.styles.element
    default = styles.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    assert default.find(qn("w:lang")).get(qn("w:val")) == "fr-FR"
    for rpr in styles.iter(qn("w:rPr")):
        assert len(rpr.findall(qn("w:lang"))) <= 1
    assert all(lang.get(qn("w:val")) == "fr-FR" for lang in styles.iter(qn("w:lang")))
    assert document.core_properties.language == "fr-FR"


def test_styles_not_direct_formatting(built: Path) -> None:
    document = docx.Document(built)
    names = {p.style.name for p in document.paragraphs}
    assert {
        "Title",
        "Heading 2",
        "Heading 3",
        "Subheading",
        "Normal",
        "Intense Quote",
        "Event Title",
        "Event Date",
        "List Bullet",
        "TOC 2",
        "TOC 3",
    } <= names
    hyperlink = document.styles["Hyperlink"]
    assert hyperlink.font.underline
    assert str(hyperlink.font.color.rgb) == "000091"
    body = document.element.body
    assert not list(body.iter(qn("w:color")))  # colours come from styles only
    assert not list(body.iter(qn("w:sz")))


def test_settings_hyphenate_and_ask_nothing_at_open(built: Path) -> None:
    """Hyphenation on; no w:updateFields, which makes Word ask at every open whether to update
    « fields that may refer to other files »: the contents' numbers are written in."""
    settings = docx.Document(built).settings.element
    tags = [child.tag for child in settings]
    assert settings.find(qn("w:updateFields")) is None
    assert settings.find(qn("w:autoHyphenation")).get(qn("w:val")) == "true"
    assert tags.index(qn("w:autoHyphenation")) < tags.index(qn("w:compat"))


def fields(element) -> list[str]:
    return [t.text.strip() for t in element.iter(qn("w:instrText"))]


def test_toc_field_is_filled_and_footers_count_pages(built: Path, view_2021) -> None:
    document = docx.Document(built)
    codes = fields(document.element.body)
    assert codes[0].startswith("TOC ")
    # one per contents entry, and the "voir p." reference
    assert sum(c.startswith("PAGEREF") for c in codes) == len(view_2021.contents.entries) + 1
    cover, body = document.sections
    # the publisher stands at the foot of the cover as the PDF's band, in a frame of the
    # body: read in its place, not last as a footer is (Word) nor untagged (LibreOffice)
    assert not "".join(p.text for p in cover.footer.paragraphs)
    (publisher,) = [
        p for p in document.paragraphs if p.text.startswith("Direction interministérielle")
    ]
    frame = publisher._p.pPr.find(qn("w:framePr"))
    assert (frame.get(qn("w:yAlign")), frame.get(qn("w:vAnchor"))) == ("bottom", "margin")
    # on the PDF's band: the theme's tint under a rule of its primary colour
    from dossier.theme import load_theme

    theme = load_theme()
    shading = publisher._p.pPr.find(qn("w:shd"))
    assert shading.get(qn("w:fill")) == theme.colour("tint")[1:].upper()
    rule = publisher._p.pPr.find(f"{qn('w:pBdr')}/{qn('w:top')}")
    assert (rule.get(qn("w:val")), rule.get(qn("w:color"))) == (
        "single",
        theme.colour("primary")[1:].upper(),
    )
    assert not body.footer.is_linked_to_previous
    footer = body.footer.paragraphs[0].text
    assert footer.startswith("Dossier de presse — Mois de l’innovation publique")
    assert fields(body.footer.part.element) == ["PAGE", "NUMPAGES"]


def test_first_of_month_is_a_superscript_run_and_spaces_are_literal(built: Path) -> None:
    body = docx.Document(built).element.body
    superscripts = [
        r.find(qn("w:t")).text
        for r in body.iter(qn("w:r"))
        if r.find(qn("w:rPr")) is not None
        and r.find(qn("w:rPr")).find(qn("w:vertAlign")) is not None
    ]
    assert "er" in superscripts
    assert f"9{NBSP}h{NBSP}30" in all_text(docx.Document(built))


def test_core_properties(built: Path) -> None:
    core = docx.Document(built).core_properties
    assert core.title == "Dossier de presse — Mois de l’innovation publique 2021"
    assert core.author == "Direction interministérielle de la transformation publique"
    assert "du 2 au 30" in core.subject
    assert "innovation publique" in core.keywords
    assert core.created is not None
    assert core.revision == 1


def test_images_have_alt_text_and_draft_header(tmp_path: Path) -> None:
    (output,) = build(SMALL_EDITION, ("docx",), tmp_path, Options(draft=True))
    document = docx.Document(output.path)
    descriptions = [
        e.get("descr")
        for e in document.element.body.iter(
            "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr"
        )
    ]
    assert descriptions == [
        "Portrait d’Alex Durand, souriant, devant un mur bleu",
        "Portrait d’Alex Durand",
    ]
    titles = [
        e.get("title")
        for e in document.element.body.iter(
            "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr"
        )
    ]
    assert titles == [None, None]  # the alt text is said once, not again as a title
    header = "\n".join(p.text for p in document.sections[1].header.paragraphs)
    assert f"PROJET — v2 du 20{NBSP}janvier 2024" in header
    assert "PROJET" in document.paragraphs[0].text  # the cover says it too


def test_package_passes_the_ooxml_audit(built: Path) -> None:
    audit = shutil.which("openxml-audit")
    assert audit, "openxml-audit comes with the test extra"
    result = subprocess.run([audit, str(built)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Errors: 0" in result.stdout


def test_libreoffice_shows_the_whole_content(converted: Path, view_2021) -> None:
    text = squash(body_text(converted))
    assert [t for t in texts_of(view_2021) if squash(t) not in text] == []


def test_cached_contents_numbers_are_libreoffice_pages(converted: Path, view_2021) -> None:
    tool = require_tool("pdftotext")
    pages = subprocess.run(
        [tool, "-layout", str(converted), "-"], check=True, capture_output=True, text=True
    ).stdout.split("\f")
    # the leader's dots, as pdftotext reads them (« ..... 7 », or « . .18 » when it spaces them)
    numbers = [int(n) for n in re.findall(r"\.(?: ?\.)+\s*(\d+)\s*$", pages[1], re.M)]
    entries = view_2021.contents.entries
    assert len(numbers) == len(entries)
    for entry, number in zip(entries, numbers, strict=True):
        first = next(
            i + 1
            for i, page in enumerate(pages)
            if i >= 2 and squash(entry.text.plain) in squash(page)
        )
        assert first == number, entry.text.plain


def markers(document: docx.Document) -> tuple[ET.Element, dict[str, ET.Element]]:
    """Return the markers part of a DOCX and its entries by bookmark name."""
    parts = [
        rel.target_part.blob
        for rel in document.part.rels.values()
        if rel.reltype.endswith("/customXml") and MARKERS_NAMESPACE.encode() in rel.target_part.blob
    ]
    assert len(parts) == 1, "one custom XML part holds the markers"
    root = ET.fromstring(parts[0])
    entries = root.iter(f"{{{MARKERS_NAMESPACE}}}p")
    return root, {p.get("name"): p for p in entries if p.get("name")}


def printed(entry: ET.Element) -> str:
    """Return the pattern of what a marker says its paragraph printed."""
    return "".join(
        (re.escape(piece.text or "") + "".join(r"\d*" + re.escape(p.tail or "") for p in piece))
        for piece in entry
    )


def marked_paragraphs(document: docx.Document) -> dict[str, str]:
    """Return the text of each paragraph that starts with a marker, by marker name."""
    found = {}
    for paragraph in document.element.body.iter(qn("w:p")):
        for bookmark in paragraph.iter(qn("w:bookmarkStart")):
            name = marker_name(bookmark.get(qn("w:name")))  # LibreOffice's copy in a frame
            if name.startswith(MARKER_PREFIX):
                found[name] = "".join(t.text or "" for t in paragraph.iter(qn("w:t")))
    return found


def test_every_paragraph_of_a_field_is_marked_with_it(built: Path) -> None:
    document = docx.Document(built)
    root, entries = markers(document)
    assert root.get("slug") == "mois-innovation-publique-2021"
    digest = hashlib.sha256((EDITION_2021 / "edition.yaml").read_bytes()).hexdigest()
    assert root.get("source-sha256") == digest
    paragraphs = marked_paragraphs(document)
    assert len(paragraphs) > 400
    assert set(paragraphs) <= set(entries)
    for name, text in paragraphs.items():  # the text before the review, the second witness
        assert re.fullmatch(printed(entries[name]), text), (name, text)
    fields = [f.get("path") for e in entries.values() for f in e if f.tag.endswith("}f")]
    assert "sections[9].events[4].title" in fields
    assert all(len(name) <= 40 and name.startswith("_") for name in entries)
    # every paragraph with text is listed, in reading order: the contents' entries too
    listed = list(root.iter(f"{{{MARKERS_NAMESPACE}}}p"))
    assert any(p.get("style") == "TOC2" and not p.get("name") for p in listed)
    assert len(listed) > len(entries)


def test_the_first_marker_precedes_the_text_of_its_paragraph(built: Path) -> None:
    document = docx.Document(built)
    for paragraph in document.element.body.iter(qn("w:p")):
        children = [c for c in paragraph if c.tag != qn("w:pPr")]
        names = [c.get(qn("w:name")) for c in children if c.tag == qn("w:bookmarkStart")]
        if any(n.startswith(MARKER_PREFIX) for n in names):
            assert children[0].tag == qn("w:bookmarkStart")


def test_markers_survive_libreoffice_saving_the_file(built: Path, tmp_path: Path) -> None:
    saved = libreoffice_export(built, tmp_path, "docx:MS Word 2007 XML")
    _, before = markers(docx.Document(built))
    root, after = markers(docx.Document(saved))
    assert root.get("slug") == "mois-innovation-publique-2021"
    assert set(after) == set(before)
    assert set(marked_paragraphs(docx.Document(saved))) == set(
        marked_paragraphs(docx.Document(built))
    )


def test_a_missing_font_of_the_project_is_a_bug_not_a_user_error(view_2021, monkeypatch) -> None:
    from dossier.render.docx import render_docx
    from dossier.theme import load_theme

    theme = load_theme()
    fonts = theme.fonts.model_copy(
        update={
            "docx": theme.fonts.docx.model_copy(
                update={"metrics": {"regular": "fonts/Absente.ttf", "bold": "fonts/Absente.ttf"}}
            )
        }
    )
    with pytest.raises(FileNotFoundError):  # a traceback: the project is broken, not the data
        render_docx(view_2021, theme.model_copy(update={"fonts": fonts}))


def test_an_image_word_cannot_take_is_a_located_render_error(edition_copy, tmp_path) -> None:
    folder = edition_copy(SMALL_EDITION)
    (folder / "images" / "portrait.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 64)
    from dossier.errors import RenderError
    from dossier.render.docx import render_docx
    from dossier.view import prepare

    # the loader would refuse it: build the view from a model loaded before the damage
    view = prepare(load_edition(SMALL_EDITION), folder)
    with pytest.raises(RenderError, match=r"DOCX : l'image portrait.png .+\S"):
        render_docx(view)


def test_words_of_a_link_lead_to_one_address_in_the_docx(outputs) -> None:
    # as in the web edition: a link's name (its ScreenTip, which screen readers say, or its
    # words) leads to one address; « En savoir plus » of two events of one title, apart
    document = docx.Document(outputs["docx"])
    parts = [document.part, *(s.footer.part for s in document.sections)]
    targets: dict[str, set[str]] = {}
    for part in parts:
        for link in part.element.iter(qn("w:hyperlink")):
            rid, anchor = link.get(qn("r:id")), link.get(qn("w:anchor"))
            target = part.rels[rid].target_ref if rid else f"#{anchor}"
            words = "".join(t.text or "" for t in link.iter(qn("w:t")))
            name = " ".join((link.get(qn("w:tooltip")) or words).split())
            if name and not name.isdigit():  # a page number of the contents: its entry says it
                targets.setdefault(name, set()).add(target)
    assert {name: t for name, t in targets.items() if len(t) > 1} == {}


def test_the_docx_embeds_the_theme_font(built: Path) -> None:
    """The DOCX carries the theme's font (Inter, as TrueType) in its four styles, each part
    obfuscated with its key as ECMA-376 Part 1, 17.8.1 says: undone, it is the file of fonts/.
    Word and LibreOffice then set the cabinet's copy in the journalists' font."""
    import uuid

    from dossier.render.docx.fonts import EMBED, OBFUSCATED, obfuscate
    from dossier.theme import load_theme

    document = docx.Document(built)
    docx_font = load_theme().fonts.docx
    table = next(
        r.target_part for r in document.part.rels.values() if r.reltype.endswith("/fontTable")
    )
    root = etree.fromstring(table.blob)
    (entry,) = [f for f in root.findall(qn("w:font")) if f.get(qn("w:name")) == docx_font.family]
    files = docx_font.embedded()
    assert set(files) == set(EMBED)
    for style, path in files.items():
        embedded = entry.find(qn(f"w:{EMBED[style]}"))
        part = table.related_parts[embedded.get(qn("r:id"))]
        assert part.content_type == OBFUSCATED
        key = uuid.UUID(embedded.get(qn("w:fontKey")).strip("{}"))
        assert part.blob != path.read_bytes()  # obfuscated…
        assert obfuscate(part.blob, key) == path.read_bytes()  # …and undone by its key
    settings = document.settings.element
    assert settings.find(qn("w:embedTrueTypeFonts")).get(qn("w:val")) == "true"
    used = {p.style.style_id: p.style for p in document.paragraphs}  # the text's styles
    for name, style in used.items():
        while style.font.name is None and style.base_style is not None:
            style = style.base_style
        assert style.font.name == docx_font.family, name


def test_a_table_is_ruled_as_the_pdfs(tmp_path: Path) -> None:
    """A table of the text reads as the PDF's (print.css .table): rules under its rows, a
    thicker one of the primary colour under its header, no upright rule, the text's width;
    and some white under it before the text goes on."""
    from dossier.theme import load_theme

    edition = EDITION_2021.parent.parent / "tests" / "editions" / "atlas"
    (output,) = build(edition, ("docx",), tmp_path)
    audit = subprocess.run(["openxml-audit", str(output.path)], capture_output=True, text=True)
    assert "Errors: 0" in audit.stdout, audit.stdout
    body = docx.Document(output.path).element.body
    tables = [t for t in body.iter(qn("w:tbl")) if t.find(f".//{qn('w:tblHeader')}") is not None]
    assert tables, "atlas has a table"
    primary = load_theme().colour("primary")[1:].upper()
    for table in tables:
        borders = {
            b.tag.split("}")[1]: b for b in table.find(f"{qn('w:tblPr')}/{qn('w:tblBorders')}")
        }
        assert {side: borders[side].get(qn("w:val")) for side in borders} == {
            "top": "nil",
            "left": "nil",
            "bottom": "single",
            "right": "nil",
            "insideH": "single",
            "insideV": "nil",
        }
        width = table.find(f"{qn('w:tblPr')}/{qn('w:tblW')}")
        assert (width.get(qn("w:type")), width.get(qn("w:w"))) == ("pct", "5000")
        head = table.find(qn("w:tr"))
        rules = [
            c.find(f"{qn('w:tcPr')}/{qn('w:tcBorders')}/{qn('w:bottom')}")
            for c in head.iter(qn("w:tc"))
        ]
        assert {(r.get(qn("w:color")), int(r.get(qn("w:sz")))) for r in rules} == {(primary, 6)}
        after = table.getnext()
        spacing = after.find(f"{qn('w:pPr')}/{qn('w:spacing')}")
        assert after.tag == qn("w:p")
        assert int(spacing.get(qn("w:before"))) > 200  # 5 mm, in twentieths of a point
