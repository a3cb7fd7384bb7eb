// Rules write their findings into a core::FindingSink that the runner
// spills a chunk at a time: a rule of many findings reaches the report in
// the order it made them, amendments through back() kept, and every rule
// gives the same findings whatever the chunk.

#include "core/finding_sink.hpp"
#include "engine/runner.hpp"
#include "rules/registry.hpp"
#include "rules/rule_test_support.hpp"
#include "rules/support/rule_inputs.hpp"

#include <algorithm>
#include <cstdio>
#include <gtest/gtest.h>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace rule_sink_test {

using namespace pgadvise;

std::string padded(std::size_t n) {
  char text[16];
  std::snprintf(text, sizeof text, "%06zu", n);
  return text;
}

// Pushes `count` findings, each amended through back() after it is pushed
// (the pushes cross the runner's chunk, so some amendments fall just
// before a chunk is written, some just after).
class ManyFindingsRule : public engine::Rule {
public:
  explicit ManyFindingsRule(std::size_t count)
      : Rule({.id = "many-findings", .summary = "test rule"}), m_count(count) {}

  void check(const engine::RuleContext& context, core::FindingSink& out) const override {
    for (std::size_t n = 0; n < m_count; ++n) {
      core::Finding finding;
      finding.rule = meta().id;
      finding.severity = context.severity;
      finding.object.table = "t" + padded(n);
      finding.location = {"schema.sql", static_cast<int>(n) + 1, 1};
      finding.message = "finding " + padded(n);
      out.push_back(std::move(finding));
      EXPECT_EQ(out.size(), n + 1);
      out.back().message += " amended";
    }
  }

private:
  std::size_t m_count;
};

TEST(RuleSink, ARuleOfSeveralChunksReachesTheReportInItsOrderWithItsAmendments) {
  const std::size_t count = (3 * core::FindingSink::k_chunk) + 5;
  const ManyFindingsRule many(count);
  const engine::RunReport report = engine::run(engine::RunInput{}, core::Settings{}, {&many});
  ASSERT_EQ(report.findings.size(), count);
  for (std::size_t n = 0; n < count; ++n) {
    ASSERT_EQ(report.findings[n].message, "finding " + padded(n) + " amended") << n;
  }
}

// Forty tables with a serial key, a JSON payload in text, an unindexed
// foreign key to the one before, a timestamp without time zone, duplicate
// and redundant indexes, every other one without a primary key.
model::Catalog busy_catalog() {
  std::vector<model::Table> tables;
  for (int n = 0; n < 40; ++n) {
    const std::string name = "t" + std::to_string(n);
    const int line = (n * 10) + 1;
    model::Table t =
        test::table(name,
                    {test::column("id", "serial", true, "nextval('" + name + "_id_seq'::regclass)", line + 1),
                     test::column("payload", "text", false, std::nullopt, line + 2),
                     test::column("parent_id", "int8", false, std::nullopt, line + 3),
                     test::column("created_at", "timestamp", false, std::nullopt, line + 4)},
                    line);
    if (n % 2 == 0) {
      t.indexes.push_back(test::primary_key(name + "_pkey", {"id"}, line + 5));
    }
    t.indexes.push_back(test::index(name + "_a_idx", {"created_at", "payload"}, line + 6));
    t.indexes.push_back(test::index(name + "_b_idx", {"created_at", "payload"}, line + 7));
    t.indexes.push_back(test::index(name + "_c_idx", {"created_at"}, line + 8));
    if (n > 0) {
      t.foreign_keys.push_back(test::foreign_key(name + "_parent_fk", {"parent_id"},
                                                 "t" + std::to_string(n - 1), {"id"}, line + 9));
    }
    tables.push_back(std::move(t));
  }
  return test::catalog_of(std::move(tables));
}

