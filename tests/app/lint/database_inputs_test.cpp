// A run over several drizzle.configs builds each database's input in stage 2
// (app/lint/multi_database): its own schema, the project as its config sees
// it holding only its own code, its share of the workload. Stage 3 runs the
// rules over those inputs and leaves the run's project as it was read.
// fixtures/real-shapes/apps-folder: blog/ and helpdesk/ (packages/db's
// config, apps/api's code), with a PostgreSQL 15 log of both apps' traffic.

#include "app/lint/lint_run.hpp"
#include "reporters/formats.hpp"
#include "support/paths.hpp"

#include <filesystem>
#include <gtest/gtest.h>
#include <sstream>
#include <string>

namespace database_inputs_test {

namespace fs = std::filesystem;
using namespace pgadvise;

const fs::path k_apps = fs::path(PGADVISE_SOURCE_DIR) / "fixtures" / "real-shapes" / "apps-folder";

bool under(const core::SourceLocation& location, const std::string& folder) {
  return location.file.str().find(folder) != std::string::npos;
}

TEST(DatabaseInputs, EachDatabaseHasItsOwnInputAndTheRunsProjectStaysWhole) {
  app::LintOptions options;
  options.paths = {k_apps.string()};
  options.format = &reporters::output_formats().front();
  options.fail_on = core::FailOn{std::nullopt};
  options.workload.logs = {(k_apps / "logs" / "postgresql-15.log.gz").string()};
  app::LintRun run;
  std::ostringstream err;
  ASSERT_FALSE(app::plan_lint(options, run, err)) << err.str();
  ASSERT_FALSE(app::read_lint_inputs(run, err)) << err.str();
  ASSERT_EQ(run.databases.size(), 2U);
  const std::size_t calls = run.sources.project.query_calls.size();
  ASSERT_GT(calls, 0U);

  std::size_t shared_out = 0;
  for (const app::DatabaseInput& database : run.databases) {
    const std::string app_folder =
        database.shown.substr(0, database.shown.find('/') + 1); // "blog/", "helpdesk/"
    for (const model::QueryCall& call : database.project.query_calls) {
      EXPECT_TRUE(under(call.location, app_folder)) << call.location.file.str() << " in " << database.shown;
    }
    EXPECT_FALSE(database.project.query_calls.empty())
        << database.shown; // blog's posts.ts, helpdesk's inbox.ts
    shared_out += database.project.query_calls.size();
    ASSERT_TRUE(database.workload.has_value()) << database.shown;
    EXPECT_FALSE(database.workload->queries.empty()) << database.shown;
  }
  EXPECT_EQ(shared_out, calls); // every call in one database's share
  const app::DatabaseInput& second = run.databases[1];
  EXPECT_EQ(second.input.project, &second.project);
  EXPECT_EQ(second.input.catalog, &second.load->catalog);
  EXPECT_EQ(second.input.workload, &*second.workload);
  EXPECT_NE(second.input.catalog, run.input.catalog);
  EXPECT_NE(second.project.drizzle_config, run.sources.project.drizzle_config); // seen as its own config

  ASSERT_FALSE(app::check_lint_inputs(run, err)) << err.str();
  EXPECT_EQ(run.sources.project.query_calls.size(), calls); // nothing lent out of it
  EXPECT_EQ(run.databases.front().input.project, &run.databases.front().project);
  EXPECT_FALSE(run.report.findings.empty());
}

} // namespace database_inputs_test
