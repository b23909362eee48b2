"""The view of an edition: every string set in French once, ready for any renderer."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from dossier import model as m
from dossier.french import French, Rich, Span, Words, capitalise, plain, rich_text, typeset


@dataclass(frozen=True)
class Link:
    """A link with its visible text."""

    text: Rich
    url: str


@dataclass(frozen=True)
class Picture:
    """An image file with what a screen reader says of it."""

    path: Path
    alt: str
    caption: Rich | None = None


@dataclass(frozen=True)
class Block:
    """A paragraph, a bullet list or a subheading."""

    kind: str  # "paragraph", "list", "subheading"
    text: Rich = ()
    items: tuple[Rich, ...] = ()


@dataclass(frozen=True)
class Event:
    """One event, its date line already written."""

    anchor: str
    title: Rich | None
    organisers: Rich | None
    when: Rich
    description: tuple[Block, ...]
    link: Link | None
    notes: tuple[Block, ...]


@dataclass(frozen=True)
class Item:
    """One entry of a themes, directory, profiles, missions or contacts section."""

    title: Rich
    detail: Rich | None = None
    body: tuple[Block, ...] = ()
    links: tuple[Link, ...] = ()
    picture: Picture | None = None


@dataclass(frozen=True)
class Section:
    """One section, whatever its kind; the fields its kind does not use stay empty."""

    kind: str
    anchor: str
    heading: Rich | None
    running: str
    new_page: bool
    level: int
    intro: tuple[Block, ...] = ()
    body: tuple[Block, ...] = ()
    outro: tuple[Block, ...] = ()
    person: Item | None = None
    picture: Picture | None = None
    quote: Rich | None = None
    questions: tuple[tuple[Rich, tuple[Block, ...]], ...] = ()
    items: tuple[Item, ...] = ()
    events: tuple[Event, ...] = ()
    links: tuple[Link, ...] = ()

    @property
    def title(self) -> str:
        """Return the heading as plain text, for bookmarks and running headers."""
        return plain(self.heading or ())


@dataclass(frozen=True)
class Edition:
    """The whole edition as the renderers receive it."""

    title: str
    subtitle: str | None
    edition_label: Rich | None
    period: Rich
    publication: Rich | None
    publisher: str
    publisher_short: str | None
    publisher_url: str | None
    ministry: str | None
    slug: str
    language: str
    keywords: tuple[str, ...]
    words: Words
    draft: str | None
    cover: Picture | None
    sections: tuple[Section, ...]
    created: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))

    @property
    def contents(self) -> tuple[Section, ...]:
        """Return the sections that the contents and the bookmarks list."""
        return tuple(section for section in self.sections if section.heading)

    def strings(self) -> Iterator[str]:
        """Yield every string the renderers print, in reading order."""
        yield from _strings(self)

    @property
    def description(self) -> str:
        """Return the one-line subject of the document's metadata."""
        parts = [self.words.kind, self.title, plain(self.period)]
        return " — ".join(part for part in parts if part)


def _strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, tuple):
        for item in value:
            yield from _strings(item)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for field_ in dataclasses.fields(value):
            if field_.name not in ("path", "href", "url", "anchor", "page_of", "created"):
                yield from _strings(getattr(value, field_.name))


def _present(*links: Link | None) -> tuple[Link, ...]:
    return tuple(link for link in links if link is not None)


def prepare(edition: m.Edition, folder: Path, draft: bool = False) -> Edition:
    """Prepare the view of an edition: set every string once, for every renderer."""
    french = French(
        edition.locale, edition.style.time, edition.period.start.year, edition.style.year
    )
    words = french.words
    prepare_ = _Preparer(french, folder.resolve(), words)  # images are given as file URIs
    draft_mark = None
    if draft:
        draft_mark = words.draft
        if edition.revision is not None:
            draft_mark += (
                f" — {edition.revision.version} {words.draft_of} "
                f"{plain(french.date(edition.revision.date, year=True))}"
            )
    label = None
    if edition.edition_number is not None:
        label = (*french.ordinal(edition.edition_number), Span(f" {words.edition}"))
    return Edition(
        title=typeset(edition.title),
        subtitle=typeset(edition.subtitle) if edition.subtitle else None,
        edition_label=label,
        period=french.range(edition.period.start, edition.period.end),
        publication=french.date(edition.publication_date, year=True)
        if edition.publication_date
        else None,
        publisher=typeset(edition.publisher.name),
        publisher_short=edition.publisher.short_name,
        publisher_url=edition.publisher.url,
        ministry=typeset(edition.publisher.ministry) if edition.publisher.ministry else None,
        slug=edition.slug,
        language=french.language_tag,
        keywords=tuple(typeset(k) for k in edition.keywords),
        words=words,
        draft=draft_mark,
        cover=prepare_.picture(edition.cover_image),
        sections=tuple(prepare_.section(s) for s in edition.sections),
    )


