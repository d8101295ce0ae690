"""How fast the quality checks run: statements per second on one core.

Forms re-check a statement on every edit and batches check thousands of plans, so the
target is at least 2,000 statements a second. This script measures; it asserts nothing.

    .venv/bin/python benchmarks/check_speed.py [--count 10000]

The statements are the labelled fixture (outcomes and provision of every kind), each made
distinct by a short suffix so that no cache can answer for a repeat.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import yaml

from ehcp_kit.rules import check_outcome, check_provision

FIXTURE = Path(__file__).resolve().parent.parent / "tests" / "data" / "statements.yaml"


def statements(count: int) -> list[tuple[str, str]]:
    """``count`` distinct (kind, text) pairs drawn in turn from the fixture."""
    labelled = yaml.safe_load(FIXTURE.read_text(encoding="utf-8"))
    return [
        (item["kind"], f"{item['text']} (draft {number})")
        for number, item in zip(range(count), labelled * (count // len(labelled) + 1),
                                strict=False)
    ]


def main() -> None:
    """Check every statement once, timing each call, and print the rates."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000)
    count = parser.parse_args().count

    work = statements(count)
    check_outcome("By the end of Year 6, Maya will read 20 words.")  # import and warm up

    timings = []
    findings = 0
    started = time.perf_counter()
    for kind, text in work:
        before = time.perf_counter()
        found = check_outcome(text) if kind == "outcome" else check_provision(text)
        timings.append(time.perf_counter() - before)
        findings += len(found)
    elapsed = time.perf_counter() - started

    timings.sort()
    print(f"statements checked:      {count}")
    print(f"findings:                {findings}")
    print(f"seconds:                 {elapsed:.3f}")
    print(f"statements per second:   {count / elapsed:,.0f}")
    print(f"median per statement:    {statistics.median(timings) * 1000:.3f} ms")
    print(f"99th percentile:         {timings[int(len(timings) * 0.99)] * 1000:.3f} ms")


if __name__ == "__main__":
    main()
