"""Writing a plan edited in a form back to its YAML file, changing only what was edited.

Plan files are written by hand, with comments, folded paragraphs and the spellings an
author chose ("SEMH", "VI"). A person who opens a plan in the builder and saves it
expects the same file back, and after a small edit a small difference. So the file is
read with ruamel.yaml, which keeps comments, quotes and layout, and only the values whose
meaning changed are replaced: a value is compared as the plan model reads it, so "SEMH"
stays "SEMH" while it still means the same area of need.

PyYAML reads the files back (see :mod:`ehcp_kit.loaders`) under YAML 1.1, where ``1:1``
is a number and ``yes`` is true, so new text that PyYAML would read as anything but text
is quoted.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.constructor import RoundTripConstructor
from ruamel.yaml.emitter import RoundTripEmitter
from ruamel.yaml.error import YAMLError as RuamelError
from ruamel.yaml.representer import RoundTripRepresenter
from ruamel.yaml.scalarstring import (
    DoubleQuotedScalarString,
    FoldedScalarString,
    LiteralScalarString,
    SingleQuotedScalarString,
)

from ..errors import EhcpKitError
from ..loaders import PLAN_SUFFIXES, plan_to_yaml
from ..plan import Plan

__all__ = ["PlanFileError", "plan_file_path", "plan_yaml", "save_plan"]

# New paragraphs are folded so that lines stay near 88 columns at the usual indents.
_FOLD_WIDTH = 76
_BOM = "\ufeff"
_YAML_SUFFIXES = (".yaml", ".yml")
_NOT_IN_WINDOWS_NAMES = frozenset('<>:"|?*')
_WINDOWS_DEVICE = re.compile(r"(?i)(?:con|prn|aux|nul|com\d|lpt\d)(?:\..*)?")


class PlanFileError(EhcpKitError, ValueError):
    """A plan file name that cannot be used, such as one outside the plans folder."""


# ---------------------------------------------------------------------------------------
# Where plans are saved
# ---------------------------------------------------------------------------------------


def plan_file_path(folder: str | Path, name: str, *, reading: bool = False) -> Path:
    """The file ``name`` in the plans ``folder``, refusing any name that leaves it.

    A name is a bare file name ending in ``.yaml`` or ``.yml`` (``.yaml`` is added when
    there is no ending; ``.json`` is accepted too when ``reading``); folders, ``..`` and
    hidden files are refused, so a form cannot reach files elsewhere on the machine.
    """
    name = name.strip()
    if not name:
        raise PlanFileError("give the plan a file name, such as 'plan.yaml'")
    if "/" in name or "\\" in name or name in (".", "..") or name.startswith("."):
        raise PlanFileError(f"{name!r} is not a plain file name: leave out folders, '..' "
                            "and a leading '.'")
    # Plans folders are often shared with Windows machines, which cannot hold these.
    awkward = sorted({character for character in name
                      if character in _NOT_IN_WINDOWS_NAMES or not character.isprintable()})
    if awkward:
        shown = " ".join(repr(character) for character in awkward)
        raise PlanFileError(f"{name!r} holds characters a file name cannot have on every "
                            f"computer ({shown}); use letters, digits, spaces, '-' and '_'")
    if _WINDOWS_DEVICE.fullmatch(name):
        raise PlanFileError(f"{name!r} is a name Windows keeps for a device; choose another")
    suffix = Path(name).suffix.lower()
    if suffix not in (PLAN_SUFFIXES if reading else _YAML_SUFFIXES):
        if reading:
            raise PlanFileError(f"{name!r} is not a plan file (.yaml, .yml or .json)")
        if suffix in PLAN_SUFFIXES:
            raise PlanFileError(f"{name!r}: the builder saves YAML; end the name in .yaml")
        name += ".yaml"

    root = Path(folder).resolve()
    path = (root / name).resolve()
    if path.parent != root:  # a link to a file elsewhere
        doing = "read from" if reading else "saved"
        raise PlanFileError(f"{name!r} would be {doing} outside the plans folder {str(root)!r}")
    return path


def save_plan(plan: Plan, folder: str | Path, name: str, original: str | None = None) -> Path:
    """Write ``plan`` as YAML to ``name`` in ``folder``; return the path written.

    ``original`` is the text of the file the plan was opened from, if any: its comments
    and layout are kept (see :func:`plan_yaml`). The file is written whole, through a
    temporary file and a rename, so a failed save leaves the old file as it was.
    """
    path = plan_file_path(folder, name)
    text = plan_yaml(plan, original)

    temporary = path.with_name(f".{path.name}.saving")
    temporary.write_bytes(text.encode("utf-8"))
    temporary.replace(path)
    return path


# ---------------------------------------------------------------------------------------
# The YAML text
# ---------------------------------------------------------------------------------------


def plan_yaml(plan: Plan, original: str | None = None) -> str:
    """The plan as YAML text, keeping the comments and layout of ``original``.

    With no ``original`` this is :func:`ehcp_kit.loaders.plan_to_yaml`. With one, the
    original is read, every value whose meaning differs from ``plan`` is replaced and the
    rest left exactly as written, so an unchanged plan gives back the same text (and the
    same byte-order mark and line endings).
    """
    if original is None:
        return plan_to_yaml(plan)

    bom = _BOM if original.startswith(_BOM) else ""
    crlf = "\r\n" in original
    text = original.removeprefix(_BOM).replace("\r\n", "\n")

    # What the file meant as the loader reads it, and what the plan means now.
    before = Plan.model_validate(yaml.safe_load(text)).model_dump(mode="json",
                                                                  exclude_defaults=True)
    after = plan.model_dump(mode="json", exclude_defaults=True)

    round_trip = _round_trip()
    try:
        document = round_trip.load(text)
    except RuamelError:  # PyYAML read it, ruamel.yaml cannot: write the plan afresh
        return plan_to_yaml(plan)
    if not isinstance(document, CommentedMap):
        return plan_to_yaml(plan)
    _merge_mapping(document, before, after)

    out = io.StringIO()
    round_trip.dump(document, out)
    result = out.getvalue()
    return bom + (result.replace("\n", "\r\n") if crlf else result)


class _WrappedPlain(str):
    """Plain text that the file spread over several lines, with each line as written."""

    lines: tuple[str, ...]
    indents: tuple[int, ...]


class _Constructor(RoundTripConstructor):
    """Reads plain text spread over several lines as :class:`_WrappedPlain`."""

    def construct_scalar(self, node: Any) -> Any:
        value = super().construct_scalar(node)
        if node.style is None and type(value) is str and node.start_mark.line != node.end_mark.line:
            return _wrapped_plain(value, node) or value
        return value


def _wrapped_plain(value: str, node: Any) -> _WrappedPlain | None:
    """The line breaks of a plain scalar, or ``None`` when the source cannot be rebuilt."""
    buffer = getattr(node.start_mark, "buffer", None)
    if buffer is None:
        return None
    source = buffer[node.start_mark.index:node.end_mark.index]
    raw_lines = source.split("\n")
    lines = [raw_lines[0].rstrip(" ")] + [line.strip(" ") for line in raw_lines[1:]]
    if not all(lines) or " ".join(lines) != value:
        return None
    wrapped = _WrappedPlain(value)
    wrapped.lines = tuple(lines)
    wrapped.indents = tuple(len(line) - len(line.lstrip(" ")) for line in raw_lines[1:])
    return wrapped


class _Emitter(RoundTripEmitter):
    """Writes :class:`_WrappedPlain` text back on the lines it was read from."""

    def write_plain(self, text: Any, split: Any = True) -> None:
        if not isinstance(text, _WrappedPlain):
            super().write_plain(text, split)
            return
        super().write_plain(text.lines[0], split=False)
        for indent, line in zip(text.indents, text.lines[1:], strict=True):
            self.write_line_break()
            self.stream.write(" " * indent + line)
            self.column = indent + len(line)


class _Representer(RoundTripRepresenter):
    """Writes ``None`` as ``null``, as the hand-written plans do, not as nothing."""


_Representer.add_representer(
    type(None), lambda dumper, _: dumper.represent_scalar("tag:yaml.org,2002:null", "null")
)
_Representer.add_representer(
    _WrappedPlain, lambda dumper, text: dumper.represent_scalar("tag:yaml.org,2002:str", text)
)


def _round_trip() -> YAML:
    # Indents as the plans are written: lists indented under their key ("  - id: N1").
    round_trip = YAML()
    round_trip.Constructor = _Constructor
    round_trip.Emitter = _Emitter
    round_trip.Representer = _Representer
    round_trip.preserve_quotes = True
    round_trip.indent(mapping=2, sequence=4, offset=2)
    round_trip.width = 4096  # never re-wrap lines an author wrapped (or did not)
    round_trip.allow_unicode = True
    return round_trip


# ---------------------------------------------------------------------------------------
# Replacing what changed
# ---------------------------------------------------------------------------------------


def _merge_mapping(node: CommentedMap, before: Mapping[str, Any], after: Mapping[str, Any]) -> None:
    """Bring ``node`` (read from the file) from meaning ``before`` to meaning ``after``."""
    for key, value in after.items():
        if key in before and before[key] == value and key in node:
            continue
        if key in node:
            node[key] = _merge_value(node[key], before.get(key), value)
        else:
            node.insert(_position_for(node, key, after), key, _fresh(value))

    # A field set back to its default is left out, as plan_to_yaml leaves it out.
    for key in [key for key in before if key not in after and key in node]:
        del node[key]


def _position_for(node: CommentedMap, key: str, after: Mapping[str, Any]) -> int:
    """Where a new key goes: after the last key that comes before it in the model."""
    keys = list(after)
    earlier = keys[: keys.index(key)]
    present = [index for index, existing in enumerate(node) if existing in earlier]
    return present[-1] + 1 if present else 0


def _merge_value(node: Any, before: Any, after: Any) -> Any:
    if isinstance(after, dict) and isinstance(node, CommentedMap) and isinstance(before, dict):
        _merge_mapping(node, before, after)
        return node
    if isinstance(after, list) and isinstance(node, CommentedSeq) and isinstance(before, list):
        _merge_sequence(node, before, after)
        return node
    if before == after:
        return node
    return _fresh(after, like=node)


def _merge_sequence(node: CommentedSeq, before: list[Any], after: list[Any]) -> None:
    """Match the new items with the old ones (by id, then by value, then by place)."""
    if before == after:
        return
    if len(node) != len(before):  # the file's list and its meaning do not line up
        node[:] = [_fresh(item) for item in after]
        return

    def key(item: Any) -> Any:
        return item.get("id") if isinstance(item, dict) else None

    used: set[int] = set()
    matched: list[int | None] = []
    for item in after:
        found = next((index for index, old in enumerate(before) if index not in used
                      and key(old) is not None and key(old) == key(item)), None)
        if found is None:
            found = next((index for index, old in enumerate(before)
                          if index not in used and old == item), None)
        matched.append(found)
        if found is not None:
            used.add(found)

    # Items not matched by id or value take the place of an unmatched old one (an edit).
    spare = [index for index in range(len(before)) if index not in used
             and key(before[index]) is None]
    for position, found in enumerate(matched):
        if found is None and spare and key(after[position]) is None:
            matched[position] = spare.pop(0)

    items = [
        _fresh(item) if found is None else _merge_value(node[found], before[found], item)
        for item, found in zip(after, matched, strict=True)
    ]
    if matched != list(range(len(node))):
        node.ca.items.clear()  # comments on items would land on the wrong ones
    node[:] = items


def _fresh(value: Any, like: Any = None) -> Any:
    """A new YAML value, written in the style the plans use."""
    if isinstance(value, dict):
        mapping = CommentedMap()
        for key, item in value.items():
            mapping[key] = _fresh(item)
        return mapping
    if isinstance(value, list):
        sequence = CommentedSeq(_fresh(item) for item in value)
        short = all(isinstance(item, str) and len(item) < 40 for item in value)
        flow = like.fa.flow_style() if isinstance(like, CommentedSeq) else short and value
        if flow:
            sequence.fa.set_flow_style()
        return sequence
    if isinstance(value, str):
        return _text(value, like)
    return value


def _text(value: str, like: Any) -> Any:
    """Text in the plans' style: a block for several lines, folded when long, else plain."""
    if _needs_escapes(value):
        return DoubleQuotedScalarString(value)
    if "\n" in value:
        return LiteralScalarString(value)
    if len(value) > _FOLD_WIDTH and not _has_awkward_spaces(value):
        return _folded(value)
    if isinstance(like, SingleQuotedScalarString | DoubleQuotedScalarString):
        return type(like)(value)
    if _read_as(value) != "tag:yaml.org,2002:str":
        return DoubleQuotedScalarString(value)
    return value


