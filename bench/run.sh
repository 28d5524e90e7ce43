#!/usr/bin/env bash
# bench/run.sh BUILD_DIR: the HTTP load benchmark behind `make bench` (see bench/README.md).
#
# For each backend (sqlite: a fresh file; postgres: a fresh database on $ORDO_TEST_PG_URL)
# it runs `ordo init` and `ordo serve`, gets an API token, creates one organisation and one
# service with a 24x7 SLA, then drives the server with wrk at each connection count:
# creates (bench/wrk/create_incident.lua), gets of random existing incidents
# (get_incident.lua), updates with If-Match (update_incident.lua) and workflow transitions
# with If-Match (transition_incident.lua) of the incidents just created, each write run on
# its own slice of them.
# The baselines: bench_sqlite_insert (a bare loop of durable single-row SQLite
# transactions; on 1 thread before and after the Ordo runs, then at the other connection
# counts) and bench_const_server (a Beast handler returning a constant) driven by wrk at the
# same connection counts. Then the large-database part (issue #4): the SLA clock
# micro-benchmark (ordo_sla_bench: evaluations/s over 1M realistic timelines, as a ratio to
# Calendar::business_seconds), and per backend a database filled by `ordo bench-data` on which
# `ordo serve` answers the SLA report over the last year (GET /api/v1/reports/sla, p50 / max
# of BENCH_REPORT_RUNS requests per group_by), the ticket KPIs and incident trends, the agent
# queue views and full-text searches under wrk (with bench_select — a plain SELECT of 50 rows
# by the queue index on the same database — as their baseline), and its RSS is read. Last,
# import throughput: bench/gen_import.py's incidents through `ordo import incidents` into a
# fresh demo database per backend. Prints a table with
# each Ordo figure as a ratio to its baseline and writes everything to
# bench/results/latest.json.
#
# Environment:
#   BENCH_SECONDS      seconds per wrk run and per baseline run (default 5)
#   BENCH_CONNECTIONS  connection counts (default "1 16 64"); wrk threads = min(conns, 2)
#   BENCH_BACKENDS     backends to run (default "sqlite postgres")
#   BENCH_KEEP_WORKDIR keep the temp dir (databases, server logs, raw wrk output) when set
#   BENCH_CLOCK_INCIDENTS  incidents for the SLA clock micro-benchmark (default 1000000; 0 skips)
#   BENCH_INCIDENTS    incidents in the large SQLite database (default 1000000; 0 skips it)
#   BENCH_PG_INCIDENTS incidents in the large PostgreSQL database (default 100000; 0 skips it)
#   BENCH_REPORT_RUNS  SLA report requests per group_by on each large database (default 5)
#   BENCH_IMPORT_INCIDENTS  incidents for the import throughput run (default 20000; 0 skips it)
#   ORDO_TEST_PG_URL   a PostgreSQL superuser URL (tools/with-postgres.sh sets it); without
#                      it the postgres backend is skipped, loudly
#
# Every server it starts is stopped on every exit path. Exit status is 0 only when every run
# produced a figure; non-2xx responses are reported, not fatal.
#
#   tools/with-postgres.sh bench/run.sh build
set -euo pipefail

die() {
  echo "bench: $*" >&2
  exit 1
}
say() { echo "bench: $*" >&2; }

