#include "reporters/text_entries.hpp"

#include "core/finding.hpp"
#include "model/catalog.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>
#include <utility>

namespace pgadvise::reporters {

namespace {

// More than a handful of one shape become one entry.
constexpr std::size_t k_handful = 5;
// Past this many findings of an action rule and severity, the first
// k_action_entries stay entries and the rest are one.
constexpr std::size_t k_many_actions = 20;
constexpr std::size_t k_action_entries = 10;

// Estimated rows of the finding's table, from live or --stats statistics.
double rows_of(const core::Finding& finding, const model::Catalog* catalog) {
  if (catalog == nullptr || finding.object.table.empty()) {
    return 0;
  }
  const model::Table* table = catalog->find_table(
      finding.object.schema.empty() ? "public" : finding.object.schema, finding.object.table);
  if (table == nullptr || !table->stats) {
    return 0;
  }
  if (table->stats->reltuples >= 0) {
    return table->stats->reltuples;
  }
  return table->stats->has_counters ? static_cast<double>(table->stats->n_live_tup) : 0;
}

// Whether any table has statistics: without them every finding's rows
// are 0, and no finding is read back to look its table up.
bool any_stats(const model::Catalog* catalog) {
  return catalog != nullptr && std::any_of(catalog->tables.begin(), catalog->tables.end(),
                                           [](const model::Table& table) { return bool(table.stats); });
}

// What the report is ordered by: severity, impact (a measured saving, the
// table's rows), file order; then the weighted findings by weight
// (core::order_by_weight). Kept per finding of the run's list, which may
// be records over the spill file (core::FindingList): the findings are
// read back only for ties on all the rest.
struct Rank {
  std::size_t index = 0; // in the run's list
  double rows = 0;
  double saving_ms = 0;
  core::Severity severity = core::Severity::info;
  std::uint32_t weight = 0;
};

bool ranks_before(const core::FindingList& list, const Rank& a, const Rank& b) {
  if (a.severity != b.severity) {
    return a.severity > b.severity;
  }
  if (a.saving_ms > b.saving_ms || a.saving_ms < b.saving_ms) {
    return a.saving_ms > b.saving_ms;
  }
  if (a.rows > b.rows || a.rows < b.rows) {
    return a.rows > b.rows;
  }
  // File order; findings without a file after those with one.
  const core::SourceLocation x = list.location(a.index);
  const core::SourceLocation y = list.location(b.index);
  if (x.file.empty() != y.file.empty()) {
    return !x.file.empty();
  }
  const auto head = std::tie(x.file, x.line, x.column, list.rule(a.index));
  const auto other = std::tie(y.file, y.line, y.column, list.rule(b.index));
  if (head != other) {
    return head < other;
  }
  const core::FindingList::Held f = list.at(a.index);
  const core::FindingList::Held g = list.at(b.index);
  return std::make_tuple(f->object.to_string(), f->fingerprint) <
         std::make_tuple(g->object.to_string(), g->fingerprint);
}

} // namespace

std::set<std::string> action_rules(const ReportInput& input) {
  std::set<std::string> out;
  for (const RuleInfo& rule : input.rules) {
    if (rule.each_finding_an_action) {
      out.insert(rule.id);
    }
  }
  return out;
}

std::vector<Entry> entries_of(const core::FindingList& findings, const ReportInput& input, bool expand) {
  const std::set<std::string> own_entries = action_rules(input);
  const bool stats = any_stats(input.catalog);
  std::vector<Rank> ranked;
  ranked.reserve(findings.size());
  for (std::size_t i = 0; i < findings.size(); ++i) {
    ranked.push_back({i, stats ? rows_of(*findings.at(i), input.catalog) : 0, findings.saving_ms(i),
                      findings.severity(i), findings.weight(i)});
  }
  std::stable_sort(ranked.begin(), ranked.end(),
                   [&](const Rank& a, const Rank& b) { return ranks_before(findings, a, b); });
  core::order_by_weight(ranked, [](const Rank& rank) -> const Rank& { return rank; });
  std::map<std::pair<std::string, core::Severity>, std::size_t> shapes;
  for (std::size_t i = 0; i < findings.size(); ++i) {
    ++shapes[{findings.rule(i), findings.severity(i)}];
  }
  std::vector<Entry> entries;
  std::map<std::pair<std::string, core::Severity>, std::size_t> group_at; // shape -> its entry
  std::map<std::pair<std::string, core::Severity>, std::size_t> own;      // shape -> its entries so far
  for (const Rank& rank : ranked) {
    const std::pair<std::string, core::Severity> shape{findings.rule(rank.index), rank.severity};
    const bool action = own_entries.count(shape.first) != 0;
    const bool group = !expand && (action ? shapes[shape] > k_many_actions && own[shape]++ >= k_action_entries
                                          : shapes[shape] > k_handful);
    if (!group) {
      entries.push_back(Entry{{rank.index}, rank.severity});
      continue;
    }
    if (const auto it = group_at.find(shape); it != group_at.end()) {
      entries[it->second].findings.push_back(rank.index);
      continue;
    }
    group_at.emplace(shape, entries.size());
    entries.push_back(Entry{{rank.index}, rank.severity, action});
  }
  return entries;
}

} // namespace pgadvise::reporters
