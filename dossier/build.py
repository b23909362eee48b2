"""Build an edition: load it, prepare its view, render the asked formats, write each atomically."""

from __future__ import annotations

import contextlib
import errno
import logging
import multiprocessing
import os
import shutil
import signal
import tempfile
import threading
import time
import traceback
import uuid
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dossier.errors import DossierError, PlaceError, RenderError, display_path, os_reason
from dossier.render import (
    RENDERERS,
    Finished,
    Renderer,
    default_formats,
    listen,
    will_render_again,
)

if TYPE_CHECKING:
    from dossier.render import Entry, Finish
    from dossier.view import Edition

# dossier.load and dossier.view are imported inside the functions, before the renderers start:
# `dossier check` and the command line's help need neither WeasyPrint nor the renderers.

log = logging.getLogger("dossier")

POLL_SECONDS = 0.05
# How much lower a watch's renderers run than the one whose output is awaited (nice, 0 to 19).
_YIELDING = 10
# The parent's ends of the renderers' pipes. A child forked after another inherits that one's
# end: each child closes them, or a child would wait forever on a pipe its parent left.
_PIPES: list[Connection] = []
# Errors of the disk the outputs go to, not of the program.
_DISK_ERRORS = {errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM, errno.EIO}


@dataclass(frozen=True)
class Options:
    """What the user asked of a build besides the formats."""

    draft: bool = False
    variants: Mapping[str, str] = field(default_factory=dict)  # format → variant; else its first
    timeout: float = 300.0  # seconds for the whole render
    max_memory: int = 2048  # MiB of resident memory for each renderer


@dataclass(frozen=True)
class Output:
    """One file, or folder, a build wrote."""

    format: str
    path: Path
    size: int  # bytes, every file of a folder counted
    seconds: float
    peak_memory: int  # KiB, the renderer's resident peak
    detail: str = ""  # what the renderer says of its work: « 1 partie sur 13 remise en page »


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


def build(
    edition: Path | None = None,
    formats: tuple[str, ...] | None = None,
    output: Path = Path("build"),
    options: Options | None = None,
    progress: Callable[[str], None] | None = None,
) -> list[Output]:
    """Build the asked formats of an edition into output/; nothing is replaced unless all succeed.

    Each format renders in a process of its own, in parallel, watched for time and memory;
    without formats, those the registry builds by default. progress: told, as one line, what
    the build is doing whenever that changes (« mise en page : partie 4 sur 13 ; DOCX fait »).
    """
    options = options or Options()
    said = _Progress(progress)
    chosen = _check_request(default_formats() if formats is None else formats, options)
    # The model and the view are imported before the renderers start, which share them (each
    # imports them too, through its theme and its view): imported after, they were imported
    # once per process, 0.23 s of CPU each. Then the renderers import their own libraries
    # while this process reads the data: on two cores, WeasyPrint's import hides the reading.
    from dossier.load import load_edition
    from dossier.view import prepare

    jobs: list[_Job] = []
    with _deadline(options.timeout):
        try:
            for renderer in chosen:  # one by one: a start that fails leaves the others stoppable
                jobs.append(_Job.start(renderer, listened=progress is not None))

            said.step("lecture de l'édition")
            folder = Path(edition) if edition is not None else find_default_edition()
            model = load_edition(folder)
            base = folder if folder.is_dir() else folder.parent
            view = prepare(model, base, draft=options.draft)
            _refuse_inputs([j.renderer.target(output, model.slug) for j in jobs], base, view)
            _make_output(output)
            for job in jobs:
                variant = options.variants.get(job.name, job.renderer.default_variant)
                job.send(view, base, job.renderer.target(output, model.slug), variant)
                said.start(job.name)
            deadline = time.perf_counter() + options.timeout
            _warn_without_proc()
            _watch(jobs, options, deadline, said=said)
            _finish(jobs, options, deadline, said)
            for job in jobs:
                job.stop()
            _replace_all([(job.temporary, job.target) for job in jobs])  # type: ignore[misc]
        finally:  # whatever happened, no child, no temporary file is left behind
            for job in jobs:
                job.stop()
                job.discard()
    for job in jobs:
        log.info("%s écrit : %s", job.name.upper(), job.target)
    return _outputs(jobs)


