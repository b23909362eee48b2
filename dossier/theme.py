"""The visual identity, declared once in templates/theme.yaml, as CSS and as DOCX settings."""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal

from fontTools.ttLib import TTFont
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationInfo,
    model_validator,
)

from dossier.errors import DataError, Problem, RenderError
from dossier.load import load_model, load_over
from dossier.model import Origin

log = logging.getLogger("dossier")


def _installed_folder(package: str) -> Path:
    # templates/ and fonts/ are installed as the packages dossier.templates and dossier.fonts
    # (pyproject.toml maps them; an editable install points at the repository's folders). Jinja2
    # and WeasyPrint need real folders: a regular package on disk gives a pathlib.Path.
    folder = resources.files(package)
    if not isinstance(folder, Path):
        raise RuntimeError(f"{package} n'est pas un dossier du disque ({folder!r})")
    return folder.resolve()


def _folder(name: str) -> Path:
    # Run from a clone (python3 -m dossier at its top), the clone's own folders serve: an
    # editable install made from another clone maps dossier.templates to that clone instead.
    checkout = Path(__file__).resolve().parent.parent
    if (checkout / "pyproject.toml").is_file() and (checkout / name / "__init__.py").is_file():
        return checkout / name
    return _installed_folder(f"dossier.{name}")


TEMPLATES = _folder("templates")
FONTS = _folder("fonts")
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
    # no nan, no inf: a size is a number a page can hold
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


Millimetres = Annotated[float, Field(ge=0, le=1000)]


class Colours(_Strict):
    """The palette."""

    primary: Colour
    accent: Colour
    text: Colour
    muted: Colour
    tint: Colour
    rule: Colour
    draft: Colour


class Page(_Strict):
    """The page's size and margins, and where header and footer stand, in millimetres."""

    width: Annotated[float, Field(gt=50, le=1000)]
    height: Annotated[float, Field(gt=50, le=1000)]
    top: Millimetres
    bottom: Millimetres
    inner: Millimetres
    outer: Millimetres
    header: Millimetres

    @model_validator(mode="after")
    def _room_for_text(self) -> Page:
        if self.inner + self.outer >= self.width - 20 or self.top + self.bottom >= self.height - 20:
            raise ValueError("les marges ne laissent pas de place au texte (20 mm au moins)")
        return self

    @property
    def text_width(self) -> float:
        """Return the width of the text between the margins, in millimetres."""
        return self.width - self.inner - self.outer


class Box(_Strict):
    """The room an image gets, in millimetres: its width, and its height at most."""

    width: Annotated[float, Field(gt=0, le=1000)]
    height: Annotated[float, Field(gt=0, le=1000)]


class Logo(_Strict):
    """The ministry's logo, which the ministry supplies: its file, its words, its height."""

    file: str  # absolute, or from the project's folder
    alt: Annotated[str, Field(min_length=1)]  # what a screen reader says of it
    height: Annotated[float, Field(gt=0, le=80)]  # millimetres on the cover

    def path(self) -> Path:
        """Return the logo's file."""
        return (PROJECT / Path(self.file).expanduser()).resolve()

    def check(self, theme_file: Path, home: Path | None = None) -> None:
        """Refuse a logo elsewhere than beside its theme (or in home: the folder of the
        edition whose theme it is), missing, or not PNG or JPEG, naming the theme file."""
        path = self.path()
        home = home or theme_file.resolve().parent
        problem = None
        if not path.is_relative_to(PROJECT.resolve()) and not path.is_relative_to(home):
            problem = (
                f"le logo se range dans le dossier du thème ({home}) ou du projet, pas "
                f"ailleurs : {path}"
            )
        elif not path.is_file():
            problem = f"pas de fichier logo : {path}"
        elif path.suffix.lower() not in (".png", ".jpg", ".jpeg"):
            problem = (
                "le logo doit être une image PNG ou JPEG (les deux sorties la prennent) : "
                f"{path.name}"
            )
        if problem is not None:
            raise DataError([Problem(theme_file, None, None, "logo.file", problem)])


class Calendar(_Strict):
    """How calendars are set: from how many lines of text an event may break across pages."""

    split_lines: Annotated[int, Field(ge=2)]


