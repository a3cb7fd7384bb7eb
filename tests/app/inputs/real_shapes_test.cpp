// `pgadvise lint` on projects in the layouts and schema styles of public
// Drizzle apps (fixtures/real-shapes/, each written by real drizzle-kit; each
// README says which shapes it has): what a user of such an app is told.
#include "support/cli.hpp"
#include "support/reports.hpp"

#include <filesystem>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

namespace pgadvise::test {
namespace real_shapes_test {

namespace fs = std::filesystem;
using nlohmann::json;

const fs::path k_shapes = fs::path(PGADVISE_SOURCE_DIR) / "fixtures" / "real-shapes";

// The JSON report of `pgadvise lint ARGS... <fixture>`, run from the fixture.
json lint(const std::string& fixture, std::vector<std::string> args = {}) {
  std::vector<std::string> command{"lint", "--format", "json", "--min-severity", "info"};
  command.insert(command.end(), args.begin(), args.end());
  command.emplace_back(".");
  const ProcessResult result = run_pgadvise_in((k_shapes / fixture).string(), command);
  EXPECT_LE(result.exit_code, 1) << result.err;
  return report_of(result);
}

// What each finding of `rule` is about: its message.
std::set<std::string> messages(const json& report, std::string_view rule) {
  std::set<std::string> out;
  for (const json& finding : findings_of(report, rule)) {
    out.insert(finding.value("message", ""));
  }
  return out;
}

// Column helpers that take the column's name (timestamptz('created_at')),
// shared through a spread object: the schema.ts agrees with the SQL
// drizzle-kit generated from it, so no index is drift, and the foreign keys
// without an index are the ones reported.
TEST(RealShapes, ChatSchemasFolderHelpersWithParametersAreNotDrift) {
  const json report = lint("chat-schemas-folder");
  EXPECT_TRUE(messages(report, "snapshot-drift").empty()) << report.dump(2);
  EXPECT_EQ(findings_of(report, "unindexed-foreign-key").size(), 7U) << report.dump(2);
}

// Index keys written as sql`${table.name} gin_trgm_ops` and sql`${table.createdAt}`
// in the object form: PostgreSQL (and so the SQL replay) reads each as a
// column key, as schema.ts and the snapshot now do, so they are not drift;
// the foreign keys no index starts with are reported, the ones a `.desc()`
// key or an unnamed index covers are not.
TEST(RealShapes, RiversObjectFormSqlColumnKeysAreNotDrift) {
  const json report = lint("rivers-object-form");
  EXPECT_TRUE(messages(report, "snapshot-drift").empty()) << report.dump(2);
  EXPECT_EQ(
      messages(report, "unindexed-foreign-key"),
      (std::set<std::string>{
          "Foreign key rivers_drop(author_id) -> rivers_planet(id) has no index that starts with author_id",
          "Foreign key rivers_drop(river_slug) -> rivers_river(slug) has no index that starts with "
          "river_slug"}));
  EXPECT_EQ(findings_of(report, "concurrently-in-transaction").size(), 2U);
}

} // namespace real_shapes_test
} // namespace pgadvise::test
