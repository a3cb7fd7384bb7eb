#include "rule_test_support.hpp"

#include <gtest/gtest.h>

namespace {

using namespace pgadvise;
using namespace pgadvise::test;

constexpr std::string_view k_rule = "column-type-change-rewrite";

model::Catalog with_change(std::string old_type, std::string new_type, bool table_is_new = false) {
  model::Catalog catalog = catalog_of({table("payments", {column("id"), column("amount")}, 1)});
  model::MigrationStep step;
  step.kind = model::MigrationStepKind::alter_column_type;
  step.schema = "public";
  step.table = "payments";
  step.object = "amount";
  step.old_type = std::move(old_type);
  step.new_type = std::move(new_type);
  step.table_is_new = table_is_new;
  step.location = core::SourceLocation{"0001.sql", 1, 1};
  catalog.migration_steps.push_back(step);
  return catalog;
}

TEST(ColumnTypeChangeRewrite, IsRegistered) {
  const engine::Rule* rule = rules::find_rule(k_rule);
  ASSERT_NE(rule, nullptr);
  EXPECT_EQ(rule->meta().default_severity, core::Severity::medium);
}

TEST(ColumnTypeChangeRewrite, ReportsRewritingChanges) {
  const auto findings = run_rule(k_rule, with_change("int4", "int8"));
  ASSERT_EQ(findings.size(), 1U);
  EXPECT_EQ(findings[0].object.to_string(), "public.payments(amount)");
  EXPECT_EQ(run_rule(k_rule, with_change("varchar(200)", "varchar(100)")).size(), 1U);
  EXPECT_EQ(run_rule(k_rule, with_change("text", "varchar(10)")).size(), 1U);
}

TEST(ColumnTypeChangeRewrite, CatalogOnlyChangesAndNewTablesAreClean) {
  EXPECT_TRUE(run_rule(k_rule, with_change("varchar(100)", "varchar(200)")).empty());
  EXPECT_TRUE(run_rule(k_rule, with_change("varchar(100)", "text")).empty());
  EXPECT_TRUE(run_rule(k_rule, with_change("numeric(10,2)", "numeric(12,2)")).empty());
  EXPECT_TRUE(run_rule(k_rule, with_change("int4", "int8", true)).empty());
}

} // namespace
