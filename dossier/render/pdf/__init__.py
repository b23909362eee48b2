"""The PDF: WeasyPrint lays out the print HTML, fetching nothing outside the allowed folders."""

from __future__ import annotations

import contextlib
import hashlib
import io
import mimetypes
import os
import re
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from dossier.errors import RenderError
from dossier.render import RENDERERS, again, say
from dossier.theme import FONTS, TEMPLATES, load_theme
from dossier.view import Edition

# The Debian packages that bring what WeasyPrint loads (glib, fontconfig and HarfBuzz come with
# Pango); the README's first command installs them.
SYSTEM_PACKAGES = ("libpango-1.0-0", "libpangoft2-1.0-0", "libharfbuzz-subset0")
# Each library WeasyPrint loads, by the first name it tries, and the Debian package that has it.
_DEBIAN_PACKAGES = {
    "libgobject-2.0-0": "libglib2.0-0",
    "libpango-1.0-0": "libpango-1.0-0",
    "libharfbuzz-0": "libharfbuzz0b",
    "libharfbuzz-subset-0": "libharfbuzz-subset0",
    "libfontconfig-1": "libfontconfig1",
    "libpangoft2-1.0-0": "libpangoft2-1.0-0",
}


def missing_library(error: OSError) -> str:
    """Say in one line which system library WeasyPrint could not load and how to install it."""
    found = re.search(r"cannot load library '([^']+)'", str(error))
    library = found.group(1) if found else None
    package = _DEBIAN_PACKAGES.get(library) if library else None
    packages = " ".join(dict.fromkeys([*SYSTEM_PACKAGES, *filter(None, [package])]))
    if library is None:
        what = f"une bibliothèque système manque ({' '.join(str(error).split())})"
    elif package is None:
        what = f"la bibliothèque système {library} manque"
    else:
        what = f"la bibliothèque système {library} manque (paquet Debian {package})"
    return f"PDF : {what} ; installez-la : sudo apt-get install -y {packages}"


try:
    # WeasyPrint loads Pango and HarfBuzz as it is imported; without them it prints a banner on
    # stdout and raises OSError, which the user sees instead as one line naming the package.
    with contextlib.redirect_stdout(io.StringIO()):
        import pydyf
        from weasyprint.urls import FatalURLFetchingError, URLFetcherResponse
except OSError as error:
    raise RenderError(missing_library(error)) from None

from dossier.render.pdf import painting, tagging  # noqa: E402 - once WeasyPrint loads
from dossier.render.pdf.layout import Pagination  # noqa: E402

tagging.install()


class SandboxFetcher:
    """Serve files from a few folders only; refuse every other URL and remember it."""

    def __init__(self, roots: list[Path]) -> None:
        self.roots = [root.resolve() for root in roots]
        self.refused: list[str] = []

    def __call__(self, url: str) -> URLFetcherResponse:
        parts = urlsplit(url)
        path = Path(unquote(parts.path)).resolve() if parts.scheme == "file" else None
        if path is None or parts.netloc not in ("", "localhost") or not self._allowed(path):
            self.refused.append(url)
            raise FatalURLFetchingError(
                f"ressource refusée : {url} (seuls le dossier de l'édition, templates/ et "
                "fonts/ sont lus)"
            )
        kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, body=path.read_bytes(), headers={"Content-Type": kind})

    def _allowed(self, path: Path) -> bool:
        return path.is_file() and any(path.is_relative_to(root) for root in self.roots)


# The layout of each edition this process has laid out: a build lays out once, then the process
# ends; the watch mode's renderer stays, and lays out again only the parts an edit changed.
_PAGINATIONS: dict[tuple[Path, Path | None], Pagination] = {}


def pagination(folder: Path, theme: Path | None = None) -> Pagination:
    """Return the layout kept for an edition's folder (and its own theme), made on first use."""
    logo = load_theme(over=theme).logo  # the ministry's file, wherever it keeps it
    key = (folder.resolve(), logo.path() if logo else None)  # another logo, another sandbox
    if key not in _PAGINATIONS:
        roots = [folder, TEMPLATES, FONTS, *([logo.path()] if logo else [])]
        _PAGINATIONS[key] = Pagination(folder, SandboxFetcher(roots))
    return _PAGINATIONS[key]


