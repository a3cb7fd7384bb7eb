#include "loaders/logs/read_ahead.hpp"

#include <algorithm>
#include <cstring>
#include <utility>

namespace pgadvise::loaders {

ReadAheadSource::ReadAheadSource(std::unique_ptr<ByteSource> inner)
    : m_inner(std::move(inner)), m_compression(m_inner->compression()) {
  m_worker = std::thread([this] { run(); });
}

ReadAheadSource::~ReadAheadSource() {
  {
    const std::lock_guard<std::mutex> lock(m_mutex);
    m_stop = true;
  }
  m_changed.notify_all();
  m_worker.join();
}

void ReadAheadSource::run() {
  while (true) {
    Chunk chunk;
    {
      std::unique_lock<std::mutex> lock(m_mutex);
      m_changed.wait(lock, [&] { return m_stop || m_ready.size() < k_chunks_ahead; });
      if (m_stop) {
        return;
      }
      if (!m_spare.empty()) {
        chunk.data = std::move(m_spare.back());
        m_spare.pop_back();
      }
    }
    chunk.data.resize(k_chunk_bytes);
    std::size_t filled = 0;
    long last = 1;
    while (filled < k_chunk_bytes) {
      last = m_inner->read(chunk.data.data() + filled, k_chunk_bytes - filled);
      if (last <= 0) {
        break;
      }
      filled += static_cast<std::size_t>(last);
    }
    {
      const std::lock_guard<std::mutex> lock(m_mutex);
      if (filled > 0) {
        chunk.size = static_cast<long>(filled);
        m_ready.push_back(std::move(chunk));
      }
      if (last <= 0) {
        m_ready.push_back(Chunk{std::string(), last}); // the end, or the error, after the bytes before it
      }
    }
    m_changed.notify_all();
    if (last <= 0) {
      return;
    }
  }
}

long ReadAheadSource::read(char* out, std::size_t size) {
  std::size_t done = 0;
  while (done < size) {
    const auto available = static_cast<std::size_t>(std::max(m_current.size, 0L));
    if (m_position < available) {
      const std::size_t n = std::min(size - done, available - m_position);
      std::memcpy(out + done, m_current.data.data() + m_position, n);
      m_position += n;
      done += n;
      continue;
    }
    if (m_finished) {
      break;
    }
    Chunk used = std::exchange(m_current, Chunk{});
    m_position = 0;
    {
      std::unique_lock<std::mutex> lock(m_mutex);
      if (used.size > 0) {
        m_spare.push_back(std::move(used.data));
      }
      if (done > 0 && m_ready.empty()) {
        break; // hand out what is here rather than wait
      }
      m_changed.wait(lock, [&] { return !m_ready.empty(); });
      m_current = std::move(m_ready.front());
      m_ready.pop_front();
    }
    m_changed.notify_all();
    if (m_current.size <= 0) {
      m_finished = true;
      m_final = m_current.size;
    }
  }
  if (done == 0 && m_finished) {
    return m_final;
  }
  return static_cast<long>(done);
}

} // namespace pgadvise::loaders
