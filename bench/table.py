#!/usr/bin/env python3
"""Writes bench/all.sh's table: table.py ALL.TSV LOAD.TXT RESULTS.MD (and prints it)."""
import os, platform, sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1])]
load = float(open(sys.argv[2]).read().split()[0])
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "")
by = {(r[0], r[1]): r for r in rows}
out = ["Machine: %d cores (%s), %d GB RAM, %s; load average %.1f at the end of the run." % (
           os.cpu_count(), cpu, int(open("/proc/meminfo").readline().split()[1]) // 2**20,
           platform.platform(), load), "",
       "| what | input (MB) | wall (s) | CPU (s) | MB/s | peak RSS (MB) | goal | met |",
       "|---|---:|---:|---:|---:|---:|---|---|"]
for section, name, mb, wall, cpu_s, rss, goal in rows:
    wall_f = max(float(wall), 0.001)
    rate = "%.0f" % (float(mb) / wall_f) if section in ("logs", "compressed") else "-"
    goal_text, met = "-", ""
    if goal == "decompressor":
        ext = name.split("(")[1].rstrip(")")
        tool = {"gz": "gzip", "bz2": "bzip2", "zst": "zstd", "pzst": "pzstd", "xz": "xz"}[ext]
        base = float(by[("compressed", tool + " -dc (the decompressor alone)")][3])
        goal_text = "the decompressor's %.0f MB/s" % (float(mb) / base)
        met = "yes" if wall_f <= base * 1.1 else "no: %.1fx its time" % (wall_f / base)
    elif goal != "-":
        limit = float(goal)
        goal_text = "1 GB/s" if section == "logs" else "under %g s" % limit
        misses = ["%.1fx the time" % (wall_f / limit)] if wall_f >= limit else []
        if section == "schema" and name.startswith("100000"):
            goal_text += ", 256 MB"
            if int(rss) / 1024 >= 256:
                misses.append("%.1fx the memory" % (int(rss) / 1024 / 256))
        met = "no: " + ", ".join(misses) if misses else "yes"
    out.append("| %s: %s | %s | %.2f | %.2f | %s | %.0f | %s | %s |" % (
        section, name, mb, wall_f, float(cpu_s), rate, int(rss) / 1024, goal_text, met))
text = "\n".join(out) + "\n"
open(sys.argv[3], "w").write(text)
print(text)