class _Preparer:
    """Turns each part of the model into its view, with one French and one folder."""

    def __init__(self, french: French, folder: Path, words: Words) -> None:
        self.french = french
        self.folder = folder
        self.words = words

    def picture(self, image: m.Image | None) -> Picture | None:
        if image is None:
            return None
        caption = rich_text(image.caption) if image.caption else None
        return Picture(self.folder / image.src, typeset(image.alt), caption)

    def blocks(self, blocks: list[m.Block] | list[str]) -> tuple[Block, ...]:
        result = []
        for block in blocks:
            if isinstance(block, str):
                result.append(Block("paragraph", rich_text(block)))
            elif block.paragraph is not None:
                result.append(Block("paragraph", rich_text(block.paragraph)))
            elif block.subheading is not None:
                result.append(Block("subheading", rich_text(block.subheading)))
            else:
                items = tuple(rich_text(item) for item in block.bullets or ())
                result.append(Block("list", items=items))
        return tuple(result)

    def link(self, link: m.Link | None) -> Link | None:
        return Link(rich_text(link.text), link.url) if link else None

    def more(self, url: str | None) -> Link | None:
        return Link((Span(self.words.more),), url) if url else None

    def event(self, anchor: str, event: m.Event) -> Event:
        organisers = (
            rich_text(self.french.format_list([o.strip() for o in event.organisers]))
            if event.organisers
            else None
        )
        when = self.french.when(
            date=event.date,
            dates=event.dates,
            first=event.first_day,
            last=event.last_day,
            start=event.start,
            end=event.end,
        )
        return Event(
            anchor=anchor,
            title=rich_text(event.title) if event.title else None,
            organisers=organisers,
            when=capitalise(when),
            description=self.blocks(event.description),
            link=self.more(event.link),
            notes=self.blocks(event.notes),
        )

    def section(self, section: m.SectionBase) -> Section:
        common = {
            "kind": section.kind,  # type: ignore[attr-defined]
            "anchor": section.anchor,
            "heading": rich_text(section.heading) if section.heading else None,
            "running": typeset(section.short_heading or section.heading or ""),
            "new_page": section.new_page,
            "level": 1 if section.new_page else 2,
        }
        match section:
            case m.Edito():
                return Section(
                    **common,
                    person=self.person(section.author),
                    picture=self.picture(section.portrait),
                    body=self.blocks(section.paragraphs),
                    quote=rich_text(section.pull_quote) if section.pull_quote else None,
                )
            case m.Interview():
                return Section(
                    **common,
                    person=self.person(section.person),
                    picture=self.picture(section.portrait),
                    questions=tuple(
                        (rich_text(q.question), self.blocks(q.answer)) for q in section.questions
                    ),
                )
            case m.TextSection():
                return Section(**common, body=self.blocks(section.body))
            case m.Themes():
                items = tuple(
                    Item(
                        title=rich_text(theme.title),
                        detail=rich_text(theme.description) if theme.description else None,
                        links=_present(self.link(theme.link)),
                    )
                    for theme in section.themes
                )
                return Section(**common, intro=self.blocks(section.intro), items=items)
            case m.Directory():
                items = tuple(
                    Item(
                        title=rich_text(entry.name),
                        detail=rich_text(entry.detail) if entry.detail else None,
                        links=_present(self.more(entry.url)),
                    )
                    for entry in section.entries
                )
                return Section(
                    **common,
                    intro=self.blocks(section.intro),
                    items=items,
                    outro=self.blocks(section.outro),
                )
            case m.Calendar():
                events = tuple(
                    self.event(f"{section.anchor}-{number}", event)
                    for number, event in enumerate(section.events, start=1)
                )
                return Section(
                    **common,
                    intro=self.blocks(section.intro),
                    events=events,
                    links=_present(*(self.link(link) for link in section.links)),
                )
            case m.Profiles():
                items = tuple(
                    Item(
                        title=rich_text(profile.name),
                        detail=rich_text(profile.region) if profile.region else None,
                        body=self.blocks(profile.body),
                        picture=self.picture(profile.image),
                    )
                    for profile in section.profiles
                )
                return Section(
                    **common,
                    intro=self.blocks(section.intro),
                    items=items,
                    outro=self.blocks(section.outro),
                )
            case m.Missions():
                items = tuple(
                    Item(title=rich_text(mission.title), body=self.blocks(mission.body))
                    for mission in section.missions
                )
                return Section(**common, intro=self.blocks(section.intro), items=items)
            case m.Contacts():
                return Section(
                    **common,
                    intro=self.blocks(section.intro),
                    items=tuple(self.contact(c) for c in section.contacts),
                )
        raise TypeError(f"no view for section kind {section.kind}")  # type: ignore[attr-defined]

    def person(self, person: m.Person) -> Item:
        return Item(
            title=rich_text(person.name),
            detail=rich_text(person.role) if person.role else None,
        )

    def contact(self, contact: m.Contact) -> Item:
        detail = ", ".join(typeset(x) for x in (contact.role, contact.organisation) if x)
        links = []
        if contact.email:
            links.append(Link((Span(contact.email),), f"mailto:{contact.email}"))
        if contact.phone:
            number = contact.phone.replace(" ", "").replace(".", "")
            links.append(Link((Span(contact.phone.replace(" ", "\u00a0")),), f"tel:{number}"))
        return Item(
            title=rich_text(contact.name),
            detail=(Span(detail),) if detail else None,
            links=tuple(links),
        )