def _outputs(jobs: list[_Job]) -> list[Output]:
    return [
        Output(j.name, j.target, _size(j.target), j.seconds, j.peak, j.detail)  # type: ignore[arg-type]
        for j in jobs
    ]


def _place_now(job: _Job) -> None:
    """Put a finished file in its place at once: after an edit, the PDF need not wait for the
    DOCX. A file is replaced in one rename; a folder (the web edition) waits for the rest."""
    if job.renderer.writes == "file" and job.temporary is not None and job.target is not None:
        _replace_all([(job.temporary, job.target)])
        job.temporary = None


class Session:
    """Builds of one edition again and again by renderers that stay alive: the watch mode's.

    Each renderer keeps between builds what it may (the PDF its layout, part by part), so a
    build after an edit redoes only what the edit changed. A build that fails on the data
    leaves the renderers as they were; one that fails in a renderer starts them afresh.
    """

    def __init__(
        self,
        edition: Path | None = None,
        formats: tuple[str, ...] | None = None,
        output: Path = Path("build"),
        options: Options | None = None,
        progress: Callable[[str], None] | None = None,
    ) -> None:
        self.options = options or Options()
        self.progress = progress  # as build's: what each build is doing, as one line
        self.chosen = _check_request(
            default_formats() if formats is None else formats, self.options
        )
        self.edition = Path(edition) if edition is not None else find_default_edition()
        self.output = output
        self.jobs: dict[str, _Job] = {}
        self.images: set[Path] | None = None  # the files the last edition read names, if read

    def build(self) -> list[Output]:
        """Build every format once more; replace the outputs only if all succeed."""
        from dossier.load import load_edition
        from dossier.view import prepare

        said = _Progress(self.progress)
        with _deadline(self.options.timeout):
            for renderer in self.chosen:  # warm before the data are read, as build() does
                self._job(renderer)
            said.step("lecture de l'édition")
            model = load_edition(self.edition)
            base = self.edition if self.edition.is_dir() else self.edition.parent
            view = prepare(model, base, draft=self.options.draft)
            pictures = [picture.path for picture in view.pictures()]  # a walk of the whole view
            self.images = set(pictures)
            targets = [r.target(self.output, model.slug) for r in self.chosen]
            _refuse_inputs(targets, base, view, pictures)
            _make_output(self.output)
            jobs = [self._job(renderer) for renderer in self.chosen]
            done = False
            try:
                for job in jobs:
                    job.seconds, job.peak, job.detail = 0.0, 0, ""
                    variant = self.options.variants.get(job.name, job.renderer.default_variant)
                    job.send(view, base, job.renderer.target(self.output, model.slug), variant)
                    said.start(job.name)
                deadline = time.perf_counter() + self.options.timeout
                _watch(jobs, self.options, deadline, done=_place_now, said=said)
                _finish(jobs, self.options, deadline, said)
                _replace_all([(j.temporary, j.target) for j in jobs if j.temporary])  # type: ignore[misc]
                done = True
            finally:
                for job in jobs:
                    if not done:
                        job.discard()
                    job.temporary = None
                if not done:
                    self.close()  # cut short: a renderer may be halfway through its protocol
        return _outputs(jobs)

    def _job(self, renderer: Renderer) -> _Job:
        job = self.jobs.get(renderer.name)
        if job is None or not job.process.is_alive():
            if job is not None:
                job.stop()
            listened = self.progress is not None
            job = self.jobs[renderer.name] = _Job.start(renderer, True, listened)
        return job

    def close(self) -> None:
        """Stop the renderers; nothing of theirs is left behind."""
        for job in self.jobs.values():
            job.stop()
            job.discard()
        self.jobs.clear()


class _Progress:
    """What a build is doing, as one line: its own step, then each format's latest news."""

    def __init__(self, tell: Callable[[str], None] | None) -> None:
        self.tell = tell
        self.news: dict[str, str] = {}  # by format, in the order they started

    def step(self, what: str) -> None:
        """Say what the build itself is doing: « lecture de l'édition »."""
        if self.tell is not None:
            self.tell(what)

    def start(self, name: str) -> None:
        self.said(name, f"{name.upper()} en cours")

    def done(self, name: str) -> None:
        self.said(name, f"{name.upper()} fait")

    def said(self, name: str, what: str) -> None:
        """Take what a format says of its work: « écriture du PDF »."""
        if self.tell is not None and self.news.get(name) != what:
            self.news[name] = what
            self.tell(" ; ".join(self.news.values()))


