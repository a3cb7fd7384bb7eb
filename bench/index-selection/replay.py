#!/usr/bin/env python3
"""A PostgreSQL stderr log's statements as a pgbench script, for timing a
logged workload again with real indexes (bench/index-selection/run.sh).

    replay.py LOG > replay.sql

Each statement the server logged (`statement:` lines of the simple protocol,
`execute <name>:` lines of the extended protocol with their `DETAIL:
parameters:` values spliced in as literals) becomes one line, in log order,
sessions kept apart (each session's statements together). Transaction
control and INSERT statements are left out: the replay runs in autocommit
and again and again, and the app's inserts carry unique public ids that a
second run would violate. One pgbench transaction is then one pass over the
whole logged workload.
"""
import re
import sys

HEAD = re.compile(r"^\S+ \S+ \S+ \[(\d+)\] .*?(LOG|DETAIL):  (.*)$")
STATEMENT = re.compile(r"^(?:statement|execute [^:]*): (.*)$", re.S)
PARAM = re.compile(r"\$(\d+) = ('(?:[^']|'')*'|NULL)")
SKIP = re.compile(r"^\s*(BEGIN|COMMIT|ROLLBACK|START|SAVEPOINT|RELEASE|SET|SHOW|DISCARD|DEALLOCATE|INSERT)\b", re.I)


def entries(lines):
    """(pid, kind, text) per log entry, continuation lines joined."""
    current = None
    for line in lines:
        match = HEAD.match(line.rstrip("\n"))
        if match:
            if current:
                yield current
            current = [match.group(1), match.group(2), match.group(3)]
        elif current and (line.startswith("\t") or line.startswith(" ")):
            current[2] += " " + line.strip()
    if current:
        yield current


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    sessions = {}
    pending = {}
    with open(sys.argv[1], errors="replace") as log:
        for pid, kind, text in entries(log):
            if kind == "LOG":
                match = STATEMENT.match(text)
                if match:
                    if pid in pending:
                        sessions.setdefault(pid, []).append(pending.pop(pid))
                    pending[pid] = match.group(1)
            elif kind == "DETAIL" and text.startswith("parameters:") and pid in pending:
                values = {int(n): v for n, v in PARAM.findall(text)}
                pending[pid] = re.sub(r"\$(\d+)", lambda m: values.get(int(m.group(1)), m.group(0)), pending[pid])
    for pid, sql in pending.items():
        sessions.setdefault(pid, []).append(sql)
    written = 0
    for statements in sessions.values():
        for sql in statements:
            sql = " ".join(sql.split()).rstrip(";")
            if sql and not SKIP.match(sql) and "$" not in re.sub(r"'(?:[^']|'')*'", "", sql):
                print(sql + ";")
                written += 1
    print(f"replay.py: {written} statements from {len(sessions)} sessions", file=sys.stderr)


if __name__ == "__main__":
    main()
