#!/usr/bin/env python3
"""bench/report.py: turns bench/run.sh's raw results into bench/results/latest.json and the
table printed to stdout. Not meant to be run by hand (run.sh passes everything).

Input: one JSON object per line, each with a "kind":
  ordo           {"backend","operation","connections","result": <wrk report.lua summary>}
  const_get      {"connections","result": <wrk report.lua summary>}
  sqlite_insert  {"threads","result": <bench_sqlite_insert output>}
  server         {"backend","peak_rss_kib",...}
  sla_clock      {"result": <ordo_sla_bench output>}
  bench_data     {"backend","db_bytes","result": <ordo bench-data --json output>}
  sla_report     {"backend","incidents","group_by","runs_ms","p50_ms","max_ms"}
  sla_report_skipped {"backend","reason"}
  large_server   {"backend","incidents","idle_rss_kib","peak_rss_kib",...}
  large_view     {"backend","incidents","view":"queue"|"search","connections","result":{wrk summary}}
  select_baseline {"backend","incidents","threads","result": <bench_select output>}
  report         {"backend","incidents","report":"tickets"|"incident_trends","group_by","runs_ms","p50_ms","max_ms"}
  import         {"backend","incidents","seconds","incidents_per_sec"}

Ratios: a create, update or transition (durable writes) is compared with the bare durable
insert loop on 1 thread (inserts/s and its latencies, the mean of its runs before and after
the Ordo runs); a get with the constant Beast handler at the same connection count; a queue
view or search on the large database with bench_select (a plain SELECT of 50 rows by the
queue index on the same database) on min(connections, 2) threads. A
throughput ratio of 0.5 means Ordo does half the baseline's work per second; a latency
ratio of 2 means Ordo's latency is twice the baseline's.
"""
import argparse
import datetime
import json
import os
import platform
import sys


def ratio(a, b):
    if a is None or b is None or b == 0:
        return None
    return round(a / b, 3)


