#include "support/rule_fixtures.hpp"

#include "app/inputs/discovery.hpp"
#include "app/lint/lint_verify.hpp"
#include "app/lint/run_rules.hpp"
#include "app/live/live_input.hpp"
#include "app/live/verify_locks.hpp"
#include "core/text.hpp"
#include "engine/builtin_diagnostics.hpp"
#include "loaders/logs/reader.hpp"
#include "loaders/project/scan.hpp"
#include "loaders/sql/migrations.hpp"
#include "pg/parser.hpp"
#include "rules/registry.hpp"
#include "support/files.hpp"
#include "support/pg_cluster.hpp"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <gtest/gtest.h>
#include <map>
#include <optional>
#include <regex>
#include <sstream>
#include <tuple>

namespace pgadvise::test_support {

namespace {

namespace fs = std::filesystem;
using pgadvise::test::read_text;

const fs::path k_fixtures = fs::path(PGADVISE_SOURCE_DIR) / "fixtures" / "rules";

bool is_pgss(const fs::path& path) {
  return path.filename().string().find(".pgss.") != std::string::npos;
}

bool is_workload_file(const fs::path& path) {
  const std::string ext = path.extension().string();
  return ext == ".log" || (is_pgss(path) && (ext == ".csv" || ext == ".json"));
}

bool reads_live(const engine::Rule& rule) {
  const auto& inputs = rule.meta().inputs;
  return std::find(inputs.begin(), inputs.end(), engine::Input::live) != inputs.end();
}

// bad_x for bad_x/, bad_x.sql and bad_x.log; bad_x.pgss for bad_x.pgss.csv.
std::string fixture_stem(const fs::path& fixture) {
  return fs::is_directory(fixture) ? fixture.filename().string() : fixture.stem().string();
}

fs::path beside(const fs::path& fixture, std::string_view extension) {
  return fixture.parent_path() / (fixture_stem(fixture) + std::string(extension));
}

// `name=value` settings: every line of an .options file, or the text after
// `marker` on the lines that have it.
void parse_options(const std::string& text, std::string_view marker,
                   std::map<std::string, std::string>& out) {
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    std::string_view setting = core::trim(line);
    if (!marker.empty()) {
      const auto at = setting.find(marker);
      if (at == std::string_view::npos) {
        continue;
      }
      setting = core::trim(setting.substr(at + marker.size()));
    }
    const auto eq = setting.find('=');
    if (setting.empty() || setting.front() == '#' || eq == std::string_view::npos) {
      continue;
    }
    out[std::string(core::trim(setting.substr(0, eq)))] = std::string(core::trim(setting.substr(eq + 1)));
  }
}

std::map<std::string, std::string> fixture_options(const fs::path& fixture) {
  std::map<std::string, std::string> out;
  parse_options(read_text(beside(fixture, ".options")), {}, out);
  if (fixture.extension() == ".sql") {
    parse_options(read_text(fixture), "-- fixture-option:", out);
  }
  return out;
}

// A fresh database of the test cluster with `script` applied as the
// superuser and the statistics flushed (a backend sends its counters when
// idle, at most once a second, unless asked to flush now). Its conninfo, or
// "" with `error` set.
std::string prepare_database(const std::string& script, const std::string& label, std::string& error) {
  PgCluster& cluster = PgCluster::instance();
  if (!cluster.ok()) {
    error = "PostgreSQL test cluster unavailable: " + cluster.error();
    return {};
  }
  const std::string database = cluster.create_database("fixture", &error);
  if (database.empty()) {
    return {};
  }
  auto admin = cluster.admin(database);
  if (!admin.ok()) {
    error = admin.error().to_string();
    return {};
  }
  if (auto applied = admin->run_script(script, label); !applied.ok()) {
    error = label + ": " + applied.error().to_string();
    return {};
  }
  if (auto flushed = admin->query("SELECT pg_stat_force_next_flush()"); !flushed.ok()) {
    error = flushed.error().to_string();
    return {};
  }
  return cluster.admin_conninfo(database);
}

// What one fixture was read into; RunInput points into it.
struct LoadedFixture {
  loaders::SchemaLoad schema;
  std::optional<app::SchemaSources> sources;
  std::optional<loaders::LogReadResult> workload;
  std::optional<app::LiveRun> live;
  std::vector<std::string> problems; // loader diagnostics: a fixture must load cleanly
  std::string error;
};

// The inputs of a fixture as `pgadvise lint` would read them (see the
// header for which form means what); with `script_fixture`, a .sql fixture
// is a script for a database. The loaders' own diagnostics are problems,
// but for those of `id` (a parse-error fixture's parse errors).
void load(std::string_view id, bool script_fixture, const fs::path& fixture, LoadedFixture& out) {
  std::string script;
  std::string script_label;
  std::vector<std::string> workload_files;
  if (fs::is_directory(fixture)) {
    auto sources = app::discover({fixture});
    if (!sources.ok()) {
      out.error = sources.error().to_string();
      return;
    }
    out.sources.emplace(std::move(*sources));
    if (!out.sources->project.root.empty()) {
      loaders::scan_project(out.sources->project);
    }
    out.schema = app::load_schema(*out.sources);
    if (fs::is_regular_file(fixture / "setup.psql")) {
      script = read_text(fixture / "setup.psql");
      script_label = "setup.psql";
    }
    if (fs::is_regular_file(fixture / "workload.sql")) {
      workload_files.push_back((fixture / "workload.sql").string());
    }
  } else if (is_workload_file(fixture)) {
    if (const fs::path schema = fixture.parent_path() / "schema.sql"; fs::is_regular_file(schema)) {
      loaders::replay_sql(read_text(schema), "schema.sql", out.schema);
    }
    workload_files.push_back(fixture.string());
  } else if (script_fixture) {
    script = read_text(fixture);
    script_label = fixture.filename().string();
  } else {
    loaders::replay_sql(read_text(fixture), fixture.filename().string(), out.schema);
  }
  for (const core::Finding& diagnostic : out.schema.diagnostics) {
    if (diagnostic.rule == id) {
      continue;
    }
    out.problems.push_back(diagnostic.location.to_string() + ": " + diagnostic.rule + ": " +
                           diagnostic.message);
  }

  if (!workload_files.empty()) {
    out.workload.emplace(is_pgss(workload_files.front()) ? loaders::read_pgss(workload_files.front())
                                                         : loaders::read_logs(workload_files));
    if (!out.workload->usable || out.workload->workload.empty()) {
      out.problems.push_back("the workload gave no queries: " + core::join(out.workload->notes, "; "));
    }
  }

  if (!script.empty()) {
    app::LiveOptions options; // pgadvise's defaults: read-only session, timeouts, EXPLAIN, HypoPG
    options.db_given = true;
    options.db = prepare_database(script, script_label, out.error);
    if (options.db.empty()) {
      return;
    }
    auto live = app::open_live(options, out.schema, out.sources ? *out.sources : app::SchemaSources{});
    if (!live.ok()) {
      out.error = live.error().to_string();
      return;
    }
    out.live.emplace(std::move(*live));
    if (out.workload) {
      std::ostringstream err;
      const model::Project project = out.sources ? out.sources->project : model::Project{};
      app::analyze_live(options, *out.live, &out.workload->workload, project, err);
      if (!err.str().empty()) {
        out.problems.push_back(err.str());
      }
    }
  }
}

engine::RunInput run_input(const LoadedFixture& loaded) {
  engine::RunInput input;
  const bool has_schema =
      loaded.schema.catalog.source != model::SchemaSource::none || !loaded.schema.catalog.tables.empty();
  input.catalog = has_schema ? &loaded.schema.catalog : nullptr;
  input.suppressions = loaded.schema.suppressions;
  if (loaded.sources) {
    input.project = &loaded.sources->project;
    input.other_schemas = &loaded.schema.other_schemas;
    input.files_catalog = input.catalog;
  }
  if (loaded.workload) {
    input.workload = &loaded.workload->workload;
  }
  if (loaded.live) {
    input.catalog = &loaded.live->catalog;
    input.live_analysis = loaded.live->analysis ? &*loaded.live->analysis : nullptr;
  }
  return input;
}

// `file` as the snapshot shows it: relative to the fixture's folder (or to
// the fixture directory itself).
std::string shown_file(const std::string& file, const fs::path& fixture) {
  if (file.empty()) {
    return "-";
  }
  const fs::path base = fs::is_directory(fixture) ? fixture : fixture.parent_path();
  fs::path path(file);
  if (path.is_relative() && fs::exists(base / path)) {
    return path.generic_string();
  }
  std::error_code error;
  path = fs::absolute(path, error).lexically_normal();
  const fs::path relative = path.lexically_relative(base.lexically_normal());
  return relative.empty() ? file : relative.generic_string();
}

std::string_view trim_right(std::string_view text) {
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r')) {
    text.remove_suffix(1);
  }
  return text;
}

