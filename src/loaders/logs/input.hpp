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

  [[nodiscard]] Compression compression() const { return m_file->compression(); }
  [[nodiscard]] std::uint64_t bytes_read() const { return m_bytes; }
  [[nodiscard]] bool ended_without_newline() const { return m_no_final_newline; }
  [[nodiscard]] bool read_error() const { return m_error; }
  // Records longer than this are cut (and the cut reported as oversized).
  [[nodiscard]] std::uint64_t records_cut() const { return m_cut; }

  static constexpr std::size_t k_block_bytes = 4 * 1024 * 1024;
  static constexpr std::size_t k_max_record_bytes = 64 * 1024 * 1024;
  static constexpr std::size_t k_read_bytes = 512 * 1024; // smallest read

private:
  explicit LogInput(std::unique_ptr<ByteSource> file) : m_file(std::move(file)) {}
  bool fill(std::size_t want);
  // The end of the last whole record within the first `limit` bytes (0: none).
  [[nodiscard]] std::size_t split_point(std::size_t limit) const;

  std::unique_ptr<ByteSource> m_file;
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
