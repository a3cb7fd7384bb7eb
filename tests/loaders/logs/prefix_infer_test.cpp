#include "core/file.hpp"
#include "loaders/logs/prefix.hpp"
#include "loaders/logs/prefix_infer.hpp"
#include "log_test_support.hpp"

#include <cctype>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <map>
#include <regex>

// log_line_prefix learned from the lines, for prefixes in no list: real
// PostgreSQL 15 logs (fixtures/logs/pooled, bench/nplus1-mix.sh --prefix),
// plain and inside the envelopes hosts put them in.
namespace prefix_infer_test {

using namespace pgadvise;

std::string pooled(const std::string& name) {
  return std::string(PGADVISE_SOURCE_DIR) + "/fixtures/logs/pooled/" + name;
}

// Statements in a stderr log, counted without the reader: the lines the
// server wrote for each one (log_statement: "statement:"/"execute <name>:";
// with durations the execute line carries it).
std::uint64_t logged_statements(const std::string& text) {
  std::uint64_t count = 0;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    end = end == std::string::npos ? text.size() : end;
    const std::string_view line(text.data() + pos, end - pos);
    if (line.find("LOG:  statement: ") != std::string_view::npos ||
        line.find("LOG:  execute ") != std::string_view::npos ||
        (line.find("  execute ") != std::string_view::npos &&
         line.find("LOG:  duration: ") != std::string_view::npos)) {
      ++count;
    }
    pos = end + 1;
  }
  return count;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    end = end == std::string::npos ? text.size() : end;
    out.emplace_back(text.substr(pos, end - pos));
    pos = end + 1;
  }
  return out;
}

struct Learned {
  std::string file;
  std::string prefix; // the server's setting (fixtures/logs/pooled/NAME.txt)
};

void PrintTo(const Learned& c, std::ostream* out) {
  *out << c.file << " ('" << c.prefix << "')";
}

class LearnedPrefix : public ::testing::TestWithParam<Learned> {};

TEST_P(LearnedPrefix, IsTheServersSettingAndReadsEveryStatementWithoutAWarning) {
  const Learned& c = GetParam();
  const std::string text = core::read_file(pooled(c.file)).value();
  std::vector<std::string_view> lines;
  const std::vector<std::string> all = lines_of(text);
  for (std::size_t i = 0; i < std::min<std::size_t>(all.size(), 200); ++i) {
    lines.emplace_back(all[i]);
  }
  EXPECT_EQ(loaders::infer_prefix(lines), c.prefix);
  // No common prefix reads these lines: the learned one is what reads them.
  const loaders::PrefixDetection detection = loaders::detect_prefix(text.substr(0, 64 * 1024));
  EXPECT_TRUE(detection.recognized);
  EXPECT_TRUE(detection.inferred);
  const loaders::LogReadResult read = loaders::read_logs({pooled(c.file)});
  ASSERT_TRUE(read.usable);
  EXPECT_EQ(read.workload.statements, logged_statements(text));
  EXPECT_EQ(read.workload.unparsed_statements, 0U);
  for (const model::ReaderWarning& warning : read.workload.warnings) {
    ADD_FAILURE() << c.file << ": " << model::to_string(warning.kind) << ": " << warning.message;
  }
  EXPECT_TRUE(read.diagnostics.empty());
  // The fields were read: sessions by pid, users and databases.
  ASSERT_FALSE(read.workload.sessions.empty());
  for (const model::SessionRecord& session : read.workload.sessions) {
    EXPECT_NE(session.pid, 0);
  }
}

INSTANTIATE_TEST_SUITE_P(Pooled, LearnedPrefix,
                         ::testing::Values(Learned{"requests-s4.log", "%t [%p]: app=%a,db=%d,user=%u "},
                                           Learned{"hot-s6.log", "%m user=%u db=%d pid=%p "}),
                         [](const ::testing::TestParamInfo<Learned>& test) {
                           std::string name;
                           for (const char c : test.param.file) {
                             name += std::isalnum(static_cast<unsigned char>(c)) != 0 ? c : '_';
                           }
                           return name;
                         });

TEST(LearnedPrefix, FieldsInAnyOrderAndPunctuation) {
  // One line of each shape, as the server writes them.
  EXPECT_EQ(loaders::line_prefix_pattern(
                "2026-11-23 09:21:00.123 UTC [30094]: [4-1] db=app,user=bob LOG:  statement: SELECT 1"),
            "%m [%p]: [%l-1] db=%d,user=%u ");
  EXPECT_EQ(
      loaders::line_prefix_pattern("2026-11-23 09:21:00 UTC [30094-7] bob@app LOG:  statement: SELECT 1"),
      "%t [%p-%l] %u@%d ");
  EXPECT_EQ(
      loaders::line_prefix_pattern(
          "2026-11-23 09:21:00.1 UTC|client=10.0.0.1|app=psql|pid=12 ERROR:  relation \"x\" does not exist"),
      "%m|client=%h|app=%a|pid=%p ");
  EXPECT_EQ(loaders::line_prefix_pattern("no severity word here"), "");
  // Background processes stop at %q: the shorter lines place it.
  const std::vector<std::string_view> lines = {
      "2026-11-23 09:21:00.123 UTC [1] LOG:  database system is ready to accept connections",
      "2026-11-23 09:21:00.200 UTC [2] user=bob db=app LOG:  statement: SELECT 1",
      "2026-11-23 09:21:00.300 UTC [2] user=bob db=app LOG:  statement: SELECT 2"};
  EXPECT_EQ(loaders::infer_prefix(lines), "%m [%p] %quser=%u db=%d ");
}

