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
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar, TypedDict, TypeVar

from dossier import model as m
from dossier.french import French, Rich, Span, Words, capitalise, plain, rich_text, typeset
from dossier.model import FieldPath, Origin

M = TypeVar("M")
N = TypeVar("N")

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


def word(text: str, role: str = "") -> Text:
    """Return a word of the program (a label, a separator), which no field holds."""
    return Text((Span(text),), None, role)


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


Block = Paragraph | Subheading | Bullets


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

    def lines(self) -> Iterator[Line]:
        """Yield what the picture prints: its caption."""
        if self.caption:
            yield self.caption


# --- Items of sections --------------------------------------------------------------------


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
    separator: str = ", "

    @property
    def when(self) -> Line:
        """Return the date line: the days, then the hours when there are some."""
        if self.hours is None:
            return Line((self.days,))
        return Line((self.days, word(self.separator), self.hours))

    def lines(self) -> Iterator[Line]:
        """Yield what the event prints, in reading order."""
        yield self.when
        yield from _present(self.title, self.organisers)
        yield from _block_lines(self.description)
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
    """One lab or partner of a directory: name, detail and link, on one line."""

    line: Line

    def lines(self) -> Iterator[Line]:
        """Yield what the entry prints."""
        yield self.line


@dataclass(frozen=True)
class Profile:
    """One profile: its title (name and region), its picture, its text."""

    title: Line
    picture: Picture | None
    body: tuple[Block, ...]

    def lines(self) -> Iterator[Line]:
        """Yield what the profile prints, in reading order."""
        yield self.title
        if self.picture is not None:
            yield from self.picture.lines()
        yield from _block_lines(self.body)


@dataclass(frozen=True)
class Mission:
    """One mission: its numbered title and its text."""

    title: Line
    body: tuple[Block, ...]

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
    heading: Line | None
    running: Line | None  # the running header of its pages

    @property
    def title(self) -> str:
        """Return the heading as plain text, for bookmarks and running headers."""
        return self.heading.plain if self.heading else ""

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

    def body_lines(self) -> Iterator[Line]:
        """Yield the lines after the heading."""
        yield from _block_lines(self.intro)
        for event in self.events:
            yield from event.lines()
        yield from self.links


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

    def lines(self) -> Iterator[Line]:
        """Yield what the cover prints, top to bottom."""
        yield from _present(self.ministry, self.kind, self.title, self.subtitle, self.edition)
        yield self.period
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

    def lines(self) -> Iterator[Line]:
        """Yield what the contents print (page numbers are added by each output)."""
        yield self.title
        for entry in self.entries:
            yield entry.text


@dataclass(frozen=True)
class Edition:
    """The whole edition as the renderers receive it."""

    slug: str
    language: str
    folder: Path  # the edition's folder: the only place its images are read from
    digest: str | None  # SHA-256 of the edition.yaml this view was made from
    title: Line
    document_title: str  # « Dossier de presse — Mois de l’innovation publique »
    description: str  # the one-line subject of the document's metadata
    author: str
    keywords: tuple[str, ...]
    words: Words
    draft: Line | None
    running_title: Line
    cover: Cover
    contents: Contents
    sections: tuple[Section, ...]
    created: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))

    def lines(self) -> Iterator[Line]:
        """Yield every line the body of the document prints, in reading order."""
        yield from self.cover.lines()
        yield from self.contents.lines()
        for section in self.sections:
            yield from section.lines()

    def texts(self) -> Iterator[Text]:
        """Yield every text of the view, printed or not (alt texts, running headers)."""
        yield from _texts(self)

    def strings(self) -> Iterator[tuple[str, Origin | None]]:
        """Yield every string the renderers print or embed, with where it comes from."""
        for text in self.texts():
            for span in text.spans:
                yield span.text, text.origin
        for metadata in (self.document_title, self.description, self.author, *self.keywords):
            yield metadata, None


def _texts(value: object) -> Iterator[Text]:
    if isinstance(value, Text):
        yield value
    elif isinstance(value, tuple):
        for item in value:
            yield from _texts(item)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for field_ in dataclasses.fields(value):
            yield from _texts(getattr(value, field_.name))


def _present(*lines: Line | None) -> Iterator[Line]:
    for line in lines:
        if line:
            yield line


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
    heading: Line | None
    running: Line | None


