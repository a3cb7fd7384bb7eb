#include "core/packed_text.hpp"

#include "core/text_generation.hpp"

#include <algorithm>
#include <limits>
#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <vector>
#include <zstd.h>

namespace pgadvise::core {

namespace {

// A block is compressed once it holds this much (a text longer than that
// gets a block of its own); small enough that reading one text back is a
// few microseconds.
constexpr std::size_t k_block_bytes = std::size_t{16} << 10U;
constexpr int k_level = 1; // zstd's fastest regular level: statements alike compress well anyway

struct PackedBlock {
  std::unique_ptr<char[]> data; // compressed; never moves once made; null once released
  std::size_t packed_size = 0;
  std::size_t size = 0; // its characters, uncompressed
  std::uint32_t generation = 0;
};

// Never destroyed: a finding built while the program ends may still read.
// Each generation (core/text_generation.hpp) starts a block of its own; a
// freed generation's blocks go, and block numbers are never taken again, so
// a handle kept past its generation reads empty.
struct Store {
  std::mutex mutex;
  std::map<std::uint32_t, PackedBlock> sealed; // by number, the live ones
  std::uint32_t open_block = 0;                // the number of the block still filling
  std::string open;                            // its characters
  std::string scratch;                         // compression buffer
  std::uint32_t generation = 0;                // of the open block's texts

  void seal() {
    scratch.resize(ZSTD_compressBound(open.size()));
    const std::size_t packed =
        ZSTD_compress(scratch.data(), scratch.size(), open.data(), open.size(), k_level);
    if (ZSTD_isError(packed) != 0U) {
      throw std::runtime_error(std::string("zstd: ") + ZSTD_getErrorName(packed));
    }
    PackedBlock block;
    block.data = std::make_unique<char[]>(packed);
    std::copy_n(scratch.data(), packed, block.data.get());
    block.packed_size = packed;
    block.size = open.size();
    block.generation = generation;
    sealed.emplace(open_block++, std::move(block));
    open.clear();
  }
};

Store& store() {
  static auto* instance = new Store();
  return *instance;
}

// The block this thread decompressed last.
struct ReadCache {
  std::uint32_t block = std::numeric_limits<std::uint32_t>::max();
  std::string chars;
};
thread_local ReadCache t_cache;

} // namespace

PackedText::PackedText(std::string_view text) {
  text = text.substr(0, k_max_size);
  if (text.empty()) {
    return;
  }
  Store& shared = store();
  const std::lock_guard lock(shared.mutex);
  if (!shared.open.empty() && shared.open.size() + text.size() > k_block_bytes) {
    shared.seal();
  }
  if (shared.open_block == std::numeric_limits<std::uint32_t>::max()) {
    throw std::length_error("PackedText: the store is full");
  }
  m_block = shared.open_block;
  m_offset = static_cast<std::uint16_t>(shared.open.size());
  m_size = static_cast<std::uint16_t>(text.size());
  shared.open += text;
}

std::string PackedText::str() const {
  if (m_size == 0) {
    return {};
  }
  if (t_cache.block != m_block) {
    const char* packed = nullptr;
    std::size_t packed_size = 0;
    std::size_t size = 0;
    {
      Store& shared = store();
      const std::lock_guard lock(shared.mutex);
      if (m_block == shared.open_block) {
        return shared.open.substr(m_offset, m_size);
      }
      const auto found = shared.sealed.find(m_block);
      if (found == shared.sealed.end()) {
        return {}; // freed with its generation
      }
      const PackedBlock& block = found->second;
      packed = block.data.get();
      packed_size = block.packed_size;
      size = block.size;
    }
    t_cache.block = std::numeric_limits<std::uint32_t>::max();
    t_cache.chars.resize(size);
    const std::size_t read = ZSTD_decompress(t_cache.chars.data(), size, packed, packed_size);
    if (ZSTD_isError(read) != 0U || read != size) {
      throw std::runtime_error("PackedText: a block does not decompress");
    }
    t_cache.block = m_block;
  }
  return t_cache.chars.substr(m_offset, m_size);
}

namespace text_generation::detail {

void packed_text_begin(std::uint32_t generation) {
  Store& shared = store();
  const std::lock_guard lock(shared.mutex);
  if (!shared.open.empty()) {
    shared.seal();
  }
  shared.generation = generation;
}

void packed_text_release(std::uint32_t generation) {
  Store& shared = store();
  const std::lock_guard lock(shared.mutex);
  std::erase_if(shared.sealed,
                [generation](const auto& entry) { return entry.second.generation == generation; });
}

} // namespace text_generation::detail

} // namespace pgadvise::core
