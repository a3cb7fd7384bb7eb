// The peer-shaped corpus (fixtures/peers/<area>/<case>.sql): the cases the
// test suites of squawk, pgfence and pg-index-health lint, written in our own
// statements, each with what pgadvise must report. Every case runs through
// the real binary (`pgadvise lint DIR --format json`), as a user's folder of
// migrations would, and the rule ids it reports (a finding merged from
// several rules counts for each) must be the expected ones: a missing
// finding and a false alarm both fail. The case file format:
//
//   -- Peer: which peer checks agree, and what they expect
//   -- runner: drizzle-kit       (optional: a drizzle-kit folder with its
//                                 journal, so the files run in its transaction;
//                                 without it the folder runs in autocommit)
//   -- expect: RULE-ID           (one line per finding; "nothing" for none)
//   -- file: 0000_init.sql       (each migration file of the folder follows
//   ...                           its marker line; the last is the one judged)
//   -- file: 0000_init.sql = _setup/orders_and_customers.sql
//                                (a file that starts with a shared earlier
//                                 migration of fixtures/peers/_setup/, and
//                                 goes on with the lines after the marker)
//
// Every case also must give a JSON report at all (no crash, no hang), and a
// parse-error must name its file and line.

#include "cli/process.hpp"
#include "peers/peer_case.hpp"
#include "support/files.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace peer_corpus_test {

namespace fs = std::filesystem;
using nlohmann::json;
using namespace peer_corpus;

// The case's folder as a user has it: plain .sql files (psql, autocommit),
// or a drizzle-kit folder whose journal lists them.
fs::path write_case(const ParsedCase& parsed, const fs::path& root) {
  const fs::path folder = parsed.drizzle_kit ? root / "drizzle" : root;
  json entries = json::array();
  for (const CaseFile& file : parsed.files) {
    pgadvise::test::write_text(folder / file.name, file.sql);
    const std::string tag = fs::path(file.name).stem().string();
    entries.push_back({{"idx", entries.size()},
                       {"version", "7"},
                       {"when", 1790000000000 + static_cast<std::int64_t>(entries.size())},
                       {"tag", tag},
                       {"breakpoints", true}});
  }
  if (parsed.drizzle_kit) {
    const json journal = {{"version", "7"}, {"dialect", "postgresql"}, {"entries", entries}};
    pgadvise::test::write_text(folder / "meta" / "_journal.json", journal.dump(2));
  }
  return root;
}

class PeerCorpus : public testing::TestWithParam<PeerCase> {};

TEST_P(PeerCorpus, ReportsWhatThePeersAgreeOn) {
  const PeerCase& peer_case = GetParam();
  const ParsedCase parsed = parse_case(pgadvise::test::read_text(peer_case.path));
  ASSERT_FALSE(parsed.files.empty()) << peer_case.path << " has no '-- file:' section";
  for (const CaseFile& file : parsed.files) {
    ASSERT_FALSE(file.sql.empty()) << peer_case.path << ": " << file.name
                                   << " is empty (a wrong _setup path?)";
  }

  const pgadvise::test::TempTree tree;
  const fs::path folder = write_case(parsed, tree.root() / "peer case");
  pgadvise::test::ProcessOptions options;
  options.timeout = std::chrono::seconds(60);
  const auto run = pgadvise::test::run_process(
      PGADVISE_BINARY,
      {"lint", folder.string(), "--format", "json", "--min-severity", "info", "--fail-on", "none"}, options);
  ASSERT_FALSE(run.timed_out) << peer_case.name;
  ASSERT_EQ(run.exit_code, 0) << peer_case.name << "\n" << run.err;
  const json report = json::parse(run.out, nullptr, false);
  ASSERT_FALSE(report.is_discarded()) << peer_case.name << "\n" << run.out;

  std::vector<std::string> reported;
  std::string details;
  for (const json& finding : report["findings"]) {
    const std::string rule = finding["rule"].get<std::string>();
    // One finding can stand for several rules (one problem, one fix: a
    // 4-byte serial key): it counts for each.
    if (finding.contains("rule_ids") && !finding["rule_ids"].empty()) {
      for (const json& id : finding["rule_ids"]) {
        reported.push_back(id.get<std::string>());
      }
    } else {
      reported.push_back(rule);
    }
    const json& location = finding["location"];
    details += "  " + rule + " at " + location.value("file", std::string("-")) + ":" +
               std::to_string(location.value("line", 0)) + ": " + finding["message"].get<std::string>() +
               "\n";
    if (rule == "parse-error") {
      EXPECT_FALSE(location.value("file", std::string()).empty()) << details;
      EXPECT_GT(location.value("line", 0), 0) << details;
    }
  }
  std::sort(reported.begin(), reported.end());
  EXPECT_EQ(reported, parsed.expected) << peer_case.name << " reported:\n" << details;
}

