#pragma once

#include "core/finding.hpp"

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace pgadvise::core {

// Findings written to a temporary file that has no name (O_TMPFILE, or a
// name unlinked at once), and read back later: the pages a finished rule's
// findings fill belong to the kernel's page cache instead of the process.
// The file goes when the spill is destroyed or the process ends, however it
// ends; nothing is left in the directory. Texts that live as long as the
// program (a SharedText view of a literal or of the pool, a FilePath) are
// written as their pointer, so they stay shared when read back.
class FindingSpill {
public:
  // Where a batch of findings went: its chunks, each `count` findings
  // encoded in `size` bytes at `offset` of the file.
  struct Chunk {
    std::uint64_t offset = 0;
    std::uint64_t size = 0;
    std::size_t count = 0;
  };
  using Batch = std::vector<Chunk>;

  // `directory`: where the unnamed file is made; empty for $TMPDIR, else /tmp.
  explicit FindingSpill(std::string directory = {});
  ~FindingSpill();
  FindingSpill(const FindingSpill&) = delete;
  FindingSpill& operator=(const FindingSpill&) = delete;
  FindingSpill(FindingSpill&&) = delete;
  FindingSpill& operator=(FindingSpill&&) = delete;

  // Writes `findings` from the first, chunk by chunk, and removes each
  // chunk's findings once it is in the file (their texts go then, not when
  // the whole vector is written); returns the chunks written. When the file
  // cannot be made or written, the findings not written stay in `findings`
  // (read() then them: nothing is lost). Thread-safe: several workers may
  // write at once.
  Batch write(std::vector<Finding>& findings);
  // Where each finding went, told as it is written (before it is removed):
  // the offset of its encoding in the file and its size.
  using Written = std::function<void(const Finding&, std::uint64_t offset, std::uint32_t size)>;
  Batch write(std::vector<Finding>& findings, const Written& written);
  // Writes `count` findings already encoded (bytes read back from this or
  // another spill, read_bytes()) as one chunk; nullopt when the file cannot
  // be made or written.
  std::optional<Chunk> append(const std::string& bytes, std::size_t count);
  // Writes the `size` bytes at `offset` of `from` (`count` whole findings)
  // as one chunk, copied by the kernel from file to file where it can
  // (copy_file_range); nullopt when either file fails.
  std::optional<Chunk> copy(const FindingSpill& from, std::uint64_t offset, std::uint64_t size,
                            std::size_t count);
  // Appends the findings of `batch` to `into`, in the order written. Throws
  // std::runtime_error when the file cannot be read back.
  void read(const Batch& batch, std::vector<Finding>& into) const;
  // How many findings `batch` holds.
  [[nodiscard]] static std::size_t count(const Batch& batch);
  // The `size` bytes at `offset` of the file, into `into` (a chunk, or a
  // finding core::FindingList read back alone). Throws std::runtime_error
  // when the file cannot be read back.
  void read_bytes(std::uint64_t offset, std::size_t size, char* into) const;
  // The finding encoded at `at` (bytes read_bytes() gave), `at` moved past
  // it. Throws std::runtime_error when the bytes end before the finding.
  static Finding decode(const char*& at, const char* end);
  // The bytes written so far.
  [[nodiscard]] std::uint64_t size() const { return m_end.load(); }

private:
  bool open();

  std::string m_directory;
  std::mutex m_open;
  int m_fd = -1;
  bool m_failed = false;
  std::atomic<std::uint64_t> m_end{0};
};

} // namespace pgadvise::core
