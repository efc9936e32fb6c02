#!/usr/bin/env bash
# Runs a command with ALBUMD_TEST_PG_URL pointing at a PostgreSQL the tests may create databases in.
# Uses the one named by ALBUMD_TEST_PG_URL when set; otherwise starts a throwaway cluster (initdb into
# a temporary directory, pg_ctl on a free port; as the postgres user when run as root, since
# PostgreSQL refuses to run as root) and stops and removes it at the end, even on failure. Without
# PostgreSQL installed it says so and runs nothing (exit 0): SQLite alone is then tested.
set -euo pipefail

if [ -n "${ALBUMD_TEST_PG_URL:-}" ]; then exec "$@"; fi

bin=""
for dir in /usr/lib/postgresql/*/bin; do [ -x "$dir/initdb" ] && bin="$dir"; done
if [ -z "$bin" ] && command -v initdb >/dev/null 2>&1; then bin="$(dirname "$(command -v initdb)")"; fi
if [ -z "$bin" ]; then
  echo "PostgreSQL is not installed (apt-get install postgresql): its tests are skipped" >&2
  exit 0
fi

as_owner() { if [ "$(id -u)" = 0 ]; then su postgres -s /bin/bash -c "$*"; else bash -c "$*"; fi; }

work="$(mktemp -d /tmp/albumd-pg.XXXXXX)"
[ "$(id -u)" = 0 ] && chown postgres "$work"
port="$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
stop() {
  as_owner "'$bin/pg_ctl' -D '$work/data' -m immediate stop" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap stop EXIT INT TERM

as_owner "'$bin/initdb' -D '$work/data' -A trust -U postgres -E UTF8 --no-sync" >/dev/null
# fsync off: a throwaway cluster for tests; the durability of PostgreSQL itself is not under test.
as_owner "'$bin/pg_ctl' -D '$work/data' -l '$work/log' -w -o \"-p $port -k '$work' -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=400\" start" >/dev/null

export ALBUMD_TEST_PG_URL="postgres://postgres@127.0.0.1:$port/postgres"
"$@"