// What a report shows of each finding, one line each.
std::vector<std::string> shown(const std::vector<core::Finding>& findings) {
  std::vector<std::string> out;
  for (const core::Finding& f : findings) {
    std::string line = f.rule + "|" + std::string(core::to_string(f.severity)) + "|" + f.message + "|" +
                       std::string(f.help.view()) + "|" + f.object.to_string() + "|" + f.location.to_string();
    for (const core::Evidence& e : f.evidence) {
      line += "|" + e.detail;
    }
    if (f.fix) {
      line += "|" + f.fix->statements() + "|" + f.fix->code_text().str();
    }
    out.push_back(line + "|" + f.fingerprint);
  }
  return out;
}

TEST(RuleSink, EveryCatalogRuleGivesTheSameFindingsWithATinyChunk) {
  const model::Catalog catalog = busy_catalog();
  engine::RuleContext base;
  base.catalog = &catalog;
  std::size_t rules_with_findings = 0;
  for (const auto& rule : rules::all_rules()) {
    const std::vector<engine::Input>& inputs = rule->meta().inputs;
    if (!std::all_of(inputs.begin(), inputs.end(),
                     [](engine::Input i) { return i == engine::Input::catalog; })) {
      continue;
    }
    const engine::RuleContext context = test::context_for(*rule, base);
    core::FindingSink kept;
    rule->check(context, kept);
    rules_with_findings += kept.empty() ? 0U : 1U;
    for (const std::size_t chunk : {std::size_t{1}, std::size_t{2}, std::size_t{7}}) {
      core::FindingSpill spill;
      core::FindingSink sink(spill, chunk);
      rule->check(context, sink);
      sink.finish();
      EXPECT_EQ(sink.size(), kept.size()) << rule->meta().id;
      if (chunk == 1) { // every finding went through the file
        EXPECT_EQ(core::FindingSpill::count(sink.written()), kept.size()) << rule->meta().id;
      }
      std::vector<core::Finding> back;
      spill.read(sink.written(), back);
      back.insert(back.end(), sink.held().begin(), sink.held().end());
      EXPECT_EQ(shown(back), shown(kept.held())) << rule->meta().id << " chunk " << chunk;
    }
  }
  EXPECT_GE(rules_with_findings, 5U); // the schema gives the big rules something to write
}

// Records the slices of the catalog it is called on (engine::RuleMeta::
// per_table) and makes one finding per table it judges.
class SliceRecordingRule : public engine::Rule {
public:
  explicit SliceRecordingRule(engine::Lens lens = engine::Lens::state, const char* id = "per-table")
      : Rule({.id = id, .summary = "test rule", .lens = lens, .per_table = true}) {}

  void check(const engine::RuleContext& context, core::FindingSink& out) const override {
    std::size_t judged = 0;
    for (const model::Table& table : rules::catalog_tables(context)) {
      core::Finding finding;
      finding.rule = meta().id;
      finding.severity = context.severity;
      finding.object.table = table.name;
      finding.location = table.location;
      finding.message = "table " + table.name.str();
      out.push_back(std::move(finding));
      ++judged;
    }
    const std::lock_guard lock(m_mutex);
    m_calls.emplace_back(std::min(context.tables.first, context.catalog->tables.size()), judged);
  }

  // (first table, tables judged) of each call, by first table.
  [[nodiscard]] std::vector<std::pair<std::size_t, std::size_t>> calls() const {
    const std::lock_guard lock(m_mutex);
    auto out = m_calls;
    std::sort(out.begin(), out.end());
    return out;
  }

private:
  mutable std::mutex m_mutex;
  mutable std::vector<std::pair<std::size_t, std::size_t>> m_calls;
};

model::Catalog numbered_tables(std::size_t count) {
  std::vector<model::Table> tables;
  for (std::size_t n = 0; n < count; ++n) {
    model::Table table = test::table("t" + padded(n), {test::column("id"), test::column("parent_id")},
                                     static_cast<int>(n) + 1);
    table.foreign_keys.push_back(test::foreign_key("t" + padded(n) + "_parent_fk", {"parent_id"}, "t000000",
                                                   {"id"}, static_cast<int>(n) + 1));
    tables.push_back(std::move(table));
  }
  return test::catalog_of(std::move(tables));
}

