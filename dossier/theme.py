"""The visual identity, declared once in templates/theme.yaml, as CSS and as DOCX settings."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Annotated

from fontTools.ttLib import TTFont
from pydantic import BaseModel, ConfigDict, Field

from dossier.errors import RenderError
from dossier.load import load_model

log = logging.getLogger("dossier")


def _installed_folder(package: str) -> Path:
    # templates/ and fonts/ are installed as the packages dossier.templates and dossier.fonts
    # (pyproject.toml maps them; an editable install points at the repository's folders). Jinja2
    # and WeasyPrint need real folders: a regular package on disk gives a pathlib.Path.
    folder = resources.files(package)
    if not isinstance(folder, Path):
        raise RuntimeError(f"{package} n'est pas un dossier du disque ({folder!r})")
    return folder.resolve()


TEMPLATES = _installed_folder("dossier.templates")
FONTS = _installed_folder("dossier.fonts")
PROJECT = FONTS.parent  # theme.yaml names its fonts from here: fonts/Inter-Regular.otf
THEME_FILE = TEMPLATES / "theme.yaml"

Colour = Annotated[str, Field(pattern=r"^#[0-9A-Fa-f]{6}$")]
FONT_STYLES = ("regular", "italic", "bold", "bold_italic", "semibold", "heavy")
# font-weight and font-style of each file, for @font-face
_FACES = {
    "regular": (400, "normal"),
    "italic": (400, "italic"),
    "semibold": (600, "normal"),
    "bold": (700, "normal"),
    "bold_italic": (700, "italic"),
    "heavy": (800, "normal"),
}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Colours(_Strict):
    """The palette."""

    primary: Colour
    accent: Colour
    text: Colour
    muted: Colour
    tint: Colour
    rule: Colour
    draft: Colour


class Sizes(_Strict):
    """Type sizes in points."""

    body: float
    small: float
    title: float
    h1: float
    h2: float
    h3: float
    line_height: float


class Page(_Strict):
    """A4 margins in millimetres."""

    top: float
    bottom: float
    inner: float
    outer: float


class FontFamily(_Strict):
    """A family and its files, relative to the project."""

    family: str
    regular: str
    italic: str
    bold: str
    bold_italic: str
    semibold: str
    heavy: str

    def files(self) -> dict[str, Path]:
        """Return each style's file, resolved inside the project's fonts/ folder."""
        return {style: (PROJECT / getattr(self, style)).resolve() for style in FONT_STYLES}


class Fonts(_Strict):
    """The PDF's families by preference, and the font the DOCX names."""

    pdf: Annotated[list[FontFamily], Field(min_length=1)]
    docx: str


class Theme(_Strict):
    """The whole visual identity."""

    colours: Colours
    sizes: Sizes
    page: Page
    fonts: Fonts

    def pdf_font(self) -> FontFamily:
        """Return the first PDF family whose files are all in fonts/; warn when falling back."""
        return _choose_font(tuple(self.fonts.pdf))

    def check_glyphs(self, strings: Iterable[str]) -> None:
        """Refuse text the PDF's fonts cannot show: WeasyPrint would take a machine's font."""
        family = self.pdf_font()
        files = family.files()
        # the running text is set in the regular and bold faces; the others share their coverage
        covered = _cmap(files["regular"]) & _cmap(files["bold"])
        missing: dict[str, str] = {}
        for text in strings:
            for index, character in enumerate(text):
                if (
                    ord(character) not in covered
                    and character not in "\n\t"
                    and (character not in missing)
                ):
                    missing[character] = text[max(0, index - 25) : index + 25].replace("\n", " ")
        if missing:
            raise RenderError(
                "\n".join(
                    f"le PDF ne peut pas afficher « {c} » (U+{ord(c):04X}), dans « …{context}… » "
                    f": la police {family.family} n'a pas ce caractère ; retirez-le, ou ajoutez "
                    "dans fonts/ une police qui l'a (templates/theme.yaml)"
                    for c, context in missing.items()
                )
            )

    def css(self) -> str:
        """Return the @font-face rules and CSS variables the print stylesheet uses."""
        family = self.pdf_font()
        faces = "\n".join(
            f'@font-face {{ font-family: "{family.family}"; src: url("{path.as_uri()}"); '
            f"font-weight: {_FACES[style][0]}; font-style: {_FACES[style][1]}; }}"
            for style, path in family.files().items()
        )
        colours = "\n".join(
            f"  --{name}: {value};" for name, value in self.colours.model_dump().items()
        )
        sizes = "\n".join(
            f"  --{name.replace('_', '-')}: {value}{'' if name == 'line_height' else 'pt'};"
            for name, value in self.sizes.model_dump().items()
        )
        top, bottom, inner, outer = (f"{v}mm" for v in self.page.model_dump().values())
        margins = (
            f"@page :right {{ margin: {top} {outer} {bottom} {inner}; }}\n"
            f"@page :left {{ margin: {top} {inner} {bottom} {outer}; }}"
        )
        return (
            f'{faces}\n{margins}\n:root {{\n{colours}\n{sizes}\n  --font: "{family.family}";\n}}\n'
        )


@cache  # chosen once: the glyph check and the CSS both ask, the warning comes once
def _choose_font(families: tuple[FontFamily, ...]) -> FontFamily:
    for index, family in enumerate(families):
        files = family.files()
        outside = [p for p in files.values() if not p.is_relative_to(FONTS)]
        if outside:
            raise RenderError(
                f"{THEME_FILE}: fonts.pdf[{index}]: les polices viennent de fonts/, "
                f"pas de {outside[0]}"
            )
        missing = [p.name for p in files.values() if not p.is_file()]
        if not missing:
            return family
        log.warning(
            "%s: warning: police %s absente de fonts/ (%s) : le PDF prend la suivante",
            THEME_FILE,
            family.family,
            ", ".join(missing),
        )
    raise RenderError(f"{THEME_FILE}: aucune police du PDF n'a tous ses fichiers dans fonts/")


@cache
def _cmap(path: Path) -> frozenset[int]:
    return frozenset(TTFont(path, lazy=True).getBestCmap())


@cache
def load_theme(file: Path = THEME_FILE) -> Theme:
    """Read the theme file, strictly, as the edition's data are read."""
    return load_model(file, Theme)
