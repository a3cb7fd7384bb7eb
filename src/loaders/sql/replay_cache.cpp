#include "loaders/sql/replay_cache.hpp"

#include "core/hash.hpp"
#include "core/text_generation.hpp"
#include "loaders/sql/migrations.hpp"
#include "loaders/sql/script_text.hpp"

#include <algorithm>

namespace pgadvise::loaders {

namespace fs = std::filesystem;

ReplayCache::~ReplayCache() {
  drop();
}

void ReplayCache::drop() {
  m_kept.reset();
  m_kept_files = 0;
  for (const std::uint32_t generation : m_generations) {
    core::text_generation::release(generation);
  }
  m_generations.clear();
}

void ReplayCache::keep(const SchemaLoad& load, std::size_t files, std::vector<std::uint32_t> generations) {
  std::sort(generations.begin(), generations.end());
  generations.erase(std::unique(generations.begin(), generations.end()), generations.end());
  for (const std::uint32_t generation : generations) {
    core::text_generation::hold(generation);
  }
  m_kept = std::make_unique<SchemaLoad>(load);
  m_kept_files = files;
  for (const std::uint32_t generation : m_generations) {
    core::text_generation::release(generation);
  }
  m_generations = std::move(generations);
}

void ReplayCache::replay(const std::vector<fs::path>& files, std::uint64_t start, SchemaLoad& into) {
  std::vector<Seen> seen;
  seen.reserve(files.size());
  for (const fs::path& file : files) {
    auto text = replay::ScriptText::read(file, k_max_sql_file_bytes);
    seen.push_back({file, text ? core::fnv1a64(text->view()) : 0});
  }
  if (start != m_start) {
    drop();
    m_seen.clear();
  }
  // The files before the first that changed are replayed as they were.
  std::size_t unchanged = 0;
  while (unchanged < seen.size() && unchanged < m_seen.size() && seen[unchanged] == m_seen[unchanged]) {
    ++unchanged;
  }
  if (m_kept && m_kept_files > unchanged) {
    drop(); // a file it replayed changed since
  }
  std::size_t done = 0;
  std::vector<std::uint32_t> generations;
  if (m_kept) {
    into = *m_kept;
    done = m_kept_files;
    generations = m_generations;
  }
  m_reused = done;
  const auto replay_range = [&](std::size_t from, std::size_t to) {
    if (from < to) {
      replay_sql_files(std::vector<fs::path>(files.begin() + static_cast<std::ptrdiff_t>(from),
                                             files.begin() + static_cast<std::ptrdiff_t>(to)),
                       into);
    }
  };
  // Kept anew just before the first changed file: the one being edited,
  // which the next run will most likely replay again. A history with no
  // file unchanged yet (the first run) keeps nothing.
  if (unchanged > done && !m_seen.empty()) {
    replay_range(done, unchanged);
    generations.push_back(core::text_generation::current());
    keep(into, unchanged, std::move(generations));
    done = unchanged;
  }
  replay_range(done, files.size());
  into.catalog.source = model::SchemaSource::sql_replay;
  m_seen = std::move(seen);
  m_start = start;
}

} // namespace pgadvise::loaders