class Images(_Strict):
    """The size of each kind of picture."""

    cover: Box
    portrait: Box
    profile: Box
    figure: Box = Box(width=170, height=80)  # a picture in the flow of the text
    person: Box = Box(width=25, height=30)  # a team member's portrait
    logo: Box = Box(width=35, height=18)  # a partner's logo, in a directory


def _check_weight(value: int) -> int:
    weights = sorted(weight for weight, _ in _FACES.values())
    if value not in weights:
        raise ValueError(
            f"{value} n'est pas une graisse des polices : {', '.join(map(str, set(weights)))}"
        )
    return value


class Look(_Strict):
    """How a paragraph style or a role looks; what it does not say, body says."""

    size: Annotated[float, Field(gt=0, le=200)] | None = None
    weight: Annotated[int, AfterValidator(_check_weight)] | None = None
    italic: bool | None = None
    colour: str | None = None
    caps: bool | None = None
    tracking: Annotated[float, Field(ge=-0.2, le=1)] | None = None  # em
    leading: Annotated[float, Field(gt=0, le=5)] | None = None
    before: Annotated[float, Field(ge=0, le=200)] | None = None  # points
    after: Annotated[float, Field(ge=0, le=200)] | None = None  # points
    keep: bool | None = None  # keep with the next paragraph
    hyphenate: bool | None = None  # running text, which may be hyphenated; never inherited
    indent: Annotated[float, Field(ge=0, le=200)] | None = None  # millimetres from the left margin


@dataclass(frozen=True)
class Style:
    """A paragraph style with every property decided, as both outputs apply it."""

    name: str
    size: float
    weight: int
    italic: bool
    colour: str  # #RRGGBB
    caps: bool
    tracking: float
    leading: float
    before: float
    after: float
    keep: bool
    indent: float  # millimetres
    hyphenate: bool = False

    @property
    def bold(self) -> bool:
        """Return whether a word processor, which knows only bold or not, sets it bold."""
        return self.weight >= 600


@dataclass(frozen=True)
class Role:
    """The look of a run of text of one role: weight, slant and colour."""

    name: str
    weight: int | None
    italic: bool | None
    colour: str | None  # #RRGGBB

    @property
    def bold(self) -> bool | None:
        """Return bold for a word processor, or None to keep the paragraph's."""
        return None if self.weight is None else self.weight >= 600


# The paragraph styles and roles that the renderers use: the theme must declare each.
STYLES = (
    *("body", "small", "title", "subtitle", "ministry", "cover_kind", "cover_edition"),
    *("cover_line", "publisher", "published", "h1", "h2", "h3", "byline", "question", "quote"),
    *("bullet", "theme", "entry", "event_date", "event_title", "organisers", "link_line"),
    *("programme", "profile_title", "mission_title", "contact_name", "contact_detail"),
    *("caption", "toc_1", "toc_2", "running", "footer", "draft"),
    *("h4", "numbered", "quote_text", "attribution", "callout_title", "callout", "key_number"),
    *("key_label", "table_head", "table_cell"),
)
ROLES = ("strong", "label", "number", "detail", "more", "link")
# Styles of the blocks a theme written before them may lack: each then looks as the one named.
LATER_STYLES = {
    "h4": "h3",  # a second level of subheading
    "numbered": "bullet",
    "quote_text": "body",
    "attribution": "caption",
    "callout_title": "question",
    "callout": "body",
    "key_number": "cover_edition",
    "key_label": "caption",
    "table_head": "small",
    "table_cell": "small",
}


def _check_family(value: str) -> str:
    # it goes into the stylesheet and the DOCX's styles: a name, never CSS or markup
    if not re.fullmatch(r"[^\W_][\w \-]{0,62}", value):
        raise ValueError(
            f"« {value} » n'est pas un nom de police : des lettres, des chiffres, des espaces "
            "et des tirets seulement (Marianne, Liberation Sans)"
        )
    return value