[ $# -eq 1 ] || die "usage: $0 BUILD_DIR"
[ -d "$1" ] || die "build directory '$1' does not exist (run make build first)"
BUILD="$(cd "$1" && pwd)"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ORDO="$BUILD/ordo"
INSERT_BIN="$BUILD/bench/bench_sqlite_insert"
CONST_BIN="$BUILD/bench/bench_const_server"
SLA_BIN="$BUILD/bench/ordo_sla_bench"
SELECT_BIN="$BUILD/bench/bench_select"
WRK_DIR="$HERE/wrk"
RESULTS_DIR="$HERE/results"

DURATION="${BENCH_SECONDS:-5}"
read -r -a CONNECTIONS <<<"${BENCH_CONNECTIONS:-1 16 64}"
read -r -a BACKENDS <<<"${BENCH_BACKENDS:-sqlite postgres}"
[[ "$DURATION" =~ ^[1-9][0-9]*$ ]] || die "BENCH_SECONDS must be a whole number of seconds ≥ 1, got '$DURATION'"
[ ${#CONNECTIONS[@]} -gt 0 ] || die "BENCH_CONNECTIONS is empty"
for c in "${CONNECTIONS[@]}"; do
  [[ "$c" =~ ^[1-9][0-9]*$ ]] || die "BENCH_CONNECTIONS must list whole numbers ≥ 1, got '$c'"
done
for b in "${BACKENDS[@]}"; do
  [ "$b" = sqlite ] || [ "$b" = postgres ] || die "BENCH_BACKENDS: unknown backend '$b' (sqlite, postgres)"
done

CLOCK_INCIDENTS="${BENCH_CLOCK_INCIDENTS:-1000000}"
LARGE_SQLITE="${BENCH_INCIDENTS:-1000000}"
LARGE_PG="${BENCH_PG_INCIDENTS:-100000}"
REPORT_RUNS="${BENCH_REPORT_RUNS:-5}"
IMPORT_N="${BENCH_IMPORT_INCIDENTS:-20000}"
for v in CLOCK_INCIDENTS LARGE_SQLITE LARGE_PG IMPORT_N; do
  [[ "${!v}" =~ ^[0-9]+$ ]] || die "the incident counts (BENCH_CLOCK_INCIDENTS, BENCH_INCIDENTS, BENCH_PG_INCIDENTS, BENCH_IMPORT_INCIDENTS) must be whole numbers, got '${!v}'"
done
[[ "$REPORT_RUNS" =~ ^[1-9][0-9]*$ ]] || die "BENCH_REPORT_RUNS must be a whole number ≥ 1, got '$REPORT_RUNS'"

for f in "$ORDO" "$INSERT_BIN" "$CONST_BIN" "$SLA_BIN" "$SELECT_BIN"; do
  [ -x "$f" ] || die "$f not found: build first (make build, or cmake --build $BUILD)"
done
for tool in wrk curl python3; do
  command -v "$tool" >/dev/null 2>&1 || die "'$tool' not found: run tools/deps.sh bench"
done

load_before="$(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo null)"
if python3 -c 'import sys; sys.exit(0 if float(sys.argv[1]) >= 1.0 else 1)' "$load_before" 2>/dev/null; then
  say "WARNING: the machine is already busy (1-minute load average $load_before): figures will be low and noisy"
fi

WORK="$(mktemp -d "${TMPDIR:-/tmp}/ordo-bench.XXXXXX")" || die "mktemp failed"
RESULTS="$WORK/results.jsonl"
: >"$RESULTS"
failures=0
server_pids=()
pg_databases=()

# Stops a server we started: SIGTERM (Ordo drains in-flight requests for up to 10 s), then
# SIGKILL if it is still there after 15 s.
stop_pid() {
  local pid=$1
  kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null || true; return 0; }
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 150); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    say "process $pid did not stop on SIGTERM within 15 s; killing it"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  wait "$pid" 2>/dev/null || true
}

cleanup() {
  local status=$?
  trap - EXIT INT TERM HUP
  local pid db
  for pid in "${server_pids[@]}"; do stop_pid "$pid"; done
  for db in "${pg_databases[@]}"; do
    psql "$ORDO_TEST_PG_URL" -qX -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true
  done
  if [ -n "${BENCH_KEEP_WORKDIR:-}" ]; then
    say "kept $WORK"
  else
    rm -rf "$WORK"
  fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

forget_pid() {
  local keep=() p
  for p in "${server_pids[@]}"; do [ "$p" = "$1" ] || keep+=("$p"); done
  server_pids=("${keep[@]+"${keep[@]}"}")
}

# new_pg_db NAME: creates database NAME on $ORDO_TEST_PG_URL (dropped by the exit trap) and
# sets `url` to its URL. Not in a subshell: it adds to pg_databases.
new_pg_db() {
  psql "$ORDO_TEST_PG_URL" -qX -v ON_ERROR_STOP=1 -c "CREATE DATABASE $1" >/dev/null ||
    die "cannot create database $1 on $ORDO_TEST_PG_URL"
  pg_databases+=("$1")
  url="$(python3 -c 'import sys, urllib.parse as u
p = u.urlsplit(sys.argv[1])
print(u.urlunsplit(p._replace(path="/" + sys.argv[2])))' "$ORDO_TEST_PG_URL" "$1")"
}

# json_get FILE KEY...: prints FILE's JSON value at the path of keys (list indexes are numbers).
json_get() {
  python3 - "$@" <<'PY'
import json, sys
v = json.load(open(sys.argv[1]))
for k in sys.argv[2:]:
    v = v[int(k)] if isinstance(v, list) else v[k]
print(v if not isinstance(v, (dict, list)) else json.dumps(v))
PY
}

# proc_kib PID FIELD FILE: a kB figure from /proc/PID/FILE ("null" when unreadable).
proc_kib() {
  local v
  v="$(awk -v f="$2:" '$1 == f {print $2}' "/proc/$1/$3" 2>/dev/null || true)"
  echo "${v:-null}"
}

# api OUT METHOD URL [CURL ARGS...]: one request; the body goes to OUT. Fails, showing the
# body, unless the status is 2xx.
api() {
  local out=$1 method=$2 url=$3
  shift 3
  local code
  code="$(curl -sS -o "$out" -w '%{http_code}' -X "$method" "$@" "$url")" || {
    say "$method $url: curl failed"
    return 1
  }
  if [[ "$code" != 2?? ]]; then
    say "$method $url -> HTTP $code: $(head -c 2000 "$out")"
    return 1
  fi
}

# wait_for_port PID LOG: waits for "…http://HOST:PORT" / "listening on HOST:PORT" in LOG and
# prints PORT; fails if the process exits first or after 60 s.
wait_for_port() {
  local pid=$1 log=$2 port
  for _ in $(seq 1 600); do
    port="$(sed -n -e 's#.*serving on http://.*:\([0-9][0-9]*\).*#\1#p' \
                   -e 's#.*listening on .*:\([0-9][0-9]*\)$#\1#p' "$log" | head -n 1)"
    if [ -n "$port" ]; then
      echo "$port"
      return 0
    fi
    kill -0 "$pid" 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}

# run_wrk SCRIPT URL CONNS OUTPUT: one wrk run; prints its JSON summary line (report.lua).
run_wrk() {
  local script=$1 url=$2 conns=$3 out=$4
  local threads=$((conns < 2 ? conns : 2))
  if ! wrk -t"$threads" -c"$conns" -d"${DURATION}s" --timeout 30s -s "$script" "$url" >"$out" 2>&1; then
    say "wrk failed ($script, $conns connections):"
    cat "$out" >&2
    return 1
  fi
  local line
  line="$(grep '^{"requests"' "$out" | tail -n 1)"
  if [ -z "$line" ]; then
    say "wrk printed no summary ($script, $conns connections):"
    cat "$out" >&2
    return 1
  fi
  echo "$line"
}

# record JSON: appends one line to the results file.
record() { echo "$1" >>"$RESULTS"; }

# init_db LABEL DB_URL DIR: a fresh database whose administrator is "bench"; the generated
# password is in DIR/admin-password.
init_db() {
  local label=$1 db_url=$2 dir=$3
  python3 -c 'import secrets; print(secrets.token_hex(16))' >"$dir/admin-password"
  chmod 600 "$dir/admin-password"
  say "$label: ordo init"
  if ! "$ORDO" init --db "$db_url" --admin-user bench --admin-password-file "$dir/admin-password" \
      >"$dir/init.log" 2>&1; then
    cat "$dir/init.log" >&2
    say "$label: ordo init failed"
    return 1
  fi
}

# start_serve LABEL DB_URL DIR: ordo serve on a free port, answering /healthz. Sets SERVE_PID
# and SERVE_BASE (the server is also in server_pids, so the exit trap stops it).
start_serve() {
  local label=$1 db_url=$2 dir=$3
  "$ORDO" serve --db "$db_url" --listen 127.0.0.1:0 >"$dir/serve.out" 2>"$dir/serve.log" &
  SERVE_PID=$!
  server_pids+=("$SERVE_PID")
  local port
  if ! port="$(wait_for_port "$SERVE_PID" "$dir/serve.out")"; then
    cat "$dir/serve.out" >&2
    tail -n 20 "$dir/serve.log" >&2
    say "$label: ordo serve did not start"
    return 1
  fi
  SERVE_BASE="http://127.0.0.1:$port"
  local healthy=0
  for _ in $(seq 1 300); do
    if curl -sf -o /dev/null "$SERVE_BASE/healthz"; then
      healthy=1
      break
    fi
    sleep 0.1
  done
  [ "$healthy" -eq 1 ] || { say "$label: $SERVE_BASE/healthz never answered 200"; return 1; }
  say "$label: ordo serve (pid $SERVE_PID) on $SERVE_BASE"
}

# bench_token DIR BASE: logs in as bench (session cookie; the token request is a
# cookie-authenticated write, so it needs X-CSRF-Token) and prints a new API token.
bench_token() {
  local dir=$1 base=$2
  local jar="$dir/cookies"
  printf '{"username":"bench","password":"%s"}' "$(cat "$dir/admin-password")" >"$dir/login.json"
  api "$dir/login.out" POST "$base/api/v1/auth/login" -c "$jar" \
    -H 'Content-Type: application/json' --data-binary @"$dir/login.json" || return 1
  local csrf
  csrf="$(json_get "$dir/login.out" csrf_token)" || return 1
  api "$dir/token.out" POST "$base/api/v1/tokens" -b "$jar" -H "X-CSRF-Token: $csrf" \
    -H 'Content-Type: application/json' --data '{"name":"bench"}' || return 1
  json_get "$dir/token.out" token
}

# bench_backend NAME DB_URL: init, serve, load, stop. Returns non-zero if it had to give up.
bench_backend() {
  local backend=$1 db_url=$2
  local dir="$WORK/$backend"
  mkdir -p "$dir"
  init_db "$backend" "$db_url" "$dir" || return 1
  start_serve "$backend" "$db_url" "$dir" || return 1
  local pid=$SERVE_PID base=$SERVE_BASE
  local idle_rss_kib
  idle_rss_kib="$(proc_kib "$pid" VmRSS status)"  # before any request (the login's argon2id comes next)
  local token
  token="$(bench_token "$dir" "$base")" || return 1
  local auth=(-H "Authorization: Bearer $token" -H 'Content-Type: application/json')
  api "$dir/org.out" POST "$base/api/v1/organisations" "${auth[@]}" \
    --data '{"name":"Bench Co","kind":"customer"}' || return 1
  api "$dir/service.out" POST "$base/api/v1/services" "${auth[@]}" \
    --data '{"name":"Bench"}' || return 1
  local customer service
  customer="$(json_get "$dir/org.out" id)" || return 1
  service="$(json_get "$dir/service.out" id)" || return 1
  # An SLA on the service (24x7, the default pause status), as a service desk has: every
  # create and transition runs the SLA clock and keeps the ticket's due-queue row current.
  api "$dir/agreement.out" POST "$base/api/v1/agreements" "${auth[@]}" \
    --data "{\"name\":\"Bench SLA\",\"kind\":\"sla\",\"service\":$service,\"targets\":{\"P1\":{\"response\":900,\"resolution\":14400},\"P2\":{\"response\":1800,\"resolution\":28800},\"P3\":{\"response\":14400,\"resolution\":108000},\"P4\":{\"response\":28800,\"resolution\":180000}}}" ||
    return 1
  # One incident by hand first: if the API rejects the body wrk sends, say why now.
  api "$dir/smoke.out" POST "$base/api/v1/incidents" "${auth[@]}" \
    --data "{\"title\":\"Bench smoke\",\"description\":\"\",\"service\":$service,\"customer\":$customer,\"impact\":2,\"urgency\":2}" ||
    return 1

  export ORDO_TOKEN="$token" ORDO_SERVICE_ID="$service" ORDO_CUSTOMER_ID="$customer"
  local op conns line
  # The write runs (update and transition at each connection count) each take their own
  # slice of the incidents created, untouched before, so every one starts at version 1 in
  # status new (ORDO_POOL_FRESH: no GET first) and gets a few writes, as tickets do.
  # (Until 2026-12-05 every run wrote the same first 8–256 incidents, which ended with
  # thousands of events each: a history no ticket has, and what the run measured.)
  local write_runs=$((2 * ${#CONNECTIONS[@]})) write_run=0 slice=0
  for op in create get update transition; do
    if [ "$op" = get ]; then
      # The newest incident has the highest id (lists sort by -id by default); the smoke
      # incident above is the oldest.
      api "$dir/newest.out" GET "$base/api/v1/incidents?limit=1" "${auth[@]}" || return 1
      ORDO_MAX_ID="$(json_get "$dir/newest.out" items 0 id)" || return 1
      ORDO_MIN_ID="$(json_get "$dir/smoke.out" id)" || return 1
      export ORDO_MAX_ID ORDO_MIN_ID
      slice=$(((ORDO_MAX_ID - ORDO_MIN_ID + 1) / write_runs))
      say "$backend: $ORDO_MAX_ID incidents to read, $slice for each write run"
    fi
    for conns in "${CONNECTIONS[@]}"; do
      say "$backend: $op × $conns connections, ${DURATION}s"
      local script="$WRK_DIR/create_incident.lua"
      case "$op" in
        get) script="$WRK_DIR/get_incident.lua" ;;
        update) script="$WRK_DIR/update_incident.lua" ;;
        transition) script="$WRK_DIR/transition_incident.lua" ;;
      esac
      # Writers of existing incidents: each wrk thread owns its share of the run's slice
      # (bench/wrk/pool.lua), at least 4 incidents per connection it drives, so a connection
      # always has one that is not in flight.
      local threads=$((conns < 2 ? conns : 2))
      local pool=0 run_min=${ORDO_MIN_ID:-} run_max=${ORDO_MAX_ID:-}
      if [ "$op" = update ] || [ "$op" = transition ]; then
        local need=$((4 * conns / threads))
        [ "$need" -ge 8 ] || need=8
        pool=$((slice / threads))
        run_min=$((ORDO_MIN_ID + write_run * slice))
        run_max=$((run_min + slice - 1))
        write_run=$((write_run + 1))
        if [ "$pool" -lt "$need" ]; then
          say "$backend: $op × $conns: only $slice incidents per write run, $((need * threads)) needed: skipped"
          failures=$((failures + 1))
          continue
        fi
      fi
      if line="$(ORDO_POOL=$pool ORDO_POOL_FRESH=1 ORDO_MIN_ID=$run_min ORDO_MAX_ID=$run_max \
                 run_wrk "$script" "$base" "$conns" "$dir/wrk-$op-$conns.txt")"; then
        record "{\"kind\":\"ordo\",\"backend\":\"$backend\",\"operation\":\"$op\",\"connections\":$conns,\"result\":$line}"
      else
        failures=$((failures + 1))
      fi
      if ! kill -0 "$pid" 2>/dev/null; then
        say "$backend: ordo serve died; the end of its log:"
        tail -n 30 "$dir/serve.log" >&2
        forget_pid "$pid"
        wait "$pid" 2>/dev/null || true
        return 1
      fi
    done
  done

  # Peak RSS, and what the RSS is made of now: RssFile counts each mmap of the database
  # (SQLite's mmap_size, one per connection) separately, so it can exceed the file's size;
  # PSS counts each page once.
  local hwm_kib anon_kib file_kib
  hwm_kib="$(awk '/^VmHWM:/ {print $2}' "/proc/$pid/status" 2>/dev/null || true)"
  anon_kib="$(awk '/^RssAnon:/ {print $2}' "/proc/$pid/status" 2>/dev/null || true)"
  file_kib="$(awk '/^RssFile:/ {print $2}' "/proc/$pid/status" 2>/dev/null || true)"
  local pss_kib  # proportional: a page mapped N times counts 1/N each time
  pss_kib="$(awk '/^Pss:/ {print $2}' "/proc/$pid/smaps_rollup" 2>/dev/null || true)"
  local stat_line utime stime ticks
  stat_line="$(sed 's/.*) //' "/proc/$pid/stat")"
  utime="$(echo "$stat_line" | awk '{print $12}')"
  stime="$(echo "$stat_line" | awk '{print $13}')"
  ticks="$(getconf CLK_TCK)"
  record "{\"kind\":\"server\",\"backend\":\"$backend\",\"peak_rss_kib\":${hwm_kib:-null},\"rss_anon_kib_at_end\":${anon_kib:-null},\"rss_file_kib_at_end\":${file_kib:-null},\"pss_kib_at_end\":${pss_kib:-null},\"idle_rss_kib\":$idle_rss_kib,\"cpu_seconds\":$(python3 -c "print(round(($utime + $stime) / $ticks, 2))"),\"incidents\":$ORDO_MAX_ID}"
  stop_pid "$pid"
  forget_pid "$pid"
  unset ORDO_TOKEN ORDO_SERVICE_ID ORDO_CUSTOMER_ID ORDO_MAX_ID ORDO_MIN_ID
  return 0
}

# run_insert_baseline THREADS PHASE: one bench_sqlite_insert run, recorded.
run_insert_baseline() {
  local threads=$1 phase=$2 line
  mkdir -p "$WORK/baseline"
  say "baseline: bench_sqlite_insert, $threads thread(s), ${DURATION}s ($phase the Ordo runs)"
  if line="$("$INSERT_BIN" --seconds "$DURATION" --threads "$threads" --path "$WORK/baseline/insert.db")"; then
    record "{\"kind\":\"sqlite_insert\",\"threads\":$threads,\"phase\":\"$phase\",\"result\":$line}"
  else
    say "bench_sqlite_insert failed ($threads threads)"
    failures=$((failures + 1))
    return 1
  fi
}

# --- Baseline: the 1-thread durable insert loop, before the Ordo runs. The cost of an fsync
# can drift a lot over a few minutes (virtual disks, other I/O), so the create ratio uses
# the mean of this run and the one after the Ordo runs, and the report flags a drift.
run_insert_baseline 1 before || true

# --- Ordo, per backend
skipped=()
for backend in "${BACKENDS[@]}"; do
  case "$backend" in
    sqlite)
      url="sqlite:$WORK/sqlite/ordo-bench.db"
      ;;
    postgres)
      if [ -z "${ORDO_TEST_PG_URL:-}" ]; then
        say "postgres: SKIPPED — ORDO_TEST_PG_URL is not set (run through tools/with-postgres.sh, as make bench does)"
        skipped+=(postgres)
        continue
      fi
      command -v psql >/dev/null 2>&1 || die "'psql' not found: run tools/deps.sh bench"
      db="ordo_bench_$$_$(date +%s)"
      new_pg_db "$db"
      ;;
  esac
  if ! bench_backend "$backend" "$url"; then
    say "$backend: gave up (see above)"
    failures=$((failures + 1))
  fi
