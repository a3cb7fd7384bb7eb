#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

namespace pgadvise::loaders {

enum class Compression { none, gzip, bzip2, xz, zstd };

std::string_view compression_name(Compression compression); // "", "gzip", "bzip2", "xz", "zstd"

// The compression a file starts with, from its magic bytes (not its name).
Compression detect_compression(std::string_view head);

// A stream of a file's bytes, decompressed when its magic bytes say so.
// Concatenated members / streams / frames are read one after the other.
class ByteSource {
public:
  // `fd` is owned (closed by the source).
  static std::unique_ptr<ByteSource> open_fd(int fd);
  virtual ~ByteSource() = default;
  ByteSource() = default;
  ByteSource(const ByteSource&) = delete;
  ByteSource& operator=(const ByteSource&) = delete;
  ByteSource(ByteSource&&) = delete;
  ByteSource& operator=(ByteSource&&) = delete;

  // Fills up to `size` bytes; returns how many (0: end), or -1 on a read or
  // decompression error (corrupt or truncated input).
  virtual long read(char* out, std::size_t size) = 0;
  [[nodiscard]] virtual Compression compression() const = 0;
};

} // namespace pgadvise::loaders
