"""The ways a reviewer sends the DOCX back, and one set of edits to make each way.

Each edit is one a cabinet makes on the 2021 text, of a kind the review must bring back
however it was made: a word mid-paragraph, an edit at the very start and at the very end of a
paragraph, an event's title retyped and its time changed, the subtitle, a paragraph added and
one deleted, « » and ’ typed, a heading, a link's text, an interview answer shortened.

`shown` is what the rebuilt edition prints once the edit is applied, `gone` what it no longer
prints; `listed` marks an edit of what dossier composes (a contents entry, a fixed label),
which the review must list for a person, never write. The keys the reviewing tool does not
know are dropped before it reads the edits.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from tests.conftest import ROOT, require_tool

VENDORED_TOOL = ROOT / "tests" / "tools" / "review-docx"
A, B = "Cabinet — M. Dupont", "Cabinet — Mme Martin"

# how the file comes back → how the vendored review-docx makes it
LIBREOFFICE_WAYS = ("tracked", "direct", "accepted", "odt", "odt-docx")
# and a redline made by Word's « Compare documents » engine, of the direct copy against the
# DOCX as built
WAYS = (*LIBREOFFICE_WAYS, "compare")

EDITS: list[dict] = [
    {
        "kind": "replace",
        "find": "fil conducteur",
        "by": "fil rouge",
        "what": "a word mid-paragraph",
        "shown": "le fil rouge du Mois",
        "gone": "fil conducteur",
    },
    {
        "kind": "replace",
        "find": "Piloté par la Direction",
        "by": "Conduit par la Direction",
        "what": "the very start of a paragraph",
        "shown": "Conduit par la Direction",
    },
    {
        "kind": "insert",
        "find": "pour transformer le service public.",
        "text": " Partout en France.",
        "what": "the very end of a paragraph",
        "shown": "le service public. Partout en France.",
    },
    {
        "kind": "replace",
        "find": "Expérimentation et innovation publique",
        "by": "Expérimenter pour mieux innover",
        "what": "an event's title retyped",
        "shown": "Expérimenter pour mieux innover",
        "gone": "Expérimentation et innovation publique",
    },
    {
        "kind": "replace",
        "within": "3 novembre 2021, de 9 h 30",
        "find": "9 h 30",
        "by": "10 h",
        "what": "an event's time",
        "shown": "3 novembre 2021, de 10 h à 12 h 30",
    },
    {
        "kind": "replace",
        "find": "L’innovation ouverte",
        "by": "L’innovation ouverte et partagée",
        "what": "the subtitle (the cover's)",
        "shown": "L’innovation ouverte et partagée",
    },
    {
        "kind": "insert_paragraph",
        "find": "Jusqu’à la fin du mois",
        "text": "Un nouveau paragraphe du cabinet.",
        "what": "a paragraph added",
        "shown": "Un nouveau paragraphe du cabinet.",
    },
    {
        "kind": "delete_paragraph",
        "find": "Les acteurs de proximité jouent",
        "what": "a paragraph deleted",
        "gone": "Les acteurs de proximité jouent",
    },
    {
        "kind": "insert",
        "find": "par-delà les silos administratifs.",
        "text": " Ils sont un « accélérateur » des projets.",
        "what": "« » typed",
        "shown": "Ils sont un « accélérateur » des projets.",
    },
    {
        "kind": "insert",
        "find": "stimuler les échanges d’expériences.",
        "text": " C’est l’esprit du Mois.",
        "what": "’ typed",
        "shown": "d’expériences. C’est l’esprit du Mois.",
    },
    {
        "kind": "replace",
        "within": "En synthèse : un mois pour valoriser",
        "find": "valoriser",
        "by": "faire connaître",
        "occurrence": 2,
        "what": "a heading",
        "shown": "un mois pour faire connaître les acteurs",
    },
    {
        "kind": "replace",
        "within": "Retrouvez tous les évènements sur le",
        "find": "site",
        "by": "portail",
        "what": "a link's text",
        "shown": "sur le portail du Mois de l’innovation publique.",
    },
    {
        "kind": "delete_sentence",
        "find": "Lorsque les enjeux sont plus maîtrisables, plus concrets, les parties "
        "prenantes se mobilisent plus facilement et plus rapidement.",
        "what": "an interview answer shortened",
        "gone": "Lorsque les enjeux sont plus",
    },
    {
        "kind": "delete",
        "find": " et expérimentations",
        "what": "words deleted",
        "shown": "toutes ces initiatives, pour",
        "author": B,
    },
    {
        "kind": "replace",
        "within": "Organisé par DINUM",
        "find": "DINUM",
        "by": "DINUM et DITP",
        "what": "an event's organisers",
        "shown": "DINUM et DITP",
        "author": B,
    },
    {
        "kind": "insert_paragraph",
        "find": "Grand Est",
        "text": "Hauts-de-France",
        "style": "List Bullet",
        "what": "a bullet added",
        "shown": "Hauts-de-France",
        "author": B,
    },
    {
        "kind": "replace",
        "within": "(voir p.",
        "find": "voir",
        "by": "lire",
        "what": "a word beside a page reference",
        "shown": "territoriale (lire p.",
    },
    # printed forms: what dossier composes is never written back as data, it is listed
    {
        "kind": "replace",
        "within": "Le Mois de l’innovation publique en bref",
        "find": "en bref",
        "by": "en résumé",
        "what": "a contents entry",
        "listed": True,
    },
    {
        "kind": "replace",
        "within": "En savoir plus →",
        "find": "En savoir plus",
        "by": "Le détail",
        "what": "a fixed label",
        "listed": True,
    },
    {
        "kind": "comment",
        "find": "premier kilomètre",
        "text": "Citation à sourcer ?",
        "initials": "MD",
    },
    {"kind": "comment", "find": "Remarquables", "text": "Titre à confirmer", "author": B},
]
TEXT_EDITS = [edit for edit in EDITS if edit["kind"] != "comment"]
_OURS = ("what", "shown", "gone", "listed")


def require_reviewer() -> Path:
    """Return the reviewing tool, or skip (fail under CI) when LibreOffice's bridge is not here."""
    require_tool("soffice")
    try:
        subprocess.run(["/usr/bin/python3", "-c", "import uno"], check=True, capture_output=True)
    except (OSError, subprocess.CalledProcessError):
        message = "python3-uno is not installed (apt-get install python3-uno, see .ci/run)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return VENDORED_TOOL


