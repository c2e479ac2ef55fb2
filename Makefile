# The two commands of the README, and a few conveniences.
.PHONY: setup demo test lint bench

setup:
	@bash scripts/setup.sh

# Install everything, load the demo organisation and serve it at http://127.0.0.1:8000
demo: setup
	uv run bearing demo

# The whole test suite (CI runs exactly this through .ci/run)
test: setup
	uv run pytest -n 2 -q

lint: setup
	uv run ruff check bearing bench tests
	uv run mypy

bench: setup
	uv run python bench/bench_generated.py
