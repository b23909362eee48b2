"""Build an edition: load it, prepare its view, render the asked formats, write each atomically."""

from __future__ import annotations

import logging
import os
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from dossier.errors import DossierError, RenderError
from dossier.load import EDITION_FILE, load_edition
from dossier.view import Edition, prepare

log = logging.getLogger("dossier")

FORMATS = ("pdf", "docx", "html")
DEFAULT_FORMATS = ("pdf", "docx")
PDF_VARIANTS = ("pdf/ua-1", "pdf/a-3u")


@dataclass(frozen=True)
class Options:
    """What the user asked of a build besides the formats."""

    draft: bool = False
    pdf_variant: str = "pdf/ua-1"


@dataclass(frozen=True)
class Output:
    """One file a build wrote."""

    format: str
    path: Path
    size: int
    seconds: float


def find_default_edition(data: Path = Path("data")) -> Path:
    """Return the newest edition folder under data/: the last by name, 2021 < 2022 < 2022-bis."""
    folders = sorted(p.parent for p in data.glob(f"*/{EDITION_FILE}"))
    if not folders:
        raise DossierError(
            f"aucune édition trouvée : ni {data}/<édition>/{EDITION_FILE} ; donnez le dossier "
            "de l'édition, par exemple « dossier build data/2021 »"
        )
    return folders[-1]


def _pdf(view: Edition, folder: Path, options: Options) -> bytes:
    from dossier.render.pdf import render_pdf  # WeasyPrint takes a second to import

    return render_pdf(view, folder, options.pdf_variant)


def _docx(view: Edition, folder: Path, options: Options) -> bytes:
    from dossier.render.docx import render_docx

    return render_docx(view, folder)


def renderers() -> dict[str, Callable[[Edition, Path, Options], bytes]]:
    """Return the renderer of each format this version can produce."""
    return {"pdf": _pdf, "docx": _docx}


def build(
    edition: Path | None = None,
    formats: tuple[str, ...] = DEFAULT_FORMATS,
    output: Path = Path("build"),
    options: Options | None = None,
) -> list[Output]:
    """Build the asked formats of an edition into output/; nothing is written unless all succeed."""
    options = options or Options()
    folder = Path(edition) if edition is not None else find_default_edition()
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise DossierError(
            f"format inconnu : {', '.join(unknown)} ; formats possibles : {', '.join(FORMATS)}"
        )
    if options.pdf_variant not in PDF_VARIANTS:
        raise DossierError(
            f"variante PDF inconnue : {options.pdf_variant} ; possibles : {', '.join(PDF_VARIANTS)}"
        )
    available = renderers()
    missing = [f for f in formats if f not in available]
    if missing:
        raise RenderError(
            f"cette version ne sait pas encore produire : {', '.join(missing)} "
            f"(disponibles : {', '.join(available) or 'aucun'})"
        )
    model = load_edition(folder)
    base = folder if folder.is_dir() else folder.parent
    view = prepare(model, base, draft=options.draft)
    rendered: list[tuple[str, bytes, float]] = []
    for name in formats:
        started = time.perf_counter()
        content = available[name](view, base, options)
        rendered.append((name, content, time.perf_counter() - started))
    output.mkdir(parents=True, exist_ok=True)
    written = []
    for name, content, seconds in rendered:
        path = output / f"{model.slug}.{name}"
        write_atomically(path, content)
        log.info("%s écrit : %s", name.upper(), path)
        written.append(Output(name, path, len(content), seconds))
    return written


def write_atomically(path: Path, content: bytes) -> None:
    """Write a file beside its final place, then rename it there: readers never see half of it."""
    descriptor, temporary = tempfile.mkstemp(
        dir=path.parent, prefix=f".{path.name}.", suffix=".tmp"
    )
    try:
        with os.fdopen(descriptor, "wb") as stream:
            stream.write(content)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