class _Expired(BaseException):
    """The build's time is up. Not an Exception: a handler of the file's own faults on the way
    (Pillow's broken image, for one) must not take the clock for a damaged file."""


@contextlib.contextmanager
def _deadline(seconds: float) -> Iterator[None]:
    """Stop the whole build, loading and typesetting included, after its time.

    The renderers' own clock watches them; this one watches this process, where the data are
    read and set. Only the main thread can take a signal: elsewhere, the renderers' clock alone.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(number: int, frame: object) -> None:
        raise _Expired

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds + 1)  # after the renderers' own, if theirs fires
    try:
        yield
    except _Expired:
        raise RenderError(
            f"le travail dépasse {seconds:g} s et a été arrêté ; si l'édition est vraiment si "
            "grande, relancez avec --timeout SECONDES"
        ) from None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _refuse_inputs(
    targets: list[Path], base: Path, view: Any, pictures: list[Path] | None = None
) -> None:
    """Refuse outputs that are, hold or lie in what the build reads: the edition, the project's
    templates and fonts, a picture or a logo from elsewhere."""
    from dossier.paths import refuse_overwriting, refuse_special
    from dossier.theme import FONTS, TEMPLATES, load_theme

    for target in targets:  # a folder where a file goes is the renderer's to refuse
        refuse_special(target, folder_allowed=True)

    logo = load_theme(over=view.theme).logo
    if pictures is None:
        pictures = [picture.path for picture in view.pictures()]
    files = pictures + ([logo.path()] if logo else [])
    folders = [
        (base, "le dossier de l'édition"),
        (TEMPLATES, "les modèles de dossier (templates/)"),
        (FONTS, "les polices de dossier (fonts/)"),
    ]
    refuse_overwriting(targets, files, folders)


def _make_output(output: Path) -> None:
    try:
        output.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise PlaceError(output, "le dossier de sortie ne peut pas être créé", error) from None


def check(edition: Path | None = None, quiet: bool = False) -> Path:
    """Check an edition as a build would, without rendering; return its folder.

    quiet: its warnings are not said (a draft of the file, checked before it is written).
    """
    from dossier.load import load_edition, read_edition
    from dossier.theme import load_theme
    from dossier.view import prepare

    folder = Path(edition) if edition is not None else find_default_edition()
    model = read_edition(folder)[0] if quiet else load_edition(folder)
    view = prepare(model, folder if folder.is_dir() else folder.parent)
    load_theme(over=view.theme).check_glyphs(view.strings())
    return folder


def _finish(
    jobs: list[_Job], options: Options, deadline: float, said: _Progress | None = None
) -> None:
    """Give each renderer that completes its output the run's other files, now all rendered."""
    finishing = [job for job in jobs if job.renderer.finish]
    if not finishing:
        return
    files = {}
    for job in jobs:
        if job.renderer.writes == "file" and job.target:
            # complete beside its target, or already in its place (a session puts it there)
            files[job.name] = Finished(job.temporary or job.target, job.target.name)
    for job in finishing:
        job.connection.send({name: f for name, f in files.items() if name != job.name})
    _watch(finishing, options, deadline, said=said)


def _check_request(formats: tuple[str, ...], options: Options) -> list[Renderer]:
    """Return the renderers of the asked formats, once each; refuse what cannot be built."""
    names = tuple(dict.fromkeys(formats))  # --format pdf,pdf renders once
    unknown = [name for name in names if name not in RENDERERS]
    if unknown:
        raise DossierError(
            f"format inconnu : {', '.join(unknown)} ; formats possibles : {', '.join(RENDERERS)}"
        )
    for name, variant in options.variants.items():
        renderer = RENDERERS.get(name)
        if renderer is None or variant not in renderer.variant_names:
            possible = ", ".join(renderer.variant_names) if renderer else "aucune"
            raise DossierError(
                f"variante {name.upper()} inconnue : {variant} ; possibles : {possible}"
            )
    missing = [name for name in names if not RENDERERS[name].available]
    if missing:
        available = [name for name, renderer in RENDERERS.items() if renderer.available]
        raise RenderError(
            f"cette version ne sait pas encore produire : {', '.join(missing)} "
            f"(disponibles : {', '.join(available) or 'aucun'})"
        )
    return [RENDERERS[name] for name in names]


