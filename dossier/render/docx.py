"""The DOCX: a real Word document built from the view, with styles, fields and French set."""

from __future__ import annotations

import io
import itertools
from collections.abc import Iterable

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_BREAK, WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.image.exceptions import UnrecognizedImageError
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.section import Section as DocxSection
from docx.shared import Mm, Pt, RGBColor
from docx.styles.style import BaseStyle
from docx.styles.styles import Styles
from docx.text.paragraph import Paragraph
from lxml.etree import _Element as Element

from dossier.errors import RenderError
from dossier.french import Rich, Span, plain
from dossier.render.docx_pages import estimate_pages
from dossier.theme import Theme, load_theme
from dossier.view import Block, Edition, Event, Item, Link, Picture, Section

# Word's built-in names; the UI translates them (Titre 1…), the navigation pane reads them.
BODY = "Normal"
HEADINGS = {1: "Heading 1", 2: "Heading 2", 3: "Heading 3"}
EVENT_DATE = "Event Date"
EVENT_TITLE = "Event Title"
EVENT_ORGANISERS = "Event Organisers"
LINK_LINE = "Link Line"
COVER_KIND = "Cover Kind"
COVER_LINE = "Cover Line"
BYLINE = "Byline"
HYPERLINK = "Hyperlink"
DRAFT = "Draft Mark"

# CT_Settings is a sequence: a new child goes before the first of those that follow it.
_SETTINGS_ORDER = """
writeProtection view zoom removePersonalInformation removeDateAndTime doNotDisplayPageBoundaries
displayBackgroundShape printPostScriptOverText printFractionalCharacterWidth printFormsData
embedTrueTypeFonts embedSystemFonts saveSubsetFonts saveFormsData mirrorMargins
alignBordersAndEdges bordersDoNotSurroundHeader bordersDoNotSurroundFooter gutterAtTop
hideSpellingErrors hideGrammaticalErrors activeWritingStyle proofState formsDesign
attachedTemplate linkStyles stylePaneFormatFilter stylePaneSortMethod documentType mailMerge
revisionView trackRevisions doNotTrackMoves doNotTrackFormatting documentProtection
autoFormatOverride styleLockTheme styleLockQFSet defaultTabStop autoHyphenation
consecutiveHyphenLimit hyphenationZone doNotHyphenateCaps showEnvelope summaryLength
clickAndTypeStyle defaultTableStyle evenAndOddHeaders bookFoldRevPrinting bookFoldPrinting
bookFoldPrintingSheets drawingGridHorizontalSpacing drawingGridVerticalSpacing
displayHorizontalDrawingGridEvery displayVerticalDrawingGridEvery
doNotUseMarginsForDrawingGridOrigin drawingGridHorizontalOrigin drawingGridVerticalOrigin
doNotShadeFormData noPunctuationKerning characterSpacingControl printTwoOnOne
strictFirstAndLastChars noLineBreaksAfter noLineBreaksBefore savePreviewPicture
doNotValidateAgainstSchema saveInvalidXml ignoreMixedContent alwaysShowPlaceholderText
doNotDemarcateInvalidXml saveXmlDataOnly useXSLTWhenSaving saveThroughXslt showXMLTags
alwaysMergeEmptyNamespace updateFields hdrShapeDefaults footnotePr endnotePr compat docVars
rsids mathPr attachedSchema themeFontLang clrSchemeMapping doNotIncludeSubdocsInStats
doNotAutoCompressPictures forceUpgrade captions readModeInkLockDown smartTagType schemaLibrary
shapeDefaults doNotEmbedSmartTags decimalSymbol listSeparator
""".split()  # noqa: SIM905 - the schema's order, as written in it


def _rgb(colour: str) -> RGBColor:
    return RGBColor.from_string(colour.lstrip("#").upper())


def render_docx(edition: Edition, theme: Theme | None = None) -> bytes:
    """Write the edition as a DOCX and return its bytes."""
    writer = _Writer(edition, theme or load_theme())
    try:
        writer.write()
    except (OSError, UnrecognizedImageError) as error:  # an image Word cannot take
        raise RenderError(f"DOCX : {error}") from error
    _drop_legacy_parts(writer.document)
    stream = io.BytesIO()
    writer.document.save(stream)
    return stream.getvalue()


