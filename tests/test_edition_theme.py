"""A press office's identity kept with its editions: a theme.yaml beside edition.yaml.

It says only what it changes (colours, logo, fonts) over the project's templates/theme.yaml,
its files in the edition's folder under the same sandbox rules; every output takes it, its
mistakes are said at its own lines, and `dossier new` carries it to the next edition.
"""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from PIL import Image

from dossier.build import build, check
from dossier.errors import DataError, DossierError
from dossier.renewal import new_edition
from tests.conftest import ROOT, SMALL_EDITION, require_tool

PURPLE, TEAL = "6A1B9A", "00796B"
THEME = f"""\
# L'identité de la préfecture, gardée avec ses éditions
colours:
  primary: "#{PURPLE}"
  accent: "#{TEAL}"
logo:
  file: identite/logo.png
  alt: Préfecture de la Réunion
  height: 20
fonts:
  pdf:
    - family: Liberation Sans
      regular: identite/polices/LiberationSans-Regular.ttf
      italic: identite/polices/LiberationSans-Regular.ttf
      bold: identite/polices/LiberationSans-Bold.ttf
      bold_italic: identite/polices/LiberationSans-Bold.ttf
      semibold: identite/polices/LiberationSans-Bold.ttf
      heavy: identite/polices/LiberationSans-Bold.ttf
"""


def with_identity(edition_copy, theme: str = THEME) -> Path:
    folder = edition_copy(SMALL_EDITION)
    fonts = folder / "identite" / "polices"
    fonts.mkdir(parents=True)
    for name in ("LiberationSans-Regular.ttf", "LiberationSans-Bold.ttf"):
        shutil.copy(ROOT / "fonts" / name, fonts / name)
    Image.new("RGB", (400, 120), (106, 27, 154)).save(folder / "identite" / "logo.png")
    (folder / "theme.yaml").write_text(theme, encoding="utf-8")
    return folder


def test_every_output_takes_the_editions_identity(edition_copy, tmp_path) -> None:
    folder = with_identity(edition_copy)
    outputs = {o.format: o.path for o in build(folder, ("pdf", "docx", "html"), tmp_path)}
    fonts = subprocess.run(
        [require_tool("pdffonts"), str(outputs["pdf"])], capture_output=True, text=True, check=True
    ).stdout
    assert "Liberation-Sans" in fonts
    assert "Inter" not in fonts
    import pikepdf

    with pikepdf.open(outputs["pdf"]) as pdf:  # the logo drawn on the cover
        cover = pdf.pages[0]
        pictures = [x for x in cover.get_images().values() if x.Width == 400 and x.Height == 120]
    assert len(pictures) == 1
    with zipfile.ZipFile(outputs["docx"]) as docx:
        styles = docx.read("word/styles.xml").decode()
        media = [n for n in docx.namelist() if n.startswith("word/media/")]
    assert PURPLE in styles
    assert "000091" not in styles  # the project's blue is gone
    assert media  # the logo
    css = (outputs["html"] / "assets" / "dossier.css").read_text(encoding="utf-8")
    assert f"--primary: #{PURPLE};" in css
    assert (outputs["html"] / "assets" / "fonts" / "LiberationSans-Regular.ttf").is_file()


def test_an_edition_without_a_theme_keeps_the_projects(edition_copy, tmp_path) -> None:
    folder = edition_copy(SMALL_EDITION)
    (site,) = build(folder, ("html",), tmp_path)
    css = (site.path / "assets" / "dossier.css").read_text(encoding="utf-8")
    assert "--primary: #000091;" in css


def test_the_edition_may_name_its_theme_file(edition_copy, tmp_path) -> None:
    folder = with_identity(edition_copy)
    (folder / "theme.yaml").rename(folder / "identite" / "charte.yaml")
    text = (folder / "identite" / "charte.yaml").read_text(encoding="utf-8")
    # its paths are from its own folder
    (folder / "identite" / "charte.yaml").write_text(
        text.replace("identite/", ""), encoding="utf-8"
    )
    edition = folder / "edition.yaml"
    edition.write_text(
        edition.read_text(encoding="utf-8").replace(
            "slug:", "theme: identite/charte.yaml\nslug:", 1
        ),
        encoding="utf-8",
    )
    (site,) = build(folder, ("html",), tmp_path)
    assert f"--primary: #{PURPLE};" in (site.path / "assets" / "dossier.css").read_text("utf-8")


def test_a_mistake_in_the_editions_theme_is_said_at_its_line(edition_copy) -> None:
    folder = with_identity(edition_copy, THEME.replace(f'"#{TEAL}"', '"vert"'))
    with pytest.raises(DataError) as caught:
        check(folder)
    (problem,) = caught.value.problems
    assert str(problem).startswith(f"{folder / 'theme.yaml'}:4:11: colours.accent: ")


@pytest.mark.parametrize(
    ("edit", "said"),
    [
        (("identite/polices/LiberationSans-Bold.ttf", "../../polices/Autre.ttf"), "fonts.pdf.0"),
        (("identite/logo.png", "/etc/logo.png"), "le logo se range dans le dossier"),
    ],
)
def test_the_editions_theme_keeps_to_its_folder(edition_copy, edit, said) -> None:
    folder = with_identity(edition_copy, THEME.replace(*edit))
    with pytest.raises(DossierError, match=said):
        check(folder)


def test_a_theme_named_outside_the_edition_is_refused(edition_copy, tmp_path) -> None:
    folder = edition_copy(SMALL_EDITION)
    (tmp_path / "ailleurs.yaml").write_text(THEME, encoding="utf-8")
    (folder / "lien.yaml").symlink_to(tmp_path / "ailleurs.yaml")
    edition = folder / "edition.yaml"
    edition.write_text(
        edition.read_text(encoding="utf-8").replace("slug:", "theme: lien.yaml\nslug:", 1),
        encoding="utf-8",
    )
    with pytest.raises(DataError, match=r"edition.yaml:\d+:\d+: theme: « lien.yaml » mène hors"):
        check(folder)


def test_dossier_new_carries_the_identity(edition_copy, tmp_path) -> None:
    folder = with_identity(edition_copy)
    made = new_edition(tmp_path / "suivante", folder)
    for name in (
        "theme.yaml",
        "identite/logo.png",
        "identite/polices/LiberationSans-Regular.ttf",
        "identite/polices/LiberationSans-Bold.ttf",
    ):
        assert (made.folder / name).read_bytes() == (folder / name).read_bytes()
    assert "theme.yaml" in made.images
    (site,) = build(made.folder, ("html",), tmp_path / "out")
    assert f"--primary: #{PURPLE};" in (site.path / "assets" / "dossier.css").read_text("utf-8")


def test_an_edited_theme_is_read_again(edition_copy) -> None:
    # dossier watch rebuilds in a process that stays: it must see the theme as saved now
    from dossier.theme import load_theme

    folder = with_identity(edition_copy)
    theme = folder / "theme.yaml"
    assert load_theme(over=theme).colours.primary == f"#{PURPLE}"
    theme.write_text(THEME.replace(PURPLE, "112233") + "\n", encoding="utf-8")
    assert load_theme(over=theme).colours.primary == "#112233"