def _check_font_file(value: str, info: ValidationInfo) -> str:
    # a font of the project's fonts/ folder, as the README promises, or of the edition's folder
    # for a theme kept beside the edition: never a file elsewhere
    path = (PROJECT / Path(value)).resolve()
    edition = (info.context or {}).get("edition")
    if not path.is_relative_to(FONTS.resolve()) and not (
        edition is not None and path.is_relative_to(edition)
    ):
        where = "du projet ni dans celui de l'édition" if edition is not None else "du projet"
        raise ValueError(f"« {value} » n'est pas dans le dossier fonts/ {where}")
    if path.suffix.lower() not in (".ttf", ".otf"):
        raise ValueError(f"« {value} » n'est pas une police TrueType ou OpenType (.ttf, .otf)")
    return value


FamilyName = Annotated[str, AfterValidator(_check_family)]
FontFile = Annotated[str, AfterValidator(_check_font_file)]


def _check_embedded_file(value: str) -> str:
    # Word embeds and reads TrueType outlines only; a file the DOCX cannot carry is said,
    # never left out in silence (the cabinet would see another font)
    if Path(value).suffix.lower() != ".ttf":
        raise ValueError(
            f"« {value} » n'est pas une police TrueType (.ttf) : Word n'embarque que celles-là "
            "(fonts/make_truetype.py en fait depuis des .otf)"
        )
    if not _font_file(value).is_file():
        raise ValueError(f"« {value} » n'existe pas")
    return value


EmbeddedFile = Annotated[
    str, AfterValidator(_check_font_file), AfterValidator(_check_embedded_file)
]


class DocxFont(_Strict):
    """The font a DOCX names, and files of fonts/ with its metrics, to foresee its pages;
    embed: the TrueType files the DOCX carries, by style (Word embeds TrueType outlines), so
    that it is set in that font where it is not installed."""

    family: FamilyName
    metrics: dict[Literal["regular", "bold"], FontFile]
    embed: dict[Literal["regular", "bold", "italic", "bold_italic"], EmbeddedFile] = {}

    def files(self) -> dict[str, Path]:
        """Return each metrics file, resolved inside the project's fonts/ folder."""
        return {style: _font_file(value) for style, value in self.metrics.items()}

    def embedded(self) -> dict[str, Path]:
        """Return each file to embed, by style, resolved (each is a TrueType file there)."""
        return {style: _font_file(value) for style, value in self.embed.items()}


class FontFamily(_Strict):
    """A family and its files, relative to the project."""

    family: FamilyName
    regular: FontFile
    italic: FontFile
    bold: FontFile
    bold_italic: FontFile
    semibold: FontFile
    heavy: FontFile

    def files(self) -> dict[str, Path]:
        """Return each style's file, resolved inside the project's fonts/ folder."""
        return {style: _font_file(getattr(self, style)) for style in FONT_STYLES}


@cache  # resolving walks the path on disk: 1 ms, asked hundreds of times per build
def _font_file(value: str) -> Path:
    return (PROJECT / value).resolve()


class Fonts(_Strict):
    """The PDF's families by preference, and the font the DOCX names."""

    pdf: Annotated[list[FontFamily], Field(min_length=1)]
    docx: DocxFont


@dataclass(frozen=True)
class Metrics:
    """The advance widths of a font's characters, to measure lines as a word processor does."""

    widths: dict[int, int]
    units: int
    line: float  # the line height of a 1 pt font, single spacing
    fallback: int
    # Each text's width in font units, once measured: a build measures the same texts for
    # every part and pass, and the watch's renderer at every save.
    measured: dict[str, int] = field(default_factory=dict, compare=False, repr=False)

    def width(self, text: str, size: float) -> float:
        """Return the width of a text set at a size, in points."""
        units = self.measured.get(text)
        if units is None:
            if len(self.measured) > 100_000:  # a long watch: what is no longer said goes
                self.measured.clear()
            units = sum(self.widths.get(ord(c), self.fallback) for c in text)
            self.measured[text] = units
        return units * size / self.units


