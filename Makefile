# The two commands of the README, and a few conveniences.
.PHONY: setup demo test lint bench

setup:
	@bash scripts/setup.sh

# Install everything, load the demo organisation and serve it at http://127.0.0.1:8000
demo: setup
	uv run bearing demo

# The app's tests (everything but the engine, which touches no database) run again on PostgreSQL
APP_TESTS = bearing/core bearing/capacity bearing/demand bearing/strategy bearing/planning

# The whole test suite on SQLite, then the app's tests on a throw-away PostgreSQL server
# (CI runs exactly this through .ci/run)
test: setup
	uv run pytest -n 2 -q
	bash scripts/with_postgres.sh uv run pytest -n 2 -q $(APP_TESTS)

lint: setup
	uv run ruff check bearing bench tests
	uv run mypy

bench: setup
	uv run python bench/bench_generated.py
