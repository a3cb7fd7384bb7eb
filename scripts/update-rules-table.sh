#!/usr/bin/env bash
# Rewrites the rules table in docs/rules.md (between the rules-table markers)
# from the registry: `pgadvise rules --format markdown`.
# tests/cli/rules_table_test.cpp fails until this has been run after
# a rule was added or its metadata changed.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${PGADVISE_BIN:-build/pgadvise}
[ -x "$bin" ] || scripts/build.sh pgadvise
table=$("$bin" rules --format markdown)
TABLE="$table" python3 - <<'PY'
import os
import re

path = "docs/rules.md"
text = open(path, encoding="utf-8").read()
start, end = "<!-- rules-table:start -->", "<!-- rules-table:end -->"
pattern = re.compile(re.escape(start) + r".*?" + re.escape(end), re.S)
if not pattern.search(text):
    raise SystemExit("docs/rules.md has no rules-table markers")
text = pattern.sub(lambda _: start + "\n" + os.environ["TABLE"] + "\n" + end, text, count=1)
open(path, "w", encoding="utf-8").write(text)
PY
git --no-pager diff --stat -- docs/rules.md