class _Writer:
    """Walks the view once, paragraph by paragraph."""

    def __init__(self, edition: Edition, theme: Theme) -> None:
        self.edition = edition
        self.theme = theme
        self.document: DocxDocument = Document()
        self._ids = itertools.count(1)
        self._bookmarks: dict[str, str] = {}
        self._page_numbers: list[tuple[str, Element]] = []  # (bookmark, cached result w:t)
        self._style_ids: dict[str, str] = {}
        self._relations: dict[str, str] = {}

    # --- the document as a whole ---

    def write(self) -> None:
        self.page_setup()
        self.styles()
        self.settings()
        self.properties()
        self.cover()
        body = self.document.add_section(WD_SECTION.NEW_PAGE)
        self.page_setup(body)
        self.running_header_and_footer(body)
        self.contents()
        for section in self.edition.sections:
            self.section(section)
        self.fill_page_numbers()

    def fill_page_numbers(self) -> None:
        """Write the estimated page numbers into the cached results of PAGEREF fields."""
        pages = estimate_pages(self.document)
        for bookmark, text in self._page_numbers:
            text.text = str(pages.get(bookmark, ""))

    def page_setup(self, section: DocxSection | None = None) -> None:
        page = self.theme.page
        section = section or self.document.sections[0]
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin, section.bottom_margin = Mm(page.top), Mm(page.bottom)
        section.left_margin, section.right_margin = Mm(page.inner), Mm(page.outer)
        section.header_distance = section.footer_distance = Mm(10)

    def styles(self) -> None:
        theme, colours, sizes = self.theme, self.theme.colours, self.theme.sizes
        styles = self.document.styles
        self._language(styles.element)
        font = theme.fonts.docx

        def paragraph(name: str, base: str | None = BODY) -> BaseStyle:
            try:
                style = styles[name]
            except KeyError:
                style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
                style.base_style = styles[base] if base else None
                style.quick_style = True
            self._font(style, font)
            return style

        normal = paragraph(BODY, None)
        normal.font.size = Pt(sizes.body)
        normal.font.color.rgb = _rgb(colours.text)
        normal.paragraph_format.space_after = Pt(6)
        normal.paragraph_format.line_spacing = sizes.line_height * 0.9
        normal.paragraph_format.widow_control = True

        for level, size in ((1, sizes.h1), (2, sizes.h2), (3, sizes.h3)):
            heading = paragraph(HEADINGS[level])
            heading.font.size = Pt(size)
            heading.font.bold = True
            heading.font.italic = False
            heading.font.color.rgb = _rgb(colours.primary)
            heading.paragraph_format.space_before = Pt(18 if level == 1 else 12)
            heading.paragraph_format.space_after = Pt(8 if level == 1 else 4)
            heading.paragraph_format.keep_with_next = True
            heading.paragraph_format.line_spacing = 1.0

        title = paragraph("Title")
        title.font.size = Pt(sizes.title)
        title.font.bold = True
        title.font.color.rgb = _rgb(colours.primary)
        title.paragraph_format.space_after = Pt(12)
        self._no_border(title)

        subtitle = paragraph("Subtitle")
        subtitle.font.size = Pt(16)
        subtitle.font.color.rgb = _rgb(colours.primary)
        subtitle.font.italic = False

        for name, colour, size, bold in (
            (COVER_KIND, colours.accent, 12, True),
            (COVER_LINE, colours.text, 13, False),
            (EVENT_DATE, colours.accent, 9, True),
            (EVENT_ORGANISERS, colours.muted, 9, False),
            (BYLINE, colours.primary, 11, False),
            (LINK_LINE, colours.primary, sizes.body, True),
            (DRAFT, colours.draft, sizes.small, True),
        ):
            style = paragraph(name)
            style.font.color.rgb = _rgb(colour)
            style.font.size = Pt(size)
            style.font.bold = bold
        styles[EVENT_DATE].paragraph_format.space_before = Pt(10)
        styles[EVENT_DATE].paragraph_format.space_after = Pt(1)
        styles[EVENT_ORGANISERS].paragraph_format.space_after = Pt(3)
        styles[COVER_KIND].paragraph_format.space_before = Pt(140)
        for name in (EVENT_DATE, EVENT_ORGANISERS):
            styles[name].paragraph_format.keep_with_next = True

        event_title = paragraph(EVENT_TITLE)
        event_title.font.size = Pt(sizes.h3)
        event_title.font.bold = True
        event_title.font.color.rgb = _rgb(colours.primary)
        event_title.paragraph_format.keep_with_next = True
        event_title.paragraph_format.space_after = Pt(2)

        quote = paragraph("Intense Quote")
        quote.font.size = Pt(13)
        quote.font.bold = True
        quote.font.italic = False
        quote.font.color.rgb = _rgb(colours.primary)

        paragraph("List Bullet")
        caption = paragraph("Caption")
        caption.font.size = Pt(sizes.small)
        caption.font.color.rgb = _rgb(colours.muted)
        caption.font.italic = False
        for level in (1, 2):
            toc = paragraph(f"TOC {level}") if f"TOC {level}" in _names(styles) else None
            if toc is None:
                toc = styles.add_style(f"TOC {level}", WD_STYLE_TYPE.PARAGRAPH)
                toc.base_style = styles[BODY]
            toc.paragraph_format.left_indent = Mm(0 if level == 1 else 8)
            toc.paragraph_format.space_after = Pt(4)
            toc.paragraph_format.tab_stops.add_tab_stop(
                Mm(170), WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS
            )
            toc.font.bold = level == 1
            self._font(toc, font)

        link = (
            styles[HYPERLINK]
            if HYPERLINK in _names(styles)
            else styles.add_style(HYPERLINK, WD_STYLE_TYPE.CHARACTER)
        )
        link.font.color.rgb = _rgb(colours.primary)
        link.font.underline = True
        link.priority = 99
        link.unhide_when_used = True

    def _font(self, style: BaseStyle, name: str) -> None:
        """Name the theme's font and drop what the default template's theme would impose."""
        properties = style.element.get_or_add_rPr()
        for spacing in properties.findall(qn("w:spacing")):
            properties.remove(spacing)
        for colour in properties.findall(qn("w:color")):
            for attribute in ("themeColor", "themeShade", "themeTint"):
                colour.attrib.pop(qn(f"w:{attribute}"), None)
        numbering = style.element.find(qn("w:pPr"))
        if numbering is not None and style.name == "Subtitle":
            for element in numbering.findall(qn("w:numPr")):
                numbering.remove(element)
        fonts = properties.get_or_add_rFonts()
        for attribute in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
            fonts.attrib.pop(qn(f"w:{attribute}"), None)
        for attribute in ("ascii", "hAnsi", "cs", "eastAsia"):
            fonts.set(qn(f"w:{attribute}"), name)

    def _no_border(self, style: BaseStyle) -> None:
        properties = style.element.find(qn("w:pPr"))
        if properties is not None:
            for border in properties.findall(qn("w:pBdr")):
                properties.remove(border)

    def _language(self, styles_element: Element) -> None:
        """Set the language in the defaults and in every style that names one: replace, not add."""
        tag = self.edition.language
        defaults = styles_element.find(qn("w:docDefaults"))
        rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
        if rpr.find(qn("w:lang")) is None:
            rpr.append(OxmlElement("w:lang"))
        for lang in styles_element.iter(qn("w:lang")):
            lang.set(qn("w:val"), tag)
            lang.set(qn("w:eastAsia"), tag)
            lang.set(qn("w:bidi"), "ar-SA")

    def settings(self) -> None:
        settings = self.document.settings.element
        _set_child(settings, "w:updateFields", val="true")
        _set_child(settings, "w:autoHyphenation", val="true")
        lang = settings.find(qn("w:themeFontLang"))
        if lang is not None:
            lang.set(qn("w:val"), self.edition.language)

    def properties(self) -> None:
        core = self.document.core_properties
        edition = self.edition
        core.title = f"{edition.words.kind} — {edition.title}"
        core.author = edition.publisher
        core.subject = edition.description
        core.keywords = ", ".join(edition.keywords)
        core.language = edition.language
        core.created = edition.created.replace(tzinfo=None)
        core.modified = edition.created.replace(tzinfo=None)
        core.last_modified_by = "dossier"
        core.revision = 1
        core.comments = edition.draft or ""
        core.category = edition.words.kind

    # --- cover, header, footer, contents ---

    def cover(self) -> None:
        edition = self.edition
        if edition.draft:
            self.add(DRAFT, (Span(edition.draft),))
        if edition.ministry:
            self.add(BYLINE, (Span(edition.ministry.upper()),)).runs[0].bold = True
        self.add(COVER_KIND, (Span(edition.words.kind.upper()),))
        self.add("Title", (Span(edition.title),))
        if edition.subtitle:
            self.add("Subtitle", (Span(edition.subtitle),))
        if edition.edition_label:
            self.add(COVER_LINE, edition.edition_label).runs[0].bold = True
        self.add(COVER_LINE, edition.period)
        if edition.cover:
            self.picture(edition.cover)
        publisher = edition.publisher + (
            f" ({edition.publisher_short})" if edition.publisher_short else ""
        )
        line = self.add(BYLINE, ())
        line.paragraph_format.space_before = Pt(120)
        self.rich(line, (Span(publisher, href=edition.publisher_url),))
        if edition.publication:
            self.add(BODY, (Span(f"{edition.words.published} "), *edition.publication))

    def running_header_and_footer(self, section: DocxSection) -> None:
        edition = self.edition
        header = section.header
        header.is_linked_to_previous = False
        paragraph = header.paragraphs[0]
        paragraph.style = self.document.styles[EVENT_ORGANISERS]
        paragraph.add_run(f"{edition.words.kind} — {edition.title}")
        if edition.draft:
            mark = header.add_paragraph(edition.draft, style=DRAFT)
            mark.paragraph_format.space_after = Pt(0)
        footer = section.footer
        footer.is_linked_to_previous = False
        line = footer.paragraphs[0]
        line.style = self.document.styles[EVENT_ORGANISERS]
        line.paragraph_format.tab_stops.add_tab_stop(Mm(170), WD_TAB_ALIGNMENT.RIGHT)
        line.add_run(f"{edition.title}\t{edition.words.page} ")
        self.field(line, "PAGE", "1")
        line.add_run(f" {edition.words.of} ")
        self.field(line, "NUMPAGES", "1")

    def contents(self) -> None:
        edition = self.edition
        self.add(HEADINGS[1], (Span(edition.words.contents),))
        entries = edition.contents
        first = self.document.add_paragraph(style=f"TOC {entries[0].level}")
        self._field_start(first, 'TOC \\o "1-2" \\h \\z \\u')
        for index, section in enumerate(entries):
            paragraph = (
                first if index == 0 else self.document.add_paragraph(style=f"TOC {section.level}")
            )
            link = self._hyperlink(paragraph, anchor=self._bookmark_name(section.anchor))
            self._run(link, plain(section.heading or ()))
            self._run(link, "\t")
            self._page_reference(link, self._bookmark_name(section.anchor))
        self._field_end(paragraph)

    # --- sections ---

    def section(self, section: Section) -> None:
        if section.heading:
            heading = self.add(HEADINGS[section.level], section.heading, links=False)
            if section.new_page:
                heading.paragraph_format.page_break_before = True
            self.bookmark(heading, section.anchor)
        elif section.new_page:
            self.document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        if section.person is not None and section.kind in ("edito", "interview"):
            self.person(section.person)
        if section.picture is not None:
            self.picture(section.picture)
        self.blocks(section.intro)
        if section.kind == "edito":
            self.blocks(section.body)
            if section.quote:
                self.add("Intense Quote", section.quote)
        else:
            self.blocks(section.body)
        for question, answer in section.questions:
            self.add(HEADINGS[3], question)
            self.blocks(answer)
        for number, item in enumerate(section.items, start=1):
            self.item(section.kind, number, item)
        for event in section.events:
            self.event(event)
        for link in section.links:
            self.add(LINK_LINE, (Span("→ "), *self.linked(link)))
        self.blocks(section.outro)

    def person(self, person: Item) -> None:
        paragraph = self.add(BYLINE, person.title)
        for run in paragraph.runs:
            run.bold = True
        if person.detail:
            self.rich(paragraph, (Span(", "), *person.detail))

    def item(self, kind: str, number: int, item: Item) -> None:
        if kind == "themes":
            paragraph = self.add("List Number", item.title)
            if item.detail:
                self.rich(paragraph, (Span(" "), *item.detail))
            for link in item.links:
                self.rich(paragraph, (Span(" ("), *self.linked(link), Span(")")))
            return
        if kind == "directory":
            paragraph = self.add("List Bullet", item.title)
            for run in paragraph.runs:
                run.bold = True
            if item.detail:
                self.rich(paragraph, (Span(" ("), *item.detail, Span(")")))
            for link in item.links:
                self.rich(paragraph, (Span(" "), *self.linked(link)))
            return
        if kind == "contacts":
            paragraph = self.add(EVENT_TITLE, item.title)
            if item.detail:
                self.add(EVENT_ORGANISERS, item.detail)
            for link in item.links:
                self.add(BODY, self.linked(link))
            return
        title = item.title if kind != "missions" else (Span(f"{number}. "), *item.title)
        heading = self.add(HEADINGS[3], title, links=False)
        if item.detail:
            self.rich(heading, (Span(" — "), *item.detail), links=False)
        if item.picture is not None:
            self.picture(item.picture)
        self.blocks(item.body)

    def event(self, event: Event) -> None:
        paragraphs = [self.add(EVENT_DATE, event.when)]
        self.bookmark(paragraphs[0], event.anchor)
        if event.title:
            paragraphs.append(self.add(EVENT_TITLE, event.title, links=False))
        if event.organisers:
            paragraph = self.add(EVENT_ORGANISERS, (Span(f"{self.edition.words.organisers} "),))
            paragraph.runs[0].bold = True
            self.rich(paragraph, event.organisers)
            paragraphs.append(paragraph)
        paragraphs += self.blocks(event.description)
        if event.link:
            paragraphs.append(self.add(LINK_LINE, (*self.linked(event.link), Span(" →"))))
        paragraphs += self.blocks(event.notes)
        for paragraph in paragraphs[:-1]:  # an event stays on one page
            paragraph.paragraph_format.keep_with_next = True
            paragraph.paragraph_format.keep_together = True

    def blocks(self, blocks: Iterable[Block]) -> list[Paragraph]:
        written = []
        for block in blocks:
            if block.kind == "paragraph":
                written.append(self.add(BODY, block.text))
            elif block.kind == "subheading":
                written.append(self.add(HEADINGS[3], block.text, links=False))
            else:
                written += [self.add("List Bullet", item) for item in block.items]
        return written

    def linked(self, link: Link) -> Rich:
        return tuple(Span(s.text, s.sup, s.href or link.url, s.page_of) for s in link.text)

    # --- paragraphs, runs, fields, links ---

    def add(self, style: str, rich: Rich, links: bool = True) -> Paragraph:
        paragraph = self.document.add_paragraph()
        paragraph._p.style = self._style_id(style)
        self.rich(paragraph, rich, links)
        return paragraph

    def rich(self, paragraph: Paragraph, rich: Rich, links: bool = True) -> None:
        for span in rich:
            if span.page_of is not None:
                target = self._bookmark_name(span.page_of)
                container = self._hyperlink(paragraph, anchor=target) if links else paragraph._p
                self._page_reference(container, target)
                continue
            if span.href and links:
                anchor = span.href[1:] if span.href.startswith("#") else None
                link = (
                    self._hyperlink(paragraph, anchor=self._bookmark_name(anchor))
                    if anchor
                    else self._hyperlink(paragraph, url=span.href)
                )
                self._run(link, span.text, superscript=span.sup, style=HYPERLINK)
            else:
                self._run(paragraph._p, span.text, superscript=span.sup)

    def _run(
        self, parent: Element, text: str, superscript: bool = False, style: str | None = None
    ) -> Element:
        run = OxmlElement("w:r")
        properties = OxmlElement("w:rPr")
        if style:
            run_style = OxmlElement("w:rStyle")
            run_style.set(qn("w:val"), self._style_id(style))
            properties.append(run_style)
        if superscript:
            align = OxmlElement("w:vertAlign")
            align.set(qn("w:val"), "superscript")
            properties.append(align)
        if len(properties):
            run.append(properties)
        for index, part in enumerate(text.split("\t")):
            if index:
                run.append(OxmlElement("w:tab"))
            if part:
                node = OxmlElement("w:t")
                node.text = part
                node.set(qn("xml:space"), "preserve")
                run.append(node)
        parent.append(run)
        return run

    def _style_id(self, name: str) -> str:
        """Return a style's identifier; python-docx would search every style at each call."""
        if name not in self._style_ids:
            self._style_ids[name] = self.document.styles[name].style_id
        return self._style_ids[name]

    def _hyperlink(
        self, paragraph: Paragraph, url: str | None = None, anchor: str | None = None
    ) -> Element:
        link = OxmlElement("w:hyperlink")
        if url is not None:
            if url not in self._relations:  # relate_to searches every relation at each call
                self._relations[url] = paragraph.part.relate_to(
                    url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True
                )
            link.set(qn("r:id"), self._relations[url])
        else:
            link.set(qn("w:anchor"), anchor or "")
        link.set(qn("w:history"), "1")
        paragraph._p.append(link)
        return link

    def _bookmark_name(self, anchor: str | None) -> str:
        anchor = anchor or ""
        if anchor not in self._bookmarks:
            # Word wants bookmark names of 40 characters at most, starting with a letter.
            self._bookmarks[anchor] = f"_Toc{len(self._bookmarks) + 1:05d}"
        return self._bookmarks[anchor]

    def bookmark(self, paragraph: Paragraph, anchor: str) -> None:
        identifier = str(next(self._ids))
        start = OxmlElement("w:bookmarkStart")
        start.set(qn("w:id"), identifier)
        start.set(qn("w:name"), self._bookmark_name(anchor))
        end = OxmlElement("w:bookmarkEnd")
        end.set(qn("w:id"), identifier)
        properties = paragraph._p.find(qn("w:pPr"))
        position = 1 if properties is not None else 0
        paragraph._p.insert(position, start)
        paragraph._p.append(end)

    def _field_char(self, parent: Element, kind: str) -> Element:
        run = OxmlElement("w:r")
        char = OxmlElement("w:fldChar")
        char.set(qn("w:fldCharType"), kind)
        if kind == "begin":
            char.set(qn("w:dirty"), "true")
        run.append(char)
        parent.append(run)
        return run

    def _field_start(self, paragraph: Paragraph, instruction: str) -> None:
        self._field_char(paragraph._p, "begin")
        run = OxmlElement("w:r")
        code = OxmlElement("w:instrText")
        code.set(qn("xml:space"), "preserve")
        code.text = f" {instruction} "
        run.append(code)
        paragraph._p.append(run)
        self._field_char(paragraph._p, "separate")

    def _field_end(self, paragraph: Paragraph) -> None:
        self._field_char(paragraph._p, "end")

    def _inline_field(self, parent: Element, instruction: str, result: str) -> None:
        self._field_char(parent, "begin")
        run = OxmlElement("w:r")
        code = OxmlElement("w:instrText")
        code.set(qn("xml:space"), "preserve")
        code.text = f" {instruction} "
        run.append(code)
        parent.append(run)
        self._field_char(parent, "separate")
        self._run(parent, result)
        self._field_char(parent, "end")

    def _page_reference(self, parent: Element, bookmark: str) -> None:
        self._inline_field(parent, f"PAGEREF {bookmark} \\h", "?")
        result = parent.findall(qn("w:r"))[-2].find(qn("w:t"))
        self._page_numbers.append((bookmark, result))

    def field(self, paragraph: Paragraph, instruction: str, result: str) -> None:
        self._inline_field(paragraph._p, instruction, result)

    def picture(self, picture: Picture) -> None:
        paragraph = self.document.add_paragraph()
        run = paragraph.add_run()
        shape = run.add_picture(str(picture.path), width=Mm(45))
        properties = shape._inline.docPr
        properties.set("descr", picture.alt)
        properties.set("title", picture.alt)
        if picture.caption:
            self.add("Caption", picture.caption)


