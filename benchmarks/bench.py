"""Measure `dossier build` against WeasyPrint alone, on the 2021 edition and synthetic ones.

    python benchmarks/bench.py                     # 2021, then 25, 350 and 2 000 events
    python benchmarks/bench.py --sizes 25 --no-2021   # what CI runs

Every measurement runs in a fresh process: wall time, and the peak resident memory of the
process and every process it started (the build renders each format in a child of its own).
"WeasyPrint alone" renders the very HTML that dossier hands to WeasyPrint, with
`HTML(string=…).write_pdf()` and nothing else, in the same run, so that the ratio holds on a
shared, noisy machine where absolute times drift. The output is a Markdown table, then the
targets of issue 7 and whether each is met.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import os
import platform
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks import synthetic  # noqa: E402 - after the path is set

# Runs a command, then prints the peak RSS (KiB) of it and of all it waited for.
_MEASURE = (
    "import resource, subprocess, sys, time\n"
    "t = time.perf_counter()\n"
    "code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL,"
    " stderr=subprocess.PIPE, text=True)\n"
    "t = time.perf_counter() - t\n"
    "sys.stderr.write(code.stderr[-2000:] if code.returncode else '')\n"
    "print(code.returncode, t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
)

_RAW = (
    "import sys\n"
    "from weasyprint import HTML\n"
    "HTML(string=open(sys.argv[1], encoding='utf-8').read()).write_pdf(sys.argv[2])\n"
)


@dataclass
class Row:
    edition: str
    events: int
    what: str
    seconds: float
    pages: int
    peak_mib: float
    raw_seconds: float | None = None
    raw_peak_mib: float | None = None

    @property
    def ratio(self) -> float | None:
        return self.seconds / self.raw_seconds if self.raw_seconds else None

    @property
    def per_page(self) -> float:
        return self.seconds / self.pages if self.pages else 0.0


def measure(command: list[str]) -> tuple[float, float]:
    """Run a command in a fresh process; return its wall time (s) and peak memory (MiB)."""
    result = subprocess.run(
        [sys.executable, "-c", _MEASURE, *command], capture_output=True, text=True, cwd=ROOT
    )
    code, seconds, peak = result.stdout.split()
    if code != "0":
        raise RuntimeError(f"{' '.join(command)} failed ({code}):\n{result.stderr}")
    return float(seconds), int(peak) / 1024


def pages_of(pdf: Path) -> int:
    import pikepdf

    with pikepdf.open(pdf) as document:
        return len(document.pages)


def print_html(folder: Path, target: Path) -> None:
    """Write the press kit as the one HTML document its parts make, page numbers included.

    dossier lays out each part of the PDF alone; WeasyPrint alone lays out the whole document
    at once, and gives the same PDF (tests/render/test_pdf_parts.py holds them to it).
    """
    from dossier.load import load_edition
    from dossier.render.pdf import pagination
    from dossier.view import prepare

    view = prepare(load_edition(folder), folder)
    layout = pagination(folder)
    layout.lay_out(view)  # for the page numbers the document prints
    target.write_text(layout.whole_html(view), encoding="utf-8")


# What each build makes, by name: the web edition alone, and all three as `dossier build` does.
BUILDS = (
    ("pdf", "pdf"),
    ("docx", "docx"),
    ("html", "html"),
    ("pdf + docx", "pdf,docx"),
    ("pdf + docx + html", "pdf,docx,html"),
)


def bench(name: str, events: int, folder: Path, work: Path, repeat: int) -> list[Row]:
    """Measure WeasyPrint alone and each build, interleaved, keeping each one's best run."""
    dossier = [sys.executable, "-m", "dossier", "build", str(folder)]
    html = work / f"{name}.html"
    print_html(folder, html)
    raw_pdf = work / f"{name}-raw.pdf"
    commands = {"raw": [sys.executable, "-c", _RAW, str(html), str(raw_pdf)]}
    for what, formats in BUILDS:
        out = work / f"{name}-{formats.replace(',', '-')}"
        commands[what] = [*dossier, "--format", formats, "--output", str(out)]
    best: dict[str, tuple[float, float]] = {}
    for _ in range(repeat):  # interleaved, so that a slow spell of the machine hits all
        for what, command in commands.items():
            seconds, peak = measure(command)
            if what not in best or seconds < best[what][0]:
                best[what] = (seconds, peak)
    pages = pages_of(raw_pdf)
    rows = []
    for what, _ in BUILDS:
        seconds, peak = best[what]
        row = Row(name, events, what, seconds, pages, peak)
        if "pdf" in what:
            row.raw_seconds, row.raw_peak_mib = best["raw"]
        rows.append(row)
        print(f"  {name} {what}: {seconds:.2f} s, {peak:.0f} MiB", file=sys.stderr)
    return rows