class _Preparer:
    """Turns each part of the model into its view, knowing the path of each value."""

    def __init__(self, edition: m.Edition, french: French, folder: Path) -> None:
        self.model = edition
        self.french = french
        self.words = french.words
        self.folder = folder

    # --- strings ---

    def origin(self, path: FieldPath) -> Origin:
        return self.model.origin(path)

    def text(self, value: str, path: FieldPath, role: str = "") -> Text:
        """Typeset running text (links, page references, ordinals) from one field."""
        return Text(rich_text(value), self.origin(path), role)

    def plain_text(self, value: str, path: FieldPath, role: str = "", href: str | None = None):
        """Typeset text that holds no markup of its own (a name, an address)."""
        return Text((Span(typeset(value), href=href),), self.origin(path), role)

    def line(self, value: str | None, path: FieldPath, role: str = "") -> Line | None:
        return Line((self.text(value, path, role),)) if value else None

    def blocks(self, blocks: Sequence[m.Block | str], path: FieldPath) -> tuple[Block, ...]:
        result: list[Block] = []
        for index, block in enumerate(blocks):
            at = (*path, index)
            if isinstance(block, str):
                result.append(Paragraph(Line((self.text(block, at),))))
            elif block.paragraph is not None:
                result.append(Paragraph(Line((self.text(block.paragraph, (*at, "paragraph")),))))
            elif block.subheading is not None:
                text = self.text(block.subheading, (*at, "subheading"))
                result.append(Subheading(Line((text,))))
            else:
                items = tuple(
                    Line((self.text(item, (*at, "list", number)),))
                    for number, item in enumerate(block.bullets or ())
                )
                result.append(Bullets(items))
        return tuple(result)

    def picture(self, image: m.Image | None, path: FieldPath, role: str) -> Picture | None:
        if image is None:
            return None
        source = self.model.source
        return Picture(
            path=self.folder / image.src,
            alt=self.plain_text(image.alt, (*path, "alt")),
            role=role,
            caption=self.line(image.caption, (*path, "caption")),
            pixels=source.images.get(image.src) if source is not None else None,
        )

    def more(self, url: str | None, path: FieldPath) -> Line | None:
        """Return « En savoir plus », linked to the field's address, and its arrow."""
        if not url:
            return None
        link = Text((Span(self.words.more, href=url),), self.origin(path), "more")
        return Line((link, word(self.words.more_after)))

    def linked(self, link: m.Link, path: FieldPath) -> Text:
        """Return a link's text, every span of it pointing to the link's address."""
        text = self.text(link.text, (*path, "text"))
        spans = tuple(Span(s.text, s.sup, s.href or link.url, s.page_of) for s in text.spans)
        return Text(spans, text.origin, "link")

    def byline(self, person: m.Person, path: FieldPath) -> Line:
        texts = [self.text(person.name, (*path, "name"), "strong")]
        if person.role:
            texts += [word(self.words.role_separator), self.text(person.role, (*path, "role"))]
        return Line(tuple(texts))

    def numbered(self, number: int, title: Text) -> Line:
        return Line((word(str(number), "number"), word(self.words.number_after), title))

    # --- the edition ---

    def edition(self, draft: bool) -> Edition:
        edition, words, french = self.model, self.words, self.french
        title = self.text(edition.title, ("title",))
        period = Text(
            french.range(edition.period.start, edition.period.end), self.origin(("period",))
        )
        source = edition.source
        sections = tuple(
            self.section(section, ("sections", index))
            for index, section in enumerate(edition.sections)
        )
        entries = tuple(ContentsEntry(s.anchor, s.level, s.heading) for s in sections if s.heading)
        return Edition(
            slug=edition.slug,
            language=french.language_tag,
            folder=self.folder,
            digest=source.digest if source is not None else None,
            title=Line((title,)),
            document_title=f"{words.kind}{words.title_separator}{title.plain}",
            description=words.title_separator.join((words.kind, title.plain, plain(period.spans))),
            author=typeset(edition.publisher.name),
            keywords=tuple(typeset(k) for k in edition.keywords),
            words=words,
            draft=self.draft() if draft else None,
            running_title=Line((word(words.kind), word(words.title_separator), title)),
            cover=self.cover(title, period),
            contents=Contents(Line((word(words.contents),)), entries),
            sections=sections,
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
            kind=Line((word(words.kind),)),
            title=Line((title,)),
            subtitle=self.line(edition.subtitle, ("subtitle",)),
            edition=label,
            period=Line((period,)),
            picture=self.picture(edition.cover_image, ("cover_image",), "cover"),
            publisher=Line(tuple(publisher_line)),
            published=published,
        )

    # --- sections ---

    def section(self, section: m.SectionBase, path: FieldPath) -> Section:
        heading = self.line(section.heading, (*path, "heading"))
        running_field = "short_heading" if section.short_heading else "heading"
        common: _Common = {
            "anchor": section.anchor,
            "new_page": section.new_page,
            "level": 1 if section.new_page else 2,
            "heading": heading,
            "running": self.line(section.short_heading or section.heading, (*path, running_field)),
        }
        match section:
            case m.Edito():
                return self.edito(section, path, common)
            case m.Interview():
                return self.interview(section, path, common)
            case m.TextSection():
                return TextSection(**common, body=self.blocks(section.body, (*path, "body")))
            case m.Themes():
                return ThemesSection(
                    **common,
                    intro=self.blocks(section.intro, (*path, "intro")),
                    themes=self.each(section.themes, (*path, "themes"), self.theme),
                )
            case m.Directory():
                return DirectorySection(
                    **common,
                    intro=self.blocks(section.intro, (*path, "intro")),
                    entries=self.each(section.entries, (*path, "entries"), self.entry),
                    outro=self.blocks(section.outro, (*path, "outro")),
                )
            case m.Calendar():
                return self.calendar(section, path, common)
            case m.Profiles():
                return ProfilesSection(
                    **common,
                    intro=self.blocks(section.intro, (*path, "intro")),
                    profiles=self.each(section.profiles, (*path, "profiles"), self.profile),
                    outro=self.blocks(section.outro, (*path, "outro")),
                )
            case m.Missions():
                return MissionsSection(
                    **common,
                    intro=self.blocks(section.intro, (*path, "intro")),
                    missions=self.each(section.missions, (*path, "missions"), self.mission),
                )
            case m.Contacts():
                return ContactsSection(
                    **common,
                    intro=self.blocks(section.intro, (*path, "intro")),
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
            paragraphs=self.blocks(section.paragraphs, (*path, "paragraphs")),
            quote=self.line(section.pull_quote, (*path, "pull_quote")),
        )

    def interview(self, section: m.Interview, path: FieldPath, common: _Common) -> InterviewSection:
        return InterviewSection(
            **common,
            portrait=self.picture(section.portrait, (*path, "portrait"), "portrait"),
            byline=self.byline(section.person, (*path, "person")),
            questions=self.each(section.questions, (*path, "questions"), self.question),
        )

    def question(self, index: int, item: m.Answer, path: FieldPath) -> Question:
        question = Line((self.text(item.question, (*path, "question")),))
        return Question(question, self.blocks(item.answer, (*path, "answer")))

    def calendar(self, section: m.Calendar, path: FieldPath, common: _Common) -> CalendarSection:
        return CalendarSection(
            **common,
            intro=self.blocks(section.intro, (*path, "intro")),
            events=tuple(
                self.event(f"{section.anchor}--{i + 1}", event, (*path, "events", i))
                for i, event in enumerate(section.events)
            ),
            links=self.each(section.links, (*path, "links"), self.programme_link),
        )

    def programme_link(self, index: int, link: m.Link, path: FieldPath) -> Line:
        return Line((word(self.words.programme_before, "label"), self.linked(link, path)))

    def mission(self, index: int, mission: m.Mission, path: FieldPath) -> Mission:
        title = self.numbered(index + 1, self.text(mission.title, (*path, "title")))
        return Mission(title, self.blocks(mission.body, (*path, "body")))

    def theme(self, index: int, theme: m.Theme, path: FieldPath) -> Theme:
        line = self.numbered(index + 1, self.text(theme.title, (*path, "title"), "strong"))
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
        more = self.more(entry.url, (*path, "url"))
        if more:
            texts += [word(" "), *more.texts]
        return Entry(Line(tuple(texts)))

    def event(self, anchor: str, event: m.Event, path: FieldPath) -> Event:
        french = self.french
        if event.date is not None:
            days, days_field = french.date(event.date), "date"
        elif event.dates:
            days, days_field = french.days(event.dates), "dates"
        elif event.last_day is not None:
            days, days_field = french.range(event.first_day, event.last_day), "from"  # type: ignore[arg-type]
        else:
            days, days_field = french.since(event.first_day), "from"  # type: ignore[arg-type]
        hours = french.hours(event.start, event.end)
        organisers = None
        if event.organisers:
            names = french.format_list([o.strip() for o in event.organisers])
            organisers = Line(
                (
                    word(self.words.organisers, "label"),
                    word(" "),
                    self.text(names, (*path, "organisers")),
                )
            )
        return Event(
            anchor=anchor,
            days=Text(capitalise(days), self.origin((*path, days_field))),
            hours=Text((Span(hours),), self.origin((*path, "start"))) if hours else None,
            title=self.line(event.title, (*path, "title")),
            organisers=organisers,
            description=self.blocks(event.description, (*path, "description")),
            link=self.more(event.link, (*path, "link")),
            notes=self.blocks(event.notes, (*path, "notes")),
            separator=self.words.time_separator,
        )

    def profile(self, index: int, profile: m.Profile, path: FieldPath) -> Profile:
        texts = [self.text(profile.name, (*path, "name"))]
        if profile.region:
            texts += [
                word(self.words.region_separator),
                self.text(profile.region, (*path, "region"), "detail"),
            ]
        return Profile(
            title=Line(tuple(texts)),
            picture=self.picture(profile.image, (*path, "image"), "profile"),
            body=self.blocks(profile.body, (*path, "body")),
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
