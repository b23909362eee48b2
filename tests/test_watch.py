"""`dossier watch`: after each save, the outputs a fresh `dossier build` of the same data gives.

One watch runs through a series of edits — a word, events enough for the programme to gain a
page, a section removed, an image replaced, and a save that breaks the data — and after each
one its PDF is read back and compared with a fresh build's: the text of every page, the
outline, the links, the page labels, the contents' numbers. Then another series, edits to one
section at a time while the watch replays the pages of the others without painting them
(dossier.render.pdf.painting): its PDF must be a fresh build's, object by object, the /ID and
the dates aside.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

from dossier.build import Options, build
from dossier.watch import watch
from tests.conftest import COMPLETE_EDITION, ROOT, SMALL_EDITION, require_tool
from tests.edits import children_of, is_zombie, new_image, remove_section, replace
from tests.layout import pdf_facts

SLUG = "semaine-donnee-2024"


class Running:
    """A watch in a thread of the test, and the lines it tells."""

    def __init__(self, folder: Path, output: Path, serve: int | None = None) -> None:
        self.lines: list[str] = []
        self.changed = threading.Condition()
        self.stop = threading.Event()
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, args=(folder, output, serve), daemon=True)
        self.thread.start()

    def _run(self, folder: Path, output: Path, serve: int | None) -> None:
        try:
            watch(folder, ("pdf", "docx", "html"), output, Options(), self._tell, serve, self.stop)
        except BaseException as error:  # the test says it
            self.error = error

    def _tell(self, line: str) -> None:
        with self.changed:
            self.lines.append(line)
            self.changed.notify_all()

    def wait_for(self, pattern: str, after: int = 0, timeout: float = 120) -> str:
        """Wait for a line matching pattern, among those told after the first `after`."""
        deadline = time.monotonic() + timeout
        with self.changed:
            while True:
                for line in self.lines[after:]:
                    if re.search(pattern, line):
                        return line
                left = deadline - time.monotonic()
                assert self.error is None, (self.error, self.lines)
                assert left > 0, self.lines
                self.changed.wait(min(left, 1))

    def close(self) -> None:
        self.stop.set()
        self.thread.join(30)
        assert not self.thread.is_alive()
        assert self.error is None, self.error


EVENT = """      - title: Atelier ajouté {n}
        organisers: Etalab
        date: 2024-02-28
        start: 14:00
        description: >-
          {text}