// `label: value`, the value's further lines indented by four spaces.
void field(std::ostringstream& out, std::string_view label, std::string_view value) {
  if (core::trim(value).empty()) {
    return;
  }
  out << "  " << label << ":";
  std::istringstream lines{std::string(core::trim(value))};
  std::string line;
  bool first = true;
  while (std::getline(lines, line)) {
    const std::string_view text = trim_right(line);
    if (first) {
      out << (text.empty() ? "" : " ") << text << "\n";
    } else {
      out << (text.empty() ? "" : "    ") << text << "\n";
    }
    first = false;
  }
}

// The fixture's folder as findings may spell it in their text: absolute, and
// relative to the working directory (as the loaders show paths).
std::vector<std::string> base_spellings(const fs::path& fixture) {
  const fs::path base = (fs::is_directory(fixture) ? fixture : fixture.parent_path()).lexically_normal();
  std::vector<std::string> out{base.generic_string() + "/"};
  std::error_code error;
  const fs::path relative = base.lexically_relative(fs::current_path(error));
  if (!error && !relative.empty()) {
    out.push_back(relative.generic_string() + "/");
  }
  return out;
}

// `text` with the fixture's folder left out, the test server's minor
// version ("PostgreSQL 15.x") and how long it has been up ("in the UPTIME
// since the server started": 0 minutes or 1 as the run is fast or slow), so
// snapshots do not depend on where the checkout or the build is, on
// Debian's latest point release, nor on how long the tests before took.
std::string scrubbed(std::string text, const std::vector<std::string>& spellings) {
  for (const std::string& prefix : spellings) {
    for (auto at = text.find(prefix); at != std::string::npos; at = text.find(prefix, at)) {
      text.erase(at, prefix.size());
    }
  }
  static const std::regex k_server(R"(PostgreSQL (\d+)\.\d+)");
  static const std::regex k_uptime(R"(in the [0-9][^()]*? since the server started)");
  return std::regex_replace(std::regex_replace(text, k_server, "PostgreSQL $1.x"), k_uptime,
                            "in the UPTIME since the server started");
}

