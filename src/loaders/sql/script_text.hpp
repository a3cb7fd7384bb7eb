#pragma once

#include "core/result.hpp"

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string_view>

// A migration script's text in pages of its own (an anonymous mapping), so
// the replay can give back the part it has walked past: a 71 MB migration
// of 100,000 tables is read once, split into statements, then released a
// megabyte at a time behind the statement being replayed, instead of held
// whole until the catalog (which peaks as the replay ends) is built.
namespace pgadvise::loaders::replay {

class ScriptText {
public:
  // Less than this behind the asked offset is never released (no system
  // call per statement; a statement's neighbourhood stays readable).
  static constexpr std::size_t k_release_step = std::size_t{1} << 20;

  ScriptText() = default;
  explicit ScriptText(std::string_view text); // a copy
  // The file's bytes; its errors are core::read_file's ("does not exist",
  // "is larger than N bytes", ...).
  static core::Result<ScriptText> read(const std::filesystem::path& path, std::uintmax_t max_bytes);

  ScriptText(const ScriptText&) = delete;
  ScriptText& operator=(const ScriptText&) = delete;
  ScriptText(ScriptText&& other) noexcept;
  ScriptText& operator=(ScriptText&& other) noexcept;
  ~ScriptText();

  [[nodiscard]] std::string_view view() const { return {m_data, m_size}; }
  // Writable, for repairs in place that keep every offset (psql lines
  // blanked, invalid UTF-8 replaced); before anything is released.
  [[nodiscard]] std::span<char> chars() { return {m_data, m_size}; }

  // Unmaps the whole pages before `offset` that are more than
  // k_release_step behind it: reading there afterwards faults instead of
  // giving stale text. Offsets only move forward.
  void release_before(std::size_t offset);
  // How many bytes from the start are released.
  [[nodiscard]] std::size_t released() const { return m_released; }

private:
  void allocate(std::size_t size);
  void unmap() noexcept;

  char* m_data = nullptr;
  std::size_t m_size = 0;
  std::size_t m_mapped = 0;   // bytes of the mapping (whole pages)
  std::size_t m_released = 0; // [m_data, m_data + m_released) is unmapped (whole pages)
};

} // namespace pgadvise::loaders::replay
