#pragma once

#include "support/fixture_files.hpp"

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

// Fixture runner for live-only rules (inputs include `live`), which a .sql
// replay cannot drive: their findings come from usage counters.
//
// A live fixture fixtures/rules/<id>/{bad,good}_*.sql is a script: DDL, data
// and a workload (the queries whose counters the rule reads). The runner
// applies it to a fresh database of the test cluster as the superuser,
// flushes the statistics, reads the live catalog through a read-only
// pgadvise session, and runs the one rule with every finding shown.
//
// Same conventions as tests/rules/fixtures_test.cpp: `-- fixture-option:
// name=value` lines set rule options; bad_*.expected lists one finding per
// line as `LINE:COL rule-id severity object` (LINE:COL is 0:0: live objects
// have no file location); PGADVISE_UPDATE_EXPECTED=1 rewrites them.
namespace pgadvise::test_support {

struct LiveFixtureRun {
  std::vector<std::string> lines; // findings in .expected format, sorted
  std::string error;              // set when the fixture could not be run
};

LiveFixtureRun run_live_fixture(const std::filesystem::path& sql_file, std::string_view rule_id);

// fixtures/rules/<rule_id>/<prefix>*.sql, sorted.
std::vector<std::filesystem::path> live_fixtures(std::string_view rule_id, std::string_view prefix);

// Runs every bad_ and good_ fixture of a live rule and checks them (gtest
// assertions); with PGADVISE_UPDATE_EXPECTED=1, rewrites bad_*.expected.
void check_live_fixtures(std::string_view rule_id);

} // namespace pgadvise::test_support
