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

Ratios: a create is compared with the bare durable insert loop on 1 thread (inserts/s and
its latencies, the mean of its runs before and after the Ordo runs); a get with the constant Beast handler at the same connection count. A
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
        if r["operation"] == "create":
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
            "views": [{k: v for k, v in r.items() if k != "kind"} for r in rows if r["kind"] == "large_view"],
        },
        "skipped_backends": args.skipped.split(),
        "failed_runs": args.failures,
    }
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    tmp = args.out + ".tmp"
    with open(tmp, "w") as f:
        json.dump(doc, f, indent=2)
        f.write("\n")
    os.replace(tmp, args.out)
    print_table(doc)


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
                  f"(set-up {b['setup_seconds']:.1f} s{size})\n")
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
                      f"{x['requests_per_sec']:>9,.0f} req/s  p50 {x['p50_ms']:7.2f} ms  p99 {x['p99_ms']:7.2f} ms"
                      f"{'  non-2xx ' + str(x['non_2xx']) if x.get('non_2xx') else ''}\n")
    for s in large.get("servers", []):
        kib = lambda k: "-" if s.get(k) is None else f"{s[k] / 1024:.1f} MiB"
        out.write(f"  ordo serve ({s['backend']}, {s['incidents']:,} incidents): idle RSS {kib('idle_rss_kib')}, "
                  f"peak RSS {kib('peak_rss_kib')} (incl. the login's 64 MiB argon2id), at the end "
                  f"{kib('rss_anon_kib_at_end')} anonymous + {kib('rss_file_kib_at_end')} file-backed, "
                  f"PSS {kib('pss_kib_at_end')}\n")


if __name__ == "__main__":
    main()
