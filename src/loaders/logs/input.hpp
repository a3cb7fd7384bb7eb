#pragma once

#include "core/result.hpp"
#include "loaders/logs/decompress.hpp"
#include "loaders/logs/formats.hpp"

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace pgadvise::loaders {

// A path as shown in locations: "<stdin>" for "-", else relative to the
// current directory when under it.
std::string input_display_name(const std::string& path);

// Reads a log file (plain, gzip, bzip2, xz or zstd, told apart by their magic
// bytes; "-" is standard input) in blocks of whole
// records, so blocks can be parsed independently: stderr blocks end before a
// line that does not start with a tab (continuations stay with their line),
// csvlog blocks end on a newline outside quotes, jsonlog blocks on any
// newline. Memory is a few blocks, whatever the file size.
class LogInput {
public:
  static core::Result<std::unique_ptr<LogInput>> open(const std::string& path);
  ~LogInput();
  LogInput(const LogInput&) = delete;
  LogInput& operator=(const LogInput&) = delete;
  LogInput(LogInput&&) = delete;
  LogInput& operator=(LogInput&&) = delete;

  // The first bytes (up to `size`), without consuming them: for format and
  // prefix detection.
  std::string_view peek(std::size_t size);
  void set_format(LogFormat format) { m_format = format; }
  void set_block_bytes(std::size_t bytes) { m_block_bytes = bytes == 0 ? k_block_bytes : bytes; }

  // Replaces `block` with the next whole records; false at the end.
  bool next(std::string& block);

  // A plain regular file (not compressed, not a pipe) is read in ranges
  // instead: the parsing threads read their own blocks with pread, so the
  // copy out of the page cache lands in the cache of the core that parses
  // it, and the thread that folds does not read. Block `index` holds the
  // records that start in [index, index + 1) * block bytes: each thread
  // finds the record boundaries at both ends itself, by the same rule as
  // next(). A file that shrinks while it is read (copytruncate) gives short
  // reads, never a fault (which a mapping of the file could give).
  [[nodiscard]] bool ranged() const { return m_range_fd >= 0 && m_format != LogFormat::csvlog; }
  [[nodiscard]] std::size_t range_count() const;
  struct Range {
    std::size_t skip = 0;          // the block's records are block[skip, end)
    std::size_t end = 0;           // (the buffer may be larger: it is reused)
    bool shrunk = false;           // the file ended before its size at open: stop after this block
    bool cut = false;              // a record longer than k_max_record_bytes was cut at the end
    bool no_final_newline = false; // the file's last byte is not a newline
  };
  // Reads block `index` into `block`.
  // Safe to call from several threads at once.
  Range read_range(std::size_t index, std::string& block) const;
  // The main thread's account of each range it used, in order.
  void count_range(const Range& range, std::size_t bytes);

  [[nodiscard]] Compression compression() const { return m_file->compression(); }
  [[nodiscard]] std::uint64_t bytes_read() const { return m_bytes; }
  [[nodiscard]] bool ended_without_newline() const { return m_no_final_newline; }
  [[nodiscard]] bool read_error() const { return m_error; }
  // Records longer than this are cut (and the cut reported as oversized).
  [[nodiscard]] std::uint64_t records_cut() const { return m_cut; }

  // Small enough that a block, once read, is still in the parsing core's
  // cache, and its events (about twice its size) too.
  static constexpr std::size_t k_block_bytes = 512 * 1024;
  static constexpr std::size_t k_max_record_bytes = 64 * 1024 * 1024;
  static constexpr std::size_t k_read_bytes = 512 * 1024; // smallest read
  static constexpr std::size_t k_range_slack = 16 * 1024; // read past a range for the next record start

private:
  explicit LogInput(std::unique_ptr<ByteSource> file) : m_file(std::move(file)) {}
  bool fill(std::size_t want);
  // The end of the last whole record within the first `limit` bytes (0: none).
  [[nodiscard]] std::size_t split_point(std::size_t limit) const;

  // The first record start at or after `at` (the file's size when none),
  // reading more into `buffer` (which holds the file from `base`) as needed;
  // false when the file ends early (shrunk).
  bool boundary(std::uint64_t at, std::uint64_t base, std::string& buffer, std::size_t& length,
                std::uint64_t& found, bool& cut) const;
  // pread of [offset, offset + size) into out; the bytes read.
  std::size_t read_at(std::uint64_t offset, char* out, std::size_t size) const;

  std::unique_ptr<ByteSource> m_file;
  int m_range_fd = -1; // a second descriptor of a plain regular file, for read_range
  std::uint64_t m_range_size = 0;
  bool m_counting_ranges = false;
  // m_pending[0, m_length) is read but not yet handed out; the string's size
  // beyond that is spare room, so refills do not zero memory each time.
  std::string m_pending;
  std::size_t m_length = 0;
  LogFormat m_format = LogFormat::stderr_text;
  std::size_t m_block_bytes = k_block_bytes;
  std::uint64_t m_bytes = 0;
  std::uint64_t m_cut = 0;
  bool m_eof = false;
  bool m_error = false;
  bool m_no_final_newline = false;
};

} // namespace pgadvise::loaders
