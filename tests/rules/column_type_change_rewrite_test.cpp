#include "loaders/schema_load.hpp"
#include "loaders/sql/migrations.hpp"
#include "loaders/sql/replay_locks.hpp"
#include "rule_test_support.hpp"

#include <gtest/gtest.h>
#include <utility>
#include <vector>

namespace column_type_change_rewrite_test {

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
  // What the replay records: whether PostgreSQL 15 rewrites for this change.
  step.rewrites = loaders::replay::type_change_rewrites(model::parse_type_text(old_type),
                                                        model::parse_type_text(new_type), nullptr, "amount");
  step.old_type = std::move(old_type);
  step.new_type = std::move(new_type);
  step.table_is_new = table_is_new;
  step.location = core::SourceLocation{"0001.sql", 1, 1};
  catalog.migration_steps.push_back(step);
  return catalog;
}

TEST(ColumnTypeChangeRewrite, ReportsRewritingChanges) {
  const auto findings = run_rule(k_rule, with_change("int4", "int8"));
  ASSERT_EQ(findings.size(), 1U);
  EXPECT_EQ(findings[0].object.to_string(), "public.payments(amount)");
  EXPECT_EQ(run_rule(k_rule, with_change("varchar(200)", "varchar(100)")).size(), 1U);
  EXPECT_EQ(run_rule(k_rule, with_change("text", "varchar(10)")).size(), 1U);
  EXPECT_EQ(run_rule(k_rule, with_change("varchar", "varchar(10)")).size(), 1U);
  EXPECT_EQ(run_rule(k_rule, with_change("numeric(10,2)", "numeric(12,4)")).size(), 1U);
  EXPECT_EQ(run_rule(k_rule, with_change("numeric", "numeric(12,2)")).size(), 1U);
  EXPECT_EQ(run_rule(k_rule, with_change("timestamp", "timestamp(3)")).size(), 1U);
  EXPECT_EQ(run_rule(k_rule, with_change("int4[]", "int8[]")).size(), 1U);
}

// A change PostgreSQL refuses without USING (text to jsonb, as drizzle-kit
// generate writes it): the migration fails, whatever the table's size.
TEST(ColumnTypeChangeRewrite, AChangePostgreSQLRefusesWithoutUsingIsAFailingMigration) {
  model::Catalog catalog = with_change("text", "jsonb");
  catalog.migration_steps.back().detail = "no automatic cast from text to jsonb";
  const auto findings = run_rule(k_rule, catalog);
  ASSERT_EQ(findings.size(), 1U);
  EXPECT_EQ(findings[0].severity, core::Severity::high);
  EXPECT_NE(findings[0].message.find("PostgreSQL refuses ALTER COLUMN amount TYPE jsonb on payments: no "
                                     "automatic cast from text to jsonb and no USING"),
            std::string::npos)
      << findings[0].message;
  EXPECT_EQ(findings[0].message.find("table size unknown"), std::string::npos) << findings[0].message;
  EXPECT_NE(findings[0].help.find("USING amount::jsonb"), std::string::npos) << findings[0].help;
  // Accepted without USING: a rewrite graded by size, no word of failing.
  const auto accepted = run_rule(k_rule, with_change("int4", "int8"));
  ASSERT_EQ(accepted.size(), 1U);
  EXPECT_EQ(accepted[0].message.find("refuses"), std::string::npos);
  EXPECT_EQ(accepted[0].help.find("USING"), std::string::npos);
}

TEST(ColumnTypeChangeRewrite, TimestampToTimestamptzNamesTheUtcException) {
  const auto findings = run_rule(k_rule, with_change("timestamp", "timestamptz"));
  ASSERT_EQ(findings.size(), 1U);
  EXPECT_NE(findings[0].help.find("TimeZone UTC"), std::string::npos) << findings[0].help;
}

