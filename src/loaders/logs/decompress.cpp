#include "loaders/logs/decompress.hpp"

#include "loaders/logs/read_ahead.hpp"
#include "loaders/logs/zstd_frames.hpp"

#include <algorithm>
#include <array>
#include <bzlib.h>
#include <cerrno>
#include <cstring>
#include <lzma.h>
#include <unistd.h>
#include <zlib.h>

namespace pgadvise::loaders {

namespace {

constexpr std::size_t k_raw_bytes = std::size_t{256} * 1024;

// The file's raw bytes; the sniffed head is served first.
class RawFile {
public:
  explicit RawFile(int fd) : m_fd(fd) {}
  ~RawFile() { ::close(m_fd); }
  RawFile(const RawFile&) = delete;
  RawFile& operator=(const RawFile&) = delete;
  RawFile(RawFile&&) = delete;
  RawFile& operator=(RawFile&&) = delete;

  // Reads the first bytes for detection; they are still returned by read().
  std::string_view sniff() {
    while (m_head.size() < 8) {
      std::array<char, 8> buffer{};
      const long n = raw(buffer.data(), 8 - m_head.size());
      if (n <= 0) {
        break;
      }
      m_head.append(buffer.data(), static_cast<std::size_t>(n));
    }
    return m_head;
  }

  long read(char* out, std::size_t size) {
    if (m_head_pos < m_head.size()) {
      const std::size_t n = std::min(size, m_head.size() - m_head_pos);
      std::memcpy(out, m_head.data() + m_head_pos, n);
      m_head_pos += n;
      return static_cast<long>(n);
    }
    return raw(out, size);
  }

private:
  long raw(char* out, std::size_t size) const {
    while (true) {
      const ssize_t n = ::read(m_fd, out, size);
      if (n < 0 && errno == EINTR) {
        continue;
      }
      return static_cast<long>(n);
    }
  }

  int m_fd;
  std::string m_head;
  std::size_t m_head_pos = 0;
};

class PlainSource final : public ByteSource {
public:
  explicit PlainSource(std::unique_ptr<RawFile> file) : m_file(std::move(file)) {}
  long read(char* out, std::size_t size) override { return m_file->read(out, size); }
  [[nodiscard]] Compression compression() const override { return Compression::none; }

private:
  std::unique_ptr<RawFile> m_file;
};

// Shared input buffering of the decoders: `refill` when the decoder has used
// what it had; `at_end` once the file is exhausted.
class Decoder : public ByteSource {
protected:
  explicit Decoder(std::unique_ptr<RawFile> file) : m_file(std::move(file)), m_in(k_raw_bytes, '\0') {}
  // false on a read error.
  bool refill(std::size_t& available, const char*& next) {
    if (available > 0 || m_at_end) {
      return true;
    }
    const long n = m_file->read(m_in.data(), m_in.size());
    if (n < 0) {
      return false;
    }
    m_at_end = n == 0;
    available = static_cast<std::size_t>(n);
    next = m_in.data();
    return true;
  }
  [[nodiscard]] bool at_end() const { return m_at_end; }

private:
  std::unique_ptr<RawFile> m_file;
  std::string m_in;
  bool m_at_end = false;
};

class GzipSource final : public Decoder {
public:
  explicit GzipSource(std::unique_ptr<RawFile> file) : Decoder(std::move(file)) {
    m_ok = inflateInit2(&m_stream, 15 + 32) == Z_OK; // gzip or zlib header
  }
  ~GzipSource() override { inflateEnd(&m_stream); }
  GzipSource(const GzipSource&) = delete;
  GzipSource& operator=(const GzipSource&) = delete;
  GzipSource(GzipSource&&) = delete;
  GzipSource& operator=(GzipSource&&) = delete;

  long read(char* out, std::size_t size) override {
    if (!m_ok) {
      return -1;
    }
    m_stream.next_out = reinterpret_cast<Bytef*>(out);
    m_stream.avail_out = static_cast<uInt>(size);
    while (m_stream.avail_out > 0) {
      std::size_t available = m_stream.avail_in;
      const char* next = reinterpret_cast<const char*>(m_stream.next_in);
      if (!refill(available, next)) {
        return -1;
      }
      m_stream.avail_in = static_cast<uInt>(available);
      m_stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(next));
      if (m_stream.avail_in == 0 && at_end()) {
        if (m_in_member) {
          return -1; // truncated
        }
        break;
      }
      const int rc = inflate(&m_stream, Z_NO_FLUSH);
      m_in_member = true;
      if (rc == Z_STREAM_END) {
        m_in_member = false;
        inflateReset(&m_stream); // another member may follow
      } else if (rc != Z_OK && rc != Z_BUF_ERROR) {
        return -1;
      }
    }
    return static_cast<long>(size - m_stream.avail_out);
  }
  [[nodiscard]] Compression compression() const override { return Compression::gzip; }

private:
  z_stream m_stream{};
  bool m_ok = false;
  bool m_in_member = false;
};

class Bzip2Source final : public Decoder {
public:
  explicit Bzip2Source(std::unique_ptr<RawFile> file) : Decoder(std::move(file)) { init(); }
  ~Bzip2Source() override { BZ2_bzDecompressEnd(&m_stream); }
  Bzip2Source(const Bzip2Source&) = delete;
  Bzip2Source& operator=(const Bzip2Source&) = delete;
  Bzip2Source(Bzip2Source&&) = delete;
  Bzip2Source& operator=(Bzip2Source&&) = delete;

