#include "loaders/logs/input.hpp"

#include "core/file.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <sys/stat.h>
#include <unistd.h>

namespace pgadvise::loaders {

std::string input_display_name(const std::string& path) {
  if (path == "-") {
    return "<stdin>";
  }
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path cwd = fs::current_path(ec);
  const fs::path given(path);
  if (ec || given.is_relative()) {
    return path;
  }
  const fs::path relative = given.lexically_normal().lexically_relative(cwd.lexically_normal());
  return relative.empty() || *relative.begin() == ".." ? path : relative.string();
}

core::Result<std::unique_ptr<LogInput>> LogInput::open(const std::string& path) {
  const int fd = path == "-" ? dup(STDIN_FILENO) : ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return core::Error("cannot open " + path + ": " + std::strerror(errno), core::SourceLocation{path, 0, 0});
  }
  struct stat info {};
  const bool regular = path != "-" && fstat(fd, &info) == 0 && S_ISREG(info.st_mode);
  std::unique_ptr<LogInput> input(new LogInput(ByteSource::open_fd(fd)));
  if (regular && input->compression() == Compression::none) {
    input->m_range_fd = fcntl(fd, F_DUPFD_CLOEXEC, 0); // -1: read as a stream
    input->m_range_size = static_cast<std::uint64_t>(info.st_size);
  }
  return input;
}

LogInput::~LogInput() {
  if (m_range_fd >= 0) {
    ::close(m_range_fd);
  }
}

std::size_t LogInput::range_count() const {
  return static_cast<std::size_t>((m_range_size + m_block_bytes - 1) / m_block_bytes);
}

std::size_t LogInput::read_at(std::uint64_t offset, char* out, std::size_t size) const {
  return core::read_at(m_range_fd, out, size, offset);
}

bool LogInput::boundary(std::uint64_t at, std::uint64_t base, std::string& buffer, std::size_t& length,
                        std::uint64_t& found, bool& cut) const {
  if (at == 0 || at >= m_range_size) {
    found = std::min(at, m_range_size);
    return true;
  }
  const std::uint64_t limit = std::min(m_range_size, at + k_max_record_bytes);
  std::uint64_t from = at - 1; // the newline before a record start may sit just before `at`
  while (true) {
    // Look at what is read (the byte after a newline too).
    const char* data = buffer.data();
    while (from + 1 < base + length) {
      const void* nl =
          std::memchr(data + (from - base), '\n', static_cast<std::size_t>(base + length - from - 1));
      if (nl == nullptr) {
        from = base + length - 1;
        break;
      }
      const std::uint64_t start = base + static_cast<std::uint64_t>(static_cast<const char*>(nl) - data) + 1;
      if (start >= limit) {
        break;
      }
      if (m_format == LogFormat::jsonlog || data[start - base] != '\t') {
        found = start;
        return true;
      }
      from = start;
    }
    if (base + length >= limit || from + 1 >= limit) {
      found = limit;
      cut = limit < m_range_size;
      return true;
    }
    // Read on: a record longer than what was read, or the byte after a newline.
    const std::size_t more = std::max<std::size_t>(k_range_slack * 4, length / 2);
    const std::size_t want =
        static_cast<std::size_t>(std::min<std::uint64_t>(more, m_range_size - (base + length)));
    if (buffer.size() < length + want) {
      buffer.resize(length + want);
    }
    const std::size_t got = read_at(base + length, buffer.data() + length, want);
    length += got;
    if (got < want) {
      found = base + length;
      return false; // the file shrank
    }
  }
}

