"""The data model of a press kit edition: what a press office writes, and the rules it obeys."""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import re
import typing
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    RootModel,
    ValidationInfo,
    field_validator,
    model_validator,
)

LINK_SCHEMES = ("https", "http", "mailto", "tel")
PAGE_REFERENCE = "{page}"  # in [p. {page}](#id): the page number of the section #id

FieldPath = tuple[str | int, ...]

# `[texte](https://…)` in running text is a link; `[texte](#id)` points to a section. The
# address may hold one level of parentheses, as Wikipedia's do: …/Conseil_d'État_(France).
LINK_TARGET = r"(?:[^()\s]|\([^()\s]*\))++"
INLINE_LINK = re.compile(rf"\[([^\[\]]++)\]\(({LINK_TARGET})\)")
# A phrase in another language: [Kozé ansanm]{lang=rcf} (a BCP 47 tag, as HTML's lang).
LANG_TAG = r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*+"
INLINE_LANG = re.compile(rf"\[([^\[\]]++)\]\{{lang=({LANG_TAG})\}}")
_INLINE = re.compile(rf"{INLINE_LINK.pattern}|{INLINE_LANG.pattern}")

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_TIME = re.compile(r"^(\d{1,2})\s*[:hH]\s*(\d{2})?$")


def _check_text(value: str) -> str:
    match = _CONTROL.search(value)
    if match:
        raise ValueError(
            f"caractère de contrôle invisible U+{ord(match.group()):04X} à la position "
            f"{match.start() + 1} : supprimez-le"
        )
    for _, url in INLINE_LINK.findall(value):
        if not url.startswith("#"):
            check_url(url)
    rest = INLINE_LANG.sub("", INLINE_LINK.sub("", value))
    if re.search(r"\]\s*\{\s*lang", rest):
        raise ValueError(
            "une langue est mal indiquée : écrivez [texte]{lang=en}, un code de langue (en, "
            "es, rcf, pt-BR…) juste après le crochet, sans espace"
        )
    # « ](» that did not make a link, or « ] (https://… » : a link the reader would see as typed.
    # « [liste complète] (voir l'annexe) » is only brackets and parentheses.
    if re.search(r"\]\(|\]\s+\((?:https?:|mailto:|tel:|www\.|#)", rest, re.IGNORECASE):
        raise ValueError(
            "un lien est mal écrit : écrivez [texte du lien](https://adresse), l'adresse sans "
            "espace, entre parenthèses, juste après le crochet"
        )
    if PAGE_REFERENCE in rest:
        raise ValueError(
            f"{PAGE_REFERENCE} ne prend un numéro de page que dans un renvoi : "
            f"[p. {PAGE_REFERENCE}](#identifiant-de-la-section)"
        )
    return value


def _no_page_reference(value: str) -> str:
    # A title is printed where no number can follow its section (contents, bookmarks, headers).
    if PAGE_REFERENCE in value:
        raise ValueError(
            f"un renvoi de page ({PAGE_REFERENCE}) ne peut pas figurer dans un titre : "
            "mettez-le dans le texte qui suit"
        )
    return value


def _no_link(value: str) -> str:
    # Metadata and what a screen reader says of an image are never links: markup would be
    # printed as it is written, brackets and address.
    if INLINE_LINK.search(value) or INLINE_LANG.search(value):
        raise ValueError(
            "ce texte ne peut pas être un lien (il va dans les métadonnées, ou est lu par les "
            "lecteurs d'écran) : écrivez le texte seul, sans [ ](adresse) ni [ ]{lang=…}"
        )
    return value


def _blank_is_error(value: Any) -> Any:
    # Spaces, and characters that take no room (U+200B, U+FEFF, a soft hyphen…), print nothing.
    if isinstance(value, str) and not any(
        not c.isspace() and unicodedata.category(c) != "Cf" for c in value
    ):
        raise ValueError("le texte est vide (ou ne contient que des caractères invisibles)")
    return value