class Theme(_Strict):
    """The whole visual identity."""

    colours: Colours
    page: Page
    calendar: Calendar
    images: Images
    logo: Logo | None = None
    styles: dict[str, Look]
    roles: dict[str, Look]
    fonts: Fonts
    _file: Path = PrivateAttr(default=THEME_FILE)  # the file messages name
    _edition: Path | None = PrivateAttr(default=None)  # an edition's theme: its folder

    @model_validator(mode="after")
    def _complete(self) -> Theme:
        for name, like in LATER_STYLES.items():
            if name not in self.styles and like in self.styles:
                self.styles[name] = self.styles[like]
        problems = [f"styles.{n}: manque" for n in STYLES if n not in self.styles]
        problems += [f"roles.{n}: manque" for n in ROLES if n not in self.roles]
        palette = type(self.colours).model_fields
        for group, looks in (("styles", self.styles), ("roles", self.roles)):
            for name, look in looks.items():
                if look.colour is not None and look.colour not in palette:
                    problems.append(
                        f"{group}.{name}.colour: « {look.colour} » n'est pas une couleur de "
                        f"colours: ({', '.join(palette)})"
                    )
        if problems:
            raise ValueError(" ; ".join(problems))
        return self

    def colour(self, name: str) -> str:
        """Return a colour of the palette as #RRGGBB."""
        return str(getattr(self.colours, name))

    def style(self, name: str) -> Style:
        """Return a paragraph style with what it does not say taken from body."""
        body, look = self.styles["body"], self.styles[name]

        def pick(key: str, default: Any) -> Any:
            for source in (look, body):
                value = getattr(source, key)
                if value is not None:
                    return value
            return default

        return Style(
            name=name,
            size=pick("size", 10.0),
            weight=pick("weight", 400),
            italic=pick("italic", False),
            colour=self.colour(pick("colour", "text")),
            caps=bool(look.caps),
            tracking=look.tracking or 0.0,
            leading=pick("leading", 1.2),
            before=pick("before", 0.0),
            after=pick("after", 0.0),
            keep=bool(look.keep),
            hyphenate=bool(look.hyphenate),
            indent=look.indent or 0.0,
        )

    def role(self, name: str) -> Role:
        """Return the look of a role of text."""
        look = self.roles[name]
        colour = self.colour(look.colour) if look.colour else None
        return Role(name, look.weight, look.italic, colour)

    def pdf_font(self) -> FontFamily:
        """Return the first PDF family whose files are all in fonts/; warn when falling back."""
        return _choose_font(tuple(self.fonts.pdf), self._file, self._edition)

    def pdf_metrics(self, bold: bool = False) -> Metrics:
        """Return the metrics of the PDF's font, regular or bold, to measure its lines."""
        return _metrics(self.pdf_font().files()["bold" if bold else "regular"])

    def lines(
        self,
        texts: Iterable[str],
        style: str = "body",
        indent: float = 0.0,
        output: str = "pdf",
        width: float | None = None,
    ) -> int:
        """Return how many lines texts take, each a paragraph, in an output's font.

        indent: millimetres the column loses to a rule or a margin; width: the column's, in
        millimetres, the text's width by default. Both outputs decide on this count, so that
        they split the same events.
        """
        look = self.style(style)
        metrics = self.pdf_metrics(look.bold) if output == "pdf" else self.docx_metrics(look.bold)
        column = ((width or self.page.text_width) - indent) * _POINTS_PER_MM
        return sum(_wrap(text.split(), metrics, look.size, column) for text in texts)

    def may_split(self, texts: Iterable[str]) -> bool:
        """Say whether an event of this running text may break across two pages.

        Both outputs ask, and split the same events; the column is the PDF's, inside the rule
        and the padding at the event's left.
        """
        return self.lines(texts, indent=EVENT_INDENT) > self.calendar.split_lines

    def docx_metrics(self, bold: bool) -> Metrics:
        """Return the metrics of the DOCX's font, regular or bold."""
        files = self.fonts.docx.files()
        return _metrics(files["bold" if bold and "bold" in files else "regular"])

    def check_glyphs(self, strings: Iterable[tuple[str, Origin | None]]) -> None:
        """Refuse text the PDF's fonts cannot show: WeasyPrint would take a machine's font.

        Each character is reported once, where it first stands (field and line).
        """
        family = self.pdf_font()
        files = family.files()
        # the running text is set in the regular and bold faces; the others share their coverage
        covered = _cmap(files["regular"]) & _cmap(files["bold"])
        missing: dict[str, tuple[str, Origin | None]] = {}
        for text, origin in strings:
            for index, character in enumerate(text):
                if ord(character) not in covered and character not in "\n\t" | missing.keys():
                    context = text[max(0, index - 25) : index + 25].replace("\n", " ")
                    missing[character] = (context, origin)
        if missing:
            raise DataError(
                [
                    Problem(
                        origin.file if origin and origin.file else THEME_FILE,
                        origin.line if origin else None,
                        origin.column if origin else None,
                        origin.field if origin else "",
                        f"le PDF ne peut pas afficher « {c} » (U+{ord(c):04X}), dans "
                        f"« …{context}… » : la police {family.family} n'a pas ce caractère ; "
                        "retirez-le, ou ajoutez dans fonts/ une police qui l'a "
                        "(templates/theme.yaml)",
                    )
                    for c, (context, origin) in missing.items()
                ]
            )

    def css(self, medium: str = "print") -> str:
        """Return the @font-face rules, variables and a rule per style and role, for a medium.

        print: the page of the PDF, sizes in points, fonts by their file: URL. screen: sizes in
        rem of the body's size (the reader's own text size, 16 px unless they chose another),
        the fonts named beside the stylesheet, in fonts/, where the web edition copies them.
        """
        family = self.pdf_font()
        body = self.style("body")
        screen = medium == "screen"
        points = _in_rem(body.size) if screen else _in_points
        faces = "\n".join(
            f'@font-face {{ font-family: "{family.family}"; '
            f'src: url("{f"fonts/{path.name}" if screen else path.as_uri()}"); '
            f"font-weight: {_FACES[style][0]}; font-style: {_FACES[style][1]};"
            f"{' font-display: swap;' if screen else ''} }}"
            for style, path in family.files().items()
        )
        variables = [f"  --{name}: {value};" for name, value in self.colours.model_dump().items()]
        variables.append(f'  --font: "{family.family}";')
        if not screen:
            variables += [f"  --page-{n}: {v}mm;" for n, v in self.page.model_dump().items()]
        for kind, box in self.images.model_dump().items():
            for side in ("width", "height"):
                length = points(box[side] * _POINTS_PER_MM) if screen else f"{box[side]}mm"
                variables.append(f"  --{kind}-{side}: {length};")
        for name in self.styles:
            variables += [f"  --{_css_name(name)}-size: {points(self.style(name).size)};"]
        rules = [_style_rule(self.style(name), points) for name in self.styles]
        rules += [_role_rule(self.role(name)) for name in self.roles]
        size = "100%" if screen else points(body.size)
        base = (
            f"html {{ font-family: var(--font), sans-serif; font-size: {size}; "
            f"line-height: {body.leading}; color: {body.colour}; }}"
        )
        parts = [faces] if screen else [faces, self._pages()]
        return "\n".join([*parts, ":root {", *variables, "}", base, *rules]) + "\n"

    def font_files(self) -> list[Path]:
        """Return the font files the stylesheet names, in fonts/."""
        return list(self.pdf_font().files().values())

    def _pages(self) -> str:
        page = self.page
        top, bottom, inner, outer = (
            f"{v}mm" for v in (page.top, page.bottom, page.inner, page.outer)
        )
        return (
            f"@page {{ size: {page.width}mm {page.height}mm; }}\n"
            f"@page :right {{ margin: {top} {outer} {bottom} {inner}; }}\n"
            f"@page :left {{ margin: {top} {inner} {bottom} {outer}; }}"
        )


