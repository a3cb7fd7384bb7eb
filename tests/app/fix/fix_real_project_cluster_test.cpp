// `pgadvise fix` on monorepos shaped like real ones (fixtures/fix/workspace,
// fixtures/fix/dialects; see their README.md), with the real tools end to
// end: the project's history made by the real drizzle-kit (0.31 and the 1.0
// release candidate) run the way its package scripts run it, with the drift
// real projects carry (an index schema.ts and the snapshot declare but the
// SQL lost; one schema.ts declares but was never generated; one only a
// hand-written custom migration builds); then `fix --write`, TypeScript's
// compiler in strict mode (with the fixtures' type tests, which fail when a
// column loses its $type), drizzle-kit generate, every migration applied to
// a throwaway PostgreSQL 15, and lint against that database: no foreign key
// is left unindexed, no two indexes share a definition, and the next steps
// name the PostgreSQL scripts.
#include "support/drizzle_app.hpp"
#include "support/pg_cluster.hpp"
#include "support/test_label.hpp"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <gtest/gtest.h>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace fix_real_project_cluster_test {

namespace fs = std::filesystem;
using nlohmann::json;
using pgadvise::test::findings_of;
using pgadvise::test::ProcessOptions;
using pgadvise::test::ProcessResult;
using pgadvise::test::read_text;
using pgadvise::test::tools_dir;
using pgadvise::test::write_text;

// What a fixture is and the history its test gives it.
struct Project {
  std::string fixture;
  std::string package;                      // where the PostgreSQL scripts run (the config's package)
  std::string generate;                     // the package.json script that generates PostgreSQL migrations
  std::vector<std::string> other_generates; // the other dialects' scripts, run too
  std::string migrations;                   // the PostgreSQL `out` folder
  std::vector<std::string> tsconfigs;       // `tsc -p` each
  // History: this line of this file is not in schema.ts when the first
  // migration is generated (declared later, never generated) ...
  std::string pending_file;
  std::string pending_line;
  // ... this index's CREATE INDEX is cut out of the first migration (schema.ts
  // and the snapshot declare it, the SQL lost it) ...
  std::string dropped_index;
  // ... and a custom migration builds an index schema.ts never declared.
  std::string hand_index;
  // The next step fix prints: the PostgreSQL config's scripts.
  std::string next;
  // A $type whose loss the fixture's type test catches: file, text.
  std::string typed_file;
  std::string typed_text;
  std::vector<std::string> in_the_diff; // lines the diff adds or removes
};

// gtest names a case by its fixture, not by the object's bytes.
void PrintTo(const Project& project, std::ostream* out) {
  *out << project.fixture;
}

std::string kit_dir(const std::string& kit) {
  return (tools_dir() / kit / "node_modules").string();
}

// A copy of the fixture in a temporary git repository whose node_modules
// links the kit's packages and the workspace's own (as pnpm links them).
class RealProject {
public:
  RealProject(const Project& project, std::string kit) : m_project(project), m_kit(std::move(kit)) {
    m_dir = m_tree.root() / "my monorepo";
    fs::copy(fs::path(PGADVISE_SOURCE_DIR) / "fixtures" / "fix" / project.fixture, m_dir,
             fs::copy_options::recursive);
    const fs::path modules = m_dir / "node_modules";
    fs::create_directories(modules);
    for (const fs::directory_entry& entry : fs::directory_iterator(kit_dir(m_kit))) {
      fs::create_directory_symlink(entry.path(), modules / entry.path().filename());
    }
    for (auto it = fs::recursive_directory_iterator(m_dir); it != fs::recursive_directory_iterator(); ++it) {
      if (it->is_directory() && it->path().filename() == "node_modules") {
        it.disable_recursion_pending();
        continue;
      }
      if (it->path().filename() != "package.json" || it->path().parent_path() == m_dir) {
        continue;
      }
      const json manifest = json::parse(read_text(it->path()), nullptr, false);
      const std::string name = manifest.is_object() ? manifest.value("name", "") : "";
      if (!name.empty()) {
        fs::create_directories((modules / name).parent_path());
        fs::create_directory_symlink(it->path().parent_path(), modules / name);
      }
    }
    write_text(m_dir / ".gitignore", "node_modules\n");
    if (m_kit == "kit-1.0") {
      upgrade_relations();
    }
    run({"git", "init", "-q"});
    commit("the project");
  }

