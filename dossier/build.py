"""Build an edition: load it, prepare its view, render the asked formats, write each atomically."""

from __future__ import annotations

import logging
import multiprocessing
import os
import tempfile
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import TYPE_CHECKING

from dossier.errors import DossierError, RenderError

if TYPE_CHECKING:
    from dossier.view import Edition

# dossier.load and dossier.view are imported inside the functions: the renderers' processes
# start first and import WeasyPrint while this one imports pydantic and Babel (two cores).

log = logging.getLogger("dossier")

FORMATS = ("pdf", "docx", "html")
DEFAULT_FORMATS = ("pdf", "docx")
PDF_VARIANTS = ("pdf/ua-1", "pdf/a-3u")
POLL_SECONDS = 0.05


@dataclass(frozen=True)
class Options:
    """What the user asked of a build besides the formats."""

    draft: bool = False
    pdf_variant: str = "pdf/ua-1"
    timeout: float = 300.0  # seconds for the whole render
    max_memory: int = 2048  # MiB of resident memory for each renderer


@dataclass(frozen=True)
class Output:
    """One file a build wrote."""

    format: str
    path: Path
    size: int
    seconds: float
    peak_memory: int  # KiB, the renderer's resident peak


def find_default_edition(data: Path = Path("data")) -> Path:
    """Return the newest edition folder under data/: the last by name, 2021 < 2022 < 2022-bis."""
    from dossier.load import EDITION_FILE

    folders = sorted(p.parent for p in data.glob(f"*/{EDITION_FILE}"))
    if not folders:
        raise DossierError(
            f"aucune édition trouvée : ni {data}/<édition>/{EDITION_FILE} ; donnez le dossier "
            "de l'édition, par exemple « dossier build data/2021 »"
        )
    return folders[-1]


def _pdf(view: Edition, folder: Path, options: Options) -> bytes:
    from dossier.render.pdf import render_pdf  # WeasyPrint takes half a second to import

    return render_pdf(view, folder, options.pdf_variant)


def _docx(view: Edition, folder: Path, options: Options) -> bytes:
    from dossier.render.docx import render_docx

    return render_docx(view)  # images are in the view as absolute paths


def _import_pdf() -> None:
    import dossier.render.pdf  # noqa: F401 - imported ahead, while the parent loads the data


def _import_docx() -> None:
    import dossier.render.docx  # noqa: F401


def renderers() -> dict[str, Callable[[Edition, Path, Options], bytes]]:
    """Return the renderer of each format this version can produce."""
    return {"pdf": _pdf, "docx": _docx}


_WARM_UP: dict[str, Callable[[], None]] = {"pdf": _import_pdf, "docx": _import_docx}


def build(
    edition: Path | None = None,
    formats: tuple[str, ...] = DEFAULT_FORMATS,
    output: Path = Path("build"),
    options: Options | None = None,
) -> list[Output]:
    """Build the asked formats of an edition into output/; nothing is replaced unless all succeed.

    Each format renders in a process of its own, in parallel, watched for time and memory.
    """
    options = options or Options()
    _check_request(formats, options)
    # The renderers start first and import their libraries while this process loads the data:
    # on two cores that hides WeasyPrint's import behind the loading.
    jobs: list[_Job] = []
    try:
        jobs += [_Job.start(name) for name in formats]
        from dossier.load import load_edition
        from dossier.view import prepare

        folder = Path(edition) if edition is not None else find_default_edition()
        model = load_edition(folder)
        base = folder if folder.is_dir() else folder.parent
        view = prepare(model, base, draft=options.draft)
        output.mkdir(parents=True, exist_ok=True)
        targets = {name: output / f"{model.slug}.{name}" for name in formats}
        for job in jobs:
            job.send(view, base, options, targets[job.name])
        _watch(jobs, options)
    except BaseException:
        for job in jobs:  # a failed build leaves no temporary file behind
            job.stop()
            if job.temporary is not None:
                job.temporary.unlink(missing_ok=True)
        raise
    for job in jobs:
        job.stop()
    for job in jobs:  # every render succeeded: only now do the new files replace the old
        os.replace(job.temporary, targets[job.name])  # type: ignore[arg-type]
        log.info("%s écrit : %s", job.name.upper(), targets[job.name])
    return [
        Output(j.name, targets[j.name], targets[j.name].stat().st_size, j.seconds, j.peak)
        for j in jobs
    ]


