#include "loaders/logs/input.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
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
  return std::unique_ptr<LogInput>(new LogInput(ByteSource::open_fd(fd)));
}

LogInput::~LogInput() = default;

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
