#!/usr/bin/env bash
# bench/op_cpu.sh ORDO_BINARY [create|get] [SECONDS] [CONNECTIONS]: server CPU per request,
# for A/B comparisons of two builds on a noisy machine (CPU time is steadier than req/s).
# A fresh SQLite database (`ordo init`), `ordo serve` on a free port, one organisation and
# service, then `wrk -t2 -c CONNECTIONS -d SECONDS` (defaults: create, 10 s, 64) of
# bench/wrk/create_incident.lua — or, for get, 3 s of creates at 16 connections first and
# then bench/wrk/get_incident.lua over them; prints requests/s and the server's user+system
# CPU (from /proc/PID/stat) per request of the measured run, and that of its busiest thread
# (the SQLite writer, for writes), with wrk's p99 latency. Alternate the binaries:
#
#   for i in 1 2 3; do bench/op_cpu.sh /tmp/ordo-before get; bench/op_cpu.sh build/ordo get; done
#
# OP_CPU_CONFIG=FILE serves with `--config FILE` (A/B of one binary's settings);
# OP_CPU_SQL='…' runs that SQL on the fresh database before serving (sqlite3 CLI: schema
# experiments such as dropping an index);
# OP_CPU_PERF=FILE records the measured run with `perf record --call-graph dwarf` into FILE.
set -euo pipefail
[ $# -ge 1 ] || { echo "usage: $0 ORDO_BINARY [create|get] [SECONDS] [CONNECTIONS]" >&2; exit 2; }
BIN=$(realpath "$1"); OP=${2:-create}; D=${3:-10}; C=${4:-64}
case "$OP" in create | get) ;; *) echo "$0: unknown op '$OP' (create or get)" >&2; exit 2 ;; esac
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
command -v wrk >/dev/null || { echo "$0: wrk is missing (tools/deps.sh bench)" >&2; exit 1; }
W=$(mktemp -d)
PID=
cleanup() { [ -n "$PID" ] && kill "$PID" 2>/dev/null; rm -rf "$W"; }
trap cleanup EXIT
python3 -c 'import secrets; print(secrets.token_hex(16))' >"$W/pw"
"$BIN" init --db "sqlite:$W/o.db" --admin-user bench --admin-password-file "$W/pw" >"$W/init.log" 2>&1
if [ -n "${OP_CPU_SQL:-}" ]; then sqlite3 "$W/o.db" "$OP_CPU_SQL"; fi
"$BIN" serve --db "sqlite:$W/o.db" --listen 127.0.0.1:0 ${OP_CPU_CONFIG:+--config "$OP_CPU_CONFIG"} >"$W/out" 2>"$W/log" &
PID=$!
P=
for _ in $(seq 100); do
  P=$(sed -n 's#.*http://.*:\([0-9][0-9]*\).*#\1#p' "$W/out" | head -1)
  [ -n "$P" ] && break
  sleep 0.1
done
[ -n "$P" ] || { cat "$W/out" "$W/log" >&2; exit 1; }
B=http://127.0.0.1:$P
jget() { python3 -c "import json,sys; print(json.load(sys.stdin)['$1'])"; }
CSRF=$(curl -sf -c "$W/jar" -H 'Content-Type: application/json' \
  -d "{\"username\":\"bench\",\"password\":\"$(cat "$W/pw")\"}" "$B/api/v1/auth/login" | jget csrf_token)
TOK=$(curl -sf -b "$W/jar" -H "X-CSRF-Token: $CSRF" -H 'Content-Type: application/json' \
  -d '{"name":"bench"}' "$B/api/v1/tokens" | jget token)
A=(-H "Authorization: Bearer $TOK" -H 'Content-Type: application/json')
ORG=$(curl -sf "${A[@]}" -d '{"name":"Bench Co","kind":"customer"}' "$B/api/v1/organisations" | jget id)
SVC=$(curl -sf "${A[@]}" -d '{"name":"Bench"}' "$B/api/v1/services" | jget id)
export ORDO_TOKEN=$TOK ORDO_SERVICE_ID=$SVC ORDO_CUSTOMER_ID=$ORG
cpu() { awk '{print $14 + $15}' "/proc/$PID/stat"; }
# utime+stime per thread ("TID TICKS" lines): the busiest thread (on SQLite writes, the
# writer) bounds throughput on its own.
threads() { for f in /proc/"$PID"/task/*/stat; do awk '{print $1, $14 + $15}' "$f"; done 2>/dev/null; }
requests() { N=$(grep '^{"requests"' "$W/wrk" | jget requests); [ "$N" -gt 0 ] || { cat "$W/wrk" >&2; exit 1; }; }
SCRIPT=create_incident.lua
if [ "$OP" = get ]; then
  wrk -t2 -c16 -d3s -s "$HERE/wrk/create_incident.lua" "$B" >"$W/wrk" 2>&1
  requests
  export ORDO_MAX_ID=$N
  SCRIPT=get_incident.lua
fi
PERF=
if [ -n "${OP_CPU_PERF:-}" ]; then
  perf record -F 499 --call-graph dwarf,16384 -o "$OP_CPU_PERF" -p "$PID" 2>"$W/perf.log" &
  PERF=$!
  sleep 0.5
fi
threads >"$W/t0"
t0=$(cpu)
wrk -t2 -c"$C" -d"${D}s" -s "$HERE/wrk/$SCRIPT" "$B" >"$W/wrk" 2>&1
t1=$(cpu)
threads >"$W/t1"
if [ -n "$PERF" ]; then kill -INT "$PERF"; wait "$PERF" || true; fi
requests
HZ=$(getconf CLK_TCK)
BUSIEST=$(awk 'NR == FNR { a[$1] = $2; next } { d = $2 - a[$1]; if (d > m) m = d } END { print m + 0 }' "$W/t0" "$W/t1")
P99=$(grep '^{"requests"' "$W/wrk" | jget p99_ms)
echo "$(basename "$BIN") $OP@$C: $N in ${D}s, $((N / D))/s, p99 ${P99} ms, server CPU $(((t1 - t0) * 1000000 / HZ / N)) µs per request, busiest thread $((BUSIEST * 1000000 / HZ / N)) µs"
