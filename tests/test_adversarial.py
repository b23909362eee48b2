"""Bad, hostile and interrupted input: a clear message, exit 1, no traceback, build/ untouched."""

from __future__ import annotations

import http.server
import io
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from dossier.build import build
from dossier.cli import main
from dossier.errors import DataError
from dossier.load import load_edition
from tests.conftest import EDITION_2021, ROOT, SMALL_EDITION

SLUG = "semaine-donnee-2024"
YAML = "edition.yaml"


def replace(old: str, new: str) -> Callable[[Path], None]:
    def edit(folder: Path) -> None:
        file = folder / YAML
        text = file.read_text(encoding="utf-8")
        assert old in text, f"the case does not apply: {old!r}"
        file.write_text(text.replace(old, new, 1), encoding="utf-8")

    return edit


def write_bytes(content: bytes) -> Callable[[Path], None]:
    def edit(folder: Path) -> None:
        (folder / YAML).write_bytes(content)

    return edit


def truncate(folder: Path) -> None:
    """Cut the file as a full disk or a killed editor would: here, inside a [ … ] list."""
    file = folder / YAML
    data = file.read_bytes()
    file.write_bytes(data[: data.index(b"[DINUM, Eta") + len(b"[DINUM, Eta")])


def latin1(folder: Path) -> None:
    file = folder / YAML
    file.write_bytes(file.read_text(encoding="utf-8").encode("latin-1", "replace"))


def huge_image(folder: Path) -> None:
    Image.new("1", (20_000, 20_000)).save(folder / "images" / "portrait.png")


def not_an_image(folder: Path) -> None:
    (folder / "images" / "portrait.png").write_text("ceci n'est pas une image")


def alias_bomb(folder: Path) -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [
        f"a{i}: &a{i} [*a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, "
        f"*a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}]"
        for i in range(1, 9)
    ]
    (folder / YAML).write_text("\n".join(lines) + "\n", encoding="utf-8")


IMAGE = "      src: images/portrait.png\n      alt: Portrait d'Alex Durand\n"
LINK = "        link: https://example.org/ouverture"
START_END = "        start: 9:30\n        end: 12:00"

