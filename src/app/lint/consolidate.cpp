#include "app/lint/consolidate.hpp"

#include "core/finding_order.hpp"
#include "core/heap_optional.hpp"
#include "core/sql_quoted.hpp"
#include "core/text.hpp"
#include "core/whitespace.hpp"
#include "rules/registry.hpp"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <string_view>
#include <tuple>

namespace pgadvise::app {

namespace {

using core::trim;

// Consumes `word` (upper case, as pgadvise renders DDL) and the spaces after it.
bool take_word(std::string_view& text, std::string_view word) {
  if (text.substr(0, word.size()) != word ||
      (text.size() > word.size() && std::isspace(static_cast<unsigned char>(text[word.size()])) == 0 &&
       text[word.size()] != '(')) {
    return false;
  }
  text = trim(text.substr(word.size()));
  return true;
}

// The next identifier, possibly qualified and quoted ("a"."b c"), or empty.
std::string_view take_name(std::string_view& text) {
  std::size_t end = 0;
  bool quoted = false;
  while (end < text.size()) {
    const char c = text[end];
    if (c == '"') {
      quoted = !quoted;
    } else if (!quoted && (std::isspace(static_cast<unsigned char>(c)) != 0 || c == '(' || c == ';')) {
      break;
    }
    ++end;
  }
  const std::string_view name = text.substr(0, end);
  text = trim(text.substr(end));
  return name;
}

// The parenthesized list at the start of `text`, split at top-level commas;
// nullopt when the parentheses do not close.
std::optional<std::vector<std::string>> take_list(std::string_view& text) {
  if (text.empty() || text.front() != '(') {
    return std::nullopt;
  }
  std::vector<std::string> items;
  int depth = 0;
  std::size_t start = 1;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\'' || c == '"') {
      i = core::sql_quoted_end(text, i) - 1; // a literal or quoted name: the loop steps past its end
    } else if (c == '(') {
      ++depth;
    } else if (c == ')' && --depth == 0) {
      items.emplace_back(trim(text.substr(start, i - start)));
      text = trim(text.substr(i + 1));
      return items;
    } else if (c == ',' && depth == 1) {
      items.emplace_back(trim(text.substr(start, i - start)));
      start = i + 1;
    }
  }
  return std::nullopt;
}

// A foreign key's columns are a set: an index leading with them in any
// order serves it (RuleMeta::index_columns_any_order).
bool any_column_order(std::string_view rule) {
  const engine::Rule* found = rules::find_rule(rule);
  return found != nullptr && found->meta().index_columns_any_order;
}

int category_rank(std::string_view rule) {
  const engine::Rule* found = rules::find_rule(rule);
  if (found == nullptr) {
    return 4; // a loader's diagnostic
  }
  switch (found->meta().category) {
  case engine::Category::schema: return 0;
  case engine::Category::project: return 1;
  case engine::Category::query: return 2;
  case engine::Category::plan: return 3;
  case engine::Category::input: return 4;
  }
  return 4;
}

std::string index_key(const ProposedIndex& index) {
  return std::string("index\x1f") + index.table + '\x1f' + index.method + '\x1f' + (index.unique ? "u" : "") +
         '\x1f' + core::join(index.columns, "\x1e") + '\x1f' + index.rest;
}

// The drizzle.config a finding belongs to when the project has several
// (its "database" evidence), else empty. The same fix in two databases is
// two fixes: each project of a folder has its own `organizations` table.
std::string_view database_of(const core::Finding& finding) {
  for (const core::Evidence& evidence : finding.evidence) {
    if (evidence.kind == core::Evidence::Kind::database) {
      return evidence.detail;
    }
  }
  return {};
}

// The proposed index of a finding's fix, its table named with the finding's
// database when it has one (so that only an index of the same database's
// table may stand in for another). The finding's fix is a schema change.
std::optional<ProposedIndex> proposed_index_of(const core::Finding& finding) {
  std::optional<ProposedIndex> index = parse_proposed_index(finding.fix->sql().ddl);
  if (const std::string_view database = database_of(finding); index && !database.empty()) {
    index->table = std::string(database) + '\x1e' + index->table;
  }
  return index;
}