  [[nodiscard]] const fs::path& dir() const { return m_dir; }

  ProcessResult run(const std::vector<std::string>& command, const std::string& cwd = {}) const {
    ProcessOptions options;
    options.cwd = (cwd.empty() ? m_dir : m_dir / cwd).string();
    options.timeout = std::chrono::seconds(300);
    for (const char* name : {"NO_COLOR", "DATABASE_URL", "DB_URL", "GIT_DIR", "GIT_WORK_TREE"}) {
      options.env.try_emplace(name, std::nullopt);
    }
    options.env["GIT_AUTHOR_NAME"] = options.env["GIT_COMMITTER_NAME"] = "test";
    options.env["GIT_AUTHOR_EMAIL"] = options.env["GIT_COMMITTER_EMAIL"] = "test@example.com";
    const std::vector<std::string> args(command.begin() + 1, command.end());
    const std::string program = command.front().find('/') == std::string::npos
                                    ? pgadvise::test::on_path(command.front())
                                    : command.front();
    ProcessResult result = pgadvise::test::run_process(program, args, options);
    EXPECT_FALSE(result.timed_out) << command.front() << " hung";
    return result;
  }

  void commit(const std::string& message) const {
    run({"git", "add", "-A"});
    run({"git", "commit", "-q", "-m", message, "--allow-empty"});
  }

  // The package script `script` as its package runs it: its drizzle-kit
  // command with `extra` arguments, from the package's folder.
  ProcessResult run_script(const std::string& script, const std::vector<std::string>& extra) const {
    const json manifest = json::parse(read_text(m_dir / m_project.package / "package.json"));
    const std::string text = manifest["scripts"].value(script, "");
    EXPECT_EQ(text.rfind("drizzle-kit ", 0), 0U) << script << ": " << text;
    std::vector<std::string> command = {(m_dir / "node_modules" / ".bin" / "drizzle-kit").string()};
    std::istringstream words(text.substr(std::string("drizzle-kit ").size()));
    for (std::string word; words >> word;) {
      command.push_back(word);
    }
    command.insert(command.end(), extra.begin(), extra.end());
    ProcessResult result = run(command, m_project.package);
    EXPECT_EQ(result.exit_code, 0) << script << "\n" << result.out << result.err;
    return result;
  }

  // The PostgreSQL migrations, in the order drizzle-kit applies them.
  [[nodiscard]] std::vector<fs::path> migrations() const {
    std::vector<fs::path> out;
    for (auto it = fs::recursive_directory_iterator(m_dir / m_project.migrations);
         it != fs::recursive_directory_iterator(); ++it) {
      if (it->path().extension() == ".sql") {
        out.push_back(it->path());
      }
    }
    std::sort(out.begin(), out.end());
    return out;
  }

  // The history the fixture's README describes, made with the real tools.
  void make_history() const {
    const fs::path pending = m_dir / m_project.pending_file;
    const std::string declared = read_text(pending);
    const auto at = declared.find(m_project.pending_line);
    ASSERT_NE(at, std::string::npos) << m_project.pending_line;
    write_text(pending, declared.substr(0, at) + declared.substr(at + m_project.pending_line.size()));
    run_script(m_project.generate, {"--name", "init"});
    for (const std::string& script : m_project.other_generates) {
      run_script(script, {"--name", "init"});
    }
    write_text(pending, declared);
    // The first migration loses the CREATE INDEX of `dropped_index` (edited
    // by hand after it was generated).
    const std::vector<fs::path> first = migrations();
    ASSERT_EQ(first.size(), 1U);
    const std::string marker = "--> statement-breakpoint";
    const std::string sql = read_text(first.front());
    std::string kept;
    bool dropped = false;
    for (std::size_t start = 0; start <= sql.size();) {
      const std::size_t end = std::min(sql.find(marker, start), sql.size());
      const std::string statement = sql.substr(start, end - start);
      if (statement.find("CREATE INDEX \"" + m_project.dropped_index + "\"") != std::string::npos) {
        dropped = true;
      } else {
        kept += (kept.empty() ? "" : marker) + statement;
      }
      start = end + marker.size();
    }
    ASSERT_TRUE(dropped) << sql;
    write_text(first.front(), kept);
    // A custom migration (drizzle-kit generate --custom) builds an index
    // schema.ts does not declare.
    run_script(m_project.generate, {"--custom", "--name", "hand_index"});
    fs::path custom;
    for (const fs::path& migration : migrations()) {
      if (migration != first.front()) {
        custom = migration;
      }
    }
    if (custom.filename() == "migration.sql") {
      // drizzle-kit 1.0 names a folder by the second, and this one was made
      // in the first one's second: its folder goes a second later, as if
      // the developer had been slower.
      const fs::path folder = custom.parent_path();
      const std::string first_stamp = first.front().parent_path().filename().string().substr(0, 14);
      if (folder.filename().string().substr(0, 14) <= first_stamp) {
        const fs::path later =
            folder.parent_path() / (std::to_string(std::stoull(first_stamp) + 1) + "_hand_index");
        fs::rename(folder, later);
        custom = later / "migration.sql";
      }
    }
    ASSERT_NE(read_text(custom).find("Custom SQL migration"), std::string::npos) << custom;
    write_text(custom, read_text(custom) + "\n" + m_project.hand_index + "\n");
    commit("history");
  }

