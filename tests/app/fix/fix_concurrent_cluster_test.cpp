// The deploy script `pgadvise fix` writes for indexes on large tables, run
// by psql against PostgreSQL 15 as a deploy would: it builds the index
// CONCURRENTLY, after which the migration's CREATE INDEX IF NOT EXISTS
// (inside drizzle-kit migrate's transaction) is a no-op, and the plain form
// generate writes would fail; it skips a table a new database does not have
// yet; and it rebuilds an index a failed build left INVALID.
#include "app/fix/fix_concurrent.hpp"
#include "cli/process.hpp"
#include "support/files.hpp"
#include "support/pg_cluster.hpp"
#include "support/test_label.hpp"

#include <cstdlib>
#include <gtest/gtest.h>

namespace fix_concurrent_cluster_test {

namespace fs = std::filesystem;
using pgadvise::app::ConcurrentIndex;
using pgadvise::test::ProcessResult;
using pgadvise::test::TempTree;

fs::path psql_binary() {
  if (const char* dir = std::getenv("PGADVISE_PG_BINDIR"); dir != nullptr && *dir != '\0') {
    return fs::path(dir) / "psql";
  }
  return "/usr/lib/postgresql/15/bin/psql";
}

class FixConcurrentCluster : public pgadvise::test_support::ClusterTest {
protected:
  void SetUp() override {
    const std::string mislabeled = pgadvise::test::label_mismatch("cluster");
    ASSERT_TRUE(mislabeled.empty()) << mislabeled;
    ClusterTest::SetUp();
  }

  // The script holding `indexes`, as `pgadvise fix --write` writes it.
  fs::path script(const std::vector<ConcurrentIndex>& indexes) {
    const fs::path path = m_tree.root() / "scripts" / "concurrent-indexes.sql";
    fs::remove(path);
    const auto change = pgadvise::app::concurrent_script_change(path, indexes);
    EXPECT_TRUE(change.has_value());
    pgadvise::test::write_text(path, change ? change->after : "");
    return path;
  }

  static ProcessResult psql(const std::string& database, const fs::path& file) {
    return pgadvise::test::run_process(
        psql_binary().string(),
        {"-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", cluster().admin_conninfo(database), "-f", file.string()},
        {});
  }

  static std::string query(const std::string& database, const std::string& sql) {
    auto admin = cluster().admin(database);
    EXPECT_TRUE(admin.ok());
    if (!admin.ok()) {
      return {};
    }
    auto result = admin->query(sql);
    EXPECT_TRUE(result.ok()) << sql;
    if (!result.ok() || result->rows.empty() || result->rows.front().empty() ||
        !result->rows.front().front()) {
      return {};
    }
    return *result->rows.front().front();
  }

  static bool run(const std::string& database, const std::string& sql) {
    auto admin = cluster().admin(database);
    return admin.ok() && admin->run_script(sql, "fix concurrent test").ok();
  }

  TempTree m_tree;
};

const ConcurrentIndex k_assignee{
    "tasks_assignee_id_idx",
    "public",
    "tasks",
    {"assignee_id"},
    2.4e6,
    "CREATE INDEX CONCURRENTLY IF NOT EXISTS tasks_assignee_id_idx ON tasks (assignee_id);"};

TEST_F(FixConcurrentCluster, BuildsTheIndexSoTheMigrationsIfNotExistsFindsIt) {
  const std::string database = cluster().create_database("fixconc");
  ASSERT_FALSE(database.empty());
  ASSERT_TRUE(run(database,
                  "CREATE TABLE tasks (id serial PRIMARY KEY, assignee_id integer);"
                  "INSERT INTO tasks (assignee_id) SELECT g % 100 FROM generate_series(1, 5000) g;"));
  const fs::path file = script({k_assignee});
  const ProcessResult first = psql(database, file);
  ASSERT_EQ(first.exit_code, 0) << first.out << first.err;
  EXPECT_EQ(
      query(database, "SELECT indisvalid FROM pg_index WHERE indexrelid = 'tasks_assignee_id_idx'::regclass"),
      "t");
  // drizzle-kit generate's plain statement fails on it; the guarded one passes in a transaction.
  EXPECT_FALSE(run(database, "BEGIN; CREATE INDEX \"tasks_assignee_id_idx\" ON \"tasks\" USING btree "
                             "(\"assignee_id\"); COMMIT;"));
  EXPECT_TRUE(run(database,
                  "BEGIN; CREATE INDEX IF NOT EXISTS \"tasks_assignee_id_idx\" ON \"tasks\" USING btree "
                  "(\"assignee_id\"); COMMIT;"));
  // Run again (every deploy does): nothing to do, no error.
  const ProcessResult again = psql(database, file);
  EXPECT_EQ(again.exit_code, 0) << again.out << again.err;
}

TEST_F(FixConcurrentCluster, SkipsATableOrColumnTheMigrationsHaveNotMadeYet) {
  const std::string database = cluster().create_database("fixconc");
  ASSERT_FALSE(database.empty());
  const fs::path file = script({k_assignee});
  const ProcessResult fresh = psql(database, file);
  EXPECT_EQ(fresh.exit_code, 0) << fresh.out << fresh.err;
  ASSERT_TRUE(run(database, "CREATE TABLE tasks (id serial PRIMARY KEY);"));
  const ProcessResult no_column = psql(database, file);
  EXPECT_EQ(no_column.exit_code, 0) << no_column.out << no_column.err;
  EXPECT_EQ(query(database, "SELECT count(*) FROM pg_class WHERE relname = 'tasks_assignee_id_idx'"), "0");
}

TEST_F(FixConcurrentCluster, RebuildsAnIndexAFailedBuildLeftInvalid) {
  const std::string database = cluster().create_database("fixconc");
  ASSERT_FALSE(database.empty());
  ASSERT_TRUE(run(database, "CREATE TABLE accounts (id serial PRIMARY KEY, email text);"
                            "INSERT INTO accounts (email) VALUES ('a@example.com'), ('a@example.com');"));
  const fs::path file =
      script({{"accounts_email_idx",
               "public",
               "accounts",
               {"email"},
               3e6,
               "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS accounts_email_idx ON accounts "
               "(email);"}});
  // A duplicate makes the unique build fail, which leaves the index INVALID.
  EXPECT_NE(psql(database, file).exit_code, 0);
  ASSERT_EQ(
      query(database, "SELECT indisvalid FROM pg_index WHERE indexrelid = 'accounts_email_idx'::regclass"),
      "f");
  ASSERT_TRUE(run(database, "DELETE FROM accounts WHERE id = 2;"));
  const ProcessResult fixed = psql(database, file);
  EXPECT_EQ(fixed.exit_code, 0) << fixed.out << fixed.err;
  EXPECT_EQ(
      query(database, "SELECT indisvalid FROM pg_index WHERE indexrelid = 'accounts_email_idx'::regclass"),
      "t");
}

} // namespace fix_concurrent_cluster_test