done

# --- Baseline: durable single-row SQLite inserts, 1 thread after the Ordo runs and at the
# other connection counts (information: writers without group commit).
insert_threads=(1)
for c in "${CONNECTIONS[@]}"; do [ "$c" -eq 1 ] || insert_threads+=("$c"); done
for threads in "${insert_threads[@]}"; do
  run_insert_baseline "$threads" after || true
done

# --- Baseline: a Beast handler that returns a constant.
mkdir -p "$WORK/baseline"
"$CONST_BIN" --port 0 >"$WORK/baseline/const.out" 2>&1 &
const_pid=$!
server_pids+=("$const_pid")
if const_port="$(wait_for_port "$const_pid" "$WORK/baseline/const.out")"; then
  for conns in "${CONNECTIONS[@]}"; do
    say "baseline: constant handler × $conns connections, ${DURATION}s"
    if line="$(run_wrk "$WRK_DIR/get_const.lua" "http://127.0.0.1:$const_port" "$conns" "$WORK/baseline/wrk-const-$conns.txt")"; then
      record "{\"kind\":\"const_get\",\"connections\":$conns,\"result\":$line}"
    else
      failures=$((failures + 1))
    fi
  done
  const_hwm="$(awk '/^VmHWM:/ {print $2}' "/proc/$const_pid/status" 2>/dev/null || true)"
  record "{\"kind\":\"server\",\"backend\":\"const\",\"peak_rss_kib\":${const_hwm:-null}}"
