#include "advisor/index_set_run.hpp"

#include "advisor/index_set_render.hpp"
#include "advisor/index_set_table_state.hpp"
#include "advisor/index_set_writes.hpp"
#include "advisor/live_analysis_run.hpp"
#include "advisor/query_evidence.hpp"
#include "advisor/query_index_candidate.hpp"
#include "advisor/verify.hpp"
#include "advisor/what_if_hypopg.hpp"
#include "core/format.hpp"
#include "core/text.hpp"
#include "pg/query_analysis.hpp"

#include <algorithm>
#include <set>

namespace pgadvise::advisor {

namespace {

std::vector<std::string> table_keys(const model::Catalog& catalog, const model::QueryShape& shape) {
  std::vector<std::string> out;
  for (const model::TableUse& use : shape.tables) {
    if (const model::Table* table = find_table(&catalog, use.schema, use.name)) {
      const std::string key = table_key(*table);
      if (std::find(out.begin(), out.end(), key) == out.end()) {
        out.push_back(key);
      }
    }
  }
  return out;
}

double query_total_ms(const model::QueryStats& query) {
  return query.total_ms > 0 ? query.total_ms : query.mean_ms() * static_cast<double>(query.calls);
}

} // namespace

std::int64_t workload_data_bytes(const model::Catalog& catalog, const model::Workload& workload) {
  std::set<const model::Table*> tables;
  for (const model::QueryStats& query : workload.queries) {
    for (const model::TableUse& use : query.shape.tables) {
      if (const model::Table* table = find_table(&catalog, use.schema, use.name)) {
        tables.insert(table);
      }
    }
  }
  std::int64_t total = 0;
  for (const model::Table* table : tables) {
    if (!table->stats) {
      continue;
    }
    total += table->stats->table_bytes > 0 ? table->stats->table_bytes : table->stats->relpages * 8192;
  }
  return total;
}

struct IndexSetProblem::State {
  State(pg::Connection& connection_, const model::Catalog& catalog_, const IndexSetOptions& options_)
      : connection(connection_), catalog(catalog_), options(options_) {}
  pg::Connection& connection;
  const model::Catalog& catalog;
  IndexSetOptions options;
  model::IndexSet set; // budget, data size, notes so far
  std::vector<const model::QueryStats*> queries;
  std::vector<SearchQuery> search_queries;
  std::vector<double> cost0;
  std::vector<Write> writes;
  double unit_scale = 1; // objective units per planner cost unit of maintenance
  CandidatePool pool;
  std::unique_ptr<HypoPgCostSource> source;
  std::unique_ptr<Evaluator> evaluator;
  std::vector<const model::Table*> candidate_tables; // the candidates' tables
  std::vector<TableState> table_state;               // theirs when the costings began

  double write_cost(std::size_t id) {
    const auto size = static_cast<double>(source->size_of(id).value_or(0));
    return maintenance_cost(writes, pool[id], size, options.write_cost_per_entry) * unit_scale;
  }

