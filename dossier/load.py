"""Strict loading of an edition: YAML that keeps every scalar as text, then the model."""

from __future__ import annotations

import dataclasses
import difflib
import hashlib
import logging
import math
import re
import stat
import types
import typing
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from dossier.errors import DataError, Problem
from dossier.model import (
    INLINE_LINK,
    Calendar,
    Edition,
    FieldPath,
    Image,
    Source,
    format_path,
    parse_path,
)

log = logging.getLogger("dossier")

EDITION_FILE = "edition.yaml"
MAX_NODES = 200_000  # far above any real edition; stops alias bombs
MAX_IMAGE_PIXELS = 40_000_000
# A 2 000-event programme is 1.5 MB: ten times that bounds the memory and time of the loading.
MAX_BYTES = 16 * 1024 * 1024
# Past these, more messages of one kind would only hide the others.
MAX_REPORTED = 20

Path_ = FieldPath
M = TypeVar("M", bound=BaseModel)

# What an XML document (a DOCX, a web page) cannot hold, or a reader cannot see: control
# characters, surrogates, noncharacters. Refused in every value, wherever it is printed.
_FORBIDDEN = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff"
    + "".join(chr(plane << 16 | 0xFFFE) + chr(plane << 16 | 0xFFFF) for plane in range(1, 17))
    + "]"
)
# Line breaks for YAML but not for an editor: after one, every line number would drift.
# Text in UTF-16 without its mark: every other byte is zero.
_UTF16 = re.compile(rb"(?:[^\x00]\x00){4}|(?:\x00[^\x00]){4}")
_HIDDEN_BREAKS = re.compile("[\u2028\u2029\x85]")
# In a file whose lines end with LF (or CR LF), a carriage return alone ends a line for the YAML
# reader and for some editors, not for others: the lines would be counted two ways.
_HIDDEN_BREAKS_LF = re.compile("[\u2028\u2029\x85]|\r(?!\n)")
# Deeper than this, no edition goes; PyYAML's composer would recurse out of the stack.
MAX_DEPTH = 40

_STR_TAG = "tag:yaml.org,2002:str"
_ALLOWED_TAGS = {_STR_TAG, "tag:yaml.org,2002:seq", "tag:yaml.org,2002:map"}


class _TooLarge(Exception):
    """The document expands past MAX_NODES values."""


@dataclass
class _Located:
    """The plain data of a YAML document, and where each value and key stands in it."""

    data: Any = None
    values: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    keys: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    problems: list[tuple[Path_, tuple[int, int], str]] = field(default_factory=list)
    # syntax errors read past (a tab in an indentation): said with the rest of the file's
    syntax: list[Problem] = field(default_factory=list)
    count: int = 0
    digest: str = ""


def find_edition_file(edition: Path) -> Path:
    """Return the edition.yaml of a folder, or the file itself when given one."""
    if edition.is_dir():
        edition = edition / EDITION_FILE
    if not edition.exists():
        raise DataError([Problem(edition, None, None, "", "fichier introuvable")])
    if not edition.is_file():
        raise DataError([Problem(edition, None, None, "", _NOT_REGULAR)])
    return edition


_NOT_REGULAR = (
    "ce n'est pas un fichier ordinaire (un dossier, un tube ou un périphérique) : "
    "donnez le fichier de l'édition"
)


def load_edition(edition: Path) -> Edition:
    """Load and validate an edition folder (or its edition.yaml); raise DataError on any problem.

    Its warnings (an event outside the period…) are logged: dossier check and build say them.
    """
    result, warnings = read_edition(edition)
    for warning in warnings:
        log.warning("%s", warning)
    return result


def read_edition(edition: Path) -> tuple[Edition, list[Problem]]:
    """Load and validate an edition as load_edition does; return its warnings, unsaid.

    For the commands that edit the file (review, import, new): the edition's own warnings are
    dossier check's to say, not theirs.
    """
    file = find_edition_file(Path(edition))
    result, located = _load(file, Edition)
    missing_files, sizes = _check_files(result, file, located)
    problems = _anchors(result, file, located) + missing_files + _theme_file(result, file, located)
    if problems:
        raise DataError(problems)
    warnings = _warnings(result, file, located)
    # The view keeps, for every string it prints, the field and line it came from.
    result._source = Source(file, located.digest, located.values, sizes)
    return result, warnings


def load_model(file: Path, model: type[M]) -> M:
    """Load any YAML file of the project strictly into a model; raise DataError on any problem."""
    return _load(file, model)[0]


