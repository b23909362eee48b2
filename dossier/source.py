"""Edits of an edition.yaml made at the values' own places, so that the rest stays as written.

The file is read as PyYAML nodes, which know where each value starts and ends; an edit
replaces that stretch of text only, in the style the value was written in (plain, quoted,
folded `>-`…). Comments, key order, blank lines and the wrapping of untouched values stay
byte for byte. Every result is parsed again and compared with the data the edits should give:
an edit that would change anything else is refused, never written.
"""

from __future__ import annotations

import contextlib
import copy
import itertools
import math
import os
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import yaml

from dossier.errors import DataError, DossierError, display_path
from dossier.model import FieldPath, format_path

Value = str | list[str] | dict[str, str]
# libyaml's parser when PyYAML has it: the same nodes and marks, many times faster.
_LOADER: Any = getattr(yaml, "CBaseLoader", yaml.BaseLoader)
DEFAULT_WIDTH = 92  # the 2021 file's folded paragraphs wrap there


class SourceError(DossierError):
    """An edit cannot be made in the file as it is written."""


@dataclass(frozen=True)
class SetValue:
    """Give a field a new value (text, or a list of texts)."""

    path: FieldPath
    value: Value


@dataclass(frozen=True)
class RemoveKey:
    """Remove a key and its value from its mapping."""

    path: FieldPath


@dataclass(frozen=True)
class AddKey:
    """Add a key to a mapping, after another key (or at the end)."""

    mapping: FieldPath
    key: str
    value: Value
    after: str | None = None


@dataclass(frozen=True)
class RenameKey:
    """Replace a key and its value by another key and value, at the same place."""

    path: FieldPath
    key: str
    value: Value


@dataclass(frozen=True)
class InsertItem:
    """Insert an item into a list at an index; a text standing for a one-item list becomes one."""

    path: FieldPath
    index: int
    value: Value


@dataclass(frozen=True)
class DeleteItem:
    """Remove an item from its list."""

    path: FieldPath


Edit = SetValue | RemoveKey | AddKey | RenameKey | InsertItem | DeleteItem


@dataclass(frozen=True)
class _Replacement:
    start: int
    end: int
    text: str
    order: int  # edits at one place keep their order


def edit_text(text: str, edits: Sequence[Edit]) -> str:
    """Return the file's text with the edits made; refuse any that would change more."""
    root = yaml.compose(text, Loader=_LOADER)
    if root is None:
        raise SourceError("le fichier ne contient aucune donnée")
    editor = _Editor(text, root)
    for edit in edits:
        _refuse_shared(editor, edit)
    grouped: dict[FieldPath, list[InsertItem]] = {}
    replacements = []
    for order, edit in enumerate(edits):
        if isinstance(edit, InsertItem) and editor.rewritten_whole(edit.path):
            grouped.setdefault(edit.path, []).append(edit)
        else:
            replacements += editor.replace(edit, order)
    for order, (path, inserts) in enumerate(grouped.items(), start=len(edits)):
        node = editor.node(path)
        assert isinstance(node, yaml.SequenceNode)
        replacements.append(editor.rewrite_list(path, node, inserts, order))
    result = _apply(text, replacements)
    expected = _expected(_data(root), edits)
    try:
        got = _data(yaml.compose(result, Loader=_LOADER))
    except yaml.YAMLError as error:  # what the edit made does not read: never written
        raise SourceError(
            f"la modification rendrait le fichier illisible ({type(error).__name__}) : refusée"
        ) from None
    if got != expected:
        raise SourceError("la modification changerait d'autres valeurs du fichier : refusée")
    return result


def _refuse_shared(editor: _Editor, edit: Edit) -> None:
    """Refuse an edit of a value an anchor shares (&nom … *nom): it would change them all."""
    path = getattr(edit, "path", None)
    if path is None:
        path = getattr(edit, "mapping", None)
    if path is None:
        return
    for depth in range(len(path), -1, -1):  # the value, or what holds it
        try:
            node = editor.node(path[:depth])
        except SourceError:
            continue
        if editor.text.startswith("&", node.start_mark.index) or getattr(node, "anchor", None):
            name = editor.text[node.start_mark.index :].split(None, 1)[0]
            raise SourceError(
                f"{format_path(path)} : cette valeur est partagée par une ancre YAML ({name}, "
                f"reprise ailleurs par *{name[1:]}) : la modifier ici changerait aussi les "
                "autres ; reportez la modification à la main dans edition.yaml"
            )