// What group() keys a finding by: its fix's index, its fix's statement, or
// its rule, fingerprint and message, within its database; `index`: the
// index, when it has one.
std::string key_of(const core::Finding& finding, std::optional<ProposedIndex>& index) {
  if (finding.fix && !finding.fix->statements().empty()) {
    switch (finding.fix->kind()) {
    case core::FixKind::sql:
      index = proposed_index_of(finding);
      if (index) {
        return index_key(*index);
      }
      [[fallthrough]];
    case core::FixKind::code:
      // The same statement: a loop's batched query that n-plus-one (from
      // the log) and query-in-loop (from the code) both propose is one fix.
      return "fix\x1f" + std::string(database_of(finding)) + '\x1f' +
             core::collapse_whitespace(trim(finding.fix->statements()));
    case core::FixKind::shell: break; // each site's commands are its own
    }
  }
  return "same\x1f" + finding.rule + '\x1f' + finding.fingerprint + '\x1f' + finding.message + '\x1f' +
         std::string(database_of(finding));
}

// One per distinct fix (or finding without one): 450,000 of them at 100,000
// tables, so a group holds no parsed index (subsume() parses them again, one
// table at a time) and its first finding inline (most groups have one).
struct Group {
  std::size_t first = 0;             // the finding that made the group
  std::vector<std::size_t> others;   // later findings proposing exactly this fix
  std::vector<std::size_t> subsumed; // findings whose index this group's index serves
  bool alive = true;
  [[nodiscard]] std::size_t size() const { return 1 + others.size() + subsumed.size(); }
  // `first` and `others`: the findings proposing exactly this fix.
  [[nodiscard]] std::vector<std::size_t> own() const {
    std::vector<std::size_t> out{first};
    out.insert(out.end(), others.begin(), others.end());
    return out;
  }
};

// A plain btree index with no predicate: what a longer one can stand in for.
bool plain_btree(const ProposedIndex& index) {
  return index.method == "btree" && !index.unique && index.rest.empty();
}

// `longer` has more keys, or the same keys and INCLUDE columns besides (the
// workload's index set covers a query that way): either serves `shorter`.
bool leads_with(const ProposedIndex& longer, const ProposedIndex& shorter, bool any_order) {
  const bool covering =
      longer.rest.rfind("INCLUDE", 0) == 0 && longer.columns.size() == shorter.columns.size();
  if (longer.table != shorter.table || longer.method != "btree" ||
      longer.rest.find("WHERE") != std::string::npos ||
      (longer.columns.size() <= shorter.columns.size() && !covering)) {
    return false;
  }
  const auto lead_end = longer.columns.begin() + static_cast<std::ptrdiff_t>(shorter.columns.size());
  if (std::equal(shorter.columns.begin(), shorter.columns.end(), longer.columns.begin())) {
    return true;
  }
  return any_order && std::is_permutation(shorter.columns.begin(), shorter.columns.end(),
                                          longer.columns.begin(), lead_end);
}

class Consolidator {
public:
  explicit Consolidator(std::vector<core::Finding>& findings) : m_findings(findings) {}

  void group() {
    // Hashed: the groups keep the findings' order, not the keys'. The map
    // holds each key's hash, not the key (a key is a fix's whole DDL or a
    // finding's message: 450,000 of them at 100,000 tables); a group whose
    // hash matches is confirmed by its first finding's key.
    std::unordered_multimap<std::size_t, std::size_t> by_hash;
    by_hash.reserve(m_findings.size());
    m_groups.reserve(m_findings.size());
    for (std::size_t i = 0; i < m_findings.size(); ++i) {
      std::optional<ProposedIndex> index;
      const std::string key = key_of(m_findings[i], index);
      const std::size_t hash = std::hash<std::string>{}(key);
      const auto [first, last] = by_hash.equal_range(hash);
      const auto same = std::find_if(first, last, [&](const auto& entry) {
        std::optional<ProposedIndex> unused;
        return key_of(m_findings[m_groups[entry.second].first], unused) == key;
      });
      if (same != last) {
        m_groups[same->second].others.push_back(i);
        continue;
      }
      by_hash.emplace(hash, m_groups.size());
      m_groups.emplace_back().first = i;
    }
  }

