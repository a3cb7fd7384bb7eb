#include "core/file.hpp"
#include "loaders/logs/decompress.hpp"
#include "loaders/logs/zstd_frames.hpp"
#include "log_test_support.hpp"

#include <algorithm>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <gtest/gtest.h>
#include <zstd.h>

// zstd logs of several frames (fixtures/logs/real/compressed/requests-frames.log.zst:
// requests.log cut in three at line ends, each part through the real pzstd,
// concatenated: a skippable frame before each of the three zstd frames) are
// decoded frame by frame on two threads and handed out in the file's order; a
// corrupt or truncated frame is an error after the bytes before it, never a
// hang and never a silent end.
namespace log_zstd_frames_test {

using namespace pgadvise;

std::string real(const std::string& name) {
  return std::string(PGADVISE_SOURCE_DIR) + "/fixtures/logs/real/" + name;
}

const std::string& frames_file() {
  static const std::string bytes = core::read_file(real("compressed/requests-frames.log.zst")).value();
  return bytes;
}

const std::string& plain_log() {
  static const std::string bytes = core::read_file(real("requests.log")).value();
  return bytes;
}

// Where each frame of `bytes` starts (skippable frames included).
std::vector<std::size_t> frame_starts(const std::string& bytes) {
  std::vector<std::size_t> starts;
  std::size_t at = 0;
  while (at < bytes.size()) {
    starts.push_back(at);
    const std::size_t size = ZSTD_findFrameCompressedSize(bytes.data() + at, bytes.size() - at);
    if (ZSTD_isError(size) != 0U) {
      break;
    }
    at += size;
  }
  return starts;
}

// The content size of the frame at [begin, end), decoded here (pzstd does
// not write it in the frame header).
std::size_t content_size(const std::string& bytes, std::size_t begin, std::size_t end) {
  ZSTD_DCtx* context = ZSTD_createDCtx();
  std::string out(std::size_t{1} << 20U, '\0');
  ZSTD_inBuffer input{bytes.data() + begin, end - begin, 0};
  ZSTD_outBuffer output{out.data(), out.size(), 0};
  const std::size_t rc = ZSTD_decompressStream(context, &output, &input);
  ZSTD_freeDCtx(context);
  EXPECT_EQ(rc, 0U);
  return output.pos;
}

// A source over `bytes`, served `piece` bytes a read; after `fail_after`
// bytes the raw read fails.
std::unique_ptr<loaders::ZstdFramesSource> source_of(std::string bytes, std::size_t piece,
                                                     std::size_t fail_after = std::string::npos) {
  auto position = std::make_shared<std::size_t>(0);
  auto data = std::make_shared<std::string>(std::move(bytes));
  return std::make_unique<loaders::ZstdFramesSource>(
      [data, position, piece, fail_after](char* out, std::size_t size) -> long {
        if (*position >= fail_after) {
          return -1;
        }
        const std::size_t n = std::min({size, piece, data->size() - *position, fail_after - *position});
        std::memcpy(out, data->data() + *position, n);
        *position += n;
        return static_cast<long>(n);
      });
}

struct Drained {
  std::string bytes;
  long last = 0; // 0: the end; -1: an error
};

Drained drain(loaders::ByteSource& source) {
  Drained result;
  std::string buffer(4096, '\0');
  while (true) {
    const long n = source.read(buffer.data(), buffer.size());
    if (n <= 0) {
      result.last = n;
      return result;
    }
    result.bytes.append(buffer.data(), static_cast<std::size_t>(n));
  }
}

TEST(ZstdFrames, TheFixtureHoldsThreeFramesEachAfterASkippableFrame) {
  const std::vector<std::size_t> starts = frame_starts(frames_file());
  ASSERT_EQ(starts.size(), 6U);
  for (std::size_t i = 0; i < starts.size(); ++i) {
    const std::string magic = frames_file().substr(starts[i], 4);
    const bool skippable =
        (static_cast<unsigned char>(magic[0]) & 0xF0U) == 0x50U && magic.substr(1) == "\x2a\x4d\x18";
    EXPECT_EQ(skippable, i % 2 == 0) << "frame " << i;
  }
}

TEST(ZstdFrames, AFileStartingWithASkippableFrameIsZstd) {
  EXPECT_EQ(loaders::detect_compression(frames_file().substr(0, 8)), loaders::Compression::zstd);
  EXPECT_EQ(loaders::detect_compression(std::string("P*M\x18\x04\0\0\0", 8)), loaders::Compression::zstd);
  EXPECT_EQ(loaders::detect_compression(std::string("Q*M\x18\x04\0\0\0", 8)), loaders::Compression::zstd);
  EXPECT_EQ(loaders::detect_compression(std::string("`*M\x18\x04\0\0\0", 8)), loaders::Compression::none);
}

TEST(ZstdFrames, EachFrameIsDecodedApartAndHandedOutInTheFilesOrder) {
  for (const std::size_t piece : {std::size_t{1000}, std::size_t{1} << 20U}) {
    const auto source = source_of(frames_file(), piece);
    const Drained read = drain(*source);
    EXPECT_EQ(read.last, 0) << piece;
    EXPECT_TRUE(read.bytes == plain_log()) << piece << ": " << read.bytes.size() << " bytes";
    EXPECT_EQ(source->frames_decoded(), 6U) << piece; // three skippable frames, three zstd frames
  }
}

TEST(ZstdFrames, TheLogReaderReadsTheFramesAsTheStderrLog) {
  loaders::LogReadOptions options;
  options.threads = 2;
  const loaders::LogReadResult frames =
      loaders::read_logs({real("compressed/requests-frames.log.zst")}, options);
  const loaders::LogReadResult plain = loaders::read_logs({real("requests.log")}, options);
  ASSERT_TRUE(frames.usable);
  EXPECT_NE(frames.workload.sources.front().description.find(", zstd"), std::string::npos);
  EXPECT_EQ(frames.workload.statements, plain.workload.statements);
  EXPECT_TRUE(frames.workload.warnings.empty()) << frames.workload.warnings.front().message;
}

// The second zstd frame's middle scrambled: the first part comes out whole,
// then the error (the stream decoder takes over at the bad frame, as a plain
// decoder would report it).
TEST(ZstdFrames, ACorruptFrameIsAnErrorAfterTheFramesBeforeIt) {
  std::string bytes = frames_file();
  const std::vector<std::size_t> starts = frame_starts(bytes);
  ASSERT_EQ(starts.size(), 6U);
  const std::size_t middle = (starts[3] + starts[4]) / 2;
  for (std::size_t i = middle; i < middle + 64; ++i) {
    bytes[i] = static_cast<char>(bytes[i] ^ 0x5A);
  }
  const std::size_t first_part = content_size(bytes, starts[1], starts[2]);
  ASSERT_GT(first_part, 0U);
  ASSERT_LT(first_part, plain_log().size());

  const auto source = source_of(bytes, 1000);
  const Drained read = drain(*source);
  EXPECT_EQ(read.last, -1);
  ASSERT_GE(read.bytes.size(), first_part);
  EXPECT_EQ(read.bytes.substr(0, first_part), plain_log().substr(0, first_part));
  EXPECT_LT(read.bytes.size(), plain_log().size());

  // Through the log reader: the file is named, the rest skipped, the part before it read.
  const std::string path = pgadvise::testing::write_temp("corrupt-frames.log.zst", bytes);
  loaders::LogReadOptions options;
  options.threads = 2;
  const loaders::LogReadResult result = loaders::read_logs({path}, options);
  const auto truncated = std::find_if(
      result.workload.warnings.begin(), result.workload.warnings.end(),
      [](const model::ReaderWarning& w) { return w.kind == model::ReaderWarning::Kind::truncated; });
  ASSERT_NE(truncated, result.workload.warnings.end());
  EXPECT_NE(truncated->message.find("zstd"), std::string::npos) << truncated->message;
  EXPECT_NE(std::string(truncated->location.file.str()).find("corrupt-frames.log.zst"), std::string::npos);
  EXPECT_GT(result.workload.statements, 0U);
}

TEST(ZstdFrames, AFileCutInsideTheLastFrameIsAnErrorAfterTheWholeFrames) {
  const std::vector<std::size_t> starts = frame_starts(frames_file());
  ASSERT_EQ(starts.size(), 6U);
  const std::string cut = frames_file().substr(0, (starts[5] + frames_file().size()) / 2);
  const std::size_t first_two =
      content_size(frames_file(), starts[1], starts[2]) + content_size(frames_file(), starts[3], starts[4]);
  const std::string whole = plain_log().substr(0, first_two); // the first two parts
  const auto source = source_of(cut, 700);
  const Drained read = drain(*source);
  EXPECT_EQ(read.last, -1);
  ASSERT_GE(read.bytes.size(), whole.size());
  EXPECT_EQ(read.bytes.substr(0, whole.size()), whole);
}

TEST(ZstdFrames, AReadErrorIsAnErrorAfterTheBytesBeforeIt) {
  const std::vector<std::size_t> starts = frame_starts(frames_file());
  ASSERT_EQ(starts.size(), 6U);
  const auto source = source_of(frames_file(), 500, starts[3] + 10);
  const Drained read = drain(*source);
  EXPECT_EQ(read.last, -1);
  EXPECT_EQ(read.bytes, plain_log().substr(0, read.bytes.size()));
  EXPECT_LT(read.bytes.size(), plain_log().size());
}

// Closing a log before its end (the reader gives up on it) neither waits for
// the rest to be decoded nor hangs.
TEST(ZstdFrames, ASourceLeftBeforeItsEndStopsItsThreads) {
  const int fd = ::open(real("compressed/requests-frames.log.zst").c_str(), O_RDONLY | O_CLOEXEC);
  ASSERT_GE(fd, 0);
  auto source = loaders::ByteSource::open_fd(fd);
  std::string buffer(100, '\0');
  ASSERT_EQ(source->read(buffer.data(), buffer.size()), 100);
  EXPECT_EQ(buffer, plain_log().substr(0, 100));
  EXPECT_EQ(source->compression(), loaders::Compression::zstd);
  source.reset();
}

} // namespace log_zstd_frames_test
