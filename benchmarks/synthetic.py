"""Synthetic authority exports of any size, made from the bundled example export.

The generator lives in ``tests/synthetic_export.py``, where the tests use it too; this
script writes one export from the command line. Nothing is committed: the benchmarks
write it into a temporary folder.

    .venv/bin/python benchmarks/synthetic.py 1000 /tmp/export-1000
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from synthetic_export import EXAMPLES, write_export  # noqa: E402

__all__ = ["EXAMPLES", "write_export"]

if __name__ == "__main__":
    write_export(int(sys.argv[1]), Path(sys.argv[2]))
