"""The review as a person reads it: per section and field, before and after, who and when."""

from __future__ import annotations

import datetime as dt
import difflib
import os
import re
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from dossier.errors import display_path
from dossier.office.revisions import Revision
from dossier.review import Review
from dossier.review.back import Change

COVER = "Couverture et informations de l'édition"


@dataclass(frozen=True)
class Diff:
    """A text cut into stretches: kept, deleted (before only) or inserted (after only)."""

    before: tuple[tuple[str, str], ...]  # (kind, text): kind "same" or "del"
    after: tuple[tuple[str, str], ...]  # kind "same" or "ins"


def diff(before: str, after: str) -> Diff:
    """Mark what changed between two texts, word by word."""
    one, other = _words(before), _words(after)
    old: list[tuple[str, str]] = []
    new: list[tuple[str, str]] = []
    matcher = difflib.SequenceMatcher(None, one, other, autojunk=False)
    for operation, i1, i2, j1, j2 in matcher.get_opcodes():
        if operation == "equal":
            old.append(("same", "".join(one[i1:i2])))
            new.append(("same", "".join(other[j1:j2])))
            continue
        if i2 > i1:
            old.append(("del", "".join(one[i1:i2])))
        if j2 > j1:
            new.append(("ins", "".join(other[j1:j2])))
    return Diff(_joined(old), _joined(new))