else
  cat "$WORK/baseline/const.out" >&2
  say "bench_const_server did not start"
  failures=$((failures + 1))
fi
stop_pid "$const_pid"
forget_pid "$const_pid"

# --- The SLA clock micro-benchmark: evaluations/s over realistic timelines, 1 and 2 threads,
# with Calendar::business_seconds per incident as the baseline (bench/sla_clock_bench.cc).
if [ "$CLOCK_INCIDENTS" -gt 0 ]; then
  say "sla clock: ordo_sla_bench --incidents $CLOCK_INCIDENTS (1 and 2 threads)"
  if line="$("$SLA_BIN" --incidents "$CLOCK_INCIDENTS" 2>"$WORK/sla_clock.log")"; then
    cat "$WORK/sla_clock.log" >&2
    record "{\"kind\":\"sla_clock\",\"result\":$line}"
  else
    cat "$WORK/sla_clock.log" >&2
    say "ordo_sla_bench failed"
    failures=$((failures + 1))
  fi
fi

# large_views BACKEND N DIR BASE TOKEN: the agent's queue lists (open tickets of a team, by
# SLA due time, 50 rows; unassigned; breached; at risk) and full-text searches (one type's
# list with q=, and the search box across every type) on the large database.
large_views() {
  local backend=$1 n=$2 dir=$3 base=$4 token=$5
  local teams
  teams="$(curl -sS -H "Authorization: Bearer $token" "$base/api/v1/teams?limit=500" |
    python3 -c 'import json,sys; print(" ".join(str(t["id"]) for t in json.load(sys.stdin)["items"]))')" || teams=""
  if [ -z "$teams" ]; then
    say "$backend (large): no teams to build queue views from: views skipped"
    failures=$((failures + 1))
    return 0
  fi
  local t
  : >"$dir/paths-queue.txt"
  for t in $teams; do
    echo "/api/v1/incidents?assignment_group=$t&is_open=true&sort=sla_due_at&limit=50" >>"$dir/paths-queue.txt"
    echo "/api/v1/incidents?assignment_group=$t&assignee=null&is_open=true&sort=sla_due_at&limit=50" >>"$dir/paths-queue.txt"
  done
  echo "/api/v1/incidents?resolution_breached=true&is_open=true&sort=sla_due_at&limit=50" >>"$dir/paths-queue.txt"
  echo "/api/v1/incidents?sla_at_risk=true&is_open=true&sort=sla_due_at&limit=50" >>"$dir/paths-queue.txt"
  # Words from the generated titles (bench_data.cc): symptoms, services, and a rare pair.
  : >"$dir/paths-search.txt"
  local w
  for w in login slow error times unavailable crashes certificate permissions duplicate connection            "password%20expired" "sync%20fails" "finance" "Berlin" "VIP" "update"; do
    echo "/api/v1/incidents?q=$w&limit=50" >>"$dir/paths-search.txt"
    echo "/api/v1/search?q=$w&limit=10" >>"$dir/paths-search.txt"
  done
  local view conns line
  for view in queue search; do
    for conns in "${CONNECTIONS[@]}"; do
      if line="$(ORDO_TOKEN=$token ORDO_PATHS="$dir/paths-$view.txt"           run_wrk "$WRK_DIR/get_paths.lua" "$base" "$conns" "$dir/wrk-$view-$conns.txt")"; then
        record "{\"kind\":\"large_view\",\"backend\":\"$backend\",\"incidents\":$n,\"view\":\"$view\",\"connections\":$conns,\"result\":$line}"
        say "$backend (large): $view at $conns connections: $line"
      else
        failures=$((failures + 1))
      fi
    done
  done
}

