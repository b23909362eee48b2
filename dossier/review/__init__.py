"""The cabinet's reviewed DOCX back into the data: what changed, field by field, written on demand.

`read_review` reads the tracked changes and comments of a DOCX that `dossier build` made,
traces each to the field it came from and says what it would write into edition.yaml, or why
a person must; `apply_review` writes what can be written, checking each change against the
file as it is now.
"""

from __future__ import annotations

import logging
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

import docx
from docx.opc.exceptions import PackageNotFoundError

from dossier.archives import check_archive
from dossier.build import check
from dossier.errors import DataError, DossierError, display_path
from dossier.french import French
from dossier.load import find_edition_file, read_edition
from dossier.model import Edition as Model
from dossier.model import format_path
from dossier.office.markers import MARKERS_VERSION, DamagedMarkers, read_markers
from dossier.office.markers import Markers as PartMarkers
from dossier.office.odt import is_opendocument_text, opendocument_type, read_odt
from dossier.office.revisions import Paragraph, Returned, comment_ranges, read_docx
from dossier.render.docx import built_paragraphs
from dossier.review.back import BLOCK_STYLES, Change, Reader
from dossier.review.fields import Markers, Unit, is_field_path, markers_of, units
from dossier.source import SourceError, Transaction, read_data
from dossier.view import prepare

__all__ = ["Comment", "Review", "apply_review", "read_review"]

log = logging.getLogger("dossier")


@dataclass(frozen=True)
class Comment:
    """A reviewer's comment, and the field it is anchored on."""

    author: str
    initials: str
    date: str
    text: str
    anchored: str  # the commented text
    field: str
    line: int | None


@dataclass
class Review:
    """What the reviewers did to one DOCX, read against one edition."""

    docx: Path
    file: Path  # the edition's edition.yaml
    slug: str
    stale: bool  # the DOCX was made from another state of edition.yaml
    changes: list[Change]
    comments: list[Comment]
    sections: dict[int, str]  # section index → its heading, to group the report
    seconds: float = 0.0
    written: int = 0  # how many changes were written into edition.yaml

    @property
    def authors(self) -> list[str]:
        """Return every author of a change or a comment, in order of appearance."""
        names = [r.author for c in self.changes for r in c.revisions if r.author]
        names += [c.author for c in self.comments if c.author]
        return list(dict.fromkeys(names))


def read_review(docx_file: Path, edition: Path | None = None, data: Path = Path("data")) -> Review:
    """Read a reviewed DOCX against its edition (named, or found in data/ by its slug)."""
    started = time.perf_counter()
    returned = _open(docx_file)
    markers = _markers(returned, docx_file)
    properties = returned.properties
    slug = markers.slug if markers else properties.get("dossier-slug", "")
    if not slug and edition is None:
        raise DossierError(
            f"{display_path(docx_file)} : ce document ne dit pas de quelle édition il vient (il "
            "ne porte ni les repères ni les propriétés de dossier) : donnez le dossier de "
            "l'édition : dossier review FICHIER.docx data/<édition>"
        )
    file = _edition_file(slug, edition, data, docx_file)
    model, _ = read_edition(file)  # its own warnings are dossier check's to say
    source = model.source
    if markers is None or not markers.order:  # lost, or version 1: the document as built now
        digest = markers.digest if markers else properties.get("dossier-source-sha256", "")
        built = built_paragraphs(prepare(model, file.parent))
        slug = slug or model.slug
        markers = markers_of(PartMarkers(slug, digest, MARKERS_VERSION, tuple(built)))
    text = file.read_text(encoding="utf-8-sig").replace("\r\n", "\n")
    french = French(model.locale, model.style.time, model.period.start.year, model.style.year)
    current = _printed(model, file.parent)
    reader = Reader(
        read_data(text),
        french,
        model.period.start.year,
        current,
        model.field_kind,
        _text_styles(markers),
    )
    paragraphs = returned.paragraphs
    found = units(paragraphs, markers)
    matched = sum(1 for unit in found if (unit.marker or unit.placed) and not unit.deleted)
    if not properties and matched < len(markers.order) / 2:
        raise DossierError(
            f"{display_path(docx_file)} : ce DOCX n'a pas été fait par dossier à partir de "
            f"cette édition ({matched} paragraphe(s) sur {len(markers.order)} s'y retrouvent) : "
            "dossier review ne relit que les DOCX de dossier build"
        )
    changes = [
        change
        for index, unit in enumerate(found)
        for change in reader.unit(unit, found[index - 1] if index else None)
    ]
    changes += _format_changes(found)
    changes += _missing_footer(markers, paragraphs)
    comments = _comments(returned, found)
    if not changes and not comments:
        raise DossierError(
            f"{display_path(docx_file)} : aucune modification suivie ni aucun commentaire : "
            "rien à reporter (le suivi des modifications était-il activé ?)"
        )
    review = Review(
        docx=docx_file,
        file=file,
        slug=slug,
        stale=source is not None and markers.digest != source.digest,
        changes=changes,
        comments=comments,
        sections={
            index: section.heading or section.kind for index, section in enumerate(model.sections)
        },
    )
    review.seconds = time.perf_counter() - started
    return review