  // Shortest indexes first, so a chain (a) < (a, b) < (a, b, c) ends in the
  // longest. Only an index on the same table can stand in for another (30,000
  // unindexed foreign keys over 10,000 tables spent most of a run looking
  // further), and tables do not affect each other: the groups are taken one
  // table at a time, sorted by the table's hash, their indexes parsed again
  // from their first finding (a parsed index held for each of 250,000 groups
  // was a 100,000-table run's peak).
  void subsume() {
    std::vector<std::pair<std::size_t, std::size_t>> by_table; // the table's hash, the group
    for (std::size_t g = 0; g < m_groups.size(); ++g) {
      if (const std::optional<ProposedIndex> index = index_of(m_groups[g])) {
        by_table.emplace_back(std::hash<std::string>{}(index->table), g);
      }
    }
    std::sort(by_table.begin(), by_table.end());
    for (std::size_t begin = 0; begin < by_table.size();) {
      std::size_t end = begin + 1;
      while (end < by_table.size() && by_table[end].first == by_table[begin].first) {
        ++end;
      }
      std::vector<std::pair<std::size_t, ProposedIndex>> indexes; // group (in group order), its index
      for (std::size_t at = begin; at < end; ++at) {
        indexes.emplace_back(by_table[at].second, *index_of(m_groups[by_table[at].second]));
      }
      subsume_within(indexes);
      begin = end;
    }
  }

  // The groups of one table (or of tables whose names share a hash:
  // leads_with() compares the tables).
  void subsume_within(const std::vector<std::pair<std::size_t, ProposedIndex>>& indexes) {
    std::vector<std::size_t> order; // positions in `indexes`
    for (std::size_t k = 0; k < indexes.size(); ++k) {
      if (plain_btree(indexes[k].second)) {
        order.push_back(k);
      }
    }
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
      return indexes[a].second.columns.size() < indexes[b].second.columns.size();
    });
    for (std::size_t k : order) {
      Group& group = m_groups[indexes[k].first];
      const std::vector<std::size_t> own = group.own();
      const bool any_order = std::any_of(own.begin(), own.end(),
                                         [&](std::size_t i) { return any_column_order(m_findings[i].rule); });
      std::optional<std::size_t> best;
      for (const auto& [h, index] : indexes) {
        if (h == indexes[k].first || !m_groups[h].alive || !leads_with(index, indexes[k].second, any_order)) {
          continue;
        }
        if (!best || severity_of(h) > severity_of(*best)) {
          best = h;
        }
      }
      if (best) {
        Group& host = m_groups[*best];
        host.subsumed.insert(host.subsumed.end(), own.begin(), own.end());
        host.subsumed.insert(host.subsumed.end(), group.subsumed.begin(), group.subsumed.end());
        group.alive = false;
      }
    }
  }

  // Each live group's first finding, in group order, with the merged
  // finding of a group of several.
  [[nodiscard]] std::vector<std::pair<std::size_t, std::optional<core::Finding>>> outcomes() {
    std::vector<std::pair<std::size_t, std::optional<core::Finding>>> out;
    for (const Group& group : m_groups) {
      if (group.alive) {
        out.emplace_back(group.first, group.size() > 1 ? std::optional(merge(group)) : std::nullopt);
      }
    }
    return out;
  }

  // Leaves one finding per live group in the findings, in group order. Each
  // finding belongs to one live group, so a group of one moves its finding
  // instead of copying it, and the vector is compacted in place: a second
  // vector of findings would be 250 MB at 450,000 findings. A group of one
  // moves down from its own index, which is never below its output slot
  // (groups are made in the order of their first finding).
  void merge_in_place() {
    std::vector<std::pair<std::size_t, core::Finding>> merged; // output slot, finding
    std::size_t slot = 0;
    for (const Group& group : m_groups) {
      if (group.alive && group.size() > 1) {
        merged.emplace_back(slot, merge(group)); // reads its members before any slot is written
      }
      slot += group.alive ? 1 : 0;
    }
    slot = 0;
    for (const Group& group : m_groups) {
      if (!group.alive) {
        continue;
      }
      if (group.size() == 1 && group.first != slot) {
        m_findings[slot] = std::move(m_findings[group.first]);
      }
      ++slot;
    }
    for (auto& [at, finding] : merged) {
      m_findings[at] = std::move(finding);
    }
    m_findings.erase(m_findings.begin() + static_cast<std::ptrdiff_t>(slot), m_findings.end());
  }

