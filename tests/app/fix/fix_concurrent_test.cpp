// An index on a large table: `pgadvise fix` puts the schema.ts entry in as
// always, and builds the index CONCURRENTLY in a deploy script run before
// drizzle-kit migrate; after generate, the migration's CREATE INDEX gains
// IF NOT EXISTS. The script itself is run against PostgreSQL in
// fix_concurrent_cluster_test.cpp.
#include "app/fix/fix.hpp"
#include "app/fix/fix_concurrent.hpp"
#include "support/files.hpp"

#include <algorithm>
#include <gtest/gtest.h>

namespace fix_concurrent_test {

namespace fs = std::filesystem;
using pgadvise::app::FileChange;
using pgadvise::app::FixPlan;
using pgadvise::app::FixTargets;
using pgadvise::app::plan_fixes;
using pgadvise::test::read_text;
using pgadvise::test::TempTree;
using pgadvise::test::write_text;

constexpr std::string_view k_schema =
    "import { index, integer, pgTable, serial } from \"drizzle-orm/pg-core\";\n"
    "\n"
    "export const tasks = pgTable(\n"
    "  \"tasks\",\n"
    "  {\n"
    "    id: serial(\"id\").primaryKey(),\n"
    "    assigneeId: integer(\"assignee_id\"),\n"
    "  },\n"
    "  (t) => [index(\"tasks_id_idx\").on(t.id)],\n"
    ");\n";

// unindexed-foreign-key on tasks.assignee_id, as the rule reports it.
pgadvise::core::Finding fk_finding(const fs::path& schema_file) {
  pgadvise::core::Finding finding;
  finding.rule = "unindexed-foreign-key";
  finding.object.schema = "public";
  finding.object.table = "tasks";
  finding.object.columns = {"assignee_id"};
  pgadvise::core::Fix fix;
  fix.sql().ddl = "CREATE INDEX CONCURRENTLY IF NOT EXISTS tasks_assignee_id_idx ON tasks (assignee_id);";
  fix.sql().drizzle = "index(\"tasks_assignee_id_idx\").on(t.assigneeId)";
  fix.sql().drizzle_file = schema_file.string() + ":3";
  fix.sql().drizzle_table = "tasks";
  fix.sql().commands = "npm run db:generate && npm run db:migrate";
  finding.fix = fix;
  return finding;
}

const FileChange* change_of(const FixPlan& plan, const fs::path& path) {
  const auto it = std::find_if(plan.files.begin(), plan.files.end(),
                               [&](const FileChange& change) { return change.path == path; });
  return it == plan.files.end() ? nullptr : &*it;
}

bool has_note(const FixPlan& plan, std::string_view text) {
  return std::any_of(plan.notes.begin(), plan.notes.end(),
                     [&](const std::string& note) { return note.find(text) != std::string::npos; });
}

std::string all_notes(const FixPlan& plan) {
  std::string out;
  for (const std::string& note : plan.notes) {
    out += note + "\n";
  }
  return out;
}

class FixConcurrent : public ::testing::Test {
protected:
  void SetUp() override {
    m_project.root = m_tree.root() / "app";
    m_schema = m_project.root / "src" / "db" / "schema.ts";
    write_text(m_schema, k_schema);
    m_targets.migrations_dir = m_project.root / "drizzle";
    m_targets.schema_ts = true;
    fs::create_directories(*m_targets.migrations_dir);
  }

  [[nodiscard]] fs::path script() const { return m_project.root / "scripts" / "concurrent-indexes.sql"; }