  json lint(const std::vector<std::string>& extra = {}) const {
    std::vector<std::string> command = {PGADVISE_BINARY, "lint", ".", "--format", "json"};
    command.insert(command.end(), extra.begin(), extra.end());
    const ProcessResult result = run(command);
    json report = json::parse(result.out, nullptr, false);
    EXPECT_FALSE(report.is_discarded()) << result.out << result.err;
    return report.is_discarded() ? json::object() : report;
  }

  ProcessResult fix(const std::vector<std::string>& extra) const {
    std::vector<std::string> command = {PGADVISE_BINARY, "fix", "."};
    command.insert(command.end(), extra.begin(), extra.end());
    return run(command);
  }

  // TypeScript's compiler, strict, over each project of the fixture.
  [[nodiscard]] std::string typecheck() const {
    std::string errors;
    for (const std::string& project : m_project.tsconfigs) {
      const ProcessResult tsc =
          run({"node", (tools_dir() / "typescript" / "node_modules" / "typescript" / "bin" / "tsc").string(),
               "--noEmit", "--strict", "-p", project});
      if (tsc.exit_code != 0) {
        errors += project + ":\n" + tsc.out + tsc.err;
      }
    }
    return errors;
  }

private:
  // drizzle-orm 1.0 keeps the old relations() in drizzle-orm/_relations;
  // its upgrade guide moves the import, as is done here.
  void upgrade_relations() const {
    static const std::regex import_line(R"(import \{([^}]*)\} from "drizzle-orm";)");
    for (auto it = fs::recursive_directory_iterator(m_dir); it != fs::recursive_directory_iterator(); ++it) {
      if (it->is_directory() && it->path().filename() == "node_modules") {
        it.disable_recursion_pending();
        continue;
      }
      if (it->path().extension() != ".ts") {
        continue;
      }
      std::string text = read_text(it->path());
      std::smatch match;
      if (!std::regex_search(text, match, import_line) ||
          match[1].str().find("relations") == std::string::npos) {
        continue;
      }
      std::vector<std::string> names;
      std::istringstream list(match[1].str());
      for (std::string name; std::getline(list, name, ',');) {
        name.erase(0, name.find_first_not_of(' '));
        name.erase(name.find_last_not_of(' ') + 1);
        if (!name.empty() && name != "relations") {
          names.push_back(name);
        }
      }
      std::string replaced = "import { relations } from \"drizzle-orm/_relations\";";
      if (!names.empty()) {
        std::string joined;
        for (const std::string& name : names) {
          joined += (joined.empty() ? "" : ", ") + name;
        }
        replaced += "\nimport { " + joined + " } from \"drizzle-orm\";";
      }
      text.replace(static_cast<std::size_t>(match.position(0)), static_cast<std::size_t>(match.length(0)),
                   replaced);
      write_text(it->path(), text);
    }
  }

  pgadvise::test::TempTree m_tree;
  Project m_project;
  std::string m_kit;
  fs::path m_dir;
};