def machine() -> str:
    versions = ", ".join(
        f"{package} {importlib.metadata.version(package)}"
        for package in ("weasyprint", "python-docx", "pydantic", "jinja2", "babel")
    )
    return (
        f"{os.cpu_count()} cores, {platform.machine()}, {platform.system()} "
        f"{platform.release()}, Python {platform.python_version()}; {versions}"
    )


def table(rows: list[Row]) -> str:
    lines = [
        "| edition | events | formats | wall (s) | pages | peak (MiB) | WeasyPrint alone (s) "
        "| its peak (MiB) | ratio | s / page |",
        "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        raw = f"{r.raw_seconds:.2f}" if r.raw_seconds else "–"
        raw_peak = f"{r.raw_peak_mib:.0f}" if r.raw_peak_mib else "–"
        ratio = f"{r.ratio:.2f}" if r.ratio else "–"
        lines.append(
            f"| {r.edition} | {r.events} | {r.what} | {r.seconds:.2f} | {r.pages} "
            f"| {r.peak_mib:.0f} | {raw} | {raw_peak} | {ratio} | {r.per_page:.3f} |"
        )
    return "\n".join(lines)


def targets(rows: list[Row]) -> list[str]:
    def find(edition: str, what: str = "pdf + docx") -> Row | None:
        return next((r for r in rows if r.edition == edition and r.what == what), None)

    found = []
    full_2021 = find("2021")
    if full_2021 and full_2021.ratio:
        found.append(
            f"- 2021, PDF + DOCX within 1.15 × WeasyPrint alone: {full_2021.ratio:.2f} × "
            f"→ {'met' if full_2021.ratio <= 1.15 else 'NOT met'}"
        )
    every = find("2021", "pdf + docx + html")
    if full_2021 and every:
        found.append(
            f"- 2021, what the web edition adds to PDF + DOCX: {every.seconds:.2f} - "
            f"{full_2021.seconds:.2f} = {every.seconds - full_2021.seconds:+.2f} s"
        )
    row = find("synthetic-350")
    if row:
        found.append(
            f"- 350 events under 15 s: {row.seconds:.1f} s → "
            f"{'met' if row.seconds < 15 else 'NOT met'}"
        )
    row = find("synthetic-2000")
    if row:
        found.append(
            f"- 2 000 events under 60 s and 500 MB: {row.seconds:.1f} s, {row.peak_mib:.0f} MiB "
            f"→ {'met' if row.seconds < 60 and row.peak_mib * 1.048576 < 500 else 'NOT met'}"
        )
        small = find("synthetic-25")
        if small:
            ratio = row.per_page / small.per_page
            found.append(
                f"- time per page at 2 000 events ≤ 1.3 × at 25: {row.per_page:.3f} / "
                f"{small.per_page:.3f} s = {ratio:.2f} × → {'met' if ratio <= 1.3 else 'NOT met'}"
            )
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[25, 350, 2000])
    parser.add_argument("--no-2021", action="store_true", help="leave out the 2021 edition")
    parser.add_argument("--repeat", type=int, default=1, help="keep the best of N runs")
    arguments = parser.parse_args()
    started = time.perf_counter()
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="dossier-bench-") as temporary:
        work = Path(temporary)
        if not arguments.no_2021:
            rows += bench("2021", 61, ROOT / "data" / "2021", work, arguments.repeat)
        for size in arguments.sizes:
            folder = synthetic.write(size, work / f"synthetic-{size}")
            rows += bench(f"synthetic-{size}", size, folder, work, arguments.repeat)
    print(f"Machine: {machine()}\n")
    print(table(rows))
    print()
    print("\n".join(targets(rows)) or "- (no target applies to these sizes)")
    print(f"\nbenchmark run in {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
