"""The DOCX's Word styles, derived from the theme's paragraph styles: one Word style per style."""

from __future__ import annotations

from docx.document import Document as DocxDocument
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_LINE_SPACING, WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.styles.style import CharacterStyle, ParagraphStyle
from docx.styles.styles import Styles

from dossier.office import oxml
from dossier.office.oxml import Element, rgb, set_character_spacing
from dossier.theme import Style, Theme

# Each theme style's Word style. Word's built-in names come first: the user's Word translates
# them (Titre 2…), its navigation pane and TOC field read the headings. The edition's title is
# the one heading of level 1 (view.TITLE_LEVEL): sections opening a page are Heading 2, those
# under them Heading 3, as in the web page and the PDF's tags. Word ties a built-in Heading n
# to level n; a subheading's level depends on what holds it, so it is a style of its own whose
# paragraphs each say their level. The contents are the TOC styles of the levels they list.
WORD_NAMES = {
    "body": "Normal",
    "title": "Title",
    "subtitle": "Subtitle",
    "h1": "Heading 2",
    "h2": "Heading 3",
    "h3": "Subheading",
    "caption": "Caption",
    "bullet": "List Bullet",
    "numbered": "List Number",
    "h4": "Subheading 2",
    # not Word's own « Quote », which LibreOffice exports as a remapped standard tag (PDF/UA 7.1-7)
    "quote_text": "Quotation",
    "attribution": "Quote Attribution",
    "callout_title": "Callout Title",
    "callout": "Callout",
    "key_number": "Key Figure",
    "key_label": "Key Figure Label",
    "table_head": "Table Heading",
    "table_cell": "Table Text",
    "quote": "Intense Quote",
    "toc_1": "TOC 2",
    "toc_2": "TOC 3",
    "running": "Header",
    "footer": "Footer",
    "small": "Small",
    "ministry": "Cover Ministry",
    "cover_kind": "Cover Kind",
    "cover_edition": "Cover Edition",
    "cover_line": "Cover Line",
    "publisher": "Cover Publisher",
    "published": "Cover Published",
    "byline": "Byline",
    "question": "Question",
    "theme": "Theme",
    "entry": "Directory Entry",
    "event_date": "Event Date",
    "event_title": "Event Title",
    "organisers": "Event Organisers",
    "link_line": "Link Line",
    "programme": "Programme Link",
    "profile_title": "Profile Title",
    "mission_title": "Mission Title",
    "contact_name": "Contact Name",
    "contact_detail": "Contact Detail",
    "draft": "Draft Mark",
}
HYPERLINK = "Hyperlink"
# Each role of text (view.Text.role) is a character style; a linked run of that role takes
# the role's "… Hyperlink" variant, based on Hyperlink: a run has one character style.
ROLE_NAMES = {
    "strong": "Strong",
    "label": "Label",
    "number": "Number",
    "detail": "Detail",
    "more": "More",
    "link": "Link",
}


def role_style(role: str, linked: bool) -> str:
    """Return the key of a role's character style in the ids apply_styles returns."""
    return f"{role}+link" if linked else role


def apply_styles(document: DocxDocument, theme: Theme, language: str) -> dict[str, str]:
    """Define every style of the theme in the document; return theme style → Word style id."""
    styles = document.styles
    _language(styles.element, language)
    ids: dict[str, str] = {}
    for name, word_name in WORD_NAMES.items():
        style = _paragraph_style(styles, word_name, None if name == "body" else "Normal")
        _apply(style, theme.style(name), theme.fonts.docx.family)
        ids[name] = style.style_id
    for level in (1, 2):
        tabs = styles[WORD_NAMES[f"toc_{level}"]].paragraph_format
        tabs.tab_stops.add_tab_stop(
            Mm(theme.page.text_width), WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS
        )
    footer = styles[WORD_NAMES["footer"]].paragraph_format
    footer.tab_stops.clear_all()  # the template's centre and right stops fit Letter paper
    footer.tab_stops.add_tab_stop(Mm(theme.page.text_width), WD_TAB_ALIGNMENT.RIGHT)
    for name in ("quote", "title"):
        _no_border(styles[WORD_NAMES[name]])
    link = _character_style(styles, HYPERLINK)
    link.font.color.rgb = rgb(theme.colour("primary"))
    link.font.underline = True
    ids[HYPERLINK] = link.style_id
    for role, word_name in ROLE_NAMES.items():
        look = theme.role(role)
        plain = _character_style(styles, word_name)
        linked = _character_style(styles, f"{word_name} {HYPERLINK}")
        linked.base_style = link
        for character in (plain, linked):
            character.font.bold = look.bold
            if look.italic is not None:
                character.font.italic = look.italic
        if look.colour is not None:
            plain.font.color.rgb = rgb(look.colour)
        ids[role_style(role, False)] = plain.style_id
        ids[role_style(role, True)] = linked.style_id
    return ids


