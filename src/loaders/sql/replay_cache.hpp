#pragma once

#include "loaders/schema_load.hpp"

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <vector>

namespace pgadvise::loaders {

// The SQL replay of a migration history kept between the runs of one
// process (the language server lints the project after every edit): the
// replay's state before the first file that changed, so a run after an
// edit of migration k copies it and replays k and the files after it, not
// the ones before. Files are compared by their texts as read now (an
// editor's unsaved buffer included, core::file_overlay); a file on disk
// whose stat (device, inode, size, modification and change times) is what
// it was at the last call, and was then settled (changed longer ago than
// `settled_ns`, 3 s by default: a write in the same clock tick as that
// look would have left the times as they were, git's "racily clean"
// files), is not read again. It holds the text generations of the
// migration steps it keeps (core/text_generation.hpp).
class ReplayCache {
public:
  static constexpr std::int64_t k_settled_ns = 3'000'000'000;
  explicit ReplayCache(std::int64_t settled_ns = k_settled_ns) : m_settled_ns(settled_ns) {}
  ReplayCache(const ReplayCache&) = delete;
  ReplayCache& operator=(const ReplayCache&) = delete;
  ReplayCache(ReplayCache&&) = delete;
  ReplayCache& operator=(ReplayCache&&) = delete;
  ~ReplayCache();

  // As replay_sql_files(files, into). `start` identifies what `into` holds
  // before the files (a baseline snapshot's tables, the notes on the
  // folder): a run from another start replays everything.
  void replay(const std::vector<std::filesystem::path>& files, std::uint64_t start, SchemaLoad& into);

  // Called when a call keeps the state anew, before it replays the files
  // after it (the one being edited): the language server begins a text
  // generation there, so that the kept state's generation holds none of
  // the texts of the files every later run replays again.
  std::function<void()> after_keep;

  // How many files the last call did not replay (its state was kept).
  [[nodiscard]] std::size_t reused() const { return m_reused; }
  // How many files the last call read to compare them (the rest it knew
  // unchanged from their stat).
  [[nodiscard]] std::size_t compared() const { return m_compared; }

private:
  // What stat says of a file on disk.
  struct Stamp {
    std::uint64_t device = 0;
    std::uint64_t inode = 0;
    std::int64_t size = -1;
    std::int64_t modified_ns = 0;
    std::int64_t changed_ns = 0;
    bool operator==(const Stamp&) const = default;
  };
  struct Seen {
    std::filesystem::path file;
    std::uint64_t hash = 0;
    Stamp stamp;
    bool settled = false; // the stamp can stand for the text at the next look
    // Two reads of a file are the same when their texts are.
    bool operator==(const Seen& other) const { return file == other.file && hash == other.hash; }
  };
  // `file`'s hash: `before`'s when its stat is unchanged and trusted, else
  // its text's (the editor's buffer for an overlaid file).
  Seen look(const std::filesystem::path& file, const Seen* before);
  void keep(const SchemaLoad& load, std::size_t files, std::vector<std::uint32_t> generations);
  void drop();

  std::int64_t m_settled_ns = k_settled_ns;
  std::uint64_t m_start = 0;
  std::vector<Seen> m_seen;           // the files of the last call, in order
  std::unique_ptr<SchemaLoad> m_kept; // the state after the first m_kept_files of them
  std::size_t m_kept_files = 0;
  std::vector<std::uint32_t> m_generations; // of m_kept's texts
  std::size_t m_reused = 0;
  std::size_t m_compared = 0;
};

} // namespace pgadvise::loaders