def check(edition: Path | None = None) -> Path:
    """Check an edition as a build would, without rendering; return its folder."""
    from dossier.load import load_edition
    from dossier.theme import load_theme
    from dossier.view import prepare

    folder = Path(edition) if edition is not None else find_default_edition()
    model = load_edition(folder)
    view = prepare(model, folder if folder.is_dir() else folder.parent)
    load_theme().check_glyphs(view.strings())
    return folder


def _check_request(formats: tuple[str, ...], options: Options) -> None:
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


@dataclass
class _Job:
    """One format rendering in a child process into a temporary file beside its target."""

    name: str
    process: multiprocessing.Process
    connection: Connection
    started: float
    temporary: Path | None = None
    seconds: float = 0.0
    peak: int = 0

    @classmethod
    def start(cls, name: str) -> _Job:
        parent_end, child_end = multiprocessing.Pipe()
        # fork: the child shares what is already imported and starts at once
        context = multiprocessing.get_context("fork")
        process = context.Process(
            target=_render_in_child, args=(name, child_end), name=f"dossier-{name}", daemon=True
        )
        process.start()
        child_end.close()
        return cls(name, process, parent_end, time.perf_counter())

    def send(self, view: Edition, folder: Path, options: Options, target: Path) -> None:
        descriptor, temporary = tempfile.mkstemp(
            dir=target.parent, prefix=f".{target.name}.", suffix=".tmp"
        )
        os.close(descriptor)
        self.temporary = Path(temporary)
        self.connection.send((view, folder, options, self.temporary))

    def stop(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join()
        self.connection.close()


def _resident_kib(pid: int) -> int:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    for line in status.splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def _watch(jobs: list[_Job], options: Options) -> None:
    """Wait for every job; stop them all at the first failure, timeout or memory overrun."""
    deadline = time.perf_counter() + options.timeout
    limit = options.max_memory * 1024
    pending = list(jobs)
    while pending:
        for job in list(pending):
            job.peak = max(job.peak, _resident_kib(job.process.pid or 0))
            if job.peak > limit:
                raise RenderError(
                    f"{job.name.upper()} : le rendu dépasse {options.max_memory} Mio de mémoire "
                    "et a été arrêté ; relancez avec --max-memory MIO si la machine les a"
                )
            if job.connection.poll():
                try:
                    kind, detail, seconds, peak = job.connection.recv()
                except EOFError:  # a dead child's pipe reads as EOF: killed, or crashed
                    job.process.join()
                    raise RenderError(
                        f"{job.name.upper()} : le rendu s'est arrêté sans résultat "
                        f"(code {job.process.exitcode})"
                    ) from None
                job.seconds, job.peak = seconds, max(job.peak, peak)
                if kind == "ok":
                    pending.remove(job)
                elif kind == "error":
                    raise RenderError(detail)
                else:
                    raise RuntimeError(f"the {job.name} renderer failed:\n{detail}")
        if pending and time.perf_counter() > deadline:
            raise RenderError(
                f"le rendu dépasse {options.timeout:g} s et a été arrêté ; si l'édition est "
                "vraiment si grande, relancez avec --timeout SECONDES"
            )
        if pending:  # wake at once when a renderer answers, else look at memory again soon
            wait([job.connection for job in pending], timeout=POLL_SECONDS)


def _render_in_child(name: str, connection: Connection) -> None:
    _WARM_UP[name]()
    try:
        view, folder, options, temporary = connection.recv()
    except EOFError:  # the parent stopped: bad data, most likely
        return
    started = time.perf_counter()
    try:
        content = renderers()[name](view, folder, options)
        with temporary.open("wb") as stream:
            stream.write(content)
            stream.flush()
            os.fsync(stream.fileno())
        temporary.chmod(0o644)
        message = ("ok", "", time.perf_counter() - started, _resident_kib(os.getpid()))
    except DossierError as error:
        message = ("error", str(error), 0.0, 0)
    except BaseException:  # a bug: its traceback goes to the parent, which raises it
        message = ("bug", traceback.format_exc(), 0.0, 0)
    connection.send(message)
    connection.close()
