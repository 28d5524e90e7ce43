#!/usr/bin/env bash
# bench/create_cpu.sh ORDO_BINARY [SECONDS]: server CPU per create, for A/B comparisons of
# two builds on a noisy machine (CPU time is steadier than req/s). A fresh SQLite database
# (`ordo init`), `ordo serve` on a free port, one organisation and service, then
# `wrk -t2 -c64 -d SECONDS -s bench/wrk/create_incident.lua`; prints creates/s and the
# server's user+system CPU (from /proc/PID/stat) per create. Alternate the binaries:
#
#   for i in 1 2 3; do bench/create_cpu.sh /tmp/ordo-before; bench/create_cpu.sh build/ordo; done
set -euo pipefail
[ $# -ge 1 ] || { echo "usage: $0 ORDO_BINARY [SECONDS]" >&2; exit 2; }
BIN=$(realpath "$1"); D=${2:-10}
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
command -v wrk >/dev/null || { echo "$0: wrk is missing (tools/deps.sh bench)" >&2; exit 1; }
W=$(mktemp -d)
PID=
cleanup() { [ -n "$PID" ] && kill "$PID" 2>/dev/null; rm -rf "$W"; }
trap cleanup EXIT
python3 -c 'import secrets; print(secrets.token_hex(16))' >"$W/pw"
"$BIN" init --db "sqlite:$W/o.db" --admin-user bench --admin-password-file "$W/pw" >"$W/init.log" 2>&1
"$BIN" serve --db "sqlite:$W/o.db" --listen 127.0.0.1:0 >"$W/out" 2>"$W/log" &
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
t0=$(cpu)
wrk -t2 -c64 -d"${D}s" -s "$HERE/wrk/create_incident.lua" "$B" >"$W/wrk" 2>&1
t1=$(cpu)
N=$(grep '^{"requests"' "$W/wrk" | jget requests)
[ "$N" -gt 0 ] || { cat "$W/wrk" >&2; exit 1; }
HZ=$(getconf CLK_TCK)
echo "$(basename "$BIN"): $N creates in ${D}s, $((N / D))/s, server CPU $(((t1 - t0) * 1000000 / HZ / N)) µs per create"