def load_over(
    base: Path,
    over: Path,
    model: type[M],
    rebase: Callable[[dict[str, Any]], None] | None = None,
    context: dict[str, Any] | None = None,
) -> M:
    """Load a YAML file written over another one: a theme beside an edition over the project's.

    The over file's fields replace the base's; its groups (clé: valeur) are merged field by
    field, so that it says only what it changes; a list replaces a list. rebase edits the over
    file's data before the merge (its paths made from its own folder). A problem is said at
    the line of the file whose value is at fault: the over file where it gave it, else the base.
    """
    below, above = _read(base), _read(over)
    for file, located in ((base, below), (over, above)):
        problems = [
            Problem(file, line, column, format_path(path), message)
            for path, (line, column), message in located.problems
        ]
        if problems or located.syntax:
            raise DataError(located.syntax + problems)
        if not isinstance(located.data, dict):
            raise DataError(
                [Problem(file, 1, 1, "", "le fichier doit contenir des champs (clé: valeur)")]
            )
    if rebase is not None:
        rebase(above.data)
    merged = _Located(
        data=_merged(below.data, above.data),
        values={**below.values, **above.values},
        keys={**below.keys, **above.keys},
    )
    try:
        return model.model_validate(merged.data, context=context)
    except ValidationError as error:
        found = []
        for problem in _problems_of(error, base, merged, model):
            path = parse_path(problem.field) if problem.field else ()
            given = path in above.values or (
                path not in below.values
                and any(path[:end] in above.values for end in range(len(path), 0, -1))
            )
            found.append(dataclasses.replace(problem, file=over) if given else problem)
        raise DataError(found) from None


def _merged(below: Any, above: Any) -> Any:
    if isinstance(below, dict) and isinstance(above, dict):
        return {
            **below,
            **{key: _merged(below.get(key), value) for key, value in above.items()},
        }
    return above


def check_values(model: type[BaseModel], data: Any) -> list[tuple[Path_, str]]:
    """Hold plain values to a part of the model; return each problem's path and message."""
    try:
        model.model_validate(data)
    except ValidationError as error:
        found = []
        for detail in error.errors(include_url=False):
            path, _ = _data_path(detail["loc"], data)
            found.append((path, _message(detail, path, model)))
        return found
    return []


def _load(file: Path, model: type[M]) -> tuple[M, _Located]:
    located = _read(file)
    problems = [
        Problem(file, line, column, format_path(path), message)
        for path, (line, column), message in located.problems
    ]
    if problems:
        raise DataError(located.syntax + problems)
    if not isinstance(located.data, dict):
        raise DataError(
            [
                *located.syntax,
                Problem(file, 1, 1, "", "le fichier doit contenir des champs (clé: valeur)"),
            ]
        )
    try:
        result = model.model_validate(located.data)
    except ValidationError as error:
        raise DataError(located.syntax + _problems_of(error, file, located, model)) from None
    if located.syntax:
        raise DataError(located.syntax)
    return result, located


def _read(file: Path) -> _Located:
    """Read and compose a YAML file of the project, bounded in size, depth and values."""
    status = file.stat()
    if not stat.S_ISREG(status.st_mode):  # a tube would wait forever, /dev/zero never end
        raise DataError([Problem(file, None, None, "", _NOT_REGULAR)])
    size = status.st_size
    if size > MAX_BYTES:
        raise DataError(
            [
                Problem(
                    file,
                    None,
                    None,
                    "",
                    f"le fichier fait {size / 1024 / 1024:.0f} Mo : aucune édition n'approche "
                    f"{MAX_BYTES // 1024 // 1024} Mo ; est-ce le bon fichier ?",
                )
            ]
        )
    with file.open("rb") as stream:  # bounded: the file may grow while it is read
        raw = stream.read(MAX_BYTES + 1)
    if len(raw) > MAX_BYTES:
        raise DataError([Problem(file, None, None, "", "le fichier grandit pendant sa lecture")])
    located = _compose(file, _decode(file, raw))
    located.digest = hashlib.sha256(raw).hexdigest()
    return located


def _decode(file: Path, raw: bytes) -> str:
    if not raw.strip():
        raise DataError([Problem(file, 1, 1, "", "le fichier est vide")])
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")) or _UTF16.match(raw):
        raise DataError(
            [
                Problem(
                    file,
                    1,
                    1,
                    "",
                    "le fichier est en UTF-16 (« Unicode » dans le Bloc-notes) : enregistrez-le "
                    "en UTF-8",
                )
            ]
        )
    if b"\x00" in raw[:8192]:
        raise DataError([Problem(file, 1, 1, "", "ce n'est pas un fichier texte (octets nuls)")])
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        column = error.start - (raw.rfind(b"\n", 0, error.start) + 1) + 1
        raise DataError(
            [
                Problem(
                    file,
                    line,
                    column,
                    "",
                    f"octet {raw[error.start]:#04x} invalide en UTF-8 : enregistrez le "
                    "fichier en UTF-8",
                )
            ]
        ) from None


# libyaml's parser, when PyYAML has it: the same nodes and marks, twenty times faster (2021:
# 0.004 s against 0.106 s). It recurses in C, where 40 000 nested brackets crash the process:
# it reads only files whose nesting cannot go that deep (the depth is at most the number of
# brackets, or the length of a line). It never speaks to the user: a file it refuses is read
# again by PyYAML's own parser, whose messages the hints below translate.
_FAST_LOADER: Any = getattr(yaml, "CBaseLoader", None)
_FAST_AT_MOST = 8000  # brackets in the file, characters on a line


def _fast_compose(text: str) -> yaml.Node | None:
    """Return the file's node by libyaml, or None: no libyaml, too deep a file, or an error."""
    if _FAST_LOADER is None:
        return None
    if text.count("[") + text.count("{") > _FAST_AT_MOST:
        return None
    if re.search(f"[^\n]{{{_FAST_AT_MOST}}}", text):
        return None
    try:
        return yaml.compose(text, Loader=_FAST_LOADER)
    except (yaml.YAMLError, UnicodeError):  # a lone surrogate escaped, for one
        return None


