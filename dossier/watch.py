"""`dossier watch`: build an edition, then build it again at every save of its data.

The renderers stay alive between builds (build.Session): the PDF lays out again only the parts
an edit changed. A save that breaks the data prints the problems, located, and the last good
outputs stay in place; the next good save builds again. With --serve, the build folder is
served on 127.0.0.1 and the web edition, shown in a page that reloads it after each build.
"""

from __future__ import annotations

import datetime as dt
import html
import http.server
import json
import logging
import os
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import watchfiles

from dossier.build import Options, Output, Session
from dossier.errors import DataError, DossierError, display_path

log = logging.getLogger("dossier")

# A save often comes in a few writes (a truncation, then the text): changes are gathered until
# none has come for this long, then built. Short, for the edit to show at once: an editor's
# writes of one save come within a millisecond or two, and a rename is one event. (50 ms, as it
# was, took the save 0.06 s to be noticed, sometimes 0.10 s; 10 ms takes it 0.01–0.02 s.)
SETTLE_MS = 10
# However long changes keep coming (a checkout, a copy of many images), a build starts after
# this long: the outputs follow, if a little behind.
GATHER_MS = 400
# Names that editors and the program itself write beside the files: never a reason to build.
_SCRATCH = (".", "~", ".swp", ".swx", ".tmp", ".old", "4913", ".part", ".crdownload")


@dataclass
class Watched:
    """What a watch looks at: the edition's data file, wherever it lies, and its images."""

    folder: Path
    data: Path
    output: Path
    session: Session

    def paths(self) -> list[Path]:
        """Return the folders to watch: the edition's, and the one its data file links into."""
        found = [self.folder.absolute()]
        real = self.data.resolve().parent
        if not real.is_relative_to(self.folder.resolve()):
            found.append(real)
        return found

    def matters(self, change: watchfiles.Change, path: str) -> bool:
        """Tell whether a changed file is one the press kit is made from."""
        changed = Path(path)
        if changed.is_dir():
            return False  # a folder's own time changes with what it holds
        if changed == self.data.absolute() or changed == self.data.resolve():
            return True  # saved in place, or a new file put in its place
        if changed.name.startswith(".") or changed.name.endswith(_SCRATCH):
            return False  # an editor's or the program's scratch file
        resolved = changed.resolve()
        if resolved.is_relative_to(self.output.resolve()):
            return False  # the outputs being written
        images = self.session.images
        if images is None:  # the data never loaded yet: any file may be the one they need
            return resolved.is_relative_to(self.folder.resolve())
        return resolved in {image.resolve() for image in images}


def watch(
    edition: Path | None,
    formats: tuple[str, ...] | None,
    output: Path,
    options: Options,
    tell: Callable[[str], None],
    serve: int | None = None,
    stop: threading.Event | None = None,
    progress: Callable[[str], None] | None = None,
) -> None:
    """Build, then build again after every save, until stopped (Ctrl-C, or stop is set).

    tell: what prints a line of the watch's progress (the command line's terminal);
    progress: told what each build is doing while it works, as build() tells it.
    """
    from dossier.load import find_edition_file

    session = Session(edition, formats, output, options, progress)
    data = find_edition_file(session.edition)
    folder = session.edition if session.edition.is_dir() else session.edition.parent
    watched = Watched(folder, data, output, session)
    preview: Preview | None = None
    say = _Sayer(tell)
    try:
        if serve is not None:
            preview = Preview(output, serve)
            say(f"aperçu : {preview.url} (l'édition web s'y recharge à chaque construction)")
        say(
            f"dossier watch : {display_path(folder)} → {display_path(output)} ; Ctrl-C pour arrêter"
        )
        first = True
        # The watcher starts before the first build: a save during it is not lost. Every
        # quarter of a second without a change, an empty set comes, and nothing is done.
        for changes in watchfiles.watch(
            *watched.paths(),
            watch_filter=watched.matters,
            debounce=GATHER_MS,
            step=SETTLE_MS,
            stop_event=stop,
            rust_timeout=250,
            yield_on_timeout=True,
            raise_interrupt=True,
        ):
            if first:
                first = False
                _build_once(session, say, preview, "première construction")
            elif changes:
                names = sorted({_shown(Path(path), folder) for _, path in changes})
                _build_once(session, say, preview, ", ".join(names) + " modifié")
    finally:
        session.close()
        if preview is not None:
            preview.close()