def load(text):
    try:
        return float(text)
    except ValueError:
        return None


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--results", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--seconds", type=int, required=True)
    ap.add_argument("--commit", default="unknown")
    ap.add_argument("--dirty", default="false")
    ap.add_argument("--wrk-version", default="unknown")
    ap.add_argument("--skipped", default="")
    ap.add_argument("--failures", type=int, default=0)
    ap.add_argument("--load-before", default="null")
    args = ap.parse_args()

    rows = []
    with open(args.results) as f:
        for line in f:
            line = line.strip()
            if line:
                rows.append(json.loads(line))

    inserts = [r for r in rows if r["kind"] == "sqlite_insert"]
    # The create denominator: the 1-thread loop, averaged over its runs before and after
    # the Ordo runs (fsync cost drifts); drift = fastest ÷ slowest of those runs.
    ones = [r["result"] for r in inserts if r["threads"] == 1]
    insert1, drift = None, None
    if ones:
        insert1 = {k: round(sum(o[k] for o in ones) / len(ones), 3)
                   for k in ("inserts_per_sec", "p50_ms", "p99_ms")}
        rates = [o["inserts_per_sec"] for o in ones]
        drift = round(max(rates) / min(rates), 2) if min(rates) > 0 else None
    consts = {r["connections"]: r["result"] for r in rows if r["kind"] == "const_get"}
    servers = {r["backend"]: {k: v for k, v in r.items() if k not in ("kind", "backend")}
               for r in rows if r["kind"] == "server"}

    ordo = []
    for r in rows:
        if r["kind"] != "ordo":
            continue
        res = r["result"]
        if r["operation"] in ("create", "update", "transition"):
            base = insert1
            base_name = "sqlite_insert threads=1" + (" (mean of before/after)" if len(ones) > 1 else "")
            label = "durable insert loop"
            base_rate = base["inserts_per_sec"] if base else None
        else:
            base = consts.get(r["connections"])
            base_name = f"const_get connections={r['connections']}"
            label = f"const handler c={r['connections']}"
            base_rate = base["requests_per_sec"] if base else None
        ordo.append({
            "backend": r["backend"],
            "operation": r["operation"],
            "connections": r["connections"],
            "threads": min(r["connections"], 2),
            **res,
            "baseline": base_name,
            "baseline_label": label,
            "baseline_per_sec": base_rate,
            "baseline_p50_ms": base["p50_ms"] if base else None,
            "baseline_p99_ms": base["p99_ms"] if base else None,
            "ratio_per_sec": ratio(res["requests_per_sec"], base_rate),
            "ratio_p50": ratio(res["p50_ms"], base["p50_ms"] if base else None),
            "ratio_p99": ratio(res["p99_ms"], base["p99_ms"] if base else None),
        })

    selects = {(r["backend"], r["threads"]): r["result"] for r in rows if r["kind"] == "select_baseline"}
    views = []
    for r in rows:
        if r["kind"] != "large_view":
            continue
        v = {k: x for k, x in r.items() if k != "kind"}
        base = selects.get((r["backend"], min(r["connections"], 2)))
        res = r["result"]
        v["baseline"] = f"bench_select threads={min(r['connections'], 2)}" if base else None
        v["baseline_per_sec"] = base["queries_per_sec"] if base else None
        v["baseline_p50_ms"] = base["p50_ms"] if base else None
        v["baseline_p99_ms"] = base["p99_ms"] if base else None
        v["ratio_per_sec"] = ratio(res["requests_per_sec"], v["baseline_per_sec"])
        v["ratio_p50"] = ratio(res["p50_ms"], v["baseline_p50_ms"])
        v["ratio_p99"] = ratio(res["p99_ms"], v["baseline_p99_ms"])
        views.append(v)

    doc = {
        "schema": 1,
        "generated_at": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "git_commit": args.commit,
        "git_dirty": args.dirty == "true",
        "host": {"cpus": os.cpu_count(), "cpu_model": cpu_model(), "kernel": platform.release(),
                 "load_average_before": load(args.load_before)},
        "wrk_version": args.wrk_version,
        "seconds_per_run": args.seconds,
        "notes": [
            "wrk, the server and the database share the same CPUs",
            "the postgres backend runs on tools/with-postgres.sh's throwaway cluster "
            "(fsync=off, synchronous_commit=off): its creates are not durable, the sqlite baseline is",
        ],
        "ordo": ordo,
        "baselines": {
            "sqlite_insert": [{"phase": r.get("phase"), **r["result"]} for r in inserts],
            "sqlite_insert_1_thread_mean": insert1,
            "sqlite_insert_1_thread_drift": drift,
            "const_get": [{"connections": c, "threads": min(c, 2), **consts[c]} for c in sorted(consts)],
        },
        "servers": servers,
        "sla_clock": next((r["result"] for r in rows if r["kind"] == "sla_clock"), None),
        "large": {
            "bench_data": [{"backend": r["backend"], "db_bytes": r.get("db_bytes"), **r["result"]}
                           for r in rows if r["kind"] == "bench_data"],
            "sla_report": [{k: v for k, v in r.items() if k != "kind"} for r in rows if r["kind"] == "sla_report"],
            "sla_report_skipped": [{k: v for k, v in r.items() if k != "kind"}
                                   for r in rows if r["kind"] == "sla_report_skipped"],
            "servers": [{k: v for k, v in r.items() if k != "kind"} for r in rows if r["kind"] == "large_server"],
            "views": views,
            "select_baseline": [{k: v for k, v in r.items() if k != "kind"}
                                for r in rows if r["kind"] == "select_baseline"],
            "reports": [{k: v for k, v in r.items() if k != "kind"} for r in rows if r["kind"] == "report"],
        },
        "imports": [{k: v for k, v in r.items() if k != "kind"} for r in rows if r["kind"] == "import"],
        "skipped_backends": args.skipped.split(),
        "failed_runs": args.failures,
    }
    doc["targets"] = targets(doc)
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    tmp = args.out + ".tmp"
    with open(tmp, "w") as f:
        json.dump(doc, f, indent=2)
        f.write("\n")
    os.replace(tmp, args.out)
    print_table(doc)


