#include "loaders/logs/input.hpp"
#include "loaders/logs/input_kind.hpp"
#include "loaders/logs/log_test_support.hpp"
#include "support/files.hpp"

#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <zlib.h>

using namespace pgadvise;
using namespace pgadvise::testing;

namespace log_input_test {

// Records of every shape a block edge can meet: continuation lines, a
// record longer than the blocks, blank lines, and no final newline.
std::string edgy_log() {
  std::string text = pgadvise::test::read_text(log_fixture("stderr_debian.log"));
  text += "2026-11-21 16:09:00.450 UTC [77] app@shop LOG:  statement: SELECT 1\n\tFROM t\n\tWHERE x = 1\n";
  text += "\n";
  text += "2026-11-21 16:09:00.451 UTC [77] app@shop LOG:  statement: SELECT '" + std::string(5000, 'x') +
          "'\n\t-- still the same record\n";
  text += "2026-11-21 16:09:00.452 UTC [77] app@shop LOG:  statement: SELECT 2";
  return text;
}

struct Read {
  std::string text; // the blocks one after the other
  bool no_final_newline = false;
  bool shrunk = false;
};

Read read_all_ranges(const std::string& path, std::size_t block_bytes, loaders::LogFormat format) {
  auto opened = loaders::LogInput::open(path);
  EXPECT_TRUE(static_cast<bool>(opened));
  loaders::LogInput& input = **opened;
  input.set_format(format);
  input.set_block_bytes(block_bytes);
  EXPECT_TRUE(input.ranged());
  Read read;
  std::string buffer;
  for (std::size_t i = 0; i < input.range_count(); ++i) {
    const loaders::LogInput::Range range = input.read_range(i, buffer);
    const std::string_view block = std::string_view(buffer).substr(range.skip, range.end - range.skip);
    if (!block.empty() && format == loaders::LogFormat::stderr_text) {
      EXPECT_NE(block.front(), '\t') << "block " << i << " starts inside a record";
    }
    if (!block.empty() && !read.text.empty()) {
      EXPECT_EQ(read.text.back(), '\n') << "block " << i << " follows a cut record";
    }
    read.text += block;
    read.shrunk = read.shrunk || range.shrunk;
    if (!block.empty()) {
      read.no_final_newline = range.no_final_newline;
    }
  }
  return read;
}

TEST(LogInput, RangesReadByThreadsCoverTheFileInWholeRecords) {
  const std::string text = edgy_log();
  const std::string path = write_temp("log_input_ranges.log", text);
  for (const std::size_t block :
       {std::size_t{64}, std::size_t{100}, std::size_t{1000}, std::size_t{1} << 20U}) {
    for (const auto format : {loaders::LogFormat::stderr_text, loaders::LogFormat::jsonlog}) {
      const Read read = read_all_ranges(path, block, format);
      EXPECT_EQ(read.text, text) << "block bytes " << block;
      EXPECT_TRUE(read.no_final_newline) << "block bytes " << block;
      EXPECT_FALSE(read.shrunk);
    }
  }
}

TEST(LogInput, CompressedAndCsvInputIsReadAsAStream) {
  const std::string text = edgy_log();
  const std::string path = write_temp("log_input_stream.log", text);
  auto plain = loaders::LogInput::open(path);
  ASSERT_TRUE(static_cast<bool>(plain));
  (*plain)->set_format(loaders::LogFormat::csvlog); // quotes decide where csvlog records end
  EXPECT_FALSE((*plain)->ranged());
  const std::string gz_path = (pgadvise::test::scratch_dir() / "log_input_stream.log.gz").string();
  gzFile gz = gzopen(gz_path.c_str(), "wb");
  ASSERT_NE(gz, nullptr);
  gzwrite(gz, text.data(), static_cast<unsigned>(text.size()));
  gzclose(gz);
  auto compressed = loaders::LogInput::open(gz_path);
  ASSERT_TRUE(static_cast<bool>(compressed));
  EXPECT_EQ((*compressed)->compression(), loaders::Compression::gzip);
  EXPECT_FALSE((*compressed)->ranged());
}

TEST(LogInput, AFileThatShrinksWhileItIsReadGivesShortRangesNotAFault) {
  // copytruncate rotation: the file is cut while pgadvise reads it.
  const std::string text = edgy_log();
  const std::string path = write_temp("log_input_shrinks.log", text);
  auto opened = loaders::LogInput::open(path);
  ASSERT_TRUE(static_cast<bool>(opened));
  loaders::LogInput& input = **opened;
  input.set_format(loaders::LogFormat::stderr_text);
  input.set_block_bytes(1000);
  const std::size_t blocks = input.range_count();
  ASSERT_GT(blocks, 4U);
  std::filesystem::resize_file(path, 2500);
  std::string buffer;
  const loaders::LogInput::Range first = input.read_range(0, buffer);
  EXPECT_FALSE(first.shrunk);
  EXPECT_EQ(std::string_view(buffer).substr(first.skip, first.end - first.skip),
            std::string_view(text).substr(0, first.end - first.skip));
  const loaders::LogInput::Range cut = input.read_range(2, buffer);
  EXPECT_TRUE(cut.shrunk);
  EXPECT_LE(cut.end, buffer.size());
  const loaders::LogInput::Range gone = input.read_range(blocks - 1, buffer);
  EXPECT_TRUE(gone.shrunk);
  EXPECT_EQ(gone.end, gone.skip);
}

TEST(LogInput, TinyRangesOnTwoThreadsGiveTheWorkloadOfOneBlock) {
  const std::string text = pgadvise::test::read_text(log_fixture("stderr_debian.log"));
  const std::string path = write_temp("log_input_cut_read.log", text);
  loaders::LogReadOptions tiny;
  tiny.block_bytes = 300;
  tiny.threads = 2;
  const auto whole = loaders::read_logs({path}, tiny);
  const auto reference = loaders::read_logs({log_fixture("stderr_debian.log")});
  EXPECT_EQ(whole.workload.statements, reference.workload.statements);
  EXPECT_EQ(whole.workload.lines, reference.workload.lines);
  EXPECT_EQ(whole.workload.bytes, reference.workload.bytes);
}

// What a log file holds, judged from its first lines (loaders/logs/input_kind):
// a stderr log whose statements are wide Drizzle inserts is no csvlog.

// A PostgreSQL 15 stderr log (Debian's prefix '%m [%p] %q%u@%d ') of a Drizzle
// app: its insert names the table's 8 columns three times (columns, values,
// returning), 22 commas on one line, and the line starts with a timestamp --
// the two marks of a csvlog record.
std::string drizzle_insert_lines() {
  const std::string insert =
      "insert into \"roles\" (\"id\", \"name\", \"status\", \"isReadonly\", \"createdAt\", \"updatedAt\", "
      "\"deletedAt\", \"approvedAt\") values (default, $1, default, default, default, default, default, "
      "default) returning \"id\", \"name\", \"status\", \"isReadonly\", \"createdAt\", \"updatedAt\", "
      "\"deletedAt\", \"approvedAt\"";
  std::string text;
  for (int i = 0; i < 3; ++i) {
    const std::string at = "2026-11-25 09:06:15.27" + std::to_string(7 + i) + " UTC [30353] postgres@tally ";
    text += at + "LOG:  duration: 0.610 ms  parse <unnamed>: " + insert + "\n";
    text += at + "LOG:  duration: 0.171 ms  bind <unnamed>: " + insert + "\n";
    text += at + "DETAIL:  parameters: $1 = 'role-" + std::to_string(i) + "'\n";
    text += at + "LOG:  duration: 0.093 ms  execute <unnamed>: " + insert + "\n";
    text += at + "DETAIL:  parameters: $1 = 'role-" + std::to_string(i) + "'\n";
  }
  return text;
}

TEST(LogInput, AStderrLogOfWideDrizzleInsertsIsNoCsvlog) {
  EXPECT_EQ(loaders::detect_input_kind("postgresql.log", drizzle_insert_lines()),
            loaders::InputKind::stderr_text);
  // A csvlog still is one: its first field is the timestamp alone (with
  // its zone, or an export's offset).
  std::string exported = pgadvise::test::read_text(log_fixture("csvlog.csv"));
  for (std::size_t at = exported.find(" UTC,"); at != std::string::npos; at = exported.find(" UTC,", at)) {
    exported.replace(at, 4, "+00");
  }
  EXPECT_EQ(loaders::detect_input_kind("export.csv", exported), loaders::InputKind::csvlog);
  EXPECT_EQ(
      loaders::detect_input_kind("postgresql.csv", pgadvise::test::read_text(log_fixture("csvlog.csv"))),
      loaders::InputKind::csvlog);
}

// Read whole, the log gives its statement three times (it read none and
// skipped every line as a csvlog's).
TEST(LogInput, TheWideInsertsAreReadAsStatements) {
  const std::string path = write_temp("drizzle-wide-inserts.log", drizzle_insert_lines());
  const loaders::LogReadResult result = loaders::read_logs({path});
  ASSERT_TRUE(result.usable);
  std::uint64_t calls = 0;
  for (const model::QueryStats& stats : result.workload.queries) {
    calls += stats.calls;
  }
  EXPECT_EQ(calls, 3U);
}

} // namespace log_input_test