def _needs_escapes(value: str) -> bool:
    # YAML reads U+0085, U+2028 and U+2029 as line breaks and forbids most control
    # characters outside double quotes, where they can be written as escapes.
    return any(character in "\x85\u2028\u2029"
               or (not character.isprintable() and character not in "\n\t")
               for character in value)


def _has_awkward_spaces(value: str) -> bool:
    # Folding turns a line break into one space, so double spaces must stay on one line.
    return "  " in value or value != value.strip()


def _folded(value: str) -> FoldedScalarString:
    """Folded text (``>-``) with line breaks at spaces, at most about 76 characters a line."""
    folded = FoldedScalarString(value)
    positions = []
    line_start = 0
    last_space = None
    for index, character in enumerate(value):
        if character == " ":
            last_space = index
        if index - line_start >= _FOLD_WIDTH and last_space is not None and last_space > line_start:
            positions.append(last_space)
            line_start = last_space + 1
            last_space = None
    folded.fold_pos = positions  # type: ignore[attr-defined]
    return folded


_RESOLVER = yaml.SafeLoader("")


def _read_as(value: str) -> str:
    """The tag PyYAML (the loader's YAML 1.1) gives ``value`` written plain."""
    return _RESOLVER.resolve(yaml.ScalarNode, value, (True, False))

