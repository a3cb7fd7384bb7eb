#include "advisor/index_set_run.hpp"

#include "advisor/drizzle_render.hpp"
#include "advisor/index_ddl.hpp"
#include "advisor/index_match.hpp"
#include "advisor/index_naming.hpp"
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

// One workload statement that writes rows into a table.
struct Write {
  const model::Table* table = nullptr;
  model::StatementKind kind = model::StatementKind::insert;
  std::vector<std::string> updated; // UPDATE ... SET columns
  double rows = 1;                  // rows written per call
  double calls = 0;
};

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

// Columns some existing index of `table` holds or tests: an UPDATE setting
// one of them is not HOT, and every index of the table gets a new entry.
bool sets_indexed_column(const model::Table& table, const std::vector<std::string>& updated) {
  for (const model::Index& index : table.indexes) {
    for (const std::string& column : updated) {
      for (const model::IndexKey& key : index.keys) {
        if (key.column == column ||
            (!key.expression.empty() && key.expression.find(column) != std::string::npos)) {
          return true;
        }
      }
      if (std::find(index.include.begin(), index.include.end(), column) != index.include.end() ||
          (!index.predicate.empty() && index.predicate.find(column) != std::string::npos)) {
        return true;
      }
    }
  }
  return false;
}

double table_rows(const model::Table& table) {
  return table.stats && table.stats->reltuples > 0 ? table.stats->reltuples : 1.0;
}

// Index entries a write statement adds to `candidate` per row it writes.
double entries_per_row(const Write& write, const SetCandidate& candidate) {
  switch (write.kind) {
  case model::StatementKind::insert: return 1;
  case model::StatementKind::update: {
    if (write.updated.empty() || sets_indexed_column(*write.table, write.updated)) {
      return 1; // not HOT anyway (or unknown): the new index gets an entry too
    }
    const std::vector<std::string> held = candidate.columns();
    const bool touches =
        std::any_of(write.updated.begin(), write.updated.end(), [&](const std::string& column) {
          return std::find(held.begin(), held.end(), column) != held.end();
        });
    // The new index makes a HOT update a normal one: every index of the
    // table, the new one and those there, gets an entry.
    return touches ? 1.0 + static_cast<double>(write.table->indexes.size()) : 0.0;
  }
  case model::StatementKind::delete_:
  case model::StatementKind::select:
  case model::StatementKind::other: return 0;
  }
  return 0;
}

std::string index_elements_ddl(const SetCandidate& candidate, const std::string& name) {
  std::vector<std::string> elements;
  for (const SetKey& key : candidate.keys) {
    elements.push_back(key.sql());
  }
  const model::Table& table = *candidate.table;
  std::string ddl = render_create_index_elements(table.schema, table.name, elements, name, !table.partitioned,
                                                 candidate.method == "btree" ? "" : candidate.method);
  if (!ddl.empty() && ddl.back() == ';') {
    ddl.pop_back();
  }
  if (!candidate.include.empty()) {
    std::vector<std::string> quoted;
    for (const std::string& column : candidate.include) {
      quoted.push_back(core::quote_ident(column));
    }
    ddl += " INCLUDE (" + core::join(quoted, ", ") + ")";
  }
  if (!candidate.predicate.empty()) {
    ddl += " WHERE " + candidate.predicate;
  }
  return ddl + ";";
}

std::string drizzle_line(const SetCandidate& candidate, const std::string& name) {
  const model::Table& table = *candidate.table;
  const std::string param =
      table.drizzle_config_param.empty() ? std::string("table") : table.drizzle_config_param;
  std::vector<std::string> members;
  for (const SetKey& key : candidate.keys) {
    members.push_back(key.column.empty() ? key.drizzle_key
                                         : drizzle_member(param, drizzle_property(table, key.column)));
  }
  std::string out = "index(" + js_string(name) + ")";
  out += candidate.method == "btree"
             ? ".on(" + core::join(members, ", ") + ")"
             : ".using(" + js_string(candidate.method) + ", " + core::join(members, ", ") + ")";
  if (!candidate.predicate.empty()) {
    out += ".where(sql`" + candidate.predicate + "`)";
  }
  return out;
}

std::vector<std::string> name_words(const SetCandidate& candidate) {
  std::vector<std::string> words;
  for (const SetKey& key : candidate.keys) {
    words.insert(words.end(), key.name_parts.begin(), key.name_parts.end());
  }
  return words;
}