def check_url(value: str) -> str:
    """Refuse a link whose scheme a reader's PDF viewer should not follow."""
    if _CONTROL.search(value) or any(c.isspace() for c in value):
        raise ValueError(f"le lien « {value} » contient des espaces ou des caractères invisibles")
    scheme, sep, rest = value.partition(":")
    if not sep or scheme.lower() not in LINK_SCHEMES:
        raise ValueError(
            f"le lien « {value} » n'est pas permis : un lien commence par https:, http:, "
            "mailto: ou tel:"
        )
    if scheme.lower() in ("http", "https") and (
        not rest.startswith("//") or not rest[2:].split("/", 1)[0]
    ):
        raise ValueError(f"le lien « {value} » n'a pas d'adresse de site après {scheme}://")
    if scheme.lower() in ("mailto", "tel") and not rest:
        raise ValueError(f"le lien « {value} » est incomplet")
    return value


def _check_relative_path(value: str) -> str:
    path = PurePosixPath(value.replace("\\", "/"))
    if ":" in value or path.is_absolute() or ".." in path.parts:
        raise ValueError(
            f"le chemin « {value} » sort du dossier de l'édition : donnez un chemin relatif "
            "à ce dossier, comme images/portrait.jpg"
        )
    return value


def _parse_time(value: Any) -> Any:
    if isinstance(value, str):
        match = _TIME.match(value.strip())
        if not match:
            raise ValueError(f"« {value} » n'est pas une heure : écrivez-la 09:30 ou 14:00")
        hour, minute = int(match.group(1)), int(match.group(2) or 0)
        if hour > 23 or minute > 59:
            raise ValueError(f"« {value} » n'est pas une heure qui existe")
        return dt.time(hour, minute)
    return value


def _check_locale(value: str) -> str:
    # Every word, date and rule of the kit is French: another language would print French
    # words under its tag. Regional variants of French (fr_BE, fr_CA…) are fine.
    if not re.fullmatch(r"fr(_[A-Z]{2})?", value):
        raise ValueError(
            f"« {value} » n'est pas une langue prise en charge : dossier compose en français ; "
            "écrivez fr_FR (ou une variante régionale comme fr_BE), ou retirez locale:"
        )
    return value


# The years a press kit's dates may take: 9999-12-31, a placeholder for « to be confirmed »,
# would print as a date and overflow the calendars that count days after it.
FIRST_YEAR, LAST_YEAR = 1900, 2199


def _iso_date(value: Any) -> Any:
    # A date is written 2021-11-03: pydantic would read 1636502400 as seconds since 1970.
    if isinstance(value, str) and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
        raise ValueError(
            f"« {value} » n'est pas une date : écrivez-la AAAA-MM-JJ, comme 2021-11-03"
        )
    if isinstance(value, str) and not FIRST_YEAR <= int(value.strip()[:4]) <= LAST_YEAR:
        raise ValueError(
            f"« {value.strip()} » : une année entre {FIRST_YEAR} et {LAST_YEAR} est attendue ; "
            "pour une date encore à confirmer, donnez la date prévue et dites-le dans la "
            "description"
        )
    return value


def _whole_number(value: Any) -> Any:
    if isinstance(value, str) and not re.fullmatch(r"\d{1,4}", value.strip()):
        raise ValueError(
            f"« {value} » n'est pas un nombre entier : écrivez-le en chiffres, comme 8"
        )
    return value


def _check_email(value: str) -> str:
    # ? # % begin a query, a fragment, an escape in the mailto: link: the address would differ
    if not re.fullmatch(
        r"[^@\s<>()\[\],;:\"?#%]+@[^@\s<>()\[\],;:\"?#%]+\.[a-zA-Z]{2,}", value.strip()
    ):
        raise ValueError(
            f"« {value} » n'est pas une adresse électronique : écrivez-la comme "
            "presse@ministere.gouv.fr"
        )
    return value.strip()


def dial(phone: str) -> str:
    """Return the number a tel: link dials: +33 (0)1 99 00 12 34 → +33199001234."""
    number = re.sub(r"\(0\)", "", phone)  # the French press's « +33 (0)1 »: the 0 is not dialled
    number = re.sub(r"[\s.\-()\u00a0\u202f]", "", number)
    if re.fullmatch(r"0[1-9]\d{8}", number):
        number = "+33" + number[1:]  # a French number, as any phone abroad dials it
    return number


