"""Image files as the DOCX takes them: upright as the PDF shows them, in bytes Word can read.

The loader accepts every PNG, JPEG and GIF that Pillow decodes whole; python-docx recognises
fewer (a JPEG without a JFIF or Exif header, as CMYK agency photos are, is "unrecognized"), and
Word ignores the EXIF orientation that WeasyPrint and browsers apply. Such a file is encoded
again, in memory, upright; any other goes in as it is, byte for byte.
"""

from __future__ import annotations

import io
import struct
from dataclasses import dataclass
from pathlib import Path

from docx.image.exceptions import (
    InvalidImageStreamError,
    UnexpectedEndOfFileError,
    UnrecognizedImageError,
)
from docx.image.image import Image as DocxImage
from PIL import Image, ImageCms, ImageOps

ORIENTATION = 0x0112  # the EXIF tag: 1 upright, 2-8 mirrored and/or turned
# What python-docx raises for bytes it cannot read: the file, not the program.
UNREADABLE = (
    InvalidImageStreamError,
    UnexpectedEndOfFileError,
    UnrecognizedImageError,
    ZeroDivisionError,  # a resolution of 0
    struct.error,
    IndexError,
    ValueError,
)


@dataclass(frozen=True)
class Prepared:
    """What goes into the document: the bytes, and the size in pixels as the reader sees it."""

    data: bytes
    pixels: tuple[int, int]
    encoded: bool  # True when the file was encoded again (turned upright, or made readable)


def prepare_picture(path: Path) -> Prepared:
    """Return an image file as Word should receive it: upright, in a form python-docx reads.

    Raises OSError, or one of UNREADABLE, when even the encoded copy cannot go in.
    """
    data = path.read_bytes()
    with Image.open(io.BytesIO(data)) as picture:
        # as WeasyPrint decides it (images.rotate_pillow_image): from an EXIF block it was given
        orientation = picture.getexif().get(ORIENTATION, 1) if "exif" in picture.info else 1
        size = picture.size
        if orientation not in range(2, 9) and _docx_reads(data):
            return Prepared(data, size, encoded=False)
        upright = ImageOps.exif_transpose(picture)
        encoded = _encode(upright, picture.format or "PNG")
    DocxImage.from_blob(encoded)  # what python-docx cannot read even now is the file's problem
    return Prepared(encoded, upright.size, encoded=True)


def _docx_reads(data: bytes) -> bool:
    try:
        DocxImage.from_blob(data)
    except UNREADABLE:
        return False
    return True


def _encode(picture: Image.Image, kind: str) -> bytes:
    """Encode a picture again: a photograph as a JPEG (RGB or grey, with JFIF), others as PNG."""
    stream = io.BytesIO()
    if kind == "JPEG":
        if picture.mode not in ("RGB", "L"):
            picture = _to_rgb(picture)
        # Pillow writes the JFIF header python-docx looks for; quality 95 keeps a photo as it was
        picture.save(stream, format="JPEG", quality=95, subsampling=0)
    else:
        picture.save(stream, format="PNG")
    return stream.getvalue()


def _to_rgb(picture: Image.Image) -> Image.Image:
    """Convert CMYK (or any other mode) to RGB, through the file's colour profile if it has one."""
    profile = picture.info.get("icc_profile")
    if profile and picture.mode == "CMYK":
        try:
            converted = ImageCms.profileToProfile(
                picture, io.BytesIO(profile), ImageCms.createProfile("sRGB"), outputMode="RGB"
            )
        except (ImageCms.PyCMSError, OSError, ValueError):
            converted = None
        if isinstance(converted, Image.Image):
            return converted
    return picture.convert("RGB")