  long read(char* out, std::size_t size) override {
    if (!m_ok) {
      return -1;
    }
    m_stream.next_out = out;
    m_stream.avail_out = static_cast<unsigned>(size);
    while (m_stream.avail_out > 0) {
      std::size_t available = m_stream.avail_in;
      const char* next = m_stream.next_in;
      if (!refill(available, next)) {
        return -1;
      }
      m_stream.avail_in = static_cast<unsigned>(available);
      m_stream.next_in = const_cast<char*>(next);
      if (m_stream.avail_in == 0 && at_end()) {
        if (m_in_stream) {
          return -1;
        }
        break;
      }
      const int rc = BZ2_bzDecompress(&m_stream);
      m_in_stream = true;
      if (rc == BZ_STREAM_END) {
        // Another stream may follow (pbzip2, cat a.bz2 b.bz2).
        char* const next_in = m_stream.next_in;
        const unsigned avail_in = m_stream.avail_in;
        char* const next_out = m_stream.next_out;
        const unsigned avail_out = m_stream.avail_out;
        BZ2_bzDecompressEnd(&m_stream);
        init();
        m_stream.next_in = next_in;
        m_stream.avail_in = avail_in;
        m_stream.next_out = next_out;
        m_stream.avail_out = avail_out;
        m_in_stream = false;
      } else if (rc != BZ_OK) {
        return -1;
      }
    }
    return static_cast<long>(size - m_stream.avail_out);
  }
  [[nodiscard]] Compression compression() const override { return Compression::bzip2; }

private:
  void init() {
    m_stream = bz_stream{};
    m_ok = BZ2_bzDecompressInit(&m_stream, 0, 0) == BZ_OK;
  }
  bz_stream m_stream{};
  bool m_ok = false;
  bool m_in_stream = false;
};

class XzSource final : public Decoder {
public:
  explicit XzSource(std::unique_ptr<RawFile> file) : Decoder(std::move(file)) {
    m_ok = lzma_stream_decoder(&m_stream, UINT64_MAX, LZMA_CONCATENATED) == LZMA_OK;
  }
  ~XzSource() override { lzma_end(&m_stream); }
  XzSource(const XzSource&) = delete;
  XzSource& operator=(const XzSource&) = delete;
  XzSource(XzSource&&) = delete;
  XzSource& operator=(XzSource&&) = delete;

  long read(char* out, std::size_t size) override {
    if (!m_ok) {
      return -1;
    }
    m_stream.next_out = reinterpret_cast<std::uint8_t*>(out);
    m_stream.avail_out = size;
    while (m_stream.avail_out > 0 && !m_done) {
      std::size_t available = m_stream.avail_in;
      const char* next = reinterpret_cast<const char*>(m_stream.next_in);
      if (!refill(available, next)) {
        return -1;
      }
      m_stream.avail_in = available;
      m_stream.next_in = reinterpret_cast<const std::uint8_t*>(next);
      const lzma_ret rc = lzma_code(&m_stream, m_stream.avail_in == 0 && at_end() ? LZMA_FINISH : LZMA_RUN);
      if (rc == LZMA_STREAM_END) {
        m_done = true;
      } else if (rc != LZMA_OK) {
        return -1;
      }
    }
    return static_cast<long>(size - m_stream.avail_out);
  }
  [[nodiscard]] Compression compression() const override { return Compression::xz; }

private:
  lzma_stream m_stream{}; // all zero, as LZMA_STREAM_INIT
  bool m_ok = false;
  bool m_done = false;
};

} // namespace

std::string_view compression_name(Compression compression) {
  switch (compression) {
  case Compression::none: return "";
  case Compression::gzip: return "gzip";
  case Compression::bzip2: return "bzip2";
  case Compression::xz: return "xz";
  case Compression::zstd: return "zstd";
  }
  return "";
}

Compression detect_compression(std::string_view head) {
  const auto starts = [&](std::string_view magic) { return head.substr(0, magic.size()) == magic; };
  if (starts("\x1f\x8b")) {
    return Compression::gzip;
  }
  if (starts("BZh") && head.size() >= 4 && head[3] >= '1' && head[3] <= '9') {
    return Compression::bzip2;
  }
  if (starts(std::string_view("\xfd"
                              "7zXZ\0",
                              6))) {
    return Compression::xz;
  }
  // A zstd frame, or a skippable frame (0x184D2A50 to 0x184D2A5F, little
  // endian) before one, as pzstd writes each of its frames.
  if (starts("\x28\xb5\x2f\xfd") ||
      (head.size() >= 4 && (static_cast<unsigned char>(head[0]) & 0xF0U) == 0x50U &&
       head.substr(1, 3) == "\x2a\x4d\x18")) {
    return Compression::zstd;
  }
  return Compression::none;
}

std::unique_ptr<ByteSource> ByteSource::open_fd(int fd) {
  auto file = std::make_unique<RawFile>(fd);
  // Compressed input is decoded on a thread of its own, ahead of its reader
  // (loaders/logs/read_ahead); zstd frames on two (loaders/logs/zstd_frames).
  std::unique_ptr<ByteSource> decoder;
  switch (detect_compression(file->sniff())) {
  case Compression::gzip: decoder = std::make_unique<GzipSource>(std::move(file)); break;
  case Compression::bzip2: decoder = std::make_unique<Bzip2Source>(std::move(file)); break;
  case Compression::xz: decoder = std::make_unique<XzSource>(std::move(file)); break;
  case Compression::zstd: {
    std::shared_ptr<RawFile> raw(std::move(file));
    decoder = std::make_unique<ZstdFramesSource>(
        [raw](char* out, std::size_t size) { return raw->read(out, size); });
    break;
  }
  case Compression::none: return std::make_unique<PlainSource>(std::move(file));
  }
  return std::make_unique<ReadAheadSource>(std::move(decoder));
}

} // namespace pgadvise::loaders
