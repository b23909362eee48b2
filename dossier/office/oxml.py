"""OOXML plumbing that python-docx has no API for: runs, fields, bookmarks, links, parts.

This layer knows WordprocessingML and nothing of press kits: the writer above it decides what
goes where. Element order follows the schema, declared once per parent where it matters.
"""

from __future__ import annotations

from xml.sax.saxutils import escape, quoteattr

from docx.document import Document as DocxDocument
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.text.font import CT_RPr
from docx.oxml.text.paragraph import CT_P
from docx.shared import RGBColor
from docx.text.parfmt import ParagraphFormat
from lxml import etree
from lxml.etree import _Element as Element

__all__ = [
    "Element",
    "add_bookmark",
    "add_custom_xml_part",
    "add_field",
    "add_hyperlink",
    "add_run",
    "custom_properties",
    "custom_xml_parts",
    "drop_legacy_parts",
    "end_field",
    "set_character_spacing",
    "set_custom_properties",
    "set_paragraph_flag",
    "set_setting",
    "start_field",
]

CUSTOM_XML_PROPERTIES = "application/vnd.openxmlformats-officedocument.customXmlProperties+xml"

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

# CT_RPr is a sequence too (python-docx keeps its copy private).
_RPR_ORDER = """
rStyle rFonts b bCs i iCs caps smallCaps strike dstrike outline shadow emboss imprint noProof
snapToGrid vanish webHidden color spacing w kern position sz szCs highlight u effect bdr shd
fitText vertAlign rtl cs em lang eastAsianLayout specVanish oMath
""".split()  # noqa: SIM905 - the schema's order, as written in it


def set_setting(settings: Element, tag: str, val: str) -> None:
    """Set a child of w:settings, inserted where the schema's sequence wants it."""
    element = settings.find(qn(tag))
    if element is None:
        element = OxmlElement(tag)
        followers = _SETTINGS_ORDER[_SETTINGS_ORDER.index(tag.removeprefix("w:")) + 1 :]
        after = {qn(f"w:{name}") for name in followers}
        for index, child in enumerate(settings):
            if child.tag in after:
                settings.insert(index, element)
                break
        else:
            settings.append(element)
    element.set(qn("w:val"), val)


# CT_PPrBase's sequence, for the on/off flags set here.
_PPR_ORDER = """
pStyle keepNext keepLines pageBreakBefore framePr widowControl numPr suppressLineNumbers pBdr
shd tabs suppressAutoHyphens kinsoku wordWrap overflowPunct topLinePunct autoSpaceDE autoSpaceDN
bidi adjustRightInd snapToGrid spacing ind contextualSpacing mirrorIndents suppressOverlap jc
textDirection textAlignment textboxTightWrap outlineLvl divId cnfStyle rPr sectPr pPrChange
""".split()  # noqa: SIM905 - the schema's order, as written in it


def set_paragraph_flag(properties: Element, tag: str, on: bool) -> None:
    """Set an on/off property of w:pPr (suppressAutoHyphens…) where the schema wants it."""
    if on:
        _insert_property(properties, OxmlElement(f"w:{tag}"))
    else:
        for old in properties.findall(qn(f"w:{tag}")):
            properties.remove(old)


def _insert_property(properties: Element, element: Element) -> None:
    """Put a child of w:pPr where the schema's sequence wants it, in place of its like."""
    tag = element.tag.split("}")[1]
    for old in properties.findall(element.tag):
        properties.remove(old)
    following = {qn(f"w:{name}") for name in _PPR_ORDER[_PPR_ORDER.index(tag) + 1 :]}
    for index, child in enumerate(properties):
        if child.tag in following:
            properties.insert(index, element)
            return
    properties.append(element)


def set_indent(paragraph: CT_P, left_twips: int, hanging_twips: int = 0) -> None:
    """Indent a paragraph's text (hanging: its first line's, for a list item) by twips."""
    indent = OxmlElement("w:ind")
    indent.set(qn("w:left"), str(left_twips))
    if hanging_twips:
        indent.set(qn("w:hanging"), str(hanging_twips))
    _insert_property(paragraph.get_or_add_pPr(), indent)


