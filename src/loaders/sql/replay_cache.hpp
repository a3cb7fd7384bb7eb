#pragma once

#include "loaders/schema_load.hpp"

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <vector>

namespace pgadvise::loaders {

// The SQL replay of a migration history kept between the runs of one
// process (the language server lints the project after every edit): the
// replay's state before the first file that changed, so a run after an
// edit of migration k copies it and replays k and the files after it, not
// the ones before. Files are compared by their texts as read now (an
// editor's unsaved buffer included, core::file_overlay). It holds the text
// generations of the migration steps it keeps (core/text_generation.hpp).
class ReplayCache {
public:
  ReplayCache() = default;
  ReplayCache(const ReplayCache&) = delete;
  ReplayCache& operator=(const ReplayCache&) = delete;
  ReplayCache(ReplayCache&&) = delete;
  ReplayCache& operator=(ReplayCache&&) = delete;
  ~ReplayCache();

  // As replay_sql_files(files, into). `start` identifies what `into` holds
  // before the files (a baseline snapshot's tables, the notes on the
  // folder): a run from another start replays everything.
  void replay(const std::vector<std::filesystem::path>& files, std::uint64_t start, SchemaLoad& into);

  // How many files the last call did not replay (its state was kept).
  [[nodiscard]] std::size_t reused() const { return m_reused; }

private:
  struct Seen {
    std::filesystem::path file;
    std::uint64_t hash = 0;
    bool operator==(const Seen&) const = default;
  };
  void keep(const SchemaLoad& load, std::size_t files, std::vector<std::uint32_t> generations);
  void drop();

  std::uint64_t m_start = 0;
  std::vector<Seen> m_seen;           // the files of the last call, in order
  std::unique_ptr<SchemaLoad> m_kept; // the state after the first m_kept_files of them
  std::size_t m_kept_files = 0;
  std::vector<std::uint32_t> m_generations; // of m_kept's texts
  std::size_t m_reused = 0;
};

} // namespace pgadvise::loaders
