// The change lens with --db: the change and convention rules judge the
// migrations drizzle's migrations table does not list as applied, against a
// real PostgreSQL 15 (tests/support/pg_cluster) where the first migrations
// were applied as drizzle-orm's migrator records them.
#include "cli/process.hpp"
#include "support/pg_cluster.hpp"

#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <unistd.h>
#include <vector>

namespace lens_live_test {

namespace fs = std::filesystem;
using nlohmann::json;
using pgadvise::test::ProcessOptions;
using pgadvise::test::ProcessResult;

constexpr int k_migrations = 5;
constexpr int k_applied = 3;
constexpr std::int64_t k_first_when = 1700000000000;

std::string tag_of(int i) {
  return "000" + std::to_string(i) + "_step";
}

// As in lens_test.cpp: table t<i> with a timestamp column; from the second
// migration on, an index on the previous table built without CONCURRENTLY.
std::string migration_sql(int i) {
  std::ostringstream sql;
  sql << "CREATE TABLE \"t" << i
      << "\" (\n\t\"id\" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY,\n\t\"name\" text NOT NULL,\n"
         "\t\"created_at\" timestamp DEFAULT now() NOT NULL\n);\n";
  if (i > 0) {
    sql << "--> statement-breakpoint\nCREATE INDEX \"t" << i - 1 << "_name_idx\" ON \"t" << i - 1
        << "\" USING btree (\"name\");\n";
  }
  return sql.str();
}

void write(const fs::path& path, std::string_view text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

class LensLive : public pgadvise::test_support::ClusterTest {
protected:
  void SetUp() override {
    ClusterTest::SetUp();
    std::string pattern = (fs::temp_directory_path() / "pgadvise-lens-live-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    m_root = pattern;
  }
  void TearDown() override {
    std::error_code ignored;
    fs::remove_all(m_root, ignored);
  }

  // drizzle-kit's layout: drizzle/<tag>.sql and meta/_journal.json.
  void write_project() const {
    json entries = json::array();
    for (int i = 0; i < k_migrations; ++i) {
      write(m_root / "drizzle" / (tag_of(i) + ".sql"), migration_sql(i));
      entries.push_back({{"idx", i},
                         {"version", "7"},
                         {"when", k_first_when + i},
                         {"tag", tag_of(i)},
                         {"breakpoints", true}});
    }
    write(m_root / "drizzle" / "meta" / "_journal.json",
          json{{"version", "7"}, {"dialect", "postgresql"}, {"entries", entries}}.dump(2));
  }

  // A database where the first k_applied migrations ran, recorded in
  // drizzle.__drizzle_migrations as drizzle-orm's migrator records them.
  std::string applied_database() {
    const std::string database = cluster().create_database("lens");
    EXPECT_FALSE(database.empty());
    auto admin = cluster().admin(database);
    EXPECT_TRUE(admin.ok()) << admin.error().to_string();
    std::string setup =
        "CREATE SCHEMA drizzle;"
        "CREATE TABLE drizzle.__drizzle_migrations (id serial PRIMARY KEY, hash text NOT NULL, "
        "created_at bigint);";
    for (int i = 0; i < k_applied; ++i) {
      std::string sql = migration_sql(i);
      for (std::size_t at = sql.find("--> statement-breakpoint"); at != std::string::npos;
           at = sql.find("--> statement-breakpoint")) {
        sql.erase(at, std::string_view("--> statement-breakpoint").size());
      }
      setup += sql + "INSERT INTO drizzle.__drizzle_migrations (hash, created_at) VALUES ('applied-" +
               std::to_string(i) + "', " + std::to_string(k_first_when + i) + ");";
    }
    auto done = admin->run_script(setup, "lens set-up");
    EXPECT_TRUE(done.ok()) << done.error().to_string();
    return database;
  }

  // `pgadvise lint . --db ... --format json` in the project (as the superuser
  // unless `conninfo` says otherwise), with `more` arguments.
  json lint_json(const std::string& database, const std::string& conninfo = {},
                 const std::vector<std::string>& more = {}) {
    ProcessOptions options;
    options.env.try_emplace("NO_COLOR", std::nullopt);
    options.env.try_emplace("PGPASSWORD", std::nullopt);
    options.cwd = m_root.string();
    std::vector<std::string> args = {
        "lint",         ".",        "--db", conninfo.empty() ? cluster().admin_conninfo(database) : conninfo,
        "--no-explain", "--format", "json"};
    args.insert(args.end(), more.begin(), more.end());
    const ProcessResult run = pgadvise::test::run_process(PGADVISE_BINARY, args, options);
    EXPECT_FALSE(run.timed_out);
    EXPECT_NE(run.exit_code, 2) << run.err;
    json report = json::parse(run.out, nullptr, false);
    EXPECT_FALSE(report.is_discarded()) << run.out << run.err;
    return report;
  }

  fs::path m_root;
};

TEST_F(LensLive, DbJudgesTheMigrationsNotApplied) {
  write_project();
  const json report = lint_json(applied_database());
  ASSERT_TRUE(report.is_object());

  // Locks: the pending migrations (not only the newest); none from the applied
  // three. 0003's index is on t2, which the database has; 0004's is on t3,
  // which pending 0003 creates: new to everyone when 0004 runs (drizzle-kit
  // migrate runs both in one transaction), so not a lock hazard.
  std::set<std::string> lock_files;
  std::set<std::string> convention_files;
  for (const json& finding : report["findings"]) {
    const json& location = finding["location"];
    const std::string file = location.is_object() ? location.value("file", "") : "";
    if (finding["rule"] == "index-created-non-concurrently") {
      lock_files.insert(file);
    } else if (finding["rule"] == "timestamp-without-time-zone") {
      convention_files.insert(file);
    }
  }
  EXPECT_EQ(lock_files, std::set<std::string>{"drizzle/0003_step.sql"}) << report["findings"].dump(2);
  // The live tables t0..t2 are existing columns: one summary, at the first
  // of them (the migration that created it). The pending migrations' new
  // tables t3 and t4 (judged as if applied) are new columns: each its own.
  EXPECT_EQ(convention_files, (std::set<std::string>{"drizzle/0000_step.sql", "drizzle/0003_step.sql",
                                                     "drizzle/0004_step.sql"}));
  const std::string notes = report["notes"].dump();
  EXPECT_NE(notes.find("the 3 applied migrations were not judged"), std::string::npos) << notes;
  EXPECT_NE(notes.find("__drizzle_migrations"), std::string::npos) << notes;
}

// Dokploy's drizzle.config names `migrations: { table: "migrations", schema:
// "public" }` (drizzle-kit migrate's), while the app migrates at start-up
// with drizzle-orm's migrate(db, { migrationsFolder }), which records in
// drizzle.__drizzle_migrations. Before, --db read no ledger (every
// migration "pending") and judged drizzle's own table: integer-primary-key-
// overflow and serial-primary-key with an ALTER of __drizzle_migrations.
TEST_F(LensLive, TheDefaultMigrationsTableIsReadWhenTheConfiguredOneIsMissing) {
  write_project();
  write(m_root / "drizzle.config.ts",
        "export default { dialect: \"postgresql\", schema: \"./src/schema.ts\", out: \"./drizzle\",\n"
        "  migrations: { table: \"migrations\", schema: \"public\" } };\n");
  const json report = lint_json(applied_database());
  ASSERT_TRUE(report.is_object());
  const std::string notes = report["notes"].dump();
  EXPECT_NE(notes.find("the 3 applied migrations were not judged"), std::string::npos) << notes;
  EXPECT_NE(notes.find("public.migrations (drizzle.config's migrations table) does not exist"),
            std::string::npos)
      << notes;
  // The app's tables have identity bigint keys: only drizzle's serial id drew these.
  for (const json& finding : report["findings"]) {
    EXPECT_NE(finding["rule"], "integer-primary-key-overflow") << finding.dump(2);
    EXPECT_NE(finding["rule"], "serial-primary-key") << finding.dump(2);
  }
}

// The state rules judge the schema as it will be once the pending
// migrations run: a foreign key the migration under review adds (on a table
// the database has, and on a new table) is checked for its index, located
// at that migration, though the database does not have it yet.
TEST_F(LensLive, DbJudgesTheObjectsOfPendingMigrationsAsIfApplied) {
  write_project();
  std::ofstream(m_root / "drizzle" / (tag_of(k_migrations - 1) + ".sql"), std::ios::app)
      << "--> statement-breakpoint\nALTER TABLE \"t1\" ADD COLUMN \"owner_id\" bigint;\n"
         "--> statement-breakpoint\nALTER TABLE \"t1\" ADD CONSTRAINT \"t1_owner_id_t4_id_fk\" FOREIGN KEY "
         "(\"owner_id\") REFERENCES \"public\".\"t4\"(\"id\");\n"
         "--> statement-breakpoint\nCREATE TABLE \"t5\" (\"id\" bigint PRIMARY KEY, \"t0_id\" bigint "
         "REFERENCES \"t0\"(\"id\"));\n";
  const json report = lint_json(applied_database());
  ASSERT_TRUE(report.is_object());
  std::set<std::string> unindexed;
  for (const json& finding : report["findings"]) {
    if (finding["rule"] == "unindexed-foreign-key") {
      const json& location = finding["location"];
      unindexed.insert(finding["object"]["table"].get<std::string>() + " at " +
                       (location.is_object() ? location.value("file", "") : ""));
    }
  }
  const std::string newest = "drizzle/" + tag_of(k_migrations - 1) + ".sql";
  EXPECT_EQ(unindexed, (std::set<std::string>{"t1 at " + newest, "t5 at " + newest}))
      << report["findings"].dump(2);
  const std::string notes = report["notes"].dump();
  EXPECT_NE(notes.find("not yet applied (per"), std::string::npos) << notes;
  EXPECT_NE(notes.find("new tables public.t3, public.t4, public.t5"), std::string::npos) << notes;
}

// The application's role often has no USAGE on the drizzle schema, so the
// migrations table cannot be read; it is still drizzle-orm's bookkeeping,
// not the application's: no rule judges it (its serial key, the migrator's
// `ORDER BY created_at` on it) and no note calls it missing from the files.
TEST_F(LensLive, TheMigrationsTableIsNotTheAppsEvenWhenItCannotBeRead) {
  write_project();
  const std::string database = applied_database();
  auto admin = cluster().admin(database);
  ASSERT_TRUE(admin.ok()) << admin.error().to_string();
  const std::string role = "app_" + std::to_string(getpid());
  const std::string password = "app-password-1";
  auto granted = admin->run_script("CREATE ROLE " + role + " LOGIN PASSWORD '" + password +
                                       "'; GRANT USAGE ON SCHEMA public TO " + role +
                                       "; GRANT SELECT ON ALL TABLES IN SCHEMA public TO " + role + ";",
                                   "app role");
  ASSERT_TRUE(granted.ok()) << granted.error().to_string();
  // What drizzle-orm's migrator runs at each deploy, as a workload.
  std::ofstream(m_root / "migrator.sql")
      << "select id, hash, created_at from \"drizzle\".\"__drizzle_migrations\" "
         "order by created_at desc limit 1;\n";
  const json report =
      lint_json(database, cluster().tcp_conninfo(database, role, password), {"--queries", "migrator.sql"});
  ASSERT_TRUE(report.is_object());
  for (const json& finding : report["findings"]) {
    EXPECT_NE(finding["object"].value("schema", ""), "drizzle") << finding.dump(2);
  }
  const std::string notes = report["notes"].dump();
  EXPECT_NE(notes.find("drizzle migrations table not read"), std::string::npos) << notes;
  EXPECT_EQ(notes.find("not in the schema files (no file locations): drizzle.__drizzle_migrations"),
            std::string::npos)
      << notes;
  EXPECT_EQ(report.dump().find(password), std::string::npos);
}

// An applied migration added a foreign key, and a pending one builds its
// index. Where the migrations table can be read, the pending index is the
// schema's (no finding); where it cannot (an application role), the finding
// names the migration that builds the index and its name, so no second index
// is built beside it (seen on a real app after `pgadvise fix` and
// drizzle-kit generate, before the deploy ran migrate).
TEST_F(LensLive, AnIndexAPendingMigrationBuildsIsNotProposedAgain) {
  write_project();
  const std::string newest = "drizzle/" + tag_of(k_migrations - 1) + ".sql";
  const std::string foreign_key =
      "ALTER TABLE \"t1\" ADD COLUMN \"owner_id\" bigint REFERENCES \"t0\"(\"id\");";
  std::ofstream(m_root / "drizzle" / (tag_of(1) + ".sql"), std::ios::app) << "--> statement-breakpoint\n"
                                                                          << foreign_key << "\n";
  std::ofstream(m_root / newest, std::ios::app)
      << "--> statement-breakpoint\nCREATE INDEX \"t1_owner_id_idx\" ON \"t1\" USING btree (\"owner_id\");\n";
  const std::string database = applied_database();
  auto admin = cluster().admin(database);
  ASSERT_TRUE(admin.ok()) << admin.error().to_string();
  const std::string role = "reader_" + std::to_string(getpid());
  const std::string password = "reader-password-1";
  auto set_up = admin->run_script(foreign_key + "CREATE ROLE " + role + " LOGIN PASSWORD '" + password +
                                      "'; GRANT USAGE ON SCHEMA public TO " + role +
                                      "; GRANT SELECT ON ALL TABLES IN SCHEMA public TO " + role + ";",
                                  "foreign key and app role");
  ASSERT_TRUE(set_up.ok()) << set_up.error().to_string();
  const auto owner_findings = [](const json& report) {
    std::vector<json> out;
    for (const json& finding : report["findings"]) {
      if (finding["rule"] == "unindexed-foreign-key" && finding["object"]["table"] == "t1") {
        out.push_back(finding);
      }
    }
    return out;
  };
  // The migrations table read: 0004 is pending, its index is the schema's.
  const json ledger_read = lint_json(database);
  ASSERT_TRUE(ledger_read.is_object());
  EXPECT_TRUE(owner_findings(ledger_read).empty()) << ledger_read["findings"].dump(2);
  // Not readable: the database lacks the index, and the fix names 0004's.
  const json unread = lint_json(database, cluster().tcp_conninfo(database, role, password));
  ASSERT_TRUE(unread.is_object());
  const std::vector<json> owners = owner_findings(unread);
  ASSERT_EQ(owners.size(), 1U) << unread["findings"].dump(2);
  const std::string message = owners[0]["message"].get<std::string>();
  EXPECT_NE(message.find(newest + ":"), std::string::npos) << message;
  EXPECT_NE(message.find("builds t1_owner_id_idx, which this database does not have"), std::string::npos)
      << message;
  EXPECT_NE(owners[0]["fix"]["ddl"].get<std::string>().find("t1_owner_id_idx ON"), std::string::npos)
      << owners[0]["fix"].dump(2);
}

} // namespace lens_live_test