private:
  // The proposed index group() keyed a group by: its first finding's.
  [[nodiscard]] std::optional<ProposedIndex> index_of(const Group& group) const {
    std::optional<ProposedIndex> index;
    const core::Finding& finding = m_findings[group.first];
    if (const core::SqlChange* sql = finding.fix ? finding.fix->if_sql() : nullptr;
        sql && !sql->ddl.empty()) {
      index = proposed_index_of(finding); // only a schema fix creates an index
    }
    return index;
  }

  [[nodiscard]] core::Severity severity_of(std::size_t group) const {
    core::Severity out = core::Severity::info;
    const Group& g = m_groups[group];
    out = std::max(out, m_findings[g.first].severity);
    for (const std::vector<std::size_t>* list : {&g.others, &g.subsumed}) {
      for (std::size_t i : *list) {
        out = std::max(out, m_findings[i].severity);
      }
    }
    return out;
  }

  // The own member whose fix says the most (the Drizzle line and where it
  // goes), the first one on a tie.
  [[nodiscard]] const core::Fix* best_fix(const Group& group) const {
    const core::Fix* best = nullptr;
    int best_score = -1;
    for (std::size_t i : group.own()) {
      const core::HeapOptional<core::Fix>& fix = m_findings[i].fix;
      if (!fix) {
        continue;
      }
      const int score = (fix->code_file().empty() ? 0 : 2) + (fix->code_text().empty() ? 0 : 1);
      if (score > best_score) {
        best = &*fix;
        best_score = score;
      }
    }
    return best;
  }

  [[nodiscard]] core::Finding merge(const Group& group) {
    std::vector<std::size_t> members = group.own();
    members.insert(members.end(), group.subsumed.begin(), group.subsumed.end());
    std::sort(members.begin(), members.end());
    const std::size_t primary =
        *std::min_element(members.begin(), members.end(), [&](std::size_t a, std::size_t b) {
          return std::make_tuple(category_rank(m_findings[a].rule), -static_cast<int>(m_findings[a].severity),
                                 a) < std::make_tuple(category_rank(m_findings[b].rule),
                                                      -static_cast<int>(m_findings[b].severity), b);
        });
    core::Finding out = m_findings[primary];
    out.rule_ids = {out.rule};
    std::set<std::tuple<core::Evidence::Kind, std::string, std::string>> seen;
    for (const core::Evidence& evidence : out.evidence) {
      seen.emplace(evidence.kind, evidence.detail, evidence.location.to_string());
    }
    for (std::size_t i : members) {
      if (i == primary) {
        continue;
      }
      const core::Finding& other = m_findings[i];
      out.severity = std::max(out.severity, other.severity);
      if (std::find(out.rule_ids.begin(), out.rule_ids.end(), other.rule) == out.rule_ids.end()) {
        out.rule_ids.push_back(other.rule);
      }
      std::vector<core::Evidence> more{
          {core::Evidence::Kind::finding, other.rule + ": " + other.message, other.location}};
      more.insert(more.end(), other.evidence.begin(), other.evidence.end());
      for (core::Evidence& evidence : more) {
        if (seen.emplace(evidence.kind, evidence.detail, evidence.location.to_string()).second) {
          out.evidence.push_back(std::move(evidence));
        }
      }
    }
    if (const core::Fix* fix = best_fix(group)) {
      out.fix = *fix;
    }
    return out;
  }

  std::vector<core::Finding>& m_findings; // merge_in_place() compacts it
  std::vector<Group> m_groups;
};

// The final ranking: measured savings first (largest first), then severity.
bool ranks_before(double saving_a, core::Severity a, double saving_b, core::Severity b) {
  if ((saving_a > 0) != (saving_b > 0)) {
    return saving_a > 0;
  }
  if (saving_a != saving_b) {
    return saving_a > saving_b;
  }
  return a > b;
}

