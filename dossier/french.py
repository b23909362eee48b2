"""French as a printer sets it: dates, times, ranges, spacing and quotes (Babel underneath)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import groupby

from babel import Locale, UnknownLocaleError
from babel.dates import format_date as babel_format_date
from babel.dates import get_month_names
from babel.lists import format_list as babel_format_list
from babel.numbers import format_decimal

from dossier.model import LINK_TARGET, split_inline

NBSP = "\u00a0"  # no-break space: before a colon, inside "9 h 30"
NNBSP = "\u202f"  # narrow no-break space: before ; ! ? and inside « »

PAGE_PLACEHOLDER = "{page}"


@dataclass(frozen=True)
class Span:
    """A run of text with one look: superscript, a link, or the page number of a section."""

    text: str
    sup: bool = False
    href: str | None = None
    page_of: str | None = None  # the anchor whose page number replaces this span
    # What a screen reader says of a link whose words alone say nowhere (« En savoir plus sur
    # « Journée des labs » »); never printed: the web's aria-label, the PDF's link description.
    label: str | None = None
    lang: str | None = None  # the language of a phrase in another one than the edition's
    # a mark of the layout, not a word (the arrow after « En savoir plus »): seen, never read
    # (the web's aria-hidden, the PDF's layout artifact)
    decor: bool = False


Rich = tuple[Span, ...]


def plain(rich: Iterable[Span]) -> str:
    """Return the text of spans, without their looks (page numbers left out)."""
    return "".join(span.text for span in rich)


# --- Running text ------------------------------------------------------------------------

# Possessive quantifiers (++): a 300 000-character word is scanned once, never backtracked.
_PROTECTED = re.compile(
    rf"\]\({LINK_TARGET}\)"  # the target of an inline link: ](https://…)
    r"|\]\{lang=[^{}\s]*+\}"  # the language of a phrase: ]{lang=rcf}
    r"|(?P<url>(?:https?://|www\.)[^\s«»<>\"]*+)"  # URLs (their closing stop is given back)
    r"|(?<![\w.+-])[\w.+-]++@[\w-]++(?:\.[\w-]++)++"  # e-mail addresses
    r"|\b\d{1,2}:\d{2}\b"  # 09:30
    r"|\b\d++(?:[.,:]\d++)++\b"  # 1.5, 3,14, 1:2
)
# Protected stretches stand in for themselves while the rules run: a noncharacter, which the
# loader refuses in any value, so that no user's text can hold it.
_HOLE = "\ufdd0"
_SPACES = f"[ {NBSP}{NNBSP}]"
_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\.\.\.(?!\.)"), "…"),
    (re.compile(r"(?<=\w)'"), "’"),
    (re.compile(r"'(?=\w)"), "’"),
    (re.compile(r'(^|[\s(\[\u2014\u2013/])"'), "\\1«"),
    (re.compile(r'"'), "»"),
    (re.compile(f"«{_SPACES}*"), f"«{NNBSP}"),
    (re.compile(f"{_SPACES}*»"), f"{NNBSP}»"),
    (re.compile(f"(?<=[^\\s;!?«]){_SPACES}*([;!?]+)"), f"{NNBSP}\\1"),
    (re.compile(f"(?<=[^\\s:]){_SPACES}*:(?=\\s|$|»)"), f"{NBSP}:"),
    (re.compile(r"(?<=\S)  +(?=\S)"), " "),
)
_ORDINAL = re.compile(r"\b(\d{1,4})(er|re|e|ème|nd|nde)(?=[\s\u00a0\u202f,.;:)]|$)")


def typeset(text: str) -> str:
    """Set French spacing, quotes, apostrophes and ellipses; never inside URLs or times."""
    if _HOLE in text:
        raise ValueError("U+FDD0 is not a character: the loader refuses it")
    protected: list[str] = []

    def hide(match: re.Match[str]) -> str:
        found = match.group()
        kept = found.rstrip(".,;:!?)") if match.group("url") else found
        protected.append(kept)
        return _HOLE + found[len(kept) :]  # « voir https://x.fr. » ends its sentence

    result = _PROTECTED.sub(hide, text)
    for pattern, replacement in _RULES:
        result = pattern.sub(replacement, result)
    pieces = result.split(_HOLE)  # the rules neither add nor remove a hole
    return "".join(p + (protected[i] if i < len(protected) else "") for i, p in enumerate(pieces))


def _with_ordinals(text: str, href: str | None = None) -> list[Span]:
    spans: list[Span] = []
    position = 0
    for match in _ORDINAL.finditer(text):
        spans.append(Span(text[position : match.start(2)], href=href))
        spans.append(Span(match.group(2), sup=True, href=href))
        position = match.end()
    spans.append(Span(text[position:], href=href))
    return [span for span in spans if span.text]


def rich_text(text: str) -> Rich:
    """Typeset running text and split it into spans: links, page references, ordinals."""
    spans: list[Span] = []
    # Typeset the whole text first: a link's neighbours decide its spacing.
    for piece, target, lang in split_inline(typeset(text)):
        if lang is not None:
            spans += [dataclasses.replace(s, lang=lang) for s in _bare_links(piece)]
        elif target is not None and target.startswith("#") and PAGE_PLACEHOLDER in piece:
            before, _, after = piece.partition(PAGE_PLACEHOLDER)
            spans += _with_ordinals(before.replace(" ", NBSP), target)  # "p. 17" never breaks
            spans.append(Span("", href=target, page_of=target[1:]))
            spans += _with_ordinals(after, target)
        elif target is None:
            spans += _bare_links(piece)
        else:
            spans += _with_ordinals(piece, target)
    return _merge(spans)


# An address written bare in running text is a link too, in every output: its closing stop
# ends the sentence. (Possessive: linear on any word.)
_BARE = re.compile(
    r"(?P<url>https?://[^\s«»<>\"\[\]]++)|(?<![\w.+-])(?P<mail>[\w.+-]++@[\w-]++(?:\.[\w-]++)++)"
)


def _bare_links(text: str) -> list[Span]:
    spans: list[Span] = []
    position = 0
    for match in _BARE.finditer(text):
        found = match.group()
        address = found.rstrip(".,;:!?)") if match.group("url") else found
        href = address if match.group("url") else f"mailto:{address}"
        spans += _with_ordinals(text[position : match.start()])
        spans.append(Span(address, href=href))
        position = match.start() + len(address)
    spans += _with_ordinals(text[position:])
    return spans


def _merge(spans: Sequence[Span]) -> Rich:
    merged: list[Span] = []
    for span in spans:
        previous = merged[-1] if merged else None
        if (
            previous is not None
            and previous.page_of is None
            and span.page_of is None
            and (previous.sup, previous.href, previous.label, previous.lang)
            == (span.sup, span.href, span.label, span.lang)
        ):
            merged[-1] = dataclasses.replace(span, text=previous.text + span.text)
        else:
            merged.append(span)
    return tuple(merged)


def capitalise(rich: Rich) -> Rich:
    """Give the first letter a capital, as at the start of a line: "à partir" → "À partir"."""
    if not rich or not rich[0].text:
        return rich
    first = rich[0]
    return (dataclasses.replace(first, text=first.text[:1].upper() + first.text[1:]), *rich[1:])


# --- Words and numbers -------------------------------------------------------------------


@dataclass(frozen=True)
class Words:
    """The fixed words and marks a press kit prints around its content, in French.

    They are decided here, once: no renderer, template or stylesheet writes a word of its own.
    """

    kind: str = "Dossier de presse"
    contents: str = "Sommaire"
    more: str = "En savoir plus"
    more_after: str = "\u00a0→"  # after « En savoir plus », outside the link
    programme_before: str = "→ "  # before « Voir tout le programme »
    page_number: str = "{page} / {pages}"  # the footer's page number
    draft: str = "PROJET"
    draft_of: str = "du"
    edition: str = "édition"
    organisers: str = "Organisé par"
    place: str = "Lieu\u00a0:"  # before an event's place
    speakers: str = "Avec\u00a0:"  # before an event's speakers
    session_separator: str = "\u00a0: "  # between a session's hours and its title
    all_day: str = "Toute la journée"  # an event under its day's heading that has no hours
    people_separator: str = "\u00a0; "  # between two speakers
    online: str = "En ligne\u00a0:"  # before the address to join an event from afar
    # what a screen reader says of the address: it, then what it leads to
    online_about: str = "{address} : rejoindre «\u202f{name}\u202f» en ligne"
    published: str = "Publié le"
    attribution: str = "— "  # before who said a quote
    credit_separator: str = " — "  # between a picture's caption and its credit
    accessibility: str = "Accessibilité\u00a0:"  # RGAA's words, then the status
    conformity: str = "{status} conforme"  # « partiellement conforme »
    statement: str = "déclaration d’accessibilité"  # the link to the statement
    title_separator: str = " — "  # between « Dossier de presse » and the title
    role_separator: str = ", "  # between a name and a role: « Amélie de Montchalin, ministre »
    region_separator: str = " — "  # between a profile's name and its region
    time_separator: str = ", "  # between an event's days and its hours
    open_parenthesis: str = " ("
    close_parenthesis: str = ")"
    number_after: str = ". "  # after the number of a theme or a mission: « 1. »
    # What a screen reader says of « En savoir plus »: alone, the words say nowhere.
    more_about: str = "En savoir plus sur «\u202f{name}\u202f»"
    # What a reader says of a link to a page (a contents entry, « voir p. 7 »): its subject and
    # the page, for the number alone says nowhere.
    page_link: str = "{name}, page\u00a0{page}"
    page_link_after_mark: str = "{name} — page\u00a0{page}"  # after « ? », « ! » or « … »
    page: str = "page\u00a0{page}"
    # a link whose words lead elsewhere elsewhere in the edition, told apart by its context
    link_about: str = "{text}\u00a0: {name}"
    # The web edition's own words: it has no pages, but a skip link and files to take away.
    skip: str = "Aller au contenu"
    reference: str = "«\u202f{heading}\u202f»"  # « voir p. 12 » on a screen, where pages are none
    download_pdf: str = "Télécharger le dossier de presse"
    download_pdf_any_kind: str = "Télécharger le document"  # for an edition of its own kind
    download_docx: str = "Télécharger la version modifiable"
    download_ics: str = "Ajouter le programme à votre agenda"
    file_detail: str = " ({kind}, {size})"  # after a download's words: « (PDF, 1,2 Mo) »
    kilobytes: str = "Ko"
    megabytes: str = "Mo"


class French:
    """The French of one edition: its locale, its time style, its year."""

    def __init__(
        self,
        locale: str = "fr_FR",
        time_style: str = "typographic",
        year: int | None = None,
        year_style: str = "always",
    ) -> None:
        try:
            self.locale = Locale.parse(locale)
        except (ValueError, UnknownLocaleError) as error:
            raise ValueError(f"langue inconnue : {locale}") from error
        if self.locale.language != "fr":
            raise ValueError(f"langue non prise en charge : {locale} (seul le français l'est)")
        self.time_style = time_style
        self.year = year
        self.year_style = year_style
        self.months = get_month_names("wide", locale=self.locale)
        self.words = Words()

    @property
    def language_tag(self) -> str:
        """Return the BCP 47 tag that PDF, HTML and DOCX want: fr-FR."""
        return str(self.locale).replace("_", "-")

    def format_list(self, items: Sequence[str]) -> str:
        """Join items as French lists do: "A, B et C"."""
        return babel_format_list(list(items), locale=self.locale) if items else ""

    @property
    def time_zone(self) -> str:
        """Return the IANA time zone of the edition's hours: metropolitan France's."""
        return "Europe/Paris"

    def format_number(self, number: float) -> str:
        """Write a number with French grouping: "1 234"."""
        return format_decimal(number, locale=self.locale)

    def ordinal(self, number: int, feminine: bool = True) -> Rich:
        """Return "1re", "1er", "8e" with the suffix marked as superscript."""
        suffix = "e" if number != 1 else ("re" if feminine else "er")
        return (Span(str(number)), Span(suffix, sup=True))

    # --- Dates and times ---

    def _show_year(self, year: int) -> bool:
        return self.year_style == "always" or year != self.year

    def day(self, date: dt.date) -> Rich:
        """Return the day of the month: "1er" (superscript "er"), else the number."""
        return (Span("1"), Span("er", sup=True)) if date.day == 1 else (Span(str(date.day)),)

    def date(self, date: dt.date, weekday: bool = False, year: bool | None = None) -> Rich:
        """Write a date: "1er novembre 2021", "mercredi 3 novembre 2021"."""
        spans: list[Span] = []
        if weekday:
            name = babel_format_date(date, "EEEE", locale=self.locale).lower()
            spans.append(Span(f"{name} "))
        spans += self.day(date)
        text = f"{NBSP}{self.months[date.month]}"
        if year if year is not None else self._show_year(date.year):
            text += f" {date.year}"
        spans.append(Span(text))
        return _merge(spans)

    def time(self, time: dt.time) -> str:
        """Write a time in the edition's style: "9 h 30", "20 h" or "09:30"."""
        if self.time_style == "colon":
            return f"{time:%H:%M}"
        minutes = f"{NBSP}{time.minute:02d}" if time.minute else ""
        return f"{time.hour}{NBSP}h{minutes}"

    def hours(self, start: dt.time | None, end: dt.time | None) -> str:
        """Write the hours of an event: "de 9 h 30 à 12 h 30", "à 19 h"."""
        if start is None:
            return ""
        if end is None:
            return f"à {self.time(start)}"
        return f"de {self.time(start)} à {self.time(end)}"

    def range(self, first: dt.date, last: dt.date, year: bool | None = None) -> Rich:
        """Write a range of days: "du 2 au 30 novembre 2021", "du 28 octobre au 3 novembre".

        year: True writes the year whatever the edition's style (the edition's own period).
        """
        if first == last:
            return self.date(first, year=year)
        if first.year != last.year:
            start = self.date(first, year=True)
        elif first.month != last.month:
            start = self.date(first, year=False)
        else:
            start = self.day(first)
        return _merge([Span("du "), *start, Span(" au "), *self.date(last, year=year)])

    def days(self, dates: Sequence[dt.date]) -> Rich:
        """Write separate days: "les 4 et 5 novembre", "les 28 octobre, 5 et 19 novembre"."""
        groups = [list(g) for _, g in groupby(dates, key=lambda d: (d.year, d.month))]
        spans: list[Span] = [Span("les ")]
        count = len(dates)
        index = 0
        for group_number, group in enumerate(groups):
            for position, date in enumerate(group):
                index += 1
                spans += self.day(date)
                if position == len(group) - 1:
                    last_group = group_number == len(groups) - 1
                    year = self._show_year(date.year) and (
                        last_group or date.year != groups[group_number + 1][0].year
                    )
                    spans.append(
                        Span(f"{NBSP}{self.months[date.month]}" + (f" {date.year}" if year else ""))
                    )
                if index < count - 1:
                    spans.append(Span(", "))
                elif index == count - 1:
                    spans.append(Span(" et "))
        return _merge(spans)

    def since(self, first: dt.date) -> Rich:
        """Write an open-ended start: "à partir du 8 novembre"."""
        return _merge([Span("à partir du "), *self.date(first)])

    def when(
        self,
        *,
        date: dt.date | None = None,
        dates: Sequence[dt.date] | None = None,
        first: dt.date | None = None,
        last: dt.date | None = None,
        start: dt.time | None = None,
        end: dt.time | None = None,
    ) -> Rich:
        """Write when something happens, in whichever shape its dates take."""
        if date is not None:
            days = self.date(date)
        elif dates:
            days = self.days(dates)
        elif first is not None and last is not None:
            days = self.range(first, last)
        elif first is not None:
            days = self.since(first)
        else:
            raise ValueError("no date given")
        hours = self.hours(start, end)
        return _merge([*days, Span(f", {hours}")]) if hours else days


