#include "migration_rule_test_support.hpp"

#include <gtest/gtest.h>

// Named after the file: test files are compiled in batches (CMake unity
// builds), so each keeps its helpers in its own namespace.
namespace concurrently_in_transaction_test {

using namespace pgadvise;
using namespace pgadvise::test;

constexpr std::string_view k_rule = "concurrently-in-transaction";

const std::string k_orders = R"sql(
CREATE TABLE "orders" ("id" bigint PRIMARY KEY, "customer_id" bigint NOT NULL, "note" text);
CREATE INDEX "orders_note_idx" ON "orders" ("note");
)sql";

TEST(ConcurrentlyInTransaction, DrizzleKitMigrationsCannotHoldConcurrently) {
  const auto findings = run_on_change(k_rule, k_orders,
                                      "CREATE INDEX CONCURRENTLY \"orders_customer_id_idx\" ON \"orders\" "
                                      "(\"customer_id\");--> statement-breakpoint\n"
                                      "DROP INDEX CONCURRENTLY \"orders_note_idx\";",
                                      k_drizzle);
  ASSERT_EQ(findings.size(), 2U);
  EXPECT_EQ(findings[0].severity, core::Severity::critical);
  EXPECT_EQ(findings[0].object.to_string(), "public.orders orders_customer_id_idx");
  EXPECT_NE(findings[0].message.find("fails at drizzle-kit migrate"), std::string::npos)
      << findings[0].message;
  ASSERT_TRUE(findings[0].fix.has_value());
  EXPECT_NE(findings[0].fix->statements().find("scripts/concurrent-indexes.sql"), std::string::npos)
      << findings[0].fix->statements();
  EXPECT_NE(findings[0].fix->statements().find(
                "CREATE INDEX IF NOT EXISTS orders_customer_id_idx ON orders (customer_id);"),
            std::string::npos);
  EXPECT_EQ(findings[1].object.constraint, "orders_note_idx");
}

TEST(ConcurrentlyInTransaction, EvenOnANewTable) {
  EXPECT_EQ(run_on_change(k_rule, k_orders,
                          "CREATE TABLE \"refunds\" (\"id\" bigint);\n"
                          "CREATE INDEX CONCURRENTLY \"refunds_id_idx\" ON \"refunds\" (\"id\");",
                          k_drizzle)
                .size(),
            1U);
}

TEST(ConcurrentlyInTransaction, AutocommitFoldersAreFine) {
  // The look-alike: a folder psql applies file by file, no transaction.
  EXPECT_TRUE(
      run_on_change(k_rule, k_orders,
                    "CREATE INDEX CONCURRENTLY \"orders_customer_id_idx\" ON \"orders\" (\"customer_id\");")
          .empty());
}

TEST(ConcurrentlyInTransaction, AnExplicitBeginCountsUntilItsCommit) {
  const auto findings = run_on_change(k_rule, k_orders, R"sql(BEGIN;
REINDEX INDEX CONCURRENTLY "orders_note_idx";
COMMIT;
REINDEX INDEX CONCURRENTLY "orders_note_idx";
)sql");
  ASSERT_EQ(findings.size(), 1U);
  EXPECT_EQ(findings[0].location.line, 2);
  EXPECT_NE(findings[0].message.find("BEGIN opens at line 1"), std::string::npos) << findings[0].message;
}

TEST(ConcurrentlyInTransaction, GooseAndDbmateWrapFilesUnlessTheySayNot) {
  const std::string index =
      "CREATE INDEX CONCURRENTLY \"orders_customer_id_idx\" ON \"orders\" (\"customer_id\");\n";
  EXPECT_EQ(run_on_change(k_rule, k_orders, "-- +goose Up\n" + index).size(), 1U);
  EXPECT_TRUE(run_on_change(k_rule, k_orders, "-- +goose NO TRANSACTION\n-- +goose Up\n" + index).empty());
  EXPECT_EQ(run_on_change(k_rule, k_orders, "-- migrate:up\n" + index).size(), 1U);
  EXPECT_TRUE(run_on_change(k_rule, k_orders, "-- migrate:up transaction:false\n" + index).empty());
}

// Prisma Migrate sends a migration as one query: PostgreSQL runs one of
// several statements as a transaction, one of a single statement without.
TEST(ConcurrentlyInTransaction, APrismaMigrationOfSeveralStatementsIsOneTransaction) {
  const std::string index =
      "CREATE INDEX CONCURRENTLY \"orders_customer_id_idx\" ON \"orders\" (\"customer_id\");\n";
  const auto findings =
      run_on_change(k_rule, k_orders, "ALTER TABLE \"orders\" ADD COLUMN \"paid\" boolean;\n" + index,
                    model::MigrationTransaction::prisma);
  ASSERT_EQ(findings.size(), 1U);
  EXPECT_NE(findings[0].message.find("Prisma migration"), std::string::npos) << findings[0].message;
  EXPECT_TRUE(run_on_change(k_rule, k_orders, "-- CreateIndex\n" + index, model::MigrationTransaction::prisma)
                  .empty());
}

} // namespace concurrently_in_transaction_test