std::string block(const core::Finding& finding, const std::string& file,
                  const std::vector<std::string>& base) {
  std::ostringstream out;
  out << file << ":" << finding.location.line << ":" << finding.location.column << " " << finding.rule << " "
      << core::to_string(finding.severity);
  if (const std::string object = finding.object.to_string(); !object.empty()) {
    out << " " << object;
  }
  out << "\n";
  field(out, "message", scrubbed(finding.message, base));
  field(out, "help", scrubbed(finding.help.str(), base));
  if (finding.fix) {
    field(out, "fix." + std::string(core::to_string(finding.fix->kind())),
          scrubbed(finding.fix->statements(), base));
    field(out, "fix.drizzle", scrubbed(finding.fix->code_text(), base));
    field(out, "fix.note", scrubbed(finding.fix->safety_note.str(), base));
  }
  return out.str();
}

// The lines that count in a snapshot: no comments, no trailing blanks.
std::string without_comments(const std::string& text) {
  std::istringstream lines(text);
  std::ostringstream out;
  std::string line;
  while (std::getline(lines, line)) {
    if (!line.empty() && line.front() == '#') {
      continue;
    }
    out << trim_right(line) << "\n";
  }
  std::string result = out.str();
  while (result.size() >= 2 && result.ends_with("\n\n")) {
    result.pop_back();
  }
  return result == "\n" ? std::string{} : result;
}

constexpr std::string_view k_header =
    "# What the rule reports on this fixture (tests/support/rule_fixtures.hpp).\n"
    "# PGADVISE_UPDATE_FIXTURES=1 rewrites it; read the diff before keeping it.\n";

