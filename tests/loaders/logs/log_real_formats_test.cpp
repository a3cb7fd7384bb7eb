#include "core/file.hpp"
#include "log_test_support.hpp"
#include "support/files.hpp"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <gtest/gtest.h>

// Every host's format and every compression, read from the same real events:
// fixtures/logs/real/regenerate.sh runs one PostgreSQL 15 logging to stderr,
// csvlog and jsonlog at once, then wraps the real lines in each envelope
// (wrap.py) and compresses requests.log with the real gzip/bzip2/xz/zstd.
namespace log_real_formats_test {

using namespace pgadvise;

std::string real(const std::string& name) {
  return std::string(PGADVISE_SOURCE_DIR) + "/fixtures/logs/real/" + name;
}

loaders::LogReadResult read_one(const std::string& name) {
  loaders::LogReadOptions options;
  options.threads = 2;
  return loaders::read_logs({real(name)}, options);
}

std::uint64_t reference_statements() {
  static const std::uint64_t count = read_one("requests.log").workload.statements;
  return count;
}

struct Case {
  std::string file;
  std::string description; // a part of how the source is described
};

void PrintTo(const Case& c, std::ostream* out) {
  *out << c.file << " (" << c.description << ")";
}

class RealFormat : public ::testing::TestWithParam<Case> {};

TEST_P(RealFormat, ReadsTheSameStatementsAsTheStderrLogWithoutWarnings) {
  const Case& c = GetParam();
  const loaders::LogReadResult read = read_one(c.file);
  ASSERT_TRUE(read.usable) << c.file;
  ASSERT_EQ(read.workload.sources.size(), 1U);
  EXPECT_NE(read.workload.sources.front().description.find(c.description), std::string::npos)
      << read.workload.sources.front().description;
  EXPECT_EQ(read.workload.statements, reference_statements()) << c.file;
  EXPECT_EQ(read.workload.unparsed_statements, 0U);
  for (const model::ReaderWarning& warning : read.workload.warnings) {
    ADD_FAILURE() << c.file << ": " << model::to_string(warning.kind) << ": " << warning.message;
  }
  // The N+1 of the page (10 user lookups after the posts query) is seen in every format.
  EXPECT_NE(pgadvise::testing::stats_of(read.workload, "SELECT id, email FROM users WHERE id = $1 LIMIT 1"),
            nullptr);
}

INSTANTIATE_TEST_SUITE_P(
    Hosts, RealFormat,
    ::testing::Values(
        Case{"requests.log", "stderr log (log_line_prefix '%m [%p] %q%u@%d ')"},
        Case{"requests.csv", "csvlog"}, Case{"requests.json", "jsonlog"}, Case{"csvlog_pg12.csv", "csvlog"},
        Case{"csvlog_pg13.csv", "csvlog"}, Case{"csvlog_header.csv", "csvlog"},
        Case{"syslog3164.log", "stderr log in syslog (RFC 3164) (log_line_prefix '%m [%p] %q%u@%d ')"},
        Case{"syslog5424.log", "stderr log in syslog (RFC 5424)"},
        Case{"heroku.log", "stderr log in Heroku logplex (log_line_prefix 'sql_error_code = %e ')"},
        Case{"cloudsql.json", "in Google Cloud SQL (Cloud Logging JSON) (log_line_prefix '%m [%p]: "
                              "[%l-1] db=%d,user=%u ')"},
        Case{"rds.log", "stderr log (log_line_prefix '%t:%r:%u@%d:[%p]:')"},
        Case{"cloudwatch_events.json", "in AWS CloudWatch Logs JSON"},
        Case{"cloudwatch_subscription.json", "in AWS CloudWatch Logs JSON"},
        Case{"cnpg.json", "jsonlog in CloudNativePG JSON"}, Case{"azure.log", "(log_line_prefix '%t-%c-')"},
        Case{"compressed/requests.log.gz", ", gzip"}, Case{"compressed/requests.log.bz2", ", bzip2"},
        Case{"compressed/requests.log.xz", ", xz"}, Case{"compressed/requests.log.zst", ", zstd"},
        Case{"compressed/bzip2-named.log", ", bzip2"}),
    [](const ::testing::TestParamInfo<Case>& param) {
      std::string name;
      for (char c : param.param.file) {
        name += std::isalnum(static_cast<unsigned char>(c)) != 0 ? c : '_';
      }
      return name;
    });

TEST(RealFormats, SyslogSessionsKeepTheEnvelopesPidAndTime) {
  const loaders::LogReadResult read = read_one("syslog5424.log");
  const loaders::LogReadResult plain = read_one("requests.log");
  EXPECT_EQ(read.workload.connections.sessions_seen, plain.workload.connections.sessions_seen);
  EXPECT_EQ(read.workload.connections.connections_authorized,
            plain.workload.connections.connections_authorized);
  EXPECT_TRUE(read.workload.has_durations);
}

TEST(RealFormats, TruncatedCompressedFilesSayWhichCompression) {
  for (const std::string ext : {"bz2", "xz", "zst", "gz"}) {
    const std::string full = core::read_file(real("compressed/requests.log." + ext)).value();
    const std::string cut = (pgadvise::test::scratch_dir() / ("cut." + ext)).string();
    {
      std::ofstream out(cut, std::ios::binary);
      out << full.substr(0, full.size() / 2);
    }
    const loaders::LogReadResult read = loaders::read_logs({cut});
    const auto kinds = pgadvise::testing::warning_kinds(read.workload);
    EXPECT_NE(std::find(kinds.begin(), kinds.end(), model::ReaderWarning::Kind::truncated), kinds.end())
        << ext;
    EXPECT_LT(read.workload.statements, reference_statements()) << ext;
  }
}

} // namespace log_real_formats_test