def _joined(marks: list[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    """Join changed words that only a space kept apart: « [-a b-] », not « [-a-] [-b-] »."""
    result: list[tuple[str, str]] = []
    for index, (kind, text) in enumerate(marks):
        following = marks[index + 1][0] if index + 1 < len(marks) else "same"
        if (
            kind == "same"
            and not text.strip()
            and result
            and result[-1][0] != "same"
            and following == result[-1][0]
        ):
            result[-1] = (result[-1][0], result[-1][1] + text)
        elif result and kind != "same" and result[-1][0] == kind:
            result[-1] = (kind, result[-1][1] + text)
        else:
            result.append((kind, text))
    return tuple(result)


def _words(text: str) -> list[str]:
    return re.findall(r"\s+|[^\s]+", text)


def when(revision: Revision) -> str:
    """Write a revision's date as a French reader expects it: 25/11/2026 22:19."""
    try:
        stamp = dt.datetime.fromisoformat(revision.date.replace("Z", "+00:00"))
    except ValueError:
        return revision.date
    return f"{stamp:%d/%m/%Y %H:%M}"


def who(change: Change) -> str:
    """Say who made a change and when: « Cabinet — M. Dupont, 25/11/2026 22:19 »."""
    seen: list[str] = []
    for revision in change.revisions:
        if revision.kind == "untracked":
            label = "sans suivi des modifications (auteur et date inconnus)"
        else:
            label = f"{revision.author or 'auteur inconnu'}, {when(revision)}".rstrip(", ")
        if label not in seen:
            seen.append(label)
    return " ; ".join(seen)


def groups(review: Review) -> Iterator[tuple[str, list[Change]]]:
    """Yield the changes by section, in the order of the edition."""
    by_section: dict[int, list[Change]] = {}
    for change in review.changes:
        path = change.path or ()
        index = path[1] if len(path) > 1 and path[0] == "sections" else -1
        by_section.setdefault(int(index), []).append(change)
    for index in sorted(by_section):
        heading = COVER if index < 0 else f"{review.sections.get(index, '')} (sections[{index}])"
        yield heading, by_section[index]


def summary(review: Review) -> str:
    """Return the first lines of the report: what was read, how much, by whom."""
    changes = [c for c in review.changes if c.kind != "mise en forme"]
    writable = sum(1 for c in changes if c.edits and not c.reason)
    left = len(review.changes) - writable
    lines = [
        f"Relecture de {display_path(review.docx)}, édition {display_path(review.file)} "
        f"({review.slug})",
        f"{len(changes)} modification(s), {len(review.comments)} commentaire(s), par "
        f"{', '.join(review.authors) or 'auteur inconnu'} ; {writable} à reporter dans "
        f"edition.yaml, {left} laissée(s) à une personne.",
    ]
    if review.stale:
        lines.append(
            "Ce DOCX a été fait d'un état plus ancien d'edition.yaml : chaque modification est "
            "reportée seulement si son champ n'a pas changé depuis."
        )
    return "\n".join(lines)


def text_report(review: Review, applied: bool) -> str:
    """Return the report as plain text, for the terminal."""
    lines = [summary(review), ""]
    for heading, changes in groups(review):
        lines.append(heading)
        for change in changes:
            where = _where(review, change)
            state = _state(change, applied)
            said = who(change)
            lines.append(f"  {where}{change.kind} — {said + ' — ' if said else ''}{state}")
            marked = diff(change.before, change.after)
            if change.before:
                lines.append("    avant : " + _marked(marked.before))
            if change.after:
                lines.append("    après : " + _marked(marked.after))
            if change.reason:
                lines.append(f"    {change.reason}")
        lines.append("")
    if review.comments:
        lines.append("Commentaires")
        for comment in review.comments:
            field = f" — {comment.field}" if comment.field else ""
            initials = f" ({comment.initials})" if comment.initials else ""
            date = when(Revision("", "", comment.date)) if comment.date else ""
            lines.append(
                f"  {comment.author}{initials}, {date} : « {comment.text} » sur "
                f"« {comment.anchored} »{field}"
            )
        lines.append("")
    if applied:
        lines.append(
            f"{review.written} modification(s) écrite(s) dans {display_path(review.file)} ; "
            "relancez dossier build pour les voir dans le PDF et le DOCX."
        )
    else:
        lines.append("Rien n'est écrit : relancez avec --apply pour reporter ces modifications.")
    return "\n".join(lines)


def _where(review: Review, change: Change) -> str:
    if change.line is None:
        return f"{change.field} : " if change.field else ""
    return f"{display_path(review.file)}:{change.line}: {change.field} : "


def _state(change: Change, applied: bool) -> str:
    if change.applied:
        return "écrit dans edition.yaml"
    if change.reason:
        return "laissé à une personne"
    return "à écrire (--apply)" if not applied else "non écrit"


def _marked(stretches: tuple[tuple[str, str], ...], context: int = 50) -> str:
    """Mark deletions [-…-] and insertions {+…+}; long unchanged stretches keep their ends."""
    marks = {"same": "{}", "del": "[-{}-]", "ins": "{{+{}+}}"}
    parts = []
    for index, (kind, text) in enumerate(stretches):
        if kind == "same" and len(text) > 2 * context + 5 and len(stretches) > 1:
            head = text[:context] if index > 0 else ""
            tail = text[-context:] if index < len(stretches) - 1 else ""
            text = f"{head}…{tail}"
        parts.append(marks[kind].format(text))
    return "".join(parts)


def html_context(review: Review, applied: bool) -> dict[str, object]:
    """Return what the HTML report's template shows."""
    sections = []
    for heading, changes in groups(review):
        rows = []
        for change in changes:
            marked = diff(change.before, change.after)
            rows.append(
                {
                    "where": _where(review, change).rstrip(" :"),
                    "kind": change.kind,
                    "who": who(change),
                    "state": _state(change, applied),
                    "before": marked.before,
                    "after": marked.after,
                    "reason": change.reason,
                    "left": bool(change.reason),
                }
            )
        sections.append({"heading": heading, "rows": rows})
    comments = [
        {
            "author": c.author,
            "initials": c.initials,
            "date": when(Revision("", "", c.date)) if c.date else "",
            "text": c.text,
            "anchored": c.anchored,
            "field": c.field,
        }
        for c in review.comments
    ]
    return {
        "title": f"Relecture — {review.slug}",
        "summary": summary(review).split("\n"),
        "sections": sections,
        "comments": comments,
        "applied": applied,
        "written": review.written,
    }


def write_report(review: Review, path: Path, applied: bool) -> None:
    """Write the HTML report at a path, whole or not at all."""
    from dossier.render.html import render_page  # Jinja2 only when a report is asked for

    page = render_page("review.html.j2", **html_context(review, applied))
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(
        dir=path.parent, prefix=f".{path.name}.", suffix=".tmp"
    )
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as stream:
            stream.write(page)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    finally:
        Path(temporary).unlink(missing_ok=True)