def _compose(file: Path, text: str) -> _Located:
    located = _Located()
    _refuse_hidden_breaks(file, text)
    while True:
        try:
            # BaseLoader resolves no implicit type: 12:30, no, 01000 all stay text.
            node = _fast_compose(text) or yaml.compose(text, Loader=yaml.BaseLoader)
            break
        except yaml.MarkedYAMLError as error:
            mark = error.problem_mark or error.context_mark
            line, column = (mark.line + 1, mark.column + 1) if mark else (None, None)
            mended = _read_past_tab(text, error) if len(located.syntax) < MAX_REPORTED else None
            if mended is not None:  # said, and the rest of the file read on
                text, indentation = mended
                if indentation:
                    located.syntax.append(Problem(file, line, column, "", _TAB))
                continue
            message = _yaml_message(error)
            found = _where_it_began(text, error, line)
            if found is not None:
                line, column, message = found
            raise DataError([*located.syntax, Problem(file, line, column, "", message)]) from None
        except yaml.reader.ReaderError as error:
            before = text[: error.position]
            line = before.count("\n") + 1
            column = error.position - (before.rfind("\n") + 1) + 1
            message = (
                f"caractère de contrôle invisible U+{error.character:04X} : supprimez-le"
                if isinstance(error.character, int)
                else f"caractère illisible : {error.reason}"
            )
            raise DataError([*located.syntax, Problem(file, line, column, "", message)]) from None
        except yaml.YAMLError as error:
            raise DataError(
                [*located.syntax, Problem(file, None, None, "", f"YAML illisible : {error}")]
            ) from None
        except RecursionError:
            raise DataError([*located.syntax, _too_deep(file, text)]) from None
    if node is None:
        raise DataError([Problem(file, 1, 1, "", "le fichier ne contient aucune donnée")])
    try:
        located.data = _walk(node, (), located, set())
    except _TooLarge:
        located.data = None
    return located


_YAML_HINTS = (
    (
        "mapping values are not allowed",
        "un « : » suivi d'un espace ou d'une fin de ligne "
        "dans une valeur : une telle valeur se met entre guillemets",
    ),
    (
        "expected <block end>",
        "l'indentation de cette ligne ne suit pas la précédente, ou la "
        "valeur commence par un guillemet ou un crochet qu'il faut fermer",
    ),
    ("while scanning a quoted scalar", "un guillemet ouvert n'est jamais fermé"),
    ("while parsing a flow sequence", "un crochet [ ouvert n'est jamais fermé"),
    ("while parsing a flow mapping", "une accolade { ouverte n'est jamais fermée"),
    ("found undefined alias", "un alias *nom renvoie à une ancre &nom qui n'existe pas"),
    ("expected <document start>", "une ligne commence en dehors de toute clé"),
    ("while parsing a block collection", "un élément de liste « - » est mal aligné"),
    ("expected the node content, but found ','", "une virgule de trop dans une liste [a, b]"),
    (
        "but found another document",
        "une ligne « --- » commence un second document : une édition n'en a qu'un",
    ),
    ("expected '<document start>'", "une ligne « ... » termine le document avant la fin"),
    (
        "could not find expected ':'",
        "une ligne sans « : » là où une clé est attendue, ou une valeur coupée en deux",
    ),
    ("found unexpected end of stream", "le fichier s'arrête au milieu d'une valeur"),
    ("found unknown escape character", "une barre oblique inverse \\ inconnue entre guillemets"),
    ("found character that cannot start any token", "un caractère ne peut pas commencer ici"),
    ("expected alphabetic or numeric character", "une ancre &nom ou un alias *nom mal écrit"),
    ("found duplicate anchor", "deux ancres &nom portent le même nom"),
)


def _refuse_hidden_breaks(file: Path, text: str) -> None:
    problems: list[Problem] = []
    line, counted, line_start = 1, 0, 0  # counted forward once: linear in the file
    breaks = _HIDDEN_BREAKS_LF if "\n" in text else _HIDDEN_BREAKS  # CR alone: an old Mac file
    for match in breaks.finditer(text):
        if len(problems) == MAX_REPORTED:
            break
        line += text.count("\n", counted, match.start())
        line_start = text.rfind("\n", counted, match.start()) + 1 or line_start
        counted = match.start()
        column = match.start() - line_start + 1
        problems.append(
            Problem(
                file,
                line,
                column,
                "",
                _hidden_break(match.group()),
            )
        )
    if problems:
        raise DataError(problems)


def _hidden_break(character: str) -> str:
    if character == "\r":
        return (
            "retour chariot isolé (U+000D, souvent collé depuis Word) : tous les éditeurs ne "
            "le montrent pas ; remplacez-le par un retour à la ligne ou une espace"
        )
    return (
        f"séparateur de ligne invisible U+{ord(character):04X} : un éditeur ne le montre pas ; "
        "remplacez-le par une espace ou un retour à la ligne"
    )