def _check_phone(value: str) -> str:
    if not re.fullmatch(r"\+?[\d\s.\-()\u00a0\u202f]{6,30}", value) or not re.fullmatch(
        r"\+?\d{6,15}", dial(value)
    ):
        raise ValueError(
            f"« {value} » n'est pas un numéro de téléphone : écrivez-le 01 23 45 67 89, "
            "+33 1 23 45 67 89 ou +33 (0)1 23 45 67 89"
        )
    return value


def _as_list(value: Any) -> Any:
    return [value] if isinstance(value, str | dict) else value


def slugify(text: str) -> str:
    """Turn a heading into an identifier: lower case ASCII words joined by hyphens."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:60].strip("-") or "section"


def split_inline(text: str) -> Iterator[tuple[str, str | None, str | None]]:
    """Split running text into (text, target, language) pieces: links, phrases in another
    language; target and language are None outside them."""
    position = 0
    for match in _INLINE.finditer(text):
        if match.start() > position:
            yield text[position : match.start()], None, None
        if match.group(1) is not None:
            yield match.group(1), match.group(2), None
        else:
            yield match.group(3), None, match.group(4)
        position = match.end()
    if position < len(text):
        yield text[position:], None, None


def format_path(path: FieldPath) -> str:
    """Write a field path as a reader writes it: sections[5].events[4].end."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def parse_path(text: str) -> FieldPath:
    """Read a field path written as format_path writes it: sections[5].events[4].end."""
    parts: list[str | int] = []
    for match in re.finditer(r"([^.\[\]]+)|\[(\d+)\]", text):
        parts.append(int(match.group(2)) if match.group(2) is not None else match.group(1))
    return tuple(parts)


@dataclass(frozen=True)
class Kind:
    """What a field is, as the outputs print it and a reviewer's edit of it reads back.

    - "line": one text, set in French (a title, a name, a paragraph);
    - "paragraphs": a list of paragraphs; "blocks": a list of blocks, each a paragraph, a bullet
      list or a subheading; "bullets": a bullet list's items;
    - "when": an event's days and hours (date, dates, from, to, start, end), printed as one line;
    - "names": a list of names printed as one French list (« A, B et C »);
    - "fixed": printed in a form the program composes (a period, an ordinal, a date of
      publication, a link's address behind « En savoir plus »): never read back from its print.

    Declared in the model's annotations (Annotated[…, Kind("blocks")]); Edition.field_kind
    says it for a path, with the list an item belongs to: "line@blocks", "subheading@blocks".
    """

    name: str


LINE, WHEN, NAMES, FIXED = "line", "when", "names", "fixed"
LISTS = ("paragraphs", "blocks", "bullets")


@dataclass(frozen=True)
class Origin:
    """Where a value of an edition comes from: its field, and its place in the source file.

    kind is what the model says the field is (Kind; Edition.field_kind), "" when unknown.
    """

    path: FieldPath
    file: Path | None = None
    line: int | None = None
    column: int | None = None
    kind: str = ""

    @property
    def field(self) -> str:
        """Return the field path as errors name it: sections[9].events[4].title."""
        return format_path(self.path)

    def __str__(self) -> str:
        where = [str(self.file)] if self.file is not None else []
        where += [str(n) for n in (self.line, self.column) if n is not None]
        return ":".join([*where, self.field])


@dataclass(frozen=True)
class Source:
    """The file an edition was read from: where each value stands in it, and its digest."""

    file: Path
    digest: str  # SHA-256 of the file's bytes: which state of the data an output was made from
    positions: Mapping[FieldPath, tuple[int, int]] = field(default_factory=dict)
    images: Mapping[str, tuple[int, int]] = field(default_factory=dict)  # src → pixels

    def origin(self, path: FieldPath) -> Origin:
        """Return the origin of the value at a path (the YAML keys, aliases included).

        A one-item list may have been written as its item alone (`description: text` for
        `description: [text]`), a paragraph as a bare string rather than `paragraph:`: the
        nearest enclosing value that the file holds is then the field.
        """
        for end in range(len(path), 0, -1):
            position = self.positions.get(path[:end])
            if position is not None:
                return Origin(path[:end], self.file, *position)
        return Origin(path, self.file)


