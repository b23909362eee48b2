"""The theme's font embedded in the DOCX, so that the cabinet sees the journalists' kit.

ECMA-376 Part 1, 17.8.1 (font embedding): each style's file is a part of its own, named in the
font table by w:embedRegular, w:embedBold, w:embedItalic, w:embedBoldItalic with a key; its first
32 bytes are XORed with that key (an « obfuscated font », content type
application/vnd.openxmlformats-officedocument.obfuscatedFont) and w:embedTrueTypeFonts is set.
Word and LibreOffice then set the text in that font though it is not installed, and lay the
pages out with its metrics, which are also those the contents' page numbers are foreseen with.
The key is made from the file's own bytes: the same fonts give the same DOCX.
"""

from __future__ import annotations

import hashlib
import uuid
from pathlib import Path

from docx.document import Document as DocxDocument
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import parse_xml
from docx.oxml.ns import qn
from lxml import etree

from dossier.office import oxml

OBFUSCATED = "application/vnd.openxmlformats-officedocument.obfuscatedFont"
EMBED = {
    "regular": "embedRegular",
    "bold": "embedBold",
    "italic": "embedItalic",
    "bold_italic": "embedBoldItalic",
}


def obfuscate(data: bytes, key: uuid.UUID) -> bytes:
    """XOR the first 32 bytes of a font with its key, as ECMA-376 Part 1, 17.8.1 says: the
    key's 32 hex digits read as 16 bytes from the last to the first, twice over."""
    digits = key.hex.upper()
    mask = bytes(int(digits[i : i + 2], 16) for i in range(30, -2, -2))
    head = bytes(byte ^ mask[i % 16] for i, byte in enumerate(data[:32]))
    return head + data[32:]


def embed_fonts(document: DocxDocument, family: str, files: dict[str, Path]) -> None:
    """Embed a family's files (by style: regular, bold, italic, bold_italic) in the document."""
    if not files:
        return
    table = next(r.target_part for r in document.part.rels.values() if r.reltype == RT.FONT_TABLE)
    root = parse_xml(table.blob)
    for old in root.findall(qn("w:font")):
        if old.get(qn("w:name")) == family:
            root.remove(old)
    entry = root.makeelement(qn("w:font"), {qn("w:name"): family})
    for number, (style, path) in enumerate(((s, files[s]) for s in EMBED if s in files), start=1):
        data = path.read_bytes()
        key = uuid.UUID(bytes=hashlib.sha256(data).digest()[:16])
        part = Part(
            PackURI(f"/word/fonts/font{number}.odttf"),
            OBFUSCATED,
            obfuscate(data, key),
            document.part.package,
        )
        rid = table.relate_to(part, RT.FONT)
        embedded = entry.makeelement(qn(f"w:{EMBED[style]}"), {})
        embedded.set(qn("r:id"), rid)
        embedded.set(qn("w:fontKey"), "{" + str(key).upper() + "}")
        entry.append(embedded)
    root.append(entry)
    table._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    oxml.set_setting(document.settings.element, "w:embedTrueTypeFonts", "true")