def read_data(text: str) -> Any:
    """Return a file's values as they are written (all text), before any model reads them."""
    return _data(yaml.compose(text, Loader=_LOADER))


def write_edits(file: Path, edits: Sequence[Edit], check: Callable[[Path], object]) -> str:
    """Make the edits in a file; check the result (check raises) before it replaces the file."""
    return Transaction(file, check).commit(edits)


class Transaction:
    """One edit of an edition.yaml, as review, import and new make it.

    The file is read once; edits are tried on its text (`candidate`), checked as dossier check
    would check the file (`check`: written beside the file, so that images resolve as for the
    file itself, its warnings unsaid), and written once (`commit`) only if the file is still
    what was read: a refused or failed edit leaves it as it was, and nothing half-written. A
    symbolic link is written through (the shared file gets the change, the link stays), a file
    with other hard links is rewritten in place, its mode and owner are kept.
    """

    def __init__(self, file: Path, check: Callable[[Path], object]) -> None:
        self.file = Path(file)
        self.target = self.file.resolve()  # a symbolic link's file: what is written
        self._check = check
        self.raw = self.target.read_bytes()
        text = self.raw.decode("utf-8-sig")
        self.bom = "\ufeff" if self.raw.startswith(b"\xef\xbb\xbf") else ""
        self.newline = "\r\n" if "\r\n" in text else "\n"
        self.text = text.replace("\r\n", "\n")
        self._checked: set[str] = set()

    @property
    def data(self) -> Any:
        """Return the file's values as written (all text)."""
        return read_data(self.text)

    def candidate(self, edits: Sequence[Edit]) -> str:
        """Return the text the edits give; raise SourceError for one that cannot be made."""
        return edit_text(self.text, edits)

    def check(self, edits: Sequence[Edit]) -> str:
        """Return the text the edits give, checked; raise SourceError or the check's error.

        A DataError names the user's file, not the draft beside it.
        """
        result = self.candidate(edits)
        if result in self._checked:
            return result
        descriptor, temporary = tempfile.mkstemp(
            dir=self.file.parent, prefix=f".{self.file.name}.", suffix=".tmp"
        )
        try:
            with os.fdopen(descriptor, "w", encoding="utf-8") as stream:
                stream.write(result)
            try:
                self._check(Path(temporary))
            except DataError as error:
                problems = [
                    replace(p, file=self.file) if Path(p.file) == Path(temporary) else p
                    for p in error.problems
                ]
                raise DataError(problems) from None
        finally:
            Path(temporary).unlink(missing_ok=True)
        self._checked.add(result)
        return result

    def commit(self, edits: Sequence[Edit]) -> str:
        """Write the edits into the file, checked (once), as one replacement of the file."""
        result = self.check(edits)
        if self.target.read_bytes() != self.raw:
            raise SourceError(
                f"{display_path(self.file)} a été modifié pendant l'opération : rien n'est "
                "écrit ; relancez-la"
            )
        status = self.target.stat()
        # read-only as its owner set it: root could write it, but the user said no
        if not os.access(self.target, os.W_OK) or not status.st_mode & 0o222:
            raise SourceError(f"{display_path(self.file)} est en lecture seule : rien n'est écrit")
        content = (self.bom + result.replace("\n", self.newline)).encode("utf-8")
        if status.st_nlink > 1:  # other names share this file: replacing it would split them
            with open(self.target, "r+b") as stream:
                stream.write(content)
                stream.truncate()
                stream.flush()
                os.fsync(stream.fileno())
            return result
        descriptor, temporary = tempfile.mkstemp(
            dir=self.target.parent, prefix=f".{self.target.name}.", suffix=".tmp"
        )
        try:
            with os.fdopen(descriptor, "wb") as stream:
                stream.write(content)
                stream.flush()
                os.fsync(stream.fileno())
            os.chmod(temporary, status.st_mode & 0o7777)
            if hasattr(os, "chown") and (status.st_uid, status.st_gid) != (
                os.getuid(),
                os.getgid(),
            ):
                # not ours to give away: then the file becomes the writer's
                with contextlib.suppress(PermissionError):
                    os.chown(temporary, status.st_uid, status.st_gid)
            os.replace(temporary, self.target)
        finally:
            Path(temporary).unlink(missing_ok=True)
        self.raw = content
        return result


# --- Finding nodes ------------------------------------------------------------------------