def targets(doc):
    """The issue's targets (SQLite, durable commits, this machine), each with the figure this
    run measured and whether it met it. Latency targets are read at 1 connection (one agent);
    the table above has them under load too."""
    ordo = [r for r in doc["ordo"] if r["backend"] == "sqlite"]
    large = doc["large"]

    def op(name, conns=None):
        xs = [r for r in ordo if r["operation"] == name and (conns is None or r["connections"] == conns)]
        return max(xs, key=lambda r: r["requests_per_sec"]) if xs else None

    def view(name):
        xs = [v for v in large["views"] if v["backend"] == "sqlite" and v["view"] == name]
        return min(xs, key=lambda v: v["connections"]) if xs else None

    def t(name, value, unit, goal, at_most, note=""):
        met = None if value is None else (value <= goal if at_most else value >= goal)
        return {"target": name, "measured": None if value is None else round(value, 3), "unit": unit,
                "goal": goal, "at_most": at_most, "met": met, "note": note}

    c64 = op("create", 64)
    get = op("get")
    q, srch = view("queue"), view("search")
    sla = [r for r in large["sla_report"] if r["backend"] == "sqlite"]
    imp = next((r for r in doc.get("imports", []) if r["backend"] == "sqlite"), None)
    big = next((s for s in large["servers"] if s["backend"] == "sqlite"), None)
    bd = next((b for b in large["bench_data"] if b["backend"] == "sqlite"), None)
    creates = [r for r in ordo if r["operation"] == "create" and r["ratio_per_sec"] is not None]
    n = q["incidents"] if q else (bd["incidents"] if bd else None)
    on = f" on {n:,} incidents" if n else ""
    return [
        t("create at 64 connections", c64 and c64["requests_per_sec"], "/s", 10000, False),
        t("get", get and get["requests_per_sec"], "/s", 40000, False,
          get and f"best of the connection counts ({get['connections']})"),
        t("queue list p50" + on, q and q["result"]["p50_ms"], "ms", 5, True, "1 connection"),
        t("queue list p99" + on, q and q["result"]["p99_ms"], "ms", 20, True, "1 connection"),
        t("full-text search p50" + on, srch and srch["result"]["p50_ms"], "ms", 20, True, "1 connection"),
        t("SLA report over a year" + on, max((r["p50_ms"] for r in sla), default=None), "ms", 1000, True,
          "p50, the slowest group_by"),
        t("import", imp and imp["incidents_per_sec"], "incidents/s", 50000, False,
          imp and f"{imp['incidents']:,} incidents through ordo import incidents"),
        t("peak RSS of ordo serve" + on, big and big.get("peak_rss_kib") and big["peak_rss_kib"] / 1024, "MiB",
          300, True),
        t("durable create ÷ bare durable insert", max((r["ratio_per_sec"] for r in creates), default=None), "×",
          0.5, False, "the best connection count"),
        t("ordo bench-data", bd and bd["incidents_per_second"], "incidents/s", 100000, False),
    ]


def fmt(v, spec):
    return "-" if v is None else format(v, spec)


