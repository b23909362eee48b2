"""The view of an edition: typed nodes whose every string is set in French and knows its field.

One node class per section kind and per item kind, with only the fields that kind has. What
a node prints is a `Line`: `Text`s in reading order, each with the field it came from (its
`Origin`: field path, file, line, column) or, for the few words the program adds (« Organisé
par », a separator, an arrow), no origin and a role. Every renderer prints a node's lines in
the order its `lines()` gives, so that the outputs say the same words in the same order.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import Any, ClassVar, Literal, TypedDict, TypeVar
from zoneinfo import ZoneInfo

from dossier import model as m
from dossier.french import (
    French,
    Rich,
    Span,
    Words,
    capitalise,
    file_size,
    plain,
    rich_text,
    typeset,
)
from dossier.model import FieldPath, Origin

M = TypeVar("M")
N = TypeVar("N")

# One hierarchy of headings in every output, never a level skipped: the edition's title is the
# one heading of level 1, the contents and each section opening a page are 2, a section that
# follows under the previous one is 3; what a section holds is one level below its heading.
TITLE_LEVEL = 1
SECTION_LEVEL = 2

# --- Strings that know where they come from ------------------------------------------------


@dataclass(frozen=True)
class Text:
    """A run of printed text from one field, or a word of the program when origin is None.

    role names a look that the theme gives it in every output (templates/theme.yaml, roles:):
    "strong" (a name), "label" (« Organisé par »), "number" (a theme's or a mission's number),
    "detail" (a profile's region), "more" (« En savoir plus »), "link" (a link standing on its
    own line), or "" for running text.
    """

    spans: Rich
    origin: Origin | None = None
    role: str = ""

    def __iter__(self) -> Iterator[Span]:
        return iter(self.spans)

    @property
    def plain(self) -> str:
        """Return the text without its looks."""
        return plain(self.spans)

    def runs(self) -> list[Run]:
        """Return the text as runs of spans that lead to one address (or to none), in order.

        A link of several looks (« [p. {page}](#labs) », « [le 1er mai](…) ») is one run: one
        link, not one per look, for a reader's tab stops and its words read together.
        """
        found: list[Run] = []
        for href, group in itertools.groupby(self.spans, key=lambda span: span.href):
            spans = tuple(group)
            label = next((span.label for span in spans if span.label), None)
            page_of = next((span.page_of for span in spans if span.page_of), None)
            found.append(Run(spans, href, label, page_of))
        return found


@dataclass(frozen=True)
class Run:
    """Spans that lead to one address (href None: to none), with what a reader says of it."""

    spans: Rich
    href: str | None
    label: str | None  # a link's label, if one of its spans has one
    page_of: str | None  # the anchor whose page number it gives, if it gives one


@dataclass(frozen=True)
class Line:
    """What one paragraph (or a heading, a date line, a list item) prints, text by text."""

    texts: tuple[Text, ...]

    def __iter__(self) -> Iterator[Span]:
        for text in self.texts:
            yield from text.spans

    def __bool__(self) -> bool:
        return any(text.spans for text in self.texts)

    @property
    def plain(self) -> str:
        """Return the line's text without its looks (page numbers left out)."""
        return "".join(text.plain for text in self.texts)

    @property
    def fields(self) -> tuple[Origin, ...]:
        """Return the origins of the fields this line prints, in order."""
        return tuple(t.origin for t in self.texts if t.origin is not None)

    def cut(self, measure: Callable[[str], float], at_least: float) -> tuple[Line, Line]:
        """Return the line cut in two, its end measuring at least at_least (or the whole line).

        measure gives the width of a string; the cut falls at a space where it can, never
        inside a link (nor between two of its spans), a superscript or a page number. A
        renderer sets the end apart: the PDF never hyphenates it, so that no paragraph's last
        line starts with half a word.
        """
        texts = list(self.texts)
        total = 0.0
        for t in range(len(texts) - 1, -1, -1):
            spans = texts[t].spans
            for s in range(len(spans) - 1, -1, -1):
                span = spans[s]
                width = measure(span.text)
                whole = bool(span.href or span.page_of or span.sup)
                if total + width >= at_least and not whole:
                    space = _space_before(span.text, measure, at_least - total)
                    if space is not None:
                        head = dataclasses.replace(span, text=span.text[: space + 1])
                        end = dataclasses.replace(span, text=span.text[space + 1 :])
                        return _split(texts, t, (*spans[:s], head), (end, *spans[s + 1 :]))
                total += width
                one_link = s > 0 and span.href is not None and spans[s - 1].href == span.href
                if total >= at_least and not one_link:  # « p. » and its number, one link
                    return _split(texts, t, spans[:s], spans[s:])
        return Line(()), self


def _split(texts: list[Text], at: int, head: Rich, end: Rich) -> tuple[Line, Line]:
    """Return two lines: the texts before at and head, then end and the texts after at."""
    text = texts[at]
    return (
        Line((*texts[:at], dataclasses.replace(text, spans=head))),
        Line((dataclasses.replace(text, spans=end), *texts[at + 1 :])),
    )


def _space_before(text: str, measure: Callable[[str], float], at_least: float) -> int | None:
    """Return the last space of a text after which it measures at least at_least, if any."""
    space = len(text)
    while (space := text.rfind(" ", 0, space)) >= 0:
        if measure(text[space + 1 :]) >= at_least:
            return space
    return None


def word(text: str, role: str = "") -> Text:
    """Return a word of the program (a label, a separator), which no field holds."""
    return Text((Span(text),), None, role)


def decoration(text: str, role: str = "") -> Text:
    """Return a mark of the layout (an arrow): printed, never read aloud nor copied as text.

    Its spaces stay words: only the mark is set apart."""
    mark = text.strip()
    before, _, after = text.partition(mark)
    spans = tuple(s for s in (Span(before), Span(mark, decor=True), Span(after)) if s.text)
    return Text(spans, None, role)


# --- Blocks of running text ---------------------------------------------------------------


@dataclass(frozen=True)
class Paragraph:
    """A paragraph."""

    kind: ClassVar[str] = "paragraph"
    text: Line

    def lines(self) -> Iterator[Line]:
        """Yield what the block prints, in reading order."""
        yield self.text


@dataclass(frozen=True)
class Subheading:
    """A subheading inside running text."""

    kind: ClassVar[str] = "subheading"
    text: Line
    level: int  # its heading level: one below the heading of what holds it
    minor: bool = False  # a subheading of the second level (subsubheading:), one level further

    def lines(self) -> Iterator[Line]:
        """Yield what the block prints, in reading order."""
        yield self.text


@dataclass(frozen=True)
class Bullets:
    """A bullet list: one line per item."""

    kind: ClassVar[str] = "list"
    items: tuple[Line, ...]

    def lines(self) -> Iterator[Line]:
        """Yield what the block prints, in reading order."""
        yield from self.items


@dataclass(frozen=True)
class Numbered:
    """A numbered list: one line per item, numbered by the output (1., 2.…)."""

    kind: ClassVar[str] = "numbered"
    items: tuple[Line, ...]

    def lines(self) -> Iterator[Line]:
        """Yield what the block prints, in reading order."""
        yield from self.items


@dataclass(frozen=True)
class Quote:
    """Words someone said, and who said them."""

    kind: ClassVar[str] = "quote"
    text: Line
    attribution: Line | None

    def lines(self) -> Iterator[Line]:
        """Yield what the block prints, in reading order."""
        yield self.text
        yield from _present(self.attribution)


@dataclass(frozen=True)
class Callout:
    """A titled box: its title (a label, not a heading of the outline) and its paragraphs."""

    kind: ClassVar[str] = "callout"
    title: Line | None
    body: tuple[Line, ...]

    def lines(self) -> Iterator[Line]:
        """Yield what the block prints, in reading order."""
        yield from _present(self.title)
        yield from self.body


@dataclass(frozen=True)
class KeyFigure:
    """A number set large, and what it counts."""

    number: Line
    label: Line


@dataclass(frozen=True)
class KeyFigures:
    """Key figures, several in a row."""

    kind: ClassVar[str] = "key_figures"
    items: tuple[KeyFigure, ...]

    def lines(self) -> Iterator[Line]:
        """Yield what the block prints, in reading order: each number, then its label."""
        for item in self.items:
            yield item.number
            yield item.label


@dataclass(frozen=True)
class Figure:
    """A picture in the flow of the text, with its caption and credit."""

    kind: ClassVar[str] = "figure"
    picture: Picture

    def lines(self) -> Iterator[Line]:
        """Yield what the block prints, in reading order: its caption."""
        yield from self.picture.lines()


@dataclass(frozen=True)
class Table:
    """A simple table: a header row, rows of cells (None for an empty one), a caption."""

    kind: ClassVar[str] = "table"
    caption: Line | None
    header: tuple[Line, ...]
    rows: tuple[tuple[Line | None, ...], ...]

    def lines(self) -> Iterator[Line]:
        """Yield what the block prints, in reading order: caption, header, rows by row."""
        yield from _present(self.caption)
        yield from self.header
        for row in self.rows:
            yield from (cell for cell in row if cell is not None)


Block = Paragraph | Subheading | Bullets | Numbered | Quote | Callout | KeyFigures | Figure | Table


def _block_lines(blocks: Sequence[Block]) -> Iterator[Line]:
    for block in blocks:
        yield from block.lines()


@dataclass(frozen=True)
class Picture:
    """An image file, what a screen reader says of it, and its caption.

    role says which size the theme gives it: "cover", "portrait" or "profile".
    """

    path: Path
    alt: Text
    role: str
    caption: Line | None = None
    pixels: tuple[int, int] | None = None  # measured at load: the outputs need no metadata
    origin: Origin | None = None  # where src is written: a renderer's refusal names it

    def lines(self) -> Iterator[Line]:
        """Yield what the picture prints: its caption."""
        if self.caption:
            yield self.caption


# --- Items of sections --------------------------------------------------------------------


@dataclass(frozen=True)
class Schedule:
    """When an event takes place, as calendars and search engines read it.

    shape "days": each day of `date` or `dates`; "range": every day from the first of days to
    the last; "since": from the one day given, with no end. Hours, when given, hold each day.
    """

    shape: Literal["days", "range", "since"]
    days: tuple[dt.date, ...]
    start: dt.time | None
    end: dt.time | None
    zone: str  # IANA time zone of the hours: Europe/Paris

    @property
    def first(self) -> dt.date:
        """Return the first day."""
        return self.days[0]

    @property
    def last(self) -> dt.date | None:
        """Return the last day, or None when the event has no end."""
        return None if self.shape == "since" else self.days[-1]

    def at(self, day: dt.date, time: dt.time) -> dt.datetime:
        """Return a day's hour in the event's time zone, with its offset (+01:00 in winter)."""
        return dt.datetime.combine(day, time, ZoneInfo(self.zone))

    def starts(self) -> dt.date | dt.datetime:
        """Return when the event starts: a day, or a day and an hour."""
        return self.first if self.start is None else self.at(self.first, self.start)

    def ends(self) -> dt.date | dt.datetime | None:
        """Return when the event ends: its last day, with the end hour when given."""
        last = self.last
        if last is None or (last == self.first and self.end is None):
            return None
        return last if self.end is None else self.at(last, self.end)

    def iso_start(self) -> str:
        """Return the start as HTML's datetime and schema.org want it: 2021-11-03T09:30+01:00."""
        return _iso(self.starts())

    def iso_end(self) -> str | None:
        """Return the end the same way, or None when the event has none of its own."""
        ends = self.ends()
        return None if ends is None else _iso(ends)


def _iso(value: dt.date | dt.datetime) -> str:
    if isinstance(value, dt.datetime):
        return value.isoformat(timespec="minutes")
    return value.isoformat()


@dataclass(frozen=True)
class Location:
    """Where an event takes place, for machines: a place (its name, its address), online."""

    name: str | None  # « Salle Colbert, Ministère de l'Économie »
    address: str | None  # « 139 rue de Bercy, 75012 Paris »
    online: str | None  # the address to join it from afar

    @property
    def text(self) -> str:
        """Return it on one line, as a calendar's LOCATION says it."""
        parts = [part for part in (self.name, self.address) if part]
        return ", ".join(parts) if parts else (self.online or "")


@dataclass(frozen=True)
class Event:
    """One event of a calendar; its days and its hours are kept apart until printed."""

    anchor: str
    days: Text  # « Du 2 au 5 novembre 2021 », capitalised: it starts the line
    hours: Text | None  # « de 9 h 30 à 12 h 30 »
    title: Line | None
    organisers: Line | None
    description: tuple[Block, ...]
    link: Line | None
    notes: tuple[Block, ...]
    schedule: Schedule
    name: str  # the title, or the description's start: what a calendar shows as its summary
    organiser_names: tuple[str, ...]  # as machines read them: a link's text, not its markup
    level: int  # the heading level of its title
    separator: str = ", "
    place: Line | None = None  # « Lieu : salle Colbert »
    online: Line | None = None  # « En ligne : webikeo.fr/… »
    speakers: Line | None = None  # « Avec : … »
    sessions: tuple[Line, ...] = ()  # « 10 h 30 à 11 h : Titre — Salle Sully », a line each
    location: Location | None = None  # where, as machines read it (calendar, search engines)

    @property
    def url(self) -> str | None:
        """Return the address of its « En savoir plus », if it has one."""
        if self.link is None:
            return None
        return next((span.href for span in self.link if span.href), None)

    @property
    def when(self) -> Line:
        """Return the date line: the days, then the hours when there are some."""
        if self.hours is None:
            return Line((self.days,))
        return Line((self.days, word(self.separator), self.hours))

    def running_text(self) -> Iterator[str]:
        """Yield each paragraph of running text: description and notes, a list item each."""
        for line in itertools.chain(_block_lines(self.description), _block_lines(self.notes)):
            yield line.plain

    def lines(self) -> Iterator[Line]:
        """Yield what the event prints, in reading order."""
        yield self.when
        yield from _present(self.title, self.organisers, self.place, self.online, self.speakers)
        yield from _block_lines(self.description)
        yield from self.sessions
        yield from _present(self.link)
        yield from _block_lines(self.notes)


@dataclass(frozen=True)
class Question:
    """One question of an interview and its answer."""

    question: Line
    answer: tuple[Block, ...]

    def lines(self) -> Iterator[Line]:
        """Yield what the question prints, in reading order."""
        yield self.question
        yield from _block_lines(self.answer)


@dataclass(frozen=True)
class Theme:
    """One theme of the programme: its number, title, description and link, on one line."""

    line: Line

    def lines(self) -> Iterator[Line]:
        """Yield what the theme prints."""
        yield self.line


@dataclass(frozen=True)
class Entry:
    """One lab or partner of a directory: name, detail and link, on one line; its logo."""

    line: Line
    logo: Picture | None = None

    def lines(self) -> Iterator[Line]:
        """Yield what the entry prints."""
        if self.logo is not None:
            yield from self.logo.lines()
        yield self.line


@dataclass(frozen=True)
class Member:
    """One of a team: who (name, role, organisation), and their portrait."""

    person: Line
    picture: Picture | None

    def lines(self) -> Iterator[Line]:
        """Yield what the member prints: their portrait's caption, then who they are."""
        if self.picture is not None:
            yield from self.picture.lines()
        yield self.person


@dataclass(frozen=True)
class Profile:
    """One profile: its title (name and region), its picture, its text."""

    title: Line
    picture: Picture | None
    body: tuple[Block, ...]
    level: int  # the heading level of its title
    team: tuple[Member, ...] = ()

    def lines(self) -> Iterator[Line]:
        """Yield what the profile prints, in reading order."""
        yield self.title
        if self.picture is not None:
            yield from self.picture.lines()
        yield from _block_lines(self.body)
        for member in self.team:
            yield from member.lines()


@dataclass(frozen=True)
class Mission:
    """One mission: its numbered title and its text."""

    title: Line
    body: tuple[Block, ...]
    level: int  # the heading level of its title

    def lines(self) -> Iterator[Line]:
        """Yield what the mission prints, in reading order."""
        yield self.title
        yield from _block_lines(self.body)


@dataclass(frozen=True)
class Contact:
    """A press contact: name, then role and organisation, then each address on its line."""

    name: Line
    detail: Line | None
    addresses: tuple[Line, ...]

    def lines(self) -> Iterator[Line]:
        """Yield what the contact prints, in reading order."""
        yield self.name
        yield from _present(self.detail)
        yield from self.addresses


# --- Sections -----------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class Section:
    """What every section has; each kind below adds only its own fields."""

    kind: ClassVar[str]
    anchor: str
    new_page: bool
    level: int  # 1: opens a page; 2: follows the previous section, under it in the contents
    # The level of its heading (SECTION_LEVEL, or one more under the previous section); without
    # a heading, that of the heading it continues. What it holds is one level below.
    heading_level: int
    heading: Line | None
    running: Line | None  # the running header of its pages

    @property
    def title(self) -> str:
        """Return the heading as plain text, for bookmarks and running headers."""
        return self.heading.plain if self.heading else ""

    @property
    def inner_level(self) -> int:
        """Return the heading level of what the section holds: its items, its subheadings."""
        return self.heading_level + 1

    def lines(self) -> Iterator[Line]:
        """Yield every line the section prints in the body, in reading order."""
        yield from _present(self.heading)
        yield from self.body_lines()

    def body_lines(self) -> Iterator[Line]:
        """Yield the lines after the heading; each kind says its own."""
        raise NotImplementedError


@dataclass(frozen=True, kw_only=True)
class EditoSection(Section):
    """The foreword: portrait, byline, paragraphs, a pull quote."""

    kind: ClassVar[str] = "edito"
    portrait: Picture | None
    byline: Line
    paragraphs: tuple[Block, ...]
    quote: Line | None

    @property
    def quote_repeats(self) -> bool:
        """Tell whether the pull quote repeats words of the text: then it is the layout's (a
        pull-out), seen, not read twice; a quote of its own is read where it stands."""
        if self.quote is None:
            return False
        words = " ".join(self.quote.plain.strip(' «»“”"').split()).casefold()
        text = " ".join(
            " ".join(line.plain for line in _block_lines(self.paragraphs)).split()
        ).casefold()
        return bool(words) and words in text

    def body_lines(self) -> Iterator[Line]:
        """Yield the lines after the heading."""
        if self.portrait is not None:
            yield from self.portrait.lines()
        yield self.byline
        yield from _block_lines(self.paragraphs)
        yield from _present(self.quote)


@dataclass(frozen=True, kw_only=True)
class InterviewSection(Section):
    """« Deux questions à… »: portrait, byline, questions and answers."""

    kind: ClassVar[str] = "interview"
    portrait: Picture | None
    byline: Line
    questions: tuple[Question, ...]

    def body_lines(self) -> Iterator[Line]:
        """Yield the lines after the heading."""
        if self.portrait is not None:
            yield from self.portrait.lines()
        yield self.byline
        for question in self.questions:
            yield from question.lines()


@dataclass(frozen=True, kw_only=True)
class TextSection(Section):
    """Running text."""

    kind: ClassVar[str] = "text"
    body: tuple[Block, ...]

    def body_lines(self) -> Iterator[Line]:
        """Yield the lines after the heading."""
        yield from _block_lines(self.body)


@dataclass(frozen=True, kw_only=True)
class ThemesSection(Section):
    """The themes of the programme, numbered."""

    kind: ClassVar[str] = "themes"
    intro: tuple[Block, ...]
    themes: tuple[Theme, ...]

    def body_lines(self) -> Iterator[Line]:
        """Yield the lines after the heading."""
        yield from _block_lines(self.intro)
        for theme in self.themes:
            yield from theme.lines()


@dataclass(frozen=True, kw_only=True)
class DirectorySection(Section):
    """A directory of labs or partners."""

    kind: ClassVar[str] = "directory"
    intro: tuple[Block, ...]
    entries: tuple[Entry, ...]
    outro: tuple[Block, ...]

    def body_lines(self) -> Iterator[Line]:
        """Yield the lines after the heading."""
        yield from _block_lines(self.intro)
        for entry in self.entries:
            yield from entry.lines()
        yield from _block_lines(self.outro)


@dataclass(frozen=True, kw_only=True)
class CalendarSection(Section):
    """A calendar: events, then links to the whole programme."""

    kind: ClassVar[str] = "calendar"
    intro: tuple[Block, ...]
    events: tuple[Event, ...]
    links: tuple[Line, ...]
    days: tuple[Day, ...] = ()  # by day: the same events, under the heading of their day

    def body_lines(self) -> Iterator[Line]:
        """Yield the lines after the heading."""
        yield from _block_lines(self.intro)
        if self.days:
            for day in self.days:
                yield day.heading
                for event in day.events:
                    yield from event.lines()
        else:
            for event in self.events:
                yield from event.lines()
        yield from self.links


@dataclass(frozen=True)
class Day:
    """One day of a calendar set by day: its heading, and its events."""

    anchor: str
    heading: Line  # « Mardi 17 mars 2026 »
    level: int
    events: tuple[Event, ...]


@dataclass(frozen=True, kw_only=True)
class ProfilesSection(Section):
    """Profiles of labs, partners or speakers."""

    kind: ClassVar[str] = "profiles"
    intro: tuple[Block, ...]
    profiles: tuple[Profile, ...]
    outro: tuple[Block, ...]

    def body_lines(self) -> Iterator[Line]:
        """Yield the lines after the heading."""
        yield from _block_lines(self.intro)
        for profile in self.profiles:
            yield from profile.lines()
        yield from _block_lines(self.outro)


@dataclass(frozen=True, kw_only=True)
class MissionsSection(Section):
    """The organiser's missions, numbered."""

    kind: ClassVar[str] = "missions"
    intro: tuple[Block, ...]
    missions: tuple[Mission, ...]

    def body_lines(self) -> Iterator[Line]:
        """Yield the lines after the heading."""
        yield from _block_lines(self.intro)
        for mission in self.missions:
            yield from mission.lines()


@dataclass(frozen=True, kw_only=True)
class ContactsSection(Section):
    """Press contacts."""

    kind: ClassVar[str] = "contacts"
    intro: tuple[Block, ...]
    contacts: tuple[Contact, ...]

    def body_lines(self) -> Iterator[Line]:
        """Yield the lines after the heading."""
        yield from _block_lines(self.intro)
        for contact in self.contacts:
            yield from contact.lines()


SECTION_KINDS: dict[str, type[Section]] = {
    kind.kind: kind
    for kind in (
        EditoSection,
        InterviewSection,
        TextSection,
        ThemesSection,
        DirectorySection,
        CalendarSection,
        ProfilesSection,
        MissionsSection,
        ContactsSection,
    )
}

# --- The edition --------------------------------------------------------------------------


@dataclass(frozen=True)
class Cover:
    """The cover, top to bottom."""

    ministry: Line | None
    kind: Line
    title: Line
    subtitle: Line | None
    edition: Line | None  # « 8e édition »
    period: Line
    picture: Picture | None
    publisher: Line
    published: Line | None
    venue: tuple[Line, ...] = ()  # its name, address, access and accessibility, a line each

    def lines(self) -> Iterator[Line]:
        """Yield what the cover prints, top to bottom."""
        yield from _present(self.ministry, self.kind, self.title, self.subtitle, self.edition)
        yield self.period
        yield from self.venue
        if self.picture is not None:
            yield from self.picture.lines()
        yield from _present(self.publisher, self.published)


@dataclass(frozen=True)
class ContentsEntry:
    """One line of the contents: a section's heading, and its page number after it."""

    anchor: str
    level: int
    text: Line


@dataclass(frozen=True)
class Contents:
    """The contents page."""

    title: Line
    entries: tuple[ContentsEntry, ...]
    level: int = SECTION_LEVEL  # the heading level of its title
    # The program's own anchors hold "--", which no section id may (model._SLUG):
    # a section called « sommaire » cannot take the contents' place.
    anchor: str = "sommaire--dossier"
    title_anchor: str = "sommaire--titre"

    def lines(self) -> Iterator[Line]:
        """Yield what the contents print (page numbers are added by each output)."""
        yield self.title
        for entry in self.entries:
            yield entry.text


@dataclass(frozen=True)
class Screen:
    """What only the web edition prints: a skip link, and links to the files beside the page."""

    skip: Line
    words: Words
    locale: str  # for the sizes of files: « 1,2 Mo »
    target: str = "contenu--dossier"  # where the skip link goes; "--" as in Contents

    def download(self, kind: str, href: str, size: int) -> Line:
        """Return the link to a file of the edition: its words, its format and its size."""
        words = self.words
        label = {
            "pdf": words.download_pdf,
            "docx": words.download_docx,
            "ics": words.download_ics,
        }[kind]
        detail = words.file_detail.format(
            kind=kind.upper(), size=file_size(size, words, self.locale)
        )
        return Line((Text((Span(label + detail, href=href),), None, "link"),))


@dataclass(frozen=True)
class Edition:
    """The whole edition as the renderers receive it."""

    slug: str
    language: str
    folder: Path  # the edition's folder: the only place its images are read from
    digest: str | None  # SHA-256 of the edition.yaml this view was made from
    title: Line
    # « Dossier de presse — Mois de l’innovation publique 2021 »: the PDF's /Title, the DOCX's,
    # the web page's <title>; two editions of one event are told apart by their year
    document_title: str
    description: str  # the one-line subject of the document's metadata
    author: str
    keywords: tuple[str, ...]
    words: Words
    draft: Line | None
    running_title: Line
    cover: Cover
    contents: Contents
    sections: tuple[Section, ...]
    screen: Screen
    created: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))
    # « Accessibilité : partiellement conforme (déclaration d’accessibilité) », at the end
    accessibility: Line | None = None
    theme: Path | None = None  # the edition's own theme file, over the project's

    def lines(self) -> Iterator[Line]:
        """Yield every line the body of the document prints, in reading order."""
        yield from self.cover.lines()
        yield from self.contents.lines()
        for section in self.sections:
            yield from section.lines()
        yield from _present(self.accessibility)

    def texts(self) -> Iterator[Text]:
        """Yield every text of the view, printed or not (alt texts, running headers)."""
        yield from _texts(self)

    def headings(self) -> Iterator[tuple[int, Line]]:
        """Yield each heading with its level, in reading order: the outline every output has."""
        yield TITLE_LEVEL, self.cover.title
        yield self.contents.level, self.contents.title
        yield from _headings(self.sections)

    def pictures(self) -> Iterator[Picture]:
        """Yield every picture of the edition, in reading order."""
        yield from _nodes(self, Picture)

    def events(self) -> Iterator[Event]:
        """Yield every event of every calendar, in order."""
        for section in self.sections:
            if isinstance(section, CalendarSection):
                yield from section.events

    def on_screen(self, text: Text) -> Text:
        """Return a text as a screen shows it: a page reference names the section instead.

        A link to a section whose words hold its page number (« p. 12 ») becomes the section's
        heading (« « Quatre laboratoires » »): a web page has no pages.
        """
        if all(span.page_of is None for span in text.spans):
            return text
        headings = {s.anchor: s.heading.plain for s in self.sections if s.heading}
        spans: list[Span] = []
        for href, run in itertools.groupby(text.spans, key=lambda span: span.href):
            group = list(run)
            target = next((span.page_of for span in group if span.page_of), None)
            if target is not None and target in headings:
                spans.append(Span(self.words.reference.format(heading=headings[target]), href=href))
            else:
                spans += [span for span in group if span.page_of is None]
        return dataclasses.replace(text, spans=tuple(spans))

    def page_label(self, anchor: str, page: str, name: str | None = None) -> str:
        """Return what a reader says of a link to a page: « Les laboratoires, page 20 ».

        name is the link's subject; by default the heading of the section at anchor.
        """
        if name is None:
            headings = (s.heading.plain for s in self.sections if s.anchor == anchor and s.heading)
            name = next(headings, "")
        if not name:
            return self.words.page.format(page=page)
        if name.rstrip()[-1:] in "?!…":  # « … territoriale ? — page 26 », never « ?, »
            return self.words.page_link_after_mark.format(name=name.rstrip(), page=page)
        return self.words.page_link.format(name=name, page=page)

    def strings(self) -> Iterator[tuple[str, Origin | None]]:
        """Yield every string the outputs set in a font, with where it comes from.

        The metadata (title, description, author, keywords) is not: a reader shows it in its own
        font, and a keyword with an emoji is no reason to refuse the press kit.
        """
        for text in self.texts():
            for span in text.spans:
                yield span.text, text.origin


