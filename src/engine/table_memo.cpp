#include "engine/table_memo.hpp"

#include "core/parallel.hpp"
#include "engine/runner.hpp"

#include <algorithm>
#include <cstring>
#include <set>
#include <utility>

namespace pgadvise::engine {

namespace {

// A table's name as the pool holds it: equal names are one pointer.
using NameKey = std::pair<const std::string*, const std::string*>;

NameKey name_key(const model::Table& table) {
  return {&table.schema.str(), &table.name.str()};
}
NameKey reference_key(const model::ForeignKey& fk) {
  return {&fk.ref_schema.str(), &fk.ref_table.str()};
}

// What model::Table's == leaves to IndexKey's, which takes two spellings of
// one key as one (DESC and DESC NULLS FIRST; two texts of one expression):
// a finding shows the spelling.
bool same_spelling(const model::Table& a, const model::Table& b) {
  for (std::size_t i = 0; i < a.indexes.size(); ++i) {
    const std::vector<model::IndexKey>& keys = a.indexes[i].keys;
    const std::vector<model::IndexKey>& others = b.indexes[i].keys;
    for (std::size_t k = 0; k < keys.size(); ++k) {
      if (keys[k].expression != others[k].expression || keys[k].nulls_first != others[k].nulls_first ||
          keys[k].identity != others[k].identity) {
        return false;
      }
    }
  }
  return true;
}

std::vector<std::string_view> index_names(const model::Table& table) {
  std::vector<std::string_view> names;
  names.reserve(table.indexes.size());
  for (const model::Index& index : table.indexes) {
    names.emplace_back(index.name);
  }
  std::sort(names.begin(), names.end());
  return names;
}

enum class Verdict : std::uint8_t { same, moved, changed, judge_all };

// Whether the tables differ only in the line schema.ts declares them on
// (a line added or removed above): the per-table rules find the same, but
// for the line a Drizzle fix names (advisor's drizzle_file_for).
bool only_moved(const model::Table& now, const model::Table& last) {
  if (now.drizzle_location.file != last.drizzle_location.file || now.drizzle_location.line <= 0 ||
      last.drizzle_location.line <= 0 || now.drizzle_location.line == last.drizzle_location.line) {
    return false;
  }
  model::Table moved = last;
  moved.drizzle_location = now.drizzle_location;
  return moved == now && same_spelling(now, last);
}

// Ranges [r, last) of `kept` that follow each other in the spill file,
// from `r`, up to `end` and about 1 MB (what gather reads back at once):
// one read or copy each.
struct Span {
  std::uint64_t start = 0;
  std::uint64_t size = 0;
  std::size_t last = 0;
};
Span contiguous(const TableMemo::RuleFindings& kept, std::size_t r, std::size_t end) {
  constexpr std::uint64_t k_chunk_bytes = std::uint64_t{1} << 20U;
  Span span{kept.ranges[r].offset, kept.ranges[r].size, r + 1};
  while (span.last < end && kept.ranges[span.last].offset == span.start + span.size &&
         span.size < k_chunk_bytes) {
    span.size += kept.ranges[span.last++].size;
  }
  return span;
}

// The Drizzle fix's place, as advisor's drizzle_file_for spells it.
std::string drizzle_place(const core::SourceLocation& location) {
  return location.file + ":" + std::to_string(location.line);
}

// A text as core::FindingSpill encodes it: its size (4 bytes), then its characters.
std::string encoded_text(const std::string& text) {
  const auto size = static_cast<std::uint32_t>(text.size());
  std::string out(sizeof size, '\0');
  std::memcpy(out.data(), &size, sizeof size);
  return out + text;
}

// What a table's edit asks of the next run: nothing; its findings and its
// neighbours' judged again; or every table judged (a table added, dropped,
// renamed or moved; an index name another table's proposed index may
// avoid; a partition's edit, which its whole tree reads).
Verdict compare(const model::Table& now, const model::Table& last) {
  if (name_key(now) != name_key(last)) {
    return Verdict::judge_all;
  }
  if (now == last && same_spelling(now, last)) {
    return Verdict::same;
  }
  if (only_moved(now, last)) {
    return Verdict::moved;
  }
  const bool partitions =
      now.partitioned || last.partitioned || !now.partition_of.empty() || !last.partition_of.empty();
  return partitions || index_names(now) != index_names(last) ? Verdict::judge_all : Verdict::changed;
}

// Whether the catalogs agree on all but their tables, as far as the
// per-table rules read them.
bool same_outside_tables(const model::Catalog& now, const model::Catalog& last) {
  return now.source == last.source && now.schemas == last.schemas && now.enums == last.enums &&
         now.domains == last.domains && now.migrations_runner == last.migrations_runner &&
         now.server_version_num == last.server_version_num && !now.drizzle_migrations &&
         !last.drizzle_migrations && now.tables.size() == last.tables.size();
}

} // namespace

std::shared_ptr<core::FindingSpill> TableMemo::spill_for_next_run() const {
  constexpr std::uint64_t k_slack = std::uint64_t{64} << 20U;
  if (m_spill != nullptr && m_spill->size() <= 4 * m_bytes + k_slack) {
    return m_spill;
  }
  return std::make_shared<core::FindingSpill>();
}

void TableMemo::clear() {
  m_bytes = 0;
  m_catalog = nullptr;
  m_context.clear();
  m_spill.reset();
  m_rules.clear();
  m_reused = 0;
}

bool TableMemo::records(const RunInput& input) {
  return input.catalog != nullptr && input.checked_tables.empty() && input.live_analysis == nullptr &&
         (input.workload == nullptr || input.workload->empty()) &&
         input.catalog->source != model::SchemaSource::live;
}

std::vector<bool> TableMemo::reusable(const RunInput& input, const core::Settings& settings,
                                      std::vector<std::size_t>* moved) const {
  if (m_catalog == nullptr || m_spill == nullptr || !records(input) || !(settings == m_settings) ||
      input.table_memo_context != m_context || !same_outside_tables(*input.catalog, *m_catalog)) {
    return {};
  }
  const model::Tables& now = input.catalog->tables;
  const model::Tables& last = m_catalog->tables;
  // Compared on every core, a block of tables each: 10,000 tables' every
  // field, two catalogs apart in memory, took 30 to 50 ms on one.
  std::vector<Verdict> verdicts(now.size(), Verdict::same);
  constexpr std::size_t k_block = 1024;
  core::parallel_for((now.size() + k_block - 1) / k_block, [&](std::size_t block) {
    for (std::size_t i = block * k_block; i < std::min(now.size(), (block + 1) * k_block); ++i) {
      verdicts[i] = compare(now[i], last[i]);
    }
  });
  if (std::find(verdicts.begin(), verdicts.end(), Verdict::judge_all) != verdicts.end()) {
    return {};
  }
  std::vector<bool> changed(now.size(), false);
  std::set<NameKey> changed_names;
  for (std::size_t i = 0; i < now.size(); ++i) {
    if (verdicts[i] == Verdict::changed) {
      changed[i] = true;
      changed_names.insert(name_key(now[i]));
    }
  }
  // The tables a changed one's keys reference, before and after, and those
  // whose keys reference a changed one (both sides of a join are judged).
  std::vector<bool> judged = changed;
  std::set<NameKey> referenced;
  for (std::size_t i = 0; i < now.size(); ++i) {
    if (!changed[i]) {
      continue;
    }
    for (const model::Tables* tables : {&now, &last}) {
      for (const model::ForeignKey& fk : (*tables)[i].foreign_keys) {
        referenced.insert(reference_key(fk));
      }
    }
  }
  for (std::size_t i = 0; i < now.size(); ++i) {
    if (judged[i]) {
      continue;
    }
    judged[i] =
        referenced.count(name_key(now[i])) > 0 ||
        std::any_of(now[i].foreign_keys.begin(), now[i].foreign_keys.end(),
                    [&](const model::ForeignKey& fk) { return changed_names.count(reference_key(fk)) > 0; });
  }
  judged.flip();
  for (std::size_t i = 0; moved != nullptr && i < now.size(); ++i) {
    if (verdicts[i] == Verdict::moved && judged[i]) {
      moved->push_back(i);
    }
  }
  return judged;
}

const TableMemo::RuleFindings* TableMemo::findings_of(std::string_view rule) const {
  const auto found = m_rules.find(rule);
  return found == m_rules.end() ? nullptr : &found->second;
}

void TableMemo::keep(const RunInput& input, const core::Settings& settings,
                     std::shared_ptr<core::FindingSpill> spill,
                     std::map<std::string, RuleFindings, std::less<>> rules, std::size_t reused) {
  m_catalog = input.catalog;
  m_settings = settings;
  m_context = input.table_memo_context;
  m_spill = std::move(spill);
  m_rules = std::move(rules);
  m_bytes = 0;
  for (const auto& [rule, findings] : m_rules) {
    for (const Range& range : findings.ranges) {
      m_bytes += range.size;
    }
  }
  m_reused = reused;
}

TableMemoRecording::TableMemoRecording(const model::Catalog& catalog, std::size_t tasks)
    : m_catalog(catalog), m_tasks(tasks) {}

core::FindingSpill::Written TableMemoRecording::written(std::size_t task, std::size_t first) {
  // The tables come in order, each finding about the table judged: a
  // cursor moves forward to the finding's table.
  return [this, task, at = first](const core::Finding& finding, std::uint64_t offset,
                                  std::uint32_t size) mutable {
    Task& recorded = m_tasks[task];
    if (!recorded.clean) {
      return;
    }
    const std::string_view schema =
        finding.object.schema.empty() ? std::string_view("public") : std::string_view(finding.object.schema);
    const model::Tables& tables = m_catalog.tables;
    while (at < tables.size() && !(tables[at].name == finding.object.table && tables[at].schema == schema)) {
      ++at;
    }
    if (at == tables.size()) {
      recorded.clean = false; // not about a table at or after the last one's
      return;
    }
    recorded.entries.push_back({static_cast<std::uint32_t>(at), {offset, size}});
  };
}

core::FindingSpill::Batch TableMemoRecording::copy(std::size_t task, const TableMemo& memo,
                                                   std::string_view rule, std::size_t first,
                                                   std::size_t count, core::FindingSpill& spill,
                                                   std::vector<core::Finding>& held,
                                                   const std::vector<std::size_t>& moved) {
  core::FindingSpill::Batch batch;
  const TableMemo::RuleFindings& kept = *memo.findings_of(rule);
  const std::size_t end = first + count;
  auto next_moved = std::lower_bound(moved.begin(), moved.end(), first);
  for (std::size_t table = first; table < end;) {
    // A run of moved tables, then one of the others.
    std::size_t stop = table;
    while (next_moved != moved.end() && *next_moved == stop && stop < end) {
      ++next_moved;
      ++stop;
    }
    if (stop > table) {
      rewrite_moved(task, memo, kept, table, stop, spill, held, batch);
      table = stop;
      continue;
    }
    stop = next_moved != moved.end() && *next_moved < end ? *next_moved : end;
    copy_ranges(task, memo, kept, kept.first[table], kept.first[stop], table, spill, held, batch);
    table = stop;
  }
  return batch;
}

void TableMemoRecording::copy_ranges(std::size_t task, const TableMemo& memo,
                                     const TableMemo::RuleFindings& kept, std::size_t from, std::size_t to,
                                     std::size_t table, core::FindingSpill& spill,
                                     std::vector<core::Finding>& held, core::FindingSpill::Batch& batch) {
  // A chunk for each run of ranges that follow each other in the last
  // spill (a rule's findings of neighbouring tables do), copied file to file.
  const core::FindingSpill& source = *memo.spill();
  Task& recorded = m_tasks[task];
  for (std::size_t r = from; r < to;) {
    const auto [start, size, last] = contiguous(kept, r, to);
    const std::optional<core::FindingSpill::Chunk> chunk =
        &spill == &source ? std::optional(core::FindingSpill::Chunk{start, size, last - r})
                          : spill.copy(source, start, size, last - r);
    if (chunk) {
      batch.push_back(*chunk);
      for (std::size_t i = r; i < last; ++i) {
        while (kept.first[table + 1] <= i) {
          ++table;
        }
        const TableMemo::Range& range = kept.ranges[i];
        recorded.entries.push_back(
            {static_cast<std::uint32_t>(table), {chunk->offset + (range.offset - start), range.size}});
      }
    } else { // the new file failed: the findings are held, and not kept for the next run
      std::string bytes(size, '\0');
      source.read_bytes(start, bytes.size(), bytes.data());
      for (const char* at = bytes.data(); at < bytes.data() + bytes.size();) {
        held.push_back(core::FindingSpill::decode(at, bytes.data() + bytes.size()));
      }
      recorded.clean = false;
    }
    r = last;
  }
}

void TableMemoRecording::rewrite_moved(std::size_t task, const TableMemo& memo,
                                       const TableMemo::RuleFindings& kept, std::size_t first,
                                       std::size_t end, core::FindingSpill& spill,
                                       std::vector<core::Finding>& held, core::FindingSpill::Batch& batch) {
  Task& recorded = m_tasks[task];
  std::string bytes;
  std::size_t table = first;
  for (std::size_t r = kept.first[first]; r < kept.first[end];) {
    const auto [start, size, last] = contiguous(kept, r, kept.first[end]);
    bytes.resize(size);
    memo.spill()->read_bytes(start, bytes.size(), bytes.data());
    // Each finding's Drizzle fix names its table's line: its text is moved
    // in the encoding where the new line has as many digits, else the span
    // is decoded and written again.
    std::vector<std::uint32_t> tables; // of each finding of the span
    bool in_place = true;
    for (std::size_t i = r; i < last; ++i) {
      while (kept.first[table + 1] <= i) {
        ++table;
      }
      tables.push_back(static_cast<std::uint32_t>(table));
      // The old place as the encoding holds a text: its size, then its characters.
      const std::string before = encoded_text(drizzle_place(memo.catalog()->tables[table].drizzle_location));
      const std::string after = encoded_text(drizzle_place(m_catalog.tables[table].drizzle_location));
      const std::string_view finding(bytes.data() + (kept.ranges[i].offset - start), kept.ranges[i].size);
      const std::size_t at = finding.find(before);
      if (at == std::string_view::npos) {
        continue;
      }
      if (before.size() != after.size() || finding.find(before, at + 1) != std::string_view::npos) {
        in_place = false;
        continue;
      }
      bytes.replace(static_cast<std::size_t>(kept.ranges[i].offset - start) + at, after.size(), after);
    }
    std::size_t next = 0;
    if (in_place) {
      if (const std::optional<core::FindingSpill::Chunk> chunk = spill.append(bytes, last - r)) {
        batch.push_back(*chunk);
        for (std::size_t i = r; i < last; ++i) {
          recorded.entries.push_back(
              {tables[next++], {chunk->offset + (kept.ranges[i].offset - start), kept.ranges[i].size}});
        }
        r = last;
        continue;
      }
    }
    std::vector<core::Finding> findings;
    const char* at = bytes.data();
    for (std::size_t i = r; i < last; ++i) {
      findings.push_back(core::FindingSpill::decode(at, bytes.data() + bytes.size()));
      const std::uint32_t of = tables[i - r];
      if (core::SqlChange* change = findings.back().fix ? findings.back().fix->if_sql() : nullptr;
          change != nullptr &&
          change->drizzle_file == drizzle_place(memo.catalog()->tables[of].drizzle_location)) {
        change->drizzle_file = drizzle_place(m_catalog.tables[of].drizzle_location);
      }
    }
    const core::FindingSpill::Written written = [&recorded, &tables, &next](const core::Finding& /*finding*/,
                                                                            std::uint64_t offset,
                                                                            std::uint32_t written_size) {
      recorded.entries.push_back({tables[next++], {offset, written_size}});
    };
    const core::FindingSpill::Batch chunks = spill.write(findings, written);
    batch.insert(batch.end(), chunks.begin(), chunks.end());
    for (core::Finding& finding : findings) {
      if (!finding.rule.empty()) { // not written (the file failed): held, and not kept
        held.push_back(std::move(finding));
        recorded.clean = false;
      }
    }
    r = last;
  }
}

std::map<std::string, TableMemo::RuleFindings, std::less<>>
TableMemoRecording::finish(const std::vector<std::string_view>& rule_of_task) const {
  std::map<std::string, TableMemo::RuleFindings, std::less<>> rules;
  std::set<std::string_view, std::less<>> spoiled;
  for (std::size_t i = 0; i < rule_of_task.size(); ++i) {
    if (!rule_of_task[i].empty() && !m_tasks[i].clean) {
      spoiled.insert(rule_of_task[i]);
    }
  }
  const std::size_t tables = m_catalog.tables.size();
  for (std::size_t i = 0; i < rule_of_task.size(); ++i) {
    const std::string_view rule = rule_of_task[i];
    if (rule.empty() || spoiled.count(rule) > 0) {
      continue;
    }
    auto [at, added] = rules.try_emplace(std::string(rule));
    TableMemo::RuleFindings& findings = at->second;
    if (added) {
      findings.first.reserve(tables + 1);
    }
    for (const Entry& entry : m_tasks[i].entries) {
      while (findings.first.size() <= entry.table) {
        findings.first.push_back(static_cast<std::uint32_t>(findings.ranges.size()));
      }
      if (findings.first.size() != entry.table + 1) {
        spoiled.insert(rule); // a table before the last one's: out of order
        break;
      }
      findings.ranges.push_back(entry.range);
    }
  }
  for (const std::string_view rule : spoiled) {
    if (const auto found = rules.find(rule); found != rules.end()) {
      rules.erase(found);
    }
  }
  for (auto& [rule, findings] : rules) {
    while (findings.first.size() <= tables) {
      findings.first.push_back(static_cast<std::uint32_t>(findings.ranges.size()));
    }
  }
  return rules;
}

} // namespace pgadvise::engine