def print_table(doc):
    out = sys.stdout
    dirty = "+dirty" if doc["git_dirty"] else ""
    h = doc["host"]
    out.write(f"\nOrdo bench @ {doc['git_commit']}{dirty}, {doc['generated_at']}: "
              f"{doc['seconds_per_run']} s per run, wrk {doc['wrk_version']}, "
              f"{h['cpus']} CPUs ({h['cpu_model']}) shared by wrk and the server\n")
    if h["load_average_before"] is not None and h["load_average_before"] >= 1.0:
        out.write(f"WARNING: the machine was busy before the run (load average {h['load_average_before']}): "
                  "figures are low and noisy\n")
    out.write("\n")
    head = (f"{'backend':<9}{'op':<7}{'conns':>5} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} "
            f"{'non2xx':>6} {'errors':>6}  {'baseline':<21}{'req/s':>9} {'p50 ms':>8} {'p99 ms':>8}"
            f"  {'×req/s':>7} {'×p50':>6} {'×p99':>6}")
    out.write(head + "\n" + "-" * len(head) + "\n")
    for r in doc["ordo"]:
        e = r["errors"]
        errors = e["connect"] + e["read"] + e["write"] + e["timeout"]
        out.write(
            f"{r['backend']:<9}{r['operation']:<7}{r['connections']:>5} {r['requests_per_sec']:>9.1f} "
            f"{r['p50_ms']:>8.2f} {r['p99_ms']:>8.2f} {r['non_2xx']:>6} {errors:>6}  "
            f"{r['baseline_label']:<21}{fmt(r['baseline_per_sec'], '9.1f')} {fmt(r['baseline_p50_ms'], '8.2f')} "
            f"{fmt(r['baseline_p99_ms'], '8.2f')}  {fmt(r['ratio_per_sec'], '7.2f')} "
            f"{fmt(r['ratio_p50'], '6.2f')} {fmt(r['ratio_p99'], '6.2f')}\n")

    out.write("\nBaselines\n")
    for b in doc["baselines"]["sqlite_insert"]:
        phase = f" ({b['phase']})" if b.get("phase") else ""
        out.write(f"  durable SQLite insert loop, {b['threads']:>2} thread(s){phase:<9}: {b['inserts_per_sec']:>9.1f} inserts/s"
                  f"  p50 {b['p50_ms']:.2f} ms  p99 {b['p99_ms']:.2f} ms  errors {b['errors']}\n")
    for b in doc["baselines"]["const_get"]:
        e = b["errors"]
        errors = e["connect"] + e["read"] + e["write"] + e["timeout"]
        out.write(f"  constant Beast handler, {b['connections']:>2} connection(s)         : {b['requests_per_sec']:>9.1f} req/s"
                  f"      p50 {b['p50_ms']:.2f} ms  p99 {b['p99_ms']:.2f} ms  non-2xx {b['non_2xx']}  errors {errors}\n")

    out.write("\nServers\n")
    for name, s in doc["servers"].items():
        rss = s.get("peak_rss_kib")
        label = "bench_const_server" if name == "const" else f"ordo serve ({name})"
        extra = ""
        if s.get("rss_anon_kib_at_end") is not None and s.get("rss_file_kib_at_end") is not None:
            extra += (f" (at the end: {s['rss_anon_kib_at_end'] / 1024:.1f} MiB anonymous + "
                      f"{s['rss_file_kib_at_end'] / 1024:.1f} MiB file-backed"
                      + (f", PSS {s['pss_kib_at_end'] / 1024:.1f} MiB" if s.get("pss_kib_at_end") is not None else "")
                      + ")")
        if "cpu_seconds" in s:
            extra += f", {s['cpu_seconds']} CPU s"
        if "incidents" in s:
            extra += f", {s['incidents']} incidents at the end"
        out.write(f"  {label}: peak RSS {fmt(rss / 1024 if rss else None, '.1f')} MiB{extra}\n")
    print_large(doc, out)
    imports = doc.get("imports", [])
    if imports:
        out.write("\nImport (ordo import incidents, bench/gen_import.py histories, into a fresh demo database)\n")
        for r in imports:
            out.write(f"  {r['backend']:<9}{r['incidents']:>9,} incidents in {r['seconds']:8.1f} s = "
                      f"{r['incidents_per_sec']:>9,.0f} incidents/s\n")
    out.write("\nTargets (SQLite, durable commits)\n")
    for x in doc["targets"]:
        mark = {True: "met", False: "MISSED", None: "not measured"}[x["met"]]
        goal = ("≤ " if x["at_most"] else "≥ ") + f"{x['goal']:,} {x['unit']}"
        value = "-" if x["measured"] is None else f"{x['measured']:,.2f} {x['unit']}"
        note = f"  ({x['note']})" if x.get("note") else ""
        out.write(f"  {x['target']:<48} {value:>20}  goal {goal:<20} {mark}{note}\n")
    for b in doc["skipped_backends"]:
        out.write(f"\nSKIPPED: {b} backend\n")
    if doc["failed_runs"]:
        out.write(f"\nFAILED: {doc['failed_runs']} run(s) produced no figure (see the log above)\n")
    drift = doc["baselines"]["sqlite_insert_1_thread_drift"]
    if drift is not None and drift > 1.25:
        out.write(f"\nWARNING: the durable insert loop ran {drift}× faster in one run than the other: fsync cost "
                  "drifted during the run, so the create ratios are unreliable\n")
    if any(r["non_2xx"] for r in doc["ordo"]):
        out.write("\nWARNING: some Ordo runs had non-2xx responses; their req/s counts them "
                  "(see \"status\" in latest.json)\n")
    if any(r["backend"] == "postgres" and r["operation"] == "create" for r in doc["ordo"]):
        out.write("\nNote: postgres runs on a throwaway cluster with fsync=off; "
                  "its creates are compared with a durable SQLite loop.\n")


