#!/usr/bin/env bash
# Set up, then run the whole test suite: lint, unit and end-to-end tests, notebooks.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

.venv/bin/ruff check ehcp_kit tests scripts benchmarks
.venv/bin/python -m pytest tests
.venv/bin/python -m pytest --nbval notebooks --nbval-sanitize-with tests/nbval_sanitize.cfg