def _paragraph_style(styles: Styles, name: str, base: str | None) -> ParagraphStyle:
    try:
        style = styles[name]
    except KeyError:
        style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = styles[base] if base else None
        style.quick_style = True
    assert isinstance(style, ParagraphStyle)
    return style


def _character_style(styles: Styles, name: str) -> CharacterStyle:
    try:
        style = styles[name]
    except KeyError:
        style = styles.add_style(name, WD_STYLE_TYPE.CHARACTER)
        style.priority = 99
        style.unhide_when_used = True
    assert isinstance(style, CharacterStyle)
    return style


def _apply(style: ParagraphStyle, look: Style, family: str) -> None:
    """Give a Word style every property of a theme style, and only those."""
    _clear_inherited_theme(style, family)
    font = style.font
    font.size = Pt(look.size)
    font.bold = look.bold
    font.italic = look.italic
    font.all_caps = look.caps  # w:caps: the text stays as typed, shown in capitals
    font.color.rgb = rgb(look.colour)
    if look.tracking:
        set_character_spacing(_rpr(style), round(look.tracking * look.size * 20))
    paragraph = style.paragraph_format
    paragraph.space_before = Pt(look.before)
    paragraph.space_after = Pt(look.after)
    # At least the theme's leading: the line of CSS, and an inline picture still fits.
    paragraph.line_spacing_rule = WD_LINE_SPACING.AT_LEAST
    paragraph.line_spacing = Pt(round(look.size * look.leading, 2))
    paragraph.keep_with_next = look.keep
    paragraph.widow_control = True
    oxml.set_paragraph_flag(
        style.element.get_or_add_pPr(), "suppressAutoHyphens", not look.hyphenate
    )
    paragraph.left_indent = Mm(look.indent) if look.indent else None


def _rpr(style: ParagraphStyle) -> Element:
    return style.element.get_or_add_rPr()


def _clear_inherited_theme(style: ParagraphStyle, family: str) -> None:
    """Name the theme's font and drop what python-docx's template would impose on top."""
    properties = _rpr(style)
    for spacing in properties.findall(qn("w:spacing")):
        properties.remove(spacing)
    for colour in properties.findall(qn("w:color")):
        for attribute in ("themeColor", "themeShade", "themeTint"):
            colour.attrib.pop(qn(f"w:{attribute}"), None)
    fonts = properties.get_or_add_rFonts()
    for attribute in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
        fonts.attrib.pop(qn(f"w:{attribute}"), None)
    for attribute in ("ascii", "hAnsi", "cs", "eastAsia"):
        fonts.set(qn(f"w:{attribute}"), family)
    paragraph = style.element.find(qn("w:pPr"))
    if paragraph is not None and style.name in ("Subtitle", "Intense Quote"):
        for element in paragraph.findall(qn("w:numPr")) + paragraph.findall(qn("w:ind")):
            paragraph.remove(element)


def _no_border(style: ParagraphStyle) -> None:
    properties = style.element.find(qn("w:pPr"))
    if properties is not None:
        for border in properties.findall(qn("w:pBdr")):
            properties.remove(border)


def _language(styles_element: Element, tag: str) -> None:
    """Set the language in the defaults and in every style that names one: replace, not add."""
    defaults = styles_element.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    if rpr.find(qn("w:lang")) is None:
        rpr.append(OxmlElement("w:lang"))
    for lang in styles_element.iter(qn("w:lang")):
        lang.set(qn("w:val"), tag)
        lang.set(qn("w:eastAsia"), tag)
        lang.set(qn("w:bidi"), "ar-SA")
