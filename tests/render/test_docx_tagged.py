"""The DOCX as the cabinet's LibreOffice exports it to a tagged PDF: the same audit holds.

A press office that sends the reviewed DOCX on as a PDF (LibreOffice's « Export as PDF »,
tagged, PDF/UA) must not lose what the kit's own PDF holds: every piece of text in the
structure tree, nothing painted outside it. veraPDF then finds one rule failed, and it is
LibreOffice's own: 7.4 writes no /Tabs /S on pages with annotations (ISO 14289-1, 7.18.3).
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

from tests.conftest import missing_tool, require_tool
from tests.layout import libreoffice_export
from tests.render import reading
from tests.render.structure import read_structure
from tests.render.test_verapdf import MISSING, VERAPDF

TAGGED = "pdf:writer_pdf_Export:" + json.dumps(
    {
        "UseTaggedPDF": {"type": "boolean", "value": "true"},
        "PDFUACompliance": {"type": "boolean", "value": "true"},
    }
)
LIBREOFFICES_OWN = {"7.18.3-1"}  # LibreOffice 7.4: no /Tabs /S where a page has annotations


@pytest.fixture(scope="session")
def exported(outputs) -> Path:
    return libreoffice_export(outputs["docx"], outputs["folder"] / "tagged", TAGGED)


def test_libreoffices_tagged_pdf_leaves_no_text_outside_the_tree(exported) -> None:
    counts = read_structure(exported).counts()
    assert counts["tagged"] > 0
    assert (counts["orphans"], counts["untagged"], counts["dangling"]) == (0, 0, 0), counts


def test_libreoffices_tagged_pdf_reads_the_captions_of_framed_pictures(exported, outputs) -> None:
    """A portrait's caption, in a frame beside the text with its picture, is read where the
    frame stands: LibreOffice's text export leaves frames out (test_parity), not its PDF."""
    from tests.test_parity import framed_captions, squash

    blocks = read_structure(exported).blocks()
    read = [squash(block.text) for block in blocks]
    for caption in framed_captions(outputs["view"]):
        assert squash(caption.plain) in read, caption.plain


def test_libreoffices_tagged_pdf_fails_only_libreoffices_own_rule(exported) -> None:
    require_tool("bash")
    run = subprocess.run(
        [str(VERAPDF), str(exported)], capture_output=True, text=True, timeout=600, check=False
    )
    if run.returncode == MISSING:
        missing_tool(" ".join(run.stderr.split()) + " (see .ci/run)")
    failed = set(re.findall(r"RULE (\S+) failedChecks", run.stdout))
    assert "FILE " in run.stdout, run.stdout + run.stderr
    assert failed <= LIBREOFFICES_OWN, run.stdout


def test_libreoffices_contents_entries_are_one_tab_stop_a_line(exported, outputs) -> None:
    """Each contents entry of LibreOffice's export is one link annotation per line it runs
    over (one tab stop), described by its words and its number, never by an anchor; no link
    inside another. LibreOffice's own way: it makes a Link element per text portion (the
    entry's words, the tab and number of its PAGEREF field), all owning that one annotation."""
    structure = read_structure(exported)
    entries = [e for e in structure.elements if e.tag == "TOCI"]
    assert len(entries) == len(outputs["view"].contents.entries)
    for entry, expected in zip(entries, outputs["view"].contents.entries, strict=True):
        annotations = {a.key: a for link in reading.links_in(entry) for a in link.annotations}
        assert 1 <= len(annotations) <= 2, structure.text_of(entry)  # an entry holds 1–2 lines
        for annotation in annotations.values():
            words, _, number = (annotation.contents or "").rpartition("\t")
            assert " ".join(words.split()) == " ".join(expected.text.plain.split())
            assert number.isdigit()
    assert reading.nested_links(structure) == []
    assert reading.raw_descriptions(structure) == []