class _Editor:
    """Turns edits into replacements of stretches of the original text."""

    def __init__(self, text: str, root: yaml.Node) -> None:
        self.text = text
        self.root = root

    def rewritten_whole(self, path: FieldPath) -> bool:
        """Tell whether new items of this list mean writing it again whole (a flow list)."""
        node = self.node(path)
        return isinstance(node, yaml.SequenceNode) and (node.flow_style or not node.value)

    def node(self, path: FieldPath) -> yaml.Node:
        node = self.root
        for part in path:
            node = _child(node, part, path)
        return node

    def entry(self, path: FieldPath) -> tuple[yaml.MappingNode, int]:
        """Return a key's mapping and the key's index among its entries."""
        mapping = self.node(path[:-1])
        if not isinstance(mapping, yaml.MappingNode):
            raise SourceError(f"{format_path(path[:-1])} n'est pas un groupe de champs")
        for index, (key, _) in enumerate(mapping.value):
            if key.value == path[-1]:
                return mapping, index
        raise SourceError(f"{format_path(path)} n'est pas dans le fichier")

    def replace(self, edit: Edit, order: int) -> list[_Replacement]:
        match edit:
            case SetValue():
                node = self.node(edit.path)
                if edit.value == [] and isinstance(node, yaml.SequenceNode) and node.value:
                    return [self.emptied(edit.path, node, order)]
                return [self.value(node, edit.value, order)]
            case RenameKey():
                mapping, index = self.entry(edit.path)
                key, node = mapping.value[index]
                new_key = _Replacement(key.start_mark.index, key.end_mark.index, edit.key, order)
                return [new_key, self.value(node, edit.value, order)]
            case RemoveKey():
                return [self.remove_key(edit.path, order)]
            case AddKey():
                return [self.add_key(edit, order)]
            case InsertItem():
                return [self.insert_item(edit, order)]
            case DeleteItem():
                return [self.delete_item(edit.path, order)]
        raise TypeError(edit)

    # --- values ---

    def value(self, node: yaml.Node, value: Value, order: int) -> _Replacement:
        """Replace a value in place, in the style it was written in."""
        start, end = node.start_mark.index, node.end_mark.index
        if isinstance(node, yaml.SequenceNode) and not node.flow_style:
            end = _content_end(self.text, start, end)
            items = value if isinstance(value, list) else [value]
            lines = [f"- {_inline(item)}" for item in items]
            return _Replacement(start, end, f"\n{' ' * node.start_mark.column}".join(lines), order)
        if isinstance(node, yaml.SequenceNode):
            return _Replacement(start, end, _flow(value), order)
        style = node.style if isinstance(node, yaml.ScalarNode) else None
        if style in (">", "|"):
            end = _content_end(self.text, start, end)
        indent, width = self.block_layout(node)
        return _Replacement(start, end, render(value, style, indent, width), order)

    def block_layout(self, node: yaml.Node) -> tuple[int, int]:
        """Return the indentation and the width a block value of this place is written at.

        A folded or literal value keeps its own; a new one goes two columns right of its key,
        or right after its dash.
        """
        text = self.text
        start, end = node.start_mark.index, node.end_mark.index
        if isinstance(node, yaml.ScalarNode) and node.style in (">", "|"):
            lines = [line for line in text[start:end].split("\n")[1:] if line.strip()]
            if lines:
                indent = min(len(line) - len(line.lstrip(" ")) for line in lines)
                width = max(len(line) for line in lines)
                return indent, max(width, 60) if node.style == ">" else DEFAULT_WIDTH
        before = text[text.rfind("\n", 0, start) + 1 : start]
        if before.rstrip().endswith("-"):  # a list item: its text starts after "- "
            return len(before), DEFAULT_WIDTH
        return len(before) - len(before.lstrip(" -")) + 2, DEFAULT_WIDTH

    def emptied(self, path: FieldPath, node: yaml.SequenceNode, order: int) -> _Replacement:
        """Write a list as `key: []`, from right after its key (its items and their comments go)."""
        mapping, index = self.entry(path)
        key = mapping.value[index][0]
        end = _content_end(self.text, node.start_mark.index, node.end_mark.index)
        if node.flow_style:
            return _Replacement(node.start_mark.index, node.end_mark.index, "[]", order)
        return _Replacement(key.end_mark.index, end, ": []", order)

    # --- keys ---

    def remove_key(self, path: FieldPath, order: int) -> _Replacement:
        mapping, index = self.entry(path)
        key, node = mapping.value[index]
        start = key.start_mark.index
        end = _content_end(self.text, node.start_mark.index, node.end_mark.index)
        line_start = self.text.rfind("\n", 0, start) + 1
        if self.text[line_start:start].strip() == "":  # the key starts its line: take the line
            newline = self.text.find("\n", end)
            return _Replacement(
                line_start, len(self.text) if newline < 0 else newline + 1, "", order
            )
        # "- key: value": the next key moves up to the dash, if nothing stands between them
        if index + 1 >= len(mapping.value):
            raise SourceError(f"{format_path(path)} : le seul champ de son élément de liste")
        following = mapping.value[index + 1][0].start_mark.index
        if self.text[end:following].strip():
            raise SourceError(f"{format_path(path)} : un commentaire suit, retrait refusé")
        return _Replacement(start, following, "", order)

    def add_key(self, edit: AddKey, order: int) -> _Replacement:
        mapping = self.node(edit.mapping)
        if not isinstance(mapping, yaml.MappingNode) or mapping.flow_style:
            raise SourceError(f"{format_path(edit.mapping)} n'est pas un groupe de champs")
        entries = mapping.value
        anchor = entries[-1]
        for key, node in entries:
            if key.value == edit.after:
                anchor = (key, node)
        key, node = anchor
        end = _content_end(self.text, node.start_mark.index, node.end_mark.index)
        newline = self.text.find("\n", end)
        position = len(self.text) if newline < 0 else newline + 1
        column = key.start_mark.column
        value = render(edit.value, None, column + 2)
        prefix = "" if newline >= 0 else "\n"
        return _Replacement(
            position, position, f"{prefix}{' ' * column}{edit.key}: {value}\n", order
        )

    # --- list items ---

    def insert_item(self, edit: InsertItem, order: int) -> _Replacement:
        node = self.node(edit.path)
        if isinstance(node, yaml.ScalarNode):  # `description: text` stands for a one-item list
            return self.scalar_to_list(edit, node, order)
        if not isinstance(node, yaml.SequenceNode):
            raise SourceError(f"{format_path(edit.path)} n'est pas une liste")
        if node.flow_style or not node.value:
            return self.rewrite_list(edit.path, node, [edit], order)
        column = node.value[0].start_mark.column - 2  # the dash's column
        sibling = node.value[min(edit.index, len(node.value) - 1)]
        style = getattr(sibling, "style", None)
        item = _item(edit.value, style, column)
        if edit.index < len(node.value):  # before an item: at the start of its dash line
            dash = self.text.rfind("\n", 0, node.value[edit.index].start_mark.index) + 1
            return _Replacement(dash, dash, item, order)
        last = node.value[-1]
        end = _content_end(self.text, last.start_mark.index, last.end_mark.index)
        newline = self.text.find("\n", end)
        position = len(self.text) if newline < 0 else newline + 1
        return _Replacement(position, position, ("" if newline >= 0 else "\n") + item, order)

    def rewrite_list(
        self, path: FieldPath, node: yaml.SequenceNode, edits: list[InsertItem], order: int
    ) -> _Replacement:
        """Write a flow list again whole with its new items: in flow, or as a block of entries."""
        inserts: dict[int, list[Any]] = {}
        for edit in edits:
            inserts.setdefault(edit.index, []).append(edit.value)
        items = _rebuild([_value(item) for item in node.value], inserts, set())
        if not any(isinstance(item, dict) for item in items):
            return _Replacement(node.start_mark.index, node.end_mark.index, _flow(items), order)
        mapping, index = self.entry(path)
        key = mapping.value[index][0]
        lines = "".join(_item(item, None, key.start_mark.column + 2) for item in items)
        return _Replacement(
            key.end_mark.index, node.end_mark.index, ":\n" + lines.rstrip("\n"), order
        )

    def scalar_to_list(self, edit: InsertItem, node: yaml.ScalarNode, order: int) -> _Replacement:
        items: list[Value] = [node.value]
        items.insert(edit.index, edit.value)
        mapping, index = self.entry(edit.path)
        key = mapping.value[index][0]
        column = key.start_mark.column + 2
        end = node.end_mark.index
        if node.style in (">", "|"):
            end = _content_end(self.text, node.start_mark.index, end)
        lines = "".join(_item(item, node.style, column) for item in items).rstrip("\n")
        return _Replacement(key.end_mark.index, end, ":\n" + lines, order)

    def delete_item(self, path: FieldPath, order: int) -> _Replacement:
        sequence = self.node(path[:-1])
        if not isinstance(sequence, yaml.SequenceNode) or not isinstance(path[-1], int):
            raise SourceError(f"{format_path(path)} n'est pas un élément de liste")
        items = sequence.value
        if sequence.flow_style:
            kept = [_value(item) for i, item in enumerate(items) if i != path[-1]]
            return _Replacement(
                sequence.start_mark.index, sequence.end_mark.index, _flow(kept), order
            )
        item = items[path[-1]]
        dash = self.text.rfind("\n", 0, item.start_mark.index) + 1
        end = _content_end(self.text, item.start_mark.index, item.end_mark.index)
        newline = self.text.find("\n", end)
        return _Replacement(dash, len(self.text) if newline < 0 else newline + 1, "", order)