// The same real lines inside the envelopes hosts put them in: syslog (RFC
// 3164, with PostgreSQL's [seq-part] numbering), Cloud SQL's Cloud Logging
// JSON, Heroku's logplex. Each is read with no warning and every statement.
TEST(LearnedPrefix, InsideEachEnvelope) {
  const std::string text = core::read_file(pooled("hot-s6.log")).value();
  const std::uint64_t expected = logged_statements(text);
  const std::regex pid(R"(pid=(\d+) )");
  std::string syslog;
  std::string cloudsql;
  std::string heroku;
  std::map<std::string, int> seq;
  for (const std::string& line : lines_of(text)) {
    std::smatch match;
    ASSERT_TRUE(std::regex_search(line, match, pid)) << line;
    const int n = ++seq[match[1].str()];
    const std::string numbering = "[" + std::to_string(n) + "-1] ";
    syslog += "Nov 23 09:21:19 dbhost postgres[" + match[1].str() + "]: " + numbering + line + "\n";
    std::string escaped;
    for (char c : line) {
      if (c == '"' || c == '\\') {
        escaped.push_back('\\');
      }
      escaped.push_back(c);
    }
    cloudsql += R"({"insertId":"s=1","logName":"projects/p/logs/cloudsql.googleapis.com%2Fpostgres.log",)"
                R"("resource":{"type":"cloudsql_database"},"severity":"INFO","textPayload":")" +
                escaped + "\"}\n";
    heroku += "2026-11-23T09:21:19.000000+00:00 app[postgres." + match[1].str() + "]: [DATABASE] " +
              numbering + line + "\n";
  }
  const pgadvise::test::TempTree tree; // removed even when an assertion stops the test
  const std::filesystem::path dir = tree.root() / "pgadvise prefix"; // a space in the path, as before
  std::filesystem::create_directories(dir);
  for (const auto& [name, body] : {std::pair<std::string, std::string>{"syslog.log", syslog},
                                   {"cloudsql.json", cloudsql},
                                   {"heroku.log", heroku}}) {
    const std::string path = (dir / name).string();
    std::ofstream(path) << body;
    const loaders::LogReadResult read = loaders::read_logs({path});
    ASSERT_TRUE(read.usable) << name;
    EXPECT_EQ(read.workload.statements, expected)
        << name << ": " << read.workload.sources.front().description;
    for (const model::ReaderWarning& warning : read.workload.warnings) {
      ADD_FAILURE() << name << ": " << model::to_string(warning.kind) << ": " << warning.message;
    }
  }
}

// --log-line-prefix wins over what the lines show: a wrong one reads nothing
// and says so.
TEST(LearnedPrefix, AGivenPrefixStillWins) {
  loaders::LogReadOptions options;
  options.log_line_prefix = "%m [%p] %q%u@%d ";
  const loaders::LogReadResult read = loaders::read_logs({pooled("hot-s6.log")}, options);
  EXPECT_EQ(read.workload.statements, 0U);
  const auto kinds = pgadvise::testing::warning_kinds(read.workload);
  EXPECT_NE(std::find(kinds.begin(), kinds.end(), model::ReaderWarning::Kind::unrecognized_line),
            kinds.end());
}

} // namespace prefix_infer_test

namespace prefix_detection_test {

// PostgreSQL's default prefix is read as itself, not as a common prefix with
// a `%q` tail that these lines do not have (it reads them too); where the
// tail is there, the prefix that names it wins.
TEST(PrefixDetection, TheLongestPrefixTheLinesHaveWins) {
  const auto detected = [](const std::string& session_part) {
    std::string text =
        "2026-11-24 08:31:56.100 UTC [700] LOG:  database system is ready to accept connections\n";
    for (int i = 0; i < 5; ++i) {
      text += "2026-11-24 08:31:56.7" + std::to_string(10 + i) + " UTC [71" + std::to_string(i) + "] " +
              session_part + "LOG:  execute <unnamed>: select 1\n";
    }
    return pgadvise::loaders::detect_prefix(text).prefix.pattern();
  };
  EXPECT_EQ(detected(""), "%m [%p] ");
  EXPECT_EQ(detected("app@shop "), "%m [%p] %q%u@%d ");
  EXPECT_EQ(detected("app@shop/web "), "%m [%p] %q%u@%d/%a ");
}

} // namespace prefix_detection_test
