#!/usr/bin/env python3
"""The index-selection benchmark's tables, in Markdown, from its results.

    bench/index-selection/table.py RESULTS.jsonl [PGBENCH.tsv]

RESULTS.jsonl holds pgadvise_index_bench's lines (one per workload, budget
and method; budget_of "data" for budgets that are shares of the data size,
"set" for shares of pgadvise's unbudgeted set's size); PGBENCH.tsv the real runs (workload, set, indexes, size bytes,
transactions per second, mean latency ms; for a leave-one-out line, the
medians of its paired rounds, seventh the full set's median of the same
rounds and eighth each round's change in percent) that run.sh writes.
"""
import json
import sys
from collections import OrderedDict

METHODS = ["pgadvise", "per-finding", "dexter", "exhaustive"]


def size(b):
    for unit in ["bytes", "kB", "MB", "GB"]:
        if b < 1024 or unit == "GB":
            return f"{b:.0f} {unit}" if unit == "bytes" else f"{b:.1f} {unit}"
        b /= 1024.0
    return str(b)


def budget_of(row):
    return row.get("budget_of", "data")


def gap(ours, other):
    """ours' cost over other's, in percent; n/a when other is no proven figure."""
    if not ours or not other or not other["complete"]:
        return "n/a"
    if other["relative_cost"] <= 0:
        return "+0.0%"
    return f"{(ours['relative_cost'] / other['relative_cost'] - 1) * 100:+.1f}%"


def cell(row):
    if row is None:
        return "n/a"
    text = f"{row['relative_cost']:.4g} ({row['indexes']}, {size(row['size_bytes'])})"
    if row["method"] in ("exhaustive", "best-subset") and not row["complete"]:
        text += " not proven"
    return text


def run_time(row):
    if not row:
        return "n/a"
    return f"{row['seconds']:.1f} s" + ("" if row["complete"] else " (time limit)")