def frame_at_foot(paragraph: CT_P, width_mm: float) -> None:
    """Set a paragraph in a frame at the foot of its page's text area (w:framePr), as wide as
    the text: out of the flow, it stays in the body's reading order. Neighbours with the same
    frame share it (ECMA-376, 17.3.1.11)."""
    set_frame(
        paragraph,
        width_mm,
        wrap="notBeside",
        vAnchor="margin",
        hAnchor="margin",
        xAlign="left",
        yAlign="bottom",
    )


def band(paragraph: CT_P, fill: str, rule: str) -> None:
    """Shade a paragraph in a colour (#rrggbb) under a rule of another, 2 mm thick: the
    cover's band, as the PDF's .cover-bottom. Neighbours set alike share them, as a frame
    (ECMA-376 17.3.1.24: borders alike are one box; LibreOffice 7.4 moves a frame whose
    paragraphs' borders differ into the flow). LibreOffice exports a shading and a border in
    a frame as artifacts, outside the tags."""
    properties = paragraph.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    for side, colour, eighths in (("top", rule, "48"), ("bottom", fill, "4")):
        border = OxmlElement(f"w:{side}")
        for name, value in (("val", "single"), ("sz", eighths), ("space", "0")):
            border.set(qn(f"w:{name}"), value)
        border.set(qn("w:color"), colour[1:].upper())
        borders.append(border)
    _insert_property(properties, borders)
    shading = OxmlElement("w:shd")
    for name, value in (("val", "clear"), ("color", "auto"), ("fill", fill[1:].upper())):
        shading.set(qn(f"w:{name}"), value)
    _insert_property(properties, shading)


def frame_beside(paragraph: CT_P, width_mm: float, gap_mm: float, below_mm: float) -> None:
    """Set a paragraph in a frame at the right of the text, from the top of the paragraph that
    follows the frame, the text running beside it on the left (as a CSS float: right): a
    picture and its caption, in the body's reading order. gap_mm: the white left of it."""
    set_frame(
        paragraph,
        width_mm,
        wrap="around",
        hSpace=str(_twips(gap_mm)),
        vSpace=str(_twips(below_mm)),
        vAnchor="text",
        hAnchor="margin",
        xAlign="right",
        y="0",
    )


def frame_of(paragraph: CT_P) -> Element | None:
    """Return a paragraph's w:framePr, or None."""
    properties = paragraph.pPr
    return None if properties is None else properties.find(qn("w:framePr"))


def _twips(mm: float) -> int:
    return round(mm / 25.4 * 1440)


def set_frame(paragraph: CT_P, width_mm: float, **attributes: str) -> None:
    """Set a paragraph's w:framePr, width_mm wide, with its other attributes as given."""
    properties = paragraph.get_or_add_pPr()
    for old in properties.findall(qn("w:framePr")):
        properties.remove(old)
    frame = OxmlElement("w:framePr")
    frame.set(qn("w:w"), str(_twips(width_mm)))
    for name, value in attributes.items():
        frame.set(qn(f"w:{name}"), value)
    following = {qn(f"w:{name}") for name in _PPR_ORDER[_PPR_ORDER.index("framePr") + 1 :]}
    for index, child in enumerate(properties):
        if child.tag in following:
            properties.insert(index, frame)
            return
    properties.append(frame)


_Rule = tuple[str, int, str]  # a border: its style, its width in eighths of a point, colour


def layout_table(table: Element, widths_mm: list[float], gap_mm: float) -> None:
    """Make a table one of layout: no borders, fixed columns of widths_mm, the text of each
    cell at its left edge and gap_mm of white at its right but in the last column, rows that
    do not split across pages and stand together on one page."""
    gap = _twips(gap_mm)
    columns = [_twips(width) + gap for width in widths_mm]
    columns[-1] -= gap
    sides = ("top", "left", "bottom", "right", "insideH", "insideV")
    nil: dict[str, _Rule | None] = dict.fromkeys(sides)
    _table_properties(table, str(sum(columns)), "dxa", nil, (0, 0, 0, 0), fixed=True)
    grid = table.find(qn("w:tblGrid"))
    for column, twips in zip(grid.findall(qn("w:gridCol")), columns, strict=True):
        column.set(qn("w:w"), str(twips))
    rows = table.findall(qn("w:tr"))
    for row in rows:
        row_properties = row.find(qn("w:trPr"))
        if row_properties is None:
            row_properties = row.makeelement(qn("w:trPr"), {})
            row.insert(0, row_properties)
        row_properties.append(row_properties.makeelement(qn("w:cantSplit"), {}))
        cells = row.findall(qn("w:tc"))
        for index, (cell, twips) in enumerate(zip(cells, columns, strict=True)):
            cell_properties = cell.find(qn("w:tcPr"))
            if cell_properties is None:
                cell_properties = cell.makeelement(qn("w:tcPr"), {})
                cell.insert(0, cell_properties)
            for old in cell_properties.findall(qn("w:tcW")):
                cell_properties.remove(old)
            cell_properties.insert(
                0, cell.makeelement(qn("w:tcW"), {qn("w:w"): str(twips), qn("w:type"): "dxa"})
            )
            if index < len(cells) - 1:
                cell_margins = cell.makeelement(qn("w:tcMar"), {})
                cell_margins.append(
                    cell.makeelement(qn("w:right"), {qn("w:w"): str(gap), qn("w:type"): "dxa"})
                )
                cell_properties.append(cell_margins)