def _too_deep(file: Path, text: str) -> Problem:
    """Locate where the nesting first goes past MAX_DEPTH, scanning tokens (no recursion)."""
    depth = 0
    opening = (
        yaml.BlockMappingStartToken,
        yaml.BlockSequenceStartToken,
        yaml.FlowMappingStartToken,
        yaml.FlowSequenceStartToken,
    )
    closing = (yaml.BlockEndToken, yaml.FlowMappingEndToken, yaml.FlowSequenceEndToken)
    line = column = None
    try:
        for token in yaml.scan(text, Loader=yaml.BaseLoader):
            depth += isinstance(token, opening) - isinstance(token, closing)
            if depth > MAX_DEPTH:
                line, column = token.start_mark.line + 1, token.start_mark.column + 1
                break
    except yaml.YAMLError:
        pass
    return Problem(
        file,
        line,
        column,
        "",
        f"les valeurs s'imbriquent à plus de {MAX_DEPTH} niveaux : aucune édition n'en a besoin",
    )


_TAB = "tabulation interdite en YAML dans une indentation : indentez avec des espaces"


def _read_past_tab(text: str, error: yaml.MarkedYAMLError) -> tuple[str, bool] | None:
    """Mend the tab a syntax error stops at, to read the rest of the file; None if not a tab.

    A tab in an indentation becomes the spaces that let the line be read (the indentation of
    a line above, or the tab's width in an editor), so that one run says every problem of the
    file, the tab included; a tab inside a line (PyYAML alone refuses it there) becomes a
    space. Returns the mended text, and whether the tab was in an indentation (a problem).
    """
    mark = error.problem_mark
    if mark is None or not 0 <= mark.index < len(text) or text[mark.index] != "\t":
        return None
    start = text.rfind("\n", 0, mark.index) + 1
    end = text.find("\n", mark.index)
    end = len(text) if end < 0 else end
    line = text[start:end]
    lead = len(line) - len(line.lstrip(" \t"))
    if mark.index - start >= lead:  # inside the line
        return text[: mark.index] + " " + text[mark.index + 1 :], False
    rest = line[lead:]
    above: list[int] = []  # where the keys of the lines above begin, nearest first
    for candidate in reversed(text[:start].split("\n")[-40:]):
        content = candidate.lstrip(" ")
        if content.strip() and not content.startswith("\t"):
            above.append(len(candidate) - len(content))
            if content.startswith("- "):
                above.append(len(candidate) - len(content.lstrip("- ")))
    widths = dict.fromkeys([*above, *(len(line[:lead].expandtabs(n)) for n in (2, 4, 8))])
    best: tuple[float, str] | None = None
    for width in widths:  # the one read furthest before the next error, the nearest first
        candidate = text[:start] + " " * width + rest + text[end:]
        try:
            yaml.compose(candidate, Loader=_FAST_LOADER or yaml.BaseLoader)
            reached = math.inf
        except yaml.MarkedYAMLError as later:
            reached = later.problem_mark.line if later.problem_mark else mark.line
        except (yaml.YAMLError, RecursionError, UnicodeError):
            reached = mark.line
        if best is None or reached > best[0]:
            best = (reached, candidate)
        if reached == math.inf:
            break
    return (best[1], True) if best is not None else None


def _yaml_message(error: yaml.MarkedYAMLError) -> str:
    problem = error.problem or "erreur"
    if "found character '\\t'" in problem:
        return _TAB
    context = f" ({error.context})" if error.context else ""
    raw = f"{problem}{context}"
    for marker, hint in _YAML_HINTS:
        if marker in raw:
            return f"YAML invalide : {hint}"
    return f"YAML invalide à cet endroit (le lecteur YAML dit : {raw})"


_OPENING_QUOTE = re.compile(r"^(\s*(?:-\s+)?(?:[^\s:#\"'][^:#]*:\s+)?)([\"'])(.*)$")
_KEY_LINE = re.compile(r"^( *(?:- +)?)[^\s:#\"'][^:#]*:(?:\s|$)")  # group 1: up to the key


def _where_it_began(
    text: str, error: yaml.MarkedYAMLError, line: int | None
) -> tuple[int, int, str] | None:
    """Find where a syntax error began when the parser notices it later.

    A quote left open runs on to the next lines: the parser stops lines below, where the
    value cannot go on; the line that opened it is the one to mend. A key indented one space
    too far reads as a value holding « : ».
    """
    if line is None:
        return None
    lines = text.split("\n")
    problem = f"{error.problem or ''} {error.context or ''}"
    if "mapping values are not allowed" in problem and 1 < line <= len(lines):
        here = _KEY_LINE.match(lines[line - 1])
        previous = next(
            (
                candidate
                for candidate in reversed(lines[: line - 1])
                if candidate.strip() and not candidate.lstrip().startswith("#")
            ),
            "",
        )
        before = _KEY_LINE.match(previous)
        value = previous.split(":", 1)[1].strip() if ":" in previous else ""
        if here and before and value and value not in (">-", ">", "|", "|-"):
            spaces, expected = len(here.group(1)), len(before.group(1))
            if spaces != expected:
                return (
                    line,
                    1,
                    f"YAML invalide : cette ligne est indentée de {spaces} espace(s), la clé "
                    f"d'avant de {expected} : alignez-la sur les autres clés du même groupe",
                )
    if any(
        marker in problem
        for marker in (
            "expected <block end>",
            "could not find expected",
            "quoted scalar",
            "end of stream",
        )
    ):
        for number in range(min(line, len(lines)) - 1, max(line - 60, 0) - 1, -1):
            match = _OPENING_QUOTE.match(lines[number])
            if match is None:
                continue
            quote, rest = match.group(2), match.group(3)
            closed = rest.replace("''", "") if quote == "'" else re.sub(r"\\.", "", rest)
            if quote not in closed and number + 1 < line:
                return (
                    number + 1,
                    len(match.group(1)) + 1,
                    f"YAML invalide : le guillemet {quote} ouvert ici n'est jamais fermé sur sa "
                    f"ligne (la valeur court jusqu'à la ligne {line}, où le lecteur s'arrête)",
                )
    return None


