#include "loaders/sql/sql_replay_test_support.hpp"
#include "support/files.hpp"

#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>

namespace pgadvise {
namespace {

namespace fs = std::filesystem;
using test::find_fk;
using test::line_containing;
using test::sql_fixture;

std::vector<std::string> file_names(const std::vector<fs::path>& paths) {
  std::vector<std::string> names;
  for (const fs::path& path : paths) {
    names.push_back(path.filename().string());
  }
  return names;
}

bool any_note_contains(const std::vector<std::string>& notes, std::string_view text) {
  return std::any_of(notes.begin(), notes.end(),
                     [&](const std::string& n) { return n.find(text) != std::string::npos; });
}

// A scratch directory removed at the end of the test.
class TempDir {
public:
  TempDir() {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    // Under the process's own scratch folder: another run of the suite at
    // once may place this object at the same address.
    m_path = pgadvise::test::scratch_dir() / ("pgadvise_sql_" + std::string(info->name()) + "_" +
                                              std::to_string(reinterpret_cast<std::uintptr_t>(this)));
    fs::create_directories(m_path / "meta");
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(m_path, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  TempDir(TempDir&&) = delete;
  TempDir& operator=(TempDir&&) = delete;
  void write(const std::string& name, const std::string& text) const { std::ofstream(m_path / name) << text; }
  [[nodiscard]] const fs::path& path() const { return m_path; }

private:
  fs::path m_path;
};

TEST(SqlMigrationOrder, JournalOrderAndUnlistedFilesAreNeverApplied) {
  std::vector<std::string> notes;
  const auto order = loaders::migration_order(sql_fixture("journal"), &notes);
  ASSERT_TRUE(order.ok()) << order.error().to_string();
  // drizzle-kit migrate applies the journal's entries only: custom_seed.sql never runs.
  EXPECT_EQ(file_names(*order),
            (std::vector<std::string>{"0000_init.sql", "0001_rename.sql", "0002_add_posts.sql"}));
  EXPECT_TRUE(any_note_contains(notes, "0003_missing"));
  EXPECT_TRUE(any_note_contains(notes, "custom_seed.sql is not in meta/_journal.json, so drizzle-kit migrate "
                                       "never applies it"));

  loaders::SchemaLoad load;
  loaders::replay_sql_files(*order, load);
  EXPECT_TRUE(load.diagnostics.empty()) << load.diagnostics.front().message;
  EXPECT_EQ(load.files_read, 3U);
  EXPECT_EQ(load.catalog.source, model::SchemaSource::sql_replay);
  ASSERT_NE(load.catalog.find_table("public", "accounts"), nullptr);
  EXPECT_EQ(load.catalog.find_table("public", "users"), nullptr);
  const model::Table* posts = load.catalog.find_table("public", "posts");
  ASSERT_NE(posts, nullptr);
  const model::ForeignKey* fk = find_fk(*posts, "posts_account_id_accounts_id_fk");
  ASSERT_NE(fk, nullptr);
  EXPECT_EQ(fk->ref_table, "accounts");
  EXPECT_EQ(posts->find_index("posts_account_id_idx"), nullptr); // only custom_seed.sql creates it
  EXPECT_NE(fk->location.file.find("0002_add_posts.sql"), std::string::npos);
  EXPECT_EQ(fk->location.line, 6);
}

TEST(SqlMigrationOrder, NaturalOrderWithoutJournal) {
  const auto order = loaders::migration_order(sql_fixture("natural"));
  ASSERT_TRUE(order.ok());
  EXPECT_EQ(file_names(*order),
            (std::vector<std::string>{"1_create.sql", "2_add_column.sql", "10_rename_column.sql"}));
  loaders::SchemaLoad load;
  loaders::replay_sql_files(*order, load);
  EXPECT_TRUE(load.diagnostics.empty());
  EXPECT_NE(load.catalog.find_table("public", "items")->find_column("name"), nullptr);
}

TEST(SqlMigrationOrder, BrokenJournalFallsBackToFileNames) {
  TempDir dir;
  dir.write("meta/_journal.json", "{ not json");
  dir.write("10_b.sql", "SELECT 1;");
  dir.write("9_a.sql", "SELECT 1;");
  std::vector<std::string> notes;
  const auto order = loaders::migration_order(dir.path(), &notes);
  ASSERT_TRUE(order.ok());
  EXPECT_EQ(file_names(*order), (std::vector<std::string>{"9_a.sql", "10_b.sql"}));
  EXPECT_TRUE(any_note_contains(notes, "not valid JSON"));

  dir.write("meta/_journal.json", R"({"version": "7", "entries": [{"idx": 0}, {"idx": 1, "tag": "10_b"}]})");
  notes.clear();
  const auto partial = loaders::migration_order(dir.path(), &notes);
  ASSERT_TRUE(partial.ok());
  EXPECT_EQ(file_names(*partial), (std::vector<std::string>{"10_b.sql"}));
  EXPECT_TRUE(any_note_contains(notes, "9_a.sql is not in meta/_journal.json"));
  EXPECT_TRUE(any_note_contains(notes, "no \"tag\""));
}

TEST(SqlMigrationOrder, FolderPerMigrationAndMissingDirectory) {
  TempDir dir;
  fs::create_directories(dir.path() / "20240102_second");
  fs::create_directories(dir.path() / "20240101_first");
  dir.write("20240102_second/migration.sql", "SELECT 1;");
  dir.write("20240101_first/migration.sql", "SELECT 1;");
  const auto order = loaders::migration_order(dir.path());
  ASSERT_TRUE(order.ok());
  ASSERT_EQ(order->size(), 2U);
  EXPECT_EQ((*order)[0].parent_path().filename(), "20240101_first");

  const auto missing = loaders::migration_order(dir.path() / "nope");
  EXPECT_FALSE(missing.ok());
}

TEST(SqlReplayFiles, UnreadableFileIsALocatedParseError) {
  loaders::SchemaLoad load;
  const fs::path missing = sql_fixture("does_not_exist.sql");
  loaders::replay_sql_files({missing, sql_fixture("natural/1_create.sql")}, load);
  ASSERT_EQ(load.diagnostics.size(), 1U);
  EXPECT_EQ(load.diagnostics[0].rule, "parse-error");
  EXPECT_EQ(load.diagnostics[0].location.file, loaders::display_path(missing));
  EXPECT_EQ(load.files_read, 1U);
  EXPECT_NE(load.catalog.find_table("public", "items"), nullptr);
}

TEST(SqlReplayFiles, DisplayPathIsRelativeUnderTheWorkingDirectory) {
  const fs::path cwd = fs::current_path();
  EXPECT_EQ(loaders::display_path(cwd / "sub" / "0000_x.sql"), (fs::path("sub") / "0000_x.sql").string());
  EXPECT_EQ(loaders::display_path("drizzle/../drizzle/0001.sql"),
            (fs::path("drizzle") / "0001.sql").string());
  if (cwd.has_parent_path() && cwd.parent_path() != cwd) {
    const fs::path outside = cwd.parent_path() / "elsewhere.sql";
    EXPECT_EQ(loaders::display_path(outside), outside.string());
  }
}

TEST(SqlReplayDoBlocks, DrizzleDoBlocksReplayAtTheirOwnLines) {
  const std::string sql = test::read_text(sql_fixture("do_block_migration.sql"));
  const auto load = test::replay(sql, "0000_do.sql");
  EXPECT_TRUE(load.diagnostics.empty()) << load.diagnostics.front().message;
  const model::Enum* role = load.catalog.find_enum("public", "role");
  ASSERT_NE(role, nullptr);
  EXPECT_EQ(role->values, (std::vector<std::string>{"admin", "member"}));
  EXPECT_EQ(role->location.line, line_containing(sql, "CREATE TYPE \"public\".\"role\""));
  EXPECT_EQ(role->location.column, 2);

  const model::Table* members = load.catalog.find_table("public", "members");
  ASSERT_NE(members, nullptr);
  EXPECT_EQ(members->find_column("role")->type.schema, "public");
  EXPECT_EQ(members->find_column("role")->type.name, "role");
  const model::ForeignKey* fk = find_fk(*members, "members_team_id_teams_id_fk");
  ASSERT_NE(fk, nullptr);
  EXPECT_EQ(fk->ref_table, "teams");
  EXPECT_EQ(fk->on_delete, model::FkAction::cascade);
  EXPECT_EQ(fk->location.file, "0000_do.sql");
  EXPECT_EQ(fk->location.line, line_containing(sql, "members_team_id_teams_id_fk"));
  EXPECT_EQ(fk->location.column, 28); // at the CONSTRAINT key word

  // The IF NOT EXISTS guard's CREATE TYPE is replayed; the DECLARE block is not.
  const model::Enum* plan = load.catalog.find_enum("public", "plan");
  ASSERT_NE(plan, nullptr);
  EXPECT_EQ(plan->location.line, line_containing(sql, "CREATE TYPE plan"));
  EXPECT_TRUE(any_note_contains(load.notes, "DO block skipped"));
}

// A block that declares variables first (trigger.dev adds a column and
// fills it from two declared arrays) is followed from its BEGIN: the
// column and the index exist for the migrations after it.
TEST(SqlReplayDoBlocks, ADeclareSectionIsPassedOverToTheStatements) {
  const auto load = test::replay(R"sql(CREATE TABLE "env" ("id" text PRIMARY KEY, "projectId" text NOT NULL);
DO $$
DECLARE
  first_part text[] := ARRAY['apple', 'banana'];
  second_part text[] := ARRAY['zebra', 'yak'];
BEGIN
  ALTER TABLE "env" ADD COLUMN "shortcode" text;
  UPDATE "env" SET "shortcode" = first_part[1] || '-' || second_part[1];
  CREATE UNIQUE INDEX "env_projectId_shortcode_key" ON "env"("projectId", "shortcode");
END $$;
ALTER TABLE "env" ALTER COLUMN "shortcode" SET NOT NULL;
)sql");
  EXPECT_TRUE(load.diagnostics.empty()) << load.diagnostics.front().message;
  const model::Table* env = load.catalog.find_table("public", "env");
  ASSERT_NE(env, nullptr);
  ASSERT_NE(env->find_column("shortcode"), nullptr);
  EXPECT_TRUE(env->find_column("shortcode")->not_null);
  ASSERT_NE(env->find_index("env_projectId_shortcode_key"), nullptr);
  EXPECT_EQ(env->find_index("env_projectId_shortcode_key")->location.line, 9);
  EXPECT_FALSE(any_note_contains(load.notes, "DO block skipped"));
}

TEST(SqlReplayDoBlocks, ErrorsInsideDoBlocksAreStillReported) {
  const auto load = test::replay(R"sql(CREATE TABLE "g" ("id" integer);
DO $$ BEGIN
 ALTER TABLE "g" ADD CONSTRAINT "g_fk" FOREIGN KEY ("x") REFERENCES "y"("id");
EXCEPTION
 WHEN duplicate_object THEN null;
END $$;)sql");
  ASSERT_EQ(load.diagnostics.size(), 1U);
  EXPECT_EQ(load.diagnostics[0].rule, "replay-warning");
  EXPECT_EQ(load.diagnostics[0].location.line, 3);
}

} // namespace
} // namespace pgadvise
