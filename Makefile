# Every target sets up ./.venv first (scripts/setup.sh), so each works on a fresh clone.
.PHONY: setup demo test lint bench clean

setup:
	bash scripts/setup.sh

demo:
	bash scripts/demo.sh

test:
	bash scripts/test.sh

lint: setup
	.venv/bin/ruff check ehcp_kit tests scripts benchmarks

bench: setup
	.venv/bin/python benchmarks/batch.py

clean:
	rm -rf out docs/_build .pytest_cache