def _build_once(session: Session, say: _Sayer, preview: Preview | None, why: str) -> None:
    started = time.perf_counter()
    try:
        outputs = session.build()
    except DataError as error:
        say(f"{why} : l'édition a des erreurs ; les fichiers d'avant restent en place")
        for line in error.lines():
            say("  " + line)
        if preview is not None:
            preview.failed(list(error.lines()))
        return
    except DossierError as error:
        say(f"{why} : {error} ; les fichiers d'avant restent en place")
        if preview is not None:
            preview.failed(list(error.lines()))
        return
    seconds = time.perf_counter() - started
    say(f"{why} → {_summary(outputs)} ; en tout {_seconds(seconds)}")
    if preview is not None:
        preview.rebuilt(outputs)


def _summary(outputs: Iterable[Output]) -> str:
    parts = []
    for output in outputs:
        detail = f", {output.detail}" if output.detail else ""
        parts.append(f"{output.format.upper()} {_seconds(output.seconds)}{detail}")
    return " ; ".join(parts)


def _seconds(value: float) -> str:
    return f"{value:.2f}".replace(".", ",") + " s"


def _shown(path: Path, folder: Path) -> str:
    try:
        return path.relative_to(folder).as_posix()
    except ValueError:
        return display_path(path)


class _Sayer:
    """Tell one line of the watch, with the time it happened."""

    def __init__(self, tell: Callable[[str], None]) -> None:
        self.tell = tell

    def __call__(self, line: str) -> None:
        self.tell(f"[{dt.datetime.now():%H:%M:%S}] {line}")


# --- The preview ------------------------------------------------------------------------------

_PAGE = """<!DOCTYPE html>
<html lang="fr">
<head>
<meta charset="utf-8">
<title>Aperçu — dossier watch</title>
<style>
  html, body {{ margin: 0; height: 100%; }}
  iframe {{ border: 0; width: 100%; height: 100%; display: block; }}
  p {{ font: 1rem sans-serif; padding: 1rem; }}
  .errors {{ font: 0.95rem sans-serif; background: #fee; color: #600; border-bottom: 3px solid #c00;
            padding: 0.5rem 1rem; margin: 0; max-height: 40vh; overflow: auto; }}
  .errors pre {{ white-space: pre-wrap; margin: 0.25rem 0; }}
  body.failing iframe {{ height: calc(100% - 6rem); }}
</style>
</head>
<body{failing}>
{errors}
{body}
<script>
  // Built again: the page reloads, where the reader was; an error said, or mended, shows.
  const frame = document.querySelector("iframe");
  const shown = {shown};
  new EventSource("/.dossier/events").onmessage = (event) => {{
    const failing = JSON.parse(event.data).failing;
    if (frame && !failing && !shown) frame.contentWindow.location.reload();
    else location.reload();
  }};
</script>
</body>
</html>
"""


class Preview:
    """The build folder served on 127.0.0.1, and a page that reloads the web edition."""

    def __init__(self, folder: Path, port: int) -> None:
        self.folder = folder
        self.generation = 0
        self.changed = threading.Condition()
        self.web: str | None = None  # the web edition's page, relative to the folder
        self.closing = False
        self.problems: list[str] = []  # the last build's errors, shown above the page
        handler = _handler(self)
        try:
            self.server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
        except OSError as error:
            raise DossierError(
                f"aperçu : le port {port} de 127.0.0.1 n'est pas libre ({error.strerror}) ; "
                "choisissez-en un autre : --serve PORT"
            ) from None
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}/"

    def rebuilt(self, outputs: Iterable[Output]) -> None:
        """Tell the open pages that the outputs changed."""
        for output in outputs:
            if output.format == "html":
                self.web = f"{output.path.name}/index.html"
        with self.changed:
            self.problems = []
            self.generation += 1
            self.changed.notify_all()

    def failed(self, problems: list[str]) -> None:
        """Show the open pages why the last save did not build, above the last good build."""
        with self.changed:
            self.problems = problems
            self.generation += 1
            self.changed.notify_all()

    def page(self) -> bytes:
        if self.web is None:
            body = "<p>Pas d'édition web dans cette construction : ajoutez html à --format.</p>"
        else:
            body = f'<iframe src="/build/{quote(self.web)}" title="Édition web"></iframe>'
        errors = ""
        if self.problems:
            said = "".join(f"<pre>{html.escape(line)}</pre>" for line in self.problems)
            errors = (
                '<div class="errors" role="alert"><strong>La dernière sauvegarde ne se construit '
                "pas ; l'aperçu montre la construction d'avant :</strong>" + said + "</div>"
            )
        return _PAGE.format(
            body=body,
            errors=errors,
            failing=' class="failing"' if self.problems else "",
            shown="true" if self.problems else "false",
        ).encode()

    def wait(self, seen: int, timeout: float) -> int:
        with self.changed:
            self.changed.wait_for(lambda: self.generation != seen or self.closing, timeout)
            return self.generation

    def close(self) -> None:
        with self.changed:
            self.closing = True
            self.changed.notify_all()
        self.server.shutdown()
        self.server.server_close()


