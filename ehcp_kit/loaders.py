"""Read analysts' data into plans: one YAML or JSON file per child, or a workbook.

Three inputs are understood.

**A plan file** (``.yaml``, ``.yml`` or ``.json``) holds one child's plan in the shape of
``Plan.model_dump(mode="json")``: ``child``, ``plan_date``, ``needs``, ``outcomes``,
``provision`` and so on. :func:`plan_to_yaml` writes that shape, so a plan can be
exported, edited by hand and read back.

**A workbook** (``.xlsx``), as a case-management system would export it, has one sheet
per kind of record, joined by ids. **A folder of CSV files** holds the same sheets as
``children.csv``, ``needs.csv`` and so on (UTF-8, with or without a byte-order mark).
The columns, in any order (the required ones come before the semicolon):

- ``children``: child_id, name, date_of_birth, plan_date; year_group_override, pronouns,
  aspirations (one per line), upn, nhs_number, authority, review_date, status (draft or
  final).
- ``needs``: child_id, need_id, area; description.
- ``outcomes``: child_id, outcome_id, text; need_ids, timescale, target_date, long_term
  (yes or no), preparing_for_adulthood (areas separated by ``;``),
  what_success_looks_like, how_measured, when_measured, who_measures.
- ``steps``: child_id, outcome_id, text; target.
- ``provision``: child_id, provision_id, what; section (F, G, H1 or H2), who, how_often,
  how_long, group_size, period, need_ids, outcome_ids, resources_what, resources_source.
- ``success_criteria``: child_id, outcome_id; what_success_looks_like, how_measured,
  when_measured, who_measures.

``children``, ``needs``, ``outcomes`` and ``provision`` must be there; ``steps`` and
``success_criteria`` may be left out. The four success-criteria columns of an outcome row
are its first criterion; each ``success_criteria`` row adds another. Lists of ids
(``need_ids``, ``outcome_ids``) are written in one cell, separated by commas.
Header cells are matched ignoring case and surrounding spaces, and a space or hyphen
inside a header counts as ``_`` ("Child ID" is ``child_id``). A column the loader does
not know is refused rather than dropped, so that a misspelt header cannot lose data.
Dates may be real spreadsheet dates, ``2026-07-31`` or ``31/07/2026``. ``status`` and
``section`` may be written in any case ("Final", "f"). Rows are numbered as a spreadsheet
shows them (the header is row 1); blank rows are skipped.

Faults are reported, never guessed around. A fault in the layout (a missing sheet or
required column, a sheet whose name looks misspelt ("step"), two sheets read as one,
merged cells, a CSV file that is not UTF-8 or not separated by commas, plan files beside
CSV sheets) stops the whole file with a :class:`~ehcp_kit.errors.DataError`.
A fault in one child's data (an unknown area of need, a need id that does not exist, a
date that is not a date, a cell showing ``#N/A``, a value in no column) is recorded
against that child, with every other fault of that child, and the other children load as
usual. So are child ids that differ only in case, whose folders would be one folder on
Windows and macOS, and a key given twice in a plan file.

:func:`open_batch` reads an input one child at a time, so that a batch of any size holds
one child's plan at a time: it knows how many children there are, and every fault that
involves more than one child, before the first plan is validated. :func:`load_batch`
gives every child at once, for inputs small enough to hold whole.
"""

from __future__ import annotations

import csv
import difflib
import json
import logging
import pickle
import re
import sqlite3
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any, NamedTuple

import yaml
from pydantic import TypeAdapter, ValidationError

from ._fields import DateField, _split_ids
from .errors import DataError, EhcpKitError, Location
from .plan import Plan
from .timescales import age_on

__all__ = [
    "PLAN_SUFFIXES",
    "SHEETS",
    "BatchInput",
    "LoadedChild",
    "load_batch",
    "load_plan",
    "open_batch",
    "plan_to_yaml",
]

logger = logging.getLogger("ehcp_kit")

PLAN_SUFFIXES = (".yaml", ".yml", ".json")
# The oldest a young person can be while their plan lasts (to the end of the school year
# in which they turn 25: Children and Families Act 2014, s46).
MAX_AGE = 25

# For each sheet: its required columns, then its optional ones.
SHEETS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "children": (
        ("child_id", "name", "date_of_birth", "plan_date"),
        (
            "year_group_override", "pronouns", "aspirations", "upn", "nhs_number",
            "authority", "review_date", "status",
        ),
    ),
    "needs": (("child_id", "need_id", "area"), ("description",)),
    "outcomes": (
        ("child_id", "outcome_id", "text"),
        (
            "need_ids", "timescale", "target_date", "long_term", "preparing_for_adulthood",
            "what_success_looks_like", "how_measured", "when_measured", "who_measures",
        ),
    ),
    "steps": (("child_id", "outcome_id", "text"), ("target",)),
    "provision": (
        ("child_id", "provision_id", "what"),
        (
            "section", "who", "how_often", "how_long", "group_size", "period", "need_ids",
            "outcome_ids", "resources_what", "resources_source",
        ),
    ),
    "success_criteria": (
        ("child_id", "outcome_id"),
        ("what_success_looks_like", "how_measured", "when_measured", "who_measures"),
    ),
}
REQUIRED_SHEETS = ("children", "needs", "outcomes", "provision")
# The order in which a child's rows are joined into one plan: sheet by sheet, in this order.
_JOINED_SHEETS = ("children", "needs", "outcomes", "steps", "success_criteria", "provision")
_JOIN_ORDER = {name: number for number, name in enumerate(_JOINED_SHEETS)}

_CRITERION_PARTS = ("what_success_looks_like", "how_measured", "when_measured", "who_measures")
_DATE_COLUMNS = frozenset({"date_of_birth", "plan_date", "review_date", "target_date"})
_DATE_ADAPTER: TypeAdapter[date] = TypeAdapter(DateField)
_CASE_FREE_COLUMNS: dict[str, Callable[[str], str]] = {"status": str.lower, "section": str.upper}

# A path inside a plan's data, as pydantic reports it: ("outcomes", 2, "need_ids").
DataPath = tuple[str | int, ...]
Problem = tuple[Location, str]


@dataclass
class LoadedChild:
    """One child read from a batch input: the plan, or every fault that stopped it."""

    child_id: str
    source: str
    plan: Plan | None
    problems: list[Problem] = field(default_factory=list)