def _texts(value: object) -> Iterator[Text]:
    if isinstance(value, Text):
        yield value
    elif isinstance(value, tuple):
        for item in value:
            yield from _texts(item)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for field_ in dataclasses.fields(value):
            yield from _texts(getattr(value, field_.name))


def _nodes(value: object, kind: type[N]) -> Iterator[N]:
    if isinstance(value, kind):
        yield value
    elif isinstance(value, tuple):
        for item in value:
            yield from _nodes(item, kind)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for field_ in dataclasses.fields(value):
            yield from _nodes(getattr(value, field_.name), kind)


def _headings(value: object) -> Iterator[tuple[int, Line]]:
    # The fields of the nodes are declared in reading order: the heading, then what follows.
    if isinstance(value, CalendarSection) and value.days:  # by day: each day, its events
        if value.heading:
            yield value.heading_level, value.heading
        yield from _headings(value.intro)
        for day in value.days:
            yield day.level, day.heading
            yield from _headings(day.events)
        return
    if isinstance(value, Section) and value.heading:
        yield value.heading_level, value.heading
    elif isinstance(value, Subheading):
        yield value.level, value.text
    elif isinstance(value, Event | Profile | Mission) and value.title:
        yield value.level, value.title
    if isinstance(value, tuple):
        for item in value:
            yield from _headings(item)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type | Subheading):
        for field_ in dataclasses.fields(value):
            yield from _headings(getattr(value, field_.name))