// A big catalog's tables are split among the workers for a per-table rule:
// every table is judged once, the slices follow each other, and the report
// has one finding per table in the tables' order.
TEST(RuleSink, APerTableRuleOfABigCatalogJudgesEachTableOnceWhateverTheSlices) {
  const model::Catalog catalog = numbered_tables(5003);
  engine::RunInput input;
  input.catalog = &catalog;
  const SliceRecordingRule rule;
  const engine::RunReport report = engine::run(input, core::Settings{}, {&rule});
  const auto calls = rule.calls();
  if (std::thread::hardware_concurrency() >= 2) {
    EXPECT_GE(calls.size(), 2U); // split: one worker would have judged them all
  }
  std::size_t next = 0;
  for (const auto& [first, judged] : calls) {
    EXPECT_EQ(first, next);
    next = first + judged;
  }
  EXPECT_EQ(next, catalog.tables.size());
  ASSERT_EQ(report.findings.size(), catalog.tables.size());
  for (std::size_t n = 0; n < catalog.tables.size(); ++n) {
    ASSERT_EQ(report.findings[n].message, "table t" + padded(n)) << n;
  }
}

// The language server's run judges only the tables its open migrations
// hold (RunInput::checked_tables): a per-table rule is called on the runs
// of checked tables alone, a convention rule on every table (its applied
// instances are summarized over all of them), a rule of the whole schema
// as ever.
TEST(RuleSink, APerTableRuleJudgesOnlyTheCheckedTablesButAConventionRuleAll) {
  const model::Catalog catalog = numbered_tables(10);
  engine::RunInput input;
  input.catalog = &catalog;
  input.checked_tables = {false, true, true, false, false, false, false, false, false, true};
  const SliceRecordingRule state;
  const SliceRecordingRule convention(engine::Lens::convention, "per-table-convention");
  const engine::RunReport report = engine::run(input, core::Settings{}, {&state, &convention});
  using Calls = std::vector<std::pair<std::size_t, std::size_t>>;
  EXPECT_EQ(state.calls(), (Calls{{1, 2}, {9, 1}}));
  EXPECT_EQ(convention.calls(), (Calls{{0, 10}}));
  std::vector<std::string> judged;
  for (std::size_t n = 0; n < report.findings.size(); ++n) {
    if (report.findings[n].rule == "per-table") {
      judged.push_back(report.findings[n].object.table);
    }
  }
  EXPECT_EQ(judged, (std::vector<std::string>{"t000001", "t000002", "t000009"}));

  input.checked_tables.assign(10, false); // no open migration holds a table
  const SliceRecordingRule none;
  const engine::RunReport nothing = engine::run(input, core::Settings{}, {&none});
  EXPECT_TRUE(none.calls().empty());
  EXPECT_EQ(nothing.findings.size(), 0U);
}

// A real per-table rule gives the same findings split as in one call.
TEST(RuleSink, UnindexedForeignKeysOfABigCatalogAreTheSameSplitOrNot) {
  const model::Catalog catalog = numbered_tables(4500);
  const std::vector<core::Finding> whole = test::run_rule("unindexed-foreign-key", catalog);
  engine::RunInput input;
  input.catalog = &catalog;
  core::Settings settings;
  settings.only_rules = {"unindexed-foreign-key"};
  const engine::RunReport report = engine::run(input, settings, rules::rule_set());
  ASSERT_EQ(report.findings.size(), whole.size());
  ASSERT_EQ(whole.size(), catalog.tables.size());
  for (std::size_t n = 0; n < whole.size(); ++n) {
    const core::Finding& split = report.findings[n];
    ASSERT_EQ(split.message, whole[n].message) << n;
    EXPECT_EQ(split.fingerprint, whole[n].fingerprint) << n;
    EXPECT_EQ(split.fix->statements(), whole[n].fix->statements()) << n;
  }
}

} // namespace rule_sink_test
