"""`python -m bearing.engine COMMAND ...`: the engine's commands without the Django CLI."""

import sys

from bearing.engine.cli import ENGINE_COMMANDS, run

if len(sys.argv) < 2 or sys.argv[1] not in ENGINE_COMMANDS:
    sys.stderr.write(f"usage: python -m bearing.engine {{{','.join(ENGINE_COMMANDS)}}} ...\n")
    raise SystemExit(2)
raise SystemExit(run(sys.argv[1], sys.argv[2:]))
