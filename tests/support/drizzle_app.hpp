#pragma once

// A Drizzle fixture app (fixtures/fix/NAME) copied into a temporary git
// repository, with the real tools: drizzle-kit and drizzle-orm from
// scripts/install-drizzle-tools.sh, TypeScript's compiler, and pgadvise.
// Shared by the `pgadvise fix` round-trip tests (fix_round_trip_test.cpp,
// and the live ones in fix_partial_cluster_test.cpp).

#include "cli/process.hpp"
#include "pg/parser.hpp"
#include "support/files.hpp"
#include "support/test_cache.hpp"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <gtest/gtest.h>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <unistd.h>
#include <vector>

namespace pgadvise::test {

namespace fs = std::filesystem;
using nlohmann::json;

inline fs::path tools_dir() {
  if (const char* dir = std::getenv("PGADVISE_DRIZZLE_TOOLS"); dir != nullptr && *dir != '\0') {
    return dir;
  }
  if (const char* cache = std::getenv("XDG_CACHE_HOME"); cache != nullptr && *cache != '\0') {
    return fs::path(cache) / "pgadvise" / "drizzle-tools";
  }
  const char* home = std::getenv("HOME");
  return fs::path(home != nullptr ? home : "/") / ".cache" / "pgadvise" / "drizzle-tools";
}

// A program on PATH, as a shell finds it (run_process does not search).
inline std::string on_path(const std::string& name) {
  const char* path = std::getenv("PATH");
  std::string dirs = path != nullptr ? path : "/usr/bin:/bin";
  std::size_t start = 0;
  while (start <= dirs.size()) {
    const std::size_t end = std::min(dirs.find(':', start), dirs.size());
    const fs::path candidate = fs::path(dirs.substr(start, end - start)) / name;
    std::error_code ec;
    if (fs::is_regular_file(candidate, ec)) {
      return candidate.string();
    }
    start = end + 1;
  }
  return name;
}

// One statement's parse tree with what may differ between pgadvise's DDL
// and drizzle-kit's without changing what it does: CONCURRENTLY, IF [NOT]
// EXISTS (pgadvise's DDL is meant to be run by hand), token locations, the
// public schema spelled out, and a type change's USING (drizzle-kit writes
// none; `pgadvise fix` says so in its note).
inline void canonical(json& node) {
  if (node.is_object()) {
    for (const char* key : {"location", "concurrent", "if_not_exists", "missing_ok", "stmt_location",
                            "stmt_len", "raw_default"}) {
      node.erase(key);
    }
    if (node.contains("schemaname") && node["schemaname"] == "public") {
      node.erase("schemaname");
    }
    // `timestamp(3) with time zone` names pg_catalog.timestamptz, `timestamptz(3)` timestamptz.
    const json* names = node.contains("names") ? &node["names"] : nullptr;
    if (names != nullptr && names->is_array() && names->size() == 2 && (*names)[0].is_object() &&
        (*names)[0].contains("String") && (*names)[0]["String"].is_object() &&
        (*names)[0]["String"].value("sval", "") == "pg_catalog") {
      node["names"].erase(0);
    }
    for (auto& [key, value] : node.items()) {
      canonical(value);
    }
  } else if (node.is_array()) {
    for (json& item : node) {
      canonical(item);
    }
  }
}

// Every action of a script: each CREATE/DROP INDEX, and each sub-command of
// an ALTER TABLE with its table (drizzle-kit writes one per statement).
inline std::multiset<std::string> actions(const std::string& sql) {
  std::multiset<std::string> out;
  const pgadvise::pg::ParseResult parsed = pgadvise::pg::parse(sql);
  EXPECT_TRUE(parsed.ok()) << sql;
  // Columns whose type the script changes: drizzle-kit 0.31 sets their
  // default again after the change (`SET DEFAULT now()`), the one they had.
  std::set<std::string> retyped;
  for (json statement : parsed.tree.value("stmts", json::array())) {
    const json alter = statement["stmt"].value("AlterTableStmt", json::object());
    for (const json& cmd : alter.value("cmds", json::array())) {
      if (cmd["AlterTableCmd"].value("subtype", "") == "AT_AlterColumnType") {
        retyped.insert(alter["relation"].value("relname", "") + "." + cmd["AlterTableCmd"].value("name", ""));
      }
    }
  }
  for (json statement : parsed.tree.value("stmts", json::array())) {
    json stmt = statement["stmt"];
    canonical(stmt);
    if (stmt.contains("AlterTableStmt")) {
      json alter = stmt["AlterTableStmt"];
      for (const json& cmd : alter["cmds"]) {
        // DROP DEFAULT before a type change only makes room for USING.
        if (cmd["AlterTableCmd"].value("subtype", "") == "AT_ColumnDefault" &&
            (!cmd["AlterTableCmd"].contains("def") ||
             retyped.count(alter["relation"].value("relname", "") + "." +
                           cmd["AlterTableCmd"].value("name", "")) > 0)) {
          continue;
        }
        out.insert(json{{"relation", alter["relation"]}, {"cmd", cmd}}.dump());
      }
    } else {
      out.insert(stmt.dump());
    }
  }
  return out;
}

// The files under `dir` (node_modules and .git aside), by path relative to it.
inline std::map<fs::path, std::string> app_files(const fs::path& dir) {
  std::map<fs::path, std::string> out;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const fs::path name = it->path().filename();
    if (name == "node_modules" || name == ".git") {
      it.disable_recursion_pending();
      continue;
    }
    if (it->is_regular_file(ec)) {
      out.emplace(it->path().lexically_relative(dir), read_text(it->path()));
    }
  }
  return out;
}

