#include "fuzz/targets.hpp"

#include "app/config/config.hpp"
#include "app/lsp/json_rpc.hpp"
#include "app/lsp/lsp_text.hpp"
#include "core/file.hpp"
#include "loaders/drizzle_kit/config.hpp"
#include "loaders/drizzle_kit/ledger.hpp"
#include "loaders/drizzle_kit/snapshot.hpp"
#include "loaders/logs/pgss.hpp"
#include "loaders/logs/reader.hpp"
#include "loaders/project/scan.hpp"
#include "loaders/schema_ts/schema_ts.hpp"
#include "loaders/sql/migrations.hpp"
#include "loaders/typescript/parser.hpp"
#include "loaders/typescript/reparse.hpp"
#include "model/project.hpp"
#include "pg/plan_json.hpp"
#include "support/schema_load_facts.hpp"
#include "support/ts_program_facts.hpp"

#include <array>
#include <filesystem>
#include <fstream>
#include <system_error>
#include <unistd.h>

namespace pgadvise::fuzz {
namespace {

namespace fs = std::filesystem;

// A private scratch folder for targets whose reader takes a path; removed at
// exit. Each run rewrites the files it needs.
class Scratch {
public:
  Scratch() : m_root(fs::temp_directory_path() / ("pgadvise-fuzz-" + std::to_string(::getpid()))) {
    fs::create_directories(m_root);
  }
  ~Scratch() {
    std::error_code ignored;
    fs::remove_all(m_root, ignored);
  }
  Scratch(const Scratch&) = delete;
  Scratch& operator=(const Scratch&) = delete;
  Scratch(Scratch&&) = delete;
  Scratch& operator=(Scratch&&) = delete;