LogInput::Range LogInput::read_range(std::size_t index, std::string& block) const {
  Range range;
  const std::uint64_t start_at = std::uint64_t{index} * m_block_bytes;
  const std::uint64_t end_at = std::min(m_range_size, start_at + m_block_bytes);
  // From the byte before the range (a record start needs the newline before
  // it) to a little past its end (where the next record usually starts).
  const std::uint64_t base = start_at == 0 ? 0 : start_at - 1;
  const std::size_t want = static_cast<std::size_t>(
      std::min<std::uint64_t>(m_range_size, end_at + k_range_slack) - std::min(base, m_range_size));
  if (block.size() < want) {
    block.resize(want); // the buffer keeps its size from block to block: no zero fill each time
  }
  std::size_t length = read_at(base, block.data(), want);
  std::uint64_t start = 0;
  std::uint64_t end = 0;
  bool cut = false;
  if (!boundary(start_at, base, block, length, start, cut)) {
    range.shrunk = true;
    start = base + length;
    end = start;
  } else if (!boundary(end_at, base, block, length, end, range.cut)) {
    range.shrunk = true;
    end = base + length;
  }
  end = std::max(end, start);
  range.skip = static_cast<std::size_t>(start - base);
  range.end = static_cast<std::size_t>(end - base);
  range.no_final_newline =
      !range.shrunk && end == m_range_size && end > start && block[range.end - 1] != '\n';
  return range;
}

void LogInput::count_range(const Range& range, std::size_t bytes) {
  if (!m_counting_ranges) {
    m_counting_ranges = true;
    m_bytes = 0; // what peek() read through the stream is read again in ranges
  }
  m_bytes += bytes;
  if (range.cut) {
    ++m_cut;
  }
  if (bytes > 0) {
    m_no_final_newline = range.no_final_newline;
  }
  m_error = m_error || range.shrunk;
}

bool LogInput::fill(std::size_t want) {
  while (!m_eof && m_length < want) {
    const std::size_t chunk = std::max<std::size_t>(want - m_length, k_read_bytes);
    if (m_pending.size() < m_length + chunk) {
      m_pending.resize(m_length + chunk);
    }
    const long n = m_file->read(m_pending.data() + m_length, chunk);
    if (n <= 0) {
      m_eof = true;
      if (n < 0) {
        m_error = true;
      }
      break;
    }
    m_length += static_cast<std::size_t>(n);
    m_bytes += static_cast<std::uint64_t>(n);
  }
  return m_length > 0;
}

std::string_view LogInput::peek(std::size_t size) {
  fill(size);
  return std::string_view(m_pending.data(), std::min(size, m_length));
}

std::size_t LogInput::split_point(std::size_t limit) const {
  const std::string_view data(m_pending.data(), std::min(limit, m_length));
  if (m_format == LogFormat::csvlog) {
    // The last newline outside quotes.
    bool quoted = false;
    std::size_t last = 0;
    for (std::size_t i = 0; i < data.size(); ++i) {
      if (data[i] == '"') {
        quoted = !quoted;
      } else if (data[i] == '\n' && !quoted) {
        last = i + 1;
      }
    }
    return last;
  }
  // The last newline followed by a byte that does not continue the record.
  std::size_t end = data.size();
  while (end > 0) {
    const std::size_t nl = data.rfind('\n', end - 1);
    if (nl == std::string_view::npos) {
      return 0;
    }
    if (m_format == LogFormat::jsonlog) {
      return nl + 1;
    }
    // The byte after the newline may lie past `limit`: look in everything read.
    if (nl + 1 < m_length && m_pending[nl + 1] != '\t') {
      return nl + 1;
    }
    end = nl;
  }
  return 0;
}

bool LogInput::next(std::string& block) {
  std::size_t want = m_block_bytes;
  while (true) {
    fill(want);
    if (m_length == 0) {
      return false;
    }
    std::size_t split = m_length;
    if (m_eof) {
      m_no_final_newline = m_pending[m_length - 1] != '\n';
    } else {
      const std::size_t limit = std::min(want, m_length);
      split = split_point(limit);
      if (split == 0 && (limit < m_length || m_length < k_max_record_bytes)) {
        want *= 2; // one record longer than a block: look further
        continue;
      }
      if (split == 0) {
        ++m_cut;
        split = m_length;
      }
    }
    // Hand out the buffer itself; only the partial record after the split
    // is copied, into the caller's old buffer (which becomes ours).
    block.swap(m_pending);
    const std::size_t tail = m_length - split;
    if (m_pending.size() < tail) {
      m_pending.resize(std::max(tail, m_block_bytes));
    }
    std::memcpy(m_pending.data(), block.data() + split, tail);
    m_length = tail;
    block.resize(split);
    return true;
  }
}

} // namespace pgadvise::loaders