def apply_review(review: Review) -> Review:
    """Write into edition.yaml every change that maps to a field; say why for the others.

    Each change is tried on the file as it is, with those accepted before it, and kept only if
    the edition still loads: one bad change does not hold the others back.
    """
    transaction = Transaction(review.file, _quiet_check)
    wanted = [c for c in review.changes if c.edits and not c.reason]
    try:  # most reviews go in whole: one check
        transaction.check([e for c in wanted for e in c.edits])
        together = True
    except (SourceError, DataError):
        together = False
    accepted: list = []
    for change in wanted:
        candidate = accepted + change.edits
        if not together:
            try:
                transaction.check(candidate)
            except (SourceError, DataError) as error:
                change.reason = f"refusé : {error}".replace("\n", " ; ")
                continue
        accepted = candidate
        change.applied = True
    if accepted:
        transaction.commit(accepted)
    review.written = sum(change.applied for change in review.changes)
    return review


def _quiet_check(file: Path) -> None:
    """Check a draft of edition.yaml as dossier check and build will, its warnings unsaid."""
    check(file, quiet=True)


# --- reading the DOCX ---------------------------------------------------------------------


def _open(path: Path) -> Returned:
    """Read the returned document: a DOCX, or an OpenDocument text (.odt)."""
    if not path.is_file():
        raise DossierError(f"{display_path(path)} : fichier introuvable")
    check_archive(path, "document")  # measured before python-docx or odfpy inflate it
    if is_opendocument_text(path):
        try:
            return read_odt(path)
        except (zipfile.BadZipFile, KeyError, ValueError, UnicodeDecodeError) as error:
            raise DossierError(
                f"{display_path(path)} : ce n'est pas un document OpenDocument lisible "
                f"(archive endommagée : {type(error).__name__})"
            ) from None
        except Exception as error:  # the XML parser's errors
            if type(error).__name__ in ("SAXParseException", "ExpatError", "ParseError"):
                raise DossierError(
                    f"{display_path(path)} : une partie du document OpenDocument est "
                    f"endommagée ({error})"
                ) from None
            raise
    if opendocument_type(path):
        raise DossierError(
            f"{display_path(path)} : c'est un document OpenDocument qui n'est pas un texte "
            "(tableur, présentation…) : dossier review relit le DOCX ou l'ODT du dossier de presse"
        )
    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as error:
        raise DossierError(
            f"{display_path(path)} : ce n'est pas un DOCX lisible (archive endommagée ou autre "
            f"format : {type(error).__name__})"
        ) from None
    except Exception as error:  # lxml raises for a broken XML part
        if type(error).__name__ in ("XMLSyntaxError", "ParseError"):
            raise DossierError(
                f"{display_path(path)} : une partie du DOCX est endommagée ({error})"
            ) from None
        raise
    return read_docx(document)


