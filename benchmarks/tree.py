"""Time WeasyPrint's structure tree (add_tags) and the whole write_pdf of a laid-out edition.

    python benchmarks/synthetic.py 2000 /tmp/edition-2000
    python benchmarks/tree.py /tmp/edition-2000             # as dossier builds it
    python benchmarks/tree.py /tmp/edition-2000 --unhooked  # WeasyPrint's own add_tags
    python benchmarks/tree.py /tmp/edition-2000 --both      # one, then the other; same PDF?

The edition is laid out first (not timed with the rest); then `write_pdf` runs as dossier runs
it (PDF/UA-1, tagged), with add_tags timed apart. --unhooked puts back WeasyPrint's add_tags,
without the page-references cache of dossier.render.pdf.tagging: the difference is the hook's.
--both writes the same layout both ways and says whether the PDFs are the same, /ID aside.
"""

from __future__ import annotations

import argparse
import contextlib
import re
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def write(document: Any, hooked: bool) -> tuple[bytes, float, float]:
    """Write the laid-out document as dossier does; return the PDF, its time, add_tags' time."""
    import weasyprint.pdf

    from dossier.render.pdf import describe_links, tagging

    spent: list[float] = []
    with contextlib.nullcontext() if hooked else tagging.without_page_cache():
        add_tags = weasyprint.pdf.add_tags

        def timed(*args: Any) -> Any:
            started = time.perf_counter()
            try:
                return add_tags(*args)
            finally:
                spent.append(time.perf_counter() - started)

        weasyprint.pdf.add_tags = timed
        try:
            started = time.perf_counter()
            pdf = document.write_pdf(
                pdf_variant="pdf/ua-1",
                pdf_tags=True,
                custom_metadata=False,
                optimize_images=True,
                finisher=describe_links,
            )
            seconds = time.perf_counter() - started
        finally:
            weasyprint.pdf.add_tags = add_tags
    return pdf, seconds, sum(spent)


# pydyf writes /ID [(hash) (hash)] in the trailer, or in the compressed cross-reference stream,
# where it can't be masked. WeasyPrint writes none unless asked (pdf_identifier), and dossier
# doesn't ask.
_ID = rb"/ID\s*\[\s*(?:\([^)]*\)|<[0-9a-fA-F]*>)\s*(?:\([^)]*\)|<[0-9a-fA-F]*>)\s*\]"


def without_id(pdf: bytes) -> bytes:
    """Return the PDF with its /ID masked: the one thing two writes may differ by."""
    return re.sub(_ID, b"/ID [masked]", pdf)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("edition", type=Path)
    how = parser.add_mutually_exclusive_group()
    how.add_argument("--unhooked", action="store_true", help="WeasyPrint's own add_tags")
    how.add_argument("--both", action="store_true", help="unhooked, then hooked; compared")
    parser.add_argument("--pdf", type=Path, help="where to write the (last) PDF")
    arguments = parser.parse_args()

    from dossier.load import load_edition
    from dossier.render.pdf import pagination
    from dossier.view import prepare

    folder = arguments.edition.resolve()
    view = prepare(load_edition(folder), folder)
    started = time.perf_counter()
    document = pagination(folder).lay_out(view)
    seconds = time.perf_counter() - started
    print(f"{folder.name}: {len(document.pages)} pages, laid out in {seconds:.2f} s")
    runs = [False, True] if arguments.both else [not arguments.unhooked]
    written = []
    for hooked in runs:
        pdf, seconds, tags = write(document, hooked)
        written.append(pdf)
        what = "hooked (dossier)" if hooked else "unhooked (WeasyPrint's add_tags)"
        print(f"  {what}: write_pdf {seconds:.2f} s, of which add_tags {tags:.2f} s")
    if arguments.both:
        same = without_id(written[0]) == without_id(written[1])
        print(f"  same PDF, /ID aside: {'yes' if same else 'NO'}")
    if arguments.pdf:
        arguments.pdf.write_bytes(written[-1])


if __name__ == "__main__":
    main()