def _child(node: yaml.Node, part: str | int, path: FieldPath) -> yaml.Node:
    if isinstance(part, int) and isinstance(node, yaml.SequenceNode) and part < len(node.value):
        return node.value[part]
    if isinstance(part, str) and isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if key.value == part:
                return value
    raise SourceError(f"{format_path(path)} n'est pas dans le fichier")


def _content_end(text: str, start: int, end: int) -> int:
    """Return where a value's text ends, before the blank lines a block value swallows."""
    while end > start and text[end - 1] in " \n":
        end -= 1
    return end


# --- Writing values -----------------------------------------------------------------------


def render(value: Value, style: str | None, indent: int, width: int = DEFAULT_WIDTH) -> str:
    """Write a value as YAML that reads back as exactly that value, in the asked style if it can.

    `style` is PyYAML's: None (plain), "'", '"', ">" (folded) or "|" (literal).
    """
    if isinstance(value, list):
        return _flow(value)
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_inline(v)}" for k, v in value.items()) + "}"
    candidates = {
        ">": lambda: _folded(value, indent, width),
        "|": lambda: _literal(value, indent),
        "'": lambda: "'" + value.replace("'", "''") + "'",
        None: lambda: value,
    }
    for candidate in (candidates.get(style, candidates[None]), candidates[None]):
        written = candidate()
        if written is not None and _reads_back(written, value, indent):
            return written
    return _double_quoted(value)


