// migration-edited-after-apply: the rule over hand-built ledgers, and the
// fixtures end to end (drizzle's table in a real database, the migration
// folder on disk, read through the same path as `pgadvise lint --db`).
#include "app/inputs/discovery.hpp"
#include "app/lint/run_rules.hpp"
#include "app/live/live_input.hpp"
#include "core/sha256.hpp"
#include "core/text.hpp"
#include "engine/builtin_diagnostics.hpp"
#include "engine/runner.hpp"
#include "rule_test_support.hpp"
#include "rules/registry.hpp"
#include "support/pg_cluster.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <sstream>

namespace migration_edited_after_apply_test {

using namespace pgadvise;
using namespace pgadvise::test;
namespace fs = std::filesystem;

constexpr std::string_view k_rule = "migration-edited-after-apply";
const fs::path k_fixtures = fs::path(PGADVISE_SOURCE_DIR) / "fixtures" / "rules" / std::string(k_rule);

model::MigrationFile file(std::string tag, std::int64_t when, std::string text) {
  model::MigrationFile out;
  out.tag = std::move(tag);
  out.when = when;
  out.exists = true;
  out.hash = core::sha256_hex(text);
  out.hash_lf = out.hash;
  out.location = core::SourceLocation{"drizzle/" + out.tag + ".sql", 1, 1};
  return out;
}

model::AppliedMigration applied(std::int64_t id, std::string_view text, std::int64_t created_at) {
  return model::AppliedMigration{id, core::sha256_hex(text), created_at};
}

model::Catalog with_ledger(model::MigrationLedger ledger) {
  model::Catalog catalog = catalog_of({});
  catalog.source = model::SchemaSource::live;
  ledger.schema = "drizzle";
  ledger.name = "__drizzle_migrations";
  ledger.table = "drizzle.__drizzle_migrations";
  ledger.journal = "drizzle/meta/_journal.json";
  ledger.files_read = true;
  catalog.drizzle_migrations = std::move(ledger);
  return catalog;
}

TEST(Sha256, MatchesKnownDigests) {
  // FIPS 180-4 examples, and a message spanning two blocks after padding.
  EXPECT_EQ(core::sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(core::sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(core::sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

TEST(MigrationEditedAfterApply, MatchingHashesGiveNoFinding) {
  model::MigrationLedger ledger;
  ledger.files = {file("0000_a", 100, "CREATE TABLE a (id int);"),
                  file("0001_b", 200, "CREATE TABLE b (id int);")};
  ledger.applied = {applied(1, "CREATE TABLE a (id int);", 100)}; // 0001 pending
  EXPECT_TRUE(run_rule(k_rule, with_ledger(ledger)).empty());
}

TEST(MigrationEditedAfterApply, ReportsAnEditedFileAtItsLocation) {
  model::MigrationLedger ledger;
  ledger.files = {file("0000_a", 100, "CREATE TABLE a (id int);"),
                  file("0001_b", 200, "CREATE TABLE b (id int, x int);")};
  ledger.applied = {applied(1, "CREATE TABLE a (id int);", 100), applied(2, "CREATE TABLE b (id int);", 200)};
  const auto findings = run_rule(k_rule, with_ledger(ledger));
  ASSERT_EQ(findings.size(), 1U);
  EXPECT_EQ(findings[0].rule, k_rule);
  EXPECT_EQ(findings[0].object.constraint, "0001_b");
  EXPECT_EQ(findings[0].location.file, "drizzle/0001_b.sql");
  EXPECT_EQ(findings[0].severity, core::Severity::high);
}

TEST(MigrationEditedAfterApply, ReportsAppliedMigrationsMissingFromTheFolder) {
  model::MigrationLedger ledger;
  ledger.files = {file("0000_a", 100, "CREATE TABLE a (id int);")};
  ledger.files.push_back(file("0001_b", 200, "x"));
  ledger.files.back().exists = false; // in the journal, file deleted
  ledger.applied = {applied(1, "CREATE TABLE a (id int);", 100), applied(2, "x", 200),
                    applied(3, "from another branch", 150)};
  const auto findings = run_rule(k_rule, with_ledger(ledger));
  ASSERT_EQ(findings.size(), 2U);
  std::vector<std::string> constraints{findings[0].object.constraint, findings[1].object.constraint};
  std::sort(constraints.begin(), constraints.end());
  EXPECT_EQ(constraints[0], "0001_b");
  EXPECT_EQ(constraints[1], "hash " + core::sha256_hex("from another branch").substr(0, 12));
}

TEST(MigrationEditedAfterApply, AJournalWhenEditedButSameTextIsNotAnEdit) {
  // The record's created_at matches no entry, but its hash is a file's:
  // the file is there, unchanged.
  model::MigrationLedger ledger;
  ledger.files = {file("0000_a", 101, "CREATE TABLE a (id int);")};
  ledger.applied = {applied(1, "CREATE TABLE a (id int);", 100)};
  EXPECT_TRUE(run_rule(k_rule, with_ledger(ledger)).empty());
}

TEST(MigrationEditedAfterApply, NeedsTheLiveDatabase) {
  const engine::Rule* rule = rules::find_rule(k_rule);
  ASSERT_NE(rule, nullptr);
  const auto& inputs = rule->meta().inputs;
  EXPECT_NE(std::find(inputs.begin(), inputs.end(), engine::Input::live), inputs.end());
}

} // namespace migration_edited_after_apply_test
