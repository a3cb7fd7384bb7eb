#!/usr/bin/env bash
# Rewrites docs/peers.md's table from the peer corpus (fixtures/peers/<area>/
# <case>.sql): one row per case, with what the peers say of it (its "-- Peer:"
# line, in our words) and what pgadvise reports (its "-- expect:" lines).
# tests/peers/peer_corpus_test.cpp (PeerCorpusTable) fails until this has been
# run after a case was added or its expectation changed.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 - <<'PY'
import collections
import pathlib
import re

root = pathlib.Path("fixtures/peers")
rows = []
for path in sorted(root.rglob("*.sql")):
    relative = path.relative_to(root)
    if relative.parts[0] == "_setup":
        continue
    peer, expected = "", []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("-- file:"):
            break
        if line.startswith("-- Peer: "):
            peer = line[len("-- Peer: "):].strip()
        elif line.startswith("-- expect:"):
            value = line[len("-- expect:"):].strip()
            if value != "nothing":
                expected.append(value)
    counts = collections.Counter(expected)
    ours = ", ".join(f"{rule} x{n}" if n > 1 else rule for rule, n in sorted(counts.items())) or "nothing"
    name = f"{relative.parent.as_posix()}/{relative.stem}"
    rows.append(f"| `{name}` | {peer.replace('|', '/')} | {ours} |")

path = pathlib.Path("docs/peers.md")
text = path.read_text(encoding="utf-8")
start, end = "<!-- peer-table:start -->", "<!-- peer-table:end -->"
pattern = re.compile(re.escape(start) + r".*?" + re.escape(end), re.S)
if not pattern.search(text):
    raise SystemExit("docs/peers.md has no peer-table markers")
table = "| Case | What the peers say | What pgadvise reports |\n| --- | --- | --- |\n" + "\n".join(rows)
text = pattern.sub(lambda _: start + "\n" + table + "\n" + end, text, count=1)
path.write_text(text, encoding="utf-8")
PY
git --no-pager diff --stat -- docs/peers.md
