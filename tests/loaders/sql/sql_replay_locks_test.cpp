#include "loaders/sql/replay_locks.hpp"
#include "sql_replay_test_support.hpp"

#include <gtest/gtest.h>

// What the replay predicts PostgreSQL 15 does for each statement a
// migration runs (model::MigrationStep): the lock, the rewrite, the scan,
// and the transaction it runs in. tests/app/lint/verify_locks_test.cpp
// checks these predictions against a real server.
namespace sql_replay_locks_test {

using namespace pgadvise;
using namespace pgadvise::test;
using model::LockMode;
using model::MigrationStepKind;

const std::string k_orders = R"sql(
CREATE TABLE "orders" ("id" bigint PRIMARY KEY, "customer_id" bigint NOT NULL, "note" varchar(100), "total" int4);
CREATE INDEX "orders_customer_id_idx" ON "orders" ("customer_id");
)sql";

// The steps the second file records, after the first set up the tables.
std::vector<model::MigrationStep>
steps_of(const std::string& change,
         model::MigrationTransaction transaction = model::MigrationTransaction::none) {
  loaders::SchemaLoad load;
  loaders::replay_sql(k_orders, "0000.sql", load);
  const std::size_t before = load.catalog.migration_steps.size();
  loaders::replay_sql(change, "0001.sql", load, transaction);
  const auto& all = load.catalog.migration_steps;
  return {all.begin() + static_cast<std::ptrdiff_t>(before), all.end()};
}

model::MigrationStep only_step(const std::string& change) {
  const auto steps = steps_of(change);
  EXPECT_EQ(steps.size(), 1U) << change;
  return steps.empty() ? model::MigrationStep{} : steps.front();
}

TEST(SqlReplayLocks, AlterTableFormsTakeTheirDocumentedLocks) {
  EXPECT_EQ(only_step("ALTER TABLE orders ALTER COLUMN note SET DEFAULT 'x';").lock,
            LockMode::access_exclusive);
  EXPECT_EQ(only_step("ALTER TABLE orders ALTER COLUMN note SET STATISTICS 500;").lock,
            LockMode::share_update_exclusive);
  EXPECT_EQ(only_step("ALTER TABLE orders SET (fillfactor = 70);").lock, LockMode::share_update_exclusive);
  EXPECT_EQ(only_step("ALTER TABLE orders SET (parallel_workers = 2, user_catalog_table = true);").lock,
            LockMode::access_exclusive);
  EXPECT_EQ(only_step("ALTER TABLE orders DISABLE TRIGGER ALL;").lock, LockMode::share_row_exclusive);
  EXPECT_EQ(
      only_step("ALTER TABLE orders ADD CONSTRAINT fk FOREIGN KEY (customer_id) REFERENCES orders (id);")
          .lock,
      LockMode::share_row_exclusive);
  EXPECT_EQ(only_step("ALTER TABLE orders RENAME COLUMN note TO memo;").lock, LockMode::access_exclusive);
  const auto detail = only_step("ALTER TABLE orders ALTER COLUMN note DROP DEFAULT;").detail;
  EXPECT_EQ(detail, "DROP DEFAULT");
}

TEST(SqlReplayLocks, IndexStatements) {
  const auto create = only_step("CREATE INDEX orders_note_idx ON orders (note);");
  EXPECT_EQ(create.lock, LockMode::share);
  EXPECT_EQ(only_step("CREATE INDEX CONCURRENTLY orders_note_idx ON orders (note);").lock,
            LockMode::share_update_exclusive);
  const auto drop = only_step("DROP INDEX orders_customer_id_idx;");
  EXPECT_EQ(drop.kind, MigrationStepKind::drop_index);
  EXPECT_EQ(drop.lock, LockMode::access_exclusive);
  EXPECT_EQ(only_step("REINDEX INDEX orders_customer_id_idx;").lock, LockMode::share);
  const auto reindex = only_step("REINDEX (VERBOSE) TABLE CONCURRENTLY orders;");
  EXPECT_TRUE(reindex.concurrently);
  EXPECT_EQ(reindex.object, "");
}