# time_report BACKEND N DIR BASE TOKEN REPORT GROUP PATH: BENCH_REPORT_RUNS requests of one
# report on the large database, timed by curl (the first is a run too), recorded with the
# p50 and max. The SLA report keeps its record kind "sla_report"; the others are "report".
time_report() {
  local backend=$1 n=$2 dir=$3 base=$4 token=$5 report=$6 group=$7 path=$8
  local out="$dir/report-$report-$group.out" i code t times=()
  for i in $(seq 1 "$REPORT_RUNS"); do
    if ! read -r code t < <(curl -sS -o "$out" -w '%{http_code} %{time_total}\n' \
        -H "Authorization: Bearer $token" "$base$path"); then
      code=000
    fi
    if [[ "$code" != 2?? ]]; then
      say "$backend (large): $path -> HTTP $code: $(head -c 500 "$out")"
      failures=$((failures + 1))
      return 0
    fi
    times+=("$t")
  done
  local rec
  rec="$(python3 - "$backend" "$n" "$report" "$group" "$out" "${times[@]}" <<'PY'
import json, statistics, sys
backend, n, report, group, out = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
ms = [round(float(t) * 1000, 2) for t in sys.argv[6:]]
try:
    doc = json.load(open(out))
    groups = doc.get("groups", doc.get("rows", doc.get("items", doc.get("clusters"))))
    groups = len(groups) if isinstance(groups, list) else None
except Exception:
    groups = None
rec = {"kind": "sla_report" if report == "sla" else "report", "backend": backend, "incidents": n,
       "report": report, "group_by": group, "runs_ms": ms, "p50_ms": statistics.median(ms),
       "max_ms": max(ms), "groups": groups}
print(json.dumps(rec))
PY
)"
  record "$rec"
  say "$backend (large): $report by $group: $(python3 -c 'import json,sys; r=json.loads(sys.argv[1]); print("p50 %s ms, max %s ms" % (r["p50_ms"], r["max_ms"]))' "$rec")"
}

