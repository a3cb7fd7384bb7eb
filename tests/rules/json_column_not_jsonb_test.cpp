#include "rule_test_support.hpp"

#include <gtest/gtest.h>

namespace json_column_not_jsonb_test {

using namespace pgadvise;
using namespace pgadvise::test;

constexpr std::string_view k_rule = "json-column-not-jsonb";

TEST(JsonColumnNotJsonb, ReportsJsonColumns) {
  model::Table t = table("events", {column("id"), column("payload", "json", true, "'{}'::json", 5),
                                    column("body", "jsonb"), column("note", "text")});
  const auto findings = run_rule(k_rule, catalog_of({t}));
  ASSERT_EQ(findings.size(), 1U);
  EXPECT_EQ(findings[0].rule, "json-column-not-jsonb");
  EXPECT_EQ(findings[0].severity, core::Severity::medium);
  EXPECT_EQ(findings[0].object.to_string(), "public.events(payload)");
  EXPECT_EQ(findings[0].location, at(5));
  ASSERT_TRUE(findings[0].fix);
  EXPECT_EQ(findings[0].fix->statements(),
            "ALTER TABLE events ALTER COLUMN payload DROP DEFAULT, ALTER COLUMN payload TYPE "
            "jsonb USING payload::jsonb, ALTER COLUMN payload SET DEFAULT '{}'::jsonb;");
}

TEST(JsonColumnNotJsonb, DomainsOverJsonCountArraysDoNot) {
  model::Domain domain;
  domain.name = "doc";
  domain.base = model::parse_type_text("json");
  model::Table t = table("events", {column("a", "public.doc"), column("b", "json[]")});
  model::Catalog catalog = catalog_of({t});
  catalog.domains.push_back(domain);
  const auto findings = run_rule(k_rule, catalog);
  ASSERT_EQ(findings.size(), 1U);
  EXPECT_EQ(findings[0].object.columns, std::vector<std::string>{"a"});
}

TEST(JsonColumnNotJsonb, DrizzleLineOnlyForDrizzleProjects) {
  model::Table t = table("events", {column("payload", "json")});
  t.columns[0].set_property("eventPayload");
  const model::Catalog catalog = catalog_of({t});
  EXPECT_TRUE(run_rule(k_rule, catalog)[0].fix->code_text().empty());
  model::Project project;
  project.uses_drizzle = true;
  EXPECT_EQ(run_rule(k_rule, catalog, {}, &project)[0].fix->code_text(), "eventPayload: jsonb(\"payload\")");
}

} // namespace json_column_not_jsonb_test
