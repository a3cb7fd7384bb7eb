// Tables a migration uses but no file creates (a lone migration file, as a
// pull request adds one, or as squawk's and pgfence's test inputs are):
// taken as tables in use before the files (loaders/sql/replay_assumed), so
// that the lock rules judge the statements, instead of a replay-warning.
#include "sql_replay_test_support.hpp"

#include <gtest/gtest.h>

namespace sql_replay_assumed_test {

using namespace pgadvise;
using namespace pgadvise::test;

bool any_note_contains(const loaders::SchemaLoad& load, std::string_view text) {
  return std::any_of(load.notes.begin(), load.notes.end(),
                     [&](const std::string& note) { return note.find(text) != std::string::npos; });
}

TEST(SqlReplayAssumed, ALoneFilesTableIsInUseAndItsStatementsAreSteps) {
  const auto load = test::replay(R"sql(ALTER TABLE invoices ADD COLUMN memo text;
ALTER TABLE invoices ALTER COLUMN amount SET NOT NULL;
CREATE INDEX invoices_memo_idx ON invoices (memo);
ALTER TABLE invoices ALTER COLUMN amount TYPE bigint USING amount::bigint;
UPDATE invoices SET memo = '';)sql");
  EXPECT_TRUE(load.diagnostics.empty()) << load.diagnostics.front().message;
  const model::Table* invoices = load.catalog.find_table("public", "invoices");
  ASSERT_NE(invoices, nullptr);
  EXPECT_TRUE(invoices->assumed);
  // Only what the statements name: the added column with its type, the
  // named one of unknown type (until the ALTER TYPE gives it one).
  ASSERT_NE(invoices->find_column("memo"), nullptr);
  EXPECT_EQ(invoices->find_column("memo")->type.name, "text");
  ASSERT_NE(invoices->find_column("amount"), nullptr);
  EXPECT_EQ(invoices->find_column("amount")->type.name, "int8");
  const auto& steps = load.catalog.migration_steps;
  ASSERT_EQ(steps.size(), 5U);
  for (const model::MigrationStep& step : steps) {
    EXPECT_FALSE(step.table_is_new) << step.object; // in use: created by no file of the run
  }
  EXPECT_EQ(steps[1].kind, model::MigrationStepKind::set_not_null);
  EXPECT_TRUE(steps[1].scans);
  EXPECT_EQ(steps[3].kind, model::MigrationStepKind::alter_column_type);
  EXPECT_TRUE(steps[3].old_type.empty()); // unknown; bigint relaxes no text or numeric type: a rewrite
  EXPECT_TRUE(steps[3].rewrites);
  EXPECT_EQ(steps[4].kind, model::MigrationStepKind::update_rows);
  EXPECT_TRUE(any_note_contains(load, "invoices (m.sql line 1) is not created by these files"));
}

// A table renamed after statements on it (a lone file's, as pgfence's
// rename-table, or a table the file created): the earlier steps follow it to
// its new name, where the lock rules find it at the end of the history (they
// were on a name no table had, and no rule judged them). The swap pattern
// keeps the new table of the old name apart.
TEST(SqlReplayAssumed, StepsBeforeARenameFollowTheTable) {
  const auto load =
      test::replay(R"sql(ALTER TABLE parcels ADD COLUMN public_id uuid DEFAULT gen_random_uuid();
CREATE INDEX parcels_public_id_idx ON parcels (public_id);
ALTER TABLE parcels RENAME TO shipments;
CREATE TABLE parcels (id bigint PRIMARY KEY, note text);
CREATE INDEX parcels_note_idx ON parcels (note);)sql");
  const auto& steps = load.catalog.migration_steps;
  ASSERT_EQ(steps.size(), 4U);
  EXPECT_EQ(steps[0].table, "shipments");
  EXPECT_EQ(steps[0].kind, model::MigrationStepKind::add_column);
  EXPECT_EQ(steps[1].table, "shipments");
  EXPECT_EQ(steps[1].kind, model::MigrationStepKind::create_index);
  EXPECT_EQ(steps[2].table, "shipments"); // the RENAME itself
  EXPECT_EQ(steps[3].table, "parcels");   // the new table's index
  EXPECT_TRUE(steps[3].table_is_new);
  ASSERT_NE(load.catalog.find_table("public", "shipments"), nullptr);
  EXPECT_TRUE(load.catalog.find_table("public", "shipments")->assumed);
}

TEST(SqlReplayAssumed, ATypeChangeFromAnUnknownTypeToTextIsNotARewrite) {
  // varchar(n) to text or a wider varchar is catalog-only, and the usual
  // source of such a change; any other target rewrites from almost any type.
  const auto load = test::replay(R"sql(ALTER TABLE notes ALTER COLUMN body TYPE text;
ALTER TABLE notes ALTER COLUMN title TYPE varchar(200);
ALTER TABLE notes ALTER COLUMN rank TYPE bigint;)sql");
  const auto& steps = load.catalog.migration_steps;
  ASSERT_EQ(steps.size(), 3U);
  EXPECT_FALSE(steps[0].rewrites);
  EXPECT_FALSE(steps[1].rewrites);
  EXPECT_TRUE(steps[2].rewrites);
}

TEST(SqlReplayAssumed, ReferencedTablesAndDroppedObjectsAreNoWarnings) {
  const auto load = test::replay(R"sql(ALTER TABLE shipments ADD CONSTRAINT shipments_order_fk
  FOREIGN KEY (order_id) REFERENCES orders (id) NOT VALID;
ALTER TABLE shipments VALIDATE CONSTRAINT shipments_order_fk;
ALTER TABLE shipments VALIDATE CONSTRAINT shipments_carrier_check;
ALTER TABLE shipments RENAME COLUMN eta TO expected_at;
DROP INDEX shipments_old_idx;
DROP TABLE legacy_shipments;)sql");
  EXPECT_TRUE(load.diagnostics.empty()) << load.diagnostics.front().message;
  const model::Table* shipments = load.catalog.find_table("public", "shipments");
  ASSERT_NE(shipments, nullptr);
  ASSERT_EQ(shipments->foreign_keys.size(), 1U);
  EXPECT_EQ(shipments->foreign_keys[0].ref_table, "orders");
  EXPECT_NE(shipments->find_column("expected_at"), nullptr);
  // The referenced table is noted, not made: only the altered one is a table of the catalog.
  EXPECT_EQ(load.catalog.find_table("public", "orders"), nullptr);
  EXPECT_TRUE(any_note_contains(load, "orders (m.sql line 1) is not created by these files"));
  EXPECT_TRUE(any_note_contains(load, "index shipments_old_idx (m.sql line 6) is not built"));
  // Its DROP is a step on a table the files do not name, for index-dropped-non-concurrently.
  const auto& steps = load.catalog.migration_steps;
  const auto drop = std::find_if(steps.begin(), steps.end(), [](const model::MigrationStep& step) {
    return step.kind == model::MigrationStepKind::drop_index;
  });
  ASSERT_NE(drop, steps.end());
  EXPECT_EQ(drop->object, "shipments_old_idx");
  EXPECT_TRUE(drop->table.empty());
  EXPECT_EQ(drop->lock, model::LockMode::access_exclusive);
}

TEST(SqlReplayAssumed, ATableTheFilesCreatedStillWarnsAboutWhatItLacks) {
  const auto load = test::replay(R"sql(CREATE TABLE t (id int);
ALTER TABLE t ALTER COLUMN ghost SET NOT NULL;
ALTER TABLE t VALIDATE CONSTRAINT ghost_check;)sql");
  EXPECT_EQ(rule_ids(load), (std::vector<std::string>{"replay-warning", "replay-warning"}));
  EXPECT_FALSE(load.catalog.find_table("public", "t")->assumed);
  EXPECT_EQ(load.catalog.find_table("public", "t")->find_column("ghost"), nullptr);
}

TEST(SqlReplayAssumed, APrimaryKeyAdoptingAnIndexOnAnUnknownColumnIsNoScan) {
  // Whether the earlier column is NOT NULL is not known: no null scan is claimed.
  const auto load = test::replay(R"sql(CREATE UNIQUE INDEX CONCURRENTLY carriers_code_idx ON carriers (code);
ALTER TABLE carriers ADD CONSTRAINT carriers_pkey PRIMARY KEY USING INDEX carriers_code_idx;)sql");
  const auto& steps = load.catalog.migration_steps;
  ASSERT_EQ(steps.size(), 2U);
  EXPECT_EQ(steps[1].kind, model::MigrationStepKind::add_key);
  EXPECT_FALSE(steps[1].scans);
}

TEST(SqlReplayAssumed, ASchemaNoFileCreatesIsTakenAsExisting) {
  // squawk's prefer-timestamptz cases create tables in app.* with no CREATE SCHEMA.
  const auto load =
      test::replay(R"sql(CREATE TABLE app.sessions (id bigint PRIMARY KEY, started_at timestamp);)sql");
  EXPECT_TRUE(load.diagnostics.empty()) << load.diagnostics.front().message;
  EXPECT_NE(load.catalog.find_table("app", "sessions"), nullptr);
  EXPECT_TRUE(any_note_contains(load, "schema \"app\" (m.sql line 1) is not created by these files"));
}

// A type or domain no file creates, moved to another schema (squawk's
// ALTER DOMAIN cases), is one from before the files, as its RENAME and ADD
// VALUE take it: a note, not a replay-warning. One the files created moves.
TEST(SqlReplayAssumed, ATypeNoFileCreatesMovesToAnotherSchemaWithoutAWarning) {
  const auto load = test::replay(R"sql(ALTER TYPE mood SET SCHEMA archive;
ALTER DOMAIN positive_int SET SCHEMA archive;
CREATE TYPE status AS ENUM ('on', 'off');
ALTER TYPE status SET SCHEMA archive;)sql");
  EXPECT_TRUE(load.diagnostics.empty()) << load.diagnostics.front().message;
  EXPECT_TRUE(any_note_contains(load, "type mood (m.sql line 1) is not created by these files"));
  EXPECT_TRUE(any_note_contains(load, "type positive_int (m.sql line 2) is not created by these files"));
  ASSERT_EQ(load.catalog.enums.size(), 1U);
  EXPECT_EQ(load.catalog.enums[0].schema, "archive");
}

// A table the files dropped is gone, not one from before them: PostgreSQL
// rejects a statement on it until a CREATE TABLE brings it back, and each
// warning says where it was dropped.
TEST(SqlReplayAssumed, ATableTheFilesDroppedIsNotAssumedAgain) {
  const auto load = test::replay(R"sql(CREATE TABLE drafts (id bigint PRIMARY KEY, author_id bigint);
DROP TABLE drafts;
CREATE INDEX drafts_author_idx ON drafts (author_id);
ALTER TABLE drafts ADD COLUMN title text;
ALTER TABLE drafts RENAME TO notes;
ALTER TABLE IF EXISTS drafts ADD COLUMN body text;
DROP TABLE IF EXISTS archived;
ALTER TABLE archived ADD COLUMN note text;
CREATE TABLE drafts (id bigint PRIMARY KEY, author_id bigint);
CREATE INDEX drafts_author_idx ON drafts (author_id);)sql");
  std::vector<std::string> messages;
  for (const core::Finding& finding : load.diagnostics) {
    messages.push_back(std::to_string(finding.location.line) + ": " + finding.message);
  }
  EXPECT_EQ(messages, (std::vector<std::string>{
                          "3: CREATE INDEX on table drafts, which does not exist (dropped at m.sql line 2)",
                          "4: ALTER TABLE on drafts, which does not exist (dropped at m.sql line 2)",
                          "5: relation drafts does not exist (dropped at m.sql line 2)",
                          "8: ALTER TABLE on archived, which does not exist (dropped at m.sql line 7)"}));
  EXPECT_EQ(load.catalog.find_table("public", "notes"), nullptr);
  EXPECT_EQ(load.catalog.find_table("public", "archived"), nullptr);
  const model::Table* drafts = load.catalog.find_table("public", "drafts");
  ASSERT_NE(drafts, nullptr);
  EXPECT_FALSE(drafts->assumed);
  std::vector<std::string> indexes;
  for (const model::Index& index : drafts->indexes) {
    indexes.push_back(index.name);
  }
  EXPECT_EQ(indexes, (std::vector<std::string>{"drafts_pkey", "drafts_author_idx"})); // of the new table
}

// ADD CONSTRAINT ... USING INDEX on a table from before the files (pgfence's
// safe-constraint-using-index): the index was built before them too, so no
// replay-warning; the step is there for the lock rules, without a scan.
TEST(SqlReplayAssumed, AConstraintUsingAnIndexOfATableFromBeforeTheFilesIsAStep) {
  const auto load = test::replay(
      R"sql(ALTER TABLE businesses ADD CONSTRAINT "UQ_owner" UNIQUE USING INDEX "UQ_owner";
ALTER TABLE users ADD CONSTRAINT users_pkey PRIMARY KEY USING INDEX users_pkey_idx;
CREATE TABLE fresh (id int);
ALTER TABLE fresh ADD CONSTRAINT fresh_pkey PRIMARY KEY USING INDEX fresh_id_idx;)sql");
  ASSERT_EQ(load.diagnostics.size(), 1U); // fresh is the files' own: its index is known not to exist
  EXPECT_EQ(load.diagnostics[0].location.line, 4);
  const auto& steps = load.catalog.migration_steps;
  ASSERT_GE(steps.size(), 2U);
  EXPECT_EQ(steps[0].kind, model::MigrationStepKind::add_key);
  EXPECT_EQ(steps[0].object, "UQ_owner");
  EXPECT_FALSE(steps[0].scans);
  EXPECT_EQ(steps[1].object, "users_pkey");
  EXPECT_EQ(steps[1].detail, "USING INDEX users_pkey_idx");
}

} // namespace sql_replay_assumed_test