def file_size(size: int, words: Words, locale: str = "fr_FR") -> str:
    """Write a file's size as a download link gives it: "85 Ko", "1,2 Mo" (1 Ko = 1 000 octets)."""
    kilobytes = max(1, round(size / 1000))
    if kilobytes < 1000:
        return f"{kilobytes}{NBSP}{words.kilobytes}"
    megabytes = format_decimal(round(size / 1_000_000, 1), locale=locale)
    return f"{megabytes}{NBSP}{words.megabytes}"


# --- Reading back what a reviewer typed ---------------------------------------------------

_SPACES_TO_PLAIN = str.maketrans({NBSP: " ", NNBSP: " ", "\u2009": " ", "\n": " ", "\t": " "})
_WEEKDAYS = "lundi mardi mercredi jeudi vendredi samedi dimanche".split()  # noqa: SIM905
_TIME_PATTERN = re.compile(r"(\d{1,2})\s*(?:h|:)\s*(\d{2})?(?!\d)", re.IGNORECASE)


def untypeset(text: str) -> str:
    """Write printed text back as a person types it: plain spaces, ' and " for ’ and « »."""
    text = text.translate(_SPACES_TO_PLAIN).replace("’", "'")
    text = re.sub(r"«\s*", '"', text)
    return re.sub(r"\s*»", '"', text)