# (case id, edit, expected words in the message)
BAD = [
    ("yaml-unclosed-bracket", replace("open data]", "open data"), "YAML invalide"),
    ("yaml-bad-indent", replace("  start: 2024-02-26", "   start: 2024-02-26"), "YAML invalide"),
    ("yaml-unclosed-quote", replace('écrivez-nous !"', "écrivez-nous !"), "YAML invalide"),
    (
        "yaml-colon-in-value",
        replace("      - title: Ouverture", "      - title: Ouverture: le"),
        "YAML invalide",
    ),
    ("yaml-colon-in-link", replace(LINK, "        link: mailto:"), "se met entre guillemets"),
    ("yaml-stray-dash", replace("slug: semaine", "- slug: semaine"), "YAML invalide"),
    ("tab", replace("  start: 2024-02-26", "\tstart: 2024-02-26"), "tabulation interdite"),
    ("truncated", truncate, "edition.yaml:"),
    ("empty", write_bytes(b""), "le fichier est vide"),
    ("only-comments", write_bytes(b"# rien\n"), "ne contient aucune donnée"),
    ("binary", write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64)), "octets nuls"),
    ("invalid-utf8", latin1, "invalide en UTF-8"),
    ("top-level-list", write_bytes(b"- un\n- deux\n"), "doit contenir des champs"),
    ("duplicate-key", replace("slug: semaine-donnee-2024", "slug: a\nslug: b"), "en double"),
    ("unknown-key-typo", replace("subtitle:", "subtitel:"), "vouliez-vous dire « subtitle »"),
    ("unknown-key", replace("subtitle:", "couleur: bleu\nsubtitle:"), "clé inconnue « couleur »"),
    (
        "missing-title",
        replace("title: Semaine de la donnée ouverte\n", ""),
        "title: champ obligatoire manquant",
    ),
    ("missing-sections", lambda f: replace_tail(f), "sections: champ obligatoire manquant"),
    (
        "sections-not-a-list",
        replace("sections:\n", "sections: texte\nold_sections:\n"),
        "une liste est attendue",
    ),
    (
        "number-not-a-number",
        replace("edition_number: 1", "edition_number: un"),
        "n'est pas un nombre entier",
    ),
    (
        "period-not-a-mapping",
        replace("period:\n  start: 2024-02-26\n  end: 2024-03-03", "period: 2024"),
        "des champs sont attendus",
    ),
    (
        "boolean-not-a-boolean",
        replace("    heading: Le programme", "    heading: Le programme\n    new_page: peut-être"),
        "oui ou non attendu",
    ),
    ("unknown-kind", replace("  - kind: contacts", "  - kind: contact"), "sortes possibles"),
    ("missing-kind", replace("  - kind: contacts\n", "  -\n"), "kind: manque"),
    (
        "impossible-date",
        replace("date: 2024-02-26", "date: 2024-02-30"),
        "« 2024-02-30 » n'est pas une date qui existe",
    ),
    ("not-a-date", replace("date: 2024-02-26", "date: lundi"), "« lundi » n'est pas une date"),
    (
        "end-before-start",
        replace(START_END, "        start: 14:00\n        end: 12:00"),
        "12:00 est avant le début, 14:00",
    ),
    ("impossible-time", replace("start: 9:30", "start: 25:00"), "n'est pas une heure qui existe"),
    ("not-a-time", replace("start: 9:30", "start: midi"), "n'est pas une heure"),
    (
        "range-backwards",
        replace("to: 2024-03-02", "to: 2024-02-28"),
        "n'est pas après le premier jour",
    ),
    (
        "two-date-shapes",
        replace("        from: 2024-02-29", "        date: 2024-02-29\n        from: 2024-02-29"),
        "d'une seule façon",
    ),
    ("no-date", replace("        date: 2024-02-26\n", ""), "aucune n'est donnée"),
    ("period-backwards", replace("  end: 2024-03-03", "  end: 2024-02-01"), "est avant le début"),
    ("image-missing", replace("images/portrait.png", "images/absente.png"), "image introuvable"),
    ("image-not-an-image", not_an_image, "n'est pas une image lisible"),
    ("image-huge", huge_image, "trop grande"),
    ("image-parent", replace("images/portrait.png", "../../etc/passwd"), "sort du dossier"),
    ("image-absolute", replace("images/portrait.png", "/etc/passwd"), "sort du dossier"),
    ("image-file-url", replace("images/portrait.png", "file:///etc/passwd"), "sort du dossier"),
    (
        "image-no-alt",
        replace(IMAGE, "      src: images/portrait.png\n      alt:\n"),
        "alt: la valeur est vide",
    ),
    ("link-javascript", replace(LINK, "        link: javascript:alert(1)"), "n'est pas permis"),
    ("link-file", replace(LINK, "        link: file:///etc/passwd"), "n'est pas permis"),
    ("link-data", replace(LINK, "        link: data:text/html,<b>x</b>"), "n'est pas permis"),
    (
        "link-inline-javascript",
        replace("Parce qu'un jour ne suffit pas.", "Voir [ici](javascript:alert)."),
        "n'est pas permis",
    ),
    ("link-mailto-empty", replace(LINK, '        link: "mailto:"'), "est incomplet"),
    ("link-to-nowhere", replace("(#missions)", "(#nulle-part)"), "n'existe pas"),
    ("control-character", replace("Deux soirées", "Deux\x07soirées"), "caractère de contrôle"),
    ("bidi-override", replace("Deux soirées", "Deux\u202esoirées"), "U+202E"),
    (
        "yaml-tag",
        replace("title: Semaine", "title: !!python/object:os.system Semaine"),
        "étiquette YAML",
    ),
    ("alias-bomb", alias_bomb, "se répète par des alias"),
    (
        "slug-with-spaces",
        replace("slug: semaine-donnee-2024", "slug: Semaine Donnée"),
        "n'est pas un identifiant",
    ),
    ("page-without-heading", replace("    heading: Nos missions\n", ""), "a besoin d'un titre"),
    (
        "emoji",
        replace("title: Semaine de la donnée ouverte", "title: Semaine 🚀"),
        "ne peut pas afficher « 🚀 » (U+1F680)",
    ),
    (
        "right-to-left",
        replace("Deux soirées d'ateliers.", "Deux soirées, ورشة عمل"),
        "ne peut pas afficher « و » (U+0648)",
    ),
]


def replace_tail(folder: Path) -> None:
    file = folder / YAML
    text = file.read_text(encoding="utf-8")
    file.write_text(text[: text.index("sections:")], encoding="utf-8")


def empty_calendar(folder: Path) -> None:
    file = folder / YAML
    text = file.read_text(encoding="utf-8")
    start = text.index("    events:\n")
    end = text.index("    links:\n")
    file.write_text(text[:start] + "    events: []\n" + text[end:], encoding="utf-8")


@pytest.fixture(scope="module")
def previous_build(tmp_path_factory) -> Path:
    """A build/ folder as a previous, successful build left it."""
    out = tmp_path_factory.mktemp("previous")
    build(SMALL_EDITION, None, out)  # every default format: files and the web edition's folder
    return out


