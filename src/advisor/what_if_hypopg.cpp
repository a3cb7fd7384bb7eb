#include "advisor/what_if_hypopg.hpp"

#include <algorithm>
#include <cstdlib>

namespace pgadvise::advisor {

namespace {

constexpr std::size_t k_max_errors = 20;
constexpr std::string_view k_label = "index set";

// The input of a ModifyTable (rows written), else the top node's rows.
double rows_of(const model::Plan& plan) {
  if (plan.root.node_type == "ModifyTable" && !plan.root.children.empty()) {
    return plan.root.children.front().plan_rows;
  }
  return plan.root.plan_rows;
}

std::set<std::string> relations_of(const model::Plan& plan) {
  std::set<std::string> out;
  model::for_each_node(plan.root, [&](const model::PlanNode& node, const model::PlanNode*) {
    if (!node.relation.empty()) {
      out.insert(node.relation);
    }
  });
  return out;
}

pg::Statement create_statement(const SetCandidate& candidate) {
  return {"SELECT indexrelid::text, hypopg_relation_size(indexrelid)::text FROM hypopg_create_index($1)",
          {pg::Value(candidate.create_sql("pgadvise_candidate"))}};
}

} // namespace

HypoPgCostSource::HypoPgCostSource(pg::Connection& connection, const CandidatePool& pool,
                                   std::vector<pg::Runnable> statements,
                                   std::vector<std::vector<std::string>> tables)
    : m_connection(connection), m_pool(pool), m_statements(std::move(statements)) {
  // A clean slate: hypothetical indexes of an earlier step of this session
  // would be planned with as if they were real. Each query is prepared once
  // and EXPLAINed under every configuration the search tries: planned
  // afresh each time, so the hypothetical indexes of that moment are seen
  // (a cached generic plan would not see them).
  auto setup = m_connection.pipeline(
      {{"SELECT hypopg_reset()", {}}, {"SET plan_cache_mode = force_custom_plan", {}}}, k_label);
  ++m_round_trips;
  m_custom_plans = setup.size() == 2 && setup[1].ok();
  m_prepared.resize(m_statements.size());
  m_reads.resize(m_statements.size());
  for (std::size_t q = 0; q < m_statements.size() && q < tables.size(); ++q) {
    m_reads[q].insert(tables[q].begin(), tables[q].end());
  }
}

HypoPgCostSource::~HypoPgCostSource() {
  std::vector<pg::Statement> batch;
  for (const std::string& name : m_prepared) {
    if (!name.empty() && name != "-") {
      batch.push_back({"DEALLOCATE " + name, {}});
    }
  }
  if (m_custom_plans) {
    batch.push_back({"RESET plan_cache_mode", {}});
  }
  batch.push_back({"SELECT hypopg_reset()", {}});
  // Each on its own after a failure, so one that fails leaves no index behind.
  const auto results = m_connection.pipeline(batch, k_label);
  if (std::any_of(results.begin(), results.end(), [](const auto& result) { return !result.ok(); })) {
    for (const pg::Statement& statement : batch) {
      (void)m_connection.query(statement.sql, {}, k_label);
    }
  }
}

void HypoPgCostSource::record(std::string error) {
  if (m_errors.size() < k_max_errors) {
    m_errors.push_back(std::move(error));
  }
}

void HypoPgCostSource::prepare(std::size_t query) {
  const pg::Runnable& runnable = m_statements[query];
  std::string& name = m_prepared[query];
  if (!name.empty()) {
    return;
  }
  name = "-";
  if (m_custom_plans && !runnable.args.empty() && runnable.method != model::ParamMethod::generic_plan) {
    const std::string wanted = "pgadvise_whatif_" + std::to_string(query);
    ++m_round_trips;
    if (pg::prepare_runnable(m_connection, wanted, runnable).ok()) {
      name = wanted;
    }
  }
}

bool HypoPgCostSource::create(std::size_t id) {
  if (m_live.count(id) != 0) {
    return true;
  }
  if (m_failed.count(id) != 0 || id >= m_pool.size()) {
    return false;
  }
  ++m_round_trips;
  auto created = m_connection.pipeline({create_statement(m_pool[id])}, k_label);
  const SetCandidate& candidate = m_pool[id];
  const auto& result = created.front();
  if (!result.ok() || result->rows.empty() || !result->rows[0][0] || !result->rows[0][1]) {
    m_failed.insert(id);
    record("hypothetical index on " + candidate.table->qualified() + " not created: " +
           (result.ok() ? std::string("hypopg_create_index returned nothing") : result.error().to_string()));
    return false;
  }
  m_live[id] = *result->rows[0][0];
  m_sizes[id] = std::strtoll(result->rows[0][1]->c_str(), nullptr, 10);
  return true;
}

bool HypoPgCostSource::leftover_seen(const model::Plan& plan, const std::vector<std::size_t>& config) const {
  const std::set<std::string> scanned = relations_of(plan);
  return std::any_of(m_live.begin(), m_live.end(), [&](const auto& live) {
    return std::find(config.begin(), config.end(), live.first) == config.end() &&
           scanned.count(m_pool[live.first].table->name) != 0;
  });
}

std::vector<std::optional<model::Plan>>
HypoPgCostSource::sync_and_explain(const std::vector<std::size_t>& queries,
                                   const std::vector<std::size_t>& config) {
  std::vector<std::optional<model::Plan>> plans(queries.size());
  if (std::any_of(config.begin(), config.end(),
                  [&](std::size_t id) { return m_failed.count(id) != 0 || id >= m_pool.size(); })) {
    return plans;
  }
  // Until a plan of a query has said which tables it scans, every other
  // hypothetical index goes.
  bool strict = false;
  std::set<std::string> reads;
  for (std::size_t query : queries) {
    prepare(query);
    strict = strict || m_reads[query].empty();
    reads.insert(m_reads[query].begin(), m_reads[query].end());
  }
  std::vector<pg::Statement> batch;
  std::vector<std::size_t> dropped;
  for (const auto& [id, oid] : m_live) {
    if (std::find(config.begin(), config.end(), id) == config.end() &&
        (strict || reads.count(m_pool[id].table->name) != 0)) {
      batch.push_back({"SELECT hypopg_drop_index($1::oid)", {pg::Value(oid)}});
      dropped.push_back(id);
    }
  }
  std::vector<std::size_t> created;
  for (std::size_t id : config) {
    if (m_live.count(id) == 0) {
      batch.push_back(create_statement(m_pool[id]));
      created.push_back(id);
    }
  }
  std::vector<std::optional<std::string>> explains;
  for (std::size_t query : queries) {
    explains.push_back(pg::explain_statement(
        m_statements[query], m_prepared[query] == "-" ? "" : m_prepared[query], pg::ExplainFlavor::estimate));
    if (explains.back()) {
      batch.push_back({*explains.back(), {}});
    }
  }
  ++m_round_trips;
  auto results = m_connection.pipeline(batch, k_label);
  std::size_t at = 0;
  for (std::size_t id : dropped) {
    (void)results[at++];
    m_live.erase(id);
  }
  bool all_created = true;
  for (std::size_t id : created) {
    const auto& result = results[at++];
    if (result.ok() && !result->rows.empty() && result->rows[0][0] && result->rows[0][1]) {
      m_live[id] = *result->rows[0][0];
      m_sizes[id] = std::strtoll(result->rows[0][1]->c_str(), nullptr, 10);
      continue;
    }
    all_created = false;
    if (result.ok() || result.error().message.rfind("not run:", 0) != 0) {
      m_failed.insert(id);
      record(
          "hypothetical index on " + m_pool[id].table->qualified() + " not created: " +
          (result.ok() ? std::string("hypopg_create_index returned nothing") : result.error().to_string()));
    }
  }
  if (!all_created) {
    return plans;
  }
  for (std::size_t i = 0; i < queries.size(); ++i) {
    pg::DbResult<model::Plan> planned = pg::DbError{};
    if (explains[i]) {
      planned = pg::plan_of_result(results[at++]);
    } else {
      ++m_round_trips; // PREPARE, EXECUTE, DEALLOCATE: pg/explain's own round trips
      planned = pg::explain_runnable(m_connection, m_statements[queries[i]], pg::ExplainFlavor::estimate);
    }
    if (planned.ok()) {
      plans[i] = std::move(planned).value();
    } else if (planned.error().message.rfind("not run:", 0) != 0) {
      record("EXPLAIN failed: " + planned.error().to_string());
    }
  }
  return plans;
}

std::optional<PlannedCost> HypoPgCostSource::cost_of(std::size_t query,
                                                     const std::vector<std::size_t>& config,
                                                     std::optional<model::Plan> planned) {
  // A plan that scans a table holding a hypothetical index of another
  // configuration (a table the query reaches without naming it: a view's,
  // a partition's) is planned again, that table now known as the query's.
  for (int again = 0; planned && leftover_seen(*planned, config) && again < 3; ++again) {
    const std::set<std::string> scanned = relations_of(*planned);
    m_reads[query].insert(scanned.begin(), scanned.end());
    planned = std::move(sync_and_explain({query}, config).front());
  }
  if (!planned || leftover_seen(*planned, config)) {
    return std::nullopt;
  }
  const std::set<std::string> scanned = relations_of(*planned);
  m_reads[query].insert(scanned.begin(), scanned.end());
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

std::optional<PlannedCost> HypoPgCostSource::plan(std::size_t query, const std::vector<std::size_t>& config) {
  if (query >= m_statements.size()) {
    return std::nullopt;
  }
  return cost_of(query, config, std::move(sync_and_explain({query}, config).front()));
}

std::vector<std::optional<PlannedCost>>
HypoPgCostSource::plan_many(const std::vector<std::pair<std::size_t, std::vector<std::size_t>>>& requests) {
  std::vector<std::optional<PlannedCost>> out(requests.size());
  std::vector<std::size_t> together; // positions in `requests`
  std::vector<std::size_t> config;
  for (std::size_t i = 0; i < requests.size(); ++i) {
    if (requests[i].first < m_statements.size()) {
      together.push_back(i);
      config.insert(config.end(), requests[i].second.begin(), requests[i].second.end());
    }
  }
  std::sort(config.begin(), config.end());
  config.erase(std::unique(config.begin(), config.end()), config.end());
  // Together only where the union adds nothing on a table the query reads;
  // the others alone.
  std::vector<std::size_t> alone;
  std::vector<std::size_t> queries;
  for (std::size_t i : together) {
    // Named, not structured bindings: clang 14 (clang-tidy) refuses a lambda's capture of those.
    const std::size_t query = requests[i].first;
    const auto& mine = requests[i].second;
    const bool exact =
        !m_reads[query].empty() && std::all_of(config.begin(), config.end(), [&](std::size_t id) {
          return m_reads[query].count(m_pool[id].table->name) == 0 ||
                 std::find(mine.begin(), mine.end(), id) != mine.end();
        });
    (exact ? queries : alone).push_back(i);
  }
  if (queries.size() < 2) {
    alone.insert(alone.end(), queries.begin(), queries.end());
    queries.clear();
  }
  std::vector<std::size_t> query_ids;
  for (std::size_t i : queries) {
    query_ids.push_back(requests[i].first);
  }
  std::vector<std::optional<model::Plan>> plans;
  if (!query_ids.empty()) {
    plans = sync_and_explain(query_ids, config);
  }
  for (std::size_t k = 0; k < queries.size(); ++k) {
    const std::size_t i = queries[k];
    if (plans[k]) {
      out[i] = cost_of(requests[i].first, requests[i].second, std::move(plans[k]));
    } else {
      alone.push_back(i); // a failure in the pipeline stopped it: on its own
    }
  }
  std::sort(alone.begin(), alone.end());
  for (std::size_t i : alone) {
    out[i] = plan(requests[i].first, requests[i].second);
  }
  return out;
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
