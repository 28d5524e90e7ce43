#!/usr/bin/env python3
"""Generates NDJSON for `ordo import incidents` (docs/import/ndjson.md) with realistic
histories, for measuring import throughput.

    bench/gen_import.py 100000 > /tmp/import.ndjson
    ordo init --db sqlite:/tmp/import.db --admin-password-file PW --demo
    ordo import incidents /tmp/import.ndjson --db sqlite:/tmp/import.db

The names are those of the demo data (`ordo init --demo`): services Email, ERP and Remote
access VPN; customers Acme Corporation and Globex Ltd; so every ticket gets an SLA clock.
Tickets are reported during 2025 (all in the past), mostly in office hours; each goes
new -> in_progress, sometimes waits for the customer or a supplier, sometimes has its
priority raised, gets a public reply or two, is resolved and usually closed; a few are
reopened and a few stay open. The output is the same for the same arguments (seeded).
"""
import argparse
import json
import random
import sys
from datetime import datetime, timedelta, timezone

SERVICES = ["Email", "ERP", "Remote access VPN"]
CUSTOMERS = ["Acme Corporation", "Globex Ltd"]
MATRIX = [["P1", "P2", "P3"], ["P2", "P3", "P4"], ["P3", "P4", "P4"]]  # impact x urgency (DESIGN.md)
CODES = ["fixed", "workaround", "no_fault_found", "user_error"]
TITLES = ["Mail not delivered", "Cannot log in", "Report export fails", "VPN drops every hour",
          "Invoice run is slow", "Calendar does not sync", "Password reset link expired",
          "Printer queue stuck", "Shared mailbox missing", "Timeouts on the order screen"]


def iso(t):
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def ticket(rng, n, start):
    reported = start + timedelta(days=rng.randrange(0, 360), hours=rng.choice([7, 8, 9, 10, 11, 13, 14, 15, 16, 20]),
                                 minutes=rng.randrange(60))
    impact, urgency = rng.randint(1, 3), rng.randint(1, 3)
    t = reported
    timeline = []

    def step(minutes, **entry):
        nonlocal t
        t += timedelta(minutes=minutes)
        timeline.append({"at": iso(t), **entry})

    step(rng.randint(2, 90), status="in_progress")
    derived = MATRIX[impact - 1][urgency - 1]
    if rng.random() < 0.15 and derived != "P1":  # raised: to a higher priority than the matrix gave
        step(rng.randint(5, 60), priority=rng.choice([p for p in ["P1", "P2"] if p < derived]))
    step(rng.randint(5, 120), public_reply=True)
    if rng.random() < 0.3:
        step(rng.randint(10, 240), status=rng.choice(["pending_customer", "pending_supplier"]))
        step(rng.randint(60, 3000), status="in_progress")
    if rng.random() < 0.05:  # stays open
        pass
    else:
        step(rng.randint(30, 2000), status="resolved", resolution_code=rng.choice(CODES),
             resolution_note="Resolved in the old tool")
        if rng.random() < 0.08:  # reopened, resolved again
            step(rng.randint(60, 1440), status="in_progress")
            step(rng.randint(30, 600), status="resolved")
        if rng.random() < 0.9:
            step(rng.randint(1440, 7200), status="closed")
    line = {"number": "OLD-%d" % n, "title": rng.choice(TITLES), "service": rng.choice(SERVICES),
            "customer": rng.choice(CUSTOMERS), "impact": impact, "urgency": urgency,
            "reported_at": iso(reported), "timeline": timeline}
    if rng.random() < 0.5:
        line["description"] = "Imported from the previous service desk tool; ticket %d." % n
    return line


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("count", type=int, help="number of lines")
    ap.add_argument("--seed", type=int, default=20000)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    start = datetime(2025, 1, 1, tzinfo=timezone.utc)
    out = sys.stdout
    for n in range(1, args.count + 1):
        out.write(json.dumps(ticket(rng, n, start), separators=(",", ":")))
        out.write("\n")


if __name__ == "__main__":
    main()