// Existing plain indexes the candidate answers every lookup of: a left
// prefix of it. Constraint indexes (primary key, unique), exclusion and
// replica-identity indexes stay whatever serves their lookups.
std::vector<std::string> made_redundant(const model::Catalog& catalog, const SetCandidate& candidate) {
  std::vector<std::string> out;
  const model::Index proposed = candidate.as_index();
  for (const model::Index* existing : usable_indexes(catalog, *candidate.table)) {
    if (existing->kind != model::IndexKind::index || existing->unique || existing->backs_exclusion ||
        existing->replica_identity || existing->inherited) {
      continue;
    }
    if (is_left_prefix_of(*existing, proposed)) {
      out.push_back(existing->name);
    }
  }
  return out;
}

class Namer {
public:
  explicit Namer(const model::Catalog& catalog) : m_catalog(catalog) {}
  std::string operator()(const SetCandidate& candidate) {
    const model::Table& table = *candidate.table;
    std::string name = unique_index_name(
        m_catalog, table.schema, table.name, name_words(candidate),
        candidate.method == "gin" ? "gin_idx" : (candidate.predicate.empty() ? "idx" : "partial_idx"));
    for (int n = 2; m_names.count(table.schema + "." + name) != 0; ++n) {
      name = core::truncate_identifier(name, 62 - std::to_string(n).size()) + "_" + std::to_string(n);
    }
    m_names.insert(table.schema + "." + name);
    return name;
  }

private:
  const model::Catalog& m_catalog;
  std::set<std::string> m_names;
};

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

  double write_cost(std::size_t id) {
    const SetCandidate& candidate = pool[id];
    const double bytes = static_cast<double>(source->size_of(id).value_or(0)) / table_rows(*candidate.table);
    const double per_entry = options.write_cost_per_entry * (0.5 + bytes / 32.0);
    double total = 0;
    for (const Write& write : writes) {
      if (write.table == candidate.table) {
        total += entries_per_row(write, candidate) * write.rows * write.calls * per_entry;
      }
    }
    return total * unit_scale;
  }
};

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

  // The statements, made runnable once (values bound as EXPLAIN binds them).
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
    state.queries.push_back(query);
    statements.push_back(std::move(runnable).value());
    state.search_queries.push_back(SearchQuery{1.0, std::move(tables)});
  }
  if (unplannable > 3) {
    set.notes.push_back(std::to_string(unplannable - 3) + " more queries not costed");
  }
  const std::vector<const model::QueryStats*>& queries = state.queries;

  state.pool = generate_candidates(queries, catalog, options.candidates);
  state.source = std::make_unique<HypoPgCostSource>(connection, state.pool, std::move(statements));

  // Writes, for the maintenance each candidate adds.
  std::vector<std::size_t> write_query;
  for (std::size_t q = 0; q < queries.size(); ++q) {
    const model::QueryStats& query = *queries[q];
    if (query.shape.kind != model::StatementKind::insert &&
        query.shape.kind != model::StatementKind::update &&
        query.shape.kind != model::StatementKind::delete_) {
      continue;
    }
    const pg::ColumnReads reads =
        pg::column_reads_text(query.example.empty() ? query.normalized : query.example);
    const model::Table* table = find_table(&catalog, reads.target_schema, reads.target_table);
    if (table == nullptr) {
      continue;
    }
    Write write;
    write.table = table;
    write.kind = query.shape.kind;
    write.updated = reads.updated;
    write.calls = static_cast<double>(std::max<std::uint64_t>(query.calls, 1));
    state.writes.push_back(std::move(write));
    write_query.push_back(q);
  }
  State* raw = &state;
  state.evaluator = std::make_unique<Evaluator>(state.pool, state.search_queries, *state.source,
                                                [raw](std::size_t id) { return raw->write_cost(id); });
  Evaluator& evaluator = *state.evaluator;

  // Weights from the plans with no new index.
  double timed_ms = 0;
  double timed_cost = 0;
  state.cost0.assign(queries.size(), 0);
  for (std::size_t q = 0; q < queries.size(); ++q) {
    if (const auto plan = evaluator.query_plan(q, {})) {
      state.cost0[q] = plan->cost;
      if (query_total_ms(*queries[q]) > 0) {
        timed_ms += query_total_ms(*queries[q]);
        timed_cost += static_cast<double>(queries[q]->calls) * plan->cost;
      }
    }
  }
  const double ms_per_unit = timed_ms > 0 && timed_cost > 0 ? timed_ms / timed_cost : 0;
  set.unit = ms_per_unit > 0 ? "ms" : "cost";
  state.unit_scale = ms_per_unit > 0 ? ms_per_unit : 1;
  for (std::size_t q = 0; q < queries.size(); ++q) {
    const double calls = static_cast<double>(std::max<std::uint64_t>(queries[q]->calls, 1));
    const double total = query_total_ms(*queries[q]);
    if (ms_per_unit > 0 && total > 0 && state.cost0[q] > 0) {
      state.search_queries[q].weight = total / state.cost0[q];
    } else {
      state.search_queries[q].weight = calls * state.unit_scale;
    }
  }
  for (std::size_t w = 0; w < state.writes.size(); ++w) {
    const model::QueryStats& query = *queries[write_query[w]];
    if (query.rows && query.calls > 0) {
      state.writes[w].rows = static_cast<double>(*query.rows) / static_cast<double>(query.calls);
    } else if (const auto plan = evaluator.query_plan(write_query[w], {})) {
      state.writes[w].rows =
          std::max(plan->rows, state.writes[w].kind == model::StatementKind::insert ? 1.0 : 0.0);
    }
  }
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
  double total_saving = 0;
  for (double saving : result.savings) {
    total_saving += std::max(saving, 0.0);
  }
  Namer namer(state.catalog);
  std::vector<std::size_t> chosen = result.chosen;
  std::sort(chosen.begin(), chosen.end());
  for (std::size_t i = 0; i < result.chosen.size(); ++i) {
    const std::size_t id = result.chosen[i];
    const SetCandidate& candidate = state.pool[id];
    model::IndexSetEntry entry;
    model::IndexProposal& proposal = entry.proposal;
    proposal.schema = candidate.table->schema;
    proposal.table = candidate.table->name;
    for (const SetKey& key : candidate.keys) {
      proposal.columns.push_back(key.column.empty() ? key.element : key.column);
    }
    proposal.predicate = candidate.predicate;
    proposal.name = namer(candidate);
    proposal.ddl = index_elements_ddl(candidate, proposal.name);
    if (state.options.candidates.drizzle) {
      proposal.drizzle = drizzle_line(candidate, proposal.name);
    }
    entry.include = candidate.include;
    entry.size_bytes = evaluator.size(id).value_or(0);
    entry.saving = i < result.savings.size() ? result.savings[i] : 0;
    entry.share = total_saving > 0 ? std::max(entry.saving, 0.0) / total_saving : 0;
    entry.write_cost = evaluator.write_cost(id);
    entry.redundant = made_redundant(state.catalog, candidate);
    for (std::size_t q = 0; q < queries.size(); ++q) {
      const auto with_set = evaluator.query_plan(q, chosen);
      if (!with_set || std::find(with_set->used.begin(), with_set->used.end(), id) == with_set->used.end()) {
        continue;
      }
      model::IndexSetQuery served;
      served.fingerprint = queries[q]->fingerprint;
      served.normalized = queries[q]->normalized;
      served.cost_before = state.cost0[q];
      served.cost_after = with_set->cost;
      served.weight = state.search_queries[q].weight;
      entry.queries.push_back(std::move(served));
      proposal.serves.push_back(queries[q]->fingerprint);
      proposal.cost_before += state.cost0[q];
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
    proposal.note =
        "one of the indexes chosen together for the whole workload: " + core::percent(entry.share) +
        " of their saving";
    set.entries.push_back(std::move(entry));
  }
  for (const CandidatePool::Uncosted& uncosted : state.pool.not_costed) {
    model::IndexProposal proposal;
    proposal.schema = uncosted.candidate.table->schema;
    proposal.table = uncosted.candidate.table->name;
    proposal.columns = {uncosted.candidate.keys.front().element};
    proposal.name = namer(uncosted.candidate);
    proposal.ddl = index_elements_ddl(uncosted.candidate, proposal.name);
    if (state.options.candidates.drizzle) {
      proposal.drizzle = drizzle_line(uncosted.candidate, proposal.name);
    }
    proposal.serves = uncosted.serves;
    proposal.note = "HypoPG cannot simulate a GIN index; verify it with --verify=real on a staging copy";
    set.not_costed.push_back(std::move(proposal));
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
