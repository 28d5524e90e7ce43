#!/usr/bin/env bash
# with-postgres.sh CMD ARGS...: runs CMD against a throwaway PostgreSQL 15 cluster.
#
# Starts a private cluster in a fresh temp dir (superuser `ordo`, trust auth, listening on
# 127.0.0.1 only, on a free port), exports
#   ORDO_TEST_PG_URL=postgresql://ordo@127.0.0.1:PORT/postgres
# runs CMD, then stops the cluster and deletes its directory on every exit path, and exits
# with CMD's status. If ORDO_TEST_PG_URL is already set, it just runs CMD against that.
# The cluster trades durability for speed (fsync=off): it is for tests and benchmarks only.
# Missing PostgreSQL binaries are an error, never a silent skip.
#
#   tools/with-postgres.sh ctest --test-dir build --output-on-failure
set -euo pipefail

if [ $# -eq 0 ]; then
  echo "usage: $0 CMD [ARGS...]" >&2
  exit 2
fi

if [ -n "${ORDO_TEST_PG_URL:-}" ]; then
  exec "$@"
fi

die() {
  echo "with-postgres: $*" >&2
  exit 1
}

# --- PostgreSQL binaries: Debian's versioned dir first, then whatever pg_config reports.
bindir=/usr/lib/postgresql/15/bin
if [ ! -x "$bindir/initdb" ] && command -v pg_config >/dev/null 2>&1; then
  bindir="$(pg_config --bindir)"
fi
for tool in initdb pg_ctl pg_isready; do
  [ -x "$bindir/$tool" ] || die "PostgreSQL server binary '$tool' not found in $bindir.
Install PostgreSQL 15 (Debian: apt-get install -y postgresql-15, or run tools/deps.sh test)."
done

# --- initdb refuses to run as root: run the server as an unprivileged system user.
pg_user=""
if [ "$(id -u)" -eq 0 ]; then
  pg_user=ordo-test
  if ! id -u "$pg_user" >/dev/null 2>&1; then
    # Exit status 9 = "already exists" (another run created it concurrently).
    rc=0
    useradd --system --no-create-home --shell /usr/sbin/nologin "$pg_user" 2>/dev/null || rc=$?
    [ "$rc" -eq 0 ] || [ "$rc" -eq 9 ] || id -u "$pg_user" >/dev/null 2>&1 ||
      die "could not create system user '$pg_user' (useradd exit status $rc)"
  fi
fi

dir=""
initialized=0
# shellcheck disable=SC2317  # called from the EXIT trap
cleanup() {
  local status=$?
  trap - EXIT INT TERM HUP
  # Also after an interrupted start: stopping a cluster that is not running is harmless.
  if [ "$initialized" -eq 1 ]; then
    as_pg "$bindir/pg_ctl" stop -D "$dir/data" -m immediate -w -t 30 >/dev/null 2>&1 || true
  fi
  [ -n "$dir" ] && rm -rf "$dir"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

tmp_parent="${TMPDIR:-/tmp}"
# The server user must be able to reach the directory; /tmp always works.
[ -n "$pg_user" ] && tmp_parent=/tmp
dir="$(mktemp -d "$tmp_parent/ordo-pg.XXXXXX")" || die "mktemp failed"
[ -n "$pg_user" ] && chown "$pg_user:" "$dir"

# Runs a command as the server user, from inside the cluster dir (so no tool complains
# about a cwd it cannot read).
as_pg() {
  if [ -n "$pg_user" ]; then
    (cd "$dir" && runuser -u "$pg_user" -- "$@")
  else
    (cd "$dir" && "$@")
  fi
}

free_port() {
  python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
}

as_pg "$bindir/initdb" -D "$dir/data" -U ordo --auth=trust -E UTF8 --locale=C.UTF-8 --no-sync \
  >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; die "initdb failed"; }
initialized=1

cat >>"$dir/data/postgresql.conf" <<EOF

# with-postgres.sh: a throwaway cluster for tests; speed over durability.
listen_addresses = '127.0.0.1'
unix_socket_directories = '$dir'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 300
logging_collector = off
EOF

# The port is free when chosen but another process may grab it before the server binds:
# retry a few times before giving up.
port=""
started=0
for _ in 1 2 3 4 5; do
  port="$(free_port)" || die "python3 is needed to pick a free port"
  : >"$dir/server.log"
  [ -n "$pg_user" ] && chown "$pg_user:" "$dir/server.log"
  if as_pg "$bindir/pg_ctl" start -D "$dir/data" -l "$dir/server.log" -o "-p $port" -w -t 30 \
      >"$dir/pg_ctl.log" 2>&1; then
    started=1
    break
  fi
  # A server that did come up (but pg_ctl gave up waiting) must still be stopped.
  as_pg "$bindir/pg_ctl" stop -D "$dir/data" -m immediate -w -t 10 >/dev/null 2>&1 || true
  if ! grep -q "could not bind\|Address already in use" "$dir/server.log"; then
    break
  fi
done
if [ "$started" -ne 1 ]; then
  cat "$dir/pg_ctl.log" "$dir/server.log" >&2 || true
  die "PostgreSQL failed to start (log above)"
fi

ready=0
for _ in $(seq 1 300); do
  if "$bindir/pg_isready" -q -h 127.0.0.1 -p "$port" -U ordo -d postgres -t 1; then
    ready=1
    break
  fi
  sleep 0.1
done
if [ "$ready" -ne 1 ]; then
  cat "$dir/server.log" >&2 || true
  die "PostgreSQL did not become ready on port $port within 30s (log above)"
fi

echo "postgres: started on port $port"
export ORDO_TEST_PG_URL="postgresql://ordo@127.0.0.1:$port/postgres"

# CMD runs in the background so that a TERM/HUP sent to this script alone (a CI timeout)
# reaches it at once instead of waiting for it to finish. Ctrl-C already reaches CMD
# (same process group), so INT is not sent twice.
( trap - INT QUIT; exec "$@" ) &
child=$!
trap 'kill -TERM "$child" 2>/dev/null || true' TERM
trap 'kill -HUP "$child" 2>/dev/null || true' HUP
trap ':' INT
status=0
while :; do
  wait "$child" && status=0 || status=$?
  # A trapped signal interrupts `wait` (status > 128): wait again while CMD still runs.
  kill -0 "$child" 2>/dev/null || break
done
exit "$status"