TEST(SqlReplayLocks, OptionsSwitchedOffInTheirListAreOff) {
  // squawk's lock-kind cases: (FULL false), (FULL 'false'), (FULL off),
  // (FULL 0) and (CONCURRENTLY false) switch the option off.
  for (const std::string off : {"false", "'false'", "off", "0"}) {
    EXPECT_TRUE(steps_of("VACUUM (FULL " + off + ") orders;").empty()) << off;
    EXPECT_FALSE(only_step("REINDEX (CONCURRENTLY " + off + ") TABLE orders;").concurrently) << off;
  }
  EXPECT_EQ(only_step("VACUUM (FULL) orders;").kind, MigrationStepKind::rewrite_table);
  EXPECT_EQ(only_step("VACUUM (FULL true) orders;").kind, MigrationStepKind::rewrite_table);
  EXPECT_TRUE(only_step("REINDEX (CONCURRENTLY 1) TABLE orders;").concurrently);
}

TEST(SqlReplayLocks, AddedColumnsRewriteWhenFilledRowByRow) {
  EXPECT_TRUE(only_step("ALTER TABLE orders ADD COLUMN t uuid DEFAULT gen_random_uuid();").rewrites);
  EXPECT_TRUE(only_step("ALTER TABLE orders ADD COLUMN t timestamptz DEFAULT clock_timestamp();").rewrites);
  EXPECT_TRUE(only_step("ALTER TABLE orders ADD COLUMN n serial;").rewrites);
  EXPECT_TRUE(only_step("ALTER TABLE orders ADD COLUMN n int GENERATED ALWAYS AS IDENTITY;").rewrites);
  EXPECT_TRUE(
      only_step("ALTER TABLE orders ADD COLUMN n int GENERATED ALWAYS AS (total + 1) STORED;").rewrites);
  EXPECT_TRUE(only_step("ALTER TABLE orders ADD COLUMN n int DEFAULT (random() * 10)::int;").rewrites);
  EXPECT_FALSE(only_step("ALTER TABLE orders ADD COLUMN t timestamptz DEFAULT now();").rewrites);
  EXPECT_FALSE(only_step("ALTER TABLE orders ADD COLUMN t date DEFAULT CURRENT_DATE;").rewrites);
  EXPECT_FALSE(
      only_step("ALTER TABLE orders ADD COLUMN t jsonb DEFAULT jsonb_build_object('a', 1);").rewrites);
  EXPECT_FALSE(only_step("ALTER TABLE orders ADD COLUMN t text DEFAULT 'x' NOT NULL;").rewrites);
  EXPECT_EQ(only_step("ALTER TABLE orders ADD COLUMN t uuid DEFAULT gen_random_uuid();").value,
            "gen_random_uuid()");
}

TEST(SqlReplayLocks, RequiredColumnsWithoutDefaultFailWithRows) {
  EXPECT_TRUE(only_step("ALTER TABLE orders ADD COLUMN t text NOT NULL;").fails_with_rows);
  EXPECT_FALSE(only_step("ALTER TABLE orders ADD COLUMN t text NOT NULL DEFAULT '';").fails_with_rows);
  EXPECT_FALSE(only_step("ALTER TABLE orders ADD COLUMN t bigserial NOT NULL;").fails_with_rows);
}

