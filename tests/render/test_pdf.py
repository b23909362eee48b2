"""The PDF, read back as a journalist's tools read it: text, links, contents, fonts, metadata."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pikepdf
import pytest
from fontTools.ttLib import TTFont

from dossier.build import Options, build
from dossier.errors import RenderError
from dossier.load import load_edition
from dossier.render.pdf import SandboxFetcher, render_pdf
from dossier.theme import FONTS, TEMPLATES, load_theme
from dossier.view import prepare
from tests.conftest import COMPLETE_EDITION, EDITION_2021, SMALL_EDITION, require_tool


def squash(text: str) -> str:
    """Keep letters and digits only: line breaks, hyphenation and spacing do not count."""
    return re.sub(r"[\W_]+", "", text.replace("\u00ad", "")).lower()


def pdftotext(pdf: Path, *args: str) -> str:
    tool = require_tool("pdftotext")
    return subprocess.run(
        [tool, *args, str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("pdf")
    (output,) = build(EDITION_2021, ("pdf",), out)
    return output.path


def texts_of(view) -> list[str]:
    """Every line the sections print: headings, paragraphs, list items, event lines."""
    return [
        line.plain for section in view.sections for line in section.lines() if line.plain.strip()
    ]


def body_text(pdf: Path) -> str:
    """Return the text inside the page margins: running headers and footers left out."""
    top, bottom = (load_theme().page.top, load_theme().page.bottom)
    y = round(top / 25.4 * 72) - 2
    height = round(842 - y - bottom / 25.4 * 72) + 2
    return pdftotext(pdf, "-x", "0", "-y", str(y), "-W", "595", "-H", str(height))


def test_every_text_of_the_data_is_in_the_pdf(built: Path, view_2021) -> None:
    text = squash(body_text(built))
    missing = [t for t in texts_of(view_2021) if squash(t) not in text]
    assert len(texts_of(view_2021)) > 300
    assert missing == []


def test_every_link_of_the_data_is_a_link_annotation(built: Path) -> None:
    data = json.dumps(load_edition(EDITION_2021).model_dump(mode="json"))
    expected = set(re.findall(r"https?://[^\s)\]\"]+", data))
    found = set()
    internal = 0
    with pikepdf.open(built) as pdf:
        for page in pdf.pages:
            for annot in page.get("/Annots", []):
                action = annot.get("/A")
                if action is not None and "/URI" in action:
                    found.add(str(action.URI))
                elif "/Dest" in annot or (action is not None and "/D" in action):
                    internal += 1
    assert len(expected) >= 80
    assert expected - found == set()
    assert {u.split(":")[0] for u in found} <= {"https", "http", "mailto", "tel"}
    assert internal >= 19  # the contents and the "voir p." reference


def contents_numbers(pdf: Path) -> list[int]:
    text = pdftotext(pdf, "-f", "2", "-l", "2", "-layout")
    return [int(n) for n in re.findall(r"(\d+)\s*$", text, re.M) if not re.search(r"/", n)]


def test_contents_numbers_are_the_real_pages(built: Path, view_2021) -> None:
    numbers = [n for n in contents_numbers(built)]
    entries = view_2021.contents.entries
    # the footer "2 / 30" of the contents page is not an entry
    numbers = numbers[: len(entries)]
    assert len(numbers) == len(entries)
    for entry, number in zip(entries, numbers, strict=True):
        page_text = squash(pdftotext(built, "-f", str(number), "-l", str(number)))
        assert squash(entry.text.plain)[:40] in page_text, (entry.text.plain, number)


def test_outline_has_every_section(built: Path, view_2021) -> None:
    with pikepdf.open(built) as pdf, pdf.open_outline() as outline:
        titles = []

        def walk(items) -> None:
            for item in items:
                titles.append(item.title)
                walk(item.children)

        walk(outline.root)
    squashed = {squash(t) for t in titles}
    assert all(squash(e.text.plain) in squashed for e in view_2021.contents.entries)
    assert squash("Sommaire") in squashed


def test_fonts_are_embedded_and_come_from_fonts_folder(built: Path) -> None:
    tool = require_tool("pdffonts")
    listing = subprocess.run([tool, str(built)], check=True, capture_output=True, text=True)
    rows = listing.stdout.splitlines()[2:]
    assert rows
    family = load_theme().pdf_font().family
    for row in rows:
        name, *_ = row.split()
        assert family in name, row
        assert " yes yes yes " in row, row  # embedded, subset, with a Unicode map


def test_pdf_is_structurally_valid(built: Path) -> None:
    tool = require_tool("qpdf")
    result = subprocess.run([tool, "--check", str(built)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_metadata_language_and_tags(built: Path) -> None:
    tool = require_tool("pdfinfo")
    info = subprocess.run([tool, str(built)], check=True, capture_output=True, text=True).stdout
    title = r"^Title:\s+Dossier de presse — Mois de l’innovation publique 2021$"
    assert re.search(title, info, re.M)
    assert re.search(r"^Author:\s+Direction interministérielle", info, re.M)
    assert re.search(r"^Subject:\s+.*du 2 au 30", info, re.M)
    assert re.search(r"^Keywords:\s+innovation publique", info, re.M)
    assert re.search(r"^Tagged:\s+yes$", info, re.M)
    assert re.search(r"^Page size:\s+595.* x 841.* \(A4\)", info, re.M)
    with pikepdf.open(built) as pdf:
        assert str(pdf.Root.Lang) == "fr-FR"
        assert "/StructTreeRoot" in pdf.Root
        meta = pdf.open_metadata()
        assert meta.get("pdfuaid:part") == "1"


def test_no_attachment_and_no_file_uri(built: Path) -> None:
    raw = built.read_bytes()
    assert b"/FileAttachment" not in raw
    assert b"/EmbeddedFiles" not in raw
    with pikepdf.open(built) as pdf:
        for page in pdf.pages:
            for annot in page.get("/Annots", []):
                if "/A" in annot and "/URI" in annot.A:
                    assert not str(annot.A.URI).startswith("file:")


def test_images_carry_their_alt_text(tmp_path: Path) -> None:
    (output,) = build(SMALL_EDITION, ("pdf",), tmp_path)
    with pikepdf.open(output.path) as pdf:
        alts = []

        def walk(node) -> None:
            if isinstance(node, pikepdf.Dictionary):
                if node.get("/S") == "/Figure":
                    alts.append(str(node.get("/Alt", "")))
                kids = node.get("/K")
                if kids is not None:
                    walk(kids)
            elif isinstance(node, pikepdf.Array):
                for kid in node:
                    walk(kid)

        walk(pdf.Root.StructTreeRoot)
    assert alts
    assert all(
        alt.startswith("Portrait d'Alex Durand") or alt.startswith("Portrait d’Alex Durand")
        for alt in alts
    ), alts


def test_draft_marks_every_page(tmp_path: Path) -> None:
    (output,) = build(SMALL_EDITION, ("pdf",), tmp_path, Options(draft=True))
    pages = pdftotext(output.path).split("\f")[:-1]
    assert pages
    assert all("PROJET — v2 du 20" in page for page in pages)
    final = build(SMALL_EDITION, ("pdf",), tmp_path / "final")[0].path
    assert "PROJET" not in pdftotext(final)


def test_archive_variant(tmp_path: Path) -> None:
    (output,) = build(SMALL_EDITION, ("pdf",), tmp_path, Options(variants={"pdf": "pdf/a-3u"}))
    with pikepdf.open(output.path) as pdf:
        meta = pdf.open_metadata()
        assert meta.get("pdfaid:part") == "3"
        assert meta.get("pdfaid:conformance") == "U"


def test_page_reference_points_to_the_right_page(built: Path, view_2021) -> None:
    text = pdftotext(built)
    number = int(re.search(r"\(voir p\.\s*(\d+)\)", text).group(1))
    target = squash(pdftotext(built, "-f", str(number), "-l", str(number)))
    assert squash("Quatre laboratoires d’innovation territoriale lancés fin 2021") in target


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://127.0.0.1:9/x.png",
        "https://example.org/x.png",
        "data:image/png;base64,AAAA",
        f"{(TEMPLATES / '..' / 'pyproject.toml').resolve().as_uri()}",
    ],
)
def test_fetcher_refuses_everything_outside(url: str) -> None:
    fetcher = SandboxFetcher([EDITION_2021, TEMPLATES, FONTS])
    from weasyprint.urls import FatalURLFetchingError

    with pytest.raises(FatalURLFetchingError, match="ressource refusée"):
        fetcher(url)
    assert fetcher.refused == [url]


def test_fetcher_serves_the_fonts() -> None:
    fetcher = SandboxFetcher([EDITION_2021, TEMPLATES, FONTS])
    response = fetcher((FONTS / "Inter-Regular.otf").as_uri())
    assert response.read()[:4] == b"OTTO"


def test_symlink_out_of_the_edition_is_refused(edition_copy) -> None:
    folder = edition_copy(SMALL_EDITION)
    (folder / "images" / "portrait.png").unlink()
    (folder / "images" / "portrait.png").symlink_to("/etc/hostname")
    view = prepare.__wrapped__ if hasattr(prepare, "__wrapped__") else prepare
    from dossier.errors import DataError

    with pytest.raises(DataError, match="sort du dossier"):
        load_edition(folder)
    assert view


def test_unknown_variant_is_a_render_error(view_2021) -> None:
    with pytest.raises(RenderError, match="variante PDF inconnue"):
        render_pdf(view_2021, EDITION_2021, "pdf/x-4")


def test_the_font_has_every_glyph_the_texts_use(view_2021) -> None:
    family = load_theme().pdf_font()
    characters = set("".join(texts_of(view_2021))) | set("«»’…\u00a0\u202f—–→")
    characters -= {"\n"}
    for style, path in family.files().items():
        cmap = TTFont(path).getBestCmap()
        missing = sorted(
            c
            for c in characters
            if (ord(c) not in cmap and not c.isspace())
            or (c in "\u00a0\u202f" and ord(c) not in cmap)
        )
        assert missing == [], (style, missing)


# --- the page-references hook (dossier.render.pdf.tagging): faster, and the same PDF ---------


# pydyf writes /ID [(hash) (hash)], in the trailer or in the compressed cross-reference stream
# (out of reach there); dossier asks for none, and two writes are then the same bytes.
_ID = rb"/ID\s*\[\s*(?:\([^)]*\)|<[0-9a-fA-F]*>)\s*(?:\([^)]*\)|<[0-9a-fA-F]*>)\s*\]"


def _without_id(pdf: bytes) -> bytes:
    return re.sub(_ID, b"/ID [masked]", pdf)


def test_the_page_references_hook_writes_the_pdf_weasyprint_writes(tmp_path: Path) -> None:
    """A synthetic edition of 20 pages, written with the hook and without: the same bytes."""
    import weasyprint.pdf

    from benchmarks import synthetic
    from dossier.render.pdf import tagging

    folder = synthetic.write(40, tmp_path / "synthetic-40")
    view = prepare(load_edition(folder), folder)
    with tagging.without_page_cache():
        assert weasyprint.pdf.add_tags is tagging._original_add_tags
        unhooked = render_pdf(view, folder)
    assert weasyprint.pdf.add_tags is tagging._tags_with_pages_once
    hooked = render_pdf(view, folder)  # the same layout, kept: only the writing differs
    assert _without_id(hooked) == _without_id(unhooked)
    target = tmp_path / "hooked.pdf"
    target.write_bytes(hooked)
    with pikepdf.open(target) as pdf:
        assert len(pdf.pages) > 10
        pages = {page.objgen for page in pdf.pages}
        named = set()
        elements = [pdf.Root.StructTreeRoot.K[0]]
        while elements:
            element = elements.pop()
            if "/Pg" in element:
                named.add(element.Pg.objgen)
            elements.extend(k for k in element.get("/K", []) if isinstance(k, pikepdf.Dictionary))
        assert named == pages  # every page named by the tree's elements, each a real page


def test_the_page_references_cache_follows_pages_added() -> None:
    import pydyf

    from dossier.render.pdf import tagging

    pdf = pydyf.PDF()
    pdf.add_page(pydyf.Dictionary({"Type": "/Page"}))
    pdf.__class__ = tagging._PagesOnce
    first = pdf.page_references
    assert pdf.page_references is first  # once, not at every call
    pdf.add_page(pydyf.Dictionary({"Type": "/Page"}))
    assert pdf.page_references == (b"3 0 R", b"4 0 R")


def test_the_page_references_hook_still_fits_weasyprint() -> None:
    """WeasyPrint's and pydyf's internals the hook leans on: if this fails, the hook named here
    no longer runs (it stands aside rather than break), and a long PDF's tree is slow again."""
    import weasyprint.pdf

    from dossier.render.pdf import tagging

    problems = tagging.page_cache_problems()
    assert not problems, (
        f"{tagging.PAGES_HOOKED} (the page-references hook) no longer fits: "
        f"{'; '.join(problems)}; adapt dossier/render/pdf/tagging.py"
    )
    assert weasyprint.pdf.add_tags is tagging._tags_with_pages_once, tagging.PAGES_HOOKED


