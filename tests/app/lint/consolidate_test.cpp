// One finding per problem: findings that propose the same index, or an index
// another proposal's columns lead, become one finding with every rule id,
// all the evidence, the highest severity and the primary's fingerprint.
#include "app/lint/consolidate.hpp"
#include "core/finding_spill.hpp"
#include "support/finding_text.hpp"

#include <algorithm>
#include <gtest/gtest.h>
#include <memory>

namespace pgadvise::app {
namespace consolidate_test {

core::Finding index_finding(std::string rule, core::Severity severity, std::string table,
                            std::vector<std::string> columns, std::string evidence) {
  core::Finding finding;
  finding.rule = std::move(rule);
  finding.severity = severity;
  finding.message = finding.rule + " on " + table;
  finding.object = core::ObjectRef{"public", table, columns, {}};
  finding.evidence.push_back({core::Evidence::Kind::query, std::move(evidence), {}});
  std::string quoted;
  std::string name = table;
  for (const std::string& column : columns) {
    quoted += (quoted.empty() ? "" : ", ") + column;
    name += "_" + column;
  }
  core::Fix fix;
  fix.sql().ddl =
      "CREATE INDEX CONCURRENTLY IF NOT EXISTS " + name + "_idx ON " + table + " (" + quoted + ");";
  finding.fix = fix;
  finding.compute_fingerprint();
  return finding;
}

core::Finding fk(std::string table, std::vector<std::string> columns) {
  core::Finding finding = index_finding("unindexed-foreign-key", core::Severity::critical, table, columns,
                                        "FOREIGN KEY declared in 0001.sql");
  finding.location = core::SourceLocation{"drizzle/0001.sql", 12, 3};
  finding.fix->sql().drizzle = "index(\"x\").on(t.userId)";
  finding.fix->sql().drizzle_file = "src/db/schema.ts:40";
  return finding;
}

core::Finding filter(std::string table, std::vector<std::string> columns) {
  return index_finding("filter-on-unindexed-column", core::Severity::high, table, columns,
                       "3 logged queries, 1,200 calls, 4.2 s");
}

core::Finding seq_scan(std::string table, std::vector<std::string> columns) {
  core::Finding finding = index_finding("seq-scan-confirmed", core::Severity::high, table, columns,
                                        "Seq Scan on " + table + ": 12 rows returned, 299,988 removed");
  finding.evidence.push_back({core::Evidence::Kind::verification, "verified with HypoPG", {}});
  return finding;
}

bool has_evidence(const core::Finding& finding, std::string_view detail) {
  return std::any_of(finding.evidence.begin(), finding.evidence.end(),
                     [&](const core::Evidence& evidence) { return evidence.detail == detail; });
}

TEST(Consolidate, SameIndexFromThreeRulesIsOneFindingWithThreeRuleIds) {
  std::vector<core::Finding> findings{filter("memberships", {"user_id"}),
                                      seq_scan("memberships", {"user_id"}), fk("memberships", {"user_id"})};
  const std::string fk_fingerprint = findings[2].fingerprint;
  EXPECT_EQ(consolidate_findings(findings, nullptr), 2U);
  ASSERT_EQ(findings.size(), 1U);
  const core::Finding& merged = findings.front();
  // The schema rule is primary: its fingerprint is the one a run without logs reports.
  EXPECT_EQ(merged.rule, "unindexed-foreign-key");
  EXPECT_EQ(merged.fingerprint, fk_fingerprint);
  EXPECT_EQ(merged.rule_ids, (std::vector<std::string>{"unindexed-foreign-key", "filter-on-unindexed-column",
                                                       "seq-scan-confirmed"}));
  EXPECT_EQ(merged.all_rule_ids(), merged.rule_ids);
  EXPECT_EQ(merged.severity, core::Severity::critical);
  EXPECT_EQ(merged.location.file, "drizzle/0001.sql");
  EXPECT_TRUE(has_evidence(merged, "FOREIGN KEY declared in 0001.sql"));
  EXPECT_TRUE(has_evidence(merged, "3 logged queries, 1,200 calls, 4.2 s"));
  EXPECT_TRUE(has_evidence(merged, "Seq Scan on memberships: 12 rows returned, 299,988 removed"));
  EXPECT_TRUE(has_evidence(merged, "verified with HypoPG"));
  // The fix that says the most: the foreign key's, with the Drizzle line and its file.
  ASSERT_TRUE(merged.fix);
  EXPECT_EQ(merged.fix->code_file(), "src/db/schema.ts:40");
}

TEST(Consolidate, HighestSeverityWinsEvenWhenThePrimaryIsLower) {
  core::Finding low_fk = fk("t", {"a"});
  low_fk.severity = core::Severity::low; // --severity unindexed-foreign-key=low
  std::vector<core::Finding> findings{low_fk, seq_scan("t", {"a"})};
  consolidate_findings(findings, nullptr);
  ASSERT_EQ(findings.size(), 1U);
  EXPECT_EQ(findings[0].rule, "unindexed-foreign-key");
  EXPECT_EQ(findings[0].severity, core::Severity::high);
}

TEST(Consolidate, CompositeIndexSubsumesItsPrefix) {
  // The chat app: the foreign key wants ("userId"), the sidebar query
  // ("userId", "createdAt"); the composite serves both.
  std::vector<core::Finding> findings{fk("\"Chat\"", {"\"userId\""}),
                                      filter("\"Chat\"", {"\"userId\"", "\"createdAt\""})};
  const std::string fk_fingerprint = findings[0].fingerprint;
  consolidate_findings(findings, nullptr);
  ASSERT_EQ(findings.size(), 1U);
  const core::Finding& merged = findings.front();
  EXPECT_EQ(merged.rule_ids,
            (std::vector<std::string>{"unindexed-foreign-key", "filter-on-unindexed-column"}));
  EXPECT_EQ(merged.fingerprint, fk_fingerprint);
  ASSERT_TRUE(merged.fix);
  EXPECT_NE(merged.fix->statements().find("(\"userId\", \"createdAt\")"), std::string::npos)
      << merged.fix->statements();
  EXPECT_TRUE(has_evidence(merged, "FOREIGN KEY declared in 0001.sql"));
  EXPECT_TRUE(has_evidence(merged, "3 logged queries, 1,200 calls, 4.2 s"));
}

TEST(Consolidate, ChainsOfPrefixesEndInTheLongestIndex) {
  std::vector<core::Finding> findings{fk("t", {"a"}), filter("t", {"a", "b"}),
                                      seq_scan("t", {"a", "b", "c"})};
  consolidate_findings(findings, nullptr);
  ASSERT_EQ(findings.size(), 1U);
  EXPECT_EQ(findings[0].rule_ids.size(), 3U);
  EXPECT_NE(findings[0].fix->statements().find("(a, b, c)"), std::string::npos);
}

TEST(Consolidate, ACoveringIndexWithTheSameKeysServesTheForeignKey) {
  // The workload's index set answers the join table's lookup by tag with
  // (tag_id) INCLUDE (post_id): the foreign key's (tag_id) is served by it.
  core::Finding covering = seq_scan("post_tags", {"tag_id"});
  covering.fix->sql().ddl =
      "CREATE INDEX CONCURRENTLY IF NOT EXISTS post_tags_tag_id_idx ON post_tags (tag_id) "
      "INCLUDE (post_id);";
  std::vector<core::Finding> findings{fk("post_tags", {"tag_id"}), covering};
  consolidate_findings(findings, nullptr);
  ASSERT_EQ(findings.size(), 1U);
  EXPECT_EQ(findings[0].rule_ids.front(), "unindexed-foreign-key");
  EXPECT_NE(findings[0].fix->statements().find("INCLUDE (post_id)"), std::string::npos)
      << findings[0].fix->statements();
}

TEST(Consolidate, ForeignKeyColumnsLeadInAnyOrderQueryColumnsDoNot) {
  std::vector<core::Finding> fk_case{fk("t", {"b", "a"}), filter("t", {"a", "b", "c"})};
  consolidate_findings(fk_case, nullptr);
  EXPECT_EQ(fk_case.size(), 1U);
  std::vector<core::Finding> query_case{filter("t", {"b", "a"}), seq_scan("t", {"a", "b", "c"})};
  consolidate_findings(query_case, nullptr);
  EXPECT_EQ(query_case.size(), 2U);
}

TEST(Consolidate, DifferentTablesAndNonLeadingColumnsStaySeparate) {
  std::vector<core::Finding> findings{fk("posts", {"author_id"}), filter("comments", {"author_id"}),
                                      seq_scan("posts", {"org_id", "author_id"})};
  EXPECT_EQ(consolidate_findings(findings, nullptr), 0U);
  EXPECT_EQ(findings.size(), 3U);
  for (const core::Finding& finding : findings) {
    EXPECT_TRUE(finding.rule_ids.empty()) << finding.rule;
    EXPECT_EQ(finding.all_rule_ids(), std::vector<std::string>{finding.rule});
  }
}

TEST(Consolidate, PartialIndexesAreNotSubsumedOrSubsuming) {
  core::Finding partial = filter("t", {"a"});
  partial.fix->sql().ddl =
      "CREATE INDEX CONCURRENTLY IF NOT EXISTS t_a_partial_idx ON t (a) WHERE deleted_at IS NULL;";
  std::vector<core::Finding> findings{partial, seq_scan("t", {"a", "b"})};
  consolidate_findings(findings, nullptr);
  EXPECT_EQ(findings.size(), 2U);
}

TEST(Consolidate, SameDropIndexFromTwoRulesIsOneFinding) {
  core::Finding redundant;
  redundant.rule = "redundant-index";
  redundant.severity = core::Severity::low;
  redundant.object = core::ObjectRef{"public", "posts", {"org_id"}, "posts_org_id_idx"};
  redundant.fix = core::Fix{};
  redundant.fix->sql().ddl = "DROP INDEX CONCURRENTLY IF EXISTS posts_org_id_idx;";
  redundant.compute_fingerprint();
  core::Finding unused = redundant;
  unused.rule = "unused-index";
  unused.severity = core::Severity::medium;
  unused.compute_fingerprint();
  std::vector<core::Finding> findings{redundant, unused};
  consolidate_findings(findings, nullptr);
  ASSERT_EQ(findings.size(), 1U);
  EXPECT_TRUE(findings[0].rule == "redundant-index" || findings[0].rule == "unused-index")
      << findings[0].rule;
  EXPECT_EQ(findings[0].severity, core::Severity::medium);
  EXPECT_EQ(findings[0].all_rule_ids().size(), 2U);
}

TEST(Consolidate, FindingsWithoutAFixMergeOnlyWhenIdentical) {
  core::Finding pk;
  pk.rule = "missing-primary-key";
  pk.message = "Table audit_log has no primary key";
  pk.object = core::ObjectRef{"public", "audit_log", {}, {}};
  pk.compute_fingerprint();
  core::Finding other_table = pk;
  other_table.object.table = "events";
  other_table.compute_fingerprint();
  std::vector<core::Finding> findings{pk, pk, other_table};
  consolidate_findings(findings, nullptr);
  EXPECT_EQ(findings.size(), 2U);
}

TEST(Consolidate, FingerprintIsStableAcrossRunsWithAndWithoutLogs) {
  std::vector<core::Finding> schema_only{fk("posts", {"author_id"})};
  consolidate_findings(schema_only, nullptr);
  std::vector<core::Finding> with_logs{seq_scan("posts", {"author_id", "created_at"}),
                                       filter("posts", {"author_id", "created_at"}),
                                       fk("posts", {"author_id"})};
  consolidate_findings(with_logs, nullptr);
  ASSERT_EQ(schema_only.size(), 1U);
  ASSERT_EQ(with_logs.size(), 1U);
  EXPECT_EQ(with_logs[0].fingerprint, schema_only[0].fingerprint);
}

TEST(Consolidate, MeasuredSavingRanksFirstThenSeverity) {
  model::LiveAnalysis live;
  model::IndexProposal proposal;
  proposal.ddl =
      "CREATE INDEX CONCURRENTLY IF NOT EXISTS api_tokens_token_hash_idx ON api_tokens (token_hash);";
  proposal.verified = true;
  proposal.method = model::VerifyMethod::hypopg;
  proposal.estimated_saving_ms = 1500;
  live.proposals.push_back(proposal);
  std::vector<core::Finding> findings{fk("posts", {"author_id"}), seq_scan("api_tokens", {"token_hash"}),
                                      filter("invites", {"invited_by"})};
  consolidate_findings(findings, &live);
  ASSERT_EQ(findings.size(), 3U);
  EXPECT_EQ(findings[0].object.table, "api_tokens");
  EXPECT_DOUBLE_EQ(findings[0].saving_ms, 1500);
  EXPECT_EQ(findings[1].rule, "unindexed-foreign-key"); // critical before high
  EXPECT_EQ(findings[2].rule, "filter-on-unindexed-column");
  EXPECT_DOUBLE_EQ(findings[2].saving_ms, 0);
}

// A run whose rules spilled their findings consolidates its list of
// records (core::FindingList) reading back only the findings that can
// merge: the result is the vector's, finding for finding.
core::FindingList spilled(const std::vector<core::Finding>& findings) {
  auto spill = std::make_shared<core::FindingSpill>();
  std::vector<core::Finding> copy = findings;
  const core::FindingSpill::Batch batch = spill->write(copy);
  core::FindingList list = core::FindingList::stored(spill);
  list.add_spilled(batch, [](core::Finding&) { return true; });
  return list;
}

TEST(Consolidate, ASpilledListMergesAsTheVectorDoes) {
  core::Finding covering = seq_scan("post_tags", {"tag_id"});
  covering.fix->sql().ddl =
      "CREATE INDEX CONCURRENTLY IF NOT EXISTS post_tags_tag_id_idx ON post_tags (tag_id) "
      "INCLUDE (post_id);";
  core::Finding partial = filter("p", {"a"});
  partial.fix->sql().ddl =
      "CREATE INDEX CONCURRENTLY IF NOT EXISTS p_a_partial_idx ON p (a) WHERE x IS NULL;";
  core::Finding pk;
  pk.rule = "missing-primary-key";
  pk.message = "Table audit_log has no primary key";
  pk.compute_fingerprint();
  std::vector<core::Finding> findings{fk("posts", {"author_id"}),
                                      filter("memberships", {"user_id"}),
                                      fk("solo", {"x"}),
                                      seq_scan("memberships", {"user_id"}),
                                      fk("t", {"a"}),
                                      filter("t", {"a", "b"}),
                                      fk("post_tags", {"tag_id"}),
                                      covering,
                                      pk,
                                      partial,
                                      seq_scan("p", {"a", "b"}),
                                      fk("u", {"b", "a"}),
                                      seq_scan("u", {"a", "b", "c"}),
                                      pk,
                                      fk("memberships", {"user_id"}),
                                      filter("comments", {"author_id"})};
  core::FindingList list = spilled(findings);
  ASSERT_TRUE(list.spilled());
  const std::size_t merged_away = consolidate_findings(findings, nullptr);
  EXPECT_GT(merged_away, 0U);
  EXPECT_EQ(consolidate_findings(list, nullptr), merged_away);
  EXPECT_TRUE(list.spilled()); // not read back whole
  ASSERT_EQ(list.size(), findings.size());
  std::size_t i = 0;
  for (const core::Finding& finding : list.loaded()) {
    EXPECT_EQ(test::finding_text(finding), test::finding_text(findings[i++]));
  }
}

TEST(ProposedIndex, ReadsWhatMakesTwoIndexesTheSame) {
  const auto index = parse_proposed_index(
      "CREATE INDEX CONCURRENTLY IF NOT EXISTS \"Chat_userId_idx\" ON \"public\".\"Chat\" "
      "USING btree (\"userId\", lower(\"title\"), (a, b)) WHERE x = 'a,b';");
  ASSERT_TRUE(index);
  EXPECT_EQ(index->table, "\"public\".\"Chat\"");
  EXPECT_EQ(index->method, "btree");
  EXPECT_EQ(index->columns, (std::vector<std::string>{"\"userId\"", "lower(\"title\")", "(a, b)"}));
  EXPECT_EQ(index->rest, "WHERE x = 'a,b'");
  EXPECT_FALSE(index->unique);
  EXPECT_TRUE(parse_proposed_index("CREATE UNIQUE INDEX i ON t (a)")->unique);
  EXPECT_FALSE(parse_proposed_index("DROP INDEX i;"));
  EXPECT_FALSE(parse_proposed_index("CREATE INDEX i ON t (a); CREATE INDEX j ON t (b);"));
  EXPECT_FALSE(parse_proposed_index("CREATE INDEX i ON t (a"));
}

} // namespace consolidate_test
} // namespace pgadvise::app
