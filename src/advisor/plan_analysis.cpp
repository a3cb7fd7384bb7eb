#include "advisor/plan_analysis.hpp"

#include <algorithm>
#include <set>

namespace pgadvise::advisor {

namespace {

using model::PlanIssue;
using model::PlanNode;

bool is_seq_scan(const PlanNode& node) {
  return node.node_type == "Seq Scan" && !node.relation.empty();
}

bool ident_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         static_cast<unsigned char>(c) >= 0x80;
}

// The first Seq Scan on the inner side of a nested loop: the node itself or
// below a Materialize / Hash-less pass-through node.
const PlanNode* inner_seq_scan(const PlanNode& inner) {
  const PlanNode* node = &inner;
  while (node != nullptr) {
    if (is_seq_scan(*node)) {
      return node;
    }
    if ((node->node_type == "Materialize" || node->node_type == "Memoize") && node->children.size() == 1) {
      node = &node->children.front();
      continue;
    }
    return nullptr;
  }
  return nullptr;
}

std::string first_relation(const PlanNode& root) {
  std::string out;
  model::for_each_node(root, [&](const PlanNode& node, const PlanNode*) {
    if (out.empty() && !node.relation.empty()) {
      out = node.relation;
    }
  });
  return out;
}

void fill_measures(PlanIssue& issue, const PlanNode& scan, const model::ExplainedQuery& query) {
  issue.analyzed = scan.analyzed();
  issue.loops = scan.loops;
  issue.parallel = scan.parallel_aware;
  if (issue.analyzed) {
    issue.rows_returned = scan.total_rows();
    issue.rows_removed = scan.rows_removed_by_filter * scan.loops;
    issue.node_ms = scan.total_ms();
  } else {
    issue.rows_returned = scan.plan_rows;
  }
  if (scan.buffers) {
    issue.shared_hit = scan.buffers->shared_hit;
    issue.shared_read = scan.buffers->shared_read;
  }
  if (query.plan && query.plan->execution_ms) {
    issue.execution_ms = *query.plan->execution_ms;
    issue.time_share = issue.execution_ms > 0 ? std::min(1.0, issue.node_ms / issue.execution_ms) : 0;
  }
}

PlanIssue issue_for(const model::Table& table, const PlanNode& scan, const model::ExplainedQuery& query) {
  PlanIssue issue;
  issue.fingerprint = query.fingerprint;
  issue.schema = table.schema;
  issue.table = table.name;
  issue.table_rows = table.stats ? std::max(table.stats->reltuples, 0.0) : 0;
  fill_measures(issue, scan, query);
  return issue;
}

double table_rows(const model::Table& table, const PlanNode& scan) {
  const double estimate = table.stats ? table.stats->reltuples : -1;
  if (estimate >= 0) {
    return estimate;
  }
  // Never analyzed: what this scan read is a lower bound.
  return scan.analyzed() ? scan.actual_rows.value_or(0) + scan.rows_removed_by_filter : scan.plan_rows;
}

bool filter_removes_most(const PlanNode& scan, double rows, const PlanAnalysisOptions& options) {
  if (scan.filter.empty()) {
    return false;
  }
  if (scan.analyzed()) {
    const double read = scan.actual_rows.value_or(0) + scan.rows_removed_by_filter;
    return read > 0 && scan.rows_removed_by_filter / read >= options.min_removed_share;
  }
  return rows > 0 && scan.plan_rows / rows <= 1 - options.min_removed_share;
}

} // namespace

const model::Table* plan_table(const model::Catalog& catalog, const PlanNode& node) {
  if (!node.schema.empty()) {
    return catalog.find_table(node.schema, node.relation);
  }
  if (const model::Table* table = catalog.find_table("public", node.relation)) {
    return table;
  }
  for (const model::Table& table : catalog.tables) {
    if (table.name == node.relation) {
      return &table;
    }
  }
  return nullptr;
}

