#!/usr/bin/env bash
# Run a command against a throw-away PostgreSQL server: a fresh cluster in a temporary directory,
# reached through its own Unix socket only (no TCP port, so two runs never collide), with
# DATABASE_URL pointing at it; stopped and removed when the command ends, however it ends.
#
#   bash scripts/with_postgres.sh uv run pytest bearing/planning
#
# Needs Debian's postgresql package (scripts/setup.sh installs it). PostgreSQL refuses to run as
# root, so under root the server runs as the package's `postgres` user.
set -euo pipefail

BIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
if [ -z "$BIN" ] || [ ! -x "$BIN/initdb" ]; then
  echo "with_postgres: PostgreSQL is not installed (run scripts/setup.sh)" >&2
  exit 2
fi

DIR="$(mktemp -d /tmp/bearing-pg-XXXXXX)"
AS=()
if [ "$(id -u)" -eq 0 ]; then
  chown postgres:postgres "$DIR"
  AS=(runuser -u postgres --)
fi

stop() {
  "${AS[@]}" "$BIN/pg_ctl" -D "$DIR/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$DIR"
}
trap stop EXIT

# trust: the socket lives in a directory only its owner (and root) can enter
"${AS[@]}" "$BIN/initdb" -D "$DIR/data" -A trust -U bearing -E UTF8 --no-sync >/dev/null
# durability is not needed for a database that lives as long as one test run
"${AS[@]}" "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w -o \
  "-k $DIR -c listen_addresses= -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
  start >/dev/null || { cat "$DIR/server.log" >&2; exit 1; }

export DATABASE_URL="postgres://bearing@${DIR//\//%2F}/bearing"
export BEARING_TEST_DATABASE=postgresql  # settings_test refuses to run these tests elsewhere
echo "with_postgres: PostgreSQL $("$BIN/postgres" --version | awk '{print $3}') at $DIR" >&2
"$@"