# --- the paint replay (dossier.render.pdf.painting): pages laid out as before, not painted ----

# What two writes of the same pages may differ by: the /ID, and the dates.
_DATES = rb"/(?:CreationDate|ModDate)\s*\([^)]*\)"


def masked(pdf: bytes) -> bytes:
    return re.sub(_DATES, b"/Date [masked]", _without_id(pdf))


def test_the_paint_replay_still_fits_weasyprint() -> None:
    """WeasyPrint's internals the replay leans on: if this fails, the hook named here stands
    aside (every page is painted at every write, the watch is slower) until it is adapted."""
    from dossier.render.pdf import painting

    problems = painting.problems()
    assert not problems, (
        f"{painting.HOOKED} (the paint replay) no longer fits: {'; '.join(problems)}; "
        "adapt dossier/render/pdf/painting.py"
    )


@pytest.mark.parametrize("draft", [False, True], ids=["final", "draft"])
def test_pages_laid_out_as_before_are_replayed_into_the_same_pdf(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, draft: bool
) -> None:
    """A kept layout written again replays the pages it did not lay out anew; the PDF is the one
    a fresh layout paints, byte for byte: images, opacities, fonts, tags and links included."""
    import shutil

    from dossier.render import pdf as pdf_module
    from dossier.render.pdf import painting
    from tests.edits import replace

    folder = tmp_path / "complete"
    shutil.copytree(COMPLETE_EDITION, folder)
    painted: list[object] = []
    original = painting._ORIGINAL_PAINT

    def counted(page, stream, scale=1):
        painted.append(page)
        original(page, stream, scale)

    monkeypatch.setattr(painting, "_ORIGINAL_PAINT", counted)

    def view():
        return prepare(load_edition(folder), folder, draft=draft)

    seen = view()  # one view for the writes compared: the same creation date
    first = render_pdf(seen, folder)
    pages = len(painted)
    assert pages > 5
    painted.clear()
    assert render_pdf(seen, folder) == first
    # a draft's watermark is a transparency group, named by its count: its pages are painted
    assert len(painted) == (pages if draft else 0)
    intro = "    intro: L'Agence accompagne les collectivités dans leurs projets."
    longer = "    intro: >-\n      " + "L'Agence accompagne les collectivités. " * 120
    edits = [
        ("a word", "Je remercie chaleureusement", "Je remercie très chaleureusement"),
        ("a heading", "heading: Les chiffres clés", "heading: Les chiffres clés de l'année"),
        ("a heading undone", "heading: Les chiffres clés de l'année", "heading: Les chiffres clés"),
        # near the end: every page's footer changes (« 3 / 16 »), the pages before keep their
        # layout: their own drawing is replayed, their footer painted anew
        ("pages more", intro, longer),
        ("pages less", longer, intro),
    ]
    before = pages
    for name, old, new in edits:
        replace(folder / "edition.yaml", old, new)
        painted.clear()
        seen = view()
        kept = render_pdf(seen, folder)
        replayed, total = painting.tally()
        if not draft:
            assert 0 < len(painted) < pages, name
            assert replayed == total - len(painted), name
        if name.startswith("pages"):
            assert total != before, f"{name}: the edit was meant to change the page count"
            assert replayed > before // 2 or draft, f"{name}: the pages before, replayed"
        before = total
        pdf_module._forget(folder)  # a fresh layout, painted page by page
        assert masked(kept) == masked(render_pdf(seen, folder)), name
