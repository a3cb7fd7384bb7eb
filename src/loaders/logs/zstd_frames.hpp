#pragma once

#include "loaders/logs/decompress.hpp"

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

struct ZSTD_DCtx_s;

// A zstd log decoded frame by frame on two threads, the frames handed out in
// order: pzstd (and `zstd -T` with --rsyncable, or files concatenated) writes
// many small frames, each decodable on its own. A frame is decoded apart only
// when it is whole and small (its compressed bytes at most
// k_max_frame_bytes, its content at most k_max_content_bytes); at the first
// one that is not -- a one-frame file as `zstd` writes it, a truncated or
// corrupt frame -- the rest of the file is decoded as one stream from that
// frame on, exactly as a plain stream decoder would (the same bytes, the
// same error at the same place).
namespace pgadvise::loaders {

class ZstdFramesSource final : public ByteSource {
public:
  // Reads the file's raw bytes: up to `size`, 0 at the end, -1 on an error.
  using RawRead = std::function<long(char* out, std::size_t size)>;

  explicit ZstdFramesSource(RawRead raw);
  ~ZstdFramesSource() override;
  ZstdFramesSource(const ZstdFramesSource&) = delete;
  ZstdFramesSource& operator=(const ZstdFramesSource&) = delete;
  ZstdFramesSource(ZstdFramesSource&&) = delete;
  ZstdFramesSource& operator=(ZstdFramesSource&&) = delete;

  long read(char* out, std::size_t size) override;
  [[nodiscard]] Compression compression() const override { return Compression::zstd; }

  static constexpr std::size_t k_max_frame_bytes = std::size_t{4} << 20U;
  static constexpr std::size_t k_max_content_bytes = std::size_t{32} << 20U;
  static constexpr std::size_t k_threads = 2;
  static constexpr std::size_t k_window = 3; // frames read and not yet handed out

  // How many frames were decoded apart (for tests).
  [[nodiscard]] std::size_t frames_decoded() const { return m_frames_decoded.load(); }

private:
  enum class State { decoding, done, stream };
  struct Frame {
    std::string compressed;
    std::string content;
    State state = State::decoding;
  };
  enum class Split { frame, end, stream };

  void work();
  Split split(std::string& frame); // under m_mutex
  static bool decode(ZSTD_DCtx_s* context, Frame& frame);
  void start_stream(); // the rest as one stream, from the front frame on
  long read_stream(char* out, std::size_t size);

  RawRead m_raw;
  std::string m_pending; // raw bytes read, not yet split into frames
  bool m_raw_end = false;

  std::mutex m_mutex;
  std::condition_variable m_changed;
  std::deque<std::unique_ptr<Frame>> m_frames; // in file order; the front is handed out next
  std::vector<std::string> m_spare;            // content buffers of frames handed out, reused
  bool m_split_done = false;                   // no more frames: the end, or the stream takes over
  bool m_stop = false;
  std::vector<std::thread> m_workers;
  std::size_t m_position = 0; // in the front frame's content
  std::atomic<std::size_t> m_frames_decoded{0};

  // Stream mode: m_stream_input (then the raw file) through one decoder.
  bool m_streaming = false;
  ZSTD_DCtx_s* m_stream = nullptr;
  std::string m_stream_input;
  std::size_t m_stream_input_position = 0;
  std::string m_buffer;
  std::size_t m_buffer_position = 0;
  std::size_t m_buffer_length = 0;
  bool m_in_frame = false;
  bool m_failed = false;
};

} // namespace pgadvise::loaders