  // An empty folder `name` under the scratch root.
  fs::path fresh_dir(const std::string& name) const {
    const fs::path dir = m_root / name;
    std::error_code ignored;
    fs::remove_all(dir, ignored);
    fs::create_directories(dir);
    return dir;
  }

private:
  fs::path m_root;
};

const Scratch& scratch() {
  static const Scratch instance;
  return instance;
}

void write_file(const fs::path& path, std::string_view data) {
  fs::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(data.data(), static_cast<std::streamsize>(data.size()));
}

// The first byte chooses among variants (options, file names); the rest is
// the input. libFuzzer mutates both.
unsigned char take_selector(std::string_view& data) {
  if (data.empty()) {
    return 0;
  }
  const auto selector = static_cast<unsigned char>(data.front());
  data.remove_prefix(1);
  return selector;
}

void fuzz_sql_replay(std::string_view data) {
  loaders::SchemaLoad load;
  loaders::replay_sql(data, "fuzz.sql", load);
}

void fuzz_drizzle_snapshot(std::string_view data) {
  const fs::path file = scratch().fresh_dir("snapshot") / "0000_snapshot.json";
  write_file(file, data);
  (void)loaders::load_drizzle_snapshot(file);
}

// meta/_journal.json beside a migration and a snapshot it may name.
void fuzz_drizzle_journal(std::string_view data) {
  const fs::path dir = scratch().fresh_dir("journal");
  write_file(dir / "meta" / "_journal.json", data);
  write_file(dir / "0000_init.sql", "CREATE TABLE t (id int PRIMARY KEY);\n");
  write_file(dir / "meta" / "0000_snapshot.json", R"({"version":"7","dialect":"postgresql","tables":{}})");
  std::vector<std::string> notes;
  (void)loaders::migration_order(dir, &notes);
  std::string journal_display;
  (void)loaders::read_migration_files(dir, journal_display, notes);
  (void)loaders::newest_snapshot(dir / "meta");
}

void fuzz_schema_ts(std::string_view data) {
  const unsigned char selector = take_selector(data);
  static constexpr std::array<const char*, 3> k_casings{"", "snake_case", "camelCase"};
  (void)loaders::load_drizzle_schema_sources({{"schema.ts", std::string(data)}},
                                             k_casings.at(selector % k_casings.size()));
}

void fuzz_drizzle_config(std::string_view data) {
  const loaders::DrizzleConfig config = loaders::scan_drizzle_config(data);
  (void)loaders::drizzle_out_dir(config);
}

// Every log format and compression through the one entry point the CLI
// uses (format and compression are detected from the bytes), with the
// options that change how it reads: a given prefix, queries-only, tiny
// parallel blocks.
void fuzz_logs(std::string_view data) {
  const unsigned char selector = take_selector(data);
  const fs::path file = scratch().fresh_dir("logs") / "input.log";
  write_file(file, data);
  loaders::LogReadOptions options;
  options.threads = (selector & 8U) != 0 ? 2 : 1;
  options.queries_only = (selector & 1U) != 0;
  if ((selector & 2U) != 0) {
    options.log_line_prefix = (selector & 16U) != 0 ? "%t [%p]: [%l-1] user=%u,db=%d " : "%m [%p] ";
  }
  if ((selector & 4U) != 0) {
    options.block_bytes = 64;
  }
  (void)loaders::read_logs({file.string()}, options);
}

// pgadvise's own config file, read as `lint` reads .pgadvise.toml.
void fuzz_pgadvise_config(std::string_view data) {
  const fs::path file = scratch().fresh_dir("config") / ".pgadvise.toml";
  write_file(file, data);
  (void)app::load_config(file);
}

void fuzz_pgss(std::string_view data) {
  (void)loaders::read_pgss_text(data, "pgss.csv");
}

void fuzz_plan_json(std::string_view data) {
  (void)pg::parse_plan_json(data);
}

// One project file, named by the selector among `names`, scanned the way
// `pgadvise lint` scans a project folder. A package.json that runs the
// shell scripts is always there, so scripts are followed.
void scan_project_file(std::string_view data, const std::vector<const char*>& names) {
  const unsigned char selector = take_selector(data);
  const std::string name = names.at(selector % names.size());
  const fs::path root = scratch().fresh_dir("project");
  if (name != "package.json") {
    write_file(root / "package.json",
               R"({"name":"app","scripts":{"deploy":"sh scripts/deploy.sh","m":"make migrate"},)"
               R"("dependencies":{"drizzle-orm":"1"}})");
  }
  write_file(root / name, data);
  model::Project project;
  project.root = root;
  loaders::scan_project(project);
}

void fuzz_project_yaml(std::string_view data) {
  scan_project_file(data, {".github/workflows/ci.yml", ".gitlab-ci.yml", "docker-compose.yml",
                           "pnpm-workspace.yaml", "render.yaml"});
}

void fuzz_project_toml(std::string_view data) {
  scan_project_file(data, {"fly.toml", "netlify.toml", "railway.toml"});
}

void fuzz_project_shell(std::string_view data) {
  scan_project_file(data, {"scripts/deploy.sh", "Makefile", "Procfile"});
}

void fuzz_project_dockerfile(std::string_view data) {
  scan_project_file(data, {"Dockerfile"});
}

void fuzz_project_json(std::string_view data) {
  scan_project_file(data, {"package.json", "vercel.json", "railway.json"});
}

// A TypeScript source the query-call scan reads, twice: as a repository
// module and as a page that imports it (`import * as repo`, a default
// import), so that loops, helper calls and their resolution all run on it.
void fuzz_query_calls(std::string_view data) {
  const fs::path root = scratch().fresh_dir("query-calls");
  write_file(root / "package.json", R"({"name":"app","dependencies":{"drizzle-orm":"1"}})");
  std::string source = "import { eq } from \"drizzle-orm\";\nimport * as repo from \"./repo\";\n"
                       "import helper from \"./repo\";\n";
  source.append(data);
  write_file(root / "src/repo.ts", source);
  write_file(root / "src/page.ts", source);
  model::Project project;
  project.root = root;
  loaders::scan_project(project);
}

// The language server's JSON-RPC reader: the bytes after the first arrive in
// pieces of the first byte's size (1-256), as a pipe may deliver them; every
// frame is then read. Each frame's text goes through the position and edit
// helpers the server applies to a client's changes.
void fuzz_lsp_json_rpc(std::string_view data) {
  if (data.empty()) {
    return;
  }
  const std::size_t piece = static_cast<unsigned char>(data.front()) + std::size_t{1};
  data.remove_prefix(1);
  app::lsp::MessageReader reader;
  std::size_t frames = 0;
  for (std::size_t at = 0; at < data.size(); at += piece) {
    reader.feed(data.substr(at, piece));
    while (auto frame = reader.next()) {
      ++frames;
      if (frame->message) {
        (void)app::lsp::frame_message(*frame->message);
      }
    }
  }
  const app::lsp::LineMap lines(data);
  for (const auto encoding : {app::lsp::PositionEncoding::utf16, app::lsp::PositionEncoding::utf8}) {
    for (std::size_t offset = 0; offset <= data.size(); offset += 1 + data.size() / 16) {
      const std::size_t back = lines.offset(lines.position(offset, encoding), encoding);
      if (back > data.size()) {
        __builtin_trap();
      }
    }
  }
  const std::string_view before = data.substr(0, data.size() / 2);
  const std::string_view after = data.substr(data.size() / 2);
  std::vector<core::TextEdit> edits = app::lsp::line_edits(before, after);
  auto applied = core::apply_edits(before, std::move(edits));
  if (!applied || *applied != after) {
    __builtin_trap(); // the edits must turn one text into the other
  }
  (void)frames;
}

// Reparsing after an edit (the language server's schema.ts keystrokes): the
// bytes after the first are a file, the first picks an edit of it (where,
// and one of: a letter typed, a byte deleted, a line duplicated, a bracket
// or comment opened). A reparse that is taken must read as the full parse
// of the edited text, fact by fact.
void fuzz_ts_reparse(std::string_view data) {
  const unsigned char selector = take_selector(data);
  const std::string text(data);
  const std::size_t at = (selector * 37U % 256U) * text.size() / 256U;
  std::string edited = text;
  switch (selector % 5U) {
  case 0: edited.insert(at, "x"); break;
  case 1: edited.erase(at, 1); break;
  case 2: {
    const std::size_t line = at == 0 ? 0 : text.rfind('\n', at - 1) + 1;
    const std::size_t end = std::min(text.find('\n', at), text.size());
    edited.insert(line, text.substr(line, end - line) + "\n");
    break;
  }
  case 3: edited.insert(at, "("); break;
  default: edited.insert(at, "/*"); break;
  }
  loaders::ts::Program program = loaders::ts::parse_program(text);
  std::string moved = edited;
  if (!loaders::ts::reparse(program, moved)) {
    return;
  }
  if (loaders::ts::test_support::program_facts(program) !=
      loaders::ts::test_support::program_facts(loaders::ts::parse_program(edited))) {
    __builtin_trap();
  }
}

// An edit of a text: one of the things typing does (a letter, a deletion,
// a line doubled or added, a bracket or comment opened, an ignore comment),
// at a place the selector picks.
std::string edited(const std::string& text, unsigned selector) {
  const std::size_t at = (selector * 37U % 256U) * text.size() / 256U;
  const std::size_t line = at == 0 ? 0 : text.rfind('\n', at - 1) + 1;
  std::string out = text;
  switch (selector % 7U) {
  case 0: out.insert(at, "x"); break;
  case 1: out.erase(at, 1); break;
  case 2:
    out.insert(line, text.substr(line, std::min(text.find('\n', at), text.size()) - line) + "\n");
    break;
  case 3: out.insert(line, "\n"); break;
  case 4: out.insert(line, "// pgadvise-ignore all\n"); break;
  case 5: out.insert(at, "("); break;
  default: out.insert(at, "/*"); break;
  }
  return out;
}

// Edits of a Drizzle schema one after another, read through the language
// server's cache (loaders::SchemaTsCache: from the second edit, a read takes
// from the read before the tables the edit left alone): each read must be
// what a fresh read of the same text gives.
void fuzz_schema_ts_edits(std::string_view data) {
  const unsigned char selector = take_selector(data);
  const fs::path file = scratch().fresh_dir("schema_ts_edits") / "schema.ts";
  std::string text(data);
  write_file(file, text);
  loaders::SchemaTsCache cache;
  (void)cache.load({file}, "", false, nullptr);
  for (unsigned round = 0; round < 3; ++round) {
    text = edited(text, selector + round * 97U);
    core::set_file_overlay(file, text);
    const std::string difference = loaders::test_support::load_difference(
        cache.load({file}, "", false, nullptr), loaders::load_drizzle_schema({file}, "", false, nullptr));
    if (!difference.empty()) {
      __builtin_trap();
    }
  }
  core::clear_file_overlay(file);
}

} // namespace

const std::vector<Target>& targets() {
  static const std::vector<Target> k_targets{
      {"sql_replay", fuzz_sql_replay},
      {"drizzle_snapshot", fuzz_drizzle_snapshot},
      {"drizzle_journal", fuzz_drizzle_journal},
      {"schema_ts", fuzz_schema_ts},
      {"drizzle_config", fuzz_drizzle_config},
      {"pgadvise_config", fuzz_pgadvise_config},
      {"logs", fuzz_logs},
      {"pgss", fuzz_pgss},
      {"plan_json", fuzz_plan_json},
      {"project_yaml", fuzz_project_yaml},
      {"project_toml", fuzz_project_toml},
      {"project_shell", fuzz_project_shell},
      {"project_dockerfile", fuzz_project_dockerfile},
      {"project_json", fuzz_project_json},
      {"query_calls", fuzz_query_calls},
      {"lsp_json_rpc", fuzz_lsp_json_rpc},
      {"ts_reparse", fuzz_ts_reparse},
      {"schema_ts_edits", fuzz_schema_ts_edits},
  };
  return k_targets;
}

bool run_target(std::string_view name, std::string_view data) {
  for (const Target& target : targets()) {
    if (target.name == name) {
      target.run(data);
      return true;
    }
  }
  return false;
}

} // namespace pgadvise::fuzz
