"""Make the TrueType copies of Inter that the DOCX embeds, from the OpenType files beside them.

Word embeds and reads TrueType outlines (ECMA-376 Part 1, 17.8.1: an obfuscated font part);
Inter ships its OpenType files with PostScript (CFF) outlines, which the PDF uses. This
converts each of the four styles a word processor knows (regular, bold, italic, bold italic)
to quadratic outlines (fontTools' cu2qu, at most 1 unit from the curve), keeping every glyph,
name and OpenType feature; the SIL Open Font License allows it (Inter reserves no font name).
Run from the project's folder when fonts/ gets another version of Inter:

    python3 fonts/make_truetype.py
"""

from __future__ import annotations

import sys
from pathlib import Path

from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTFont, newTable

HERE = Path(__file__).resolve().parent
STYLES = ("Regular", "Bold", "Italic", "BoldItalic")
MAX_ERROR = 1.0  # font units


def truetype(source: Path, target: Path) -> None:
    font = TTFont(source)
    glyphs = font.getGlyphSet()
    order = font.getGlyphOrder()
    outlines = {}
    for name in order:
        pen = TTGlyphPen(glyphs)
        glyphs[name].draw(Cu2QuPen(pen, MAX_ERROR, reverse_direction=True))
        outlines[name] = pen.glyph()
    font["loca"] = newTable("loca")
    glyf = font["glyf"] = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = outlines
    for table in ("CFF ", "VORG"):
        if table in font:
            del font[table]
    maxp = font["maxp"] = newTable("maxp")
    maxp.tableVersion = 0x00010000
    for field in (
        "maxZones",
        "maxTwilightPoints",
        "maxStorage",
        "maxFunctionDefs",
        "maxInstructionDefs",
        "maxStackElements",
        "maxSizeOfInstructions",
        "maxComponentElements",
    ):
        setattr(maxp, field, 0)
    maxp.maxZones = 1
    maxp.numGlyphs = len(order)
    font["head"].glyphDataFormat = 0
    font["head"].indexToLocFormat = 1
    post = font["post"]
    post.formatType, post.extraNames, post.mapping = 2.0, [], {}
    font.sfntVersion = "\x00\x01\x00\x00"
    font.save(target)


def main() -> int:
    for style in STYLES:
        truetype(HERE / f"Inter-{style}.otf", HERE / f"Inter-{style}.ttf")
        sys.stdout.write(f"fonts/Inter-{style}.ttf\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
