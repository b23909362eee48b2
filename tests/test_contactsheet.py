"""dossier build --pages: the contact sheet of the PDF, read back as an image."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from dossier.cli import main
from dossier.contactsheet import GAP, LABEL, THUMBNAIL, write_contact_sheet
from dossier.errors import RenderError
from dossier.theme import load_theme
from tests.conftest import SMALL_EDITION, require_tool


def page_count(pdf: Path) -> int:
    info = subprocess.run(
        [require_tool("pdfinfo"), str(pdf)], check=True, capture_output=True, text=True
    ).stdout
    return int(next(line.split()[1] for line in info.splitlines() if line.startswith("Pages:")))


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, Path, str]:
    out = tmp_path_factory.mktemp("pages")
    stdout = io.StringIO()
    assert (
        main(
            ["build", str(SMALL_EDITION), "--format", "pdf", "--pages", "--output", str(out)],
            stdout,
        )
        == 0
    )
    return out / "semaine-donnee-2024.pdf", out / "semaine-donnee-2024-pages.png", stdout.getvalue()


def cells(sheet: Image.Image, pages: int, height: int) -> list[tuple[Image.Image, Image.Image]]:
    """Return each page's thumbnail and the label under it."""
    found = []
    for index in range(pages):
        row, column = divmod(index, 6)
        x, y = GAP + column * (THUMBNAIL + GAP), GAP + row * (height + LABEL + GAP)
        found.append(
            (
                sheet.crop((x, y, x + THUMBNAIL, y + height)),
                sheet.crop((x, y + height, x + THUMBNAIL, y + height + LABEL)),
            )
        )
    return found


def test_build_pages_writes_one_numbered_thumbnail_per_page(built) -> None:
    pdf, png, said = built
    assert f"Pages : {png}" in said
    pages = page_count(pdf)
    with Image.open(png) as sheet:
        height = round(THUMBNAIL * 297 / 210)
        rows = -(-pages // 6)
        assert sheet.width == GAP + 6 * (THUMBNAIL + GAP)
        assert abs(sheet.height - (GAP + rows * (height + LABEL + GAP))) <= rows
        primary = tuple(int(load_theme().colour("primary")[i : i + 2], 16) for i in (1, 3, 5))
        for thumbnail, label in cells(sheet.convert("RGB"), pages, height):
            assert len(thumbnail.getcolors(1 << 24)) > 20  # a page, drawn, not an empty box
            assert primary in {
                colour for _, colour in label.getcolors(1 << 24)
            }  # its number, in the theme's blue


def test_poppler_draws_the_same_sheet_without_pdfium(built, tmp_path, monkeypatch) -> None:
    pdf, png, _ = built
    monkeypatch.setitem(sys.modules, "pypdfium2", None)  # as if it were not installed
    require_tool("pdftoppm")
    other = write_contact_sheet(pdf, tmp_path / "sheet.png")
    with Image.open(png) as first, Image.open(other) as second:
        assert abs(first.height - second.height) <= 2
        assert first.width == second.width


def test_without_pdfium_nor_poppler_the_sheet_says_what_to_install(built, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "pypdfium2", None)
    monkeypatch.setattr("shutil.which", lambda name: None)
    with pytest.raises(RenderError, match=r"pip install pypdfium2.*poppler-utils"):
        write_contact_sheet(built[0], tmp_path / "sheet.png")
    assert not (tmp_path / "sheet.png").exists()


def test_pages_without_the_pdf_is_a_usage_error(tmp_path, capsys) -> None:
    with pytest.raises(SystemExit) as stop:
        main(
            ["build", str(SMALL_EDITION), "--format", "docx", "--pages", "--output", str(tmp_path)]
        )
    assert stop.value.code == 2
    assert "--pages montre les pages du PDF" in capsys.readouterr().err