class BatchInput:
    """The children of one batch input, each read and validated only when it is reached.

    ``len()`` is the number of children, known as soon as the input is opened. Iterating
    gives one :class:`LoadedChild` at a time, in input order, and keeps none of them, so
    a batch holds one child's plan (or a few) however many children there are.
    Iterating again reads the children again.
    """

    def __init__(self, path: Path, keys: Sequence[Any],
                 load: Callable[[Any], LoadedChild]) -> None:
        self.path = path
        self._keys = keys  # one small key per child, which ``load`` turns into the child
        self._load = load

    def __len__(self) -> int:
        return len(self._keys)

    def __iter__(self) -> Iterator[LoadedChild]:
        faulty = 0
        for key in self._keys:
            child = self._load(key)
            faulty += child.plan is None
            yield child
            del child  # no hold on a child while the next one is read
        logger.info("loaded %d children from %s, %d with faults", len(self._keys),
                    self.path.name, faulty)

    def __repr__(self) -> str:
        return f"<BatchInput {self.path.name!r}: {len(self)} children>"


# Plan files (YAML and JSON).


def load_plan(path: str | Path) -> Plan:
    """Read one child's plan from a YAML or JSON file.

    Raises :class:`DataError` listing every fault found in the file, each with the field
    it is in (``outcomes[2].need_ids``), so the whole file can be fixed in one go.
    """
    path = Path(path)
    data = _read_plan_file(path)
    plan, problems = _validate(data, lambda at: Location(path.name, field=_dotted(at)))
    if plan is None:
        raise DataError(problems, child_id=_child_id_in(data))
    return plan


def plan_to_yaml(plan: Plan) -> str:
    """The plan as YAML that :func:`load_plan` reads back to an equal plan.

    Fields left at their default are left out to keep the file short enough to edit by
    hand; text of several lines is written as a block, as a person would write it.
    """
    data = plan.model_dump(mode="json", exclude_defaults=True)
    return yaml.dump(
        data, Dumper=_PlanDumper, allow_unicode=True, sort_keys=False, width=88
    )


class _PlanDumper(yaml.SafeDumper):
    """A safe dumper that indents lists and writes text of several lines as a block."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def _represent_text(dumper: yaml.SafeDumper, text: str) -> yaml.ScalarNode:
    style = "|" if "\n" in text else None
    if "\x85" in text:  # YAML reads a bare U+0085 as a line break, so it must be escaped
        style = '"'
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style=style)


_PlanDumper.add_representer(str, _represent_text)


def _read_plan_file(path: Path, yaml_loader: type[yaml.SafeLoader] | None = None) -> Any:
    """The data in a YAML or JSON file; a syntax error names the line it is on."""
    try:
        text = _read_text(path, Location(path.name))
    except OSError as error:
        message = f"cannot read the file: {error.strerror}"
        raise DataError([(Location(path.name), message)]) from error

    if path.suffix.lower() == ".json":
        try:
            data = json.loads(text, object_pairs_hook=_refuse_repeated_keys)
        except json.JSONDecodeError as error:
            message = f"not valid JSON at line {error.lineno}, column {error.colno}: {error.msg}"
            if text[:error.pos].rstrip().endswith(","):
                message += " (a comma before a closing bracket is not allowed in JSON)"
            raise DataError([(Location(path.name), message)]) from error
        except _RepeatedKey as error:
            raise DataError([(Location(path.name), f"not valid JSON: {error}")]) from error
    else:
        try:
            # Both plan loaders are safe loaders: they build no objects.
            data = yaml.load(text, Loader=yaml_loader or _PlanLoader)
        except yaml.MarkedYAMLError as error:
            raise DataError([(Location(path.name), _explain_yaml_error(error))]) from error
        except yaml.YAMLError as error:
            raise DataError([(Location(path.name), f"not valid YAML: {error}")]) from error

    if not isinstance(data, dict):
        message = ("the file should hold one child's plan (a mapping of fields) but holds "
                   f"{_kind_of(data)}")
        raise DataError([(Location(path.name), message)])
    return data


def _kind_of(data: Any) -> str:
    """What a file holds instead of a plan, as a person would say it."""
    if data is None:
        return "nothing"
    if isinstance(data, bool):
        return "yes or no"
    if isinstance(data, int | float):
        return "a number"
    if isinstance(data, str):
        return "a line of text"
    if isinstance(data, list):
        return "a list"
    return f"a {type(data).__name__}"


def _read_text(path: Path, where: Location) -> str:
    """A file's text, which must be UTF-8 (a byte-order mark is allowed and dropped).

    Excel's plain "CSV" format on Windows is not UTF-8; guessing another encoding could
    turn a name into the wrong letters without anyone noticing, so the file is refused
    with the line the first bad byte is on.
    """
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise DataError([(where, _not_utf8(raw, error))]) from error


def _not_utf8(raw: bytes, error: UnicodeDecodeError) -> str:
    """Why a file's bytes are refused, naming the first bad byte and its line."""
    line = raw[:error.start].count(b"\n") + 1
    return (f"the file is not UTF-8 text (byte {raw[error.start]:#04x} on line {line} is "
            "not UTF-8); save it again as UTF-8 (in Excel: 'CSV UTF-8')")


class _RepeatedKey(ValueError):
    """A key given twice in one mapping of a JSON file."""


def _refuse_repeated_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """Build a JSON object, refusing a key given twice (the last would win silently)."""
    data: dict[str, Any] = {}
    for key, value in pairs:
        if key in data:
            raise _RepeatedKey(f"the key {key!r} is given twice in one object")
        data[key] = value
    return data


class _RefusingRepeatedKeys:
    """For a YAML loader: refuse a key given twice in one mapping.

    PyYAML keeps the last of two equal keys, so a second ``outcomes:`` would silently
    drop every outcome listed under the first.
    """

    def construct_mapping(self, node: yaml.Node, deep: bool = False) -> dict[Any, Any]:
        if isinstance(node, yaml.MappingNode):
            first: dict[tuple[str, str], yaml.Node] = {}
            for key_node, _ in node.value:
                if not isinstance(key_node, yaml.ScalarNode) or key_node.tag.endswith(":merge"):
                    continue
                key = (key_node.tag, key_node.value)
                if key in first:
                    line = first[key].start_mark.line + 1
                    raise yaml.constructor.ConstructorError(
                        None, None,
                        f"the key {key_node.value!r} is given twice (first at line {line})",
                        key_node.start_mark,
                    )
                first[key] = key_node
        return super().construct_mapping(node, deep=deep)


class _PlanLoader(_RefusingRepeatedKeys, yaml.SafeLoader):
    """PyYAML's safe loader, refusing a key given twice in one mapping."""