def _inline(value: Value) -> str:
    """Write a value on one line: plain if it reads back, else double-quoted."""
    if isinstance(value, list):
        return _flow(value)
    if isinstance(value, dict):
        return render(value, None, 0)
    return value if _reads_back(value, value, 0) else _double_quoted(value)


def _flow(values: object) -> str:
    items: list[Any] = values if isinstance(values, list) else [values]
    parts = []
    for item in items:
        text = _inline(item)
        # inside [ ], a plain value may not hold , [ ] { }
        if isinstance(item, str) and any(c in item for c in ",[]{}") and text == item:
            text = _double_quoted(item)
        parts.append(text)
    return "[" + ", ".join(parts) + "]"


def _item(value: Any, style: str | None, column: int) -> str:
    """Write one block-list item at a dash column, with its newline."""
    if isinstance(value, dict):
        lines = [line for key, text in value.items() for line in _entry(key, text, column + 2)]
        lines[0] = f"{' ' * column}- {lines[0].lstrip()}"
        return "\n".join(lines) + "\n"
    written = render(value, style, column + 2)
    return f"{' ' * column}- {written}\n"


def _entry(key: str, value: Any, column: int) -> list[str]:
    """Write `key: value` at a column, a long text folded, a list of long texts as a block."""
    head = f"{' ' * column}{key}:"
    if isinstance(value, str):
        long = column + len(key) + 2 + len(value) > DEFAULT_WIDTH
        return f"{head} {render(value, '>' if long else None, column + 2)}".split("\n")
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        flow = _flow(value)
        if column + len(key) + 2 + len(flow) <= DEFAULT_WIDTH:
            return [f"{head} {flow}"]
        return [head, *_item_lines(value, column + 2)]
    if isinstance(value, dict):
        return [head] + [line for k, v in value.items() for line in _entry(k, v, column + 2)]
    return [f"{head} {_inline(value)}"]


def _item_lines(items: list[Any], column: int) -> list[str]:
    lines: list[str] = []
    for item in items:
        long = isinstance(item, str) and column + 2 + len(item) > DEFAULT_WIDTH
        lines += _item(item, ">" if long else None, column).rstrip("\n").split("\n")
    return lines


