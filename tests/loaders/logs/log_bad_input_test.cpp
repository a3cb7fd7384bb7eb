#include "core/utf8.hpp"
#include "loaders/logs/log_test_support.hpp"
#include "loaders/logs/reader.hpp"
#include "loaders/logs/shape.hpp"
#include "support/files.hpp"

#include <algorithm>
#include <fstream>
#include <gtest/gtest.h>
#include <sstream>
#include <zlib.h>

using namespace pgadvise;
using namespace pgadvise::testing;

namespace log_bad_input_test {

const model::ReaderWarning* warning_at(const model::Workload& w, model::ReaderWarning::Kind kind) {
  for (const auto& warning : w.warnings) {
    if (warning.kind == kind) {
      return &warning;
    }
  }
  return nullptr;
}

constexpr const char* k_child = "SELECT id, title FROM posts WHERE user_id = 1";
constexpr const char* k_line =
    "2026-11-21 16:09:00.455 UTC [15178] postgres@postgres LOG:  duration: 0.1 ms  statement: ";

TEST(LogBadInput, EachBadLineGetsALocatedWarningAndTheRestIsRead) {
  const std::string good = pgadvise::test::read_text(log_fixture("stderr_debian.log"));
  std::string bad = good;
  bad += "2026-11-21 16:09:00.45\n"; // line N+1: truncated line
  bad += (std::string("\x7f"
                      "ELF") +
          std::string(2, '\0') + "\x01\x02\x03\x04 binary") +
         "\n";                                                                           // N+2: binary blob
  bad += std::string(k_line) + "SELECT '\xff\xfe' AS broken;\n";                         // N+3: invalid UTF-8
  bad += std::string(k_line) + "SELECT '" + std::string(10 * 1024 * 1024, 'x') + "';\n"; // N+4: 10 MB
  bad += std::string(k_line) + "SELECT 1 FROM"; // N+5: cut mid-statement, no final newline
  const int base = static_cast<int>(std::count(good.begin(), good.end(), '\n'));
  const auto result = loaders::read_logs({write_temp("bad.log", bad)});
  const model::Workload& w = result.workload;

  const model::QueryStats* child = stats_of(w, k_child);
  ASSERT_NE(child, nullptr);
  EXPECT_EQ(child->calls, 5U); // the good part is read in full

  // Each bad line, in the order appended, has its warning at its own line.
  using Kind = model::ReaderWarning::Kind;
  const Kind kinds[] = {Kind::unrecognized_line, Kind::binary, Kind::invalid_utf8, Kind::oversized,
                        Kind::unparsed_statement};
  for (int i = 0; i < 5; ++i) {
    const model::ReaderWarning* warning = warning_at(w, kinds[i]);
    ASSERT_NE(warning, nullptr) << model::to_string(kinds[i]);
    EXPECT_EQ(warning->location.line, base + 1 + i) << model::to_string(kinds[i]);
  }
  EXPECT_NE(warning_at(w, model::ReaderWarning::Kind::truncated), nullptr);
  for (const auto& warning : w.warnings) {
    EXPECT_TRUE(core::utf8::valid(warning.message));
  }
  // The invalid bytes never reach the model's text.
  for (const auto& q : w.queries) {
    EXPECT_EQ(q.example.find('\xff'), std::string::npos);
  }
  EXPECT_FALSE(result.diagnostics.empty());
  EXPECT_EQ(result.diagnostics.front().rule, "parse-error");
}

TEST(LogBadInput, UnknownPrefixIsNamedWithTheFirstLinesAndStillRead) {
  const auto result = loaders::read_logs({log_fixture("stderr_session.log")});
  const model::Workload& w = result.workload;
  const auto* prefix = warning_at(w, model::ReaderWarning::Kind::prefix);
  ASSERT_NE(prefix, nullptr);
  EXPECT_EQ(prefix->location.line, 1);
  EXPECT_NE(prefix->message.find("assumed"), std::string::npos);
  EXPECT_NE(prefix->message.find("| 20"), std::string::npos); // quotes the first lines
  const model::QueryStats* child = stats_of(w, k_child);
  ASSERT_NE(child, nullptr);
  EXPECT_EQ(child->calls, 5U); // the generic matcher found timestamp, pid and session id
}

TEST(LogBadInput, NothingReadableSaysWhyInsteadOfZeroQueries) {
  const auto result = loaders::read_logs({write_temp("notalog.log", "hello world\nthis is not a log\n")});
  EXPECT_FALSE(result.usable);
  const auto* none = warning_at(result.workload, model::ReaderWarning::Kind::no_statements);
  ASSERT_NE(none, nullptr);
  EXPECT_NE(none->message.find("hello world"), std::string::npos);
  EXPECT_NE(none->message.find("log_line_prefix assumed"), std::string::npos);
}

TEST(LogBadInput, GzipManyFilesAndTinyBlocksGiveTheSameWorkload) {
  const std::string text = pgadvise::test::read_text(log_fixture("stderr_debian.log"));
  // Split in the middle of the N+1 transaction: the session spans files.
  const std::size_t cut = text.find("user_id = 3");
  const std::size_t split = text.rfind('\n', cut) + 1;
  const std::string first = write_temp("part1.log", text.substr(0, split));
  const std::string second = (pgadvise::test::scratch_dir() / "part2.log.gz").string();
  gzFile gz = gzopen(second.c_str(), "wb");
  ASSERT_NE(gz, nullptr);
  const std::string rest = text.substr(split);
  gzwrite(gz, rest.data(), static_cast<unsigned>(rest.size()));
  gzclose(gz);

  loaders::LogReadOptions tiny;
  tiny.block_bytes = 200; // many blocks, parsed by 2 threads, continuation lines at the edges
  tiny.threads = 2;
  const auto whole = loaders::read_logs({log_fixture("stderr_debian.log")});
  const auto split_read = loaders::read_logs({first, second}, tiny);
  ASSERT_EQ(whole.workload.queries.size(), split_read.workload.queries.size());
  for (const auto& q : whole.workload.queries) {
    const model::QueryStats* other = split_read.workload.find(q.fingerprint);
    ASSERT_NE(other, nullptr) << q.normalized;
    EXPECT_EQ(other->calls, q.calls) << q.normalized;
    EXPECT_EQ(other->example, q.example);
  }
  const model::Repeat* repeat = repeat_of(split_read.workload, k_child);
  ASSERT_NE(repeat, nullptr);
  EXPECT_EQ(repeat->count, 5U);
  EXPECT_EQ(split_read.workload.connections.disconnections, whole.workload.connections.disconnections);
}

} // namespace log_bad_input_test
