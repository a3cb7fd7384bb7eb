#include "advisor/what_if_hypopg.hpp"

#include <algorithm>
#include <cstdlib>

namespace pgadvise::advisor {

namespace {

constexpr std::size_t k_max_errors = 20;

// The input of a ModifyTable (rows written), else the top node's rows.
double rows_of(const model::Plan& plan) {
  if (plan.root.node_type == "ModifyTable" && !plan.root.children.empty()) {
    return plan.root.children.front().plan_rows;
  }
  return plan.root.plan_rows;
}

} // namespace

HypoPgCostSource::HypoPgCostSource(pg::Connection& connection, const CandidatePool& pool,
                                   std::vector<pg::Runnable> statements)
    : m_connection(connection), m_pool(pool), m_statements(std::move(statements)) {
  // A clean slate: hypothetical indexes of an earlier step of this session
  // would be planned with as if they were real.
  (void)m_connection.query("SELECT hypopg_reset()", {}, "index set: hypopg_reset");
  // Each query is prepared once and EXPLAINed under every configuration the
  // search tries: planned afresh each time, so the hypothetical indexes of
  // that moment are seen (a cached generic plan would not see them).
  m_custom_plans =
      m_connection.query("SET plan_cache_mode = force_custom_plan", {}, "index set: plan_cache_mode").ok();
  m_prepared.resize(m_statements.size());
}

HypoPgCostSource::~HypoPgCostSource() {
  for (const std::string& name : m_prepared) {
    if (!name.empty() && name != "-") {
      (void)m_connection.query("DEALLOCATE " + name, {}, "index set: deallocate");
    }
  }
  if (m_custom_plans) {
    (void)m_connection.query("RESET plan_cache_mode", {}, "index set: plan_cache_mode");
  }
  (void)m_connection.query("SELECT hypopg_reset()", {}, "index set: hypopg_reset");
}

pg::DbResult<model::Plan> HypoPgCostSource::explain(std::size_t query) {
  const pg::Runnable& runnable = m_statements[query];
  std::string& name = m_prepared[query];
  if (name.empty()) {
    name = "-";
    if (m_custom_plans && !runnable.args.empty() && runnable.method != model::ParamMethod::generic_plan) {
      const std::string wanted = "pgadvise_whatif_" + std::to_string(query);
      if (pg::prepare_runnable(m_connection, wanted, runnable).ok()) {
        name = wanted;
      }
    }
  }
  if (name == "-") {
    return pg::explain_runnable(m_connection, runnable, pg::ExplainFlavor::estimate);
  }
  return pg::explain_prepared(m_connection, name, runnable, pg::ExplainFlavor::estimate);
}

bool HypoPgCostSource::create(std::size_t id) {
  if (m_live.count(id) != 0) {
    return true;
  }
  if (m_failed.count(id) != 0 || id >= m_pool.size()) {
    return false;
  }
  const SetCandidate& candidate = m_pool[id];
  auto created = m_connection.query(
      "SELECT indexrelid::text, hypopg_relation_size(indexrelid)::text FROM hypopg_create_index($1)",
      {pg::Value(candidate.create_sql("pgadvise_candidate"))}, "index set: hypopg_create_index");
  if (!created.ok() || created->rows.empty() || !created->rows[0][0] || !created->rows[0][1]) {
    m_failed.insert(id);
    if (m_errors.size() < k_max_errors) {
      m_errors.push_back(
          "hypothetical index on " + candidate.table->qualified() + " not created: " +
          (created.ok() ? std::string("hypopg_create_index returned nothing") : created.error().to_string()));
    }
    return false;
  }
  m_live[id] = *created->rows[0][0];
  m_sizes[id] = std::strtoll(created->rows[0][1]->c_str(), nullptr, 10);
  return true;
}

bool HypoPgCostSource::sync(const std::vector<std::size_t>& config) {
  for (auto it = m_live.begin(); it != m_live.end();) {
    if (std::find(config.begin(), config.end(), it->first) == config.end()) {
      (void)m_connection.query("SELECT hypopg_drop_index($1::oid)", {pg::Value(it->second)},
                               "index set: hypopg_drop_index");
      it = m_live.erase(it);
    } else {
      ++it;
    }
  }
  return std::all_of(config.begin(), config.end(), [&](std::size_t id) { return create(id); });
}

std::optional<PlannedCost> HypoPgCostSource::plan(std::size_t query, const std::vector<std::size_t>& config) {
  if (query >= m_statements.size() || !sync(config)) {
    return std::nullopt;
  }
  auto planned = explain(query);
  if (!planned.ok()) {
    if (m_errors.size() < k_max_errors) {
      m_errors.push_back("EXPLAIN failed: " + planned.error().to_string());
    }
    return std::nullopt;
  }
  PlannedCost cost;
  cost.cost = planned->total_cost();
  cost.rows = rows_of(*planned);
  for (const std::string& name : model::indexes_used(*planned)) {
    for (const auto& [id, oid] : m_live) {
      // HypoPG names its indexes "<oid>btree_table_column".
      if (name.find("<" + oid + ">") != std::string::npos &&
          std::find(cost.used.begin(), cost.used.end(), id) == cost.used.end()) {
        cost.used.push_back(id);
      }
    }
  }
  std::sort(cost.used.begin(), cost.used.end());
  return cost;
}

std::optional<std::int64_t> HypoPgCostSource::size_of(std::size_t candidate) {
  if (const auto it = m_sizes.find(candidate); it != m_sizes.end()) {
    return it->second;
  }
  if (!create(candidate)) {
    return std::nullopt;
  }
  return m_sizes[candidate];
}

} // namespace pgadvise::advisor