def same_print(one: str, other: str) -> bool:
    """Tell whether two texts print alike once set: spacing, quotes and apostrophes aside."""

    def norm(text: str) -> str:
        text = re.sub(r"\s+", " ", untypeset(text)).strip()
        return re.sub(r" (?=[;:!?\"])|(?<=\") ", "", text)

    return norm(one) == norm(other)


@dataclass(frozen=True)
class Days:
    """When an event takes place, read from French: one day, several, a range, or from a day."""

    shape: str  # "date", "dates", "range", "since"
    dates: tuple[dt.date, ...]


def read_days(text: str, months: Mapping[int, str], year: int) -> Days | None:
    """Read « 3 novembre 2021 », « les 4 et 5 novembre », « du 2 au 5 novembre », « à partir du… ».

    A day without a year takes the year written after it, else the edition's.
    """
    words = untypeset(text).lower().replace("1er", "1").replace(",", " , ")
    tokens = [t for t in words.split() if t not in _WEEKDAYS]
    names = {name.lower(): number for number, name in months.items()}
    shape = "date"
    if tokens[:3] == ["à", "partir", "du"] or tokens[:3] == ["a", "partir", "du"]:
        shape, tokens = "since", tokens[3:]
    elif tokens[:1] == ["du"] and "au" in tokens:
        shape, tokens = "range", [t for t in tokens[1:] if t != "au"]
    elif tokens[:1] == ["les"]:
        shape, tokens = "dates", [t for t in tokens[1:] if t not in (",", "et")]
    elif tokens[:1] == ["le"]:
        tokens = tokens[1:]
    days: list[list[int | None]] = []  # [day, month, year]
    for token in tokens:
        if token.isdigit() and len(token) <= 2:
            days.append([int(token), None, None])
        elif token in names and days:
            for day in days:
                day[1] = day[1] or names[token]
        elif token.isdigit() and len(token) == 4 and days:
            for day in days:
                day[2] = day[2] or int(token)
        else:
            return None
    if not days or any(day[1] is None for day in days):
        return None
    try:
        dates = tuple(dt.date(d[2] or year, d[1], d[0]) for d in days)  # type: ignore[arg-type]
    except ValueError:
        return None
    if (
        shape == "range"
        and len(dates) == 2
        and dates[0] > dates[1]
        and dates[0].year == dates[1].year
    ):
        dates = (dates[0].replace(year=dates[1].year - 1), dates[1])  # « du 28 déc. au 3 janv. »
    counts = {"date": 1, "since": 1, "range": 2}
    if (shape in counts and len(dates) != counts[shape]) or (shape == "dates" and len(dates) < 2):
        return None
    return Days(shape, dates)


def read_hours(text: str) -> tuple[dt.time, dt.time | None] | None:
    """Read « de 9 h 30 à 12 h 30 », « à 19 h », « 09:30 - 12:00 »: the start and the end."""
    plain = untypeset(text)
    times = []
    for match in _TIME_PATTERN.finditer(plain):
        hour, minute = int(match.group(1)), int(match.group(2) or 0)
        if hour > 23 or minute > 59:
            return None
        times.append(dt.time(hour, minute))
    rest = _TIME_PATTERN.sub(" ", plain).lower()
    if not times or len(times) > 2 or re.sub(r"\b(de|à|a|jusqu'à|et)\b|[-–—,]", " ", rest).strip():
        return None
    if len(times) == 2 and times[1] <= times[0]:
        return None
    return times[0], times[1] if len(times) == 2 else None