def snapshot(folder: Path) -> dict[str, bytes]:
    """Return every file under a folder by its path in it, and its bytes."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def run_cli(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    stdout = io.StringIO()
    code = main(argv, stdout=stdout)
    captured = capsys.readouterr()
    return code, stdout.getvalue(), captured.err


@pytest.mark.parametrize(("edit", "expected"), [c[1:] for c in BAD], ids=[c[0] for c in BAD])
def test_bad_input_is_refused_cleanly(
    edit, expected: str, edition_copy, previous_build: Path, tmp_path: Path, capsys
) -> None:
    folder = edition_copy(SMALL_EDITION)
    edit(folder)
    out = tmp_path / "build"
    shutil.copytree(previous_build, out)
    before = snapshot(out)
    code, stdout, stderr = run_cli(["build", str(folder), "--output", str(out)], capsys)
    assert code == 1, stderr
    assert expected in stderr
    assert "Traceback" not in stderr
    assert stdout == ""
    assert snapshot(out) == before  # nothing written, nothing changed, no temporary left


def test_an_empty_calendar_is_a_warning_until_the_programme_is_in(edition_copy, capsys) -> None:
    folder = edition_copy(SMALL_EDITION)
    empty_calendar(folder)
    code, _, stderr = run_cli(["check", str(folder)], capsys)
    assert code == 0
    assert "warning: sections[1].events: ce calendrier n'a encore aucun événement" in stderr


@pytest.mark.parametrize("case", ["emoji", "right-to-left", "end-before-start", "image-huge"])
def test_check_refuses_what_build_refuses(case: str, edition_copy, capsys) -> None:
    _, edit, expected = next(c for c in BAD if c[0] == case)
    folder = edition_copy(SMALL_EDITION)
    edit(folder)
    code, stdout, stderr = run_cli(["check", str(folder)], capsys)
    assert (code, stdout) == (1, "")
    assert expected in stderr


def test_at_least_forty_bad_inputs() -> None:
    assert len(BAD) >= 40


@pytest.mark.parametrize(
    ("edit", "check"),
    [
        (
            replace("Deux soirées d'ateliers.", "Deux soirées. " + "Un long paragraphe. " * 500),
            "Un long paragraphe",
        ),
        (replace("Deux soirées d'ateliers.", "Mot, " + "x" * 500), "x" * 40),
        (
            replace(
                "title: Semaine de la donnée ouverte",
                'title: "<script>alert(1)</script> {{ 7*7 }}"',
            ),
            "alert(1)",
        ),
        (replace("        start: 9:30", "        start: 09:30"), "09:30"),
    ],
    ids=[
        "10000-character-paragraph",
        "500-character-word",
        "html-and-jinja-in-title",
        "leading-zero-time",
    ],
)
def test_odd_but_valid_input_builds(edit, check: str, edition_copy, tmp_path: Path) -> None:
    folder = edition_copy(SMALL_EDITION)
    edit(folder)
    (output,) = build(folder, ("pdf",), tmp_path)
    text = subprocess.run(
        ["pdftotext", str(output.path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert check in text.replace("\n", "").replace("-", "") or check in text


def test_event_outside_the_period_is_a_warning(edition_copy, capsys) -> None:
    folder = edition_copy(SMALL_EDITION, replace={"date: 2024-02-26\n": "date: 2024-05-01\n"})
    code, _, stderr = run_cli(["check", str(folder)], capsys)
    assert code == 0
    assert "warning: sections[1].events[0]" in stderr
    assert "hors de la période" in stderr


def test_nothing_is_fetched_while_rendering(edition_copy, tmp_path: Path) -> None:
    requests: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            requests.append(self.path)
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        address = f"http://127.0.0.1:{server.server_port}"
        folder = edition_copy(
            SMALL_EDITION,
            replace={
                "https://example.org/ouverture": f"{address}/lien",
                "Deux soirées d'ateliers.": f"Deux soirées ([plan]({address}/plan.png)).",
            },
        )
        outputs = build(folder, ("pdf", "docx"), tmp_path)
        with pytest.raises(DataError, match="sort du dossier"):
            load_edition(
                edition_copy(SMALL_EDITION, replace={"images/portrait.png": f"{address}/i.png"})
            )
    finally:
        server.shutdown()
    assert requests == []
    pdf = outputs[0].path.read_bytes()
    assert b"/FileAttachment" not in pdf
    assert b"file:" not in pdf


def dossier_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "dossier", *args]


def test_a_killed_build_leaves_the_previous_files(tmp_path: Path, previous_build: Path) -> None:
    out = tmp_path / "build"
    shutil.copytree(previous_build, out)
    before = snapshot(out)
    process = subprocess.Popen(
        dossier_command("build", str(EDITION_2021), "--output", str(out)),
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    time.sleep(2.0)  # loading is done, WeasyPrint is laying out
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    # what SIGKILL left unfinished: temporaries, beside the outputs, never in their place
    after = {
        name: data
        for name, data in snapshot(out).items()
        if not name.split("/")[0].endswith(".tmp")
    }
    assert after == before
    assert any(name.startswith(f"{SLUG}/") for name in before)


def test_two_builds_at_once_leave_two_complete_files(tmp_path: Path) -> None:
    out = tmp_path / "build"
    processes = [
        subprocess.Popen(
            dossier_command("build", str(SMALL_EDITION), "--output", str(out)),
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        for _ in range(2)
    ]
    assert [p.wait(timeout=120) for p in processes] == [0, 0]
    pdf = out / f"{SLUG}.pdf"
    check = subprocess.run(["qpdf", "--check", str(pdf)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout
    assert sorted(p.name for p in out.iterdir()) == [SLUG, f"{SLUG}.docx", f"{SLUG}.pdf"]
    assert (out / SLUG / "index.html").is_file()


def test_a_runaway_render_stops_in_time(tmp_path: Path, capsys) -> None:
    started = time.perf_counter()
    code, _, stderr = run_cli(
        ["build", str(EDITION_2021), "--output", str(tmp_path), "--timeout", "0.5"], capsys
    )
    assert code == 1
    assert "dépasse 0.5 s" in stderr
    assert time.perf_counter() - started < 10
    assert list(tmp_path.iterdir()) == []


def test_a_render_too_hungry_stops(tmp_path: Path, capsys) -> None:
    code, _, stderr = run_cli(
        ["build", str(EDITION_2021), "--output", str(tmp_path), "--max-memory", "40"], capsys
    )
    assert code == 1
    assert "dépasse 40 Mio de mémoire" in stderr
    assert list(tmp_path.iterdir()) == []


# --- Property: random documents and mutated copies give an edition or located DataErrors ---

scalars = st.one_of(
    st.text(max_size=12), st.sampled_from(["12:30", "no", "01000", "2021-02-30", "~", ""])
)
documents = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(
            st.sampled_from(["title", "kind", "sections", "date", "x"]), children, max_size=4
        ),
    ),
    max_leaves=20,
)
ORIGINAL = (EDITION_2021 / YAML).read_text(encoding="utf-8")


def outcome(text: str, folder: Path) -> None:
    (folder / YAML).write_bytes(text.encode("utf-8", "surrogatepass"))
    problems = []
    try:
        load_edition(folder)
    except DataError as error:
        problems = error.problems
        assert problems
    for problem in problems:
        assert problem.file == folder / YAML
        assert problem.line is not None, str(problem)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(document=documents)
def test_random_documents_give_an_edition_or_located_errors(document, tmp_path: Path) -> None:
    outcome(yaml.safe_dump(document, allow_unicode=True), tmp_path)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    mutations=st.lists(
        st.tuples(
            st.integers(0, len(ORIGINAL) - 1),
            st.integers(0, 40),
            st.sampled_from(["", ":", "-", " ", "\t", "'", '"', "[", "#", "\n", "x", "&a", "*a"]),
        ),
        min_size=1,
        max_size=4,
    )
)
def test_mutated_2021_data_gives_an_edition_or_located_errors(mutations, tmp_path: Path) -> None:
    text = ORIGINAL
    for position, length, insert in mutations:
        text = text[:position] + insert + text[position + length :]
    outcome(text, tmp_path)


def test_a_renderer_that_dies_is_reported(monkeypatch, tmp_path: Path, capsys) -> None:
    from dataclasses import replace

    from dossier.render import RENDERERS

    dying = replace(RENDERERS["pdf"], module="tests.fake_renderers", function="die")
    monkeypatch.setitem(RENDERERS, "pdf", dying)
    code, _, stderr = run_cli(
        ["build", str(SMALL_EDITION), "--format", "pdf", "--output", str(tmp_path)], capsys
    )
    assert code == 1
    assert "PDF : le rendu s'est arrêté sans résultat (code 3)" in stderr
    assert list(tmp_path.iterdir()) == []


def test_an_image_word_cannot_take_is_refused_by_check_and_build(
    edition_copy, tmp_path: Path, capsys
) -> None:
    folder = edition_copy(SMALL_EDITION, replace={"images/portrait.png": "images/portrait.webp"})
    Image.open(SMALL_EDITION / "images" / "portrait.png").save(folder / "images" / "portrait.webp")
    for command in (
        ["check", str(folder)],
        ["build", str(folder), "--output", str(tmp_path / "out")],
    ):
        code, _, stderr = run_cli(command, capsys)
        assert code == 1
        assert "portrait.src: « images/portrait.webp » est au format WEBP" in stderr
        assert "Traceback" not in stderr
    assert not (tmp_path / "out").exists() or list((tmp_path / "out").iterdir()) == []
