#!/usr/bin/env bash
# bench/servicenow_figures.sh BUILD_DIR [CSV]: imports the real ServiceNow incident event log
# (default ../shared/data/servicenow-incident-event-log/incident_event_log.csv beside the
# repository) into a fresh SQLite database with `ordo import servicenow`, checks the event
# chain with `ordo audit verify`, then serves the database and prints the figures Ordo
# shows through its API (docs/import/servicenow.md, "What Ordo shows"):
#
#   incidents            GET /api/v1/incidents?count=true
#   reopened             …&reopen_count.gt=0
#   reassignments        …&reassignment_count=N for each N (and the KPI report's buckets)
#   MTTR                 GET /api/v1/reports/tickets?type=incidents (mean resolved_at − reported_at),
#                        and the median, from the incidents' own resolved_at and reported_at
#   made-SLA share       …&resolution_breached=false ÷ incidents with a verdict, and the
#                        resolution attainment of GET /api/v1/reports/sla
#   import time          the wall time of `ordo import servicenow` (and its own summary line)
#
# Environment: SN_KEEP_WORKDIR=1 keeps the temporary directory (database, logs).
set -euo pipefail

die() {
  echo "servicenow_figures: $*" >&2
  exit 1
}

[ $# -ge 1 ] && [ $# -le 2 ] || die "usage: $0 BUILD_DIR [CSV]"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ORDO="$(cd "$1" && pwd)/ordo"
CSV="${2:-$HERE/../../shared/data/servicenow-incident-event-log/incident_event_log.csv}"
[ -x "$ORDO" ] || die "$ORDO not found: build first (ninja -C $1 ordo)"
[ -r "$CSV" ] || die "cannot read $CSV"
for tool in curl python3; do command -v "$tool" >/dev/null 2>&1 || die "'$tool' not found"; done

WORK="$(mktemp -d)"
SERVE_PID=""
cleanup() {
  local status=$?
  if [ -n "$SERVE_PID" ] && kill -0 "$SERVE_PID" 2>/dev/null; then
    kill -TERM "$SERVE_PID" 2>/dev/null || true
    wait "$SERVE_PID" 2>/dev/null || true
  fi
  if [ -n "${SN_KEEP_WORKDIR:-}" ]; then echo "servicenow_figures: kept $WORK" >&2; else rm -rf "$WORK"; fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

DB="sqlite:$WORK/ordo.db"
python3 -c 'import secrets; print(secrets.token_hex(16))' >"$WORK/password"
"$ORDO" init --db "$DB" --admin-user figures --admin-password-file "$WORK/password" >"$WORK/init.log" 2>&1 ||
  { cat "$WORK/init.log" >&2; die "ordo init failed"; }

echo "importing $(wc -l <"$CSV") lines of $CSV …" >&2
start=$(date +%s.%N)
"$ORDO" import servicenow "$CSV" --db "$DB" >"$WORK/import.out" 2>"$WORK/import.err" ||
  { cat "$WORK/import.err" "$WORK/import.out" >&2; die "the import failed"; }
end=$(date +%s.%N)
IMPORT_SECONDS=$(python3 -c "print(f'{$end - $start:.1f}')")
"$ORDO" audit verify --db "$DB" >"$WORK/verify.out" 2>&1 || { cat "$WORK/verify.out" >&2; die "audit verify failed"; }

"$ORDO" serve --db "$DB" --listen 127.0.0.1:0 >"$WORK/serve.out" 2>"$WORK/serve.log" &
SERVE_PID=$!
PORT=""
for _ in $(seq 1 600); do
  PORT="$(sed -n 's#.*serving on http://.*:\([0-9][0-9]*\).*#\1#p' "$WORK/serve.out" | head -n 1)"
  [ -n "$PORT" ] && break
  kill -0 "$SERVE_PID" 2>/dev/null || break
  sleep 0.1
done
[ -n "$PORT" ] || { tail -n 20 "$WORK/serve.log" >&2; die "ordo serve did not start"; }

python3 - "http://127.0.0.1:$PORT" "$(cat "$WORK/password")" "$IMPORT_SECONDS" "$(cat "$WORK/import.out")" \
  "$(cat "$WORK/verify.out")" <<'PY'
import json, statistics, sys, urllib.parse, urllib.request

base, password, import_seconds, import_summary, verify_summary = sys.argv[1:6]

def call(method, path, body=None, token=None):
    req = urllib.request.Request(base + path, method=method,
                                 data=None if body is None else json.dumps(body).encode(),
                                 headers={"Content-Type": "application/json"})
    if token:
        req.add_header("Authorization", "Bearer " + token)
    with urllib.request.urlopen(req, timeout=600) as r:
        return json.load(r), r.headers

# A session, then an API token for the queries.
req = urllib.request.Request(base + "/api/v1/auth/login", method="POST",
                             data=json.dumps({"username": "figures", "password": password}).encode(),
                             headers={"Content-Type": "application/json"})
with urllib.request.urlopen(req) as r:
    login = json.load(r)
    cookie = r.headers["Set-Cookie"].split(";")[0]
req = urllib.request.Request(base + "/api/v1/tokens", method="POST", data=b'{"name":"figures"}',
                             headers={"Content-Type": "application/json", "Cookie": cookie,
                                      "X-CSRF-Token": login["csrf_token"]})
with urllib.request.urlopen(req) as r:
    token = json.load(r)["token"]

def get(path):
    return call("GET", path, token=token)[0]

def count(query=""):
    return get("/api/v1/incidents?count=true&limit=1" + ("&" + query if query else ""))["total"]

incidents = count()
reopened = count("reopen_count.gt=0")
top = get("/api/v1/incidents?sort=-reassignment_count&limit=1")["items"][0]["reassignment_count"]
distribution = {n: count(f"reassignment_count={n}") for n in range(top + 1)}
made = count("resolution_breached=false")
missed = count("resolution_breached=true")

# Every resolved incident's resolution time, for the median beside the report's mean.
hours, cursor = [], None
while True:
    page = get("/api/v1/incidents?limit=500&resolved_at.ne=null" + (f"&cursor={urllib.parse.quote(cursor)}" if cursor else ""))
    for it in page["items"]:
        from datetime import datetime
        t = lambda s: datetime.fromisoformat(s.replace("Z", "+00:00"))
        hours.append((t(it["resolved_at"]) - t(it["reported_at"])).total_seconds() / 3600)
    cursor = page.get("next_cursor")
    if not cursor:
        break

period = "from=2016-01-01T00:00:00Z&to=2017-03-01T00:00:00Z"
tickets = get("/api/v1/reports/tickets?type=incidents&" + period)
sla = get("/api/v1/reports/sla?" + period)["totals"]["resolution"]

def pct(a, b):
    return f"{100 * a / b:.1f} %" if b else "n/a"

print(f"import:            {import_seconds} s wall time ({import_summary.strip()})")
print(f"audit verify:      {verify_summary.strip()}")
print(f"incidents:         {incidents}")
print(f"reopened:          {reopened} ({pct(reopened, incidents)}; reopen rate of resolved: "
      f"{tickets['totals']['reopen_rate'] if 'totals' in tickets else tickets.get('reopen_rate')})")
print("reassignments:     " + ", ".join(f"{n}: {c}" for n, c in distribution.items() if c))
print(f"MTTR:              {len(hours)} resolved incidents, mean {statistics.fmean(hours):.1f} h "
      f"({statistics.fmean(hours) / 24:.2f} days), median {statistics.median(hours):.1f} h")
print(f"made-SLA share:    {made} of {made + missed} ({pct(made, made + missed)}); "
      f"SLA report resolution attainment {sla['attainment']:.4f} (met {sla['met']}, breached {sla['breached']})")
print("ticket report:     " + json.dumps(tickets, separators=(",", ":"))[:2000])
PY