class _QuickPlanLoader(_RefusingRepeatedKeys, getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """The same, on libyaml's parser where PyYAML has it: about eight times as fast.

    libyaml explains a syntax error in its own words, so this only finds each file's
    child id when a folder is opened; every fault is reported as :class:`_PlanLoader`
    finds it.
    """


def _explain_yaml_error(error: yaml.MarkedYAMLError) -> str:
    """A YAML syntax error with the line it is on, and where the broken part began."""
    mark = error.problem_mark or error.context_mark
    problem = error.problem or error.context or "unreadable"
    if mark is None:
        return f"not valid YAML: {problem}"
    message = f"not valid YAML at line {mark.line + 1}, column {mark.column + 1}: {problem}"
    start = error.context_mark
    if error.context and start is not None and start.line != mark.line:
        message += f" ({error.context} that starts at line {start.line + 1})"
    return message


def _dotted(at: DataPath) -> str | None:
    """A path as a person reads it: ("outcomes", 2, "need_ids") is outcomes[2].need_ids."""
    text = ""
    for part in at:
        text += f"[{part}]" if isinstance(part, int) else f".{part}"
    return text.lstrip(".") or None


def _child_id_in(data: Any) -> str | None:
    child = data.get("child") if isinstance(data, dict) else None
    child_id = child.get("id") if isinstance(child, dict) else None
    return str(child_id) if isinstance(child_id, str | int) else None


# Validation shared by every input: pydantic's checks, then the links between records.


def _validate(
    data: dict[str, Any], where: Callable[[DataPath], Location]
) -> tuple[Plan | None, list[Problem]]:
    """Validate one child's data; return the plan, or ``None`` and every fault found.

    Pydantic checks the links between needs, outcomes and provision only once every
    field is valid, and then in one message. The links are checked here as well, on the
    raw data, so that each dangling id is reported at its own place and alongside any
    other faults.
    """
    plan = None
    problems: list[Problem] = []
    whole_plan_messages: list[str] = []
    try:
        plan = Plan.model_validate(data)
    except ValidationError as error:
        for detail in error.errors(include_url=False):
            if not detail["loc"] and detail["type"] == "value_error":
                whole_plan_messages.extend(str(detail["ctx"]["error"]).split("; "))
            else:
                problems.append((where(detail["loc"]), _withhold_personal(detail)))

    link_problems = [(where(at), message) for at, message in _link_problems(data)]
    problems.extend(link_problems)
    if whole_plan_messages and not link_problems:
        # XXX: only reached if the model gains a whole-plan check this module lacks.
        problems.extend((where(()), message) for message in whole_plan_messages)

    return (plan if not problems else None), problems


def _link_problems(data: dict[str, Any]) -> list[tuple[DataPath, str]]:
    """Duplicate ids, ids that point at nothing, and a review before the plan date."""
    problems: list[tuple[DataPath, str]] = []
    known: dict[str, set[str]] = {}
    for kind, key in (("need", "needs"), ("outcome", "outcomes"), ("provision", "provision")):
        known[kind] = set()
        for index, item in _items(data, key):
            item_id = item.get("id")
            if not isinstance(item_id, str):
                continue
            if item_id in known[kind]:
                problems.append(((key, index, "id"), f"{kind} id {item_id!r} is used more "
                                 "than once in this child's plan"))
            known[kind].add(item_id)

    links = (
        ("outcomes", "need_ids", "need"),
        ("provision", "need_ids", "need"),
        ("provision", "outcome_ids", "outcome"),
    )
    for key, column, kind in links:
        for index, item in _items(data, key):
            try:
                named = _split_ids(item.get(column))
            except (AttributeError, TypeError):
                continue
            for named_id in named if isinstance(named, list) else []:
                if isinstance(named_id, str) and named_id not in known[kind]:
                    problems.append(((key, index, column), f"{kind} {named_id!r} does not "
                                     f"exist: it is not among this child's {kind}s"))

    plan_date, review_date = _as_date(data.get("plan_date")), _as_date(data.get("review_date"))
    if plan_date and review_date and review_date < plan_date:
        problems.append((("review_date",), f"review date {review_date.isoformat()!r} is "
                         f"before the plan date {plan_date.isoformat()!r}"))
    child = data.get("child")
    birth = _as_date(child.get("date_of_birth")) if isinstance(child, dict) else None
    if plan_date and birth:
        problems.extend((("child", "date_of_birth"), message)
                        for message in _age_problems(birth, plan_date))
    return problems


def _age_problems(birth: date, plan_date: date) -> list[str]:
    """A date of birth no plan dated ``plan_date`` can have (often a placeholder date)."""
    if birth >= plan_date:
        return [f"the date of birth is not before the plan date {plan_date.isoformat()!r}"]
    age = age_on(birth, plan_date)
    if age > MAX_AGE:
        return [f"the date of birth makes the young person older than {MAX_AGE} on the "
                f"plan date; a plan ends with the school year in which they turn {MAX_AGE}"]
    return []


def _items(data: dict[str, Any], key: str) -> Iterable[tuple[int, dict[str, Any]]]:
    items = data.get(key)
    if not isinstance(items, list):
        return []
    return [(index, item) for index, item in enumerate(items) if isinstance(item, dict)]


def _as_date(value: Any) -> date | None:
    try:
        return _DATE_ADAPTER.validate_python(value)
    except ValidationError:
        return None


def _show(value: Any) -> str:
    if isinstance(value, date | time):  # a spreadsheet's date or time, as it reads there
        value = value.isoformat()
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


# The fields whose values are a child's personal data: a fault in them is explained
# without repeating the value, because reasons go to the console and into summary.csv,
# which holds every child of the batch.
_PERSONAL_FIELDS = {("child", "name"), ("child", "date_of_birth")}


def _withhold_personal(detail: Any) -> str:
    """:func:`_explain`, with the value left out when it is a name or date of birth."""
    message = _explain(detail)
    if tuple(detail["loc"][:2]) in _PERSONAL_FIELDS and detail.get("input") is not None:
        message = message.replace(_show(detail["input"]), "the value given")
    return message


def _explain(detail: Any) -> str:
    """Pydantic's account of one fault, in plain English naming the bad value."""
    kind, value, context = detail["type"], detail.get("input"), detail.get("ctx") or {}
    name = next((part for part in reversed(detail["loc"]) if isinstance(part, str)), "")

    if kind == "missing":
        return "this is required but is missing or empty"
    if kind == "extra_forbidden":
        return f"{name!r} is not a field of the plan; check its spelling and where it sits"
    if kind == "value_error":
        message = str(context.get("error", detail["msg"]))
        if name in _DATE_COLUMNS and _show(value) not in message:
            return f"{_show(value)} is not a date: {message}"
        return message
    if kind.startswith(("date", "datetime")):
        return f"{_show(value)} is not a date; write it as 2026-07-31 or 31/07/2026"
    if kind.startswith("int"):
        return f"{_show(value)} is not a whole number"
    if kind == "greater_than_equal":
        return f"{_show(value)} is too small: it must be at least {context['ge']}"
    if kind == "less_than_equal":
        return f"{_show(value)} is too large: it must be at most {context['le']}"
    if kind.startswith("bool"):
        return f"{_show(value)} is not yes or no"
    if kind in ("literal_error", "enum"):
        return f"{_show(value)} is not allowed here; expected {context['expected']}"
    if kind == "string_too_short":
        return "this must not be empty"
    if kind == "string_type":
        return f"{_show(value)} should be text"
    if kind == "list_type":
        return f"{_show(value)} should be a list"
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return f"{_show(value)} should be a mapping of fields"
    return f"{_show(value)} is not valid: {detail['msg']}"


# Workbooks and CSV folders.


@dataclass
class _Row:
    """One non-blank row of a sheet: its number as a spreadsheet shows it, and its cells.

    ``faults`` holds what is wrong with the row's cells as read (a spreadsheet error such
    as ``#N/A``, a value with no column), by column name or ``None`` for the whole row;
    they count against the child the row belongs to. A cell with an error is left blank
    in ``cells``.
    """

    sheet: str
    number: int
    cells: dict[str, Any]
    faults: list[tuple[str | None, str]] = field(default_factory=list)


# A range of merged cells in a worksheet's XML: <mergeCell ref="A2:A5"/>.
_MERGED_RANGE = re.compile(rb'<(?:\w+:)?mergeCell\s[^>]*?\bref="([^"]+)"')

# What a spreadsheet shows in a cell whose formula failed.
_SPREADSHEET_ERRORS = frozenset({
    "#N/A", "#REF!", "#VALUE!", "#DIV/0!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!",
    "#CALC!", "#GETTING_DATA", "#FIELD!", "#BLOCKED!", "#CONNECT!", "#BUSY!", "#UNKNOWN!",
})


class _Table:
    """The rows of every sheet of one export, by child, and how to name a place in them.

    A child's rows can be anywhere in a sheet, so every sheet is read whole before any
    child is joined. The rows wait in a private SQLite database on disk rather than in
    memory, so an export of any size costs the batch only each child's id in memory:
    each row's cells and faults are one pickled ``bytes`` value, filed under the child_id,
    sheet and row number, and become a dict of cells again only when that child is joined.
    SQLite removes the database's file as soon as it has opened it, so nothing of it is
    left behind, even by a batch that is killed.
    """

    def __init__(self, path: Path, csv_folder: bool):
        self.path = path
        self.csv_folder = csv_folder
        self.columns: dict[str, tuple[str, ...]] = {}  # each sheet's named columns
        self.child_ids: dict[str, None] = {}  # every child_id named, in first-seen order
        # "" opens a private, temporary database on disk (SQLite's own).
        self._rows = sqlite3.connect("", check_same_thread=False)
        self._rows.execute("CREATE TABLE row (child_id TEXT, sheet INTEGER, number INTEGER, "
                           "packed BLOB)")
        self._rows.execute("CREATE INDEX row_of_child ON row (child_id, sheet, number)")

    def keep(self, row: _Row) -> None:
        """Store one row, out of memory, with the other rows of its child."""
        values = tuple(row.cells.get(column) for column in self.columns[row.sheet])
        packed = pickle.dumps((values, row.faults), protocol=pickle.HIGHEST_PROTOCOL)
        child_id = _text(row.cells.get("child_id"))
        self.child_ids.setdefault(child_id)
        try:
            self._rows.execute("INSERT INTO row VALUES (?, ?, ?, ?)",
                               (child_id, _JOIN_ORDER[row.sheet], row.number, packed))
        except sqlite3.OperationalError as error:
            # The temporary folder is full or cannot be written: no fault of the data.
            raise EhcpKitError(
                f"cannot keep the rows of {self.path.name!r} while they are read: the "
                f"temporary folder (TMPDIR) refused them ({error}); make room there, or "
                "set TMPDIR to a folder with room"
            ) from error

    def places_of(self, child_id: str) -> list[tuple[str, int]]:
        """The sheet and number of each row that names ``child_id``, in join order."""
        return [(_JOINED_SHEETS[sheet], number) for sheet, number in self._rows.execute(
            "SELECT sheet, number FROM row WHERE child_id = ? ORDER BY sheet, number",
            (child_id,))]

    def rows_of(self, child_id: str) -> list[_Row]:
        """The rows that name ``child_id``, in the order they are joined into its plan."""
        rows = []
        for sheet_number, number, packed in self._rows.execute(
                "SELECT sheet, number, packed FROM row WHERE child_id = ? ORDER BY sheet, number",
                (child_id,)):
            sheet = _JOINED_SHEETS[sheet_number]
            values, faults = pickle.loads(packed)  # packed by keep(), above
            rows.append(_Row(sheet, number, dict(zip(self.columns[sheet], values, strict=True)),
                             faults))
        return rows

    def at(self, sheet: str, row: int | None = None, column: str | None = None) -> Location:
        """The location of a sheet, a row of it, or a cell."""
        if self.csv_folder:
            return Location(f"{self.path.name}/{sheet}.csv", None, row, column)
        return Location(self.path.name, sheet, row, column)

    def of(self, row: _Row, column: str | None = None) -> Location:
        return self.at(row.sheet, row.number, column)

    def describe(self, sheet: str) -> str:
        """A sheet as the analyst knows it: "the 'needs' sheet", or "needs.csv"."""
        return f"{sheet}.csv" if self.csv_folder else f"the {sheet!r} sheet"


def open_batch(path: str | Path) -> BatchInput:
    """Open a workbook, a folder of CSV files or a folder of plan files, to read its children.

    A single YAML or JSON plan file is also accepted. What needs every child at once is
    done here: counting them, and finding ids used twice or differing only in case and
    rows that name no child. A fault in the layout of a workbook or CSV folder raises
    :class:`DataError` here, since no child could be read reliably. Each child's plan is
    then built and validated only when iteration reaches it, and comes with its plan, or
    with ``plan=None`` and every fault found in its data; one child's faults never stop
    another from loading.
    """
    path = Path(path)
    if not path.exists():
        raise DataError([(Location(path.name), "no such file or folder")])
    if path.is_dir():
        if any(_is_children_csv(entry) for entry in path.iterdir()):
            _refuse_plan_files_beside_sheets(path)
            return _TableChildren(_read_csv_folder(path)).batch()
        return _PlanFiles(_plan_files_in(path)).batch(path)
    if path.suffix.lower() == ".xlsx":
        return _TableChildren(_read_workbook(path)).batch()
    if path.suffix.lower() in PLAN_SUFFIXES:
        return _PlanFiles([path]).batch(path)
    message = "not a workbook (.xlsx), a folder, or a plan file (.yaml, .yml, .json)"
    raise DataError([(Location(path.name), message)])


def load_batch(path: str | Path) -> list[LoadedChild]:
    """Every child of a workbook, a folder of CSV files or a folder of plan files, at once.

    The children, faults and errors are those of :func:`open_batch`, which reads one
    child at a time; this holds every plan in memory at once (about 20 KB a child), for
    inputs small enough to be held whole.
    """
    return list(open_batch(path))


def _refuse_plan_files_beside_sheets(folder: Path) -> None:
    """A folder of CSV sheets that also holds plan files: which did the analyst mean?"""
    plans = sorted(entry.name for entry in folder.iterdir()
                   if entry.is_file() and entry.suffix.lower() in PLAN_SUFFIXES)
    if plans:
        shown = ", ".join(plans[:3]) + (", ..." if len(plans) > 3 else "")
        message = (f"the folder holds plan files ({shown}) as well as children.csv; the "
                   "plan files would be ignored, so keep them in a folder of their own")
        raise DataError([(Location(folder.name), message)])


def _is_children_csv(entry: Path) -> bool:
    return entry.is_file() and entry.suffix.lower() == ".csv" and _header(entry.stem) == "children"


def _plan_files_in(folder: Path) -> list[Path]:
    files = sorted(
        entry for entry in folder.iterdir()
        if entry.is_file() and entry.suffix.lower() in PLAN_SUFFIXES
    )
    if not files:
        message = "the folder holds no plan files (.yaml, .yml, .json) and no children.csv"
        raise DataError([(Location(folder.name), message)])
    return files


class _PlanFile(NamedTuple):
    """What the first reading of a plan file keeps: its name, child id and read faults."""

    name: str
    child_id: str
    read_problems: tuple[Problem, ...] | None  # None if the file could be read


class _PlanFiles:
    """Plan files, one child each in file-name order; a second file for a child is refused.

    Whether a child's id is used by another file is only known once every file has been
    read, so each file is read twice: on opening, quickly (libyaml), keeping only its
    child id; and again in full, to be validated, when iteration reaches it. The quick
    reading costs under a millisecond a file, where holding every parsed file instead
    would make memory grow with the number of children.
    """

    def __init__(self, paths: list[Path]) -> None:
        self.folder = paths[0].parent
        self.files = [_first_reading(path) for path in paths]
        self.refusals = self._refuse_shared_ids()

    def batch(self, path: Path) -> BatchInput:
        return BatchInput(path, range(len(self.files)), self.load)

    def _refuse_shared_ids(self) -> dict[int, list[Problem]]:
        """Faults by file number: the same id twice, or ids differing only in case.

        Ids differing only in case fail both files, since either child's documents would
        land in the other's folder on Windows and macOS.
        """
        refusals: dict[int, list[Problem]] = {}
        first_file: dict[str, int] = {}
        for number, file in enumerate(self.files):
            folder = file.child_id.casefold()
            if folder not in first_file:
                first_file[folder] = number
                continue
            other = self.files[first_file[folder]]
            if other.child_id == file.child_id:
                message = (f"child id {file.child_id!r} is also used in {other.name!r}; "
                           "each child needs their own id")
            else:
                message = (f"child id {file.child_id!r} differs from {other.child_id!r} in "
                           f"{other.name!r} only in case; their folders would be one folder "
                           "on Windows and macOS")
                refusals.setdefault(first_file[folder], []).append((
                    Location(other.name, field="child.id"),
                    f"child id {other.child_id!r} differs from {file.child_id!r} in "
                    f"{file.name!r} only in case",
                ))
            refusals.setdefault(number, []).append((Location(file.name, field="child.id"),
                                                    message))
        return refusals

    def load(self, number: int) -> LoadedChild:
        """The child of one file, read and validated now."""
        file = self.files[number]
        if file.read_problems is not None:
            child = LoadedChild(file.child_id, file.name, None, list(file.read_problems))
        else:
            child = self._read_again(file)
        child.problems += self.refusals.get(number, [])
        if child.problems:
            child.plan = None
        return child

    def _read_again(self, file: _PlanFile) -> LoadedChild:
        path = self.folder / file.name
        try:
            data = _read_plan_file(path)
        except DataError as error:
            return LoadedChild(file.child_id, file.name, None, list(error.problems))
        plan, problems = _validate(data, lambda at: Location(file.name, field=_dotted(at)))

        child_id = _child_id_in(data) or path.stem
        if child_id != file.child_id:
            # Edited since the batch opened: the id checked against the others is gone.
            problems.append((Location(file.name, field="child.id"), (
                f"the file changed while the batch was running: its child id was "
                f"{file.child_id!r} and is now {child_id!r}; run the batch again")))
        return LoadedChild(file.child_id, file.name, plan, problems)


def _first_reading(path: Path) -> _PlanFile:
    """A plan file's child id, or the faults that stop it being read, as quickly as can be.

    Whatever the quick reading refuses is read again as usual, so that the faults are
    those :func:`load_plan` would report.
    """
    try:
        data = _read_plan_file(path, _QuickPlanLoader)
    except Exception:  # noqa: BLE001 - a refusal in libyaml's words is not the one reported
        try:
            data = _read_plan_file(path)
        except DataError as error:
            return _PlanFile(path.name, path.stem, tuple(error.problems))
    return _PlanFile(path.name, _child_id_in(data) or path.stem, None)


def _header(text: Any) -> str:
    """A header cell as a column name: "  Child ID " is child_id."""
    return re.sub(r"[\s-]+", "_", str(text).strip().lower())


def _read_workbook(path: Path) -> _Table:
    """Every sheet the loader knows, from an .xlsx workbook, checked for its columns."""
    # openpyxl is imported here so that reading YAML plans does not pay for it.
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    table = _Table(path, csv_folder=False)
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (OSError, zipfile.BadZipFile, InvalidFileException, KeyError) as error:
        message = f"cannot read the file as an .xlsx workbook: {error}"
        raise DataError([(Location(path.name), message)]) from error
    try:
        sheets, problems = _by_sheet_name(
            table, [(sheet.title, sheet) for sheet in workbook.worksheets], "sheets")
        problems += _check_sheets(table, sheets)
        for name, sheet in sheets.items():
            if name in SHEETS:
                problems += _merged_cells(table, name, sheet)
                problems += _take_rows(table, name, sheet.iter_rows(values_only=True))
            else:
                logger.warning("%s: ignoring sheet %r, which the loader does not read",
                               path.name, sheet.title)
    finally:
        workbook.close()
    if problems:
        raise DataError(problems)
    return table


def _read_csv_folder(folder: Path) -> _Table:
    """Every ``<sheet>.csv`` the loader knows, from a folder, checked for its columns."""
    table = _Table(folder, csv_folder=True)
    files, problems = _by_sheet_name(
        table,
        [(entry.name, entry) for entry in sorted(folder.iterdir())
         if entry.is_file() and entry.suffix.lower() == ".csv"],
        "files",
    )
    problems += _check_sheets(table, files)
    for name, file in files.items():
        if name not in SHEETS:
            logger.warning("%s: ignoring %s, which the loader does not read",
                           folder.name, file.name)
            continue
        problems += _read_csv_file(table, name, file)
    if problems:
        raise DataError(problems)
    return table


def _read_csv_file(table: _Table, sheet: str, file: Path) -> list[Problem]:
    """Read one CSV file into ``table``; return the faults in its header row or encoding.

    The file is read as a stream rather than whole, so that a large export is never
    held twice over. A file that is not UTF-8 is then read whole, only to name the line
    its first bad byte is on.
    """
    try:
        with file.open(encoding="utf-8-sig", newline="") as stream:
            return _take_rows(table, sheet, csv.reader(stream))
    except UnicodeDecodeError:
        raw = file.read_bytes()
    try:
        raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        return [(table.at(sheet), _not_utf8(raw, error))]
    return [(table.at(sheet), "the file changed while it was being read; read it again")]


def _by_sheet_name(
    table: _Table, found: list[tuple[str, Any]], kind: str
) -> tuple[dict[str, Any], list[Problem]]:
    """Sheets (or CSV files) by the sheet name they stand for; two for one name is a fault.

    Names are matched ignoring case and spaces, so "Needs" and "needs " would both be
    the needs sheet; keeping either would silently drop the other's rows.
    """
    sheets: dict[str, Any] = {}
    titles: dict[str, str] = {}
    problems: list[Problem] = []
    for title, sheet in found:
        name = _header(Path(title).stem if table.csv_folder else title)
        if name in titles:
            if name in SHEETS:
                message = (f"the {kind} {titles[name]!r} and {title!r} are both read as "
                           f"{table.describe(name)}; keep one")
                problems.append((table.at(name), message))
            continue
        sheets[name], titles[name] = sheet, title
    return sheets, problems


def _merged_cells(table: _Table, name: str, sheet: Any) -> list[Problem]:
    """A fault for each range of merged cells in a sheet the loader reads.

    A merged range keeps its value in its first cell only, so the rows below it would
    lose the value they appear to have (a child id merged over four rows gives three
    rows that belong to no child).
    """
    # XXX: read-only workbooks do not expose merged cells, so the sheet's XML is searched
    # for them (a text search, a fraction of the cost of reading the cells).
    try:
        source = sheet._get_source()
    except AttributeError:
        return []
    ranges: list[str] = []
    with source:
        tail = b""
        while chunk := source.read(1 << 20):
            text = tail + chunk
            cut = max(text.rfind(b"<"), 0)  # the last tag may be cut off: search it next time
            ranges += [ref.decode() for ref in _MERGED_RANGE.findall(text, 0, cut)]
            tail = text[cut:]
        ranges += [ref.decode() for ref in _MERGED_RANGE.findall(tail)]
    return [
        (table.at(name), f"cells {cell_range} are merged; a merged cell keeps its value "
         "only in its first cell, so unmerge them and fill in every row")
        for cell_range in ranges
    ]


def _check_sheets(table: _Table, found: dict[str, Any]) -> list[Problem]:
    """Required sheets that are missing, and sheets whose names look like misspelt ones.

    Other sheets are ignored (an export may carry notes), but "step" or "Success
    criterion" is taken for a misspelling: ignoring it would drop every row in it.
    """
    problems = [
        (table.at(name), f"{table.describe(name)} is missing; it is required")
        for name in REQUIRED_SHEETS
        if name not in found
    ]
    absent = [name for name in SHEETS if name not in found]
    for name, sheet in found.items():
        close = difflib.get_close_matches(name, absent, n=1, cutoff=0.8) if absent else []
        if name not in SHEETS and close:
            if table.csv_folder:
                kind, title, away = "file", sheet.name, "move it out of the folder"
            else:
                kind, title, away = "sheet", sheet.title, "delete it"
            problems.append((table.at(close[0]), f"the {kind} {title!r} is not one the loader "
                             f"reads: is it {table.describe(close[0])}, misspelt? Rename it, "
                             f"or {away}"))
    return problems


def _take_rows(table: _Table, sheet: str, rows: Iterable[Iterable[Any]]) -> list[Problem]:
    """Read one sheet into ``table``; return the faults in its header row."""
    rows = iter(rows)
    header_cells = list(next(rows, None) or ())
    required, optional = SHEETS[sheet]
    named = [str(cell).strip() for cell in header_cells
             if cell is not None and str(cell).strip()]
    if not named:
        message = ("the first row is empty; it must name the columns, starting with "
                   f"{', '.join(required)}")
        return [(table.at(sheet, 1), message)]
    if len(named) == 1 and (separator := _other_separator(named[0])):
        message = (f"the header row is one cell, {_show(named[0])}: the columns are "
                   f"separated by {separator}, but the loader reads commas; save the file "
                   "as CSV with commas")
        return [(table.at(sheet, 1), message)]

    # The header row: every column named once, every required one present.
    problems: list[Problem] = []
    columns: list[str | None] = []
    for number, cell in enumerate(header_cells, start=1):
        name = _header(cell) if cell is not None and str(cell).strip() else None
        if name is not None and name not in required + optional:
            known = ", ".join(required + optional)
            problems.append((table.at(sheet, 1, str(cell).strip()), f"the column {name!r} is "
                             f"not one the loader knows; the {sheet!r} sheet has: {known}"))
            name = None
        elif name is not None and name in columns:
            problems.append((table.at(sheet, 1, name), f"the column {name!r} appears twice "
                             f"(again in column {number})"))
            name = None
        columns.append(name)
    for name in required:
        if name not in columns:
            problems.append((table.at(sheet, 1, name), f"the required column {name!r} is "
                             "missing from the header row"))
    table.columns[sheet] = tuple(name for name in columns if name is not None)

    # The data rows, numbered as the spreadsheet shows them.
    unnamed = [index for index, cell in enumerate(header_cells)
               if cell is None or not str(cell).strip()]
    for number, values in enumerate(rows, start=2):
        values = list(values)
        cells = {
            column: _cell(value, column)
            for column, value in zip(columns, values, strict=False)
            if column is not None
        }
        faults: list[tuple[str | None, str]] = [
            (column, f"the cell shows the spreadsheet error {value!r}, not a value; fix the "
                     "formula or type the value in")
            for column, value in cells.items()
            if isinstance(value, str) and value.upper() in _SPREADSHEET_ERRORS
        ]
        stray = _values_without_a_column(table, values, len(columns), unnamed)
        if any(value is not None for value in cells.values()) or stray:
            cells.update(dict.fromkeys(column for column, _ in faults))
            faults += [(None, stray)] if stray else []
            table.keep(_Row(sheet, number, cells, faults))
    return problems


def _values_without_a_column(table: _Table, values: list[Any], width: int,
                             unnamed: list[int]) -> str | None:
    """Why a row holds values the header names no column for, or ``None``.

    In a CSV file that is almost always a comma inside a value that is not in quotes,
    which shifts every later value into the wrong column.
    """
    filled = [index for index, value in enumerate(values)
              if (index >= width or index in unnamed) and _cell(value, "") is not None]
    if not filled:
        return None
    if table.csv_folder and any(index >= width for index in filled):
        return (f"the row has {len(values)} values but the header row names {width} "
                "columns; a comma inside a value must be inside double quotes")
    from openpyxl.utils import get_column_letter

    letters = ", ".join(get_column_letter(index + 1) for index in filled)
    return f"column {letters} holds a value but has no header; name the column or clear it"


def _other_separator(header: str) -> str | None:
    """The separator a one-cell header row was written with, if not a comma."""
    for separator, name in ((";", "semicolons"), ("\t", "tabs"), ("|", "'|'")):
        if separator in header:
            return name
    return None


def _cell(value: Any, column: str) -> Any:
    """A cell as the model reads it: blank is ``None``, numbers in text columns are text."""
    if value is None:
        return None
    if isinstance(value, str):
        value = value.strip()
        # Exports write these codes in their own case ("Draft", "f"); the case means nothing.
        if column in _CASE_FREE_COLUMNS:
            value = _CASE_FREE_COLUMNS[column](value)
        return value or None
    if isinstance(value, bool):
        return value
    if isinstance(value, datetime | date):
        if column in _DATE_COLUMNS:
            return value
        # Spreadsheets turn text such as "July 2028" into dates; give the date back as text.
        if isinstance(value, datetime) and value.time() != time():
            return value.isoformat(sep=" ")
        return (value.date() if isinstance(value, datetime) else value).isoformat()
    if isinstance(value, int | float) and column not in _DATE_COLUMNS:
        return str(int(value)) if float(value).is_integer() else str(value)
    return value


# Joining the sheets into one plan per child.


@dataclass
class _Draft:
    """One child's data as it is gathered from the sheets, with where each value sits."""

    child_id: str
    first_row: _Row
    data: dict[str, Any]
    places: dict[DataPath, Location] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    outcome_index: dict[str, int] = field(default_factory=dict)

    def where(self, at: DataPath) -> Location:
        """The cell (or else the row) that a path into the plan's data came from."""
        for length in range(len(at), -1, -1):
            place = self.places.get(at[:length])
            if place is not None:
                return place
        raise AssertionError(f"no place recorded for {at!r}")


class _TableChildren:
    """The children of one workbook or CSV folder, each joined and validated when reached.

    Opening works out what needs every child at once: their order (that of the children
    sheet, then rows naming no child, in sheet order), ids used twice or differing only
    in case, and rows naming no child. Everything else about a child is in its own
    rows, so its plan is built from them only when iteration reaches it.
    """

    def __init__(self, table: _Table) -> None:
        self.table = table
        self.early_problems: dict[str, list[Problem]] = {}  # faults found on opening
        named: list[tuple[int, str]] = []  # (first row on the children sheet, child id)
        strays: list[tuple[tuple[int, int], str]] = []  # (first row in join order, id)
        for child_id in table.child_ids:
            places = table.places_of(child_id)
            numbers = [number for sheet, number in places if sheet == "children"]
            if numbers:
                named.append((numbers[0], child_id))
                self._refuse_second_rows(child_id, numbers)
            else:
                sheet, number = places[0]
                strays.append(((_JOIN_ORDER[sheet], number), child_id))
        named.sort()
        strays.sort()
        self.order = [child_id for _, child_id in named + strays]
        self.strays = {child_id for _, child_id in strays}

        # Ids that differ only in case, among the children and between a stray row's id
        # and a child's.
        by_folder: dict[str, list[tuple[int, str]]] = {}
        for number, child_id in named:
            if child_id:
                by_folder.setdefault(child_id.casefold(), []).append((number, child_id))
        self._refuse_ids_differing_in_case(by_folder)
        stray_folders = {child_id.casefold() for child_id in self.strays}
        self.alike = {folder: same[0][1] for folder, same in by_folder.items()
                      if folder in stray_folders}

    def batch(self) -> BatchInput:
        return BatchInput(self.table.path, self.order, self.load)

    def _refuse_second_rows(self, child_id: str, numbers: list[int]) -> None:
        """A second row on the children sheet for one id is a fault of that child."""
        first, *others = numbers
        for number in others:
            if child_id:
                message = f"child id {child_id!r} is already used on row {first}"
            else:
                message = f"the row has no child_id (nor has row {first})"
            where = self.table.at("children", number, "child_id")
            self.early_problems.setdefault(child_id, []).append((where, message))

    def _refuse_ids_differing_in_case(self, by_folder: dict[str, list[tuple[int, str]]]) -> None:
        """Fail children whose ids differ only in case, naming each other's row.

        Windows and macOS treat "NB-1" and "nb-1" as one folder name, so the second
        child's documents would land in the first child's folder. ``by_folder`` holds,
        for each id folded to lower case, the children's (row, id) that fold to it.
        """
        for same in by_folder.values():
            for number, child_id in same if len(same) > 1 else []:
                others = ", ".join(f"{other!r} on row {row}" for row, other in same
                                   if other != child_id)
                message = (f"child id {child_id!r} differs from {others} only in case; "
                           "their folders would be one folder on Windows and macOS")
                where = self.table.at("children", number, "child_id")
                self.early_problems.setdefault(child_id, []).append((where, message))

    def load(self, child_id: str) -> LoadedChild:
        """Join one child's rows into a plan and validate it, or report its faults."""
        table = self.table
        rows = table.rows_of(child_id)
        if child_id in self.strays:
            return self._stray(child_id, rows)

        # The first children row starts the plan; a second one is already reported.
        draft = _start_draft(table, rows[0], child_id)
        draft.problems += _cell_errors(table, rows[0])
        draft.problems += self.early_problems.get(child_id, [])

        # Every other sheet's rows add to it, sheet by sheet.
        adders = {"needs": _add_need, "outcomes": _add_outcome, "steps": _add_step,
                  "success_criteria": _add_criterion, "provision": _add_provision}
        for row in rows:
            if row.sheet != "children":
                adders[row.sheet](table, draft, row)
                draft.problems += _cell_errors(table, row)
        return _finish(table, draft)

    def _stray(self, child_id: str, rows: list[_Row]) -> LoadedChild:
        """Rows whose child_id names no child: a fault each, kept under the id they name."""
        table = self.table
        if not child_id:
            message = "the row has no child_id, so it belongs to no child"
        else:
            message = f"child id {child_id!r} is not in {table.describe('children')}"
            alike = self.alike.get(child_id.casefold())
            if alike is not None:
                message += f" (ids must match exactly, and {alike!r} differs only in case)"
        problems: list[Problem] = []
        for row in rows:
            problems.append((table.of(row, "child_id"), message))
            problems += _cell_errors(table, row)
        return LoadedChild(child_id, str(table.of(rows[0])), None, problems)


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _cell_errors(table: _Table, row: _Row) -> list[Problem]:
    return [(table.of(row, column), message) for column, message in row.faults]


def _start_draft(table: _Table, row: _Row, child_id: str) -> _Draft:
    cells = row.cells
    child_columns = (
        "name", "date_of_birth", "year_group_override", "pronouns", "aspirations", "upn",
        "nhs_number",
    )
    child: dict[str, Any] = {"id": cells.get("child_id")}
    child.update({column: cells.get(column) for column in child_columns})
    data: dict[str, Any] = {"child": child}
    data.update({column: cells.get(column) for column in
                 ("authority", "plan_date", "review_date", "status")})
    data.update(needs=[], outcomes=[], provision=[])

    draft = _Draft(child_id, row, _drop_blanks(data))
    draft.places[()] = table.of(row)
    draft.places[("child", "id")] = table.of(row, "child_id")
    for column in child_columns:
        draft.places[("child", column)] = table.of(row, column)
    for column in ("authority", "plan_date", "review_date", "status"):
        draft.places[(column,)] = table.of(row, column)
    return draft


def _drop_blanks(data: dict[str, Any]) -> dict[str, Any]:
    """Leave blank cells out, so that the model applies its defaults to them."""
    return {
        key: _drop_blanks(value) if isinstance(value, dict) else value
        for key, value in data.items()
        if value is not None
    }


def _place_row(draft: _Draft, table: _Table, row: _Row, at: DataPath,
               columns: dict[str, str]) -> None:
    """Record that the item at ``at`` came from ``row``, field by field."""
    draft.places[at] = table.of(row)
    for item_field, column in columns.items():
        draft.places[at + tuple(item_field.split("."))] = table.of(row, column)


def _add_need(table: _Table, draft: _Draft, row: _Row) -> None:
    columns = {"id": "need_id", "area": "area", "description": "description"}
    at: DataPath = ("needs", len(draft.data["needs"]))
    draft.data["needs"].append(_drop_blanks({key: row.cells.get(column)
                                             for key, column in columns.items()}))
    _place_row(draft, table, row, at, columns)


def _add_outcome(table: _Table, draft: _Draft, row: _Row) -> None:
    columns = {
        "id": "outcome_id", "text": "text", "need_ids": "need_ids", "timescale": "timescale",
        "target_date": "target_date", "long_term": "long_term",
        "preparing_for_adulthood": "preparing_for_adulthood",
    }
    outcome = _drop_blanks({key: row.cells.get(column) for key, column in columns.items()})
    criterion = _drop_blanks({part: row.cells.get(part) for part in _CRITERION_PARTS})
    outcome["steps"] = []
    outcome["success_criteria"] = [criterion] if criterion else []

    index = len(draft.data["outcomes"])
    at: DataPath = ("outcomes", index)
    draft.data["outcomes"].append(outcome)
    draft.outcome_index.setdefault(_text(row.cells.get("outcome_id")), index)
    _place_row(draft, table, row, at, columns)
    _place_row(draft, table, row, at + ("success_criteria", 0),
               {part: part for part in _CRITERION_PARTS})


def _outcome_for(table: _Table, draft: _Draft, row: _Row) -> dict[str, Any] | None:
    """The outcome a steps or success_criteria row belongs to, or None after a fault."""
    outcome_id = _text(row.cells.get("outcome_id"))
    index = draft.outcome_index.get(outcome_id)
    if index is None:
        message = f"outcome {outcome_id!r} does not exist: it is not among this child's outcomes"
        draft.problems.append((table.of(row, "outcome_id"), message))
        return None
    draft.places.setdefault(("outcomes", index, row.sheet), table.of(row))
    return draft.data["outcomes"][index]


def _add_step(table: _Table, draft: _Draft, row: _Row) -> None:
    outcome = _outcome_for(table, draft, row)
    if outcome is None:
        return
    at: DataPath = ("outcomes", draft.outcome_index[_text(row.cells["outcome_id"])],
                 "steps", len(outcome["steps"]))
    columns = {"text": "text", "target": "target"}
    outcome["steps"].append(_drop_blanks({key: row.cells.get(key) for key in columns}))
    _place_row(draft, table, row, at, columns)


def _add_criterion(table: _Table, draft: _Draft, row: _Row) -> None:
    outcome = _outcome_for(table, draft, row)
    if outcome is None:
        return
    at: DataPath = ("outcomes", draft.outcome_index[_text(row.cells["outcome_id"])],
                 "success_criteria", len(outcome["success_criteria"]))
    outcome["success_criteria"].append(
        _drop_blanks({part: row.cells.get(part) for part in _CRITERION_PARTS})
    )
    _place_row(draft, table, row, at, {part: part for part in _CRITERION_PARTS})


def _add_provision(table: _Table, draft: _Draft, row: _Row) -> None:
    columns = {
        "id": "provision_id", "section": "section", "what": "what", "who": "who",
        "how_often": "how_often", "how_long": "how_long", "group_size": "group_size",
        "period": "period", "need_ids": "need_ids", "outcome_ids": "outcome_ids",
        "resources.what": "resources_what", "resources.source": "resources_source",
    }
    item = _drop_blanks({key: row.cells.get(column) for key, column in columns.items()
                         if not key.startswith("resources.")})
    resources = _drop_blanks({"what": row.cells.get("resources_what"),
                              "source": row.cells.get("resources_source")})
    if resources:
        item["resources"] = resources

    at: DataPath = ("provision", len(draft.data["provision"]))
    draft.data["provision"].append(item)
    _place_row(draft, table, row, at, columns)
    draft.places[at + ("resources",)] = table.of(row, "resources_what")


def _finish(table: _Table, draft: _Draft) -> LoadedChild:
    """Validate one child's gathered data and report every fault in sheet order."""
    plan, problems = _validate(draft.data, draft.where)
    # A cell that showed a spreadsheet error is already reported; it is not also "missing".
    reported = {where for where, _ in draft.problems}
    problems = draft.problems + [problem for problem in problems if problem[0] not in reported]

    sheet_order = {name: number for number, name in enumerate(SHEETS)}
    problems.sort(key=lambda problem: (
        sheet_order.get(_sheet_of(table, problem[0]), 99), problem[0].row or 0
    ))
    if problems:
        plan = None
        logger.warning("child %r has %d faults and will be skipped", draft.child_id,
                       len(problems))
    return LoadedChild(draft.child_id, str(table.of(draft.first_row)), plan, problems)


def _sheet_of(table: _Table, location: Location) -> str:
    if not table.csv_folder:
        return location.sheet or ""
    return Path(location.file).stem