# What the system answers when a process or a file more is past its limits.
_LIMITS = {errno.EMFILE, errno.ENFILE, errno.EAGAIN, errno.ENOMEM}


@dataclass
class _Job:
    """One format rendering in a child process into a temporary file or folder beside its target."""

    renderer: Renderer
    process: BaseProcess
    connection: Connection
    started: float
    scratch: Path  # the child's temporary directory: WeasyPrint's fonts go there, and go
    target: Path | None = None
    temporary: Path | None = None
    seconds: float = 0.0
    peak: int = 0
    detail: str = ""

    @property
    def name(self) -> str:
        """Return the format's name."""
        return self.renderer.name

    @classmethod
    def start(cls, renderer: Renderer, persistent: bool = False, listened: bool = False) -> _Job:
        """Start the renderer's process; listened: it tells the build what it is doing."""
        scratch = Path(tempfile.mkdtemp(prefix=f"dossier-{renderer.name}-"))
        ends: list[Connection] = []
        try:
            parent_end, child_end = multiprocessing.Pipe()
            ends += [parent_end, child_end]
            # fork: the child shares what is already imported and starts at once
            context = multiprocessing.get_context("fork")
            process = context.Process(
                target=_render_in_child,
                args=(renderer, child_end, scratch, persistent, listened),
                name=f"dossier-{renderer.name}",
                daemon=True,
            )
            process.start()
        except OSError as error:
            for end in ends:
                end.close()
            shutil.rmtree(scratch, ignore_errors=True)
            if error.errno in _LIMITS:
                raise RenderError(
                    f"{renderer.name.upper()} : le système refuse un processus de plus "
                    f"({os_reason(error)}) ; relevez la limite (ulimit -n, ulimit -u) ou "
                    "fermez des programmes"
                ) from None
            raise
        child_end.close()
        _PIPES.append(parent_end)
        return cls(renderer, process, parent_end, time.perf_counter(), scratch)

    def send(self, view: Edition, folder: Path, target: Path, variant: str | None) -> None:
        if self.renderer.writes == "file" and target.is_dir() and not target.is_symlink():
            raise DossierError(
                f"{display_path(target)} est un dossier : le {self.name.upper()} ne peut pas "
                "prendre sa place ; renommez ce dossier ou choisissez une autre sortie (--output)"
            )
        # Beside the target, so that the final rename stays on one filesystem.
        prefix, beside = f".{target.name}.", target.parent
        try:
            if self.renderer.writes == "folder":
                self.temporary = Path(tempfile.mkdtemp(suffix=".tmp", prefix=prefix, dir=beside))
            else:
                descriptor, temporary = tempfile.mkstemp(suffix=".tmp", prefix=prefix, dir=beside)
                os.close(descriptor)
                self.temporary = Path(temporary)
        except OSError as error:
            raise PlaceError(beside, "rien ne peut y être écrit", error) from None
        self.target = target
        self.connection.send((view, folder, self.temporary, variant))

    def stop(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join()
        if self.connection in _PIPES:
            _PIPES.remove(self.connection)
        self.connection.close()
        shutil.rmtree(self.scratch, ignore_errors=True)

    def discard(self) -> None:
        """Remove the temporary output, if it is still there."""
        if self.temporary is not None:
            with contextlib.suppress(OSError):
                _remove(self.temporary)
            self.temporary = None


def _replace_all(pairs: list[tuple[Path, Path]]) -> None:
    """Put every new output in its target's place, or none: on any failure, the old ones stay.

    A file is replaced in one rename (a reader sees the old file or the new one), its old
    version kept as a hard link until all are in. A folder cannot replace another in one
    rename: the old one is renamed aside, the new one in. If any step fails, what was put in
    place goes and what was aside comes back.
    """
    kept: list[tuple[Path, Path]] = []  # (target, the old version aside)
    placed: list[Path] = []
    try:
        for new, target in pairs:
            if target.exists() or target.is_symlink():
                aside = target.with_name(f".{target.name}.{uuid.uuid4().hex[:8]}.old")
                if new.is_dir() or (target.is_dir() and not target.is_symlink()):
                    os.rename(target, aside)  # a folder, or what a folder takes the place of
                else:
                    os.link(target, aside, follow_symlinks=False)  # the file stays in place
                kept.append((target, aside))
        for new, target in pairs:
            if new.is_dir():
                os.rename(new, target)
            else:
                os.replace(new, target)
            placed.append(target)
    except OSError as error:
        _restore(placed, kept, [new for new, _ in pairs])
        place = error.filename or pairs[0][1]
        raise PlaceError(
            Path(place),
            "les sorties n'ont pas pu être mises en place ; les anciennes restent",
            error,
        ) from None
    for _, aside in kept:
        try:
            _remove(aside)
        except OSError as error:  # the new outputs are in place: a leftover is no failure
            log.warning("%s : ancienne version non supprimée (%s)", aside, os_reason(error))


def _restore(placed: list[Path], kept: list[tuple[Path, Path]], news: list[Path]) -> None:
    """Undo a replacement that failed halfway: old outputs back, new ones gone."""
    old = dict(kept)
    for target in placed:
        aside = old.pop(target, None)
        if target.is_dir() and not target.is_symlink():
            with contextlib.suppress(OSError):
                shutil.rmtree(target)
            if aside is not None:
                with contextlib.suppress(OSError):
                    os.rename(aside, target)
        elif aside is not None:
            with contextlib.suppress(OSError):
                os.replace(aside, target)
        else:
            with contextlib.suppress(OSError):
                target.unlink()
    for target, aside in old.items():  # never replaced: what was renamed aside comes back
        if not target.exists() and not target.is_symlink():
            with contextlib.suppress(OSError):
                os.rename(aside, target)
        else:  # a hard link beside a file still in place
            with contextlib.suppress(OSError):
                aside.unlink()


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink(missing_ok=True)


def _size(path: Path) -> int:
    if path.is_dir():
        return sum(file.stat().st_size for file in path.rglob("*") if file.is_file())
    return path.stat().st_size


def _settle(path: Path) -> None:
    """Flush a finished output to the disk, with an ordinary output's permissions."""
    if path.is_dir():
        path.chmod(0o755)  # mkdtemp made it private
        entries = [*path.rglob("*"), path]
    else:
        path.chmod(0o644)  # mkstemp made it private
        entries = [path]
    # every file and every folder that names one, before a rename makes them the output
    for entry in entries:
        if entry.is_symlink():
            continue
        descriptor = os.open(entry, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


def _resident_kib(pid: int) -> int | None:
    """Return a process's resident memory, or None where /proc cannot tell."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    for line in status.splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return None  # a process that has exited and not yet been reaped has no VmRSS


def _warn_without_proc() -> None:
    # This process's own entry tells whether /proc exists at all: a child's may be gone already.
    if _resident_kib(os.getpid()) is None:
        log.warning("--max-memory n'est pas appliqué : /proc est absent sur cette machine")


def _watch(
    jobs: list[_Job],
    options: Options,
    deadline: float,
    done: Callable[[_Job], None] | None = None,
    said: _Progress | None = None,
) -> None:
    """Wait for every job; stop them all at the first failure, timeout or memory overrun.

    done: called with each job as soon as its output is complete; said: told what each says.
    """
    limit = options.max_memory * 1024
    pending = list(jobs)
    while pending:
        for job in list(pending):
            job.peak = max(job.peak, _resident_kib(job.process.pid or 0) or 0)
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
                if kind == "progress":  # what it is doing; the rest is to come
                    if said is not None:
                        said.said(job.name, detail)
                    continue
                job.seconds, job.peak = job.seconds + seconds, max(job.peak, peak)
                if kind in ("ok", "rendered"):
                    job.detail = detail or job.detail
                    pending.remove(job)
                    if said is not None:
                        said.done(job.name)
                    if kind == "ok" and done is not None:
                        done(job)
                elif kind == "error":
                    raise RenderError(detail or f"{job.name.upper()} : échec sans message")
                else:
                    raise RuntimeError(f"the {job.name} renderer failed:\n{detail}")
        if pending and time.perf_counter() > deadline:
            raise RenderError(
                f"le rendu dépasse {options.timeout:g} s et a été arrêté ; si l'édition est "
                "vraiment si grande, relancez avec --timeout SECONDES"
            )
        if pending:  # wake at once when a renderer answers, else look at memory again soon
            wait([job.connection for job in pending], timeout=POLL_SECONDS)


def _render_in_child(
    renderer: Renderer,
    connection: Connection,
    scratch: Path,
    persistent: bool = False,
    listened: bool = False,
) -> None:
    _become_child(scratch)
    will_render_again(persistent)  # a build's renderer keeps nothing for a next job
    if persistent and not renderer.awaited:
        # A watch: after a save, the PDF is what the user waits for. Three renderers on two
        # cores shared alike made it wait for the DOCX and the web edition's share.
        with contextlib.suppress(OSError):
            os.nice(_YIELDING)
    if listened:  # what the renderer says of its work goes to the build, between its results
        listen(lambda what: connection.send(("progress", what, 0.0, 0)))
    # Importing the renderer's module is its warm-up, done while the parent loads the data. Its
    # failure (a system library missing, for one) is told once the job arrives, as a render's.
    try:
        entry: Entry | BaseException = renderer.entry()
        finish = renderer.finisher()
    except BaseException as error:
        entry, finish = error, None
    while True:  # one job, or, for a session, one after another until the parent closes
        try:
            view, folder, temporary, variant = connection.recv()
        except EOFError:  # the parent stopped: bad data, most likely, or the session's end
            return
        message = _render_one(
            renderer, entry, finish, connection, (view, folder, temporary, variant)
        )
        if message is None:
            return
        connection.send(message)
        if not persistent:
            connection.close()
            return


def _render_one(
    renderer: Renderer,
    entry: Entry | BaseException,
    finish: Finish | None,
    connection: Connection,
    job: tuple[Edition, Path, Path, str | None],
) -> tuple[str, str, float, int] | None:
    """Render one job; return the message for the parent, or None when it is gone."""
    view, folder, temporary, variant = job
    started = time.perf_counter()
    try:
        if isinstance(entry, BaseException):
            raise entry
        said = entry(view, folder, temporary, variant)
        if finish is not None:
            # Rendered; the other formats' files come once every one has rendered too.
            connection.send(("rendered", said or "", time.perf_counter() - started, _peak()))
            try:
                others = connection.recv()
            except EOFError:  # another format failed: the parent stops without them
                return None
            started = time.perf_counter()
            finish(view, folder, temporary, others)
        _settle(temporary)
        return ("ok", said or "", time.perf_counter() - started, _peak())
    except DossierError as error:
        return ("error", str(error) or f"{renderer.name.upper()} : échec", 0.0, 0)
    except OSError as error:
        if error.errno in _DISK_ERRORS or _within(error.filename, temporary):
            where = display_path(temporary.parent)  # the user's disk, not the program
            text = (
                f"{renderer.name.upper()} : écriture impossible dans {where} ({os_reason(error)})"
            )
            return ("error", text, 0.0, 0)
        return ("bug", traceback.format_exc(), 0.0, 0)
    except BaseException:  # a bug: its traceback goes to the parent, which raises it
        return ("bug", traceback.format_exc(), 0.0, 0)


def _become_child(scratch: Path) -> None:
    """Set a renderer's process apart: its own pipe only, no terminal signals, its own temp."""
    for inherited in _PIPES:  # the other renderers' pipes, copied by fork
        inherited.close()
    # Ctrl-C and a closed terminal reach the whole process group: the parent stops the children
    # itself, and a child must not print a traceback of its own.
    for number in (signal.SIGINT, signal.SIGHUP, signal.SIGQUIT):  # what a terminal sends
        signal.signal(number, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _die_with_parent()
    # WeasyPrint writes fonts into a temporary folder it never removes (a child ends with
    # os._exit): in the scratch folder, the parent removes them.
    tempfile.tempdir = str(scratch)
    os.environ["TMPDIR"] = str(scratch)


def _die_with_parent() -> None:
    """Ask Linux to end this process when its parent ends, however the parent ends."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, signal.SIGKILL)
    except (OSError, AttributeError):  # not Linux: the pipe's end still stops the child
        pass


def _within(filename: object, folder: Path) -> bool:
    if not isinstance(filename, str | os.PathLike):
        return False
    try:
        return Path(filename).resolve().is_relative_to(folder.resolve())
    except (OSError, RuntimeError):
        return False


def _peak() -> int:
    return _resident_kib(os.getpid()) or 0
