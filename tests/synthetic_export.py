"""Synthetic authority exports of any size, made from the bundled example export.

Each example child is copied as often as needed under a new id (``NB-0001`` becomes
``NB-0001-R0002`` and so on), with every row of every sheet that belongs to it, so a
batch of 1,000 children has the same mix of plans, faults and findings as the 44
bundled ones. The tests and the benchmarks (``benchmarks/synthetic.py``) both use it;
nothing it writes is committed.
"""

from __future__ import annotations

import csv
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "authority_export"


def write_export(count: int, folder: Path, source: Path = EXAMPLES) -> Path:
    """Write a CSV export of ``count`` children into ``folder``; returns ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    sheets = {}
    for path in sorted(source.glob("*.csv")):
        with open(path, encoding="utf-8", newline="") as stream:
            reader = csv.DictReader(stream)
            sheets[path.name] = (reader.fieldnames, list(reader))

    originals = [row["child_id"] for row in sheets["children.csv"][1]]
    copies = [(originals[number % len(originals)], number // len(originals))
              for number in range(count)]
    for name, (columns, rows) in sheets.items():
        by_child: dict[str, list[dict]] = {}
        for row in rows:
            by_child.setdefault(row["child_id"], []).append(row)
        with open(folder / name, "w", encoding="utf-8", newline="") as stream:
            writer = csv.DictWriter(stream, fieldnames=columns, lineterminator="\r\n")
            writer.writeheader()
            for original, round_number in copies:
                new_id = original if round_number == 0 else f"{original}-R{round_number:04d}"
                for row in by_child.get(original, []):
                    writer.writerow({**row, "child_id": new_id})
    return folder
