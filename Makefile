# Every target sets up ./.venv first (scripts/setup.sh), so each works on a fresh clone.
.PHONY: setup demo test docs lint bench clean

setup:
	bash scripts/setup.sh

demo:
	bash scripts/demo.sh

test:
	bash scripts/test.sh

# The handbook (Sphinx), built strictly: any warning fails. Open docs/_build/html/index.html.
docs: setup
	.venv/bin/sphinx-build -W --keep-going -b html docs docs/_build/html

lint: setup
	.venv/bin/ruff check ehcp_kit tests scripts benchmarks docs

bench: setup
	.venv/bin/python benchmarks/batch.py

clean:
	rm -rf out docs/_build .pytest_cache
