"""Batches at scale: the plain papermill loop, `ehcp-kit batch` and `--no-notebook`.

One run, on one set of synthetic children (the bundled example export copied under new
ids by ``benchmarks/synthetic.py``; nothing is committed), prints:

- children per second for a plain sequential ``papermill.execute_notebook`` loop, for
  ``ehcp-kit batch`` with notebooks and for ``--no-notebook`` (with the default Word and
  HTML documents, and with HTML only), with the ratios;
- the peak memory of the whole process tree of each batch (the command, its workers,
  their kernel zygotes and kernels), as the sum of each process's proportional set size
  (PSS: shared pages divided among the processes sharing them), sampled every 0.2 s;
- the time and peak memory at each size (100, 300 and the full number of children), to
  show how they grow.

The plain loop over 1,000 children takes about half an hour, so it is timed on the first
``--loop-children`` of the same children and its rate is reported as such. Each batch
runs as its own ``ehcp-kit batch`` command into a fresh folder. The figures depend on
what else the machine is doing: run it on a quiet machine, and more than once. It
measures; it asserts nothing, and it is not part of the test suite.

    .venv/bin/python benchmarks/scale.py --children 1000 --loop-children 40 --jobs 3
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from synthetic import write_export  # noqa: E402

BATCH = [sys.executable, "-c", "from ehcp_kit.cli import main; main()", "batch"]


def plain_loop(export: Path, count: int, out: Path) -> float:
    """Seconds for one papermill.execute_notebook call per child, one after another."""
    from batch import plain_loop as papermill_loop

    from ehcp_kit.loaders import load_batch

    plans = [child.plan for child in load_batch(export) if child.plan is not None][:count]
    return papermill_loop(plans, out)


def tree_pss(root: int) -> int:
    """Bytes of proportional set size of ``root`` and every process under it."""
    import psutil

    try:
        processes = [psutil.Process(root), *psutil.Process(root).children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0
    total = 0
    for process in processes:
        try:
            with open(f"/proc/{process.pid}/smaps_rollup", encoding="ascii") as stream:
                for line in stream:
                    if line.startswith("Pss:"):
                        total += int(line.split()[1]) * 1024
                        break
        except OSError:
            continue
    return total


def timed_batch(export: Path, out: Path, options: list[str]) -> tuple[float, int, int]:
    """Run one batch command; its seconds, peak tree memory and exit status."""
    peak = 0
    started = time.perf_counter()
    command = subprocess.Popen([*BATCH, str(export), "--out", str(out), *options],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not stop.wait(0.2):
            peak = max(peak, tree_pss(command.pid))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    status = command.wait()
    seconds = time.perf_counter() - started
    stop.set()
    sampler.join()
    return seconds, peak, status


def not_succeeded(out: Path) -> int:
    """How many children of a batch did not succeed, from its summary.csv."""
    import csv

    with open(out / "summary.csv", encoding="utf-8", newline="") as stream:
        return sum(1 for row in csv.DictReader(stream) if row["status"] != "succeeded")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--children", type=int, default=1000)
    parser.add_argument("--loop-children", type=int, default=40,
                        help="children to time the plain loop on (its rate is reported)")
    parser.add_argument("--jobs", type=int, default=3, help="--jobs for ehcp-kit batch")
    parser.add_argument("--sizes", default="100,300",
                        help="smaller sizes to time as well, comma-separated")
    parser.add_argument("--skip-notebooks", action="store_true",
                        help="time only the plain loop and --no-notebook")
    args = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)  # each line as it is measured
    sizes = sorted({int(size) for size in args.sizes.split(",") if size} | {args.children})
    sizes = [size for size in sizes if size <= args.children]

    scratch = Path(tempfile.mkdtemp(prefix="ehcp-scale-"))
    try:
        print(f"machine: {os.cpu_count()} cores; load average {os.getloadavg()[0]:.2f} "
              f"at the start (other work on the machine changes every figure)")
        exports = {size: write_export(size, scratch / f"export-{size}") for size in sizes}
        print(f"synthetic children: {args.children} (the bundled 44 copied under new ids; "
              f"the smaller sizes are the first of the same children)")

        loop_count = min(args.loop_children, args.children)
        loop_seconds = plain_loop(exports[args.children], loop_count, scratch / "loop")
        loop_rate = loop_count / loop_seconds
        print(f"\nplain papermill loop, timed on the first {loop_count} children: "
              f"{loop_seconds:.1f} s, {loop_rate:.2f} children/s")

        modes = [
            ("--no-notebook", ["--no-notebook", "--jobs", str(args.jobs)]),
            ("  html only", ["--no-notebook", "--formats", "html", "--jobs", str(args.jobs)]),
        ]
        if not args.skip_notebooks:
            modes.insert(0, ("notebooks", ["--jobs", str(args.jobs)]))
        rates = {}
        print(f"\n{'batch':<16}{'children':>9}{'seconds':>10}{'children/s':>12}"
              f"{'x loop':>8}{'peak MiB':>10}{'failed':>8}")
        for name, options in modes:
            for size in sizes:
                out = scratch / f"out-{len(rates)}"
                seconds, peak, _ = timed_batch(exports[size], out, options)
                rate = size / seconds
                rates[name, size] = rate
                print(f"{name:<16}{size:>9}{seconds:>10.1f}{rate:>12.2f}"
                      f"{rate / loop_rate:>8.2f}{peak / 2**20:>10.0f}{not_succeeded(out):>8}")
                shutil.rmtree(out, ignore_errors=True)

        print(f"\nat {args.children} children, --jobs {args.jobs}:")
        for name, _ in modes:
            rate = rates[name, args.children]
            print(f"  {name:<14} {rate:7.2f} children/s = {rate / loop_rate:6.2f}x the plain "
                  f"loop's {loop_rate:.2f} children/s (measured on {loop_count} children)")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
