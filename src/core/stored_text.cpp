#include "core/stored_text.hpp"

#include <array>
#include <atomic>
#include <mutex>
#include <stdexcept>

namespace pgadvise::core {

namespace {

// Entries in chunks that never move, found through a fixed table of chunk
// pointers (untouched pages of it cost nothing): reads take no lock.
constexpr std::uint32_t k_chunk_bits = 12;
constexpr std::uint32_t k_chunk_size = std::uint32_t{1} << k_chunk_bits;
constexpr std::size_t k_chunks = std::size_t{1} << (32 - k_chunk_bits);

// Zero-initialized at load (untouched pages of the chunk table cost no
// memory), trivially destroyed: texts stay readable while the program ends.
std::mutex g_mutex;
std::uint32_t g_next = 1; // 0 is the empty text
std::array<std::atomic<SharedText*>, k_chunks> g_chunks;

} // namespace

std::uint32_t StoredText::store(SharedText text) {
  if (text.empty()) {
    return 0;
  }
  const std::lock_guard lock(g_mutex);
  if (g_next == 0) {
    throw std::length_error("StoredText: the table is full");
  }
  const std::uint32_t index = g_next++;
  std::atomic<SharedText*>& chunk = g_chunks[index >> k_chunk_bits];
  SharedText* slots = chunk.load(std::memory_order_relaxed);
  if (slots == nullptr) {
    slots = new SharedText[k_chunk_size];
    chunk.store(slots, std::memory_order_release);
  }
  slots[index & (k_chunk_size - 1)] = std::move(text);
  return index;
}

const SharedText& StoredText::entry(std::uint32_t index) {
  const SharedText* slots = g_chunks[index >> k_chunk_bits].load(std::memory_order_acquire);
  return slots[index & (k_chunk_size - 1)];
}

} // namespace pgadvise::core