def ruled_table(
    table: Element, head: str, rule: str, padding_mm: tuple[float, float, float, float]
) -> None:
    """Set a table as the PDF's .table: the text's width, no upright rules, a rule of one
    colour (#rrggbb) under each row, a thicker one of another under the header row, its
    cells padded by padding_mm (top, right, bottom, left)."""
    thin = ("single", 3, rule)
    sides: dict[str, _Rule | None] = dict.fromkeys(("top", "left", "right", "insideV"))
    top, right, bottom, left = (_twips(mm) for mm in padding_mm)
    _table_properties(
        table,
        "5000",
        "pct",
        {**sides, "bottom": thin, "insideH": thin},
        (top, right, bottom, left),
        fixed=False,
    )
    first = table.find(qn("w:tr"))
    for cell in first.findall(qn("w:tc")) if first is not None else ():
        properties = cell.find(qn("w:tcPr"))
        if properties is None:
            properties = cell.makeelement(qn("w:tcPr"), {})
            cell.insert(0, properties)
        # CT_TcPr's order: tcW, gridSpan, hMerge, vMerge, tcBorders, …
        borders = _borders(cell, "w:tcBorders", {"bottom": ("single", 6, head)})
        after = properties.find(qn("w:tcW"))
        for name in ("w:gridSpan", "w:hMerge", "w:vMerge"):
            found = properties.find(qn(name))
            after = found if found is not None else after
        if after is not None:
            after.addnext(borders)
        else:
            properties.insert(0, borders)


def _borders(parent: Element, tag: str, sides: dict[str, _Rule | None]) -> Element:
    """Return a borders element (w:tblBorders, w:tcBorders) of sides: None for no rule."""
    borders = parent.makeelement(qn(tag), {})
    order = ("top", "left", "bottom", "right", "insideH", "insideV")  # CT_TblBorders'
    for side, rule in sorted(sides.items(), key=lambda item: order.index(item[0])):
        border = borders.makeelement(qn(f"w:{side}"), {qn("w:val"): "nil"})
        if rule is not None:
            style, eighths, colour = rule
            border.set(qn("w:val"), style)
            border.set(qn("w:sz"), str(eighths))
            border.set(qn("w:space"), "0")
            border.set(qn("w:color"), colour[1:].upper())
        borders.append(border)
    return borders


def _table_properties(
    table: Element,
    width: str,
    width_type: str,
    sides: dict[str, _Rule | None],
    margins: tuple[int, int, int, int],
    *,
    fixed: bool,
) -> None:
    """Set a table's width, borders and cells' margins (twips: top, right, bottom, left),
    no table style, and fixed columns or not, in place of what it had."""
    properties = table.find(qn("w:tblPr"))
    for name in ("w:tblStyle", "w:tblW", "w:tblLayout", "w:tblBorders", "w:tblCellMar"):
        for old in properties.findall(qn(name)):
            properties.remove(old)
    style = properties.makeelement(qn("w:tblStyle"), {qn("w:val"): "TableNormal"})
    size = properties.makeelement(qn("w:tblW"), {qn("w:w"): width, qn("w:type"): width_type})
    borders = _borders(properties, "w:tblBorders", sides)
    cell_margins = properties.makeelement(qn("w:tblCellMar"), {})
    by_side = dict(zip(("top", "right", "bottom", "left"), margins, strict=True))
    for side in ("top", "left", "bottom", "right"):  # CT_TblCellMar's order
        twips = by_side[side]
        cell_margins.append(
            cell_margins.makeelement(qn(f"w:{side}"), {qn("w:w"): str(twips), qn("w:type"): "dxa"})
        )
    added = [borders]
    if fixed:
        added.append(properties.makeelement(qn("w:tblLayout"), {qn("w:type"): "fixed"}))
    added.append(cell_margins)
    # CT_TblPr's order: tblStyle, …, tblW, jc, …, tblInd, tblBorders, shd, tblLayout, tblCellMar
    properties.insert(0, style)
    properties.insert(1, size)
    look = properties.find(qn("w:tblLook"))
    for element in added:
        if look is not None:
            look.addprevious(element)
        else:
            properties.append(element)