def _handler(preview: Preview) -> Callable[..., http.server.BaseHTTPRequestHandler]:
    folder = str(preview.folder.resolve())

    class Handler(http.server.SimpleHTTPRequestHandler):
        """The page, its events, and the build folder under /build/, nothing else."""

        def __init__(self, *args: object, **kwargs: object) -> None:
            super().__init__(*args, directory=folder, **kwargs)  # type: ignore[arg-type]

        def _local(self) -> bool:
            """Answer only a page of this machine: a Host of another name is DNS rebinding."""
            host = (self.headers.get("Host") or "").strip().lower()
            name = host.rsplit("]", 1)[0].lstrip("[") if host.startswith("[") else host
            name = name.split(":", 1)[0] if not host.startswith("[") else name
            if name in ("127.0.0.1", "localhost", "::1"):
                return True
            self.send_error(403, "hôte refusé : l'aperçu ne répond qu'à 127.0.0.1 et localhost")
            return False

        def send_head(self):
            """Serve regular files of the build folder only: no listing, no link out of it."""
            path = self.translate_path(self.path)
            real = os.path.realpath(path)
            if real != folder and not real.startswith(folder + os.sep):
                self.send_error(404, "introuvable")
                return None
            if os.path.isdir(real):
                parts = urllib.parse.urlsplit(self.path)
                if not parts.path.endswith("/"):  # /build/slug → /build/slug/, as a browser wants
                    self.send_response(301)
                    self.send_header("Location", f"/build{parts.path}/")
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return None
                real = os.path.join(real, "index.html")
                self.path = parts.path + "index.html"
            if not os.path.isfile(real) or os.path.islink(self.translate_path(self.path)):
                self.send_error(404, "introuvable")
                return None
            return super().send_head()

        def do_GET(self) -> None:
            if not self._local():
                return
            if self.path in ("/", "/index.html"):
                self._send(preview.page(), "text/html; charset=utf-8")
            elif self.path == "/.dossier/events":
                self._events()
            elif self.path.startswith("/build/"):
                self.path = self.path[len("/build") :]
                super().do_GET()
            else:
                self.send_error(404, "introuvable")

        def do_HEAD(self) -> None:
            if not self._local():
                return
            if self.path.startswith("/build/"):
                self.path = self.path[len("/build") :]
                super().do_HEAD()
            else:
                self.send_error(404, "introuvable")

        def _send(self, body: bytes, kind: str) -> None:
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _events(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.end_headers()
            seen = preview.generation
            try:
                while not preview.closing:
                    now = preview.wait(seen, timeout=15)
                    if preview.closing:
                        return
                    if now != seen:
                        seen = now
                        said = {"generation": now, "failing": bool(preview.problems)}
                        self.wfile.write(f"data: {json.dumps(said)}\n\n".encode())
                    else:
                        self.wfile.write(
                            ": toujours là\n\n".encode()
                        )  # keeps proxies from closing it
                    self.wfile.flush()
            except OSError:  # the page was closed
                return

        def end_headers(self) -> None:
            self.send_header("Cache-Control", "no-store")  # always the last build
            super().end_headers()

        def log_message(self, format: str, *args: object) -> None:
            log.debug("aperçu : " + format, *args)

    return Handler
