#include "pg/plan_json.hpp"

#include <nlohmann/json.hpp>

namespace pgadvise::pg {

using model::Plan;
using model::PlanBuffers;
using model::PlanNode;

namespace {

using nlohmann::json;

std::string text_of(const json& node, const char* key) {
  const auto it = node.find(key);
  return it != node.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::optional<double> number_of(const json& node, const char* key) {
  const auto it = node.find(key);
  if (it == node.end() || !it->is_number()) {
    return std::nullopt;
  }
  return it->get<double>();
}

std::int64_t count_of(const json& node, const char* key) {
  const auto value = number_of(node, key);
  return value ? static_cast<std::int64_t>(*value) : 0;
}

std::optional<PlanBuffers> buffers_of(const json& node) {
  if (!node.contains("Shared Hit Blocks") && !node.contains("Shared Read Blocks")) {
    return std::nullopt;
  }
  PlanBuffers buffers;
  buffers.shared_hit = count_of(node, "Shared Hit Blocks");
  buffers.shared_read = count_of(node, "Shared Read Blocks");
  buffers.shared_dirtied = count_of(node, "Shared Dirtied Blocks");
  buffers.shared_written = count_of(node, "Shared Written Blocks");
  buffers.temp_read = count_of(node, "Temp Read Blocks");
  buffers.temp_written = count_of(node, "Temp Written Blocks");
  return buffers;
}

// Plans nest at most a few hundred levels; deeper input is not a plan.
constexpr int k_max_depth = 1000;

std::optional<PlanNode> node_of(const json& node, int depth) {
  if (!node.is_object() || depth > k_max_depth) {
    return std::nullopt;
  }
  PlanNode out;
  out.node_type = text_of(node, "Node Type");
  out.parent_relationship = text_of(node, "Parent Relationship");
  out.relation = text_of(node, "Relation Name");
  out.schema = text_of(node, "Schema");
  out.alias = text_of(node, "Alias");
  out.index_name = text_of(node, "Index Name");
  out.join_type = text_of(node, "Join Type");
  out.filter = text_of(node, "Filter");
  out.join_filter = text_of(node, "Join Filter");
  out.index_cond = text_of(node, "Index Cond");
  out.hash_cond = text_of(node, "Hash Cond");
  out.startup_cost = number_of(node, "Startup Cost").value_or(0);
  out.total_cost = number_of(node, "Total Cost").value_or(0);
  out.plan_rows = number_of(node, "Plan Rows").value_or(0);
  out.actual_rows = number_of(node, "Actual Rows");
  out.actual_total_ms = number_of(node, "Actual Total Time");
  out.loops = number_of(node, "Actual Loops").value_or(1);
  if (const auto parallel = node.find("Parallel Aware"); parallel != node.end() && parallel->is_boolean()) {
    out.parallel_aware = parallel->get<bool>();
  }
  out.rows_removed_by_filter = number_of(node, "Rows Removed by Filter").value_or(0);
  out.rows_removed_by_join_filter = number_of(node, "Rows Removed by Join Filter").value_or(0);
  out.buffers = buffers_of(node);
  if (const auto plans = node.find("Plans"); plans != node.end() && plans->is_array()) {
    for (const json& child : *plans) {
      auto parsed = node_of(child, depth + 1);
      if (!parsed) {
        return std::nullopt;
      }
      out.children.push_back(std::move(*parsed));
    }
  }
  return out;
}

} // namespace

core::Result<Plan> parse_plan_json(std::string_view text) {
  json document = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (document.is_discarded()) {
    return core::Error("plan is not valid JSON");
  }
  if (document.is_array()) {
    if (document.empty()) {
      return core::Error("plan JSON is an empty array");
    }
    document = document.front();
  }
  if (!document.is_object() || !document.contains("Plan")) {
    return core::Error("plan JSON has no \"Plan\" object");
  }
  auto root = node_of(document["Plan"], 0);
  if (!root) {
    return core::Error("plan JSON has a malformed node");
  }
  Plan plan;
  plan.root = std::move(*root);
  plan.planning_ms = number_of(document, "Planning Time");
  plan.execution_ms = number_of(document, "Execution Time");
  return plan;
}

} // namespace pgadvise::pg