TEST(SqlReplayLocks, TypeChangesRewriteUnlessBinaryCoercible) {
  EXPECT_TRUE(only_step("ALTER TABLE orders ALTER COLUMN total TYPE bigint;").rewrites);
  EXPECT_FALSE(only_step("ALTER TABLE orders ALTER COLUMN note TYPE varchar(200);").rewrites);
  EXPECT_FALSE(only_step("ALTER TABLE orders ALTER COLUMN note TYPE text;").rewrites);
  EXPECT_TRUE(only_step("ALTER TABLE orders ALTER COLUMN note TYPE varchar(50);").rewrites);
  // USING that changes the values rewrites even between binary-coercible types.
  EXPECT_FALSE(only_step("ALTER TABLE orders ALTER COLUMN note TYPE text USING note::text;").rewrites);
  EXPECT_TRUE(only_step("ALTER TABLE orders ALTER COLUMN note TYPE text USING upper(note);").rewrites);
}

TEST(SqlReplayLocks, CatalogOnlyTypeChanges) {
  using loaders::replay::type_change_rewrites;
  const auto rewrites = [](std::string_view from, std::string_view to) {
    return type_change_rewrites(model::parse_type_text(from), model::parse_type_text(to), nullptr, "c");
  };
  EXPECT_FALSE(rewrites("varchar(100)", "varchar(200)"));
  EXPECT_FALSE(rewrites("varchar(100)", "varchar"));
  EXPECT_FALSE(rewrites("text", "varchar"));
  EXPECT_FALSE(rewrites("numeric(10,2)", "numeric(12,2)"));
  EXPECT_FALSE(rewrites("numeric(10)", "numeric(12,0)"));
  EXPECT_FALSE(rewrites("numeric(10,2)", "numeric"));
  EXPECT_FALSE(rewrites("varbit(8)", "varbit(16)"));
  EXPECT_FALSE(rewrites("timestamptz(3)", "timestamptz(6)"));
  EXPECT_FALSE(rewrites("cidr", "inet"));
  EXPECT_TRUE(rewrites("int4", "int8"));
  EXPECT_TRUE(rewrites("text", "varchar(10)"));
  EXPECT_TRUE(rewrites("numeric(10,2)", "numeric(12,4)"));
  EXPECT_TRUE(rewrites("timestamp", "timestamptz"));
  EXPECT_TRUE(rewrites("int4[]", "int8[]"));
}

TEST(SqlReplayLocks, SetNotNullScansUnlessAValidCheckProvesIt) {
  EXPECT_TRUE(only_step("ALTER TABLE orders ALTER COLUMN note SET NOT NULL;").scans);
  const auto steps = steps_of(R"sql(
ALTER TABLE orders ADD CONSTRAINT note_nn CHECK (note IS NOT NULL AND length(note) > 0);
ALTER TABLE orders ALTER COLUMN note SET NOT NULL;
)sql");
  ASSERT_EQ(steps.size(), 2U);
  EXPECT_EQ(steps[1].kind, MigrationStepKind::set_not_null);
  EXPECT_FALSE(steps[1].scans);
  // Already NOT NULL: nothing to do, nothing recorded.
  EXPECT_TRUE(steps_of("ALTER TABLE orders ALTER COLUMN customer_id SET NOT NULL;").empty());
}

TEST(SqlReplayLocks, TransactionsFollowRunnersAndExplicitBlocks) {
  const auto steps = steps_of(R"sql(ALTER TABLE orders ALTER COLUMN note SET DEFAULT '';
BEGIN;
ALTER TABLE orders ALTER COLUMN note DROP DEFAULT;
COMMIT;
ALTER TABLE orders ALTER COLUMN note SET DEFAULT '';
)sql");
  ASSERT_EQ(steps.size(), 3U);
  EXPECT_EQ(steps[0].transaction, model::MigrationTransaction::none);
  EXPECT_EQ(steps[1].transaction, model::MigrationTransaction::block);
  EXPECT_EQ(steps[1].transaction_line, 2U);
  EXPECT_EQ(steps[1].transaction_text(), "the transaction block BEGIN opens at line 2");
  EXPECT_EQ(steps[2].transaction, model::MigrationTransaction::none);
  const auto wrapped = steps_of("ALTER TABLE orders ALTER COLUMN note SET DEFAULT '';",
                                model::MigrationTransaction::drizzle_kit);
  ASSERT_EQ(wrapped.size(), 1U);
  EXPECT_EQ(wrapped[0].transaction, model::MigrationTransaction::drizzle_kit);
}

