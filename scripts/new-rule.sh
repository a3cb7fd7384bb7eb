#!/usr/bin/env bash
# Scaffolds a new pgadvise rule: the four files ARCHITECTURE.md ("Add a rule") names from the id
# and its line in the sorted registry.
#
#   scripts/new-rule.sh ID "one-line summary" CATEGORY SEVERITY
#
#   ID        kebab-case, e.g. unindexed-foreign-key
#   CATEGORY  schema | query | project | plan
#   SEVERITY  critical | high | medium | low | info
#
# Writes src/rules/<category>/<id_snake>.cpp, rules/<id>.md,
# tests/rules/<id_snake>_test.cpp and fixtures/rules/<id>/{bad,good}_example.sql
# (+ bad_example.expected), and inserts PGADVISE_RULE(<id_snake>) into
# src/rules/registry.inc in id order. The result compiles; the rule's tests
# fail until the rule reports what bad_example.sql plants (by design).
set -euo pipefail

usage() {
  sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

[[ $# -eq 4 ]] || usage
id=$1
summary=$2
category=$3
severity=$4

[[ $id =~ ^[a-z][a-z0-9]*(-[a-z0-9]+)*$ ]] || { echo "new-rule: id must be kebab-case: $id" >&2; exit 2; }
case $category in
  schema) input=catalog ;;
  query) input=workload ;;
  project) input=project ;;
  plan) input=plans ;;
  *) echo "new-rule: category must be schema, query, project or plan: $category" >&2; exit 2 ;;
esac
case $severity in
  critical | high | medium | low | info) ;;
  *) echo "new-rule: severity must be critical, high, medium, low or info: $severity" >&2; exit 2 ;;
esac
[[ -n $summary && $summary != *$'\n'* ]] || { echo "new-rule: summary must be one non-empty line" >&2; exit 2; }

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
snake=${id//-/_}
source_file=$root/src/rules/$category/$snake.cpp
page_file=$root/rules/$id.md
test_file=$root/tests/rules/${snake}_test.cpp
fixture_dir=$root/fixtures/rules/$id
registry=$root/src/rules/registry.inc

for path in "$source_file" "$page_file" "$test_file" "$fixture_dir"; do
  [[ ! -e $path ]] || { echo "new-rule: $path already exists" >&2; exit 1; }
done
if grep -q "^PGADVISE_RULE($snake)\$" "$registry"; then
  echo "new-rule: $snake is already registered" >&2
  exit 1
fi

# C++ string literal of the summary.
cpp_summary=${summary//\\/\\\\}
cpp_summary=${cpp_summary//\"/\\\"}
class_name=$(sed -E 's/(^|_)([a-z0-9])/\U\2/g' <<<"$snake")
input_enum=$input

# The loop the check starts with, over the input the category reads.
case $category in
  schema) loop_head='for (const model::Table& table : catalog_tables(context)) {' loop_var='table' ;;
  query) loop_head='for (const model::QueryStats& query : executed_queries(context)) {' loop_var='query' ;;
  project) loop_head='if (context.project != nullptr) {' loop_var='out' ;;
  plan) loop_head='if (context.live_analysis != nullptr) {' loop_var='out' ;;
esac

cat >"$source_file" <<EOF
#include <memory>

#include "advisor/evidence.hpp"
#include "core/text.hpp"
#include "engine/rule.hpp"
#include "rules/support/rule_inputs.hpp"

namespace pgadvise::rules {

namespace {

constexpr std::string_view k_id = "$id";

class $class_name final : public engine::Rule {
public:
  // Designated initializers; leave out what keeps its default (engine/rule.hpp).
  $class_name()
      : Rule({
            .id = std::string(k_id),
            .summary = "$cpp_summary",
            .category = engine::Category::$category,
            .default_severity = core::Severity::$severity,
            .inputs = {engine::Input::$input_enum},
        }) {}

  // Const and stateless: rules run in parallel.
  void check(const engine::RuleContext& context, std::vector<core::Finding>& out) const override {
    $loop_head
      // TODO($id): find the problem and push one finding per object, e.g.
      //   core::Finding finding;
      //   finding.rule = std::string(k_id);
      //   finding.severity = context.severity;
      //   finding.message = ...;  // what is wrong, naming the object
      //   finding.help = ...;     // what to do
      //   finding.object = core::ObjectRef{table.schema, table.name, {column.name}, {}};
      //   finding.location = column.location;
      //   finding.evidence.push_back(advisor::schema_evidence(*context.catalog, "...", column.location));
      //   finding.compute_fingerprint();
      //   out.push_back(std::move(finding));
      static_cast<void>(out);
      static_cast<void>($loop_var);
    }
  }
};

} // namespace