std::vector<std::size_t> identity(std::size_t size) {
  std::vector<std::size_t> order(size);
  for (std::size_t i = 0; i < order.size(); ++i) {
    order[i] = i;
  }
  return order;
}

// What a spilled list's index finding is keyed by besides its key, kept
// while the list is read back once: enough to tell which indexes of one
// table may serve another. 24 bytes, for index findings only; every
// finding keeps only its key's hash beside it.
struct IndexSummary {
  std::size_t table = 0;     // the proposed index's table (hashed)
  std::uint32_t finding = 0; // its place in the list
  std::uint32_t columns = 0;
  bool plain = false;    // plain_btree(): may be served by another
  bool serves = false;   // a btree without WHERE: may serve another
  bool covering = false; // INCLUDE columns: serves an index of as many keys
};

// The findings of `list` that may merge with another (a superset of those
// that do), in list order: those whose key another shares, and every
// index of a table where one index may serve another (leads_with()'s
// conditions on the keys' count alone). Keys and tables are counted by
// sorting their hashes, not in hash maps: at 450,000 findings the maps and
// a summary of each finding held 40 MB.
std::vector<std::size_t> may_merge(const core::FindingList& list) {
  std::vector<std::size_t> keys;
  keys.reserve(list.size());
  std::vector<IndexSummary> indexes;
  for (const core::Finding& finding : list.loaded()) {
    std::optional<ProposedIndex> index;
    keys.push_back(std::hash<std::string>{}(key_of(finding, index)));
    if (index) {
      IndexSummary s;
      s.table = std::hash<std::string>{}(index->table);
      s.finding = static_cast<std::uint32_t>(keys.size() - 1);
      s.columns = static_cast<std::uint32_t>(index->columns.size());
      s.plain = plain_btree(*index);
      s.serves = index->method == "btree" && index->rest.find("WHERE") == std::string::npos;
      s.covering = index->rest.rfind("INCLUDE", 0) == 0;
      indexes.push_back(s);
    }
  }
  std::vector<bool> may(keys.size(), false);
  {
    std::vector<std::size_t> sorted = keys;
    std::sort(sorted.begin(), sorted.end());
    for (std::size_t i = 0; i < keys.size(); ++i) {
      const auto [from, to] = std::equal_range(sorted.begin(), sorted.end(), keys[i]);
      may[i] = to - from > 1;
    }
  }
  std::sort(indexes.begin(), indexes.end(),
            [](const IndexSummary& a, const IndexSummary& b) { return a.table < b.table; });
  for (std::size_t start = 0; start < indexes.size();) {
    std::size_t end = start;
    std::size_t fewest_plain = SIZE_MAX;
    std::size_t most_serving = 0;
    bool covering = false;
    for (; end < indexes.size() && indexes[end].table == indexes[start].table; ++end) {
      const IndexSummary& s = indexes[end];
      if (s.plain) {
        fewest_plain = std::min<std::size_t>(fewest_plain, s.columns);
      }
      if (s.serves) {
        most_serving = std::max<std::size_t>(most_serving, s.columns);
        covering = covering || s.covering;
      }
    }
    if (end - start > 1 && fewest_plain != SIZE_MAX && (most_serving > fewest_plain || covering)) {
      for (std::size_t i = start; i < end; ++i) {
        may[indexes[i].finding] = true;
      }
    }
    start = end;
  }
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < may.size(); ++i) {
    if (may[i]) {
      out.push_back(i);
    }
  }
  return out;
}

double measured_saving(const core::Finding& finding, const model::LiveAnalysis& live) {
  const core::SqlChange* sql = finding.fix ? finding.fix->if_sql() : nullptr;
  if (sql == nullptr) {
    return 0;
  }
  const std::optional<ProposedIndex> index = parse_proposed_index(sql->ddl);
  if (!index) {
    return 0;
  }
  const std::string key = index_key(*index);
  double best = 0;
  for (const model::IndexProposal& proposal : live.proposals) {
    if (!proposal.verified || proposal.method == model::VerifyMethod::none) {
      continue;
    }
    const std::optional<ProposedIndex> proposed = parse_proposed_index(proposal.ddl);
    if (proposed && index_key(*proposed) == key) {
      best = std::max(best, proposal.estimated_saving_ms);
    }
  }
  return best;
}

} // namespace