Text = Annotated[str, BeforeValidator(_blank_is_error), AfterValidator(_check_text)]
When = Kind(WHEN)
Fixed = Kind(FIXED)
Title = Annotated[Text, AfterValidator(_no_page_reference)]
PlainText = Annotated[Text, AfterValidator(_no_link)]  # never a link: alt text, keywords
Url = Annotated[str, AfterValidator(check_url)]
RelativePath = Annotated[str, AfterValidator(_check_relative_path)]
Time = Annotated[dt.time, BeforeValidator(_parse_time)]
Date = Annotated[dt.date, BeforeValidator(_iso_date)]


def _yes_no(value: Any) -> Any:
    # A French press office writes oui and non; YAML's true and false stay understood.
    if isinstance(value, str) and value.strip().lower() in ("oui", "non"):
        return value.strip().lower() == "oui"
    return value


Flag = Annotated[bool, BeforeValidator(_yes_no)]
Slug = Annotated[str, Field(pattern=_SLUG.pattern, max_length=80)]
Paragraphs = Annotated[list[Text], BeforeValidator(_as_list), Kind("paragraphs")]


class Model(BaseModel):
    """Every model refuses keys it does not know, so that a typo is never ignored."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Link(Model):
    """A link with its visible text."""

    text: Text
    url: Annotated[Url, Fixed]


class Image(Model):
    """An image of the edition's folder; alt text is what a screen reader says."""

    src: RelativePath
    alt: PlainText
    caption: Text | None = None
    credit: Text | None = None  # « © Préfecture de la Réunion »: printed after the caption


class Person(Model):
    """Someone who speaks in the kit, an event's speaker, one of a team."""

    name: Title
    role: Text | None = None
    organisation: Text | None = None
    portrait: Image | None = None  # shown in a team; an édito's and an interview's have theirs


class Quote(Model):
    """Words someone said, and who: « … », Marie Durand, directrice."""

    text: Text
    attribution: Text | None = None


class Callout(Model):
    """A titled box beside the text: « À savoir », « Accréditations »."""

    title: Title | None = None
    body: Annotated[list[Text], BeforeValidator(_as_list), Field(min_length=1), Kind("paragraphs")]


class KeyFigure(Model):
    """A number set large, and what it counts: 81 / dépôts de projets."""

    number: PlainText
    label: Text


Cell = Text | None  # a table's cell; ~ or nothing for an empty one


class Table(Model):
    """A simple table: a header row, then rows of text cells, as many as the header has."""

    caption: Text | None = None
    header: Annotated[list[PlainText], Field(min_length=1)]
    rows: Annotated[list[list[Cell]], Field(min_length=1)]

    @model_validator(mode="after")
    def _rows_as_wide_as_the_header(self) -> Table:
        for number, row in enumerate(self.rows, start=1):
            if len(row) != len(self.header):
                raise ValueError(
                    f"la ligne {number} du tableau a {len(row)} cellule(s), l'en-tête "
                    f"{len(self.header)} : une cellule vide s'écrit ~"
                )
        return self


# Each kind of block, by its key, and what the French messages call it.
BLOCK_KINDS = {
    "paragraph": "un paragraphe",
    "list": "une liste à puces (list:)",
    "numbered": "une liste numérotée (numbered:)",
    "subheading": "un intertitre (subheading:)",
    "subsubheading": "un intertitre de second niveau (subsubheading:)",
    "quote": "une citation (quote:)",
    "callout": "un encadré (callout:)",
    "key_figures": "des chiffres clés (key_figures:)",
    "figure": "une image (figure:)",
    "table": "un tableau (table:)",
}