def _markers(returned: Returned, path: Path) -> Markers | None:
    for blob in returned.parts:
        try:
            part = read_markers(blob, is_field_path)
        except DamagedMarkers as error:
            shown = error.problems[:10]
            more = len(error.problems) - len(shown)
            raise DossierError(
                "\n".join(
                    f"{display_path(path)} : repères du DOCX endommagés ({problem}) : ce DOCX "
                    "ne se relit pas ; reportez ses modifications à la main, ou repartez d'un "
                    "DOCX fait par dossier build"
                    for problem in shown
                )
                + (
                    f"\n{display_path(path)} : et {more} autre(s) repère(s) endommagé(s)"
                    if more
                    else ""
                )
            ) from None
        if part is not None:
            return markers_of(part)
    return None


def _edition_file(slug: str, edition: Path | None, data: Path, docx_file: Path) -> Path:
    if edition is not None:
        file = find_edition_file(edition)
        # the edition as the loader reads it: a file that does not load is said as dossier
        # check says it (file, line, field), never as the YAML parser's traceback
        found = read_edition(file)[0].slug
        if slug and found != slug:
            raise DossierError(
                f"{display_path(docx_file)} : ce DOCX est celui de l'édition « {slug} », et "
                f"{display_path(file)} est celle de « {found} » : rien n'est reporté"
            )
        return file
    for file in sorted(data.glob("*/edition.yaml")):
        try:
            written = read_data(file.read_text(encoding="utf-8-sig"))
        except Exception:
            continue
        if isinstance(written, dict) and written.get("slug") == slug:
            return file
    raise DossierError(
        f"{display_path(docx_file)} : aucune édition « {slug} » dans {display_path(data)}/ ; "
        "donnez le dossier de l'édition : dossier review FICHIER.docx data/<édition>"
    )


def _printed(model: Model, folder: Path) -> dict[str, str]:
    """Return what each field prints today: the third witness of a three-way merge."""
    printed: dict[str, str] = {}
    for text in prepare(model, folder).texts():
        if text.origin is not None:
            printed.setdefault(text.origin.field, text.plain)
    return printed


def _text_styles(markers: Markers) -> frozenset[str]:
    """Return the styles of the built paragraphs that print running text (lists of them)."""
    styles = {
        style
        for _, style, pieces in markers.order
        for piece in pieces
        if piece.kind.endswith(("paragraphs", "blocks", "bullets"))
    }
    return frozenset(styles | set(BLOCK_STYLES) | {"Normal"}) if styles else frozenset()


def _missing_footer(markers: Markers, paragraphs: list[Paragraph]) -> list[Change]:
    """Say that the cover's footer did not come back, when it did not: nothing is deleted."""
    if not markers.footer or any(p.story == "footer" for p in paragraphs):
        return []
    changes = []
    for index in sorted(markers.footer):
        pieces = markers.order[index][2]
        first = next((piece for piece in pieces if piece.path is not None), None)
        text = "".join(piece.text for piece in pieces)
        changes.append(
            Change(
                "absent",
                first.path if first else None,
                first.line if first else None,
                text,
                text,
                [],
                reason="le pied de page de la couverture manque au document renvoyé (perdu par "
                "une comparaison de documents ou un autre logiciel) : rien n'est reporté",
            )
        )
    return changes


def _format_changes(found: list[Unit]) -> list[Change]:
    changes = []
    for unit in found:
        first = unit.fields[0] if unit.fields else None
        for paragraph in unit.paragraphs:
            for format_change in paragraph.format_changes:
                changes.append(
                    Change(
                        "mise en forme",
                        first.path if first else None,
                        first.line if first else None,
                        format_change.text,
                        format_change.text,
                        [format_change.revision],
                        reason="la mise en forme vient du thème : elle n'est pas reportée",
                    )
                )
    return changes


def _comments(returned: Returned, found: list[Unit]) -> list[Comment]:
    anchored = comment_ranges(returned.paragraphs)
    pieces = {name: piece for unit in found for name, piece in unit.comments.items()}
    comments = []
    for comment in returned.comments:
        piece = pieces.get(comment.name)
        comments.append(
            Comment(
                author=comment.author,
                initials=comment.initials,
                date=comment.date,
                text=comment.text,
                anchored=anchored.get(comment.name, ""),
                field=format_path(piece.path) if piece and piece.path else "",
                line=piece.line if piece else None,
            )
        )
    return comments
