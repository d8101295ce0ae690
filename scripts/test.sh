#!/usr/bin/env bash
# Set up, then run the whole test suite: lint, unit and end-to-end tests, notebooks.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

.venv/bin/ruff check ehcp_kit tests scripts benchmarks docs
# The handbook, built strictly (any warning fails); tests/test_docs.py reuses this build.
.venv/bin/sphinx-build -W --keep-going -q -b html docs docs/_build/html
.venv/bin/python -m pytest tests
.venv/bin/python -m pytest --nbval notebooks --nbval-sanitize-with tests/nbval_sanitize.cfg