  // The workload's statements made runnable once (values bound as EXPLAIN
  // binds them), costliest first; notes for those that are not.
  std::vector<pg::Runnable> runnable_statements(const model::Workload& workload);
  // Weights from the plans with no new index (see the header), and each
  // write's rows per call.
  void weigh();
  // The set's entry for the chosen candidate `id`.
  model::IndexSetEntry entry(std::size_t id, double saving, double total_saving,
                             const std::vector<std::size_t>& chosen, SetIndexNamer& namer);
};

std::vector<pg::Runnable> IndexSetProblem::State::runnable_statements(const model::Workload& workload) {
  std::vector<pg::Runnable> statements;
  std::size_t unplannable = 0;
  for (const model::QueryStats* query : queries_to_explain(workload, options.max_queries)) {
    std::vector<std::string> tables = table_keys(catalog, query->shape);
    if (tables.empty()) {
      continue;
    }
    auto runnable = pg::make_runnable(connection, pg::request_for(*query));
    if (!runnable.ok()) {
      if (++unplannable <= 3) {
        set.notes.push_back("not costed: " + query->normalized.substr(0, 120) + " (" +
                            runnable.error().to_string() + ")");
      }
      continue;
    }
    queries.push_back(query);
    statements.push_back(std::move(runnable).value());
    search_queries.push_back(SearchQuery{1.0, std::move(tables)});
  }
  if (unplannable > 3) {
    set.notes.push_back(std::to_string(unplannable - 3) + " more queries not costed");
  }
  return statements;
}

void IndexSetProblem::State::weigh() {
  double timed_ms = 0;
  double timed_cost = 0;
  cost0.assign(queries.size(), 0);
  for (std::size_t q = 0; q < queries.size(); ++q) {
    if (const auto plan = evaluator->query_plan(q, {})) {
      cost0[q] = plan->cost;
      if (query_total_ms(*queries[q]) > 0) {
        timed_ms += query_total_ms(*queries[q]);
        timed_cost += static_cast<double>(queries[q]->calls) * plan->cost;
      }
    }
  }
  const double ms_per_unit = timed_ms > 0 && timed_cost > 0 ? timed_ms / timed_cost : 0;
  set.unit = ms_per_unit > 0 ? "ms" : "cost";
  unit_scale = ms_per_unit > 0 ? ms_per_unit : 1;
  for (std::size_t q = 0; q < queries.size(); ++q) {
    const double calls = static_cast<double>(std::max<std::uint64_t>(queries[q]->calls, 1));
    const double total = query_total_ms(*queries[q]);
    if (ms_per_unit > 0 && total > 0 && cost0[q] > 0) {
      search_queries[q].weight = total / cost0[q];
    } else {
      search_queries[q].weight = calls * unit_scale;
    }
  }
  for (Write& write : writes) {
    const model::QueryStats& query = *queries[write.query];
    if (query.rows && query.calls > 0) {
      write.rows = static_cast<double>(*query.rows) / static_cast<double>(query.calls);
    } else if (const auto plan = evaluator->query_plan(write.query, {})) {
      write.rows = std::max(plan->rows, write.kind == model::StatementKind::insert ? 1.0 : 0.0);
    }
  }
}

model::IndexSetEntry IndexSetProblem::State::entry(std::size_t id, double saving, double total_saving,
                                                   const std::vector<std::size_t>& chosen,
                                                   SetIndexNamer& namer) {
  const SetCandidate& candidate = pool[id];
  model::IndexSetEntry entry;
  entry.proposal = set_index_proposal(candidate, namer, options.candidates.drizzle);
  model::IndexProposal& proposal = entry.proposal;
  entry.include = candidate.include;
  entry.size_bytes = evaluator->size(id).value_or(0);
  entry.saving = saving;
  entry.share = total_saving > 0 ? std::max(entry.saving, 0.0) / total_saving : 0;
  entry.write_cost = evaluator->write_cost(id);
  entry.redundant = made_redundant(catalog, candidate);
  for (std::size_t q = 0; q < queries.size(); ++q) {
    const auto with_set = evaluator->query_plan(q, chosen);
    if (!with_set || std::find(with_set->used.begin(), with_set->used.end(), id) == with_set->used.end()) {
      continue;
    }
    model::IndexSetQuery served;
    served.fingerprint = queries[q]->fingerprint;
    served.normalized = queries[q]->normalized;
    served.cost_before = cost0[q];
    served.cost_after = with_set->cost;
    served.weight = search_queries[q].weight;
    entry.queries.push_back(std::move(served));
    proposal.serves.push_back(queries[q]->fingerprint);
    proposal.cost_before += cost0[q];
    proposal.cost_after += with_set->cost;
    proposal.workload_ms += query_total_ms(*queries[q]);
  }
  std::stable_sort(
      entry.queries.begin(), entry.queries.end(),
      [](const model::IndexSetQuery& a, const model::IndexSetQuery& b) { return a.saving() > b.saving(); });
  if (candidate.table->stats) {
    proposal.writes = candidate.table->stats->n_tup_ins + candidate.table->stats->n_tup_upd +
                      candidate.table->stats->n_tup_del;
  }
  proposal.method = model::VerifyMethod::hypopg;
  proposal.used_by_planner = !entry.queries.empty();
  proposal.verified = proposal.used_by_planner && entry.saving > 0;
  proposal.estimated_saving_ms = set.unit == "ms" ? std::max(entry.saving, 0.0) : 0;
  proposal.score = entry.saving;
  proposal.note = "one of the indexes chosen together for the whole workload: " + core::percent(entry.share) +
                  " of their saving";
  return entry;
}

IndexSetProblem::IndexSetProblem() = default;
IndexSetProblem::~IndexSetProblem() = default;

Evaluator& IndexSetProblem::evaluator() {
  return *m_state->evaluator;
}

CandidatePool& IndexSetProblem::pool() {
  return m_state->pool;
}

const std::vector<const model::QueryStats*>& IndexSetProblem::queries() const {
  return m_state->queries;
}

std::int64_t IndexSetProblem::data_bytes() const {
  return m_state->set.data_bytes;
}

SearchOptions IndexSetProblem::search_options() const {
  SearchOptions search = m_state->options.search;
  search.budget_bytes = m_state->set.budget_bytes;
  search.max_indexes = m_state->options.max_indexes;
  search.time_limit = m_state->options.time_limit;
  search.max_width = m_state->options.candidates.max_width;
  return search;
}

core::Result<std::unique_ptr<IndexSetProblem>> IndexSetProblem::build(pg::Connection& connection,
                                                                      const model::Catalog& catalog,
                                                                      const model::Workload& workload,
                                                                      const IndexSetOptions& options) {
  if (!hypopg_available(connection)) {
    return core::Error("HypoPG is not installed in " + connection.database() +
                       " (CREATE EXTENSION hypopg): the index set needs its what-if costs");
  }
  std::unique_ptr<IndexSetProblem> problem(new IndexSetProblem());
  problem->m_state = std::make_unique<State>(connection, catalog, options);
  State& state = *problem->m_state;
  model::IndexSet& set = state.set;
  set.data_bytes = workload_data_bytes(catalog, workload);
  if (options.budget_bytes) {
    set.budget_bytes = options.budget_bytes;
  } else if (options.budget_share) {
    set.budget_bytes = static_cast<std::int64_t>(*options.budget_share * static_cast<double>(set.data_bytes));
  }
  set.max_indexes = options.max_indexes;

  std::vector<pg::Runnable> statements = state.runnable_statements(workload);
  state.pool = generate_candidates(state.queries, catalog, options.candidates);
  for (const SetCandidate& candidate : state.pool.list()) {
    if (std::find(state.candidate_tables.begin(), state.candidate_tables.end(), candidate.table) ==
        state.candidate_tables.end()) {
      state.candidate_tables.push_back(candidate.table);
    }
  }
  state.table_state = read_table_state(connection, state.candidate_tables);
  if (auto note = visibility_note(state.table_state)) {
    state.set.notes.push_back(*note);
    state.set.caveats.push_back(std::move(*note));
  }
  std::vector<std::vector<std::string>> named;
  for (const model::QueryStats* query : state.queries) {
    std::vector<std::string>& names = named.emplace_back();
    for (const model::TableUse& use : query->shape.tables) {
      names.push_back(use.name);
    }
  }
  state.source =
      std::make_unique<HypoPgCostSource>(connection, state.pool, std::move(statements), std::move(named));
  state.writes = workload_writes(state.queries, catalog);
  State* raw = &state;
  state.evaluator = std::make_unique<Evaluator>(state.pool, state.search_queries, *state.source,
                                                [raw](std::size_t id) { return raw->write_cost(id); });
  state.weigh();
  const std::vector<const model::QueryStats*>& queries = state.queries;
  Evaluator& evaluator = *state.evaluator;
  if (queries.empty() || evaluator.unplanned().size() == queries.size()) {
    return core::Error(
        "no workload query could be planned with EXPLAIN" +
        (state.source->errors().empty() ? std::string() : ": " + state.source->errors().front()));
  }
  return problem;
}

model::IndexSet IndexSetProblem::explain(const SearchResult& result) {
  State& state = *m_state;
  Evaluator& evaluator = *state.evaluator;
  const std::vector<const model::QueryStats*>& queries = state.queries;
  model::IndexSet set = state.set;
  set.cost_none = result.cost_none;
  set.cost_chosen = result.cost_chosen;
  set.size_bytes = result.size_bytes;
  set.queries = queries.size() - evaluator.unplanned().size();
  for (std::size_t q = 0; q < queries.size(); ++q) {
    if (std::find(evaluator.unplanned().begin(), evaluator.unplanned().end(), q) ==
        evaluator.unplanned().end()) {
      set.costed.push_back(queries[q]->fingerprint);
    }
  }
  set.candidates = state.pool.size();
  for (const SetCandidate& candidate : state.pool.list()) {
    const std::string key = table_key(*candidate.table);
    if (std::find(set.tables.begin(), set.tables.end(), key) == set.tables.end()) {
      set.tables.push_back(key);
    }
  }
  set.evaluations = result.evaluations;
  set.seconds = result.seconds;
  set.stopped_by_time_limit = result.stopped_by_time_limit;
  if (result.stopped_by_budget) {
    set.notes.push_back("index set: the search stopped at its work budget of " +
                        std::to_string(state.options.search.max_costings) +
                        " what-if plans with the best set found by then (the same set on every run)");
  }
  double total_saving = 0;
  for (double saving : result.savings) {
    total_saving += std::max(saving, 0.0);
  }
  SetIndexNamer namer(state.catalog);
  std::vector<std::size_t> chosen = result.chosen;
  std::sort(chosen.begin(), chosen.end());
  for (std::size_t i = 0; i < result.chosen.size(); ++i) {
    const double saving = i < result.savings.size() ? result.savings[i] : 0;
    set.entries.push_back(state.entry(result.chosen[i], saving, total_saving, chosen, namer));
  }
  for (const CandidatePool::Uncosted& uncosted : state.pool.not_costed) {
    model::IndexProposal proposal =
        set_index_proposal(uncosted.candidate, namer, state.options.candidates.drizzle);
    proposal.columns = {uncosted.candidate.keys.front().element};
    proposal.predicate.clear();
    proposal.serves = uncosted.serves;
    proposal.note = "HypoPG cannot simulate a GIN index; verify it with --verify=real on a staging copy";
    set.not_costed.push_back(std::move(proposal));
  }
  if (auto note =
          change_note(state.table_state, read_table_state(state.connection, state.candidate_tables))) {
    set.notes.push_back(*note);
    set.caveats.push_back(std::move(*note));
  }
  for (const std::string& error : state.source->errors()) {
    set.notes.push_back(error);
  }
  if (!evaluator.unplanned().empty()) {
    set.notes.push_back(std::to_string(evaluator.unplanned().size()) +
                        " queries could not be planned and are left out of the set's costs");
  }
  return set;
}

core::Result<model::IndexSet> choose_index_set(pg::Connection& connection, const model::Catalog& catalog,
                                               const model::Workload& workload,
                                               const IndexSetOptions& options) {
  auto problem = IndexSetProblem::build(connection, catalog, workload, options);
  if (!problem.ok()) {
    return problem.error();
  }
  IndexSetProblem& built = **problem;
  const SearchResult result = search_index_set(built.evaluator(), built.search_options());
  return built.explain(result);
}

} // namespace pgadvise::advisor