// What every finding of every rule must be, whatever the snapshot says.
void expect_well_formed(std::string_view id, bool has_fix, const FixtureRun& run) {
  for (const core::Finding& finding : run.report.findings) {
    SCOPED_TRACE(finding.location.to_string() + " " + finding.message);
    EXPECT_EQ(finding.rule, id);
    EXPECT_FALSE(finding.fingerprint.empty());
    EXPECT_FALSE(finding.message.empty());
    EXPECT_FALSE(finding.help.empty());
    if (run.from_files) {
      EXPECT_TRUE(finding.location.known()) << "a finding from files points at one";
    }
    // A rule that proposes fixes may give none for a hint (json-in-text-column from a name
    // alone); a rule that does not never gives one.
    if (!has_fix) {
      EXPECT_FALSE(finding.fix.has_value());
    }
    // SQL parses, a schema change's and the statements a code change sends alike.
    if (finding.fix && finding.fix->kind() != core::FixKind::shell && !finding.fix->statements().empty()) {
      const auto parsed = pg::parse(finding.fix->statements());
      EXPECT_TRUE(parsed.ok()) << finding.fix->statements() << ": "
                               << (parsed.error ? parsed.error->message : "");
    }
    // Literal values of logged statements are redacted.
    for (const std::string_view secret : {"@example.com'", "'login'", "'pro'"}) {
      EXPECT_EQ(finding.message.find(secret), std::string::npos);
      for (const core::Evidence& evidence : finding.evidence) {
        EXPECT_EQ(evidence.detail.find(secret), std::string::npos) << evidence.detail;
      }
    }
  }
}

// lock-observed: every migration of the fixture run statement by statement
// on a fresh database of the test cluster, as `lint --verify-locks
// --all-migrations` runs them, and what no rule judged reported. An error,
// or "".
std::string observe_locks(const LoadedFixture& loaded, std::vector<core::Finding>& findings) {
  if (!loaded.sources || !loaded.sources->migrations_dir) {
    return "a lock-observed fixture is a project folder with migrations";
  }
  auto order = loaders::migration_order(*loaded.sources->migrations_dir);
  if (!order.ok()) {
    return order.error().to_string();
  }
  std::vector<app::VerifyFile> files;
  for (const fs::path& path : *order) {
    files.push_back({loaders::display_path(path), true});
  }
  std::string error;
  pg::ConnectOptions options;
  options.conninfo = prepare_database("SELECT 1;", "lock-observed", error);
  if (options.conninfo.empty()) {
    return error;
  }
  options.read_only = false;
  options.statement_timeout = std::chrono::seconds(20);
  auto session = pg::Connection::open(options);
  if (!session.ok()) {
    return session.error().to_string();
  }
  auto observed = app::observe_migrations(*session, files, options.statement_timeout);
  if (!observed.ok()) {
    return observed.error().to_string();
  }
  app::attach_observations(findings, *observed, loaded.schema.catalog.migration_steps,
                           [](const std::string&) { return false; });
  return {};
}
} // namespace

FixtureRun run_fixture(std::string_view rule_id, const fs::path& fixture, core::Severity floor) {
  FixtureRun run;
  const engine::Rule* rule = rules::find_rule(rule_id);
  const bool builtin = rule == nullptr && engine::find_builtin(rule_id) != nullptr;
  if (rule == nullptr && !builtin) {
    run.error = "no rule " + std::string(rule_id);
    return run;
  }
  LoadedFixture loaded;
  load(rule_id, rule != nullptr && reads_live(*rule), fixture, loaded);
  if (loaded.error.empty() && !loaded.problems.empty()) {
    loaded.error = "the fixture does not load cleanly:\n  " + core::join(loaded.problems, "\n  ");
  }
  if (!loaded.error.empty()) {
    run.error = loaded.error;
    return run;
  }
  run.from_files = !loaded.live;

  core::Settings settings;
  if (!builtin) { // a built-in comes of the run of every rule (unused-suppression, lock-observed)
    settings.only_rules = {std::string(rule_id)};
  }
  settings.min_severity = floor;
  settings.fail_on = std::nullopt;
  settings.rule_options[std::string(rule_id)] = fixture_options(fixture);
  run.report = app::run_rules(run_input(loaded), settings);
  if (run.report.rules_run.empty()) {
    run.error = "the rule did not run: " + core::join(run.report.skipped, "; ");
  }
  if (!builtin) {
    return run;
  }
  if (rule_id == engine::k_lock_observed) {
    run.error = observe_locks(loaded, run.report.findings);
  }
  std::vector<core::Finding> kept;
  for (core::Finding& finding : run.report.findings) {
    if (finding.rule == rule_id) {
      kept.push_back(std::move(finding));
    }
  }
  for (const core::Finding& diagnostic : loaded.schema.diagnostics) {
    if (diagnostic.rule == rule_id && diagnostic.severity >= floor) {
      kept.push_back(diagnostic);
    }
  }
  run.report.findings = std::move(kept);
  return run;
}