def make_ways(built: Path, folder: Path) -> dict[str, Path]:
    """Return the DOCX as built, sent back each way: the LibreOffice ones made at once."""
    tool = require_reviewer()
    folder.mkdir(parents=True, exist_ok=True)
    edits = folder / "edits.json"
    plain = [{k: v for k, v in edit.items() if k not in _OURS} for edit in EDITS]
    edits.write_text(json.dumps({"author": A, "edits": plain}, ensure_ascii=False), "utf-8")
    made = {
        way: folder / f"retour-{way}.{'odt' if way == 'odt' else 'docx'}"
        for way in LIBREOFFICE_WAYS
    }
    runs = {
        way: subprocess.Popen(
            ["/usr/bin/python3", str(tool), "--mode", way, str(built), str(edits), str(target)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for way, target in made.items()
    }
    for way, run in runs.items():
        _, errors = run.communicate(timeout=300)
        code = run.returncode
        if code != 0 and "DisposedException" in errors:
            # LibreOffice itself died under the reviewer (« Binary URP bridge disposed »), seen
            # once in CI among five at once on two cores: that way is played again, alone
            again = subprocess.run(
                [
                    "/usr/bin/python3",
                    str(tool),
                    "--mode",
                    way,
                    str(built),
                    str(edits),
                    str(made[way]),
                ],
                capture_output=True,
                text=True,
                timeout=300,
                check=False,
            )
            code, errors = again.returncode, again.stderr
        assert code == 0, f"review-docx --mode {way}: {errors}"
    made["compare"] = compare(built, made["direct"], folder / "retour-compare.docx")
    return made


def compare(original: Path, revised: Path, target: Path) -> Path:
    """Make the redline Word's « Compare documents » makes, with its engine (PowerTools)."""
    try:
        from python_redlines.engines import XmlPowerToolsEngine
    except ImportError:
        message = "python-redlines is not installed (it comes with the test extras)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    redline, _, errors = XmlPowerToolsEngine().run_redline(
        A, original.read_bytes(), revised.read_bytes()
    )
    assert redline, f"Open-XML-PowerTools made no redline: {errors}"
    target.write_bytes(redline)
    return target
