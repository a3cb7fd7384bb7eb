#include "core/stored_text.hpp"

#include "core/text_generation.hpp"

#include <array>
#include <atomic>
#include <map>
#include <mutex>
#include <stdexcept>
#include <vector>

namespace pgadvise::core {

namespace {

// Entries in chunks that never move, found through a fixed table of chunk
// pointers (untouched pages of it cost nothing): reads take no lock.
constexpr std::uint32_t k_chunk_bits = 12;
constexpr std::uint32_t k_chunk_size = std::uint32_t{1} << k_chunk_bits;
constexpr std::size_t k_chunks = std::size_t{1} << (32 - k_chunk_bits);

// Zero-initialized at load (untouched pages of the chunk table cost no
// memory), trivially destroyed: texts stay readable while the program ends.
std::array<std::atomic<SharedText*>, k_chunks> g_chunks;

// Where the next entry goes, and which chunks each generation filled
// (core/text_generation.hpp): a generation's first entry starts a chunk. A
// released generation's chunks are freed, never taken again: a handle kept
// past its generation reads empty, never another text (4,096 entries a
// chunk, a million chunks: a generation a second for ten days).
struct Table {
  std::mutex mutex;
  std::uint32_t chunk = 0;           // the chunk being filled
  std::uint32_t slot = k_chunk_size; // its next free slot; k_chunk_size: take a chunk first
  std::uint32_t fresh = 0;           // the first chunk never taken
  std::uint32_t generation = 0;
  std::map<std::uint32_t, std::vector<std::uint32_t>> chunks_of; // by generation
};

Table& table() {
  static auto* instance = new Table(); // never destroyed, as the chunks
  return *instance;
}

// A fresh chunk for the current generation.
std::uint32_t take_chunk(Table& t) {
  if (t.fresh >= k_chunks) {
    throw std::length_error("StoredText: the table is full");
  }
  const std::uint32_t chunk = t.fresh++;
  g_chunks[chunk].store(new SharedText[k_chunk_size], std::memory_order_release);
  t.chunks_of[t.generation].push_back(chunk);
  return chunk;
}

} // namespace

std::uint32_t StoredText::store(SharedText text) {
  if (text.empty()) {
    return 0;
  }
  Table& t = table();
  const std::lock_guard lock(t.mutex);
  if (t.slot == k_chunk_size) {
    t.chunk = take_chunk(t);
    t.slot = t.chunk == 0 ? 1 : 0; // index 0 is the empty text
  }
  const std::uint32_t index = (t.chunk << k_chunk_bits) | t.slot++;
  g_chunks[t.chunk].load(std::memory_order_relaxed)[index & (k_chunk_size - 1)] = std::move(text);
  return index;
}

const SharedText& StoredText::entry(std::uint32_t index) {
  static const SharedText released;
  const SharedText* slots = g_chunks[index >> k_chunk_bits].load(std::memory_order_acquire);
  return slots == nullptr ? released : slots[index & (k_chunk_size - 1)];
}

namespace text_generation::detail {

void stored_text_begin(std::uint32_t generation) {
  Table& t = table();
  const std::lock_guard lock(t.mutex);
  t.generation = generation;
  t.slot = k_chunk_size; // the next entry starts a chunk of the new generation
}

void stored_text_release(std::uint32_t generation) {
  Table& t = table();
  const std::lock_guard lock(t.mutex);
  const auto found = t.chunks_of.find(generation);
  if (found == t.chunks_of.end()) {
    return;
  }
  for (const std::uint32_t chunk : found->second) {
    delete[] g_chunks[chunk].exchange(nullptr, std::memory_order_acq_rel);
  }
  t.chunks_of.erase(found);
}

} // namespace text_generation::detail

} // namespace pgadvise::core