std::unique_ptr<engine::Rule> make_$snake() { return std::make_unique<$class_name>(); }

} // namespace pgadvise::rules
EOF

cat >"$page_file" <<EOF
---
id: $id
summary: $summary
category: $category
severity: $severity
inputs: [$input]
fix: false
options: []
lens: state
---

# $id

## What it finds

TODO: the exact condition, including the look-alikes that are not reported.

## Why it matters

TODO: what gets slow or wrong, and when; cite the seed documents.

## How to fix

TODO: the change to make, its locking and safety caveats, and the Drizzle
equivalent when there is one.

## Examples

Reported:

\`\`\`sql
-- TODO
\`\`\`

Not reported:

\`\`\`sql
-- TODO
\`\`\`

## Options

None.

## Suppressing

\`-- pgadvise-ignore $id\` on the line before the statement, or
\`--disable $id\`.
EOF

cat >"$test_file" <<EOF
#include <gtest/gtest.h>

#include "rule_test_support.hpp"

// Named after the file: test files are compiled in batches (CMake unity
// builds), so each keeps its helpers in its own namespace.
namespace ${snake}_test {

using namespace pgadvise;
using namespace pgadvise::test;

constexpr std::string_view k_rule = "$id";

TEST(${class_name}, IsRegistered) {
  const engine::Rule* rule = rules::find_rule(k_rule);
  ASSERT_NE(rule, nullptr);
  EXPECT_EQ(rule->meta().default_severity, core::Severity::$severity);
}

TEST(${class_name}, CleanSchemaGivesNoFinding) {
  model::Table users = table("users", {column("id")}, 1);
  users.indexes.push_back(primary_key("users_pkey", {"id"}));
  EXPECT_TRUE(run_rule(k_rule, catalog_of({users})).empty());
}

TEST(${class_name}, ReportsTheProblem) {
  // TODO($id): build the smallest catalog that has the problem and assert
  // the finding's object, location and severity.
  model::Table bad = table("todo", {column("id")}, 1);
  const auto findings = run_rule(k_rule, catalog_of({bad}));
  ASSERT_EQ(findings.size(), 1U);
  EXPECT_EQ(findings[0].rule, k_rule);
}

} // namespace ${snake}_test
EOF

mkdir -p "$fixture_dir"
cat >"$fixture_dir/bad_example.sql" <<EOF
-- TODO($id): a schema with the problem. Once the rule reports it,
-- PGADVISE_UPDATE_FIXTURES=1 build/pgadvise_tests --gtest_filter='*RuleFixtures*'
-- writes bad_example.expected (tests/support/rule_fixtures.hpp); read it.
CREATE TABLE todo (id bigint);
EOF
cat >"$fixture_dir/bad_example.expected" <<EOF
# What the rule reports on this fixture (tests/support/rule_fixtures.hpp).
# PGADVISE_UPDATE_FIXTURES=1 rewrites it; read the diff before keeping it.
EOF
cat >"$fixture_dir/good_example.sql" <<EOF
-- A look-alike that must not be reported.
CREATE TABLE users (id bigint PRIMARY KEY);
EOF

# Insert the registry line, keeping rule lines sorted by id (not by the
# snake_case name: '-' and '_' sort differently around digits).
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
{
  grep -v '^PGADVISE_RULE(' "$registry"
  { grep '^PGADVISE_RULE(' "$registry"; echo "PGADVISE_RULE($snake)"; } |
    sed -E 's/^PGADVISE_RULE\(([a-z0-9_]+)\)$/\1/' |
    while read -r name; do printf '%s %s\n' "${name//_/-}" "$name"; done |
    LC_ALL=C sort -k1,1 |
    while read -r _ name; do echo "PGADVISE_RULE($name)"; done
} >"$tmp"
cat "$tmp" >"$registry"

cat <<EOF
Created:
  src/rules/$category/$snake.cpp
  rules/$id.md
  tests/rules/${snake}_test.cpp
  fixtures/rules/$id/{bad_example.sql,bad_example.expected,good_example.sql}
Registered PGADVISE_RULE($snake) in src/rules/registry.inc.
Re-run cmake (new files are globbed), then make the tests pass:
  $(basename "$0") does not write the rule's logic, fixtures or page text.
EOF