std::string case_name(const testing::TestParamInfo<PeerCase>& info) {
  std::string name = info.param.name;
  std::replace_if(
      name.begin(), name.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) == 0; }, '_');
  return name;
}

INSTANTIATE_TEST_SUITE_P(Cases, PeerCorpus, testing::ValuesIn(peer_cases()), case_name);

TEST(PeerCorpusFormat, EveryCaseNamesItsPeerAndItsExpectation) {
  const std::vector<PeerCase> cases = peer_cases();
  EXPECT_GE(cases.size(), 60U);
  for (const PeerCase& peer_case : cases) {
    const std::string text = pgadvise::test::read_text(peer_case.path);
    EXPECT_EQ(text.rfind("-- Peer: ", 0), 0U) << peer_case.name;
    EXPECT_NE(text.find("\n-- expect: "), std::string::npos) << peer_case.name;
  }
}

// docs/peers.md's table (scripts/update-peer-table.sh) has one row per case
// with the rules the case expects: a case added, or an expectation changed,
// without the table written again fails here.
TEST(PeerCorpusTable, ListsEveryCase) {
  const std::string table = pgadvise::test::read_text(fs::path(PGADVISE_SOURCE_DIR) / "docs" / "peers.md");
  std::size_t rows = 0;
  for (std::size_t at = table.find("\n| `"); at != std::string::npos; at = table.find("\n| `", at + 1)) {
    ++rows;
  }
  const std::vector<PeerCase> cases = peer_cases();
  EXPECT_EQ(rows, cases.size()) << "run scripts/update-peer-table.sh";
  for (const PeerCase& peer_case : cases) {
    const std::size_t row = table.find("\n| `" + peer_case.name + "` |");
    ASSERT_NE(row, std::string::npos) << peer_case.name << ": run scripts/update-peer-table.sh";
    const std::string line = table.substr(row + 1, table.find('\n', row + 1) - row - 1);
    const std::string ours = line.substr(line.rfind(" | ") + 3);
    const ParsedCase parsed = parse_case(pgadvise::test::read_text(peer_case.path));
    if (parsed.expected.empty()) {
      EXPECT_EQ(ours, "nothing |") << peer_case.name;
    }
    for (const std::string& rule : parsed.expected) {
      EXPECT_NE(ours.find(rule), std::string::npos) << peer_case.name << ": " << rule << " not in " << ours;
    }
  }
}

// A lone file's tables are taken as existing before it (loaders/sql/
// replay_assumed): the text report says which on its Schema line, without
// -v, since every finding about them rests on that.
TEST(PeerCorpusText, ALoneFileNamesTheTablesTakenAsExisting) {
  const pgadvise::test::TempTree tree;
  const fs::path file = tree.root() / "lone file" / "0001_parcel_flags.sql";
  pgadvise::test::write_text(file, "ALTER TABLE \"parcels\" SET UNLOGGED;\n"
                                   "CREATE TABLE \"labels\" (\"id\" bigint PRIMARY KEY);\n"
                                   "ALTER TABLE \"depots\" ADD COLUMN \"code\" text;\n");
  const auto run = pgadvise::test::run_process(PGADVISE_BINARY, {"lint", file.string(), "--fail-on", "none"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const std::string schema_line = run.out.substr(0, run.out.find("\n\n"));
  EXPECT_NE(schema_line.find("taken as existing before the files: parcels, depots"), std::string::npos)
      << run.out;
  EXPECT_EQ(schema_line.find("labels"), std::string::npos) << run.out;
}

} // namespace peer_corpus_test
