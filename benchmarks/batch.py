"""Compare `ehcp-kit batch --jobs 2` with a plain sequential papermill loop.

Both run in this one process, on the same children from the bundled example workbook
(40 by default), into fresh temporary folders. It prints children per second for each
and their ratio. It measures; it does not assert.

    .venv/bin/python benchmarks/batch.py [--children 40] [--jobs 2]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import papermill

from ehcp_kit.batch import default_notebook, run_batch
from ehcp_kit.loaders import load_batch

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "authority_export.xlsx"


def plain_loop(plans, out: Path) -> float:
    """The baseline: one papermill.execute_notebook call per child, one after another."""
    started = time.perf_counter()
    for plan in plans:
        folder = out / plan.child.id
        folder.mkdir(parents=True)
        papermill.execute_notebook(
            str(default_notebook()),
            str(folder / "plan.ipynb"),
            parameters={"plan_json": plan.model_dump_json(), "output_dir": str(folder)},
            kernel_name="python3",
            progress_bar=False,
        )
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--children", type=int, default=40)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()

    loaded = [child for child in load_batch(EXAMPLES) if child.plan is not None]
    plans = [child.plan for child in loaded][: args.children]
    count = len(plans)

    with tempfile.TemporaryDirectory() as scratch:
        scratch_path = Path(scratch)
        # Feed the batch the same children through a folder of their YAML plans.
        from ehcp_kit.loaders import plan_to_yaml

        source = scratch_path / "plans"
        source.mkdir()
        for plan in plans:
            (source / f"{plan.child.id}.yaml").write_text(plan_to_yaml(plan), encoding="utf-8")

        loop_seconds = plain_loop(plans, scratch_path / "loop")

        started = time.perf_counter()
        result = run_batch(source, scratch_path / "batch", jobs=args.jobs)
        batch_seconds = time.perf_counter() - started

    failed = len(result.failed)
    loop_rate, batch_rate = count / loop_seconds, count / batch_seconds
    print(f"children: {count} (batch failures: {failed})")
    print(f"plain papermill loop:       {loop_seconds:7.1f} s  {loop_rate:6.2f} children/s")
    print(f"ehcp-kit batch --jobs {args.jobs}:    {batch_seconds:7.1f} s  "
          f"{batch_rate:6.2f} children/s")
    print(f"ratio (batch / loop):       {batch_rate / loop_rate:7.2f}x")


if __name__ == "__main__":
    main()