// Where the files `drizzle-kit generate --name init` writes for a fixture
// are kept, made once per build tree and copied into each app: every test
// of the fix round trip starts from them, and ctest runs each test in a
// process of its own, where drizzle-kit would cost seconds each time. In
// the build tree's test-cache/ (cache_dir), keyed by the kit's
// drizzle-kit version and the fixture's every file.
inline fs::path init_cache(const std::string& fixture, const std::string& kit) {
  std::string key =
      kit + '\0' + read_text(tools_dir() / kit / "node_modules" / "drizzle-kit" / "package.json");
  for (const auto& [path, text] : app_files(fs::path(PGADVISE_SOURCE_DIR) / "fixtures" / "fix" / fixture)) {
    key += '\0' + path.string() + '\0' + text;
  }
  std::string name =
      "drizzle-init-" + fixture + "-" + kit + "-" + std::to_string(std::hash<std::string>{}(key));
  std::replace(name.begin(), name.end(), '/', '_');
  return cache_dir() / name;
}

class DrizzleApp {
public:
  // `kit_dir`: the folder of the app drizzle-kit runs in (its drizzle.config
  // and `drizzle/` migrations), when not the fixture's root.
  DrizzleApp(const std::string& fixture, const std::string& kit, const std::string& kit_dir = ".")
      : m_kit(kit), m_kit_dir(kit_dir) {
    m_dir = m_tree.root() / "my app";
    fs::copy(fs::path(PGADVISE_SOURCE_DIR) / "fixtures" / "fix" / fixture, m_dir,
             fs::copy_options::recursive);
    const fs::path modules = tools_dir() / kit / "node_modules";
    fs::create_directory_symlink(modules, m_dir / "node_modules");
    pgadvise::test::write_text(m_dir / ".gitignore", "node_modules\n");
    run({"git", "init", "-q"});
    commit();
    init(fixture); // the app's migrations so far, as drizzle-kit writes them
    commit();
  }

  [[nodiscard]] const fs::path& dir() const { return m_dir; }
  [[nodiscard]] bool kit_1() const { return m_kit == "kit-1.0"; }

  ProcessResult run(const std::vector<std::string>& command) const { return run_in(m_dir, command); }

  ProcessResult run_in(const fs::path& cwd, const std::vector<std::string>& command) const {
    ProcessOptions options;
    options.cwd = cwd.string();
    options.timeout = std::chrono::seconds(300);
    for (const char* name : {"NO_COLOR", "DATABASE_URL", "GIT_DIR", "GIT_WORK_TREE"}) {
      options.env.try_emplace(name, std::nullopt);
    }
    options.env["GIT_AUTHOR_NAME"] = options.env["GIT_COMMITTER_NAME"] = "test";
    options.env["GIT_AUTHOR_EMAIL"] = options.env["GIT_COMMITTER_EMAIL"] = "test@example.com";
    const std::vector<std::string> args(command.begin() + 1, command.end());
    const std::string program =
        command.front().find('/') == std::string::npos ? on_path(command.front()) : command.front();
    ProcessResult result = run_process(program, args, options);
    EXPECT_FALSE(result.timed_out) << command.front() << " hung";
    return result;
  }

