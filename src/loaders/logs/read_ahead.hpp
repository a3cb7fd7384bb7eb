#pragma once

#include "loaders/logs/decompress.hpp"

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

// A compressed log decoded on a thread of its own, a few chunks ahead of the
// thread that reads it (the one that folds): decompression then runs beside
// the fold and the parsing instead of in turn with the fold. The bytes, and
// where a read error falls among them, are the decoder's own.
namespace pgadvise::loaders {

class ReadAheadSource final : public ByteSource {
public:
  explicit ReadAheadSource(std::unique_ptr<ByteSource> inner);
  ~ReadAheadSource() override;
  ReadAheadSource(const ReadAheadSource&) = delete;
  ReadAheadSource& operator=(const ReadAheadSource&) = delete;
  ReadAheadSource(ReadAheadSource&&) = delete;
  ReadAheadSource& operator=(ReadAheadSource&&) = delete;

  long read(char* out, std::size_t size) override;
  [[nodiscard]] Compression compression() const override { return m_compression; }

  static constexpr std::size_t k_chunk_bytes = std::size_t{1} << 20U;
  static constexpr std::size_t k_chunks_ahead = 4;

private:
  struct Chunk {
    std::string data;
    long size = 0; // bytes in data; 0: the end; -1: a read or decoding error
  };
  void run();

  std::unique_ptr<ByteSource> m_inner;
  Compression m_compression;
  std::mutex m_mutex;
  std::condition_variable m_changed;
  std::deque<Chunk> m_ready;
  std::vector<std::string> m_spare; // buffers handed back, reused
  bool m_stop = false;
  Chunk m_current;
  std::size_t m_position = 0;
  bool m_finished = false; // the end or an error was handed out
  long m_final = 0;        // what read() returns once finished
  std::thread m_worker;
};

} // namespace pgadvise::loaders
