#include "app/report/merge.hpp"
#include "support/cli.hpp"
#include "support/files.hpp"

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <map>
#include <regex>
#include <sstream>
#include <string>
#include <unistd.h>
#include <vector>

namespace pgadvise::app {
namespace merge_test {

namespace fs = std::filesystem;
using json = nlohmann::ordered_json;

const std::string k_root = PGADVISE_SOURCE_DIR;
constexpr const char* k_prefix = "%m %c %x %v [%p] %q%u@%d/%a ";

int lint_json(const std::string& log, const fs::path& out) {
  return pgadvise::test::run_pgadvise({"lint", k_root + "/fixtures/drizzle-app", "--log", log,
                                       "--log-line-prefix", k_prefix, "--fail-on", "none", "--format", "json",
                                       "-o", out.string()})
      .exit_code;
}

json read_json(const fs::path& path) {
  return json::parse(pgadvise::test::read_text(path));
}

// A real log split into two halves by session (%c): sessions alternate
// between the halves, so the halves share none; server lines go to the first.
void split_by_session(const fs::path& log, const fs::path& first, const fs::path& second) {
  std::ifstream in(log);
  std::ofstream a(first);
  std::ofstream b(second);
  const std::regex line_start(R"(^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+ \S+ (\S+) )");
  std::map<std::string, std::size_t> sessions;
  bool to_second = false;
  std::string line;
  while (std::getline(in, line)) {
    std::smatch match;
    if (std::regex_search(line, match, line_start)) {
      const auto [it, added] = sessions.emplace(match[1].str(), sessions.size());
      to_second = it->second % 2 == 1;
    }
    (to_second ? b : a) << line << "\n";
  }
}

TEST(Merge, DisjointLogHalvesMergeToTheWholeLogsReport) {
  const fs::path dir = fs::temp_directory_path() / ("pgadvise-merge-" + std::to_string(getpid()));
  fs::create_directories(dir);
  const std::string log = k_root + "/fixtures/logs/stderr_session.log";
  split_by_session(log, dir / "a.log", dir / "b.log");
  ASSERT_EQ(lint_json(log, dir / "whole.json"), 0);
  ASSERT_EQ(lint_json((dir / "a.log").string(), dir / "a.json"), 0);
  ASSERT_EQ(lint_json((dir / "b.log").string(), dir / "b.json"), 0);
  const json a = read_json(dir / "a.json");
  const json b = read_json(dir / "b.json");
  const json whole = read_json(dir / "whole.json");
  ASSERT_NE(a["findings"].size(), whole["findings"].size()); // each half misses something

  MergeOptions options;
  options.reports = {(dir / "a.json").string(), (dir / "b.json").string()};
  options.output = (dir / "merged.json").string();
  std::ostringstream out;
  std::ostringstream err;
  ASSERT_EQ(run_merge(options, out, err), 0) << err.str();
  const json merged = read_json(dir / "merged.json");

  std::map<std::string, json> expected;
  for (const auto& finding : whole["findings"]) {
    expected[finding["fingerprint"]] = finding;
  }
  std::map<std::string, json> actual;
  for (const auto& finding : merged["findings"]) {
    actual[finding["fingerprint"]] = finding;
  }
  ASSERT_EQ(actual.size(), merged["findings"].size()); // deduplicated
  ASSERT_EQ(actual.size(), expected.size());
  for (const auto& [fingerprint, finding] : expected) {
    ASSERT_TRUE(actual.count(fingerprint) == 1) << finding["rule"] << " " << finding["message"];
    EXPECT_EQ(actual[fingerprint]["rule"], finding["rule"]);
    EXPECT_EQ(actual[fingerprint]["severity"], finding["severity"]);
    EXPECT_EQ(actual[fingerprint]["message"], finding["message"]) << fingerprint;
    EXPECT_EQ(actual[fingerprint]["object"], finding["object"]);
  }
  EXPECT_EQ(merged["summary"]["total"], whole["summary"]["total"]);
  EXPECT_EQ(merged["summary"]["by_severity"], whole["summary"]["by_severity"]);
  ASSERT_EQ(merged["sources"].size(), 2U);
  EXPECT_EQ(merged["sources"][0]["path"], options.reports[0]);
  // A schema finding was in both halves: it lists both.
  bool listed_twice = false;
  for (const auto& finding : merged["findings"]) {
    listed_twice = listed_twice || finding["sources"].size() == 2;
  }
  EXPECT_TRUE(listed_twice);

  options.format = app::DocumentFormat::html;
  options.output = (dir / "merged.html").string();
  ASSERT_EQ(run_merge(options, out, err), 0) << err.str();
  const std::string html = pgadvise::test::read_text(dir / "merged.html");
  for (const auto& [fingerprint, finding] : expected) {
    EXPECT_NE(html.find("data-fingerprint='" + fingerprint + "'"), std::string::npos);
  }
  std::error_code ec;
  fs::remove_all(dir, ec);
}

TEST(Merge, NumericCountsAreSummedAndEvidenceUnited) {
  const json one = json::parse(R"({"findings":[{"rule":"r","severity":"high","fingerprint":"f1","calls":2,
    "total_ms":1.5,"evidence":[{"kind":"log","detail":"x"}]}]})");
  const json two = json::parse(R"({"findings":[{"rule":"r","severity":"high","fingerprint":"f1","calls":3,
    "total_ms":2.0,"evidence":[{"kind":"log","detail":"x"},{"kind":"log","detail":"y"}]}]})");
  const json merged = merge_reports({{"one.json", one}, {"two.json", two}});
  ASSERT_EQ(merged["findings"].size(), 1U);
  EXPECT_EQ(merged["findings"][0]["calls"].get<double>(), 5.0);
  EXPECT_EQ(merged["findings"][0]["total_ms"].get<double>(), 3.5);
  EXPECT_EQ(merged["findings"][0]["evidence"].size(), 2U);
  EXPECT_EQ(merged["findings"][0]["sources"], json::array({"one.json", "two.json"}));
}

TEST(Merge, NotAReportIsAUsageError) {
  MergeOptions options;
  options.reports = {k_root + "/fixtures/drizzle-app/package.json"};
  std::ostringstream out;
  std::ostringstream err;
  EXPECT_EQ(run_merge(options, out, err), 2);
  EXPECT_NE(err.str().find("not a pgadvise JSON report"), std::string::npos);
}

} // namespace merge_test
} // namespace pgadvise::app