def _mark(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def _forbidden(character: str, value: str) -> str:
    position = value.index(character) + 1
    name = "un caractère de contrôle invisible" if ord(character) < 0xD800 else "un non-caractère"
    return (
        f"{name} U+{ord(character):04X} à la position {position} : supprimez-le (souvent "
        "collé depuis un traitement de texte)"
    )


def _walk(node: yaml.Node, path: Path_, located: _Located, stack: set[int]) -> Any:
    located.count += 1
    if located.count > MAX_NODES:
        message = (
            f"plus de {MAX_NODES} valeurs : le fichier est trop gros ou se répète par des alias"
        )
        located.problems.append((path, _mark(node), message))
        raise _TooLarge
    located.values[path] = _mark(node)
    if len(path) > MAX_DEPTH:
        message = (
            f"les valeurs s'imbriquent à plus de {MAX_DEPTH} niveaux : aucune édition n'en a besoin"
        )
        located.problems.append((path, _mark(node), message))
        raise _TooLarge
    if node.tag not in _ALLOWED_TAGS:
        located.problems.append(
            (
                path,
                _mark(node),
                f"étiquette YAML « {node.tag} » non permise : écrivez la valeur telle quelle",
            )
        )
        return None
    if isinstance(node, yaml.ScalarNode):
        if not node.style and node.value in ("", "~", "null", "Null", "NULL"):
            return None  # YAML's ways of writing « nothing »: not the text « ~ » on the cover
        forbidden = _FORBIDDEN.search(node.value)
        if forbidden is not None:
            located.problems.append((path, _mark(node), _forbidden(forbidden.group(), node.value)))
            return None
        return node.value
    if id(node) in stack:
        located.problems.append((path, _mark(node), "un alias YAML se contient lui-même"))
        return None
    stack = stack | {id(node)}
    if isinstance(node, yaml.SequenceNode):
        return [_walk(item, (*path, i), located, stack) for i, item in enumerate(node.value)]
    result: dict[str, Any] = {}
    first_seen: dict[str, int] = {}
    for key_node, value_node in node.value:
        if not isinstance(key_node, yaml.ScalarNode):
            located.problems.append((path, _mark(key_node), "une clé doit être un simple mot"))
            continue
        key = key_node.value
        if key in first_seen:
            located.problems.append(
                (
                    (*path, key),
                    _mark(key_node),
                    f"clé « {key} » en double (déjà à la ligne {first_seen[key]}) : "
                    "la seconde effacerait la première",
                )
            )
            continue
        first_seen[key] = key_node.start_mark.line + 1
        located.keys[(*path, key)] = _mark(key_node)
        result[key] = _walk(value_node, (*path, key), located, stack)
    return result


def _data_path(loc: tuple[Any, ...], data: Any) -> tuple[Path_, bool]:
    """Map a pydantic location to a path in the data, dropping union tags; say if it exists."""
    path: list[str | int] = []
    current = data
    tagged = None  # the mapping whose tag was passed: its next part is a key
    for index, part in enumerate(loc):
        if (
            isinstance(current, dict)
            and current.get("kind") == part
            and index < len(loc) - 1
            and tagged is not current
        ):
            tagged = current
            continue  # the tag of a section's kind, even where a key has the same name
        if (isinstance(current, dict) and part in current) or (
            isinstance(current, list) and isinstance(part, int) and part < len(current)
        ):
            current = current[part]
            path.append(part)
        elif index == len(loc) - 1 and isinstance(part, str) and isinstance(current, dict):
            path.append(part)
            return tuple(path), False
        # any other part is a tag pydantic adds for a union member: not in the data
    return tuple(path), True


def _problems_of(
    error: ValidationError, file: Path, located: _Located, model: type[BaseModel]
) -> list[Problem]:
    problems: list[Problem] = []
    seen: set[tuple[Path_, str]] = set()
    for detail in error.errors(include_url=False):
        path, exists = _data_path(detail["loc"], located.data)
        if detail["type"] == "extra_forbidden":
            where = located.keys.get(path) or located.values.get(path[:-1])
        elif exists:
            where = located.values.get(path)
        else:
            where = located.values.get(path[:-1])
        message = _message(detail, path, model)
        if (path, message) in seen:
            continue
        seen.add((path, message))
        line, column = where or (None, None)
        problems.append(Problem(file, line, column, format_path(path), message))
    return problems


_MESSAGES = {
    "missing": "champ obligatoire manquant",
    "string_type": "du texte est attendu ici",
    "int_parsing": "un nombre entier est attendu, pas « {input} »",
    "int_type": "un nombre entier est attendu",
    "bool_parsing": "oui ou non attendu, pas « {input} »",
    "date_from_datetime_parsing": "« {input} » n'est pas une date qui existe (écrivez AAAA-MM-JJ)",
    "date_parsing": "« {input} » n'est pas une date qui existe (écrivez AAAA-MM-JJ)",
    "date_type": "une date est attendue (AAAA-MM-JJ)",
    "list_type": "une liste est attendue (des lignes qui commencent par « - »)",
    "model_type": "des champs sont attendus ici (clé: valeur), pas « {input} »",
    "model_attributes_type": "des champs sont attendus ici (clé: valeur), pas « {input} »",
    "dict_type": "des champs sont attendus ici (clé: valeur)",
    "too_short": "ne peut pas être vide",
    "less_than_equal": "la valeur dépasse le maximum ({le})",
    "less_than": "la valeur doit être sous {lt}",
    "greater_than_equal": "la valeur est sous le minimum ({ge})",
    "greater_than": "la valeur doit être plus grande que {gt}",
    "float_parsing": "un nombre est attendu, pas « {input} »",
    "float_type": "un nombre est attendu",
    "finite_number": "un nombre fini est attendu, pas « {input} »",
    "bool_type": "oui ou non attendu",
    "string_too_short": "ne peut pas être vide",
    "value_error": "{error}",
    "string_pattern_mismatch": "« {input} » n'a pas la forme attendue",
    "string_too_long": "trop long : {max_length} caractères au plus",
    "union_tag_not_found": "le champ kind: manque : il dit de quelle sorte est la section",
}


def _message(detail: Any, path: Path_, model: type[BaseModel]) -> str:
    kind = detail["type"]
    # a bound written 200 reads 200, not 200.0
    context = {
        key: int(value) if isinstance(value, float) and value.is_integer() else value
        for key, value in (detail.get("ctx") or {}).items()
    }
    given = detail.get("input")
    if kind == "extra_forbidden":
        key = str(path[-1])
        names = _known_fields(model, detail["loc"])
        close = difflib.get_close_matches(key, names, n=1, cutoff=0.6)
        hint = f" : vouliez-vous dire « {close[0]} » ?" if close else ""
        known = f" (champs possibles : {', '.join(names)})" if names and not close else ""
        return f"clé inconnue « {key} »{hint}{known}"
    if kind == "value_error":
        return str(context.get("error", detail["msg"]))
    if kind == "union_tag_invalid":
        tags = str(context.get("expected_tags", "")).replace("'", "")
        return f"kind: « {context.get('tag')} » inconnu ; sortes possibles : {tags}"
    if kind == "literal_error":
        expected = str(context.get("expected", "")).replace("'", "").replace(" or ", ", ")
        return f"« {given} » n'est pas permis ; valeurs possibles : {expected}"
    if kind in ("string_type", "model_type", "dict_type") and given is None:
        return "la valeur est vide"
    if kind == "too_short" and context.get("min_length", 1) > 1:
        hint = " (un seul jour : écrivez date: AAAA-MM-JJ)" if path and path[-1] == "dates" else ""
        return f"au moins {context['min_length']} éléments sont attendus{hint}"
    if kind == "string_pattern_mismatch" and path and path[-1] == "slug":
        return (
            f"« {given} » n'est pas un identifiant : des minuscules sans accent, des chiffres "
            "et des tirets, comme mois-innovation-2021"
        )
    template = _MESSAGES.get(kind)
    if template is None:
        return str(detail["msg"])
    short = given if not isinstance(given, dict | list) else "…"
    return template.format(input=short, **context)


def _known_fields(root: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    """Return the keys the model accepts where pydantic found an unknown one."""
    current: Any = root
    for part in loc[:-1]:
        current = _step(current, part)
        if current is None:
            return []
    model = _first_model(current)
    if model is None:
        return []
    return [info.alias or name for name, info in model.model_fields.items()]


def _first_model(annotation: Any) -> type[BaseModel] | None:
    for candidate in _members(annotation):
        if isinstance(candidate, type) and issubclass(candidate, BaseModel):
            return candidate
    return None


def _members(annotation: Any) -> list[Any]:
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _members(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        return [m for arg in typing.get_args(annotation) for m in _members(arg)]
    return [annotation]


def _step(annotation: Any, part: Any) -> Any:
    for member in _members(annotation):
        if isinstance(member, type) and issubclass(member, BaseModel):
            for name, info in member.model_fields.items():
                if part in (name, info.alias):
                    return info.annotation
            kind = member.model_fields.get("kind")
            if kind is not None and part in typing.get_args(kind.annotation):
                return member
        elif typing.get_origin(member) is list and isinstance(part, int):
            return typing.get_args(member)[0]
    return None


def _images(value: Any, path: Path_) -> list[tuple[Path_, Image]]:
    found: list[tuple[Path_, Image]] = []
    if isinstance(value, Image):
        found.append((path, value))
    elif isinstance(value, BaseModel):
        for name, info in type(value).model_fields.items():
            found += _images(getattr(value, name), (*path, info.alias or name))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _images(item, (*path, index))
    return found


def _anchors(edition: Edition, file: Path, located: _Located) -> list[Problem]:
    """Check that each section has its own anchor and that each renvoi names one, located."""
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    for index, section in enumerate(edition.sections):
        anchor = section.anchor
        if anchor in seen:
            key = "id" if section.id else "heading"
            line, column = located.values.get(("sections", index, key), (None, None))
            problems.append(
                Problem(
                    file,
                    line,
                    column,
                    f"sections[{index}].{key}",
                    f"même identifiant « {anchor} » que sections[{seen[anchor]}] : donnez à "
                    "l'une des deux un id: à elle (des minuscules, des chiffres et des tirets)",
                )
            )
        seen.setdefault(anchor, index)
    known = ", ".join(sorted(seen)[:12]) + (" …" if len(seen) > 12 else "")
    for path, text in _texts_of(located.data, ()):
        for _, target in INLINE_LINK.findall(text):
            if target.startswith("#") and target[1:] not in seen:
                line, column = located.values.get(path, (None, None))
                problems.append(
                    Problem(
                        file,
                        line,
                        column,
                        format_path(path),
                        f"renvoi vers une section qui n'existe pas : {target} ; identifiants "
                        f"des sections : {known}",
                    )
                )
    return problems


def _texts_of(value: Any, path: Path_) -> Iterator[tuple[Path_, str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _texts_of(item, (*path, index))
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _texts_of(item, (*path, key))


# What both the PDF (WeasyPrint) and the DOCX (Word, LibreOffice) show: the three formats.
IMAGE_FORMATS = ("PNG", "JPEG", "GIF")


def _check_files(
    edition: Edition, file: Path, located: _Located
) -> tuple[list[Problem], dict[str, tuple[int, int]]]:
    """Open every image of the edition fully, once; return the problems and the sizes in pixels.

    One rule for every file the edition names: it resolves inside the edition's folder
    (edition.yaml itself may be a link to anywhere, its folder is the edition's).
    """
    folder = file.parent.resolve()
    problems = []
    sizes: dict[str, tuple[int, int]] = {}
    for path, image in _images(edition, ()):
        src_path = (*path, "src")
        line, column = located.values.get(src_path, (None, None))
        where = (file, line, column, format_path(src_path))
        try:
            target = (folder / image.src).resolve(strict=True)
        except FileNotFoundError:
            problems.append(Problem(*where, f"image introuvable : {image.src}"))
            continue
        except (OSError, RuntimeError):  # a loop of symbolic links, an unreadable folder
            problems.append(
                Problem(
                    *where, f"« {image.src} » ne mène à aucun fichier (lien symbolique en boucle ?)"
                )
            )
            continue
        if not target.is_relative_to(folder):
            message = f"« {image.src} » sort du dossier de l'édition (lien symbolique ?)"
        elif not target.is_file():
            message = f"« {image.src} » n'est pas un fichier"
        else:
            message, size = _read_image(target, image.src)
            if size is not None:
                sizes[image.src] = size
        if message:
            problems.append(Problem(*where, message))
    return problems, sizes


def _read_image(target: Path, src: str) -> tuple[str, tuple[int, int] | None]:
    """Decode an image whole, as the renderers will; say what stops them, or give its size."""
    from PIL import ImageFile  # Pillow comes with WeasyPrint; only images need it

    # WeasyPrint, once imported, tells Pillow to show truncated images (half grey): not here
    lenient, ImageFile.LOAD_TRUNCATED_IMAGES = ImageFile.LOAD_TRUNCATED_IMAGES, False
    try:
        return _open_image(target, src)
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = lenient


def _open_image(target: Path, src: str) -> tuple[str, tuple[int, int] | None]:
    from PIL import Image as Pillow
    from PIL.TiffImagePlugin import IFDRational

    convert = "enregistrez-la à nouveau en PNG ou en JPEG (Paint, Aperçu, GIMP…)"
    try:
        with Pillow.open(target) as picture:
            kind = picture.format or "inconnu"
            width, height = picture.size
            if kind not in IMAGE_FORMATS:
                return (
                    f"« {src} » est au format {kind}, que le PDF et le DOCX ne montrent pas "
                    f"tous deux : {convert}",
                    None,
                )
            if width * height >= MAX_IMAGE_PIXELS:
                return (
                    f"« {src} » est trop grande ({width} × {height} pixels) : réduisez-la sous "
                    f"{MAX_IMAGE_PIXELS // 1_000_000} millions de pixels"
                ), None
            # a resolution of 0/0 in its EXIF: Word's reader (python-docx) divides by it
            if any(
                isinstance(v, IFDRational) and v.denominator == 0
                for v in picture.getexif().values()
            ):
                return f"« {src} » enregistre une résolution nulle (0/0) : {convert}", None
            picture.load()  # decodes every pixel: a truncated file fails here, not half grey
    except Pillow.DecompressionBombError:
        return (
            f"« {src} » est trop grande : réduisez-la sous "
            f"{MAX_IMAGE_PIXELS // 1_000_000} millions de pixels",
            None,
        )
    except Exception as error:  # Pillow raises many kinds for a broken or foreign file
        return (
            f"« {src} » n'est pas une image lisible ({_image_fault(target, error)}) : {convert}",
            None,
        )
    return "", (width, height)


def _image_fault(target: Path, error: Exception) -> str:
    """Say in French what Pillow found wrong with an image file."""
    from PIL import UnidentifiedImageError

    if "truncated" in str(error):
        return "elle est tronquée"
    try:
        if target.stat().st_size == 0:
            return "le fichier est vide, 0 octet"
    except OSError:
        pass
    if isinstance(error, UnidentifiedImageError):
        return "format inconnu, ou fichier endommagé"
    return "fichier endommagé"


def _theme_file(edition: Edition, file: Path, located: _Located) -> list[Problem]:
    """Refuse an edition's theme that is missing, not a YAML file, or outside its folder."""
    if edition.theme is None:
        return []
    folder = file.parent.resolve()
    path = (folder / edition.theme).resolve()
    problem = None
    if not path.is_relative_to(folder):
        problem = (
            f"« {edition.theme} » mène hors du dossier de l'édition (un lien) : copiez-y le thème"
        )
    elif not path.is_file():
        problem = f"pas de fichier de thème « {edition.theme} » dans le dossier de l'édition"
    elif path.suffix.lower() not in (".yaml", ".yml"):
        problem = f"« {edition.theme} » : un thème est un fichier YAML (theme.yaml)"
    if problem is None:
        return []
    line, column = located.values.get(("theme",), (None, None))
    return [Problem(file, line, column, "theme", problem)]


def _warnings(edition: Edition, file: Path, located: _Located) -> list[Problem]:
    warnings = _carried_over(edition, file, located)
    period = edition.period
    for index, section in enumerate(edition.sections):
        if not isinstance(section, Calendar):
            continue
        if not section.events:
            where: Path_ = ("sections", index, "events")
            line, column = located.values.get(where, located.values.get(where[:2], (None, None)))
            warnings.append(
                Problem(
                    file,
                    line,
                    column,
                    format_path(where),
                    "ce calendrier n'a encore aucun événement (dossier import les y met)",
                    severity="warning",
                )
            )
        for number, event in enumerate(section.events):
            first, last = event.days
            outside = first > period.end or (last or first) < period.start
            if outside and not event.outside_period:
                path: Path_ = ("sections", index, "events", number)
                line, column = located.values.get(path, (None, None))
                warnings.append(
                    Problem(
                        file,
                        line,
                        column,
                        format_path(path),
                        f"l'événement du {first.isoformat()} est hors de la période de "
                        f"l'édition ({period.start.isoformat()} – {period.end.isoformat()}) : "
                        "corrigez sa date, ou, si elle est voulue, écrivez « outside_period: "
                        "true » dans l'événement",
                        severity="warning",
                    )
                )
    return warnings


# Texts a new edition keeps from the last one but must say anew: the foreword, the interview.
_YEARLY = {"edito": ("paragraphs", "pull_quote"), "interview": ("questions",)}


def _carried_over(edition: Edition, file: Path, located: _Located) -> list[Problem]:
    """Warn of a foreword or an interview still word for word the previous edition's."""
    previous = _previous_edition(file, edition.period.start.isoformat())
    if previous is None:
        return []
    older, other = previous
    texts = {text for section in older.get("sections") or [] for text in _yearly_texts(section)}
    warnings = []
    current = located.data.get("sections") if isinstance(located.data, dict) else None
    for index, section in enumerate(current or []):
        if not isinstance(section, dict) or section.get("kind") not in _YEARLY:
            continue
        if texts & set(_yearly_texts(section)):
            path: Path_ = ("sections", index)
            line, column = located.values.get(path, (None, None))
            warnings.append(
                Problem(
                    file,
                    line,
                    column,
                    format_path(path),
                    f"ce texte ({section.get('kind')}) est encore mot pour mot celui de "
                    f"l'édition précédente ({other.parent.name}) : réécrivez-le pour cette année",
                    severity="warning",
                )
            )
    return warnings


def _yearly_texts(section: Any) -> list[str]:
    if not isinstance(section, dict):
        return []
    found: list[str] = []

    def walk(value: Any) -> None:
        if isinstance(value, str) and len(value) > 40:  # a sentence, not a name or a date
            found.append(value)
        elif isinstance(value, list):
            for item in value:
                walk(item)
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)

    for key in _YEARLY.get(str(section.get("kind")), ()):
        walk(section.get(key))
    return found


def _previous_edition(file: Path, start: str) -> tuple[dict[str, Any], Path] | None:
    """Return the data of the latest edition beside this one that starts before it."""
    found: list[tuple[str, dict[str, Any], Path]] = []
    for other in sorted(file.resolve().parent.parent.glob(f"*/{EDITION_FILE}")):
        if other == file.resolve():
            continue
        try:  # read as carefully as this one: a neighbour may be anything
            data = _neighbour(other)
        except (OSError, DataError):
            continue  # a broken neighbour is its own check's business
        period = data.get("period") if isinstance(data, dict) else None
        begins = period.get("start") if isinstance(period, dict) else None
        if isinstance(begins, str) and begins < start:
            found.append((begins, data, other))
    if not found:
        return None
    _, data, other = max(found, key=lambda item: item[0])
    return data, other


# The editions beside one, as last read: the watch mode loads its edition at every save, and
# the neighbours seldom change. By path, with the size and time that tell a change.
_NEIGHBOURS: dict[Path, tuple[tuple[int, int, int], Any]] = {}


def _neighbour(file: Path) -> Any:
    status = file.stat()
    stamp = (status.st_ino, status.st_size, status.st_mtime_ns)
    kept = _NEIGHBOURS.get(file)
    if kept is not None and kept[0] == stamp:
        return kept[1]
    data = _read(file).data
    _NEIGHBOURS[file] = (stamp, data)
    return data