def _with_year(title: str, edition: m.Edition) -> str:
    """Return an edition's title with its year (« 2021 », « 2025-2026 »), unless it says it."""
    first, last = edition.period.start.year, edition.period.end.year
    year = str(first) if first == last else f"{first}-{last}"
    return title if year in title or str(first) in title else f"{title} {year}"


def _present(*lines: Line | None) -> Iterator[Line]:
    for line in lines:
        if line:
            yield line


def _shorten(text: str, most: int = 80) -> str:
    """Return the start of a text, cut after a word, to name what has no title."""
    if len(text) <= most:
        return text
    cut = text[:most].rsplit(" ", 1)[0].rstrip(" ,;:.\u00a0\u202f")
    return f"{cut}…"


# --- From the model to the view -----------------------------------------------------------


def prepare(edition: m.Edition, folder: Path, draft: bool = False) -> Edition:
    """Prepare the view of an edition: set every string once, for every renderer."""
    french = French(
        edition.locale, edition.style.time, edition.period.start.year, edition.style.year
    )
    return _Preparer(edition, french, folder.resolve()).edition(draft)


class _Common(TypedDict):
    """What every section node is given."""

    anchor: str
    new_page: bool
    level: int
    heading_level: int
    heading: Line | None
    running: Line | None


class _Preparer:
    """Turns each part of the model into its view, knowing the path of each value."""

    def __init__(self, edition: m.Edition, french: French, folder: Path) -> None:
        self.model = edition
        self.french = french
        # the edition names its own kind of document: the cover, the running header, the title
        # (the download says « le PDF » then: « le dossier de presse » would name another kind)
        self.words = (
            replace(
                french.words,
                kind=typeset(edition.kind),
                download_pdf=french.words.download_pdf_any_kind,
            )
            if edition.kind
            else french.words
        )
        self.folder = folder
        self.about = typeset(edition.title)  # what the text being prepared is about
        # the addresses each link's words lead to, over the whole edition: words that lead to
        # two addresses (« voir les évènements » ×4) are told apart for those who hear the link
        # alone, by what the text around it is about; events of one title by their days
        self.targets = _link_targets(edition)
        self.titles: dict[str, list[m.Event]] = {}  # events with a link, by their title
        for section in edition.sections:
            if isinstance(section, m.Calendar):
                for event in section.events:
                    if event.title and event.link:
                        self.titles.setdefault(_name_key(event.title), []).append(event)
        self._leads: dict[tuple[str, int], dict[tuple[str, ...], set[str]]] = {}

    def _context(self, event: m.Event) -> tuple[str, ...]:
        """Return what tells an event from another of its title: days, hours, place, organisers."""
        days = plain(self._days(event)[0])
        hours = self.french.hours(event.start, event.end)
        return (days, hours, typeset(event.place or ""), ", ".join(event.organisers))

    def _distinct_name(self, name: str, event: m.Event) -> str:
        """Add to the name of an event's « En savoir plus » what tells it from the others of
        its title that lead elsewhere: its days, then its hours, place or organisers."""
        key = _name_key(event.title or "")
        group = self.titles.get(key, [])
        if len({e.link for e in group}) < 2:
            return name
        mine = self._context(event)
        for size in range(1, len(mine) + 1):
            leads = self._leads.get((key, size))
            if leads is None:
                leads = {}
                for other in group:
                    leads.setdefault(self._context(other)[:size], set()).add(other.link or "")
                self._leads[key, size] = leads
            if leads.get(mine[:size], set()) <= {event.link}:
                break
        return ", ".join([name, *(part for part in mine[:size] if part)])

    def _told_apart(self, span: Span) -> Span:
        """Label a link whose words lead elsewhere elsewhere in the edition, by its context."""
        if span.href is None or span.label is not None:
            return span
        label = self._link_label(span.text)
        return span if label is None else dataclasses.replace(span, label=label)

    def _link_label(self, words: str) -> str | None:
        """Return what a reader hears of a link's words when they alone say nowhere: « En
        savoir plus » and words that lead elsewhere elsewhere, with their context; or None."""
        if words.strip().casefold() == self.words.more.casefold():
            return self.words.more_about.format(name=self.about)
        if len(self.targets.get(_name_key(words), ())) < 2:
            return None
        return self.words.link_about.format(text=words.strip(), name=self.about)

    def _labelled(self, spans: Rich) -> Rich:
        """Label each link of spans from all its words (« le 1er mai » is three spans, one
        link): every span of it carries the same label."""
        found: list[Span] = []
        for href, run in itertools.groupby(spans, key=lambda span: span.href):
            group = list(run)
            label = self._link_label(plain(group)) if href else None
            if label is not None and not any(span.label for span in group):
                group = [dataclasses.replace(span, label=label) for span in group]
            found += group
        return tuple(found)

    # --- strings ---

    def origin(self, path: FieldPath) -> Origin:
        return self.model.origin(path)

    def text(self, value: str, path: FieldPath, role: str = "") -> Text:
        """Typeset running text (links, page references, ordinals) from one field.

        A link the author wrote as « En savoir plus » is labelled, for those who hear it alone,
        with what the text around it is about: the section's heading, or the event's title.
        """
        return Text(self._labelled(rich_text(value)), self.origin(path), role)

    def plain_text(self, value: str, path: FieldPath, role: str = "", href: str | None = None):
        """Typeset text that holds no markup of its own (a name, an address)."""
        return Text((Span(typeset(value), href=href),), self.origin(path), role)

    def line(self, value: str | None, path: FieldPath, role: str = "") -> Line | None:
        return Line((self.text(value, path, role),)) if value else None

    def blocks(
        self, blocks: Sequence[m.Block | str], path: FieldPath, level: int
    ) -> tuple[Block, ...]:
        """Prepare running text whose subheadings take the given heading level."""
        result: list[Block] = []
        for index, block in enumerate(blocks):
            at = (*path, index)
            if isinstance(block, str):
                result.append(Paragraph(Line((self.text(block, at),))))
            elif block.paragraph is not None:
                result.append(Paragraph(Line((self.text(block.paragraph, (*at, "paragraph")),))))
            else:
                result.append(self.block(block, at, level))
        return tuple(result)

    def block(self, block: m.Block, at: FieldPath, level: int) -> Block:
        """Prepare one block that is not a plain paragraph."""
        key = block.key
        if key in ("subheading", "subsubheading"):
            text = self.text(getattr(block, key), (*at, key))
            minor = key == "subsubheading"
            return Subheading(Line((text,)), level + minor, minor)
        if key in ("list", "numbered"):
            values = block.bullets if key == "list" else block.numbered
            items = tuple(
                Line((self.text(item, (*at, key, number)),))
                for number, item in enumerate(values or ())
            )
            return Bullets(items) if key == "list" else Numbered(items)
        if block.quote is not None:
            quote, where = block.quote, (*at, "quote")
            attribution = None
            if quote.attribution:
                attribution = Line(
                    (
                        word(self.words.attribution),
                        self.text(quote.attribution, (*where, "attribution")),
                    )
                )
            return Quote(Line((self.text(quote.text, (*where, "text")),)), attribution)
        if block.callout is not None:
            callout, where = block.callout, (*at, "callout")
            body = tuple(
                Line((self.text(paragraph, (*where, "body", number)),))
                for number, paragraph in enumerate(callout.body)
            )
            return Callout(self.line(callout.title, (*where, "title"), "strong"), body)
        if block.key_figures is not None:
            figures = tuple(
                KeyFigure(
                    Line(
                        (self.plain_text(item.number, (*at, "key_figures", n, "number"), "number"),)
                    ),
                    Line((self.text(item.label, (*at, "key_figures", n, "label")),)),
                )
                for n, item in enumerate(block.key_figures)
            )
            return KeyFigures(figures)
        if block.figure is not None:
            picture = self.picture(block.figure, (*at, "figure"), "figure")
            assert picture is not None
            return Figure(picture)
        table = block.table
        assert table is not None
        where = (*at, "table")
        return Table(
            caption=self.line(table.caption, (*where, "caption")),
            header=tuple(
                Line((self.plain_text(cell, (*where, "header", n)),))
                for n, cell in enumerate(table.header)
            ),
            rows=tuple(
                tuple(
                    Line((self.text(cell, (*where, "rows", r, c)),)) if cell else None
                    for c, cell in enumerate(row)
                )
                for r, row in enumerate(table.rows)
            ),
        )

    def picture(self, image: m.Image | None, path: FieldPath, role: str) -> Picture | None:
        if image is None:
            return None
        source = self.model.source
        caption: list[Text] = []
        if image.caption:
            caption.append(self.text(image.caption, (*path, "caption")))
        if image.credit:
            if caption:
                caption.append(word(self.words.credit_separator))
            caption.append(self.text(image.credit, (*path, "credit")))
        return Picture(
            path=self.folder / image.src,
            alt=self.plain_text(image.alt, (*path, "alt")),
            role=role,
            caption=Line(tuple(caption)) if caption else None,
            pixels=source.images.get(image.src) if source is not None else None,
            origin=self.origin((*path, "src")),
        )

    def more(self, url: str | None, path: FieldPath, name: str) -> Line | None:
        """Return « En savoir plus », linked to the field's address, and its arrow.

        name says what there is more to know of, for those who hear the link alone.
        """
        if not url:
            return None
        label = self.words.more_about.format(name=name)
        link = Text((Span(self.words.more, href=url, label=label),), self.origin(path), "more")
        return Line((link, decoration(self.words.more_after)))

    def linked(self, link: m.Link, path: FieldPath) -> Text:
        """Return a link's text, every span of it pointing to the link's address."""
        text = self.text(link.text, (*path, "text"))
        spans = tuple(
            self._told_apart(Span(s.text, s.sup, s.href or link.url, s.page_of)) for s in text.spans
        )
        return Text(spans, text.origin, "link")

    def byline(self, person: m.Person, path: FieldPath) -> Line:
        return Line(tuple(self.person(person, path)))

    def person(self, person: m.Person, path: FieldPath) -> list[Text]:
        """Return a person as a line says them: name, role (organisation)."""
        texts = [self.text(person.name, (*path, "name"), "strong")]
        if person.role:
            texts += [word(self.words.role_separator), self.text(person.role, (*path, "role"))]
        if person.organisation:
            texts += [
                word(self.words.open_parenthesis),
                self.text(person.organisation, (*path, "organisation")),
                word(self.words.close_parenthesis),
            ]
        return texts

    def speakers(self, people: Sequence[m.Person], path: FieldPath) -> Line | None:
        if not people:
            return None
        texts: list[Text] = [word(self.words.speakers, "label"), word(" ")]
        for index, person in enumerate(people):
            if index:
                texts.append(word(self.words.people_separator))
            texts += self.person(person, (*path, index))
        return Line(tuple(texts))

    def team(self, people: Sequence[m.Person], path: FieldPath) -> tuple[Member, ...]:
        return tuple(
            Member(
                Line(tuple(self.person(person, (*path, index)))),
                self.picture(person.portrait, (*path, index, "portrait"), "person"),
            )
            for index, person in enumerate(people)
        )

    def numbered(self, number: int, title: Text) -> Line:
        return Line((word(str(number), "number"), word(self.words.number_after), title))

    # --- the edition ---

    def edition(self, draft: bool) -> Edition:
        edition, words, french = self.model, self.words, self.french
        title = self.text(edition.title, ("title",))
        # the edition's own period always says its year: on the cover and in the metadata, it
        # stands alone, with no year around it to take
        period = Text(
            french.range(edition.period.start, edition.period.end, year=True),
            self.origin(("period",)),
        )
        source = edition.source
        sections: list[Section] = []
        level = SECTION_LEVEL  # what a first section without a heading would continue
        for index, section in enumerate(edition.sections):
            sections.append(self.section(section, ("sections", index), level))
            level = sections[-1].heading_level
        entries = tuple(ContentsEntry(s.anchor, s.level, s.heading) for s in sections if s.heading)
        return Edition(
            slug=edition.slug,
            language=french.language_tag,
            folder=self.folder,
            theme=edition.theme_file(self.folder),
            digest=source.digest if source is not None else None,
            title=Line((title,)),
            document_title=f"{words.kind}{words.title_separator}{_with_year(title.plain, edition)}",
            description=words.title_separator.join((words.kind, title.plain, plain(period.spans))),
            author=typeset(edition.publisher.name),
            keywords=tuple(typeset(k) for k in edition.keywords),
            words=words,
            draft=self.draft() if draft else None,
            running_title=Line((word(words.kind), word(words.title_separator), title)),
            cover=self.cover(title, period),
            contents=Contents(Line((word(words.contents),)), entries),
            sections=tuple(sections),
            screen=Screen(Line((word(words.skip),)), words, str(french.locale)),
            accessibility=self.accessibility(),
        )

    def accessibility(self) -> Line | None:
        statement = self.model.accessibility
        if statement is None:
            return None
        words = self.words
        status = Text(
            (Span(words.conformity.format(status=statement.status)),),
            self.origin(("accessibility", "status")),
        )
        link = Text(
            (Span(words.statement, href=statement.url),), self.origin(("accessibility", "url"))
        )
        return Line(
            (
                word(words.accessibility, "label"),
                word(" "),
                status,
                word(words.open_parenthesis),
                link,
                word(words.close_parenthesis),
            )
        )

    def draft(self) -> Line:
        revision = self.model.revision
        texts = [word(self.words.draft)]
        if revision is not None:
            texts += [
                word(self.words.title_separator),
                self.plain_text(revision.version, ("revision", "version")),
                word(f" {self.words.draft_of} "),
                Text(self.french.date(revision.date, year=True), self.origin(("revision", "date"))),
            ]
        return Line(tuple(texts))

    def cover(self, title: Text, period: Text) -> Cover:
        edition, words = self.model, self.words
        publisher = edition.publisher
        name = self.plain_text(publisher.name, ("publisher", "name"), "strong", href=publisher.url)
        publisher_line = [name]
        if publisher.short_name:
            publisher_line += [
                word(words.open_parenthesis),
                self.plain_text(
                    publisher.short_name, ("publisher", "short_name"), "strong", publisher.url
                ),
                word(words.close_parenthesis),
            ]
        label = None
        if edition.edition_number is not None:
            number = Text(
                self.french.ordinal(edition.edition_number), self.origin(("edition_number",))
            )
            label = Line((number, word(f" {words.edition}")))
        published = None
        if edition.publication_date:
            date = self.french.date(edition.publication_date, year=True)
            published = Line(
                (word(f"{words.published} "), Text(date, self.origin(("publication_date",))))
            )
        return Cover(
            ministry=self.line(publisher.ministry, ("publisher", "ministry")),
            kind=Line(
                (self.plain_text(edition.kind, ("kind",)),) if edition.kind else (word(words.kind),)
            ),
            title=Line((title,)),
            subtitle=self.line(edition.subtitle, ("subtitle",)),
            edition=label,
            period=Line((period,)),
            picture=self.picture(edition.cover_image, ("cover_image",), "cover"),
            publisher=Line(tuple(publisher_line)),
            published=published,
            venue=self.venue(),
        )

    def venue(self) -> tuple[Line, ...]:
        venue = self.model.venue
        if venue is None:
            return ()
        lines = [Line((self.plain_text(venue.name, ("venue", "name"), "strong", venue.url),))]
        if venue.address:
            lines.append(Line((self.plain_text(venue.address, ("venue", "address")),)))
        for key in ("access", "accessibility"):
            value = getattr(venue, key)
            if value:
                lines.append(Line((self.text(value, ("venue", key)),)))
        return tuple(lines)

    # --- sections ---

    def common(self, section: m.SectionBase, path: FieldPath, continued: int) -> _Common:
        """Prepare what every section has; without a heading, it continues level continued."""
        heading = self.line(section.heading, (*path, "heading"))
        if heading:
            self.about = heading.plain
        running_field = "short_heading" if section.short_heading else "heading"
        level = 1 if section.new_page else 2
        return {
            "anchor": section.anchor,
            "new_page": section.new_page,
            "level": level,
            "heading_level": SECTION_LEVEL + level - 1 if heading else continued,
            "heading": heading,
            "running": self.line(section.short_heading or section.heading, (*path, running_field)),
        }

    def section(self, section: m.SectionBase, path: FieldPath, continued: int) -> Section:
        common = self.common(section, path, continued)
        inner = common["heading_level"] + 1
        match section:
            case m.Edito():
                return self.edito(section, path, common)
            case m.Interview():
                return self.interview(section, path, common)
            case m.TextSection():
                return TextSection(**common, body=self.blocks(section.body, (*path, "body"), inner))
            case m.Themes():
                return ThemesSection(
                    **common,
                    intro=self.blocks(section.intro, (*path, "intro"), inner),
                    themes=self.each(section.themes, (*path, "themes"), self.theme),
                )
            case m.Directory():
                return DirectorySection(
                    **common,
                    intro=self.blocks(section.intro, (*path, "intro"), inner),
                    entries=self.each(section.entries, (*path, "entries"), self.entry),
                    outro=self.blocks(section.outro, (*path, "outro"), inner),
                )
            case m.Calendar():
                return self.calendar(section, path, common)
            case m.Profiles():
                return ProfilesSection(
                    **common,
                    intro=self.blocks(section.intro, (*path, "intro"), inner),
                    profiles=self.each(
                        section.profiles, (*path, "profiles"), partial(self.profile, inner)
                    ),
                    outro=self.blocks(section.outro, (*path, "outro"), inner),
                )
            case m.Missions():
                return MissionsSection(
                    **common,
                    intro=self.blocks(section.intro, (*path, "intro"), inner),
                    missions=self.each(
                        section.missions, (*path, "missions"), partial(self.mission, inner)
                    ),
                )
            case m.Contacts():
                return ContactsSection(
                    **common,
                    intro=self.blocks(section.intro, (*path, "intro"), inner),
                    contacts=self.each(section.contacts, (*path, "contacts"), self.contact),
                )
        raise TypeError(f"no view for section kind {section.kind}")  # type: ignore[attr-defined]

    def each(
        self, items: Sequence[M], path: FieldPath, prepare: Callable[[int, M, FieldPath], N]
    ) -> tuple[N, ...]:
        """Prepare each item of a list field, with its index and its path."""
        return tuple(prepare(index, item, (*path, index)) for index, item in enumerate(items))

    def edito(self, section: m.Edito, path: FieldPath, common: _Common) -> EditoSection:
        return EditoSection(
            **common,
            portrait=self.picture(section.portrait, (*path, "portrait"), "portrait"),
            byline=self.byline(section.author, (*path, "author")),
            paragraphs=self.blocks(
                section.paragraphs, (*path, "paragraphs"), common["heading_level"] + 1
            ),
            quote=self.line(section.pull_quote, (*path, "pull_quote")),
        )

    def interview(self, section: m.Interview, path: FieldPath, common: _Common) -> InterviewSection:
        return InterviewSection(
            **common,
            portrait=self.picture(section.portrait, (*path, "portrait"), "portrait"),
            byline=self.byline(section.person, (*path, "person")),
            questions=self.each(
                section.questions,
                (*path, "questions"),
                partial(self.question, common["heading_level"] + 1),
            ),
        )

    def question(self, level: int, index: int, item: m.Answer, path: FieldPath) -> Question:
        question = Line((self.text(item.question, (*path, "question")),))
        return Question(question, self.blocks(item.answer, (*path, "answer"), level))

    def calendar(self, section: m.Calendar, path: FieldPath, common: _Common) -> CalendarSection:
        inner = common["heading_level"] + 1
        anchor = common["anchor"]
        if not section.by_day:
            events = tuple(
                self.event(f"{anchor}--{i + 1}", event, (*path, "events", i), inner)
                for i, event in enumerate(section.events)
            )
            days: tuple[Day, ...] = ()
        else:  # a day's heading at the events' level, the events one level under it
            by_day: dict[dt.date, list[Event]] = {}
            made = []
            for i, event in enumerate(section.events):
                at = (*path, "events", i)
                prepared = self.event(f"{anchor}--{i + 1}", event, at, inner + 1, by_day=True)
                made.append(prepared)
                by_day.setdefault(prepared.schedule.first, []).append(prepared)
            events = tuple(made)
            days = tuple(
                Day(
                    f"{anchor}--{day:%Y-%m-%d}",
                    Line((Text(capitalise(self.french.date(day, weekday=True)), None),)),
                    inner,
                    tuple(those),
                )
                for day, those in sorted(by_day.items())
            )
        return CalendarSection(
            **common,
            intro=self.blocks(section.intro, (*path, "intro"), inner),
            events=events,
            links=self.each(section.links, (*path, "links"), self.programme_link),
            days=days,
        )

    def programme_link(self, index: int, link: m.Link, path: FieldPath) -> Line:
        return Line((decoration(self.words.programme_before, "label"), self.linked(link, path)))

    def mission(self, level: int, index: int, mission: m.Mission, path: FieldPath) -> Mission:
        title = self.numbered(index + 1, self.text(mission.title, (*path, "title")))
        return Mission(title, self.blocks(mission.body, (*path, "body"), level + 1), level)

    def theme(self, index: int, theme: m.Theme, path: FieldPath) -> Theme:
        line = self.numbered(index + 1, self.text(theme.title, (*path, "title"), "strong"))
        section_about, self.about = self.about, plain(rich_text(theme.title))
        try:
            return self._theme(line, theme, path)
        finally:
            self.about = section_about

    def _theme(self, line: Line, theme: m.Theme, path: FieldPath) -> Theme:
        texts = list(line.texts)
        if theme.description:
            texts += [word(" "), self.text(theme.description, (*path, "description"))]
        if theme.link:
            texts += [
                word(self.words.open_parenthesis),
                self.linked(theme.link, (*path, "link")),
                word(self.words.close_parenthesis),
            ]
        return Theme(Line(tuple(texts)))

    def entry(self, index: int, entry: m.Entry, path: FieldPath) -> Entry:
        texts = [self.text(entry.name, (*path, "name"), "strong")]
        if entry.detail:
            texts += [
                word(self.words.open_parenthesis),
                self.text(entry.detail, (*path, "detail")),
                word(self.words.close_parenthesis),
            ]
        more = self.more(entry.url, (*path, "url"), typeset(entry.name))
        if more:
            texts += [word(" "), *more.texts]
        return Entry(Line(tuple(texts)), self.picture(entry.logo, (*path, "logo"), "logo"))

    def _days(self, event: m.Event) -> tuple[Rich, str]:
        """Return an event's days as printed, and the field that gives them."""
        french = self.french
        if event.date is not None:
            return french.date(event.date), "date"
        if event.dates:
            return french.days(event.dates), "dates"
        if event.last_day is not None:
            return french.range(event.first_day, event.last_day), "from"  # type: ignore[arg-type]
        return french.since(event.first_day), "from"  # type: ignore[arg-type]

    def event(
        self, anchor: str, event: m.Event, path: FieldPath, level: int, by_day: bool = False
    ) -> Event:
        """Prepare an event; by_day, one of one day says its hours only (its day heads it)."""
        french = self.french
        schedule = self.schedule(event)
        days, days_field = self._days(event)
        hours = french.hours(event.start, event.end)
        names = tuple(typeset(o.strip()) for o in event.organisers)
        organisers = None
        if names:
            organisers = Line(
                (
                    word(self.words.organisers, "label"),
                    word(" "),
                    self.text(french.format_list(names), (*path, "organisers")),
                )
            )
        title = self.line(event.title, (*path, "title"))
        # Without a title, the event's own subheadings stand with the section's items.
        below = level + 1 if title else level
        section_about, self.about = self.about, title.plain if title else self.about
        description = self.blocks(event.description, (*path, "description"), below)
        notes = self.blocks(event.notes, (*path, "notes"), below)
        self.about = section_about
        name = title.plain if title else _shorten(next(description[0].lines()).plain)
        if event.title and event.link:  # events of one title, each its own « En savoir plus »
            name = self._distinct_name(name, event)
        days_text = Text(capitalise(days), self.origin((*path, days_field)))
        hours_text = Text((Span(hours),), self.origin((*path, "start"))) if hours else None
        if by_day and event.date is not None:  # under the heading of its day
            if hours_text is not None:
                days_text, hours_text = Text(capitalise(hours_text.spans), hours_text.origin), None
            else:
                days_text = word(self.words.all_day)
        return Event(
            anchor=anchor,
            days=days_text,
            hours=hours_text,
            title=title,
            organisers=organisers,
            description=description,
            link=self.more(event.link, (*path, "link"), name),
            notes=notes,
            schedule=schedule,
            name=name,
            organiser_names=tuple(plain(rich_text(name)) for name in names),
            level=level,
            separator=self.words.time_separator,
            place=self.place(event, path),
            online=self.online(event, path, name),
            speakers=self.speakers(event.speakers, (*path, "speakers")),
            sessions=tuple(
                self.session(session, (*path, "sessions", i))
                for i, session in enumerate(event.sessions)
            ),
            location=self.location(event),
        )

    def session(self, session: m.Session, path: FieldPath) -> Line:
        """Return a session as one line: its hours, its title, its room, its speakers."""
        texts: list[Text] = []
        hours = self.french.hours(session.start, session.end)
        if hours:
            texts += [
                Text(capitalise((Span(hours),)), self.origin((*path, "start")), "label"),
                word(self.words.session_separator),
            ]
        texts.append(self.text(session.title, (*path, "title"), "strong"))
        if session.place:
            texts += [
                word(self.words.title_separator),
                self.plain_text(session.place, (*path, "place")),
            ]
        for index, person in enumerate(session.speakers):
            texts.append(word(self.words.people_separator if index else self.words.title_separator))
            texts += self.person(person, (*path, "speakers", index))
        return Line(tuple(texts))

    def place(self, event: m.Event, path: FieldPath) -> Line | None:
        if not event.place:
            return None
        return Line(
            (
                word(self.words.place, "label"),
                word(" "),
                self.plain_text(event.place, (*path, "place")),
            )
        )

    def online(self, event: m.Event, path: FieldPath, name: str) -> Line | None:
        """Return « En ligne : » and the address, printed for those who read it on paper."""
        if not event.online:
            return None
        shown = re.sub(r"^https?://(www\.)?", "", event.online).rstrip("/")
        label = self.words.online_about.format(address=shown, name=name)
        link = Text((Span(shown, href=event.online, label=label),), self.origin((*path, "online")))
        return Line((word(self.words.online, "label"), word(" "), link))

    def location(self, event: m.Event) -> Location | None:
        """Return where the event is, for machines: its place, or else the edition's venue."""
        venue = self.model.venue
        # with a place, the place is a room of the venue; with neither a place nor an online
        # address, the event is at the venue; online alone, it is online only
        at_venue = venue is not None and (event.place or not event.online)
        names = [plain(rich_text(typeset(event.place)))] if event.place else []
        if at_venue and venue is not None:
            names.append(typeset(venue.name))
        if not names and not event.online:
            return None
        address = typeset(venue.address) if at_venue and venue and venue.address else None
        return Location(", ".join(names) or None, address, event.online)

    def schedule(self, event: m.Event) -> Schedule:
        zone = self.french.time_zone
        if event.date is not None:
            return Schedule("days", (event.date,), event.start, event.end, zone)
        if event.dates:
            return Schedule("days", tuple(event.dates), event.start, event.end, zone)
        first = event.first_day
        assert first is not None  # the model's rule: one of date, dates and from
        if event.last_day is not None:
            return Schedule("range", (first, event.last_day), event.start, event.end, zone)
        return Schedule("since", (first,), event.start, event.end, zone)

    def profile(self, level: int, index: int, profile: m.Profile, path: FieldPath) -> Profile:
        texts = [self.text(profile.name, (*path, "name"))]
        if profile.region:
            texts += [
                word(self.words.region_separator),
                self.text(profile.region, (*path, "region"), "detail"),
            ]
        return Profile(
            title=Line(tuple(texts)),
            picture=self.picture(profile.image, (*path, "image"), "profile"),
            body=self.blocks(profile.body, (*path, "body"), level + 1),
            level=level,
            team=self.team(profile.team, (*path, "team")),
        )

    def contact(self, index: int, contact: m.Contact, path: FieldPath) -> Contact:
        detail: list[Text] = []
        for key in ("role", "organisation"):
            value = getattr(contact, key)
            if value:
                if detail:
                    detail.append(word(self.words.role_separator))
                detail.append(self.text(value, (*path, key)))
        addresses = []
        if contact.email:
            email = Span(contact.email, href=f"mailto:{contact.email}")
            addresses.append(Line((Text((email,), self.origin((*path, "email"))),)))
        if contact.phone:
            phone = Span(contact.phone.replace(" ", "\u00a0"), href=f"tel:{m.dial(contact.phone)}")
            addresses.append(Line((Text((phone,), self.origin((*path, "phone"))),)))
        return Contact(
            name=Line((self.text(contact.name, (*path, "name"), "strong"),)),
            detail=Line(tuple(detail)) if detail else None,
            addresses=tuple(addresses),
        )


def _name_key(text: str) -> str:
    return " ".join(plain(rich_text(text)).split()).casefold()


def _link_targets(edition: m.Edition) -> dict[str, set[str]]:
    """Return each link's words (as compared) and the addresses they lead to in the edition."""
    found: dict[str, set[str]] = {}

    def walk(value: Any) -> None:
        if isinstance(value, m.Link):
            found.setdefault(_name_key(value.text), set()).add(value.url)
        elif isinstance(value, str):
            if "](" in value:  # a link's words are all its spans' (« le 1er mai »)
                for href, run in itertools.groupby(rich_text(value), key=lambda s: s.href):
                    if href:
                        found.setdefault(_name_key(plain(run)), set()).add(href)
        elif isinstance(value, m.Model):
            for name in type(value).model_fields:
                walk(getattr(value, name))
        elif isinstance(value, list | tuple):
            for item in value:
                walk(item)

    walk(edition)
    return found