TEST(SqlReplayLocks, DrizzleKitFoldersRunInTheMigratorsTransaction) {
  loaders::SchemaLoad load;
  const auto files = loaders::migration_order(std::filesystem::path(PGADVISE_SOURCE_DIR) / "fixtures" /
                                              "drizzle-app" / "drizzle");
  ASSERT_TRUE(files);
  loaders::replay_sql_files(*files, load);
  ASSERT_FALSE(load.catalog.migration_steps.empty());
  for (const model::MigrationStep& step : load.catalog.migration_steps) {
    EXPECT_EQ(step.transaction, model::MigrationTransaction::drizzle_kit) << step.location.to_string();
  }
}

TEST(SqlReplayLocks, DrizzleKitOneFoldersRunInTheMigratorsTransactionToo) {
  loaders::SchemaLoad load;
  const auto files = loaders::migration_order(std::filesystem::path(PGADVISE_SOURCE_DIR) / "fixtures" /
                                              "discovery" / "kit-1.0" / "drizzle");
  ASSERT_TRUE(files);
  loaders::replay_sql_files(*files, load);
  ASSERT_FALSE(load.catalog.migration_steps.empty());
  for (const model::MigrationStep& step : load.catalog.migration_steps) {
    EXPECT_EQ(step.transaction, model::MigrationTransaction::drizzle_kit) << step.location.to_string();
  }
  // A plain folder (psql runs each file in autocommit): no transaction.
  loaders::SchemaLoad plain;
  const auto natural =
      loaders::migration_order(std::filesystem::path(PGADVISE_SOURCE_DIR) / "fixtures" / "sql" / "natural");
  ASSERT_TRUE(natural);
  loaders::replay_sql_files(*natural, plain);
  for (const model::MigrationStep& step : plain.catalog.migration_steps) {
    EXPECT_EQ(step.transaction, model::MigrationTransaction::none) << step.location.to_string();
  }
}

TEST(SqlReplayLocks, TimeoutSettingsAreRecorded) {
  const auto steps =
      steps_of("SET LOCAL lock_timeout = '3s';\nSET statement_timeout TO 0;\nSET search_path TO public;");
  ASSERT_EQ(steps.size(), 2U);
  EXPECT_EQ(steps[0].kind, MigrationStepKind::set_timeout);
  EXPECT_EQ(steps[0].object, "lock_timeout");
  EXPECT_EQ(steps[0].detail, "3s");
  EXPECT_TRUE(steps[0].local);
  EXPECT_EQ(steps[1].detail, "0");
}

TEST(SqlReplayLocks, StatementEvidenceLeavesCommentsOut) {
  const auto step =
      only_step("-- why\nALTER TABLE orders\n  ALTER COLUMN note   SET DEFAULT 'x'; -- after\n");
  EXPECT_EQ(step.statement, "ALTER TABLE orders ALTER COLUMN note SET DEFAULT 'x'");
  EXPECT_EQ(step.location.line, 2);
}

TEST(SqlReplayLocks, TypeChangesMoveTheColumnsLocation) {
  // The convention rules judge a type where it was last set: a type change
  // in the newest migration is judged there, not at the CREATE TABLE.
  loaders::SchemaLoad load;
  loaders::replay_sql(k_orders, "0000.sql", load);
  loaders::replay_sql("ALTER TABLE orders ALTER COLUMN total TYPE bigint;", "0001.sql", load);
  const model::Column* total = load.catalog.tables[0].find_column("total");
  ASSERT_NE(total, nullptr);
  EXPECT_EQ(total->location.file.str(), "0001.sql");
}

} // namespace sql_replay_locks_test
