#include "loaders/sql/replay_cache.hpp"

#include "core/file.hpp"
#include "core/hash.hpp"
#include "core/text_generation.hpp"
#include "loaders/sql/migrations.hpp"
#include "loaders/sql/script_text.hpp"

#include <algorithm>
#include <ctime>
#include <optional>
#include <string>
#include <sys/stat.h>

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

namespace {

std::int64_t nanoseconds(const timespec& t) {
  return static_cast<std::int64_t>(t.tv_sec) * 1'000'000'000 + t.tv_nsec;
}

} // namespace

ReplayCache::Seen ReplayCache::look(const fs::path& file, const Seen* before) {
  Seen out{file, 0, {}, false};
  if (const std::optional<std::string> overlaid = core::file_overlay(file)) {
    ++m_compared; // the editor's buffer: hashed as it is, never known unchanged by a stat
    out.hash = core::fnv1a64(*overlaid);
    return out;
  }
  struct stat info {};
  if (::stat(file.c_str(), &info) == 0 && S_ISREG(info.st_mode)) {
    timespec now{};
    ::clock_gettime(CLOCK_REALTIME, &now);
    out.stamp.device = static_cast<std::uint64_t>(info.st_dev);
    out.stamp.inode = static_cast<std::uint64_t>(info.st_ino);
    out.stamp.size = static_cast<std::int64_t>(info.st_size);
    out.stamp.modified_ns = nanoseconds(info.st_mtim);
    out.stamp.changed_ns = nanoseconds(info.st_ctim);
    out.settled = nanoseconds(now) - std::max(out.stamp.modified_ns, out.stamp.changed_ns) > m_settled_ns;
    if (before != nullptr && before->settled && before->file == file && before->stamp == out.stamp) {
      out.hash = before->hash;
      return out;
    }
  }
  ++m_compared;
  auto text = replay::ScriptText::read(file, k_max_sql_file_bytes);
  out.hash = text ? core::fnv1a64(text->view()) : 0;
  return out;
}

void ReplayCache::replay(const std::vector<fs::path>& files, std::uint64_t start, SchemaLoad& into) {
  std::vector<Seen> seen;
  seen.reserve(files.size());
  m_compared = 0;
  for (std::size_t i = 0; i < files.size(); ++i) {
    seen.push_back(look(files[i], start == m_start && i < m_seen.size() ? &m_seen[i] : nullptr));
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
    if (after_keep) {
      after_keep();
    }
  }
  replay_range(done, files.size());
  into.catalog.source = model::SchemaSource::sql_replay;
  m_seen = std::move(seen);
  m_start = start;
}

} // namespace pgadvise::loaders