"""
LONG = " ".join(["Une description assez longue pour que le programme prenne de la place."] * 8)


def fresh_build(folder: Path, where: Path) -> Path:
    shutil.rmtree(where, ignore_errors=True)
    (output,) = build(folder, ("pdf",), where)
    return output.path


def test_each_save_gives_what_a_fresh_build_gives(tmp_path: Path) -> None:
    folder = tmp_path / "petite"
    shutil.copytree(SMALL_EDITION, folder)
    file = folder / "edition.yaml"
    output = tmp_path / "build"
    pdf = output / f"{SLUG}.pdf"
    running = Running(folder, output)
    try:
        running.wait_for("première construction →")
        first_pages = len(pdf_facts(pdf)["pages"])
        edits = [
            ("a word", lambda: replace(file, "Nous continuerons.", "Nous continuerons ensemble.")),
            (
                "events: the programme gains a page",
                lambda: replace(
                    file,
                    "    links:\n      - text: Tout le programme",
                    "".join(EVENT.format(n=n, text=LONG) for n in range(6))
                    + "    links:\n      - text: Tout le programme",
                ),
            ),
            ("a section removed", lambda: remove_section(file, "  - kind: edito\n")),
            ("an image replaced", lambda: new_image(folder / "images" / "portrait.png")),
        ]
        for name, edit in edits:
            told = len(running.lines)
            edit()
            line = running.wait_for(r"modifié → PDF", after=told)
            assert re.search(r"PDF \d+,\d\d s, ", line), line
            expected = pdf_facts(fresh_build(folder, tmp_path / "fresh"))
            assert pdf_facts(pdf) == expected, name
            if name == "a word":
                assert "1 partie sur 7 mise en page" in line, line
            if name.startswith("events"):
                assert len(expected["pages"]) > first_pages, "the edit was meant to add a page"
            if name == "an image replaced":
                assert "images/portrait.png modifié" in line, line

        # a save that breaks the data: said, located; the last good outputs stay as they were
        before = {p.name: p.read_bytes() for p in output.iterdir() if p.is_file()}
        told = len(running.lines)
        replace(file, "date: 2024-02-26", "date: 2024-02-30")
        running.wait_for("l'édition a des erreurs ; les fichiers d'avant restent", after=told)
        located = running.wait_for(r"edition\.yaml:\d+:\d+: .*2024-02-30", after=told)
        assert "sections[1].events[0].date" in located
        time.sleep(0.5)
        assert {p.name: p.read_bytes() for p in output.iterdir() if p.is_file()} == before
        assert not [p for p in output.iterdir() if p.name.endswith(".tmp")]

        # mended, it builds again
        told = len(running.lines)
        replace(file, "date: 2024-02-30", "date: 2024-02-26")
        running.wait_for("modifié → PDF", after=told)
        assert pdf_facts(pdf) == pdf_facts(fresh_build(folder, tmp_path / "fresh"))
    finally:
        running.close()


# What two builds of the same data differ by: the time they were made.
_DATE = re.compile(rb"D:\d{14}[^)]*|\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d")


def objects(pdf: Path) -> list[tuple[tuple[int, int], str, bytes]]:
    """Return every object of a PDF, streams decompressed, dates masked; the cross-reference
    stream (the trailer, its /ID) left out: what a fresh build must give, object by object."""
    import pikepdf

    found = []
    with pikepdf.open(pdf) as document:
        for item in document.objects:
            if isinstance(item, pikepdf.Stream) and item.get("/Type") == "/XRef":
                continue  # the cross-reference stream: offsets, the /ID, and the Info's date
            if isinstance(item, pikepdf.Stream):
                try:
                    data = item.read_bytes(pikepdf.StreamDecodeLevel.generalized)
                except pikepdf.PdfError:  # a JPEG, as it came
                    data = item.read_raw_bytes()
                header = {k: v for k, v in item.stream_dict.items() if k not in ("/Length",)}
                found.append((item.objgen, repr(header), _DATE.sub(b"<date>", data)))
            else:
                text = item.unparse() if isinstance(item, pikepdf.Object) else repr(item)
                found.append((item.objgen, "", _DATE.sub(b"<date>", bytes(text))))
    return found


INTRO = "    intro: L'Agence accompagne les collectivités dans leurs projets."
LONGER = " Elle accompagne les collectivités." * 120


def test_edits_to_one_section_replay_the_others_into_a_fresh_builds_pdf(tmp_path: Path) -> None:
    folder = tmp_path / "complete"
    shutil.copytree(COMPLETE_EDITION, folder)
    file = folder / "edition.yaml"
    output = tmp_path / "build"
    running = Running(folder, output)
    try:
        running.wait_for("première construction →")
        (pdf,) = output.glob("*.pdf")
        pages = 0
        edits = [
            ("a word", "Je remercie chaleureusement", "Je remercie très chaleureusement"),
            ("a word again", "Je remercie très chaleureusement", "Je remercie chaleureusement"),
            ("an event's time", "start: 14:00", "start: 14:30"),
            ("a heading", "heading: Les chiffres clés", "heading: Les chiffres clés de 2025"),
            ("another word", "Je remercie chaleureusement", "Je remercie vivement"),
            # a page more near the end: every footer changes, the pages before are replayed
            ("pages more", INTRO, INTRO.replace("intro: ", "intro: >-\n      ") + LONGER),
        ]
        for name, old, new in edits:
            told = len(running.lines)
            replace(file, old, new)
            line = running.wait_for(r"modifié → PDF", after=told)
            said = re.search(r"(\d+) pages? sur (\d+) reprises? tel", line)
            assert said, (name, line)
            if name == "pages more":
                assert int(said[2]) > pages, "the edit was meant to add a page"
                assert int(said[1]) > pages // 2, "the pages before, replayed"
            pages = int(said[2])
            assert objects(pdf) == objects(fresh_build(folder, tmp_path / "fresh")), name
    finally:
        running.close()


def test_a_save_during_a_build_is_not_lost(tmp_path: Path) -> None:
    folder = tmp_path / "petite"
    shutil.copytree(SMALL_EDITION, folder)
    output = tmp_path / "build"
    running = Running(folder, output)
    try:
        running.wait_for("dossier watch :")
        # saved while the first build runs: it is built next
        replace(folder / "edition.yaml", "Nous continuerons.", "Nous continuerons, promis.")
        running.wait_for("première construction →")
        deadline = time.monotonic() + 120
        while "promis" not in _text(output / f"{SLUG}.pdf"):
            assert time.monotonic() < deadline, running.lines
            time.sleep(0.5)
    finally:
        running.close()


def test_the_preview_serves_the_build_and_tells_the_page_to_reload(tmp_path: Path) -> None:
    folder = tmp_path / "petite"
    shutil.copytree(SMALL_EDITION, folder)
    output = tmp_path / "build"
    running = Running(folder, output, serve=0)  # any free port
    try:
        url = running.wait_for(r"aperçu : http://127\.0\.0\.1:\d+/").split("aperçu : ")[1]
        url = url.split(" ")[0]
        running.wait_for("première construction →")
        page = urllib.request.urlopen(url, timeout=10).read().decode()
        assert f'src="/build/{SLUG}/index.html"' in page
        web = urllib.request.urlopen(f"{url}build/{SLUG}/index.html", timeout=10).read().decode()
        assert "Semaine de la donnée ouverte" in web
        for escape in ("build/../../", "build/%2e%2e/%2e%2e/", "../"):
            assert b"root:" not in _get(f"{url}{escape}etc/passwd")
        _the_preview_keeps_to_this_machine_and_its_folder(url, output)

        events = urllib.request.urlopen(f"{url}.dossier/events", timeout=60)
        told = len(running.lines)
        replace(folder / "edition.yaml", "Nous continuerons.", "Nous continuerons ensemble.")
        running.wait_for("modifié →", after=told)
        line = events.readline()
        while not line.startswith(b"data:"):
            line = events.readline()
        said = json.loads(line[len(b"data:") :])
        assert said["generation"] >= 1
        assert said["failing"] is False
        # a save with an error: the preview says it above the last good build
        told = len(running.lines)
        replace(
            folder / "edition.yaml",
            "          - Nous continuerons ensemble.",
            "\t  - Nous continuerons ensemble.",
        )
        running.wait_for("l'édition a des erreurs", after=told)
        line = events.readline()
        while not line.startswith(b"data:"):
            line = events.readline()
        assert json.loads(line[len(b"data:") :])["failing"] is True
        page = urllib.request.urlopen(url, timeout=10).read().decode()
        assert "La dernière sauvegarde ne se construit pas" in page
        assert "tabulation interdite en YAML" in page
        assert f'src="/build/{SLUG}/index.html"' in page  # the last good build, still there
        events.close()
    finally:
        running.close()


def _the_preview_keeps_to_this_machine_and_its_folder(url: str, output: Path) -> None:
    """Another Host (a page of another site, through DNS rebinding) is refused; a link out of
    the build folder is not followed; /build/<slug> leads to the page."""
    import http.client

    address = urllib.parse.urlsplit(url)

    def ask(path: str, host: str) -> http.client.HTTPResponse:
        connection = http.client.HTTPConnection(address.hostname, address.port, timeout=10)
        connection.request("GET", path, headers={"Host": host})
        return connection.getresponse()

    refused = ask(f"/build/{SLUG}/index.html", "attaquant.example:80")
    assert refused.status == 403
    assert "Semaine de la donnée" not in refused.read().decode(errors="replace")
    for host in (f"127.0.0.1:{address.port}", f"localhost:{address.port}", f"[::1]:{address.port}"):
        assert ask(f"/build/{SLUG}/index.html", host).status == 200, host
    (output / "passwd").symlink_to("/etc/passwd")
    leaked = ask("/build/passwd", f"127.0.0.1:{address.port}")
    assert leaked.status == 404
    assert b"root:" not in leaked.read()
    moved = ask(f"/build/{SLUG}", f"127.0.0.1:{address.port}")
    assert (moved.status, moved.getheader("Location")) == (301, f"/build/{SLUG}/")
    assert ask(f"/build/{SLUG}/", f"127.0.0.1:{address.port}").status == 200
    assert ask("/build/", f"127.0.0.1:{address.port}").status == 404  # no listing


def test_ctrl_c_stops_the_watch_cleanly(tmp_path: Path) -> None:
    folder = tmp_path / "petite"
    shutil.copytree(SMALL_EDITION, folder)
    output = tmp_path / "build"
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    process = subprocess.Popen(
        [sys.executable, "-m", "dossier", "watch", str(folder), "--output", str(output)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        env={**os.environ, "TMPDIR": str(scratch)},
    )
    try:
        for line in process.stdout:  # type: ignore[union-attr]
            if "première construction" in line:
                break
        children = children_of(process.pid)
        assert children, "the renderers stay alive between builds"
        os.killpg(process.pid, signal.SIGINT)  # Ctrl-C in the terminal
        _, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 130
    assert "interrompu" in err
    assert "Traceback" not in err
    for child in children:
        assert not Path(f"/proc/{child}").exists() or is_zombie(child)
    assert not [p for p in output.iterdir() if p.name.startswith(".")]
    assert list(scratch.iterdir()) == []


def _get(url: str) -> bytes:
    """Return what the preview serves at a URL, or nothing when it refuses."""
    try:
        return urllib.request.urlopen(url, timeout=10).read()
    except urllib.error.HTTPError:
        return b""


def _text(pdf: Path) -> str:
    if not pdf.exists():
        return ""
    return subprocess.run(
        [require_tool("pdftotext"), str(pdf), "-"], capture_output=True, text=True
    ).stdout