  TempTree m_tree;
  pgadvise::model::Project m_project;
  fs::path m_schema;
  FixTargets m_targets;
};

TEST_F(FixConcurrent, LargeTableIndexIsBuiltByTheDeployScriptAndStillDeclaredInSchemaTs) {
  m_targets.table_rows["public.tasks"] = 2'400'000;
  const FixPlan plan = plan_fixes({fk_finding(m_schema)}, m_project, m_targets);

  const FileChange* schema = change_of(plan, m_schema);
  ASSERT_NE(schema, nullptr);
  EXPECT_NE(schema->after.find("index(\"tasks_assignee_id_idx\").on(t.assigneeId)"), std::string::npos);

  const FileChange* deploy = change_of(plan, script());
  ASSERT_NE(deploy, nullptr) << all_notes(plan);
  EXPECT_TRUE(deploy->created);
  EXPECT_NE(deploy->after.find(
                "\n\\if :pgadvise_ready\nCREATE INDEX CONCURRENTLY IF NOT EXISTS tasks_assignee_id_idx "
                "ON tasks (assignee_id);\n\\endif\n"),
            std::string::npos)
      << deploy->after;
  // The index waits for its table and column (a new database gets them from the migration).
  EXPECT_NE(deploy->after.find("attrelid = to_regclass('tasks') AND attname IN ('assignee_id')"),
            std::string::npos)
      << deploy->after;

  // Which way, and why: the table and its estimate.
  EXPECT_TRUE(has_note(plan,
                       "tasks_assignee_id_idx on public.tasks (about 2,400,000 rows, 1,000,000 or more): "
                       "built CONCURRENTLY by scripts/concurrent-indexes.sql"))
      << all_notes(plan);
  // Generate, then fix again (IF NOT EXISTS), then the script before migrate.
  ASSERT_EQ(plan.next.size(), 3U);
  EXPECT_EQ(plan.next[0], "npm run db:generate");
  EXPECT_EQ(plan.next[1].rfind("pgadvise fix --write", 0), 0U);
  EXPECT_EQ(
      plan.next[2].rfind("psql \"$DATABASE_URL\" -v ON_ERROR_STOP=1 -f scripts/concurrent-indexes.sql && npm "
                         "run db:migrate",
                         0),
      0U)
      << plan.next[2];
}

TEST_F(FixConcurrent, SmallTableIndexIsBuiltByTheMigration) {
  m_targets.table_rows["public.tasks"] = 1'200;
  const FixPlan plan = plan_fixes({fk_finding(m_schema)}, m_project, m_targets);
  EXPECT_NE(change_of(plan, m_schema), nullptr);
  EXPECT_EQ(change_of(plan, script()), nullptr);
  EXPECT_TRUE(has_note(plan,
                       "tasks_assignee_id_idx on public.tasks (about 1,200 rows, under 1,000,000): built by "
                       "the migration"))
      << all_notes(plan);
  EXPECT_EQ(plan.next, std::vector<std::string>{"npm run db:generate && npm run db:migrate"});
}

TEST_F(FixConcurrent, UnknownSizeIsSaidOnce) {
  const FixPlan plan = plan_fixes({fk_finding(m_schema)}, m_project, m_targets);
  EXPECT_EQ(change_of(plan, script()), nullptr);
  EXPECT_TRUE(has_note(plan,
                       "table sizes unknown (no --db or --stats): tasks_assignee_id_idx is built by the "
                       "migration"))
      << all_notes(plan);
}

TEST_F(FixConcurrent, AfterGenerateTheMigrationsCreateIndexGainsIfNotExists) {
  m_targets.table_rows["public.tasks"] = 2'400'000;
  FixPlan plan = plan_fixes({fk_finding(m_schema)}, m_project, m_targets);
  for (const FileChange& change : plan.files) {
    ASSERT_TRUE(pgadvise::app::write_file_change(change).ok());
  }
  // What drizzle-kit 0.31 generates for the new entry (and an older index untouched).
  const fs::path migration = *m_targets.migrations_dir / "0001_fix.sql";
  write_text(migration, "CREATE INDEX \"tasks_assignee_id_idx\" ON \"tasks\" USING btree (\"assignee_id\");"
                        "--> statement-breakpoint\n"
                        "CREATE INDEX \"tasks_id_idx\" ON \"tasks\" USING btree (\"id\");");
  // The finding is gone (the migration declares the index): no findings this time.
  plan = plan_fixes({}, m_project, m_targets);
  const FileChange* guarded = change_of(plan, migration);
  ASSERT_NE(guarded, nullptr) << all_notes(plan);
  // IF NOT EXISTS, and the comment index-created-non-concurrently's own fix asks for.
  EXPECT_EQ(
      guarded->after,
      std::string(pgadvise::app::k_built_by_script_comment) +
          "CREATE INDEX IF NOT EXISTS \"tasks_assignee_id_idx\" ON \"tasks\" USING btree (\"assignee_id\");"
          "--> statement-breakpoint\n"
          "CREATE INDEX \"tasks_id_idx\" ON \"tasks\" USING btree (\"id\");");
  EXPECT_TRUE(has_note(plan, "made IF NOT EXISTS")) << all_notes(plan);
  ASSERT_TRUE(pgadvise::app::write_file_change(*guarded).ok());

  // Once guarded, and with the script already building the index: nothing to change.
  plan = plan_fixes({fk_finding(m_schema)}, m_project, m_targets);
  EXPECT_TRUE(plan.files.empty()) << plan.files.front().label << "\n" << plan.files.front().after;
}

TEST_F(FixConcurrent, WithoutSchemaTsTheMigrationSaysIfNotExistsAndTheScriptBuildsIt) {
  m_targets.schema_ts = false;
  write_text(*m_targets.migrations_dir / "0001_init.sql", "CREATE TABLE tasks (id serial PRIMARY KEY);\n");
  m_targets.table_rows["public.tasks"] = 5'000'000;
  const FixPlan plan = plan_fixes({fk_finding(m_schema)}, m_project, m_targets);
  const FileChange* migration = change_of(plan, *m_targets.migrations_dir / "0002_pgadvise_fix.sql");
  ASSERT_NE(migration, nullptr) << all_notes(plan);
  EXPECT_EQ(migration->after,
            "-- pgadvise fix (unindexed-foreign-key): 1 index\n" +
                std::string(pgadvise::app::k_built_by_script_comment) +
                "CREATE INDEX IF NOT EXISTS tasks_assignee_id_idx ON tasks (assignee_id);\n");
  const FileChange* deploy = change_of(plan, script());
  ASSERT_NE(deploy, nullptr) << all_notes(plan);
  EXPECT_NE(deploy->after.find(
                "CREATE INDEX CONCURRENTLY IF NOT EXISTS tasks_assignee_id_idx ON tasks (assignee_id);"),
            std::string::npos);
  EXPECT_EQ(change_of(plan, m_schema), nullptr);
}

TEST(FixConcurrentScript, NamesTheIndexesItBuildsAndAddsOnlyNewOnes) {
  TempTree tree;
  const fs::path script = tree.root() / "scripts" / "concurrent-indexes.sql";
  pgadvise::app::ConcurrentIndex index{
      "Tasks Idx", "public", "tasks",
      {"a"},       3e6,      "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS \"Tasks Idx\" ON tasks (a);"};
  const auto first = pgadvise::app::concurrent_script_change(script, {index});
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(pgadvise::app::concurrent_script_indexes(first->after), std::vector<std::string>{"Tasks Idx"});
  write_text(script, first->after);
  EXPECT_FALSE(pgadvise::app::concurrent_script_change(script, {index}).has_value());
  EXPECT_EQ(pgadvise::app::created_index_name("CREATE INDEX IF NOT EXISTS \"a\"\"b\" ON t (x);"), "a\"b");
  EXPECT_EQ(pgadvise::app::created_index_name("DROP INDEX x;"), "");
}

// drizzle-kit 1.0 asks whether an index added where another is dropped is
// a rename; the note says what to answer (docs/fix.md shows the prompt).
TEST_F(FixConcurrent, DropAndAddInOneTableSaysWhatToAnswerDrizzleKit10) {
  pgadvise::core::Finding drop;
  drop.rule = "duplicate-index";
  drop.object = {"public", "tasks", {"id"}, "tasks_id_idx"};
  pgadvise::core::Fix fix;
  fix.sql().ddl = "DROP INDEX CONCURRENTLY IF EXISTS tasks_id_idx;";
  fix.sql().drizzle = "// remove from schema.ts: index(\"tasks_id_idx\").on(t.id)";
  fix.sql().drizzle_file = m_schema.string() + ":3";
  fix.sql().drizzle_table = "tasks";
  drop.fix = fix;
  const FixPlan plan = plan_fixes({fk_finding(m_schema), drop}, m_project, m_targets);
  EXPECT_TRUE(has_note(plan,
                       "drizzle-kit 1.0's generate asks whether tasks_assignee_id_idx is created or renamed "
                       "from tasks_id_idx: choose \"create index\""))
      << all_notes(plan);
  const FixPlan add_only = plan_fixes({fk_finding(m_schema)}, m_project, m_targets);
  EXPECT_FALSE(has_note(add_only, "created or renamed")) << all_notes(add_only);
}

// Each kind of fix where it belongs (core::FixKind): a code change (n-plus-one's
// loop, its SQL the statement the new code sends) is left to the user with a
// note, never written into a migration; the index beside it is.
TEST(FixPlanKinds, ACodeFixIsLeftToTheUserAndAnIndexGoesIntoTheMigration) {
  const TempTree tree;
  pgadvise::model::Project project;
  project.root = tree.root();
  FixTargets targets;
  targets.migrations_dir = tree.root() / "migrations";
  fs::create_directories(*targets.migrations_dir);
  pgadvise::core::Finding loop;
  loop.rule = "n-plus-one";
  loop.object.table = "posts";
  loop.fix = pgadvise::core::Fix{};
  loop.fix->change.emplace<pgadvise::core::CodeChange>();
  loop.fix->code().sends = "SELECT id, title FROM posts WHERE user_id = ANY($1);";
  loop.fix->code().code = "await db.select().from(posts).where(inArray(posts.userId, ids));";
  loop.fix->code().at = "src/feed.ts:12";
  pgadvise::core::Finding index;
  index.rule = "unindexed-foreign-key";
  index.object.table = "posts";
  index.fix = pgadvise::core::Fix{};
  index.fix->sql().ddl = "CREATE INDEX CONCURRENTLY IF NOT EXISTS posts_user_id_idx ON posts (user_id);";
  const FixPlan plan = plan_fixes({loop, index}, project, targets);
  ASSERT_EQ(plan.files.size(), 1U) << all_notes(plan);
  EXPECT_NE(plan.files.front().after.find("CREATE INDEX IF NOT EXISTS posts_user_id_idx"), std::string::npos)
      << plan.files.front().after;
  EXPECT_EQ(plan.files.front().after.find("ANY($1)"), std::string::npos) << plan.files.front().after;
  EXPECT_EQ(plan.fixed, 1U);
  EXPECT_TRUE(
      has_note(plan, "n-plus-one: not fixed automatically (its fix is a change to the application's code"))
      << all_notes(plan);
}

// Prisma Migrate's folder (migration_lock.toml): a migration of its own
// would be drift to Prisma, undone by the next `prisma migrate dev`, so none
// is written and the note says where the change goes.
TEST(FixPlanKinds, APrismaFolderGetsNoMigrationOfOurs) {
  const TempTree tree;
  pgadvise::model::Project project;
  project.root = tree.root();
  FixTargets targets;
  targets.migrations_dir = tree.root() / "prisma" / "migrations";
  tree.write("prisma/migrations/migration_lock.toml", "provider = \"postgresql\"\n");
  pgadvise::core::Finding index;
  index.rule = "unindexed-foreign-key";
  index.object.table = "posts";
  index.fix = pgadvise::core::Fix{};
  index.fix->sql().ddl = "CREATE INDEX CONCURRENTLY IF NOT EXISTS posts_user_id_idx ON posts (user_id);";
  const FixPlan plan = plan_fixes({index}, project, targets);
  EXPECT_TRUE(plan.files.empty()) << plan.files.front().label;
  EXPECT_EQ(plan.fixed, 0U);
  EXPECT_TRUE(
      has_note(plan, "unindexed-foreign-key: not fixed automatically (the migrations are Prisma Migrate's"))
      << all_notes(plan);
  EXPECT_TRUE(has_note(plan, "make the change in schema.prisma")) << all_notes(plan);
}

} // namespace fix_concurrent_test