_POINTS_PER_MM = 72 / 25.4
EVENT_INDENT = 6.0  # millimetres: the rule and the padding at an event's left (print.css)
# millimetres between two events, from the last line of one to the date of the next: its
# padding below (1 mm), its margin (4 mm), the next one's padding above its date (3 mm)
EVENT_GAP = 8.0
# millimetres of white left of a picture floated at the right of its text, and under it, by
# the picture's role (print.css: .picture-portrait, .picture-profile)
FLOAT_GAPS = {"portrait": (6.0, 4.0), "profile": (5.0, 3.0)}
# millimetres around a table's cells' text (top, right, bottom, left) and under the table
# (print.css: .table th, .table td padding; .table margin-bottom)
TABLE_PADDING = (1.2, 2.0, 1.2, 0.0)
TABLE_AFTER = 5.0


@dataclass(frozen=True)
class Row:
    """What print.css sets side by side in flex rows: items width mm wide at least (their
    flex basis, or their width), gap mm apart."""

    width: float
    gap: float

    def per_row(self, text_width: float) -> int:
        """Return how many items a row of the text's width holds."""
        return max(1, int((text_width + self.gap) // (self.width + self.gap)))


KEY_FIGURES = Row(width=35.0, gap=8.0)  # .key-figures: gap 8 mm, li flex 1 1 35 mm
TEAM = Row(width=38.0, gap=4.0)  # .team: gap 4 mm, .member 38 mm wide


def _wrap(words: list[str], metrics: Metrics, size: float, width: float) -> int:
    """Return how many lines words take when each line holds what fits, greedily."""
    lines, used = 1, 0.0
    space = metrics.width(" ", size)
    for word in words:
        needed = metrics.width(word, size) + (space if used else 0.0)
        if used and used + needed > width:
            lines, used = lines + 1, metrics.width(word, size)
        else:
            used += needed
    return lines


def _in_points(value: float) -> str:
    return f"{value}pt"


def _in_rem(body: float) -> Callable[[float], str]:
    """Return how a screen writes a length in points: in rem, the body's size being 1 rem."""

    def rem(value: float) -> str:
        return f"{round(value / body, 3):g}rem"

    return rem


def _css_name(name: str) -> str:
    return name.replace("_", "-")


def _style_rule(style: Style, points: Callable[[float], str] = _in_points) -> str:
    """Return the CSS rule of a paragraph style: the class s-<name>."""
    declarations = [
        f"font-size: {points(style.size)}",
        f"font-weight: {style.weight}",
        f"font-style: {'italic' if style.italic else 'normal'}",
        f"color: {style.colour}",
        f"line-height: {style.leading}",
        f"margin-top: {points(style.before)}",
        f"margin-bottom: {points(style.after)}",
    ]
    if style.caps:
        declarations.append("text-transform: uppercase")
    if style.tracking:
        declarations.append(f"letter-spacing: {style.tracking}em")
    if style.keep:
        declarations.append("break-after: avoid")
    declarations.append(f"hyphens: {'auto' if style.hyphenate else 'manual'}")
    if style.indent:
        on_screen = points is not _in_points
        indent = points(style.indent * _POINTS_PER_MM) if on_screen else f"{style.indent}mm"
        declarations.append(f"margin-left: {indent}")
    # running text's paragraphs carry no class: the body style is theirs
    selector = f".s-{_css_name(style.name)}" + (", p:not([class])" if style.name == "body" else "")
    return f"{selector} {{ {'; '.join(declarations)}; }}"


def _role_rule(role: Role) -> str:
    """Return the CSS rule of a role of text: the class r-<name>."""
    declarations = []
    if role.weight is not None:
        declarations.append(f"font-weight: {role.weight}")
    if role.italic is not None:
        declarations.append(f"font-style: {'italic' if role.italic else 'normal'}")
    if role.colour is not None:
        declarations.append(f"color: {role.colour}")
    return f".r-{_css_name(role.name)} {{ {'; '.join(declarations)}; }}"


@cache  # chosen once: the glyph check and the CSS both ask, the warning comes once
@cache
def _choose_font(
    families: tuple[FontFamily, ...], file: Path = THEME_FILE, edition: Path | None = None
) -> FontFamily:
    homes = (FONTS, edition) if edition is not None else (FONTS,)
    for index, family in enumerate(families):
        files = family.files()
        outside = [p for p in files.values() if not any(p.is_relative_to(h) for h in homes)]
        if outside:
            raise RenderError(
                f"{file}: fonts.pdf[{index}]: les polices viennent de fonts/"
                + (" ou du dossier de l'édition" if edition is not None else "")
                + f", pas de {outside[0]}"
            )
        missing = [p.name for p in files.values() if not p.is_file()]
        if not missing:
            return family
        log.warning(
            "%s: warning: police %s absente de %s (%s) : le PDF prend la suivante",
            file,
            family.family,
            "fonts/" if edition is None else "fonts/ et du dossier de l'édition",
            ", ".join(missing),
        )
    raise RenderError(f"{file}: aucune police du PDF n'a tous ses fichiers")


@cache
def _cmap(path: Path) -> frozenset[int]:
    return frozenset(TTFont(path, lazy=True).getBestCmap())


@cache
def _metrics(path: Path) -> Metrics:
    font = TTFont(path, lazy=True)
    cmap = font.getBestCmap()
    advances = font["hmtx"].metrics
    widths = {code: advances[name][0] for code, name in cmap.items()}
    hhea = font["hhea"]
    units = font["head"].unitsPerEm
    return Metrics(widths, units, (hhea.ascent - hhea.descent) / units, widths[ord("n")])


THEME_VARIABLE = "DOSSIER_THEME"  # another theme file: a ministry's own, with its logo


def load_theme(file: Path | None = None, over: Path | None = None) -> Theme:
    """Read the theme file, strictly, as the edition's data are read.

    Without a file: the one DOSSIER_THEME names, else templates/theme.yaml. over: an edition's
    own theme (its theme.yaml, or the file its `theme:` names), written over that one: it
    says only what it changes (the logo, colours, fonts), its files in the edition's folder.
    """
    if file is None:
        chosen = os.environ.get(THEME_VARIABLE)
        file = Path(chosen).expanduser() if chosen else THEME_FILE
    file = file.resolve()
    if over is None:
        return _load_theme(file, _stamp(file))
    over = over.resolve()
    return _load_edition_theme(file, over, _stamp(file), _stamp(over))


def _stamp(file: Path) -> tuple[int, int]:
    # a theme edited while `dossier watch` runs is read again: the cache knows it by this
    try:
        status = file.stat()
    except OSError:
        return (0, 0)
    return (status.st_mtime_ns, status.st_size)


@cache
def _load_theme(file: Path, stamp: tuple[int, int] = (0, 0)) -> Theme:
    theme = load_model(file, Theme)
    if theme.logo is not None:
        theme.logo.check(file)
    theme._file = file
    return theme


@cache
def _load_edition_theme(
    file: Path, over: Path, stamp: tuple[int, int], over_stamp: tuple[int, int]
) -> Theme:
    edition = _edition_of(over)
    theme = load_over(
        file, over, Theme, lambda data: _rebase(data, over.parent), {"edition": edition}
    )
    if theme.logo is not None:
        theme.logo.check(over, edition)
    theme._file, theme._edition = over, edition
    return theme


def _edition_of(file: Path) -> Path:
    for folder in file.parents:
        if (folder / "edition.yaml").is_file():
            return folder
    return file.parent


def _rebase(data: dict[str, Any], folder: Path) -> None:
    """Make the paths of an edition's theme its own folder's: its logo, its fonts' files."""

    def mend(group: Any, key: str) -> None:
        if isinstance(group, dict) and isinstance(group.get(key), str):
            path = Path(group[key]).expanduser()
            group[key] = str(path if path.is_absolute() else folder / path)

    mend(data.get("logo"), "file")
    fonts = data.get("fonts")
    if isinstance(fonts, dict):
        for family in fonts.get("pdf") or [] if isinstance(fonts.get("pdf"), list) else []:
            for style in FONT_STYLES:
                mend(family, style)
        docx = fonts.get("docx")
        if isinstance(docx, dict):
            for style in ("regular", "bold"):
                mend(docx.get("metrics"), style)
            for style in ("regular", "bold", "italic", "bold_italic"):
                mend(docx.get("embed"), style)


def theme_files(over: Path) -> list[Path]:
    """Return an edition's theme file and the files it names in the edition's folder (its
    logo, its fonts), as `dossier new` copies them to the next edition."""
    theme = load_theme(over=over)
    edition = _edition_of(over.resolve())
    files = [over.resolve()]
    if theme.logo is not None:
        files.append(theme.logo.path())
    for family in theme.fonts.pdf:
        files += family.files().values()
    files += theme.fonts.docx.files().values()
    files += theme.fonts.docx.embedded().values()
    return list(dict.fromkeys(f for f in files if f.is_relative_to(edition)))