# select_baseline BACKEND N DB_URL: bench_select (plain SELECT of 50 rows by the queue index)
# on 1 and 2 threads against the large database, with no server running.
select_baseline() {
  local backend=$1 n=$2 db_url=$3 threads line
  for threads in 1 2; do
    say "$backend (large): baseline bench_select, $threads thread(s), ${DURATION}s"
    if line="$("$SELECT_BIN" --seconds "$DURATION" --threads "$threads" --db "$db_url")"; then
      record "{\"kind\":\"select_baseline\",\"backend\":\"$backend\",\"incidents\":$n,\"threads\":$threads,\"result\":$line}"
    else
      say "$backend (large): bench_select failed"
      failures=$((failures + 1))
    fi
  done
}

# bench_large NAME DB_URL INCIDENTS: init, bench-data, serve, SLA report runs, memory.
bench_large() {
  local backend=$1 db_url=$2 n=$3
  local dir="$WORK/large-$backend"
  mkdir -p "$dir"
  init_db "$backend (large)" "$db_url" "$dir" || return 1
  say "$backend (large): ordo bench-data --incidents $n"
  local line
  if ! line="$("$ORDO" bench-data --db "$db_url" --incidents "$n" --json 2>"$dir/bench-data.log")"; then
    tail -n 20 "$dir/bench-data.log" >&2
    say "$backend (large): ordo bench-data failed"
    return 1
  fi
  local db_bytes=null
  if [[ "$db_url" == sqlite:* ]]; then
    db_bytes="$(stat -c %s "${db_url#sqlite:}" 2>/dev/null || echo null)"
  fi
  record "{\"kind\":\"bench_data\",\"backend\":\"$backend\",\"db_bytes\":$db_bytes,\"result\":$line}"
  say "$backend (large): $line"
  select_baseline "$backend" "$n" "$db_url"

  start_serve "$backend (large)" "$db_url" "$dir" || return 1
  local pid=$SERVE_PID base=$SERVE_BASE
  local idle_rss_kib
  idle_rss_kib="$(proc_kib "$pid" VmRSS status)"
  local token
  token="$(bench_token "$dir" "$base")" || return 1

  # The SLA report over the last year, per dimension; the first request of each is a run too
  # (no warm-up: a report is usually asked for once). Then the service-desk KPIs (8.3.2:
  # MTTR, first-time fix, reopen rate, satisfaction …) per dimension, and the incident-trend
  # clusters (problem candidates, 8.6.3), over the same year.
  local from to
  to="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  from="$(date -u -d '365 days ago' +%Y-%m-%dT%H:%M:%SZ)"
  local group
  for group in service customer agreement priority; do
    time_report "$backend" "$n" "$dir" "$base" "$token" sla "$group" \
      "/api/v1/reports/sla?from=$from&to=$to&group_by=$group"
  done
  curl -sS -o "$dir/report.csv" -H "Authorization: Bearer $token" \
    "$base/api/v1/reports/sla?from=$from&to=$to&group_by=service&format=csv" || true
  for group in none service customer assignment_group priority; do
    local g="&group_by=$group"
    [ "$group" = none ] && g=""
    time_report "$backend" "$n" "$dir" "$base" "$token" tickets "$group" \
      "/api/v1/reports/tickets?type=incidents&from=$from&to=$to$g"
  done
  time_report "$backend" "$n" "$dir" "$base" "$token" incident_trends service_category \
    "/api/v1/reports/incident-trends?from=$from&to=$to&by=service_category&min_count=5"

  # Queue views and full-text search on the large database over HTTP (issue #5): wrk at each
  # connection count over a file of paths, p50/p99 from wrk's latency distribution.
  large_views "$backend" "$n" "$dir" "$base" "$token"

  # Memory with the large database: peak RSS (VmHWM, includes the login's 64 MiB argon2id
  # hash), RSS when idle after start, and at the end (anonymous / file-backed, PSS).
  record "{\"kind\":\"large_server\",\"backend\":\"$backend\",\"incidents\":$n,\"idle_rss_kib\":$idle_rss_kib,\"peak_rss_kib\":$(proc_kib "$pid" VmHWM status),\"rss_anon_kib_at_end\":$(proc_kib "$pid" RssAnon status),\"rss_file_kib_at_end\":$(proc_kib "$pid" RssFile status),\"pss_kib_at_end\":$(proc_kib "$pid" Pss smaps_rollup)}"
  stop_pid "$pid"
  forget_pid "$pid"
  return 0
}

for backend in "${BACKENDS[@]}"; do
  case "$backend" in
    sqlite)
      n="$LARGE_SQLITE"
      url="sqlite:$WORK/large-sqlite/ordo-large.db"
      ;;
    postgres)
      n="$LARGE_PG"
      [ -n "${ORDO_TEST_PG_URL:-}" ] || continue  # reported as skipped above
      db="ordo_bench_large_$$_$(date +%s)"
      [ "$n" -gt 0 ] || continue
      new_pg_db "$db"
      ;;
  esac
  [ "$n" -gt 0 ] || continue
  if ! bench_large "$backend" "$url" "$n"; then
    say "$backend (large): gave up (see above)"
    failures=$((failures + 1))
  fi
