#include "migration_rule_test_support.hpp"

#include <gtest/gtest.h>

namespace partition_attached_validating_test {

using namespace pgadvise;
using namespace pgadvise::test;

constexpr std::string_view k_rule = "partition-attached-validating";

const std::string k_measurements = R"sql(
CREATE TABLE "measurements" ("id" bigint NOT NULL, "taken_at" timestamptz NOT NULL) PARTITION BY RANGE ("taken_at");
CREATE TABLE "measurements_2025" PARTITION OF "measurements" FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
CREATE TABLE "measurements_2026" ("id" bigint NOT NULL, "taken_at" timestamptz NOT NULL);
)sql";

const std::string k_attach = "ALTER TABLE \"measurements\" ATTACH PARTITION \"measurements_2026\" FOR VALUES "
                             "FROM ('2026-01-01') TO ('2027-01-01');\n";

TEST(PartitionAttachedValidating, AnExistingTableWithoutAMatchingCheckIsScanned) {
  const auto findings = run_on_change(k_rule, k_measurements, k_attach);
  ASSERT_EQ(findings.size(), 1U);
  EXPECT_EQ(findings[0].severity, core::Severity::medium);
  EXPECT_EQ(findings[0].object.table, "measurements_2026");
  EXPECT_EQ(findings[0].object.constraint, "measurements");
  ASSERT_TRUE(findings[0].fix.has_value());
  EXPECT_NE(findings[0].fix->statements().find("NOT VALID"), std::string::npos);
}

TEST(PartitionAttachedValidating, AValidCheckNamingTheBoundSkipsTheScan) {
  const std::string check = k_measurements +
                            "ALTER TABLE \"measurements_2026\" ADD CONSTRAINT \"b\" CHECK (\"taken_at\" >= "
                            "'2026-01-01' AND \"taken_at\" < '2027-01-01');\n";
  EXPECT_TRUE(run_on_change(k_rule, check, k_attach).empty());
  // NOT VALID is not enough: PostgreSQL proves from valid constraints only.
  const std::string not_valid =
      k_measurements + "ALTER TABLE \"measurements_2026\" ADD CONSTRAINT \"b\" CHECK (\"taken_at\" >= "
                       "'2026-01-01' AND \"taken_at\" < '2027-01-01') NOT VALID;\n";
  EXPECT_EQ(run_on_change(k_rule, not_valid, k_attach).size(), 1U);
}

TEST(PartitionAttachedValidating, TheDefaultPartitionIsScannedEvenForANewTable) {
  const std::string with_default =
      k_measurements + "CREATE TABLE \"measurements_other\" PARTITION OF \"measurements\" DEFAULT;\n";
  const auto findings =
      run_on_change(k_rule, with_default,
                    "CREATE TABLE \"measurements_2027\" (LIKE \"measurements\");\n"
                    "ALTER TABLE \"measurements\" ATTACH PARTITION \"measurements_2027\" FOR VALUES FROM "
                    "('2027-01-01') TO ('2028-01-01');\n");
  ASSERT_EQ(findings.size(), 1U);
  EXPECT_EQ(findings[0].object.table, "measurements_other");
  EXPECT_NE(findings[0].message.find("default partition"), std::string::npos);
}

TEST(PartitionAttachedValidating, ATableCreatedInTheSameFileIsClean) {
  EXPECT_TRUE(
      run_on_change(k_rule, k_measurements,
                    "CREATE TABLE \"measurements_2027\" (LIKE \"measurements\");\n"
                    "ALTER TABLE \"measurements\" ATTACH PARTITION \"measurements_2027\" FOR VALUES FROM "
                    "('2027-01-01') TO ('2028-01-01');\n")
          .empty());
}

} // namespace partition_attached_validating_test
