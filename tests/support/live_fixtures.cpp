#include "support/live_fixtures.hpp"

#include "core/text.hpp"
#include "rules/registry.hpp"
#include "engine/builtin_diagnostics.hpp"
#include "engine/runner.hpp"
#include "loaders/live/catalog.hpp"
#include "support/pg_cluster.hpp"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <gtest/gtest.h>
#include <map>
#include <sstream>
#include <tuple>

namespace pgadvise::test_support {

namespace {

namespace fs = std::filesystem;

const fs::path k_fixtures = fs::path(PGADVISE_SOURCE_DIR) / "fixtures" / "rules";

// Applies the script and makes its counters visible to other sessions: a
// backend sends its statistics when idle, at most once a second, unless
// asked to flush now.
std::string apply(const std::string& database, const std::string& sql) {
  auto admin = PgCluster::instance().admin(database);
  if (!admin.ok()) {
    return admin.error().to_string();
  }
  if (auto applied = admin->run_script(sql, "fixture"); !applied.ok()) {
    return applied.error().to_string();
  }
  if (auto flushed = admin->query("SELECT pg_stat_force_next_flush()"); !flushed.ok()) {
    return flushed.error().to_string();
  }
  return {};
}

} // namespace

LiveFixtureRun run_live_fixture(const fs::path& sql_file, std::string_view rule_id) {
  LiveFixtureRun run;
  PgCluster& cluster = PgCluster::instance();
  if (!cluster.ok()) {
    run.error = "PostgreSQL test cluster unavailable: " + cluster.error();
    return run;
  }
  const engine::Rule* rule = rules::find_rule(rule_id);
  if (rule == nullptr) {
    run.error = "no rule " + std::string(rule_id);
    return run;
  }
  const std::string sql = read_file(sql_file);
  const std::string database = cluster.create_database("fixture", &run.error);
  if (database.empty()) {
    return run;
  }
  if (run.error = apply(database, sql); !run.error.empty()) {
    return run;
  }

  pg::ConnectOptions options; // pgadvise's defaults: read-only, timeouts
  options.conninfo = cluster.admin_conninfo(database);
  auto connection = pg::Connection::open(options);
  if (!connection.ok()) {
    run.error = connection.error().to_string();
    return run;
  }
  auto load = loaders::load_live_catalog(*connection);
  if (!load.ok()) {
    run.error = load.error().to_string();
    return run;
  }

  core::Settings settings;
  settings.only_rules = {std::string(rule_id)};
  settings.min_severity = core::Severity::info;
  settings.fail_on = std::nullopt;
  settings.rule_options[std::string(rule_id)] = fixture_options(sql);
  engine::RunInput input;
  input.catalog = &load->catalog;
  const engine::RunReport report = engine::run(input, settings, {rule});
  if (report.rules_run.empty()) {
    run.error = "the rule did not run: " + core::join(report.skipped, "; ");
    return run;
  }
  run.lines = finding_lines(report.findings);
  return run;
}

std::vector<fs::path> live_fixtures(std::string_view rule_id, std::string_view prefix) {
  std::vector<fs::path> out;
  std::error_code error;
  for (const auto& entry : fs::directory_iterator(k_fixtures / std::string(rule_id), error)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind(prefix, 0) == 0 && entry.path().extension() == ".sql") {
      out.push_back(entry.path());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

void check_live_fixtures(std::string_view rule_id) {
  const auto bad = live_fixtures(rule_id, "bad_");
  const auto good = live_fixtures(rule_id, "good_");
  ASSERT_FALSE(bad.empty()) << rule_id << ": no bad_*.sql fixture";
  ASSERT_FALSE(good.empty()) << rule_id << ": no good_*.sql fixture";
  const bool update = std::getenv("PGADVISE_UPDATE_EXPECTED") != nullptr;
  for (const fs::path& path : bad) {
    SCOPED_TRACE(path.filename().string());
    const LiveFixtureRun run = run_live_fixture(path, rule_id);
    ASSERT_TRUE(run.error.empty()) << run.error;
    fs::path expected = path;
    expected.replace_extension(".expected");
    if (update) {
      std::ofstream out(expected, std::ios::binary);
      for (const std::string& line : run.lines) {
        out << line << "\n";
      }
      continue;
    }
    EXPECT_FALSE(run.lines.empty()) << "a bad_ fixture must produce at least one finding";
    EXPECT_EQ(run.lines, expected_lines(expected));
  }
  for (const fs::path& path : good) {
    SCOPED_TRACE(path.filename().string());
    const LiveFixtureRun run = run_live_fixture(path, rule_id);
    ASSERT_TRUE(run.error.empty()) << run.error;
    EXPECT_EQ(run.lines, std::vector<std::string>{});
  }
}

} // namespace pgadvise::test_support