std::optional<ProposedIndex> parse_proposed_index(std::string_view ddl) {
  std::string_view text = trim(ddl);
  if (!text.empty() && text.back() == ';') {
    text = trim(text.substr(0, text.size() - 1));
  }
  ProposedIndex out;
  if (!take_word(text, "CREATE")) {
    return std::nullopt;
  }
  out.unique = take_word(text, "UNIQUE");
  if (!take_word(text, "INDEX")) {
    return std::nullopt;
  }
  take_word(text, "CONCURRENTLY");
  if (take_word(text, "IF")) {
    if (!take_word(text, "NOT") || !take_word(text, "EXISTS")) {
      return std::nullopt;
    }
  }
  if (!take_word(text, "ON")) {
    take_name(text); // the index name
    if (!take_word(text, "ON")) {
      return std::nullopt;
    }
  }
  take_word(text, "ONLY");
  out.table = std::string(take_name(text));
  if (take_word(text, "USING")) {
    out.method = core::to_lower(take_name(text));
  }
  auto columns = take_list(text);
  if (out.table.empty() || !columns || columns->empty() || text.find(';') != std::string_view::npos) {
    return std::nullopt;
  }
  out.columns = std::move(*columns);
  out.rest = core::collapse_whitespace(trim(text));
  return out;
}

std::size_t consolidate_findings(std::vector<core::Finding>& findings, const model::LiveAnalysis* live) {
  Consolidator consolidator(findings);
  consolidator.group();
  consolidator.subsume();
  const std::size_t before = findings.size();
  consolidator.merge_in_place();
  std::vector<core::Finding>& merged = findings;
  const std::size_t merged_away = before - merged.size();
  if (live != nullptr) {
    for (core::Finding& finding : merged) {
      finding.saving_ms = measured_saving(finding, *live);
    }
  }
  std::vector<std::size_t> order = identity(merged.size());
  std::stable_sort(order.begin(), order.end(), [&](std::size_t x, std::size_t y) {
    return ranks_before(merged[x].saving_ms, merged[x].severity, merged[y].saving_ms, merged[y].severity);
  });
  core::reorder_findings(merged, order);
  return merged_away;
}

std::size_t consolidate_findings(core::FindingList& findings, const model::LiveAnalysis* live) {
  if (!findings.spilled() || live != nullptr) {
    return consolidate_findings(findings.vec(), live);
  }
  const std::size_t before = findings.size();
  const std::vector<std::size_t> picked = may_merge(findings);
  std::vector<core::Finding> some;
  some.reserve(picked.size());
  for (std::size_t i : picked) {
    some.push_back(findings.load(i));
  }
  Consolidator consolidator(some);
  consolidator.group();
  consolidator.subsume();
  std::vector<bool> keep(before, true);
  for (std::size_t i : picked) {
    keep[i] = false; // merged into a group's first finding, or that finding
  }
  for (auto& [first, merged] : consolidator.outcomes()) {
    keep[picked[first]] = true;
    if (merged) {
      findings.replace(picked[first], std::move(*merged));
    }
  }
  std::vector<std::size_t> kept;
  for (std::size_t i = 0; i < before; ++i) {
    if (keep[i]) {
      kept.push_back(i);
    }
  }
  findings.select(kept);
  std::vector<std::size_t>().swap(kept);
  const auto ranks = [&](std::size_t x, std::size_t y) {
    return ranks_before(findings.saving_ms(x), findings.severity(x), findings.saving_ms(y),
                        findings.severity(y));
  };
  bool ranked = true; // the engine's order is by severity already, and a spilled list has no savings
  for (std::size_t i = 1; i < findings.size() && ranked; ++i) {
    ranked = !ranks(i, i - 1);
  }
  if (!ranked) {
    std::vector<std::size_t> order = identity(findings.size());
    std::stable_sort(order.begin(), order.end(), ranks);
    findings.select(order);
  }
  return before - findings.size();
}

} // namespace pgadvise::app