  void commit() const {
    run({"git", "add", "-A"});
    run({"git", "commit", "-q", "-m", "step", "--allow-empty"});
  }

  // drizzle-kit generate; returns the migration it wrote ("" when none).
  std::string generate(const std::string& name) const {
    const std::set<fs::path> before = migrations();
    const ProcessResult result =
        run_in(m_dir / m_kit_dir,
               {(m_dir / "node_modules" / ".bin" / "drizzle-kit").string(), "generate", "--name", name});
    EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
    std::vector<fs::path> added;
    for (const fs::path& file : migrations()) {
      if (before.count(file) == 0) {
        added.push_back(file);
      }
    }
    EXPECT_LE(added.size(), 1U);
    return added.empty() ? std::string() : read_text(added.front());
  }

  [[nodiscard]] std::set<fs::path> migrations() const {
    std::set<fs::path> out;
    std::error_code ec;
    for (fs::recursive_directory_iterator it(m_dir / m_kit_dir / "drizzle", ec), end; !ec && it != end;
         it.increment(ec)) {
      if (it->path().extension() == ".sql") {
        out.insert(it->path());
      }
    }
    return out;
  }

  json lint(const std::vector<std::string>& extra = {}) const {
    std::vector<std::string> command = {PGADVISE_BINARY, "lint", ".", "--format", "json"};
    command.insert(command.end(), extra.begin(), extra.end());
    const ProcessResult result = run(command);
    json report = json::parse(result.out, nullptr, false);
    EXPECT_FALSE(report.is_discarded()) << result.out << result.err;
    return report.is_discarded() ? json::object() : report;
  }

  ProcessResult fix(const std::vector<std::string>& extra = {}) const {
    std::vector<std::string> command = {PGADVISE_BINARY, "fix", "."};
    command.insert(command.end(), extra.begin(), extra.end());
    return run(command);
  }

  // TypeScript's own compiler on the schema, types included.
  ProcessResult typecheck() const {
    return run({"node", (tools_dir() / "typescript" / "node_modules" / "typescript" / "bin" / "tsc").string(),
                "--noEmit", "--strict", "--skipLibCheck", "--target", "es2022", "--module", "esnext",
                "--moduleResolution", "bundler", "src/db/schema.ts"});
  }

private:
  // drizzle-kit generate --name init, or the files it wrote for the same
  // fixture and kit before (init_cache).
  void init(const std::string& fixture) {
    const fs::path cached = init_cache(fixture, m_kit);
    std::error_code ec;
    if (fs::is_directory(cached, ec)) {
      fs::copy(cached, m_dir, fs::copy_options::recursive | fs::copy_options::overwrite_existing, ec);
      EXPECT_FALSE(ec) << "copying " << cached << ": " << ec.message();
      return;
    }
    const std::map<fs::path, std::string> before = app_files(m_dir);
    generate("init");
    if (::testing::Test::HasFailure()) {
      return;
    }
    // What generate added or changed, copied beside the cache's place and
    // renamed into it, so a test starting at the same moment sees all or none.
    const fs::path partial = cached.string() + ".partial-" + std::to_string(getpid());
    for (const auto& [path, text] : app_files(m_dir)) {
      const auto it = before.find(path);
      if (it == before.end() || it->second != text) {
        write_text(partial / path, text);
      }
    }
    fs::rename(partial, cached, ec); // another test may have kept them first: keep those
    fs::remove_all(partial, ec);
  }

  TempTree m_tree;
  fs::path m_dir;
  std::string m_kit;
  fs::path m_kit_dir;
};

// The findings of `rules`, by fingerprint.
inline std::map<std::string, json> findings_of(const json& report, const std::set<std::string>& rules) {
  std::map<std::string, json> out;
  for (const json& finding : report.value("findings", json::array())) {
    if (rules.count(finding.value("rule", "")) > 0) {
      out.emplace(finding.value("fingerprint", ""), finding);
    }
  }
  return out;
}

} // namespace pgadvise::test
