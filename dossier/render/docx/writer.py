"""The DOCX writer: walks the view node by node, one Word paragraph for each line it prints.

Every paragraph that prints a field starts with an empty bookmark (a marker) whose name keys
a custom XML part: marker → the fields the paragraph printed, with their text. A reviewed
DOCX is read back through them (dossier review).
"""

from __future__ import annotations

import contextlib
import io
import itertools
from collections.abc import Iterable, Iterator
from pathlib import Path

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_SECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.opc.part import XmlPart
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.text.paragraph import CT_P
from docx.section import Section as DocxSection
from docx.shared import Emu, Length, Mm, Pt
from docx.text.paragraph import Paragraph as DocxParagraph
from docx.text.parfmt import ParagraphFormat

from dossier.errors import Problem, RenderError, os_reason
from dossier.office import oxml
from dossier.office.markers import MARKER_PREFIX, PAGE, Built, Printed, write_markers
from dossier.render.cover import picture_height
from dossier.render.docx.fonts import embed_fonts
from dossier.render.docx.pages import estimate_pages, space_to_clear
from dossier.render.docx.pictures import UNREADABLE, prepare_picture
from dossier.render.docx.styles import HYPERLINK, apply_styles, role_style
from dossier.theme import (
    EVENT_GAP,
    EVENT_INDENT,
    FLOAT_GAPS,
    KEY_FIGURES,
    TABLE_AFTER,
    TABLE_PADDING,
    TEAM,
    Row,
    Theme,
)
from dossier.view import (
    TITLE_LEVEL,
    Block,
    Bullets,
    CalendarSection,
    Callout,
    ContactsSection,
    DirectorySection,
    Edition,
    EditoSection,
    Event,
    Figure,
    InterviewSection,
    KeyFigures,
    Line,
    MissionsSection,
    Numbered,
    Origin,
    Paragraph,
    Picture,
    ProfilesSection,
    Quote,
    Section,
    Subheading,
    Table,
    TextSection,
    ThemesSection,
)

ANCHOR_PREFIX = "_Toc"  # Word's own prefix for the targets of a TOC field


_POINTS_PER_MM = 72 / 25.4
_BLOCKS = (qn("w:p"), qn("w:tbl"))  # what the body holds in its flow