class Block(Model):
    """One block of running text: a paragraph, a list, a subheading, a quote, a box…"""

    paragraph: Text | None = None
    bullets: Annotated[list[Text], Field(min_length=1), Kind("bullets")] | None = Field(
        None, alias="list"
    )
    numbered: Annotated[list[Text], Field(min_length=1), Kind("bullets")] | None = None
    subheading: Annotated[Title, Kind("subheading")] | None = None
    subsubheading: Annotated[Title, Kind("subheading")] | None = None
    quote: Quote | None = None
    callout: Callout | None = None
    key_figures: Annotated[list[KeyFigure], Field(min_length=1)] | None = None
    figure: Image | None = None
    table: Table | None = None

    @model_validator(mode="before")
    @classmethod
    def _plain_text_is_a_paragraph(cls, value: Any) -> Any:
        return {"paragraph": value} if isinstance(value, str) else value

    @model_validator(mode="after")
    def _exactly_one(self) -> Block:
        given = [
            key
            for key in BLOCK_KINDS
            if getattr(self, "bullets" if key == "list" else key) is not None
        ]
        if len(given) != 1:
            named = ", ".join(BLOCK_KINDS[key] for key in given) or "aucun"
            raise ValueError(
                "un bloc est un seul de : " + ", ".join(BLOCK_KINDS.values()) + f" ({named})"
            )
        return self

    @property
    def key(self) -> str:
        """Return which kind of block it is, as the YAML names it."""
        return next(k for k in BLOCK_KINDS if getattr(self, "bullets" if k == "list" else k))


Blocks = Annotated[list[Block], BeforeValidator(_as_list), Kind("blocks")]


class SectionBase(Model):
    """What every section has: an anchor, a heading, whether it opens a new page."""

    id: Slug | None = None
    heading: Title | None = None
    short_heading: Title | None = None
    new_page: Flag = True

    @model_validator(mode="after")
    def _page_needs_heading(self) -> SectionBase:
        if self.new_page and not self.heading:
            raise ValueError(
                "une section qui ouvre une page a besoin d'un titre (heading:), "
                "repris dans le sommaire et en haut des pages"
            )
        return self

    @property
    def anchor(self) -> str:
        """Return the identifier that links and the contents point to."""
        return self.id or slugify(self.heading or self.kind)  # type: ignore[attr-defined]


class Edito(SectionBase):
    """The minister's foreword."""

    kind: Literal["edito"]
    author: Person
    portrait: Image | None = None
    paragraphs: Annotated[Blocks, Field(min_length=1)]
    pull_quote: Text | None = None


class Answer(Model):
    """One question of an interview and its answer."""

    question: Text
    answer: Annotated[Blocks, Field(min_length=1)]


class Interview(SectionBase):
    """ "Deux questions à…": one person answers a few questions."""

    kind: Literal["interview"]
    person: Person
    portrait: Image | None = None
    questions: Annotated[list[Answer], Field(min_length=1)]


class TextSection(SectionBase):
    """Running text: paragraphs, lists and subheadings."""

    kind: Literal["text"]
    body: Annotated[Blocks, Field(min_length=1)]


class Theme(Model):
    """One theme of the programme."""

    title: Title
    description: Text | None = None
    link: Link | None = None


class Themes(SectionBase):
    """The themes the programme is organised around."""

    kind: Literal["themes"]
    intro: Blocks = []
    themes: Annotated[list[Theme], Field(min_length=1)]


class Entry(Model):
    """One lab or partner of a directory."""

    name: Title
    detail: Text | None = None
    url: Annotated[Url, Fixed] | None = None
    logo: Image | None = None  # a partner's logo: the entries with one are set as a grid


class Directory(SectionBase):
    """A list of labs or partners."""

    kind: Literal["directory"]
    intro: Blocks = []
    entries: Annotated[list[Entry], Field(min_length=1)]
    outro: Blocks = []


class Venue(Model):
    """Where the edition takes place: a building, its address, how to get there and in."""

    name: Title
    address: PlainText | None = None  # « 139 rue de Bercy, 75012 Paris »
    access: Text | None = None  # « Métro Bercy (lignes 6 et 14) »
    accessibility: Text | None = None  # « Accessible en fauteuil roulant, boucle magnétique »
    url: Annotated[Url, Fixed] | None = None  # the venue's page, or a map


class Session(Model):
    """A part of an event: a talk, a workshop in a slot, with its hours and its room."""

    title: Title
    start: Annotated[Time, When] | None = None
    end: Annotated[Time, When] | None = None
    place: PlainText | None = None
    speakers: list[Person] = []

    @field_validator("end")
    @classmethod
    def _end_after_start(cls, value: dt.time | None, info: ValidationInfo) -> dt.time | None:
        start = info.data.get("start")
        if value is not None and start is not None and value <= start:
            raise ValueError(f"{value:%H:%M} n'est pas après le début, {start:%H:%M}")
        return value