def print_large(doc, out):
    clock = doc.get("sla_clock")
    if clock:
        out.write(f"\nSLA clock (ordo_sla_bench): {clock['incidents']:,} incidents, {clock['facts']:,} facts, "
                  "one evaluation per incident; baseline: one Calendar::business_seconds per incident\n")
        for r in clock["runs"]:
            out.write(f"  {r['name']:<18} {r['threads']} thread(s): {r['per_second']:>12,.0f} /s  "
                      f"{r['seconds']:7.3f} s  ×business_seconds {r['ratio_to_business_seconds']:.2f}\n")
    large = doc.get("large") or {}
    for b in large.get("bench_data", []):
        size = f", database {b['db_bytes'] / 2**20:,.0f} MiB" if b.get("db_bytes") else ""
        out.write(f"\nordo bench-data ({b['backend']}): {b['incidents']:,} incidents, {b['events']:,} events in "
                  f"{b['incident_seconds']:.1f} s = {b['incidents_per_second']:,.0f} incidents/s "
                  f"(set-up {b['setup_seconds']:.1f} s, of the total {b.get('index_seconds', 0):.1f} s building indexes{size})\n")
    reports = large.get("sla_report", [])
    if reports:
        out.write("\nSLA report over the last year (GET /api/v1/reports/sla; target ≤ 1 s on 1M incidents)\n")
        for r in reports:
            out.write(f"  {r['backend']:<9}{r['incidents']:>9,} incidents  group_by={r['group_by']:<10} "
                      f"p50 {r['p50_ms']:9.1f} ms  max {r['max_ms']:9.1f} ms  ({len(r['runs_ms'])} runs)\n")
    for r in large.get("sla_report_skipped", []):
        out.write(f"\nSLA report SKIPPED on {r['backend']}: {r['reason']}\n")
    views = large.get("views", [])
    if views:
        out.write("\nQueue views and full-text search on the large database over HTTP "
                  "(targets on 1M: queue p50 ≤ 5 ms, p99 ≤ 20 ms; search p50 ≤ 20 ms)\n")
        for r in views:
            x = r["result"]
            out.write(f"  {r['backend']:<9}{r['incidents']:>9,} incidents  {r['view']:<7} {r['connections']:>3} conns  "
                      f"{x['requests_per_sec']:>9,.0f} req/s  p50 {x['p50_ms']:7.2f} ms  p99 {x['p99_ms']:7.2f} ms  "
                      f"×select50: req/s {fmt(r.get('ratio_per_sec'), '.3f')} p50 {fmt(r.get('ratio_p50'), '.1f')}"
                      f"{'  non-2xx ' + str(x['non_2xx']) if x.get('non_2xx') else ''}\n")
    for b in large.get("select_baseline", []):
        x = b["result"]
        out.write(f"  baseline bench_select ({b['backend']}, {b['incidents']:,} incidents), {b['threads']} thread(s): "
                  f"{x['queries_per_sec']:>9,.0f} queries/s  p50 {x['p50_ms']:.3f} ms  p99 {x['p99_ms']:.3f} ms "
                  f"({x['rows_per_query']:.0f} rows each)\n")
    others = large.get("reports", [])
    if others:
        out.write("\nKPI reports over the last year (GET /api/v1/reports/tickets, /api/v1/reports/incident-trends)\n")
        for r in others:
            out.write(f"  {r['backend']:<9}{r['incidents']:>9,} incidents  {r['report']:<16} group_by={r['group_by']:<17}"
                      f"p50 {r['p50_ms']:9.1f} ms  max {r['max_ms']:9.1f} ms\n")
    for s in large.get("servers", []):
        kib = lambda k: "-" if s.get(k) is None else f"{s[k] / 1024:.1f} MiB"
        out.write(f"  ordo serve ({s['backend']}, {s['incidents']:,} incidents): idle RSS {kib('idle_rss_kib')}, "
                  f"peak RSS {kib('peak_rss_kib')} (incl. the login's 64 MiB argon2id), at the end "
                  f"{kib('rss_anon_kib_at_end')} anonymous + {kib('rss_file_kib_at_end')} file-backed, "
                  f"PSS {kib('pss_kib_at_end')}\n")


if __name__ == "__main__":
    main()
