"""Every edit the cabinet makes comes back, however they made it.

The same edits (tests/review/ways.py) are made six ways with real clients: tracked changes in
LibreOffice; typed with tracking off; tracked then « accept all »; saved as .odt; saved as .odt
and back as .docx; and a redline of the direct copy made by Word's comparison engine. Each
returned file is reviewed, applied to a copy of the edition, and the edition built again.

What is checked does not lean on the review's own reading: the text that LibreOffice exports
of the accepted copy is what the reviewers wanted, the text it exports of the rebuilt DOCX is
what the edition now says; the two must be the same but for the edits the review listed for
a person. Then every edit shows in the rebuilt PDF, and edition.yaml changed nowhere else.
"""

from __future__ import annotations

import difflib
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from dossier.build import build, check
from dossier.review import apply_review, read_review
from tests.conftest import EDITION_2021, require_tool
from tests.layout import libreoffice_export
from tests.review.ways import TEXT_EDITS, WAYS, make_ways

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> dict[str, Path]:
    """The edition as built, its DOCX sent back each way, and the texts LibreOffice reads."""
    folder = tmp_path_factory.mktemp("ways")
    edition = folder / "edition"
    shutil.copytree(EDITION_2021, edition)
    (docx,) = build(edition, ("docx",), folder / "built")
    returned = make_ways(docx.path, folder / "returned")
    return {
        "edition": edition,
        "built": docx.path,
        **returned,
        "wanted": libreoffice_export(returned["accepted"], folder / "wanted", "txt:Text"),
        "printed": libreoffice_export(docx.path, folder / "printed", "txt:Text"),
    }


@pytest.fixture(scope="module", params=WAYS)
def applied(request, base, tmp_path_factory) -> dict:
    """One way: the review read, applied to a copy of the edition, and the edition rebuilt."""
    way = request.param
    folder = tmp_path_factory.mktemp(f"way-{way}")
    edition = folder / "edition"
    shutil.copytree(base["edition"], edition)
    before = (edition / "edition.yaml").read_text("utf-8")
    review = read_review(base[way], edition, data=folder)
    apply_review(review)
    check(edition / "edition.yaml")  # as dossier check: the edition loads and sets
    outputs = {o.format: o.path for o in build(edition, ("docx", "pdf"), folder / "out")}
    return {
        "way": way,
        "review": review,
        "before": before,
        "after": (edition / "edition.yaml").read_text("utf-8"),
        "docx": outputs["docx"],
        "pdf": outputs["pdf"],
        "text": libreoffice_export(outputs["docx"], folder / "text", "txt:Text"),
    }


def _lines(path: Path) -> list[str]:
    """A LibreOffice text export, page numbers masked: the pages move as the text changes.

    The contents are left out: the rebuilt ones follow the headings, the reviewers' copy
    keeps the contents as they were (its word processor did not refresh them).
    """
    text = path.read_text("utf-8-sig")
    # a page reference; LibreOffice prints an error for one whose bookmark it lost on saving
    text = re.sub(
        r"(p\.[\s\u00a0\u202f]*)(\d+|Error: Reference source not found PAGEREF \S+ \\h ?)",
        r"\1#",
        text,
    )
    return [
        line.rstrip()
        for line in text.splitlines()
        if line.strip() and not re.search(r"\t\d+$", line)
    ]


def _loose(text: str) -> str:
    return re.sub(r"[\s\u00a0\u202f]+", " ", text.replace("'", "’")).strip()


def _pdf_text(pdf: Path) -> str:
    require_tool("pdftotext")
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    text = re.sub(r"[\u2010\u00ad-]\n(?=\w)", "", text)  # a word hyphenated at a line's end
    return _loose(text)


def _undo_listed(lines: list[str]) -> list[str]:
    """The wanted text, but for the edits the review must list (they are not written)."""
    result = list(lines)
    for edit in (e for e in TEXT_EDITS if e.get("listed")):
        within = _loose(edit.get("within", edit["find"]))
        for index, line in enumerate(result):
            undone = _loose(line).replace(_loose(edit["by"]), _loose(edit["find"]), 1)
            if within.replace(_loose(edit["find"]), "") and within in undone:
                result[index] = undone
                break
    return result


def test_nothing_is_lost_nothing_is_added(applied, base) -> None:
    """The rebuilt text is the wanted text, but for the listed edits: an independent diff."""
    wanted = [_loose(line) for line in _undo_listed(_lines(base["wanted"]))]
    rebuilt = [_loose(line) for line in _lines(applied["text"])]
    differences = [
        line
        for line in difflib.unified_diff(
            wanted, rebuilt, "wanted", applied["way"], n=0, lineterm=""
        )
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]
    assert not differences, (
        f"{applied['way']}: the rebuilt text is not the reviewers':\n" + "\n".join(differences[:20])
    )