class Event(Model):
    """One event of a calendar and when it takes place.

    Exactly one of: `date` (one day), `dates` (two or more days), `from` (a range of days,
    up to `to`, or open-ended without it). `start` and `end` give the hours.
    """

    title: Title | None = None
    organisers: Annotated[list[Text], BeforeValidator(_as_list), Kind(NAMES)] = []
    date: Annotated[Date, When] | None = None
    dates: Annotated[list[Date], Field(min_length=2), When] | None = None
    first_day: Annotated[Date, When] | None = Field(default=None, alias="from")
    last_day: Annotated[Date, When] | None = Field(default=None, alias="to")
    start: Annotated[Time, When] | None = None
    end: Annotated[Time, When] | None = None
    # where: a room of the edition's venue, or a place of its own (« Préfecture de Rennes »);
    # online: the address to join it from afar
    place: PlainText | None = None
    online: Annotated[Url, Fixed] | None = None
    speakers: list[Person] = []  # « Avec : Nadia Payet, directrice (Lab de la Réunion) »
    description: Blocks = []
    sessions: list[Session] = []  # its parts, each in its slot, after its description
    link: Annotated[Url, Fixed] | None = None
    notes: Blocks = []
    # a date before or after the edition's period, on purpose (an opening the evening before,
    # open days after): dossier check no longer warns of it
    outside_period: Flag = False

    @field_validator("dates")
    @classmethod
    def _dates_in_order(cls, value: list[dt.date] | None) -> list[dt.date] | None:
        if value is not None:
            for before, after in itertools.pairwise(value):
                if after <= before:
                    raise ValueError(
                        f"les dates vont dans l'ordre, sans doublon : {after.isoformat()} "
                        f"vient après {before.isoformat()}"
                    )
        return value

    @field_validator("last_day")
    @classmethod
    def _last_after_first(cls, value: dt.date | None, info: ValidationInfo) -> dt.date | None:
        first = info.data.get("first_day")
        if value is not None and first is not None and value <= first:
            raise ValueError(
                f"{value.isoformat()} n'est pas après le premier jour, {first.isoformat()}"
            )
        return value

    @field_validator("end")
    @classmethod
    def _end_after_start(cls, value: dt.time | None, info: ValidationInfo) -> dt.time | None:
        start = info.data.get("start")
        if value is not None and start is not None and value <= start:
            where = "est aussi l'heure du début," if value == start else "est avant le début,"
            raise ValueError(
                f"{value:%H:%M} {where} {start:%H:%M} : un événement finit après avoir "
                "commencé ; sans heure de fin connue, retirez end:"
            )
        return value

    @model_validator(mode="after")
    def _one_date_shape(self) -> Event:
        shapes = [
            key
            for key, value in (
                ("date", self.date),
                ("dates", self.dates),
                ("from", self.first_day),
            )
            if value is not None
        ]
        if len(shapes) != 1:
            raise ValueError(
                "donnez la date d'une seule façon : date: (un jour), dates: (plusieurs jours) "
                "ou from: (à partir de, jusqu'à to:)"
                + (f" ; trouvé : {', '.join(shapes)}" if shapes else " ; aucune n'est donnée")
            )
        if self.last_day is not None and self.first_day is None:
            raise ValueError("to: va avec from:, le premier jour")
        if self.end is not None and self.start is None:
            raise ValueError("end: va avec start:, l'heure de début")
        if not (self.title or self.description):
            raise ValueError("un événement a au moins un titre (title:) ou une description")
        return self

    @property
    def days(self) -> tuple[dt.date, dt.date | None]:
        """Return the first day and, when known, the last one."""
        if self.date is not None:
            return self.date, self.date
        if self.dates is not None:
            return self.dates[0], self.dates[-1]
        return self.first_day, self.last_day  # type: ignore[return-value]


class Calendar(SectionBase):
    """A calendar of events, with links to the whole programme."""

    kind: Literal["calendar"]
    intro: Blocks = []
    # by day: a heading for each day, and under it the events of that one day with their
    # hours only (an event of several days keeps its dates, under its first day)
    by_day: Flag = False
    events: list[Event] = []  # empty while the programme is not in yet: a warning, not an error
    links: list[Link] = []


