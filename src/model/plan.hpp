#pragma once

#include "core/result.hpp"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pgadvise::model {

// A query plan as EXPLAIN (FORMAT JSON) or auto_explain's JSON output gives
// it, format-free: rules and the advisor read these values, never JSON.

// Block counters of one node (EXPLAIN ... BUFFERS); totals over all loops.
struct PlanBuffers {
  std::int64_t shared_hit = 0;
  std::int64_t shared_read = 0;
  std::int64_t shared_dirtied = 0;
  std::int64_t shared_written = 0;
  std::int64_t temp_read = 0;
  std::int64_t temp_written = 0;
  [[nodiscard]] std::int64_t shared_total() const { return shared_hit + shared_read; }
};

struct PlanNode {
  std::string node_type;           // "Seq Scan", "Nested Loop", "Index Scan", ...
  std::string parent_relationship; // "Outer", "Inner", "SubPlan", ... (empty for the root)
  std::string relation;            // "Relation Name" for scans
  std::string schema;              // "Schema" (VERBOSE) -- often empty
  std::string alias;
  std::string index_name;
  std::string join_type;
  std::string filter;      // "Filter"
  std::string join_filter; // "Join Filter"
  std::string index_cond;  // "Index Cond"
  std::string hash_cond;   // "Hash Cond"
  double startup_cost = 0;
  double total_cost = 0;
  double plan_rows = 0;
  // ANALYZE only: per-loop averages as PostgreSQL prints them.
  std::optional<double> actual_rows;
  std::optional<double> actual_total_ms;
  double loops = 1; // for a parallel-aware node: the processes that ran it
  bool parallel_aware = false;
  double rows_removed_by_filter = 0;      // per loop, as PostgreSQL prints it
  double rows_removed_by_join_filter = 0; // per loop
  std::optional<PlanBuffers> buffers;
  std::vector<PlanNode> children;

  [[nodiscard]] bool analyzed() const { return actual_rows.has_value(); }
  // Rows produced and time spent over all loops (ANALYZE only; 0 otherwise).
  // Parallel workers run at the same time: their average is the wall time.
  [[nodiscard]] double total_rows() const { return actual_rows.value_or(0) * loops; }
  [[nodiscard]] double total_ms() const { return actual_total_ms.value_or(0) * (parallel_aware ? 1 : loops); }
  [[nodiscard]] bool is_scan_of_relation() const { return !relation.empty(); }
};

struct Plan {
  PlanNode root;
  std::optional<double> planning_ms;
  std::optional<double> execution_ms; // ANALYZE only
  [[nodiscard]] bool analyzed() const { return root.analyzed(); }
  [[nodiscard]] double total_cost() const { return root.total_cost; }
};

// Visits every node, parents before children.
void for_each_node(const PlanNode& root,
                   const std::function<void(const PlanNode& node, const PlanNode* parent)>& visit);

// The relations a plan reads with an index (Index Scan, Index Only Scan,
// Bitmap Index Scan's index), by index name.
std::vector<std::string> indexes_used(const Plan& plan);

} // namespace pgadvise::model
