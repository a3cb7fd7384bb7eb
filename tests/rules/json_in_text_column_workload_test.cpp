// json-in-text-column with a query workload: casts to json/jsonb and JSON
// operators applied to text columns are evidence (ColumnUse::json_cast /
// json_operator from pg::analyze_query).

#include "rule_test_support.hpp"
#include "workload_test_support.hpp"

#include <gtest/gtest.h>

namespace json_in_text_column_workload_test {

using namespace pgadvise;
using namespace pgadvise::test;

constexpr std::string_view k_rule = "json-in-text-column";

model::Catalog users_with(model::Column profile) {
  return catalog_of({table("users", {column("id"), column("email", "text"), std::move(profile)}, 1)});
}

TEST(JsonInTextColumnWorkload, CastsAndJsonOperatorsOnATextColumnAreReported) {
  const model::Catalog catalog = users_with(column("profile", "text", false, std::nullopt, 4));
  model::Workload workload;
  add_query(workload, "SELECT id FROM users WHERE profile::jsonb ->> 'plan' = 'pro'", 3, 1.0, 20);
  add_query(workload, "SELECT u.profile::json -> 'theme' FROM users u WHERE u.id = 3", 1, 1.0, 21);
  add_query(workload, "SELECT id FROM users WHERE email = 'a'", 1, 1.0, 22);
  // Without the workload the column is unremarkable.
  EXPECT_TRUE(run_rule(k_rule, catalog).empty());
  const auto findings = run_workload_rule(k_rule, workload, &catalog);
  ASSERT_EQ(findings.size(), 1U);
  const core::Finding& f = findings.front();
  EXPECT_EQ(f.object.to_string(), "public.users(profile)");
  EXPECT_EQ(f.severity, core::Severity::high);
  EXPECT_EQ(f.location.line, 4);
  int query_evidence = 0;
  for (const core::Evidence& e : f.evidence) {
    if (e.kind == core::Evidence::Kind::query) {
      ++query_evidence;
      EXPECT_EQ(e.detail.find("'pro'"), std::string::npos) << e.detail; // normalized only
    }
  }
  EXPECT_EQ(query_evidence, 2);
  ASSERT_TRUE(f.fix);
  EXPECT_NE(f.fix->statements().find("TYPE jsonb"), std::string::npos);
}

TEST(JsonInTextColumnWorkload, NameHintGainsQueryEvidenceAndFullSeverity) {
  const model::Catalog catalog = users_with(column("settings", "text", false, std::nullopt, 4));
  const auto hint = run_rule(k_rule, catalog);
  ASSERT_EQ(hint.size(), 1U);
  EXPECT_EQ(hint.front().severity, core::Severity::low);
  model::Workload workload;
  add_query(workload, "SELECT id FROM users WHERE settings::jsonb @> '{\"a\": 1}'");
  const auto findings = run_workload_rule(k_rule, workload, &catalog);
  ASSERT_EQ(findings.size(), 1U);
  EXPECT_EQ(findings.front().severity, core::Severity::high);
  // Same column, same fingerprint: baselines keep matching.
  EXPECT_EQ(findings.front().fingerprint, hint.front().fingerprint);
}

TEST(JsonInTextColumnWorkload, JsonUseOfJsonbOrOtherTablesColumnsIsNotEvidence) {
  model::Catalog catalog = users_with(column("profile", "jsonb"));
  catalog.tables.push_back(table("events", {column("payload_text", "text")}));
  model::Workload workload;
  add_query(workload, "SELECT id FROM users WHERE profile ->> 'plan' = 'pro'");
  add_query(workload, "SELECT e.payload_text FROM events e JOIN users u ON u.id = 1 WHERE u.profile @> '{}'");
  EXPECT_TRUE(run_workload_rule(k_rule, workload, &catalog).empty());
}

// Drizzle's relational queries (drizzle-orm 0.x, `db.query.environments
// .findMany({ with: { applications: ... } })`, as a Dokploy-shaped app logs
// them: fixtures/real-shapes/deploy-panel/logs) put each related row's
// columns into json_build_array() inside json_agg(): text put into JSON, not
// JSON kept in text. Before, application.name and every first column of a
// `with:` were "text but treated as JSON" (high).
TEST(JsonInTextColumnWorkload, DrizzleRelationalWithColumnsBuiltIntoJsonAreNotEvidence) {
  const model::Catalog catalog = catalog_of(
      {table("environment", {column("environmentId", "text"), column("name", "text")}, 1),
       table("application",
             {column("applicationId", "text"), column("name", "text"), column("environmentId", "text")}, 5)});
  model::Workload workload;
  add_query(
      workload,
      R"(select "environments"."environmentId", "environments_applications"."data" as "applications" )"
      R"(from "environment" "environments" left join lateral (select coalesce(json_agg(json_build_array()"
      R"("environments_applications"."applicationId", "environments_applications"."name")), '[]'::json) )"
      R"(as "data" from "application" "environments_applications" where )"
      R"("environments_applications"."environmentId" = "environments"."environmentId") )"
      R"("environments_applications" on true where "environments"."environmentId" = $1)",
      40, 2.0, 10);
  EXPECT_TRUE(run_workload_rule(k_rule, workload, &catalog).empty());
}

} // namespace json_in_text_column_workload_test