class Profile(Model):
    """One block of a profiles section: a new lab, a partner, a speaker."""

    name: Title
    region: Text | None = None
    image: Image | None = None
    body: Annotated[Blocks, Field(min_length=1)]
    team: list[Person] = []  # its people, with their portraits, after its text


class Profiles(SectionBase):
    """Several profiles, one block each."""

    kind: Literal["profiles"]
    intro: Blocks = []
    profiles: Annotated[list[Profile], Field(min_length=1)]
    outro: Blocks = []


class Mission(Model):
    """One mission of the organiser."""

    title: Title
    body: Annotated[Blocks, Field(min_length=1)]


class Missions(SectionBase):
    """What the organising body does."""

    kind: Literal["missions"]
    intro: Blocks = []
    missions: Annotated[list[Mission], Field(min_length=1)]


class Contact(Model):
    """A press contact."""

    name: Title
    role: Text | None = None
    organisation: Text | None = None
    email: Annotated[str, AfterValidator(_check_email)] | None = None
    phone: Annotated[str, AfterValidator(_check_phone)] | None = None


class Contacts(SectionBase):
    """Who journalists call."""

    kind: Literal["contacts"]
    intro: Blocks = []
    contacts: Annotated[list[Contact], Field(min_length=1)]


Section = Annotated[
    Edito
    | Interview
    | TextSection
    | Themes
    | Directory
    | Calendar
    | Profiles
    | Missions
    | Contacts,
    Field(discriminator="kind"),
]


class Period(Model):
    """The days the event runs."""

    start: Date
    end: Date

    @field_validator("end")
    @classmethod
    def _end_after_start(cls, value: dt.date, info: ValidationInfo) -> dt.date:
        start = info.data.get("start")
        if start is not None and value < start:
            raise ValueError(f"{value.isoformat()} est avant le début, {start.isoformat()}")
        return value


class Publisher(Model):
    """Who publishes the kit."""

    name: Title
    short_name: Title | None = None
    ministry: Text | None = None
    url: Annotated[Url, Fixed] | None = None


class Style(Model):
    """How dates and times are written in this edition."""

    time: Literal["typographic", "colon"] = "typographic"
    year: Literal["always", "other-years"] = "always"


class Revision(Model):
    """Which draft this is, for the cabinet's review rounds."""

    version: Text
    date: Date


class Accessibility(Model):
    """The accessibility statement a French public body's content links to (RGAA, art. 47)."""

    # « Accessibilité : partiellement conforme », as the statement's audit concluded
    status: Annotated[Literal["non", "partiellement", "totalement"], Fixed]
    url: Annotated[Url, Fixed]  # the statement's address


