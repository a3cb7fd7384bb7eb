#include "loaders/logs/zstd_frames.hpp"

#include <algorithm>
#include <cstring>
#include <zstd.h>
#include <zstd_errors.h>

namespace pgadvise::loaders {

namespace {

// Raw reads in the stream mode, as the plain decoder reads.
constexpr std::size_t k_raw_bytes = std::size_t{256} * 1024;
// Raw reads while frames are split: a few frames of pzstd's size at once.
constexpr std::size_t k_split_read_bytes = std::size_t{1} << 20U;

} // namespace

ZstdFramesSource::ZstdFramesSource(RawRead raw) : m_raw(std::move(raw)) {
  m_workers.reserve(k_threads);
  for (std::size_t i = 0; i < k_threads; ++i) {
    m_workers.emplace_back([this] { work(); });
  }
}

ZstdFramesSource::~ZstdFramesSource() {
  {
    const std::lock_guard<std::mutex> lock(m_mutex);
    m_stop = true;
  }
  m_changed.notify_all();
  for (std::thread& worker : m_workers) {
    worker.join();
  }
  ZSTD_freeDCtx(m_stream);
}

// The next whole frame of the file, from m_pending and more raw reads. A
// frame that is not whole within k_max_frame_bytes (or at the end of the
// file), or that zstd cannot size, ends the splitting: the stream mode
// decodes from there.
ZstdFramesSource::Split ZstdFramesSource::split(std::string& frame) {
  while (true) {
    if (!m_pending.empty()) {
      const std::size_t size = ZSTD_findFrameCompressedSize(m_pending.data(), m_pending.size());
      if (ZSTD_isError(size) == 0U) {
        frame.assign(m_pending, 0, size);
        m_pending.erase(0, size);
        return Split::frame;
      }
      if (ZSTD_getErrorCode(size) != ZSTD_error_srcSize_wrong || m_pending.size() >= k_max_frame_bytes) {
        return Split::stream;
      }
    }
    if (m_raw_end) {
      return m_pending.empty() ? Split::end : Split::stream;
    }
    const std::size_t have = m_pending.size();
    m_pending.resize(have + k_split_read_bytes);
    const long n = m_raw(m_pending.data() + have, k_split_read_bytes);
    m_pending.resize(have + static_cast<std::size_t>(std::max(n, 0L)));
    if (n < 0) {
      // The read error is the stream mode's to report, at its place.
      return Split::stream;
    }
    m_raw_end = n == 0;
  }
}

bool ZstdFramesSource::decode(ZSTD_DCtx_s* context, Frame& frame) {
  if (context == nullptr) {
    return false;
  }
  const unsigned long long declared =
      ZSTD_getFrameContentSize(frame.compressed.data(), frame.compressed.size());
  if (declared != ZSTD_CONTENTSIZE_UNKNOWN && declared != ZSTD_CONTENTSIZE_ERROR) {
    if (declared > k_max_content_bytes) {
      return false;
    }
    frame.content.resize(static_cast<std::size_t>(declared));
  }
  ZSTD_DCtx_reset(context, ZSTD_reset_session_only);
  ZSTD_inBuffer input{frame.compressed.data(), frame.compressed.size(), 0};
  std::size_t length = 0;
  std::size_t remaining = 1;
  while (remaining != 0) {
    if (length == frame.content.size()) {
      if (frame.content.size() >= k_max_content_bytes) {
        return false;
      }
      frame.content.resize(std::min(k_max_content_bytes,
                                    std::max<std::size_t>(frame.content.size() * 2, std::size_t{1} << 16U)));
    }
    ZSTD_outBuffer output{frame.content.data() + length, frame.content.size() - length, 0};
    remaining = ZSTD_decompressStream(context, &output, &input);
    if (ZSTD_isError(remaining) != 0U) {
      return false; // corrupt: the stream mode reports it where a plain decoder would
    }
    length += output.pos;
    if (remaining != 0 && input.pos == input.size && output.pos < output.size) {
      return false; // the frame ends early
    }
  }
  frame.content.resize(length);
  return true;
}

void ZstdFramesSource::work() {
  ZSTD_DCtx* context = ZSTD_createDCtx();
  while (true) {
    Frame* frame = nullptr;
    {
      std::unique_lock<std::mutex> lock(m_mutex);
      m_changed.wait(lock, [&] { return m_stop || m_split_done || m_frames.size() < k_window; });
      if (m_stop || m_split_done) {
        break;
      }
      auto next = std::make_unique<Frame>();
      // A buffer of a frame handed out: its pages are already the process's
      // (fresh memory for every frame cost more than the decoding).
      if (!m_spare.empty()) {
        next->content = std::move(m_spare.back());
        m_spare.pop_back();
      }
      const Split found = split(next->compressed);
      if (found != Split::frame) {
        m_split_done = true;
        if (found == Split::stream) {
          next->state = State::stream;
          next->compressed.clear();
          m_frames.push_back(std::move(next));
        }
        lock.unlock();
        m_changed.notify_all();
        break;
      }
      frame = next.get();
      m_frames.push_back(std::move(next));
    }
    const bool decoded = decode(context, *frame);
    {
      const std::lock_guard<std::mutex> lock(m_mutex);
      frame->state = decoded ? State::done : State::stream;
      m_frames_decoded += decoded ? 1 : 0;
    }
    m_changed.notify_all();
  }
  ZSTD_freeDCtx(context);
}

// From the front frame on, everything not handed out yet is one stream: the
// frames' compressed bytes in order, what was read past them, then the file.
void ZstdFramesSource::start_stream() {
  {
    const std::lock_guard<std::mutex> lock(m_mutex);
    m_stop = true;
  }
  m_changed.notify_all();
  for (std::thread& worker : m_workers) {
    worker.join();
  }
  m_workers.clear();
  for (const auto& frame : m_frames) {
    m_stream_input += frame->compressed;
  }
  m_frames.clear();
  m_stream_input += m_pending;
  std::string().swap(m_pending);
  m_stream = ZSTD_createDCtx();
  m_buffer.resize(k_raw_bytes);
  m_streaming = true;
}

long ZstdFramesSource::read_stream(char* out, std::size_t size) {
  if (m_stream == nullptr || m_failed) {
    return -1;
  }
  ZSTD_outBuffer output{out, size, 0};
  while (output.pos < output.size) {
    const char* next = nullptr;
    std::size_t available = 0;
    if (m_stream_input_position < m_stream_input.size()) {
      next = m_stream_input.data() + m_stream_input_position;
      available = m_stream_input.size() - m_stream_input_position;
    } else {
      if (m_buffer_position == m_buffer_length && !m_raw_end) {
        const long n = m_raw(m_buffer.data(), m_buffer.size());
        if (n < 0) {
          m_failed = true;
          return -1;
        }
        m_raw_end = n == 0;
        m_buffer_position = 0;
        m_buffer_length = static_cast<std::size_t>(n);
      }
      next = m_buffer.data() + m_buffer_position;
      available = m_buffer_length - m_buffer_position;
    }
    if (available == 0) {
      if (m_in_frame) {
        m_failed = true; // the file ends inside a frame
        return -1;
      }
      break;
    }
    ZSTD_inBuffer input{next, available, 0};
    const std::size_t rc = ZSTD_decompressStream(m_stream, &output, &input);
    if (m_stream_input_position < m_stream_input.size()) {
      m_stream_input_position += input.pos;
    } else {
      m_buffer_position += input.pos;
    }
    if (ZSTD_isError(rc) != 0U) {
      m_failed = true;
      return -1;
    }
    m_in_frame = rc != 0;
  }
  return static_cast<long>(output.pos);
}

long ZstdFramesSource::read(char* out, std::size_t size) {
  std::size_t done = 0;
  while (done < size && !m_streaming) {
    std::unique_lock<std::mutex> lock(m_mutex);
    m_changed.wait(lock, [&] {
      return (!m_frames.empty() && m_frames.front()->state != State::decoding) ||
             (m_frames.empty() && m_split_done);
    });
    if (m_frames.empty()) {
      return static_cast<long>(done); // the end
    }
    Frame& front = *m_frames.front();
    if (front.state == State::stream) {
      lock.unlock();
      start_stream();
      break;
    }
    const std::size_t n = std::min(size - done, front.content.size() - m_position);
    std::memcpy(out + done, front.content.data() + m_position, n);
    m_position += n;
    done += n;
    if (m_position == front.content.size()) {
      if (m_spare.size() < k_window) {
        m_spare.push_back(std::move(front.content));
      }
      m_frames.pop_front();
      m_position = 0;
      lock.unlock();
      m_changed.notify_all();
    }
  }
  if (done == size || !m_streaming) {
    return static_cast<long>(done);
  }
  const long more = read_stream(out + done, size - done);
  if (more < 0) {
    // The frames' bytes of this read are good: they go out now, the error
    // on the next read (the stream stays failed).
    return done > 0 ? static_cast<long>(done) : -1;
  }
  return static_cast<long>(done) + more;
}

} // namespace pgadvise::loaders