def keep_rows_together(table: Element) -> None:
    """Keep each row of a table on the page of the next one, the last row free: in Word and
    LibreOffice a row is kept with the next when its paragraphs are."""
    rows = table.findall(qn("w:tr"))
    for index, row in enumerate(rows):
        for paragraph in row.iter(qn("w:p")):
            ParagraphFormat(paragraph).keep_with_next = index < len(rows) - 1 or None


def set_character_spacing(properties: CT_RPr, twips: int) -> None:
    """Set w:spacing (letter spacing, in twentieths of a point) where CT_RPr's sequence wants it."""
    for old in properties.findall(qn("w:spacing")):
        properties.remove(old)
    spacing = OxmlElement("w:spacing")
    spacing.set(qn("w:val"), str(twips))
    following = _RPR_ORDER[_RPR_ORDER.index("spacing") + 1 :]
    properties.insert_element_before(spacing, *(f"w:{name}" for name in following))


def add_run(
    parent: Element,
    text: str,
    *,
    style_id: str | None = None,
    superscript: bool = False,
    lang: str | None = None,
) -> Element:
    """Append a run of text to a paragraph or a hyperlink; a tab in the text is a w:tab.

    lang: the language of a phrase in another one (w:lang, which Word's proofing and screen
    readers follow).
    """
    run = OxmlElement("w:r")
    properties = OxmlElement("w:rPr")
    values = {
        "rStyle": style_id,
        "vertAlign": "superscript" if superscript else None,
        "lang": lang,
    }
    for name in _RPR_ORDER:  # the schema's order
        if values.get(name):
            element = OxmlElement(f"w:{name}")
            element.set(qn("w:val"), values[name] or "")
            properties.append(element)
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


def add_hyperlink(paragraph: CT_P, *, relation: str | None = None, anchor: str | None = None):
    """Append an empty w:hyperlink to a paragraph: to a relation (a URL) or to a bookmark."""
    link = OxmlElement("w:hyperlink")
    if relation is not None:
        link.set(qn("r:id"), relation)
    else:
        link.set(qn("w:anchor"), anchor or "")
    link.set(qn("w:history"), "1")
    paragraph.append(link)
    return link


def add_bookmark(paragraph: CT_P, identifier: int, name: str, *, empty: bool = False) -> None:
    """Put a bookmark around a paragraph's content, or an empty one at its start.

    The start goes right after w:pPr, before any run: a reader walking the paragraph meets the
    bookmark before its text.
    """
    start = OxmlElement("w:bookmarkStart")
    start.set(qn("w:id"), str(identifier))
    start.set(qn("w:name"), name)
    end = OxmlElement("w:bookmarkEnd")
    end.set(qn("w:id"), str(identifier))
    position = 1 if paragraph.pPr is not None else 0
    paragraph.insert(position, start)
    if empty:
        paragraph.insert(position + 1, end)
    else:
        paragraph.append(end)


def _field_char(parent: Element, kind: str) -> None:
    run = OxmlElement("w:r")
    char = OxmlElement("w:fldChar")
    char.set(qn("w:fldCharType"), kind)
    # Never w:dirty: Word would ask at every open whether to update « fields that may refer
    # to other files »; their cached results are written in (dossier.render.docx.pages).
    run.append(char)
    parent.append(run)


def start_field(parent: Element, instruction: str) -> None:
    """Open a complex field whose result follows as ordinary content, up to end_field."""
    _field_char(parent, "begin")
    run = OxmlElement("w:r")
    code = OxmlElement("w:instrText")
    code.set(qn("xml:space"), "preserve")
    code.text = f" {instruction} "
    run.append(code)
    parent.append(run)
    _field_char(parent, "separate")