done

# --- Import throughput: BENCH_IMPORT_INCIDENTS incidents with their histories
# (bench/gen_import.py, the same file for every backend) through `ordo import incidents`
# into a fresh demo database, timed end to end (the process's wall time: parse, plan,
# validate, write, SLA clocks).
if [ "$IMPORT_N" -gt 0 ]; then
  mkdir -p "$WORK/import"
  say "import: bench/gen_import.py $IMPORT_N"
  if python3 "$HERE/gen_import.py" "$IMPORT_N" >"$WORK/import/incidents.ndjson"; then
    for backend in "${BACKENDS[@]}"; do
      case "$backend" in
        sqlite) url="sqlite:$WORK/import/import.db" ;;
        postgres)
          [ -n "${ORDO_TEST_PG_URL:-}" ] || continue
          db="ordo_bench_import_$$_$(date +%s)"
          new_pg_db "$db"
          ;;
      esac
      mkdir -p "$WORK/import/$backend"
      python3 -c 'import secrets; print(secrets.token_hex(16))' >"$WORK/import/$backend/pw"
      if ! "$ORDO" init --db "$url" --admin-user bench --admin-password-file "$WORK/import/$backend/pw" --demo \
          >"$WORK/import/$backend/init.log" 2>&1; then
        cat "$WORK/import/$backend/init.log" >&2
        say "import ($backend): ordo init --demo failed"
        failures=$((failures + 1))
        continue
      fi
      say "import ($backend): ordo import incidents ($IMPORT_N incidents)"
      t0="$(date +%s.%N)"
      if "$ORDO" import incidents "$WORK/import/incidents.ndjson" --db "$url" \
          >"$WORK/import/$backend/import.out" 2>"$WORK/import/$backend/import.log"; then
        t1="$(date +%s.%N)"
        secs="$(python3 -c "print(round($t1 - $t0, 3))")"
        record "{\"kind\":\"import\",\"backend\":\"$backend\",\"incidents\":$IMPORT_N,\"seconds\":$secs,\"incidents_per_sec\":$(python3 -c "print(round($IMPORT_N / ($t1 - $t0), 1))")}"
        say "import ($backend): $(tail -n 1 "$WORK/import/$backend/import.out")"
      else
        tail -n 20 "$WORK/import/$backend/import.log" >&2
        say "import ($backend): ordo import failed"
        failures=$((failures + 1))
      fi
    done
  else
    say "import: bench/gen_import.py failed"
    failures=$((failures + 1))
  fi
fi

# --- Report
mkdir -p "$RESULTS_DIR"
commit="$(git -C "$HERE" rev-parse --short HEAD 2>/dev/null || echo unknown)"
dirty=false
[ -n "$(git -C "$HERE" status --porcelain 2>/dev/null | head -n 1)" ] && dirty=true
python3 "$HERE/report.py" --results "$RESULTS" --out "$RESULTS_DIR/latest.json" \
  --seconds "$DURATION" --commit "$commit" --dirty "$dirty" \
  --wrk-version "$(wrk --version 2>&1 | head -n 1 | awk '{print $2}')" \
  --skipped "${skipped[*]-}" --failures "$failures" --load-before "$load_before"
say "wrote $RESULTS_DIR/latest.json"
[ "$failures" -eq 0 ] || die "$failures run(s) failed (see above)"