def _drop_legacy_parts(document: DocxDocument) -> None:
    """Drop what python-docx's template carries for Word 2010 and its empty-page thumbnail.

    stylesWithEffects.xml would contradict the styles written here (Word then repairs the
    file); the thumbnail shows a blank page in file browsers.
    """
    for rels, suffix in (
        (document.part.rels, "/stylesWithEffects"),
        (document.part.package.rels, "/thumbnail"),
    ):
        for key, relation in list(rels.items()):
            if relation.reltype.endswith(suffix):
                del rels[key]


def _names(styles: Styles) -> set[str]:
    return {style.name for style in styles}


def _set_child(parent: Element, tag: str, val: str) -> None:
    """Set a child of w:settings, inserted where the schema's sequence wants it."""
    element = parent.find(qn(tag))
    if element is None:
        element = OxmlElement(tag)
        followers = _SETTINGS_ORDER[_SETTINGS_ORDER.index(tag.removeprefix("w:")) + 1 :]
        after = {qn(f"w:{name}") for name in followers}
        for index, child in enumerate(parent):
            if child.tag in after:
                parent.insert(index, element)
                break
        else:
            parent.append(element)
    element.set(qn("w:val"), val)


# The build's entry point (see dossier.render.RENDERERS), kept apart from the writer above.
from pathlib import Path  # noqa: E402


def write_docx(edition: Edition, folder: Path, target: Path, variant: str | None) -> None:
    """Write the edition as a DOCX at target; its images are in the view, as absolute paths."""
    from dossier.render import docx_pages
    from dossier.theme import FONTS

    # docx_pages looks for fonts/ beside the source tree, which an installed package has not:
    # give it the folder the theme found, until the page estimator reads theme.FONTS itself.
    docx_pages.FONTS = FONTS
    target.write_bytes(render_docx(edition))