std::string snapshot(const std::vector<core::Finding>& findings, const fs::path& fixture) {
  const std::vector<std::string> base = base_spellings(fixture);
  std::vector<std::tuple<std::string, int, int, std::string, std::string>> rows;
  for (const core::Finding& finding : findings) {
    const std::string file = shown_file(finding.location.file, fixture);
    rows.emplace_back(file, finding.location.line, finding.location.column, finding.object.to_string(),
                      block(finding, file, base));
  }
  std::sort(rows.begin(), rows.end());
  std::string out;
  for (const auto& row : rows) {
    out += (out.empty() ? "" : "\n") + std::get<4>(row);
  }
  return out;
}

std::vector<fs::path> rule_fixtures(std::string_view rule_id, std::string_view prefix) {
  std::vector<fs::path> out;
  std::error_code error;
  for (const auto& entry : fs::directory_iterator(k_fixtures / std::string(rule_id), error)) {
    const std::string name = entry.path().filename().string();
    const std::string ext = entry.path().extension().string();
    if (name.rfind(prefix, 0) == 0 && ext != ".expected" && ext != ".options") {
      out.push_back(entry.path());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

bool needs_cluster(std::string_view rule_id) {
  const engine::Rule* rule = rules::find_rule(rule_id);
  if ((rule != nullptr && reads_live(*rule)) || rule_id == engine::k_lock_observed) {
    return true;
  }
  for (const std::string_view prefix : {"bad_", "good_"}) {
    for (const fs::path& fixture : rule_fixtures(rule_id, prefix)) {
      if (fs::is_regular_file(fixture / "setup.psql")) {
        return true;
      }
    }
  }
  return false;
}

void check_rule_fixtures(std::string_view rule_id) {
  const engine::Rule* rule = rules::find_rule(rule_id);
  ASSERT_TRUE(rule != nullptr || engine::find_builtin(rule_id) != nullptr) << rule_id;
  const auto bad = rule_fixtures(rule_id, "bad_");
  const auto good = rule_fixtures(rule_id, "good_");
  ASSERT_FALSE(bad.empty()) << rule_id << ": no bad_ fixture";
  ASSERT_FALSE(good.empty()) << rule_id << ": no good_ fixture";
  const bool update = std::getenv("PGADVISE_UPDATE_FIXTURES") != nullptr;
  for (const fs::path& fixture : bad) {
    SCOPED_TRACE(fixture.filename().string());
    const FixtureRun run = run_fixture(rule_id, fixture);
    ASSERT_TRUE(run.error.empty()) << run.error;
    const std::string actual = snapshot(run.report.findings, fixture);
    const fs::path expected = beside(fixture, ".expected");
    if (update) {
      std::ofstream(expected, std::ios::binary) << k_header << actual;
    } else {
      EXPECT_FALSE(actual.empty()) << "a bad_ fixture must produce at least one finding";
      EXPECT_EQ(actual, without_comments(read_text(expected)))
          << expected.filename() << " differs; PGADVISE_UPDATE_FIXTURES=1 rewrites it";
    }
    expect_well_formed(rule_id, rule != nullptr && rule->meta().has_fix, run);
  }
  for (const fs::path& fixture : good) {
    SCOPED_TRACE(fixture.filename().string());
    const FixtureRun run = run_fixture(rule_id, fixture, core::Settings{}.min_severity);
    ASSERT_TRUE(run.error.empty()) << run.error;
    EXPECT_EQ(snapshot(run.report.findings, fixture), "");
  }
}

} // namespace pgadvise::test_support