class FixRealProjectCluster : public pgadvise::test_support::ClusterTest,
                              public ::testing::WithParamInterface<std::tuple<Project, std::string>> {
protected:
  void SetUp() override {
    const std::string mislabeled = pgadvise::test::label_mismatch("cluster");
    ASSERT_TRUE(mislabeled.empty()) << mislabeled;
    ClusterTest::SetUp();
    const std::string& kit = std::get<1>(GetParam());
    ASSERT_TRUE(fs::exists(tools_dir() / kit / "node_modules" / ".bin" / "drizzle-kit") &&
                fs::exists(tools_dir() / "typescript" / "node_modules" / "typescript" / "bin" / "tsc"))
        << "the Drizzle tools are not installed in " << tools_dir()
        << ": run scripts/install-deps.sh (it runs scripts/install-drizzle-tools.sh)";
  }

  static void apply(const std::string& database, const std::string& sql, const std::string& what) {
    auto admin = cluster().admin(database);
    ASSERT_TRUE(admin.ok()) << admin.error().to_string();
    auto applied = admin->run_script(sql, what);
    ASSERT_TRUE(applied.ok()) << what << ": " << applied.error().to_string();
  }

  // Indexes of one table with the same definition (method, keys with
  // opclasses and options, expressions, predicate), as the database has them.
  static std::string duplicate_indexes(const std::string& database) {
    auto admin = cluster().admin(database);
    EXPECT_TRUE(admin.ok());
    auto rows = admin->run_script(
        "SELECT string_agg(indexrelid::regclass::text, ', ') FROM pg_index i JOIN pg_class c ON c.oid = "
        "i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname NOT IN ('pg_catalog', "
        "'information_schema', 'pg_toast') GROUP BY indrelid, indkey::text, indclass::text, indoption::text, "
        "pg_get_expr(indexprs, indrelid), pg_get_expr(indpred, indrelid), indisunique HAVING count(*) > 1",
        "duplicates");
    EXPECT_TRUE(rows.ok()) << rows.error().to_string();
    std::string out;
    if (rows.ok()) {
      for (const auto& row : rows->rows) {
        out += (row.empty() ? std::string() : row.front().value_or("")) + "\n";
      }
    }
    return out;
  }
};

TEST_P(FixRealProjectCluster, EveryForeignKeyIndexedOnceTypesKeptAndThePostgresScriptsNamed) {
  const auto& [project, kit] = GetParam();
  RealProject app(project, kit);
  EXPECT_EQ(app.typecheck(), "") << "the fixture itself does not compile";
  app.make_history();

  const std::set<std::string> rules = {"unindexed-foreign-key", "json-column-not-jsonb"};
  const json before = app.lint();
  const auto targets = findings_of(before, {"unindexed-foreign-key"});
  ASSERT_GE(targets.size(), 20U) << before.dump(2);
  std::vector<std::string> selection = {"--rule", "unindexed-foreign-key", "--rule", "json-column-not-jsonb"};

  // json -> jsonb rewrites its table: named, it is still left out without
  // --unsafe-fixes, and the notes say so.
  {
    const ProcessResult safe = app.fix(selection);
    ASSERT_EQ(safe.exit_code, 0) << safe.err;
    for (const std::string& line : project.in_the_diff) {
      if (line.find("jsonb(") != std::string::npos) {
        EXPECT_EQ(safe.out.find("\n" + line + "\n"), std::string::npos) << line << "\n" << safe.out;
      }
    }
    EXPECT_NE(safe.out.find("index(\""), std::string::npos) << safe.out;
    EXPECT_TRUE(safe.out.find("--unsafe-fixes") != std::string::npos ||
                safe.err.find("--unsafe-fixes") != std::string::npos)
        << safe.out << safe.err;
  }
  selection.emplace_back("--unsafe-fixes");

  // The diff: what it must hold, and the next line names the PostgreSQL scripts.
  const ProcessResult dry = app.fix(selection);
  ASSERT_EQ(dry.exit_code, 0) << dry.err;
  for (const std::string& line : project.in_the_diff) {
    EXPECT_NE(dry.out.find("\n" + line + "\n"), std::string::npos) << line << "\n" << dry.out;
  }
  EXPECT_NE(dry.err.find("\n  next: " + project.next + "\n"), std::string::npos) << dry.err;
  EXPECT_EQ(dry.err.find("not fixed automatically"), std::string::npos) << dry.err;
  // The drifted index comes back through a custom migration, not a second entry.
  EXPECT_NE(dry.err.find("declares " + project.dropped_index), std::string::npos) << dry.err;
  EXPECT_EQ(dry.out.find("index(\"" + project.dropped_index + "\")"), std::string::npos) << dry.out;

  std::vector<std::string> write = selection;
  write.emplace_back("--write");
  const ProcessResult applied = app.fix(write);
  ASSERT_EQ(applied.exit_code, 0) << applied.err;
  EXPECT_EQ(app.typecheck(), "");

  // The type test bites: a column that loses its $type fails to compile.
  {
    const fs::path typed = app.dir() / project.typed_file;
    const std::string text = read_text(typed);
    const auto at = text.find(project.typed_text);
    ASSERT_NE(at, std::string::npos) << project.typed_text << "\n" << text;
    write_text(typed, text.substr(0, at) + text.substr(at + project.typed_text.size()));
    EXPECT_NE(app.typecheck(), "") << "the type test did not notice a lost $type";
    write_text(typed, text);
  }

  // drizzle-kit generates the rest; every migration applies to PostgreSQL 15.
  const std::size_t before_generate = app.migrations().size();
  app.run_script(project.generate, {"--name", "fix"});
  const std::vector<fs::path> all = app.migrations();
  ASSERT_EQ(all.size(), before_generate + 1) << "drizzle-kit generated no migration";
  const std::string database = cluster().create_database("fixreal");
  ASSERT_FALSE(database.empty());
  for (const fs::path& migration : all) {
    apply(database, read_text(migration), migration.filename().string());
  }

  // The database: no foreign key without its index, no index twice.
  const json after = app.lint({"--db", cluster().admin_conninfo(database)});
  EXPECT_TRUE(findings_of(after, {"unindexed-foreign-key"}).empty()) << after.dump(2);
  EXPECT_EQ(duplicate_indexes(database), "");
  // Nothing left for fix to do.
  app.commit("fixed");
  const ProcessResult again = app.fix(selection);
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.err.find("nothing to change"), std::string::npos) << again.out << again.err;
}