class Edition(Model):
    """One edition of a press kit: its metadata and its sections, in reading order."""

    title: Title
    subtitle: Title | None = None
    # what the document is: « Dossier de presse » unless said (« Livret d'accueil »…)
    kind: PlainText | None = None
    edition_number: (
        Annotated[int, BeforeValidator(_whole_number), Field(ge=1, le=999), Fixed] | None
    ) = None
    period: Annotated[Period, Fixed]
    publication_date: Annotated[Date, Fixed] | None = None
    publisher: Publisher
    slug: Slug
    locale: Annotated[str, AfterValidator(_check_locale)] = "fr_FR"
    style: Style = Style()
    # the edition's own theme (logo, colours, fonts) over the project's, in its folder; without
    # it, a theme.yaml beside edition.yaml is that theme
    theme: Annotated[RelativePath, Fixed] | None = None
    revision: Annotated[Revision, Fixed] | None = None
    keywords: list[PlainText] = []
    cover_image: Image | None = None
    venue: Venue | None = None
    accessibility: Accessibility | None = None
    sections: Annotated[list[Section], Field(min_length=1)]
    _source: Source | None = PrivateAttr(default=None)

    def theme_file(self, folder: Path) -> Path | None:
        """Return the file of this edition's own theme, in its folder, or None."""
        if self.theme is not None:
            return folder / self.theme
        beside = folder / THEME_FILE
        return beside if beside.is_file() else None

    @property
    def source(self) -> Source | None:
        """Return the file this edition was loaded from, with its positions; None if built."""
        return self._source

    def origin(self, path: FieldPath) -> Origin:
        """Return where the value at a path comes from (field path only, when not loaded)."""
        origin = self._source.origin(path) if self._source is not None else Origin(path)
        return replace(origin, kind=self.field_kind(origin.path))

    def field_kind(self, path: FieldPath) -> str:
        """Return what the field at a path is (Kind), with the list it is an item of.

        « line », « when », « names », « fixed », a list's kind (« blocks »…), or an item of
        a list: « line@paragraphs », « line@blocks », « subheading@blocks », « line@bullets ».
        "" for a path the edition does not have.
        """
        node: Any = self
        steps: list[str] = []  # the kind of each step: declared, or "item" for an index
        for part in path:
            if isinstance(node, BaseModel) and isinstance(part, str):
                found = _field_kind(type(node), part)
                if found is None:
                    return ""
                name, kind = found
                steps.append(kind)
                node = getattr(node, name)
            elif isinstance(node, list | tuple) and isinstance(part, int) and part < len(node):
                steps.append("item")
                node = node[part]
            else:
                return ""
        if not steps:
            return ""
        last = steps[-1]
        if last == "item" and len(steps) >= 2:
            holder = steps[-2]
            if holder in LISTS:
                return f"{LINE}@{holder}"
            return holder if holder in (WHEN, NAMES, FIXED) else LINE
        if len(steps) >= 3 and steps[-2] == "item" and steps[-3] == "blocks":
            return f"{'subheading' if last == 'subheading' else LINE}@blocks"  # paragraph:
        if any(step in (WHEN, FIXED) for step in steps[:-1]):  # period.start, revision.date
            return next(step for step in steps if step in (WHEN, FIXED))
        return LINE if last in ("", "subheading") else last

    def texts(self) -> Iterator[str]:
        """Yield every string of the edition, in reading order."""
        yield from _strings(self)


@functools.cache  # asked for every text the view makes: its field and kind are its class's
def _field_kind(model: type[BaseModel], key: str) -> tuple[str, str] | None:
    """Return the field a key of the file names and the Kind it declares; None if none."""
    name = _field_named(model, key)
    return None if name is None else (name, _declared_kind(model.model_fields[name]))


def _field_named(model: type[BaseModel], key: str) -> str | None:
    """Return the field a key of the file names: its name, or its alias (from:, list:)."""
    for name, info in model.model_fields.items():
        if key in (name, info.alias):
            return name
    return None


def _declared_kind(info: Any) -> str:
    """Return the Kind a field's annotation declares, outermost first; "" for plain text."""
    found = [item for item in info.metadata if isinstance(item, Kind)]
    pending = [info.annotation]
    while not found and pending:
        annotation = pending.pop(0)
        found = [item for item in getattr(annotation, "__metadata__", ()) if isinstance(item, Kind)]
        if typing.get_origin(annotation) is not list:  # a list's items are not the list
            pending += [a for a in typing.get_args(annotation) if a is not type(None)]
    return found[0].name if found else ""


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from _strings(getattr(value, name))
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)


class ColumnMapping(RootModel[dict[str, str | dict[str, str]]]):
    """A registrations file's headers, each with the field of an event it holds; under
    « catégories: », the values of the category column, each with the calendar it means."""

    @model_validator(mode="after")
    def _values_under_categories_only(self) -> ColumnMapping:
        for key, value in self.root.items():
            if isinstance(value, dict) and key != CATEGORY_VALUES:
                raise ValueError(
                    f"« {key} » : seules les valeurs des catégories se groupent, sous "
                    f"« {CATEGORY_VALUES}: » (Collectivité territoriale: evenements-collectivites)"
                )
            if key == CATEGORY_VALUES and not isinstance(value, dict):
                raise ValueError(
                    f"« {CATEGORY_VALUES}: » groupe des valeurs, chacune avec l'identifiant de "
                    "son calendrier (Collectivité territoriale: evenements-collectivites)"
                )
        return self


THEME_FILE = "theme.yaml"  # an edition's own theme, beside its edition.yaml
CATEGORY_VALUES = "catégories"  # the mapping file's group of category values