def end_field(parent: Element) -> None:
    """Close the complex field opened last."""
    _field_char(parent, "end")


def add_field(parent: Element, instruction: str, result: str) -> Element:
    """Append a whole field with its cached result; return the result's w:t to fill later."""
    start_field(parent, instruction)
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.set(qn("xml:space"), "preserve")
    text.text = result
    run.append(text)
    parent.append(run)
    end_field(parent)
    return text


def add_custom_xml_part(document: DocxDocument, blob: bytes) -> None:
    """Store an XML document in the package as a custom XML part of the main document.

    Word and LibreOffice keep such parts when they save (LibreOffice renumbers them), unlike
    w:docVars or content-control tags.
    """
    package = document.part.package
    item_name = package.next_partname("/customXml/item%d.xml")
    name = int(item_name.idx or 1)
    item = Part(item_name, "application/xml", blob, package)
    properties = Part(
        PackURI(f"/customXml/itemProps{name}.xml"),
        CUSTOM_XML_PROPERTIES,
        (
            '<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n'
            f'<ds:datastoreItem ds:itemID="{{6C3F0D55-D055-41E5-8000-{name:012X}}}" '
            'xmlns:ds="http://schemas.openxmlformats.org/officeDocument/2006/customXml">'
            "<ds:schemaRefs/></ds:datastoreItem>"
        ).encode(),
        package,
    )
    item.relate_to(properties, RELATIONSHIP_TYPE.CUSTOM_XML_PROPS)
    document.part.relate_to(item, RELATIONSHIP_TYPE.CUSTOM_XML)


CUSTOM_PROPERTIES = "application/vnd.openxmlformats-officedocument.custom-properties+xml"
_CUSTOM_PROPERTIES_RELATION = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties"
)
_CUSTOM_NAMESPACE = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
_VARIANT_NAMESPACE = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
_PROPERTY_SET = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"  # the user-defined property set


def set_custom_properties(document: DocxDocument, properties: dict[str, str]) -> None:
    """Write docProps/custom.xml: named texts that Word shows as the document's own properties.

    Word, LibreOffice (in an ODT too, as user-defined metadata) and comparison tools keep them.
    """
    entries = "".join(
        f'<property fmtid="{_PROPERTY_SET}" pid="{index}" name={quoteattr(name)}>'
        f"<vt:lpwstr>{escape(value)}</vt:lpwstr></property>"
        for index, (name, value) in enumerate(properties.items(), start=2)
    )
    blob = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<Properties xmlns="{_CUSTOM_NAMESPACE}" xmlns:vt="{_VARIANT_NAMESPACE}">'
        f"{entries}</Properties>"
    ).encode()
    package = document.part.package
    part = Part(PackURI("/docProps/custom.xml"), CUSTOM_PROPERTIES, blob, package)
    package.relate_to(part, _CUSTOM_PROPERTIES_RELATION)


def custom_properties(document: DocxDocument) -> dict[str, str]:
    """Return the document's custom properties that are texts, by name."""
    for relation in document.part.package.rels.values():
        if relation.reltype != _CUSTOM_PROPERTIES_RELATION or relation.is_external:
            continue
        try:
            root = etree.fromstring(relation.target_part.blob)
        except etree.XMLSyntaxError:
            return {}
        found = {}
        for entry in root.iter(f"{{{_CUSTOM_NAMESPACE}}}property"):
            value = entry.find(f"{{{_VARIANT_NAMESPACE}}}lpwstr")
            if entry.get("name") and value is not None:
                found[entry.get("name") or ""] = value.text or ""
        return found
    return {}


def custom_xml_parts(document: DocxDocument) -> list[bytes]:
    """Return the blobs of the custom XML parts the main document relates to."""
    return [
        relation.target_part.blob
        for relation in document.part.rels.values()
        if relation.reltype == RELATIONSHIP_TYPE.CUSTOM_XML and not relation.is_external
    ]


def drop_legacy_parts(document: DocxDocument) -> None:
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


def rgb(colour: str) -> RGBColor:
    """Return a #RRGGBB colour as python-docx wants it."""
    return RGBColor.from_string(colour.lstrip("#").upper())