def test_every_edit_is_applied_or_listed(applied) -> None:
    review = applied["review"]
    pdf = _pdf_text(applied["pdf"])
    missing = []
    for edit in TEXT_EDITS:
        if edit.get("listed"):
            continue
        shown = edit.get("shown")
        gone = edit.get("gone")
        if (shown and _loose(shown) not in pdf) or (gone and _loose(gone) in pdf):
            missing.append(edit["what"])
    assert not missing, f"{applied['way']}: not in the rebuilt PDF: {missing}"
    listed = [c for c in review.changes if c.reason and not c.applied]
    for edit in (e for e in TEXT_EDITS if e.get("listed")):
        assert any(_loose(edit["by"]) in _loose(c.after + c.reason) for c in listed), (
            f"{applied['way']}: {edit['what']} is neither applied nor listed"
        )
    assert review.written >= len([e for e in TEXT_EDITS if not e.get("listed")]) - 2


def test_nothing_else_changes_in_the_yaml(applied) -> None:
    """Every comment and every line the edits did not touch is still there, in its order."""
    before, after = applied["before"].splitlines(), applied["after"].splitlines()
    comments = [line.strip() for line in before if line.strip().startswith("#")]
    assert comments == [line.strip() for line in after if line.strip().startswith("#")]
    changed = [
        line
        for line in difflib.unified_diff(before, after, n=0, lineterm="")
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]
    # 16 edits written, in 14 fields: each touches a few lines of a folded paragraph at most
    assert len(changed) < 80, "\n".join(changed)


def test_edits_made_without_tracking_say_so(applied) -> None:
    from dossier.review.report import who

    untracked = applied["way"] in ("direct", "accepted", "odt-docx", "odt")
    said = {who(c) for c in applied["review"].changes if c.applied}
    if applied["way"] in ("direct", "accepted"):
        assert said == {"sans suivi des modifications (auteur et date inconnus)"}
    elif not untracked or applied["way"] == "compare":
        assert all("Cabinet" in s for s in said), said


def test_the_report_marks_a_retyped_line_whole() -> None:
    from dossier.review.report import diff

    marked = diff("Expérimentation et innovation publique", "Expérimenter pour mieux innover")
    assert marked.before == (("del", "Expérimentation et innovation publique"),)
    assert marked.after == (("ins", "Expérimenter pour mieux innover"),)
    assert diff("le fil conducteur du", "le fil rouge du").after == (
        ("same", "le fil "),
        ("ins", "rouge"),
        ("same", " du"),
    )


def test_a_link_retyped_through_word_s_comparison_is_never_half_written(tmp_path) -> None:
    """Word's comparison writes a link's new words outside the link, beside a word dossier
    composes: the review cannot tell whose they are, and lists it; it never writes half."""
    import json

    from dossier.load import load_edition
    from tests.conftest import COMPLETE_EDITION
    from tests.review.ways import compare, require_reviewer

    tool = require_reviewer()
    edition = tmp_path / "edition"
    shutil.copytree(COMPLETE_EDITION, edition)
    (docx,) = build(edition, ("docx",), tmp_path / "built")
    edits = tmp_path / "edits.json"
    edit = {"kind": "replace", "find": "des lieux)", "by": "interactive)", "within": "la carte des"}
    edits.write_text(json.dumps([edit], ensure_ascii=False), "utf-8")
    direct = tmp_path / "direct.docx"
    command = ["/usr/bin/python3", str(tool), "--mode", "direct", str(docx.path), str(edits)]
    subprocess.run(
        [*command, str(direct)],
        check=True,
        capture_output=True,
    )
    redline = compare(docx.path, direct, tmp_path / "compare.docx")
    review = apply_review(read_review(redline, edition, data=tmp_path))
    text = load_edition(edition).sections[3].themes[2].link.text  # type: ignore[union-attr]
    assert text in ("la carte des lieux", "la carte interactive")
    if text == "la carte des lieux":
        assert any("interactive" in c.after + c.reason for c in review.changes if c.reason)


@pytest.mark.parametrize("way", ["tracked", "direct", "odt", "odt-docx"])
def test_the_covers_publisher_comes_back_from_its_frame(way, tmp_path: Path) -> None:
    """The publisher stands in a frame at the foot of the cover; LibreOffice saves it as a
    text box (DOCX) or a shape (ODT), its marker renamed « _d6_Copy_1 »: an edit there comes
    back, and nothing of the frame is taken for a deletion."""
    import json

    from dossier.load import load_edition
    from tests.review.ways import require_reviewer

    tool = require_reviewer()
    edition = tmp_path / "edition"
    shutil.copytree(EDITION_2021, edition)
    (docx,) = build(edition, ("docx",), tmp_path / "built")
    edits = tmp_path / "edits.json"
    edit = {
        "kind": "replace",
        "find": "de la transformation publique",
        "by": "du service public",
        "within": "Direction interministérielle de la transformation publique",
    }
    edits.write_text(json.dumps([edit], ensure_ascii=False), "utf-8")
    back = tmp_path / f"retour.{'odt' if way == 'odt' else 'docx'}"
    command = ["/usr/bin/python3", str(tool), "--mode", way, str(docx.path), str(edits)]
    subprocess.run([*command, str(back)], check=True, capture_output=True, timeout=300)
    review = apply_review(read_review(back, edition))
    assert [(c.kind, c.field, bool(c.reason)) for c in review.changes] == [
        ("modifié", "publisher.name", False)
    ]
    name = load_edition(edition).publisher.name
    assert "Direction interministérielle du service public" in name