std::vector<std::string> filter_columns(const model::Table& table, std::string_view filter,
                                        std::string_view alias) {
  std::vector<std::string> out;
  std::size_t at = 0;
  while (at < filter.size()) {
    const char c = filter[at];
    if (c == '\'') { // a literal: skip to its end ('' is an escaped quote)
      ++at;
      while (at < filter.size() &&
             !(filter[at] == '\'' && (at + 1 >= filter.size() || filter[at + 1] != '\''))) {
        at += filter[at] == '\'' ? std::size_t{2} : std::size_t{1};
      }
      ++at;
      continue;
    }
    if (!ident_char(c) && c != '"') {
      ++at;
      continue;
    }
    const std::size_t begin = at;
    std::string name;
    if (c == '"') {
      ++at;
      while (at < filter.size() &&
             !(filter[at] == '"' && (at + 1 >= filter.size() || filter[at + 1] != '"'))) {
        name += filter[at];
        at += filter[at] == '"' ? std::size_t{2} : std::size_t{1};
      }
      ++at;
    } else {
      const std::size_t start = at;
      while (at < filter.size() && ident_char(filter[at])) {
        ++at;
      }
      name = std::string(filter.substr(start, at - start));
    }
    if (at < filter.size() && filter[at] == '.') {
      // A qualifier: the next name is a column of that relation.
      const bool ours = name == alias || name == table.name;
      ++at;
      if (!ours) {
        while (at < filter.size() && (ident_char(filter[at]) || filter[at] == '"')) {
          ++at;
        }
      }
      continue;
    }
    const bool after_cast = begin >= 2 && filter.substr(begin - 2, 2) == "::";
    const bool is_call = at < filter.size() && filter[at] == '(';
    if (!after_cast && !is_call && table.find_column(name) != nullptr &&
        std::find(out.begin(), out.end(), name) == out.end()) {
      out.push_back(name);
    }
  }
  return out;
}

std::vector<PlanIssue> analyze_plan(const model::ExplainedQuery& query, const model::Catalog& catalog,
                                    const PlanAnalysisOptions& options) {
  std::vector<PlanIssue> out;
  if (!query.plan) {
    return out;
  }
  std::set<const PlanNode*> reported;
  // Nested loops first, so their inner scans are reported once, as rescans.
  model::for_each_node(query.plan->root, [&](const PlanNode& node, const PlanNode*) {
    if (node.node_type != "Nested Loop" || node.children.size() != 2) {
      return;
    }
    const PlanNode* scan = inner_seq_scan(node.children[1]);
    if (scan == nullptr) {
      return;
    }
    const model::Table* table = plan_table(catalog, *scan);
    const bool rescanned = (scan->loops > 1 && !scan->parallel_aware) ||
                           (&node.children[1] != scan && node.rows_removed_by_join_filter > 0);
    if (table == nullptr || !rescanned || table_rows(*table, *scan) < options.min_table_rows) {
      return;
    }
    PlanIssue issue = issue_for(*table, *scan, query);
    issue.kind = model::PlanIssueKind::nested_loop_rescan;
    issue.table_rows = table_rows(*table, *scan);
    issue.filter = !scan->filter.empty() ? scan->filter : node.join_filter;
    issue.columns = filter_columns(*table, issue.filter, scan->alias);
    issue.outer_table = first_relation(node.children[0]);
    if (scan->loops <= 1 && node.analyzed()) {
      // Materialized once, then filtered per outer row by the Join Filter.
      issue.loops = node.children[0].total_rows();
      issue.rows_removed = node.rows_removed_by_join_filter * node.loops;
      issue.node_ms = node.total_ms();
      issue.time_share = issue.execution_ms > 0 ? std::min(1.0, issue.node_ms / issue.execution_ms) : 0;
    }
    reported.insert(scan);
    out.push_back(std::move(issue));
  });
  model::for_each_node(query.plan->root, [&](const PlanNode& node, const PlanNode*) {
    if (!is_seq_scan(node) || reported.count(&node) != 0) {
      return;
    }
    const model::Table* table = plan_table(catalog, node);
    if (table == nullptr) {
      return;
    }
    const double rows = table_rows(*table, node);
    if (rows < options.min_table_rows || !filter_removes_most(node, rows, options)) {
      return;
    }
    PlanIssue issue = issue_for(*table, node, query);
    issue.table_rows = rows;
    issue.filter = node.filter;
    issue.columns = filter_columns(*table, node.filter, node.alias);
    out.push_back(std::move(issue));
  });
  return out;
}

} // namespace pgadvise::advisor
