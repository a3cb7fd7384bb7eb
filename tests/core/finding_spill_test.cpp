// core::FindingSpill: findings written to a file with no name and read back
// the same, every member, in order; nothing left in the directory.

#include "core/finding_spill.hpp"

#include <cstdlib>
#include <filesystem>
#include <gtest/gtest.h>
#include <string>
#include <vector>

namespace finding_spill_test {

using namespace pgadvise::core;

// Every member set, texts of every kind: an owned help, a literal's view,
// a pooled safety note, every Drizzle text, evidence of two kinds.
Finding full_finding(int n) {
  Finding f;
  f.rule = "unindexed-foreign-key";
  f.severity = Severity::high;
  f.weight = 7;
  f.message = "Foreign key t" + std::to_string(n) + "(ref_id) -> t1(id) has no index";
  f.help = std::string("Every JOIN from t") + std::to_string(n) + " scans it all."; // owned
  f.object = {"app", "t" + std::to_string(n), {"ref_id", "other_id"}, "t_ref_fk"};
  f.location = {"db/0001_init.sql", n + 1, 22};
  f.evidence.push_back({Evidence::Kind::ddl, "FOREIGN KEY (ref_id) REFERENCES t1 (id)", f.location});
  f.evidence.push_back({Evidence::Kind::log, "1,234 calls", {"pg.log", 9, 0}});
  Fix fix; // each kind of change, each with every field set
  switch (n % 4) {
  case 1: fix.change = ShellChange{"npx drizzle-kit generate\nnpx drizzle-kit migrate"}; break;
  case 2:
    fix.change = CodeChange{.code = "await db.insert(t).values(rows);",
                            .at = "src/jobs/import.ts:" + std::to_string(n),
                            .table = "orders",
                            .sends = "INSERT INTO t SELECT * FROM unnest($1::int[]);"};
    break;
  default:
    fix.change = SqlChange{.ddl = "CREATE INDEX t_ref_idx ON t (ref_id);",
                           .drizzle = "index(\"t_ref_idx\").on(t.refId)",
                           .drizzle_file = "src/db/schema.ts:12",
                           .drizzle_table = "orders",
                           .commands = "npm run db:generate && npm run db:migrate"};
  }
  fix.safety_note = SharedText::interned("CONCURRENTLY cannot run inside a transaction block.");
  fix.applicability = n % 2 == 0 ? FixApplicability::safe : FixApplicability::manual;
  f.fix = std::move(fix);
  f.fingerprint = "18b7b42953fa4c0c";
  f.rule_ids = {"unindexed-foreign-key", "fk-without-index"};
  f.saving_ms = 12.5 + n;
  return f;
}

// Few members set: no fix, a literal help, no evidence.
Finding bare_finding() {
  Finding f;
  f.rule = "missing-primary-key";
  f.severity = Severity::low;
  f.message = "events has no primary key";
  f.help = "Add a primary key.";
  return f;
}

void expect_same(const Finding& a, const Finding& b) {
  EXPECT_EQ(a.rule, b.rule);
  EXPECT_EQ(a.severity, b.severity);
  EXPECT_EQ(a.weight, b.weight);
  EXPECT_EQ(a.message, b.message);
  EXPECT_EQ(a.help, b.help);
  EXPECT_EQ(a.object.schema, b.object.schema);
  EXPECT_EQ(a.object.table, b.object.table);
  EXPECT_EQ(a.object.columns, b.object.columns);
  EXPECT_EQ(a.object.constraint, b.object.constraint);
  EXPECT_EQ(a.location, b.location);
  ASSERT_EQ(a.evidence.size(), b.evidence.size());
  for (std::size_t i = 0; i < a.evidence.size(); ++i) {
    EXPECT_EQ(a.evidence[i].kind, b.evidence[i].kind);
    EXPECT_EQ(a.evidence[i].detail, b.evidence[i].detail);
    EXPECT_EQ(a.evidence[i].location, b.evidence[i].location);
  }
  ASSERT_EQ(a.fix.has_value(), b.fix.has_value());
  if (a.fix) {
    EXPECT_EQ(a.fix->statements(), b.fix->statements());
    EXPECT_EQ(a.fix->code_text(), b.fix->code_text());
    EXPECT_EQ(a.fix->safety_note, b.fix->safety_note);
    EXPECT_EQ(a.fix->kind(), b.fix->kind());
    EXPECT_EQ(a.fix->code_file(), b.fix->code_file());
    EXPECT_EQ(a.fix->code_table(), b.fix->code_table());
    EXPECT_EQ(a.fix->migrate_commands(), b.fix->migrate_commands());
    EXPECT_EQ(a.fix->applicability, b.fix->applicability);
  }
  EXPECT_EQ(a.fingerprint, b.fingerprint);
  EXPECT_EQ(a.rule_ids, b.rule_ids);
  EXPECT_EQ(a.saving_ms, b.saving_ms);
}

// A fresh directory of its own, removed at the end.
struct ScratchDirectory {
  std::filesystem::path path;
  ScratchDirectory() {
    std::string name = (std::filesystem::temp_directory_path() / "finding-spill-XXXXXX").string();
    path = ::mkdtemp(name.data());
  }
  ~ScratchDirectory() { std::filesystem::remove_all(path); }
  ScratchDirectory(const ScratchDirectory&) = delete;
  ScratchDirectory& operator=(const ScratchDirectory&) = delete;
  ScratchDirectory(ScratchDirectory&&) = delete;
  ScratchDirectory& operator=(ScratchDirectory&&) = delete;
  [[nodiscard]] bool empty() const { return std::filesystem::is_empty(path); }
};

TEST(FindingSpill, ReadsBackEveryMemberInOrderAcrossChunks) {
  const ScratchDirectory dir;
  std::vector<Finding> expected;
  for (int n = 0; n < 5000; ++n) { // more than one chunk
    expected.push_back(n % 3 == 0 ? bare_finding() : full_finding(n));
  }
  std::vector<Finding> findings = expected;
  FindingSpill spill(dir.path.string());
  const FindingSpill::Batch batch = spill.write(findings);
  EXPECT_GT(batch.size(), 1U);
  EXPECT_EQ(FindingSpill::count(batch), expected.size());
  EXPECT_TRUE(findings.empty()); // all in the file

  std::vector<Finding> back{bare_finding()}; // read() appends
  spill.read(batch, back);
  ASSERT_EQ(back.size(), expected.size() + 1);
  for (std::size_t i = 0; i < expected.size(); ++i) {
    expect_same(back[i + 1], expected[i]);
  }
  // Texts that live as long as the program come back as the same characters, not copies.
  EXPECT_EQ(back[2].fix->safety_note.view().data(), expected[1].fix->safety_note.view().data());
  EXPECT_EQ(back[1].help.view().data(), expected[0].help.view().data());
  EXPECT_EQ(&back[2].location.file.str(), &expected[1].location.file.str());
}

TEST(FindingSpill, BatchesOfSeveralWritersReadBackApart) {
  const ScratchDirectory dir;
  FindingSpill spill(dir.path.string());
  std::vector<Finding> first{full_finding(1), full_finding(2)};
  std::vector<Finding> second{bare_finding()};
  const FindingSpill::Batch a = spill.write(first);
  const FindingSpill::Batch b = spill.write(second);
  std::vector<Finding> back;
  spill.read(b, back);
  spill.read(a, back);
  ASSERT_EQ(back.size(), 3U);
  expect_same(back[0], bare_finding());
  expect_same(back[1], full_finding(1));
  expect_same(back[2], full_finding(2));
}

TEST(FindingSpill, LeavesNoFileBehind) {
  const ScratchDirectory dir;
  const auto open_files = [] {
    return std::distance(std::filesystem::directory_iterator("/proc/self/fd"), {});
  };
  const auto before = open_files();
  {
    FindingSpill spill(dir.path.string());
    std::vector<Finding> findings{full_finding(1)};
    const FindingSpill::Batch batch = spill.write(findings);
    EXPECT_EQ(FindingSpill::count(batch), 1U);
    EXPECT_TRUE(dir.empty()); // the file has no name while it is used
    EXPECT_EQ(open_files(), before + 1);
  }
  EXPECT_TRUE(dir.empty());
  EXPECT_EQ(open_files(), before); // closed with the spill
}

TEST(FindingSpill, KeepsTheFindingsWhenNoFileCanBeMade) {
  FindingSpill spill("/nonexistent/pgadvise-spill");
  std::vector<Finding> findings{full_finding(1), bare_finding()};
  const FindingSpill::Batch batch = spill.write(findings);
  EXPECT_TRUE(batch.empty());
  ASSERT_EQ(findings.size(), 2U);
  expect_same(findings[0], full_finding(1));
  std::vector<Finding> back;
  spill.read(batch, back); // nothing written, nothing read
  EXPECT_TRUE(back.empty());
}

} // namespace finding_spill_test
