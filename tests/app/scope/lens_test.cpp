// app/scope/lens: which migrations the change and convention rules judge, and what
// happens to their findings in the others.
#include "app/scope/lens.hpp"

#include <algorithm>
#include <gtest/gtest.h>
#include <map>

using namespace pgadvise;

namespace app_lens_test {

const std::vector<std::string> k_migrations = {"drizzle/0000_users.sql", "drizzle/0001_teams.sql",
                                               "drizzle/0002_tasks.sql"};

core::Finding finding(const std::string& rule, core::Severity severity, const std::string& file,
                      const std::string& table) {
  core::Finding f;
  f.rule = rule;
  f.severity = severity;
  f.message = rule + " on " + table;
  f.object = core::ObjectRef{"public", table, {"created_at"}, {}};
  f.location = {file, 3, 2};
  f.compute_fingerprint(file);
  return f;
}

// One of each lens in every migration, plus a convention finding measured
// sizes graded up, and an unindexed FK (a state rule).
std::vector<core::Finding> findings() {
  std::vector<core::Finding> out;
  const std::vector<std::string> tables = {"users", "teams", "tasks"};
  for (std::size_t i = 0; i < k_migrations.size(); ++i) {
    out.push_back(
        finding("index-created-non-concurrently", core::Severity::medium, k_migrations[i], tables[i]));
    out.push_back(finding("timestamp-without-time-zone", core::Severity::low, k_migrations[i], tables[i]));
    out.push_back(finding("unindexed-foreign-key", core::Severity::critical, k_migrations[i], tables[i]));
  }
  out.push_back(finding("integer-primary-key-overflow", core::Severity::high, k_migrations[0], "users"));
  return out;
}

// The one low finding for a convention's existing columns: its evidence is
// each existing column (kind "existing").
bool is_summary(const core::Finding& f) {
  return std::any_of(f.evidence.begin(), f.evidence.end(),
                     [](const core::Evidence& e) { return e.kind == core::Evidence::Kind::existing; });
}

// The rule's findings of its own (summary false) or its summaries (true).
std::size_t count_of(const std::vector<core::Finding>& list, std::string_view rule, bool summary) {
  return static_cast<std::size_t>(std::count_if(list.begin(), list.end(), [&](const core::Finding& f) {
    return f.rule == rule && is_summary(f) == summary;
  }));
}

app::LensScope scope(app::LensBasis basis, std::set<std::string> judged) {
  app::LensScope out;
  out.basis = basis;
  out.judged = std::move(judged);
  out.migrations = k_migrations;
  return out;
}

model::MigrationFile journal_file(const std::string& tag, std::int64_t when) {
  model::MigrationFile file;
  file.tag = tag;
  file.when = when;
  file.exists = true;
  file.hash = "hash-of-" + tag;
  return file;
}

TEST(Lens, NewestJudgesOneMigrationAndSummarizesExistingColumns) {
  std::vector<core::Finding> list = findings();
  const app::LensScope newest = scope(app::LensBasis::newest, {k_migrations.back()});
  const app::LensOutcome outcome = app::apply_lens(list, newest, core::Settings{});

  // Lock findings: only the newest migration's.
  ASSERT_EQ(count_of(list, "index-created-non-concurrently", false), 1U);
  for (const core::Finding& f : list) {
    if (f.rule == "index-created-non-concurrently") {
      EXPECT_EQ(f.location.file, k_migrations.back());
    }
  }
  // Convention: the newest one's own finding, and one low summary for the rest.
  EXPECT_EQ(count_of(list, "timestamp-without-time-zone", false), 1U);
  ASSERT_EQ(count_of(list, "timestamp-without-time-zone", true), 1U);
  const auto summary = std::find_if(list.begin(), list.end(), [](const core::Finding& f) {
    return f.rule == "timestamp-without-time-zone" && is_summary(f);
  });
  EXPECT_EQ(summary->severity, core::Severity::low);
  EXPECT_EQ(summary->evidence.size(), 2U);
  EXPECT_NE(summary->message.find("2 existing columns"), std::string::npos) << summary->message;
  EXPECT_NE(summary->message.find("users, teams"), std::string::npos) << summary->message;
  EXPECT_NE(summary->help.find("rarely worth it"), std::string::npos);
  EXPECT_FALSE(summary->fix.has_value());
  EXPECT_FALSE(summary->fingerprint.empty());
  EXPECT_EQ(summary->location.file, summary->evidence.front().location.file); // at the first existing column
  // State rules and measured convention findings are untouched.
  EXPECT_EQ(count_of(list, "unindexed-foreign-key", false), 3U);
  EXPECT_EQ(count_of(list, "integer-primary-key-overflow", false), 1U);

  EXPECT_EQ(outcome.files_not_judged, 2U);
  EXPECT_EQ(outcome.dropped, 2U);
  EXPECT_EQ(outcome.summarized, 2U);
  const std::string note = app::lens_note(newest, outcome);
  EXPECT_NE(note.find("only the newest migration, drizzle/0002_tasks.sql"), std::string::npos) << note;
  EXPECT_NE(note.find("the 2 earlier migrations were not judged"), std::string::npos) << note;
  EXPECT_NE(note.find("--all-migrations"), std::string::npos) << note;
  EXPECT_NE(note.find("all_migrations = true"), std::string::npos) << note;
}

// The summary's help puts the rule's summary mid-sentence: its capital
// goes ("Existing primary key on a serial column", was "Existing Primary
// key"), a lower-case one ("int4 ...") is left as it is.
TEST(Lens, TheSummaryHelpReadsAsOneSentence) {
  std::vector<core::Finding> list;
  for (const std::string& file : {k_migrations[0], k_migrations[1]}) {
    list.push_back(finding("serial-primary-key", core::Severity::low, file, "users"));
    list.push_back(finding("integer-primary-key-overflow", core::Severity::low, file, "users"));
  }
  app::apply_lens(list, scope(app::LensBasis::newest, {k_migrations.back()}), core::Settings{});
  std::map<std::string, std::string> help;
  for (const core::Finding& f : list) {
    if (is_summary(f)) {
      help[f.rule] = f.help;
    }
  }
  ASSERT_EQ(help.size(), 2U);
  EXPECT_EQ(help["serial-primary-key"].rfind("Existing primary key on a serial column instead of an identity "
                                             "column: changing these columns",
                                             0),
            0U)
      << help["serial-primary-key"];
  EXPECT_EQ(help["integer-primary-key-overflow"].rfind("Existing int4 primary key", 0), 0U)
      << help["integer-primary-key-overflow"];
}

TEST(Lens, AllLeavesEveryFindingAndSaysNothing) {
  std::vector<core::Finding> list = findings();
  const app::LensScope all = scope(app::LensBasis::all, {});
  const app::LensOutcome outcome = app::apply_lens(list, all, core::Settings{});
  EXPECT_EQ(list.size(), findings().size());
  EXPECT_TRUE(app::lens_note(all, outcome).empty());
}

TEST(Lens, ChangedDropsConventionFindingsOutsideTheBranchWithoutASummary) {
  std::vector<core::Finding> list = findings();
  const app::LensScope changed = scope(app::LensBasis::changed, {k_migrations[1], k_migrations[2]});
  const app::LensOutcome outcome = app::apply_lens(list, changed, core::Settings{});
  EXPECT_EQ(count_of(list, "index-created-non-concurrently", false), 2U);
  EXPECT_EQ(count_of(list, "timestamp-without-time-zone", false), 2U);
  EXPECT_EQ(count_of(list, "timestamp-without-time-zone", true), 0U);
  EXPECT_EQ(outcome.dropped, 2U);
  EXPECT_TRUE(app::lens_note(changed, outcome).empty()); // --changed-since says what it left out
}

TEST(Lens, SummaryObeysTheSeverityFloor) {
  std::vector<core::Finding> list = findings();
  core::Settings settings;
  settings.min_severity = core::Severity::medium;
  app::apply_lens(list, scope(app::LensBasis::newest, {k_migrations.back()}), settings);
  EXPECT_EQ(count_of(list, "timestamp-without-time-zone", true), 0U);
}

TEST(Lens, FilesOutsideTheMigrationsAreAlwaysJudged) {
  std::vector<core::Finding> list = {
      finding("index-created-non-concurrently", core::Severity::medium, "schema.sql", "users"),
      finding("timestamp-without-time-zone", core::Severity::low, "src/db/schema.ts", "users")};
  app::apply_lens(list, scope(app::LensBasis::newest, {k_migrations.back()}), core::Settings{});
  EXPECT_EQ(list.size(), 2U);
}

TEST(Lens, PendingMigrationsAreTheOnesTheLedgerDoesNotList) {
  model::MigrationLedger ledger;
  ledger.files = {journal_file("0000_users", 100), journal_file("0001_teams", 200),
                  journal_file("0002_tasks", 300)};
  model::AppliedMigration first;
  first.id = 1;
  first.hash = "edited-since";
  first.created_at = 100; // drizzle-orm's record: the journal's `when`
  model::AppliedMigration second;
  second.id = 2;
  second.hash = "hash-of-0001_teams"; // an older record without created_at, by hash
  ledger.applied = {first, second};
  EXPECT_EQ(app::pending_migrations(k_migrations, ledger), (std::set<std::string>{"drizzle/0002_tasks.sql"}));

  // drizzle-kit 1.0: a folder per migration.
  ledger.files = {journal_file("20250101000000_users", 100), journal_file("20250102000000_teams", 200)};
  EXPECT_EQ(app::pending_migrations(
                {"drizzle/20250101000000_users/migration.sql", "drizzle/20250102000000_teams/migration.sql"},
                ledger),
            (std::set<std::string>{"drizzle/20250102000000_teams/migration.sql"}));
}

} // namespace app_lens_test