TEST(ColumnTypeChangeRewrite, SeverityFollowsTableSizeAndSaysWhenUnknown) {
  const auto unknown = run_rule(k_rule, with_change("int4", "int8"));
  ASSERT_EQ(unknown.size(), 1U);
  EXPECT_EQ(unknown[0].severity, core::Severity::medium);
  EXPECT_NE(unknown[0].message.find("table size unknown, so graded medium"), std::string::npos)
      << unknown[0].message;
  for (const auto& [rows, severity] :
       std::vector<std::pair<double, core::Severity>>{{500, core::Severity::low},
                                                      {200'000, core::Severity::medium},
                                                      {2'000'000, core::Severity::high},
                                                      {20'000'000, core::Severity::critical}}) {
    model::Catalog catalog = with_change("int4", "int8");
    catalog.tables[0].stats = model::TableStats{};
    catalog.tables[0].stats->reltuples = rows;
    const auto findings = run_rule(k_rule, catalog);
    ASSERT_EQ(findings.size(), 1U);
    EXPECT_EQ(findings[0].severity, severity) << rows;
    EXPECT_NE(findings[0].message.find(" rows)"), std::string::npos) << findings[0].message;
  }
}

TEST(ColumnTypeChangeRewrite, CatalogOnlyChangesAndNewTablesAreClean) {
  EXPECT_TRUE(run_rule(k_rule, with_change("varchar(100)", "varchar(200)")).empty());
  EXPECT_TRUE(run_rule(k_rule, with_change("varchar(100)", "text")).empty());
  EXPECT_TRUE(run_rule(k_rule, with_change("numeric(10,2)", "numeric(12,2)")).empty());
  EXPECT_TRUE(run_rule(k_rule, with_change("varchar(100)", "varchar")).empty());
  EXPECT_TRUE(run_rule(k_rule, with_change("text", "varchar")).empty());
  EXPECT_TRUE(run_rule(k_rule, with_change("numeric(10)", "numeric(12,0)")).empty());
  EXPECT_TRUE(run_rule(k_rule, with_change("numeric(10,2)", "numeric")).empty());
  EXPECT_TRUE(run_rule(k_rule, with_change("varbit(8)", "varbit(16)")).empty());
  EXPECT_TRUE(run_rule(k_rule, with_change("timestamptz(3)", "timestamptz(6)")).empty());
  EXPECT_TRUE(run_rule(k_rule, with_change("time(0)", "time")).empty());
  EXPECT_TRUE(run_rule(k_rule, with_change("cidr", "inet")).empty());
  EXPECT_TRUE(run_rule(k_rule, with_change("int4", "int8", true)).empty());
}

// A column the files never create (added outside the migrations) on a
// table they do create: PostgreSQL still changes it, so the change is
// judged as one of unknown type -- rewrites unless binary-coercible --
// beside the replay-warning that the files do not create the column. It
// was a replay-warning alone.
TEST(ColumnTypeChangeRewrite, AColumnTheFilesNeverCreateIsJudgedAsOneOfUnknownType) {
  loaders::SchemaLoad load;
  loaders::replay_sql("CREATE TABLE orders (id integer PRIMARY KEY, total integer);", "0000.sql", load);
  loaders::replay_sql("ALTER TABLE orders ALTER COLUMN legacy_ref TYPE bigint USING legacy_ref::bigint;\n"
                      "ALTER TABLE orders ALTER COLUMN legacy_note TYPE text;",
                      "0001.sql", load);
  ASSERT_EQ(load.diagnostics.size(), 2U);
  EXPECT_EQ(load.diagnostics[0].rule, "replay-warning");
  const auto findings = run_rule(k_rule, load.catalog);
  ASSERT_EQ(findings.size(), 1U) << "text relaxes the usual source types: taken as catalog-only";
  EXPECT_EQ(findings[0].object.to_string(), "public.orders(legacy_ref)");
  EXPECT_EQ(findings[0].severity, core::Severity::medium);
  EXPECT_EQ(findings[0].location.line, 1);
  EXPECT_NE(
      findings[0].message.find("(its current type is not in these files) rewrites existing table orders "
                               "and its indexes under an ACCESS EXCLUSIVE lock unless the change is "
                               "binary-coercible"),
      std::string::npos)
      << findings[0].message;
}

} // namespace column_type_change_rewrite_test