const std::vector<Project>& projects() {
  static const std::vector<Project> all = {
      // An app whose drizzle.config's schema re-exports a workspace package
      // (20+ files behind a barrel, one of 3,000 lines) and a tsconfig alias.
      {"workspace",
       "apps/console",
       "db:generate",
       {},
       "apps/console/server/db/migrations",
       {"packages/server/tsconfig.json", "apps/console/tsconfig.json"},
       "packages/server/src/db/schema/environments.ts",
       "    index(\"environments_project_id_idx\").on(table.projectId),\n",
       "session_userId_idx",
       "CREATE INDEX \"domains_project_id_idx\" ON \"domains\" USING btree (\"project_id\");",
       "cd apps/console && pnpm db:generate && pnpm db:migrate",
       "packages/server/src/db/schema/organizations.ts",
       "      .$type<SessionPolicySettings>()\n",
       {"+    sessionPolicy: jsonb(\"session_policy\")",
        "+      .default(sql`'{}'::jsonb`), // filled in by the first save",
        "+  index(\"account_user_id_idx\").on(table.userId),"}},
      // A package that generates for three dialects, its tables partly in
      // another workspace package.
      {"dialects",
       "packages/db",
       "migration:postgresql:generate",
       {"migration:mysql:generate", "migration:sqlite:generate"},
       "packages/db/migrations/postgresql",
       {"packages/db/tsconfig.json"},
       "packages/db/schema/postgresql.ts",
       "    integrationIdIdx: index(\"search_engine_integration_id_idx\").on(table.integrationId),\n",
       "item_board_id_idx",
       "CREATE INDEX \"layout_board_id_idx\" ON \"layout\" USING btree (\"board_id\");",
       "cd packages/db && pnpm migration:postgresql:generate && pnpm migration:postgresql:run",
       "packages/db/schema/postgresql.ts",
       ".$type<WidgetOptions>()",
       {"+    options: jsonb(\"options\").$type<WidgetOptions>().default(sql`'{}'::jsonb`).notNull(),"}},
  };
  return all;
}

std::string case_name(const ::testing::TestParamInfo<std::tuple<Project, std::string>>& info) {
  std::string kit = std::get<1>(info.param);
  std::replace_if(
      kit.begin(), kit.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) == 0; }, '_');
  return std::get<0>(info.param).fixture + "_" + kit;
}

INSTANTIATE_TEST_SUITE_P(Kits, FixRealProjectCluster,
                         ::testing::Combine(::testing::ValuesIn(projects()),
                                            ::testing::Values("kit-0.31", "kit-1.0")),
                         case_name);

} // namespace fix_real_project_cluster_test
