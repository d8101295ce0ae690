"""The batch manifest: what each child's outputs were made from, so a rerun can skip them.

``DIR/manifest.sqlite`` holds one row per child: a SHA-256 digest of the child's input
record (the plan exactly as loaded), a digest of the recipe (the notebook, the Word and
HTML templates, the settings, the formats and the package version), the child's status
and reason, and a digest of every file written for the child. Each child's row is
written in its own transaction the moment the child is done, so a batch that is killed
loses at most the children that were running; a rerun redoes those, and any child whose
input, recipe or files changed, and skips the rest.

The manifest also keeps each child's summary row, findings, hours and outcomes, so that the
summary files can be written from it in one pass at the end without holding every
child's results in memory. Only the process that runs the batch writes to it (never a
worker), so it is safe on a cluster's shared folder as long as one batch runs at a time.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["MANIFEST_NAME", "Manifest", "Record", "file_digest", "text_digest"]

MANIFEST_NAME = "manifest.sqlite"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS children (
    child_id    TEXT PRIMARY KEY,
    input_hash  TEXT NOT NULL,
    recipe_hash TEXT NOT NULL,
    version     TEXT NOT NULL,
    status      TEXT NOT NULL,
    reason      TEXT NOT NULL,
    outputs     TEXT NOT NULL,
    summary     TEXT NOT NULL,
    findings    TEXT NOT NULL,
    hours       TEXT NOT NULL,
    outcomes    TEXT NOT NULL,
    finished    REAL NOT NULL
)
"""


def text_digest(text: str | bytes) -> str:
    """The SHA-256 digest of ``text``, in hex."""
    data = text.encode("utf-8") if isinstance(text, str) else text
    return hashlib.sha256(data).hexdigest()


def file_digest(path: str | os.PathLike[str]) -> str:
    """The SHA-256 digest of a file's bytes, in hex."""
    with open(path, "rb") as stream:
        return hashlib.file_digest(stream, "sha256").hexdigest()


@dataclass
class Record:
    """One child's row: what the outputs were made from and what became of the child."""

    child_id: str
    input_hash: str
    recipe_hash: str
    version: str
    status: str
    reason: str = ""
    outputs: dict[str, str] = field(default_factory=dict)  # file name -> SHA-256
    summary: dict[str, object] = field(default_factory=dict)
    findings: list[dict[str, object]] = field(default_factory=list)
    hours: dict[str, float] = field(default_factory=dict)
    outcomes: list[dict[str, object]] = field(default_factory=list)

    def is_current(self, folder: Path, input_hash: str, recipe_hash: str) -> bool:
        """Whether this child succeeded from the same input and recipe, files intact."""
        if self.status != "succeeded" or not self.outputs:
            return False
        if (self.input_hash, self.recipe_hash) != (input_hash, recipe_hash):
            return False
        for name, digest in self.outputs.items():
            path = folder / name
            if not path.is_file() or file_digest(path) != digest:
                return False
        return True


class Manifest:
    """The manifest of one output folder, open for reading and recording."""

    def __init__(self, out_dir: str | os.PathLike[str]) -> None:
        self.path = Path(out_dir) / MANIFEST_NAME
        # One writer, many short transactions: the rollback journal keeps each row whole
        # if the batch is killed halfway through writing it, and, unlike a write-ahead
        # log, works on a network file system too.
        self._db = sqlite3.connect(self.path, isolation_level=None)
        self._db.execute(_SCHEMA)

    def __enter__(self) -> Manifest:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._db.close()

    def get(self, child_id: str) -> Record | None:
        """The row for ``child_id``, or ``None`` if the child was never recorded."""
        row = self._db.execute(
            "SELECT child_id, input_hash, recipe_hash, version, status, reason, outputs,"
            " summary, findings, hours, outcomes FROM children WHERE child_id = ?",
            (child_id,),
        ).fetchone()
        if row is None:
            return None
        *head, outputs, summary, findings, hours, outcomes = row
        parts = (outputs, summary, findings, hours, outcomes)
        return Record(*head, *(json.loads(part) for part in parts))

    def put(self, records: Iterable[Record], finished: float) -> None:
        """Record ``records`` in one transaction, replacing earlier rows for those children.

        The children of one piece of work finish together, so they are written together:
        all of them are in the manifest afterwards, or (if the batch is killed) none.
        """
        rows = [
            (
                record.child_id, record.input_hash, record.recipe_hash, record.version,
                record.status, record.reason, json.dumps(record.outputs),
                json.dumps(record.summary), json.dumps(record.findings),
                json.dumps(record.hours), json.dumps(record.outcomes), finished,
            )
            for record in records
        ]
        with self._db:
            self._db.execute("BEGIN")
            self._db.executemany(
                "INSERT OR REPLACE INTO children VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows
            )

    def records(self, child_ids: Iterable[str]) -> Iterator[Record | None]:
        """The rows for ``child_ids``, one at a time and in that order."""
        for child_id in child_ids:
            yield self.get(child_id)

    def __len__(self) -> int:
        return self._db.execute("SELECT COUNT(*) FROM children").fetchone()[0]