def _folded(value: str, indent: int, width: int = DEFAULT_WIDTH) -> str | None:
    if not value or "\n" in value or "  " in value or value != value.strip() or "\t" in value:
        return None
    lines: list[str] = []
    line = ""
    for word in value.split(" "):
        if line and indent + len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    lines.append(line)
    return ">-\n" + "\n".join(" " * indent + part for part in lines)


def _literal(value: str, indent: int) -> str | None:
    if (
        not value
        or value != value.rstrip("\n")
        or any(part != part.rstrip() for part in value.split("\n"))
    ):
        return None
    return "|-\n" + "\n".join(" " * indent + part for part in value.split("\n"))


def _double_quoted(value: str) -> str:
    written = yaml.dump(value, default_style='"', allow_unicode=True, width=math.inf)
    return written.rstrip("\n").removesuffix("\n...").rstrip("\n")


def _reads_back(written: str, value: str, indent: int) -> bool:
    if "\n" in written and not written.startswith((">", "|")):
        return False
    document = "key: " + written.replace("\n" + " " * indent, "\n  ") + "\n"
    try:
        node = yaml.compose(document, Loader=_LOADER)
    except yaml.YAMLError:
        return False
    if not isinstance(node, yaml.MappingNode) or len(node.value) != 1:
        return False
    scalar = node.value[0][1]
    return isinstance(scalar, yaml.ScalarNode) and scalar.value == value


# --- Applying and checking ----------------------------------------------------------------


def _apply(text: str, replacements: list[_Replacement]) -> str:
    ordered = sorted(replacements, key=lambda r: (r.start, r.end, r.order))
    for before, after in itertools.pairwise(ordered):
        if after.start < before.end:
            raise SourceError("deux modifications portent sur le même passage du fichier")
    result = []
    position = 0
    for replacement in ordered:
        result.append(text[position : replacement.start])
        result.append(replacement.text)
        position = replacement.end
    result.append(text[position:])
    return "".join(result)


def _data(node: yaml.Node | None) -> Any:
    if isinstance(node, yaml.ScalarNode):
        return node.value
    if isinstance(node, yaml.SequenceNode):
        return [_data(item) for item in node.value]
    if isinstance(node, yaml.MappingNode):
        return {key.value: _data(value) for key, value in node.value}
    return None


def _value(node: yaml.Node) -> Value:
    data = _data(node)
    return data if isinstance(data, str | list | dict) else ""


def _expected(data: Any, edits: Sequence[Edit]) -> Any:
    """Apply the edits to the plain data: what the edited file must read as.

    Every path names a place in the file as it was before the edits: values and keys change
    first, then each list is rebuilt from its original items, deepest lists first.
    """
    result = copy.deepcopy(data)

    def at(path: FieldPath) -> Any:
        target = result
        for part in path:
            target = target[part]
        return target

    lists: dict[FieldPath, tuple[dict[int, list[Value]], set[int]]] = {}
    for edit in edits:
        match edit:
            case SetValue():
                at(edit.path[:-1])[edit.path[-1]] = copy.deepcopy(edit.value)
            case RemoveKey():
                del at(edit.path[:-1])[edit.path[-1]]
            case AddKey():
                at(edit.mapping)[edit.key] = copy.deepcopy(edit.value)
            case RenameKey():
                mapping = at(edit.path[:-1])
                renamed = [
                    (edit.key, copy.deepcopy(edit.value)) if key == edit.path[-1] else (key, value)
                    for key, value in mapping.items()
                ]
                mapping.clear()
                mapping.update(renamed)
            case InsertItem():
                inserts, _ = lists.setdefault(edit.path, ({}, set()))
                inserts.setdefault(edit.index, []).append(copy.deepcopy(edit.value))
            case DeleteItem():
                _, deletes = lists.setdefault(edit.path[:-1], ({}, set()))
                deletes.add(int(edit.path[-1]))
    for path in sorted(lists, key=len, reverse=True):
        inserts, deletes = lists[path]
        current = at(path)
        items: list[Any] = current if isinstance(current, list) else [current]
        at(path[:-1])[path[-1]] = _rebuild(items, inserts, deletes)
    return result


def _rebuild(items: list[Any], inserts: dict[int, list[Any]], deletes: set[int]) -> list[Any]:
    """Return a list with items inserted before the original indices given, some deleted."""
    rebuilt: list[Any] = []
    for index in range(len(items) + 1):
        rebuilt += inserts.get(index, [])
        if index < len(items) and index not in deletes:
            rebuilt.append(items[index])
    return rebuilt