def render_pdf(
    edition: Edition, folder: Path, variant: str | None = None, memory: Path | None = None
) -> bytes:
    """Lay out the edition as a tagged PDF of the given variant, the first one by default.

    memory: the file that keeps what the layouts found between builds (layout.Memory).
    """
    variants = RENDERERS["pdf"].variant_names
    variant = variant or variants[0]
    if variant not in variants:
        raise RenderError(f"variante PDF inconnue : {variant} ; possibles : {', '.join(variants)}")
    load_theme(over=edition.theme).check_glyphs(edition.strings())
    layout = pagination(folder, edition.theme)
    try:
        layout.keep_layouts = again()  # the watch's: an edit lays out from its page on
        document = layout.lay_out(edition, memory)
        if again():  # a page laid out as before will not be painted again
            painting.prepare(document.pages)
        say("écriture du PDF")
        tagging.one_annotation_per_link(document.pages)
        tagging.forget_fragments()
        return document.write_pdf(
            pdf_variant=variant,
            pdf_tags=True,
            custom_metadata=False,
            optimize_images=True,
            finisher=describe_links,
        )
    except FatalURLFetchingError as error:
        _forget(folder)
        raise RenderError(str(error.__cause__ or error)) from None
    except BaseException:
        _forget(folder)  # a layout cut short is not kept
        raise
    finally:
        tagging.forget_fragments()


def memory_of(folder: Path) -> Path | None:
    """Return the file that keeps what the layouts of an edition found, between builds.

    It is in the user's cache folder ($XDG_CACHE_HOME, else ~/.cache), as other programs keep
    what they can find again: never among the outputs, which hold only what was asked for, nor
    in the edition's folder, which is the press office's. None without a home folder.
    """
    try:
        cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    except RuntimeError:  # no home folder: every build finds its mends again
        return None
    name = hashlib.sha256(str(folder.resolve()).encode()).hexdigest()[:16]
    return cache / "dossier" / f"mise-en-page-{name}.json"


def _forget(folder: Path) -> None:
    for key in [key for key in _PAGINATIONS if key[0] == folder.resolve()]:
        del _PAGINATIONS[key]


def describe_links(document: Any, pdf: Any) -> None:
    """Give each link annotation what a screen reader says of it: its aria-label, or its words;
    make one element of a link that runs over two lines (tagging.join_fragments).

    WeasyPrint describes a link by its address (its /Contents, which PDF/UA wants); « En savoir
    plus » says where it leads only with the label the view gave it.
    """
    tagging.join_fragments(pdf)
    for page in document.pages:
        for _kind, _target, _rectangle, box in page.links:
            annotation = getattr(box, "link_annotation", None)
            element = getattr(box, "element", None)
            if annotation is None or element is None:
                continue
            label = element.get("aria-label") or " ".join("".join(element.itertext()).split())
            if label:
                annotation["Contents"] = pydyf.String(label)


def write_pdf(edition: Edition, folder: Path, target: Path, variant: str | None) -> str:
    """Write the edition as a PDF of the given variant at target: the build's entry.

    Return what was laid out: « 1 partie sur 13 mise en page », for the watch mode to say.
    What the layouts found is kept in the user's cache folder (memory_of), for the next build.
    """
    target.write_bytes(render_pdf(edition, folder, variant, memory_of(folder)))
    report = pagination(folder, edition.theme).report
    if report.laid_out == 0:
        said = f"aucune des {report.parts} parties remise en page"
    else:
        plural = "s" if report.laid_out > 1 else ""
        said = f"{report.laid_out} partie{plural} sur {report.parts} mise{plural} en page"
    replayed, pages = painting.tally()
    if replayed:  # the pages laid out as before, not painted again
        said += f", {replayed} page{'s' if replayed > 1 else ''} sur {pages} reprise"
        said += "s telles quelles" if replayed > 1 else " telle quelle"
    return said