def set_budget_table(rows):
    """The rows whose budgets are shares of pgadvise's unbudgeted set's size."""
    by = OrderedDict()
    for row in rows:
        if budget_of(row) == "set":
            by.setdefault((row["workload"], row["budget_share"]), {})[row["method"]] = row
    if not by:
        return ""
    out = ["| workload | budget (share of the unbudgeted set) | pgadvise | best subset of the unbudgeted set | "
           "exhaustive optimum | pgadvise vs optimum | pgadvise vs best subset | pgadvise run time | "
           "before issue 48 (no split, no subset seed): vs optimum, run time |",
           "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for (workload, share), methods in by.items():
        ours = methods.get("pgadvise")
        budget = f"{share:g}x = {size(methods[next(iter(methods))]['budget_bytes'] or 0)}"
        out.append(f"| {workload} | {budget} | {cell(ours)} | {cell(methods.get('best-subset'))} | "
                   f"{cell(methods.get('exhaustive'))} | {gap(ours, methods.get('exhaustive'))} | "
                   f"{gap(ours, methods.get('best-subset'))} | {run_time(ours)} | "
                   f"{cell(methods.get('pgadvise-before'))}: "
                   f"{gap(methods.get('pgadvise-before'), methods.get('exhaustive'))}, "
                   f"{run_time(methods.get('pgadvise-before'))} |")
    return "\n".join(out)


def cost_table(rows):
    rows = [row for row in rows if budget_of(row) == "data"]
    by = OrderedDict()
    for row in rows:
        by.setdefault((row["workload"], row["budget_share"]), {})[row["method"]] = row
    out = []
    out.append("| workload | budget | pgadvise | per-finding | dexter | exhaustive optimum | pgadvise vs optimum | pgadvise run time |")
    out.append("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for (workload, share), methods in by.items():
        cells = []
        for method in METHODS:
            row = methods.get(method)
            if row is None:
                cells.append("n/a")
                continue
            text = f"{row['relative_cost']:.4g} ({row['indexes']}, {size(row['size_bytes'])})"
            if method == "exhaustive" and not row["complete"]:
                text += " not proven"
            cells.append(text)
        ours = methods.get("pgadvise")
        limit = methods.get("exhaustive")
        gap = "n/a"
        if ours and limit and limit["complete"] and limit["relative_cost"] > 0:
            gap = f"{(ours['relative_cost'] / limit['relative_cost'] - 1) * 100:+.1f}%"
        elif ours and limit and limit["complete"]:
            gap = "+0.0%"
        seconds = f"{ours['seconds']:.1f} s" + ("" if ours["complete"] else " (time limit)") if ours else "n/a"
        budget = f"{share:g}x = {size(methods[next(iter(methods))]['budget_bytes'] or 0)}"
        out.append(f"| {workload} | {budget} | " + " | ".join(cells) + f" | {gap} | {seconds} |")
    notes = [f"{row['workload']}: {row['note']}" for row in rows
             if row["method"] == "exhaustive" and row.get("note") and row["budget_share"] == 1]
    if notes:
        out.append("")
        out.append("The exhaustive optimum's candidates, at the 1x budget (every candidate any method "
                   "used, and those that save something alone): " + "; ".join(notes) + ".")
    return "\n".join(out)


def paired_cell(tps, full, changes):
    """A leave-one-out line's paired comparison: the median of the rounds'
    changes and their range (with n rounds, a 1 - 2/2^n confidence interval
    for the median change by the sign test), and what it shows."""
    if not changes:
        return f"{full:.1f} (without it {100.0 * (tps / full - 1):+.1f}%)" if full > 0 else ""
    ordered = sorted(changes)
    n = len(ordered)
    median = ordered[n // 2] if n % 2 else (ordered[n // 2 - 1] + ordered[n // 2]) / 2
    if ordered[-1] < 0:
        verdict = "slower without it in every round"
    elif ordered[0] > 0:
        verdict = "faster without it in every round: it slows the workload"
    else:
        verdict = "within the noise"
    confidence = 100.0 * (1 - 2.0 / 2 ** n)
    return (f"{full:.1f}; {median:+.1f}% [{ordered[0]:+.1f}%, {ordered[-1]:+.1f}%] over {n} rounds "
            f"({confidence:.0f}% interval): {verdict}")


def pgbench_table(path):
    out = ["| workload | indexes built | count, size | transactions/s | mean latency | "
           "the full 1x set paired with it: its transactions/s; the change without it, median [range] |",
           "| --- | --- | --- | --- | --- | --- |"]
    with open(path) as f:
        for line in f:
            parts = line.rstrip("\n").split("\t")
            if len(parts) < 6:
                continue
            workload, label, count, size_bytes, tps, latency = parts[:6]
            paired = ""
            if len(parts) > 6 and float(parts[6]) > 0:
                changes = [float(c) for c in parts[7].split(",") if c] if len(parts) > 7 else []
                paired = paired_cell(float(tps), float(parts[6]), changes)
            out.append(f"| {workload} | {label} | {count}, {size(float(size_bytes))} | {float(tps):.1f} | "
                       f"{float(latency):.2f} ms | {paired} |")
    return "\n".join(out)


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    rows = [json.loads(line) for line in open(sys.argv[1]) if line.startswith("{")]
    print("Estimated workload cost relative to no secondary index (lower is better; in parentheses the "
          "number of indexes and their HypoPG size):\n")
    print(cost_table(rows))
    by_set = set_budget_table(rows)
    if by_set:
        print("\nBudgets as shares of the size of pgadvise's own set without a budget (the same estimated "
              "cost; the best subset of that set within the budget enumerated):\n")
        print(by_set)
    if len(sys.argv) > 2:
        print("\nReal time of the workload (pgbench, real indexes built; higher transactions/s is better):\n")
        print(pgbench_table(sys.argv[2]))


if __name__ == "__main__":
    main()
