"""The renderers, registered once: what each writes, its variants, and where its code lives."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal, NamedTuple

# Only the standard library here: the command line reads this registry before it has loaded
# anything heavy, and each renderer's library is imported in that renderer's own process.
if TYPE_CHECKING:
    from dossier.view import Edition

    # (view, edition folder, target, variant): writes the output at target, a file or a folder
    Entry = Callable[[Edition, Path, Path, str | None], str | None]  # what it did, if it says
    # (view, edition folder, target, the run's other outputs by format): completes the output
    Finish = Callable[[Edition, Path, Path, Mapping[str, "Finished"]], None]

__all__ = [
    "RENDERERS",
    "Finished",
    "Renderer",
    "Variant",
    "again",
    "default_formats",
    "listen",
    "say",
    "will_render_again",
]


class Finished(NamedTuple):
    """Another output of the same run, complete: where it is now, and the name it will have."""

    path: Path  # its temporary file, complete, renamed into place once the run is done
    name: str  # its file name in the output folder: mois-innovation-publique-2021.pdf


@dataclass(frozen=True)
class Variant:
    """One way a format can be written, such as a PDF standard."""

    name: str
    summary: str  # a few words for the command line's help


@dataclass(frozen=True)
class Renderer:
    """One output format: what it writes, in which variants, and which function writes it."""

    name: str  # as the user asks for it: --format pdf
    summary: str  # what it is, for the command line's help
    writes: Literal["file", "folder"]
    # Dotted path of the implementing module, imported only in the renderer's process: that
    # import is its warm-up. None: registered, but not yet in this version.
    module: str | None
    function: str = ""  # the module's entry, an Entry
    suffix: str = ""  # a file is <slug><suffix>, a folder is <slug>/
    variants: tuple[Variant, ...] = ()  # the first is the default
    variant_label: str = ""  # what the variants choose, for --<name>-variant's help
    default: bool = True  # built when no format is asked for
    # The module's function that completes the output once every format of the run has
    # rendered, with their files (a Finish): the web edition links to the PDF and the DOCX.
    finish: str = ""
    # The output a watch's user waits for after a save: in a watch, the other renderers yield
    # the processor to its renderer (a lower priority), and render with what it leaves.
    awaited: bool = False

    def __post_init__(self) -> None:
        if (self.writes == "file") != bool(self.suffix):
            raise ValueError(f"{self.name}: a file needs a suffix, a folder has none")
        if (self.module is None) != (not self.function):
            raise ValueError(f"{self.name}: a module and its entry function go together")
        if bool(self.variants) != bool(self.variant_label):
            raise ValueError(f"{self.name}: variants need a label, and a label variants")
        if self.finish and self.module is None:
            raise ValueError(f"{self.name}: a finish function needs a module")

    @property
    def available(self) -> bool:
        """Tell whether this version can produce the format."""
        return self.module is not None

    @property
    def variant_names(self) -> tuple[str, ...]:
        """Return the names of the variants, the default first."""
        return tuple(variant.name for variant in self.variants)

    @property
    def default_variant(self) -> str | None:
        """Return the variant written when none is asked for."""
        return self.variants[0].name if self.variants else None

    def target(self, output: Path, slug: str) -> Path:
        """Return where this format of the edition goes in the output folder."""
        return output / f"{slug}{self.suffix}"

    def entry(self) -> Entry:
        """Import the renderer's module, and with it its library, and return its entry."""
        if self.module is None:
            raise LookupError(f"{self.name} is not available in this version")
        return getattr(importlib.import_module(self.module), self.function)

    def finisher(self) -> Finish | None:
        """Return the function that completes the output with the run's others, if it has one."""
        if not self.finish or self.module is None:
            return None
        return getattr(importlib.import_module(self.module), self.finish)


RENDERERS: dict[str, Renderer] = {
    renderer.name: renderer
    for renderer in (
        Renderer(
            name="pdf",
            summary="PDF paginé et accessible, pour les journalistes",
            writes="file",
            module="dossier.render.pdf",
            function="write_pdf",
            suffix=".pdf",
            variants=(
                Variant("pdf/ua-1", "accessible"),
                Variant("pdf/a-3u", "archivage"),
            ),
            variant_label="norme du PDF",
            awaited=True,
        ),
        Renderer(
            name="docx",
            summary="DOCX que le cabinet relit dans Word",
            writes="file",
            module="dossier.render.docx",
            function="write_docx",
            suffix=".docx",
        ),
        Renderer(
            name="html",
            summary="édition web accessible, un dossier <slug>/ avec le programme en .ics",
            writes="folder",
            module="dossier.render.web",
            function="write_web",
            finish="finish_web",
        ),
    )
}


def default_formats() -> tuple[str, ...]:
    """Return the formats built when none is asked for, in the registry's order."""
    return tuple(name for name, renderer in RENDERERS.items() if renderer.default)


# Who hears what a renderer says of its work as it works: set in the renderer's process by the
# build when a terminal shows it; otherwise nobody, and saying costs one test.
_listener: Callable[[str], None] | None = None


def say(what: str) -> None:
    """Tell the build what this renderer is doing now: « mise en page : partie 4 sur 13 »."""
    if _listener is not None:
        _listener(what)


def listen(listener: Callable[[str], None] | None) -> None:
    """Make listener hear what this process's renderer says from now on; None: nobody."""
    global _listener
    _listener = listener


# Whether this process's renderer renders again after its job (a watch's session does): then it
# keeps what the next job may reuse (the PDF, each page's painting). A build's renderer renders
# once, then ends: it keeps nothing. In a process of its own making (a test, a script), it keeps.
_again = True


def will_render_again(again: bool) -> None:
    """Say whether this process's renderer renders again after its job."""
    global _again
    _again = again


def again() -> bool:
    """Tell whether this process's renderer renders again after its job."""
    return _again