class Writer:
    """Writes one edition into a new Word document."""

    def __init__(self, edition: Edition, theme: Theme) -> None:
        self.edition = edition
        self.theme = theme
        self.document: DocxDocument = Document()
        self.body = self.document.element.body
        self.styles: dict[str, str] = {}
        self._bookmark_ids = itertools.count(1)
        self._anchors: dict[str, str] = {}
        self._page_numbers: list[tuple[str, oxml.Element]] = []  # (bookmark, cached w:t)
        self._relations: dict[tuple[int, str], str] = {}  # (id of the part, URL) → rId
        self.markers: list[tuple[str, str, Line]] = []  # (bookmark, style, line)
        # the picture in a frame beside the text being written: the index of its first
        # paragraph among the body's, and whether a subheading goes on below it (a profile's
        # own subheadings stand beside its picture, as in the PDF)
        self._floating: tuple[int, bool] | None = None
        # every paragraph with text, as the review reads the document: the body, then the
        # cover's footer (written first, read last)
        self.built: list[Built] = []
        self.built_footer: list[Built] = []

    # --- the document as a whole ---

    def write(self) -> bytes:
        """Write the whole document and return its bytes."""
        self.page_setup(self.document.sections[0])
        self.styles = apply_styles(self.document, self.theme, self.edition.language)
        self.settings()
        self.properties()
        self.cover()
        body = self.document.add_section(WD_SECTION.NEW_PAGE)
        self.page_setup(body)
        self.header_and_footer(body)
        self.contents()
        for section in self.edition.sections:
            self.section(section)
        if self.edition.accessibility:  # the statement closes the document, as in the PDF
            self.paragraph("published", self.edition.accessibility)
        self.fill_page_numbers()
        oxml.add_custom_xml_part(self.document, self.marker_map())
        # the edition and its source's state again, where any word processor keeps them (an
        # ODT's user-defined metadata): a review that lost the markers part still finds them
        oxml.set_custom_properties(
            self.document,
            {"dossier-slug": self.edition.slug, "dossier-source-sha256": self.edition.digest or ""},
        )
        oxml.drop_legacy_parts(self.document)
        embed_fonts(self.document, self.theme.fonts.docx.family, self.theme.fonts.docx.embedded())
        return _save(self.document)

    def page_setup(self, section: DocxSection) -> None:
        page = self.theme.page
        section.page_width, section.page_height = Mm(page.width), Mm(page.height)
        section.top_margin, section.bottom_margin = Mm(page.top), Mm(page.bottom)
        section.left_margin, section.right_margin = Mm(page.inner), Mm(page.outer)
        section.header_distance = section.footer_distance = Mm(page.header)

    def settings(self) -> None:
        settings = self.document.settings.element
        # No w:updateFields: Word would ask, at every open, whether to update « fields that
        # may refer to other files », a question a cabinet reviewer should never meet; the
        # contents' numbers are the estimate's (dossier.render.docx.pages), F9 refreshes them.
        oxml.set_setting(settings, "w:autoHyphenation", val="true")
        lang = settings.find(qn("w:themeFontLang"))
        if lang is not None:
            lang.set(qn("w:val"), self.edition.language)

    def properties(self) -> None:
        core = self.document.core_properties
        edition = self.edition
        core.title = edition.document_title
        core.author = edition.author
        core.subject = edition.description
        core.keywords = ", ".join(edition.keywords)
        core.language = edition.language
        core.created = edition.created.replace(tzinfo=None)
        core.modified = edition.created.replace(tzinfo=None)
        core.last_modified_by = "dossier"
        core.revision = 1
        core.comments = edition.draft.plain if edition.draft else ""
        core.category = edition.words.kind

    def fill_page_numbers(self) -> None:
        """Write the estimated page numbers into the cached results of PAGEREF fields."""
        pages = estimate_pages(self.document, self.theme)
        for bookmark, text in self._page_numbers:
            text.text = str(pages.get(bookmark, ""))

    def marker_map(self) -> bytes:
        """Return the custom XML part: the edition, its source's digest, each paragraph built."""
        return write_markers(
            self.edition.slug, self.edition.digest or "", self.built + self.built_footer
        )

    # --- cover, header, footer, contents ---

    def cover(self) -> None:
        edition, cover = self.edition, self.edition.cover
        if edition.draft:
            self.paragraph("draft", edition.draft)
        logo = self.theme.logo
        if logo is not None:  # the ministry's block: its logo, which names it
            self.image(logo.path(), logo.alt, self.theme.page.text_width, logo.height)
        elif cover.ministry:
            self.paragraph("ministry", cover.ministry)
        self.paragraph("cover_kind", cover.kind)
        self.paragraph("title", cover.title, links=False, level=TITLE_LEVEL)
        self.optional("subtitle", cover.subtitle)
        self.optional("cover_edition", cover.edition)
        self.paragraph("cover_line", cover.period)
        for line in cover.venue:
            self.paragraph("cover_line", line)
        if cover.picture is not None:  # as tall as the cover's text leaves room for
            room = picture_height(cover, self.theme, "docx", draft=bool(edition.draft))
            self.picture(cover.picture, WD_ALIGN_PARAGRAPH.LEFT, height=room)
        # The publisher stands at the foot of the cover, as the PDF's band does, whatever the
        # height of what comes above it: in a frame at the foot of the page, in the body's own
        # order (a footer is read last by Word and outside the tags by LibreOffice's export)
        footer = self.document.sections[0].footer.part
        for paragraph in list(footer.element.iterchildren(qn("w:p"))):
            footer.element.remove(paragraph)
        foot: list[tuple[str, Line | None]] = [
            ("publisher", cover.publisher),
            ("published", cover.published),
        ]
        for style, printed_line in foot:
            if not printed_line:
                continue
            paragraph = self.paragraph(style, printed_line)
            oxml.frame_at_foot(paragraph, self.theme.page.text_width)
            # on a band of the theme's tint under a rule of its colour, as the PDF's foot
            oxml.band(paragraph, self.theme.colour("tint"), self.theme.colour("primary"))

    def header_and_footer(self, section: DocxSection) -> None:
        edition = self.edition
        section.header.is_linked_to_previous = False
        section.footer.is_linked_to_previous = False
        header, footer = section.header.part, section.footer.part
        for story in (header, footer):  # the template's empty paragraph
            for paragraph in list(story.element.iterchildren(qn("w:p"))):
                story.element.remove(paragraph)
        if edition.draft:
            self.paragraph("draft", edition.draft, links=False, mark=False, story=header)
        else:
            self.new_paragraph("running", story=header)  # a header holds one paragraph at least
        line = self.new_paragraph("footer", story=footer)
        self.runs(line, edition.running_title, links=False)
        oxml.add_run(line, "\t")
        pattern = edition.words.page_number
        for piece in (
            pattern.replace("{pages}", "\0NUMPAGES\0").replace("{page}", "\0PAGE\0").split("\0")
        ):
            if piece in ("PAGE", "NUMPAGES"):
                oxml.add_field(line, piece, "1")
            elif piece:
                oxml.add_run(line, piece)

    def contents(self) -> None:
        contents = self.edition.contents
        self.paragraph("h1", contents.title, mark=False, level=contents.level)
        last = None
        for index, entry in enumerate(contents.entries):
            last = self.new_paragraph(f"toc_{entry.level}")
            if index == 0:  # one TOC field around the entries: Word rebuilds it on opening
                # The levels of the sections (Heading 2 and 3) by style only: the titles of
                # events and profiles have outline levels too, and are no entries.
                oxml.start_field(last, 'TOC \\o "2-3" \\h \\z')
            link = oxml.add_hyperlink(last, anchor=self.anchor(entry.anchor))
            self.runs(link, entry.text, links=False)
            oxml.add_run(link, "\t")
            self.page_reference(link, self.anchor(entry.anchor))
            pieces = (*printed(entry.text), Printed(None, None, "\t" + PAGE))
            self.built.append(Built(self.styles[f"toc_{entry.level}"], pieces))
        if last is not None:
            oxml.end_field(last)

    # --- sections ---

    def section(self, section: Section) -> None:
        if section.heading:
            style = "h1" if section.level == 1 else "h2"
            heading = self.paragraph(
                style, section.heading, links=False, level=section.heading_level
            )
            if section.new_page:
                ParagraphFormat(heading).page_break_before = True
            oxml.add_bookmark(heading, next(self._bookmark_ids), self.anchor(section.anchor))
        elif section.new_page:
            ParagraphFormat(self.new_paragraph("body")).page_break_before = True
        getattr(self, f"visit_{section.kind}")(section)

    def visit_edito(self, section: EditoSection) -> None:
        with self.beside(section.portrait):
            self.paragraph("byline", section.byline)
            self.blocks(section.paragraphs)
            if section.quote:  # the pull quote goes below the portrait
                self.clear()
            self.optional("quote", section.quote)

    def visit_interview(self, section: InterviewSection) -> None:
        with self.beside(section.portrait):
            self.paragraph("byline", section.byline)
            for item in section.questions:
                self.paragraph("question", item.question)
                self.blocks(item.answer)

    @contextlib.contextmanager
    def beside(self, picture: Picture | None, *, subheadings_clear: bool = True) -> Iterator[None]:
        """Set a picture at the right of the text written meanwhile, and what follows that
        text below the picture, as the PDF floats it in a block of its own (flow-root): the
        next section's heading never stands beside a portrait taller than its text.

        subheadings_clear: a subheading written meanwhile goes below the picture (print.css:
        .subheading clears floats, but not a profile's own)."""
        if picture is None:
            yield
            return
        start = sum(1 for _ in self.body.iterchildren(*_BLOCKS))
        self.picture(picture, beside=True)
        self._floating = (start, subheadings_clear)
        try:
            yield
        finally:
            self.clear()

    def clear(self) -> None:
        """Set what is written next below the picture beside the text so far, if there is one
        and it is taller than that text (CSS clear: both): an empty paragraph after the text
        takes what the picture reaches below it, as space before it. Word's clearing break
        (w:br w:clear) would say it, but LibreOffice 7.4 reads it as a plain line break; and
        LibreOffice narrows a table below a frame, as if beside it, when the space above the
        table (the space after the paragraph before it) reaches the frame's height."""
        if self._floating is None:
            return
        start, _ = self._floating
        self._floating = None
        elements = list(self.body.iterchildren(*_BLOCKS))[start:]
        space = space_to_clear(self.document, self.theme, elements)
        if space is not None:
            self.strut(max(space - 1, 0))  # the strut's own point

    def visit_text(self, section: TextSection) -> None:
        self.blocks(section.body)

    def visit_themes(self, section: ThemesSection) -> None:
        self.blocks(section.intro)
        for theme in section.themes:
            self.paragraph("theme", theme.line)

    def visit_directory(self, section: DirectorySection) -> None:
        self.blocks(section.intro)
        for entry in section.entries:
            if entry.logo is not None:
                self.picture(entry.logo, WD_ALIGN_PARAGRAPH.LEFT)
            self.paragraph("entry", entry.line)
        self.blocks(section.outro)

    def visit_calendar(self, section: CalendarSection) -> None:
        self.blocks(section.intro)
        if section.days:
            for day in section.days:
                heading = self.paragraph("h3", day.heading, links=False, level=day.level)
                ParagraphFormat(heading).keep_with_next = True
                oxml.add_bookmark(heading, next(self._bookmark_ids), self.anchor(day.anchor))
                for event in day.events:
                    self.event(event)
        else:
            for event in section.events:
                self.event(event)
        for line in section.links:
            self.paragraph("programme", line)

    def visit_profiles(self, section: ProfilesSection) -> None:
        self.blocks(section.intro)
        for profile in section.profiles:
            self.paragraph("profile_title", profile.title, links=False, level=profile.level)
            # its picture beside its text and its subheadings
            with self.beside(profile.picture, subheadings_clear=False):
                self.blocks(profile.body)
            if profile.team:  # side by side, each a portrait and who it is, under it
                row = Row(max(self.theme.images.person.width, TEAM.width), TEAM.gap)
                per_row = row.per_row(self.theme.page.text_width)
                table, cells = self.side_by_side(len(profile.team), row.width, row.gap, per_row)
                for cell, person in zip(cells, profile.team, strict=True):
                    with self.into(cell):
                        if person.picture is not None:
                            self.picture(person.picture, WD_ALIGN_PARAGRAPH.LEFT)
                        self.paragraph("caption", person.person)
                oxml.keep_rows_together(table)
        self.blocks(section.outro)

    def visit_missions(self, section: MissionsSection) -> None:
        self.blocks(section.intro)
        for mission in section.missions:
            self.paragraph("mission_title", mission.title, links=False, level=mission.level)
            self.blocks(mission.body)

    def visit_contacts(self, section: ContactsSection) -> None:
        self.blocks(section.intro)
        for contact in section.contacts:
            self.paragraph("contact_name", contact.name)
            self.optional("contact_detail", contact.detail)
            for address in contact.addresses:
                self.paragraph("body", address)

    def event(self, event: Event) -> None:
        date = self.paragraph("event_date", event.when)
        oxml.add_bookmark(date, next(self._bookmark_ids), self.anchor(event.anchor))
        head = [date]
        if event.title:
            head.append(self.paragraph("event_title", event.title, links=False, level=event.level))
        for line in (event.organisers, event.place, event.online, event.speakers):
            if line:
                head.append(self.paragraph("organisers", line))
        description = self.blocks(event.description)
        description += [self.paragraph("bullet", line) for line in event.sessions]
        after = [self.paragraph("link_line", event.link)] if event.link else []
        after += self.blocks(event.notes)
        if self.theme.may_split(event.running_text()):
            # A long event may break after its head and its first lines, as in the PDF (widow
            # control keeps two lines of a paragraph together); its link and notes stay with
            # its last lines.
            kept = head + (description[-1:] if after else []) + after[:-1]
            together = False
        else:
            kept = (head + description + after)[:-1]  # an event stays on one page
            together = True
        for paragraph in kept:
            look = ParagraphFormat(paragraph)
            look.keep_with_next = True
            look.keep_together = together or None
        self.event_layout([*head, *description, *after])

    def event_layout(self, paragraphs: list[CT_P]) -> None:
        """Set an event as the PDF does: its text indented past the place of the PDF's rule,
        the PDF's gap before its date (theme.EVENT_*), so that its lines hold the PDF's words
        and its pages fill as the PDF's. The rule itself is not drawn: LibreOffice exports a
        paragraph's border as untagged content, outside PDF/UA."""
        indent = round(EVENT_INDENT * _POINTS_PER_MM * 20)  # twentieths of a point
        for paragraph in paragraphs:
            list_left, hanging = self.list_indent(paragraph)
            oxml.set_indent(paragraph, indent + list_left, hanging)
        ParagraphFormat(paragraphs[0]).space_before = Pt(EVENT_GAP * _POINTS_PER_MM)

    def list_indent(self, paragraph: CT_P) -> tuple[int, int]:
        """Return a list item's indent and hanging indent (twips) from its numbering, or 0, 0."""
        style = self.document.styles.element.get_by_id(paragraph.style or "")
        number = (
            None if style is None else style.find(f"{qn('w:pPr')}/{qn('w:numPr')}/{qn('w:numId')}")
        )
        if number is None:
            return 0, 0
        numbering = self.document.part.numbering_part.element
        found = numbering.xpath(f"w:num[@w:numId='{number.get(qn('w:val'))}']/w:abstractNumId")
        if not found:
            return 0, 0
        abstract = found[0].get(qn("w:val"))
        ind = numbering.xpath(f"w:abstractNum[@w:abstractNumId='{abstract}']/w:lvl[1]/w:pPr/w:ind")
        if not ind:
            return 0, 0
        return int(ind[0].get(qn("w:left"), "0")), int(ind[0].get(qn("w:hanging"), "0"))

    def blocks(self, blocks: Iterable[Block]) -> list[CT_P]:
        written = []
        for block in blocks:
            if self.clears(block):
                self.clear()
            match block:
                case Paragraph():
                    written.append(self.paragraph("body", block.text))
                case Subheading():
                    written.append(self.paragraph("h3", block.text, links=False, level=block.level))
                case Bullets():
                    written += [self.paragraph("bullet", item) for item in block.items]
                case Numbered():
                    written += self.numbered(block)
                case Quote():
                    written.append(self.paragraph("quote_text", block.text))
                    if block.attribution:
                        written.append(self.paragraph("attribution", block.attribution))
                    for paragraph in written[-2 if block.attribution else -1 :][:-1]:
                        ParagraphFormat(paragraph).keep_with_next = True
                case Callout():
                    if block.title:
                        written.append(self.paragraph("callout_title", block.title))
                    written += [self.paragraph("callout", line) for line in block.body]
                case KeyFigures():
                    written += self.key_figures(block)
                case Figure():
                    self.picture(block.picture, WD_ALIGN_PARAGRAPH.LEFT)
                case Table():
                    self.table(block)
        return written

    def clears(self, block: Block) -> bool:
        """Whether a block goes below a picture beside the text, as print.css clears it: key
        figures, a figure, a table, and a subheading but a profile's own."""
        if isinstance(block, Subheading):
            return self._floating is not None and self._floating[1]
        return isinstance(block, KeyFigures | Figure | Table)

    def key_figures(self, block: KeyFigures) -> list[CT_P]:
        """Write key figures side by side as the PDF sets them (rows sharing the text's width),
        each its number over its label; return their paragraphs."""
        per_row = KEY_FIGURES.per_row(self.theme.page.text_width)
        count = min(len(block.items), per_row)
        width = (self.theme.page.text_width - (count - 1) * KEY_FIGURES.gap) / count
        written = []
        table, cells = self.side_by_side(len(block.items), width, KEY_FIGURES.gap, per_row)
        for cell, item in zip(cells, block.items, strict=True):
            with self.into(cell):
                written += [
                    self.paragraph("key_number", item.number),
                    self.paragraph("key_label", item.label),
                ]
        oxml.keep_rows_together(table)
        return written

    def side_by_side(
        self, count: int, width: float, gap: float, per_row: int
    ) -> tuple[oxml.Element, list[oxml.Element]]:
        """Add a table with no borders of rows of per_row cells, each width millimetres wide
        and gap apart (the last row's cells left over stay empty), whose rows stand whole on a
        page (oxml.keep_rows_together, once filled, keeps them together); return the table
        and the count cells to fill, row by row.

        As the PDF's flex rows: what stands side by side there does here, in reading order,
        row by row. The cells start at the text's left edge: the gap is the right margin of
        each cell but the last of its row.
        """
        columns = min(count, per_row)
        rows = -(-count // columns)
        table = self.document.add_table(rows=rows, cols=columns)
        oxml.layout_table(table._tbl, [width] * columns, gap)
        cells = []
        for row in table.rows:
            for cell in row.cells:
                element = cell._tc
                for empty in element.findall(qn("w:p")):
                    element.remove(empty)
                cells.append(element)
        for empty in cells[count:]:
            empty.add_p().style = self.styles["body"]
        return table._tbl, cells[:count]

    @contextlib.contextmanager
    def into(self, cell: oxml.Element) -> Iterator[None]:
        """Write the paragraphs added meanwhile into a table's cell."""
        body, self.body = self.body, cell
        try:
            yield
        finally:
            self.body = body

    def numbered(self, block: Numbered) -> list[CT_P]:
        """Write a numbered list that counts from 1, whatever lists came before it."""
        numbering = self.document.part.numbering_part.element
        style = next(s for s in self.document.styles if s.style_id == self.styles["numbered"])
        properties = style.element.pPr
        template = (
            properties.numPr.numId.val
            if properties is not None and properties.numPr is not None
            else None
        )
        abstract = None
        if template is not None:
            num = numbering.num_having_numId(template)
            abstract = num.abstractNumId.val
        written = []
        own = None
        if abstract is not None:
            own = numbering.add_num(abstract)
            own.add_lvlOverride(ilvl=0).add_startOverride(1)
        for item in block.items:
            paragraph = self.paragraph("numbered", item)
            if own is not None:
                numbered = paragraph.get_or_add_pPr().get_or_add_numPr()
                numbered.get_or_add_ilvl().val = 0
                numbered.get_or_add_numId().val = own.numId
            written.append(paragraph)
        return written

    def table(self, block: Table) -> None:
        """Write a table as the PDF's: its caption above it, its header row repeated on every
        page, rules under its rows only."""
        if block.caption:
            ParagraphFormat(self.paragraph("caption", block.caption)).keep_with_next = True
        table = self.document.add_table(rows=1 + len(block.rows), cols=len(block.header))
        colours = self.theme.colour
        oxml.ruled_table(table._tbl, colours("primary"), colours("muted"), TABLE_PADDING)
        header = table.rows[0]._tr
        header.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
        rows = [(block.header, "table_head"), *((row, "table_cell") for row in block.rows)]
        for row, (cells, style) in zip(table.rows, rows, strict=True):
            for cell, line in zip(row.cells, cells, strict=True):
                element = cell._tc
                for empty in element.findall(qn("w:p")):
                    element.remove(empty)
                with self.into(element):
                    if line is None:
                        self.new_paragraph(style)
                    else:
                        self.paragraph(style, line)
        # the white the PDF leaves under a table (its margin), an empty paragraph's
        self.strut(max(TABLE_AFTER * _POINTS_PER_MM - 1, 0))

    # --- paragraphs and runs ---

    def new_paragraph(self, style: str, story: XmlPart | None = None) -> CT_P:
        paragraph = (story.element if story is not None else self.body).add_p()
        paragraph.style = self.styles[style]
        return paragraph

    def paragraph(
        self,
        style: str,
        line: Line,
        links: bool = True,
        mark: bool = True,
        story: XmlPart | None = None,
        level: int | None = None,
    ) -> CT_P:
        """Add a paragraph printing a line to the body (or a header's or footer's part).

        level: a heading's level in the one hierarchy of every output; Word's navigation pane
        and screen readers read it as the paragraph's outline level.
        """
        paragraph = self.new_paragraph(style, story)
        if level is not None:
            paragraph.get_or_add_pPr().get_or_add_outlineLvl().val = level - 1
        self.runs(paragraph, line, links, story)
        name = ""
        if mark and line.fields:
            name = f"{MARKER_PREFIX}{len(self.markers) + 1}"
            oxml.add_bookmark(paragraph, next(self._bookmark_ids), name, empty=True)
            self.markers.append((name, style, line))
        if line and story is None:
            self.built.append(Built(self.styles[style], printed(line), name, "body"))
        return paragraph

    def optional(self, style: str, line: Line | None) -> None:
        if line:
            self.paragraph(style, line)

    def runs(
        self, parent: oxml.Element, line: Line, links: bool = True, story: XmlPart | None = None
    ) -> None:
        """Append a line's runs: roles, superscripts, links and page numbers."""
        for text in line.texts:
            for span in text.spans:
                if span.page_of is not None:
                    bookmark = self.anchor(span.page_of)
                    container = oxml.add_hyperlink(parent, anchor=bookmark) if links else parent
                    self.page_reference(container, bookmark)
                    continue
                linked = span.href is not None and links
                container = (
                    self.hyperlink(parent, span.href, story) if span.href and links else parent
                )
                if linked and span.label:  # Word's ScreenTip, which screen readers say
                    container.set(qn("w:tooltip"), span.label)
                style = self.styles[role_style(text.role, linked)] if text.role else None
                if linked and style is None:
                    style = self.styles[HYPERLINK]
                oxml.add_run(
                    container, span.text, style_id=style, superscript=span.sup, lang=span.lang
                )

    def hyperlink(
        self, parent: oxml.Element, href: str, story: XmlPart | None = None
    ) -> oxml.Element:
        """Add a link to a bookmark or a URL; a URL is a relation of the part holding it."""
        if href.startswith("#"):
            return oxml.add_hyperlink(parent, anchor=self.anchor(href[1:]))
        part = story or self.document.part
        key = (id(part), href)
        if key not in self._relations:  # relate_to searches every relation at each call
            self._relations[key] = part.relate_to(
                href, RELATIONSHIP_TYPE.HYPERLINK, is_external=True
            )
        return oxml.add_hyperlink(parent, relation=self._relations[key])

    def anchor(self, anchor: str) -> str:
        """Return the bookmark name of a section's or an event's anchor."""
        if anchor not in self._anchors:
            # Word wants bookmark names of 40 characters at most, starting with a letter or _.
            self._anchors[anchor] = f"{ANCHOR_PREFIX}{len(self._anchors) + 1:05d}"
        return self._anchors[anchor]

    def page_reference(self, parent: oxml.Element, bookmark: str) -> None:
        text = oxml.add_field(parent, f"PAGEREF {bookmark} \\h", "?")
        self._page_numbers.append((bookmark, text))

    def picture(
        self,
        picture: Picture,
        align: WD_ALIGN_PARAGRAPH = WD_ALIGN_PARAGRAPH.RIGHT,
        height: float | None = None,
        beside: bool = False,
    ) -> list[CT_P]:
        """Add a picture in a paragraph of its own, sized by its role in the theme, and its
        caption under it; return their paragraphs.

        height: millimetres it may take at most, when less than its role's box.
        beside: the picture and its caption stand in a frame at the right of the text that
        follows them, as the PDF floats them (a portrait beside its byline, a profile's
        picture beside its text).
        """
        box = getattr(self.theme.images, picture.role)
        paragraph = self.image(
            picture.path,
            picture.alt.plain,
            box.width,
            min(box.height, height or box.height),
            WD_ALIGN_PARAGRAPH.LEFT if beside else align,
            picture.origin,
        )
        look = ParagraphFormat(paragraph)
        look.keep_with_next = True  # a picture belongs to what follows it: a byline, a text
        written = [paragraph]
        if picture.caption:  # under its picture, aligned with it
            caption = self.paragraph("caption", picture.caption)
            ParagraphFormat(caption).alignment = WD_ALIGN_PARAGRAPH.LEFT if beside else align
            written.append(caption)
        if beside:
            extent = next(paragraph.iter(qn("wp:extent")))
            width = int(extent.get("cx")) / Mm(1)
            gap, below = FLOAT_GAPS[picture.role]
            for framed in written:
                oxml.frame_beside(framed, width, gap, below)
            # The frame's anchor, the paragraph it stands beside from its top: an empty one,
            # a point high. Anchored to a paragraph of text, the text box LibreOffice saves a
            # frame as stops Word's « Compare documents » engine (Open-XML-PowerTools: a null
            # reference in FindIndexOfNextParaMark), so that the cabinet's edits made in
            # LibreOffice could not be compared.
            ParagraphFormat(self.strut()).keep_with_next = True
        return written

    def strut(self, space_before: float = 0.0) -> CT_P:
        """Add space_before points of white, then an empty paragraph a point high."""
        paragraph = self.new_paragraph("body")
        look = ParagraphFormat(paragraph)
        look.space_before = Pt(space_before)
        look.space_after = Pt(0)
        look.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        look.line_spacing = Pt(1)
        return paragraph

    def image(
        self,
        path: Path,
        alt: str,
        width_mm: float,
        height_mm: float,
        align: WD_ALIGN_PARAGRAPH = WD_ALIGN_PARAGRAPH.LEFT,
        origin: Origin | None = None,
    ) -> CT_P:
        """Add an image in a paragraph of its own, as large as fits a box of millimetres.

        origin: where the edition names the image, to locate the message if it cannot go in.
        """
        paragraph = self.new_paragraph("body")
        ParagraphFormat(paragraph).alignment = align
        run = DocxParagraph(paragraph, self.document.part).add_run()
        try:
            prepared = prepare_picture(path)
            pixels_wide, pixels_high = prepared.pixels
            # both sizes given: python-docx reads no resolution, the box and the ratio decide
            width, height = _fit(width_mm, height_mm, pixels_wide / max(pixels_high, 1))
            shape = run.add_picture(io.BytesIO(prepared.data), width=width, height=height)
        except (OSError, *UNREADABLE) as error:  # the file, not the program
            raise RenderError(_unreadable(path, origin, error)) from error
        if shape.height > Mm(height_mm):  # a tall picture: its height decides
            shape.width = Emu(int(shape.width * Mm(height_mm) / shape.height))
            shape.height = Mm(height_mm)
        for inline in paragraph.iter(qn("wp:inline")):
            # no distance around the picture: Word reads none where it is not written, but
            # LibreOffice then keeps 3.2 mm on each side and pushes the picture past the margin
            for side in ("distT", "distB", "distL", "distR"):
                inline.set(side, "0")
        for properties in paragraph.iter(qn("wp:docPr")):
            # the alt text once: a title saying it again is read twice by screen readers
            properties.set("descr", alt)
            properties.attrib.pop("title", None)
        return paragraph


def _unreadable(path: Path, origin: Origin | None, error: Exception) -> str:
    """Say, located at the image's field, that an image cannot go into the document."""
    reason = f" ({os_reason(error)})" if isinstance(error, OSError) and error.errno else ""
    message = (
        f"DOCX : l'image {path.name} ne peut pas entrer dans le document{reason} : "
        "enregistrez-la à nouveau en PNG ou en JPEG (Paint, Aperçu, GIMP…)"
    )
    if origin is None or origin.file is None:
        return message
    return str(Problem(origin.file, origin.line, origin.column, origin.field, message))


def _fit(width: float, height: float, ratio: float) -> tuple[Length, Length]:
    """Return the size of a picture of a width/height ratio in a box of millimetres."""
    if width / ratio > height:
        return Emu(int(Mm(height) * ratio)), Mm(height)
    return Mm(width), Emu(int(Mm(width) / ratio))


def printed(line: Line) -> tuple[Printed, ...]:
    """Return what a line prints as the markers say it: one piece per field or word run.

    A field cut in two (its last words set apart from hyphenation) is one piece again.
    """
    pieces: list[Printed] = []
    for text in line.texts:
        content = "".join(PAGE if span.page_of else span.text for span in text.spans)
        origin = text.origin
        piece = (
            Printed(None, None, content)
            if origin is None
            else Printed(origin.field, origin.line, content, origin.kind)
        )
        if pieces and pieces[-1].path == piece.path and (piece.path or pieces[-1].path is None):
            last = pieces.pop()
            piece = Printed(last.path, last.line, last.text + piece.text, last.kind)
        pieces.append(piece)
    return tuple(pieces)


def _save(document: DocxDocument) -> bytes:
    stream = io.BytesIO()
    document.save(stream)
    return stream.getvalue()
