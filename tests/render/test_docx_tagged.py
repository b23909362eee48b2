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
