#pragma once

#include "advisor/index_set_evaluator.hpp"
#include "pg/connection.hpp"
#include "pg/explain.hpp"

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace pgadvise::advisor {

// What-if costs from HypoPG on the user's server: each candidate becomes a
// hypothetical index (hypopg_create_index: backend memory only, allowed in
// a read-only session), its size is hypopg_relation_size, and a query is
// planned (EXPLAIN without ANALYZE, values bound as pg/explain binds them)
// with exactly the configuration's hypothetical indexes on the tables it
// reads: the others there are dropped first (hypopg_drop_index; HypoPG 1.3,
// Debian 12's, cannot hide one). Those on tables the query does not read
// stay, as the planner never sees them: which tables a query reads is what
// its plans scan plus the tables it names, and a plan that scans a table
// with a leftover index is planned again without it. The drops, the
// creates and the EXPLAIN of one costing go in one pipeline: one round
// trip, one (read-only) transaction. The session's real indexes stay
// visible throughout; nothing is written. The destructor calls
// hypopg_reset(), so no hypothetical index outlives the source.
class HypoPgCostSource final : public CostSource {
public:
  // `statements[q]` plans search query q; `tables[q]` (may be empty) names
  // the tables it names in its text.
  HypoPgCostSource(pg::Connection& connection, const CandidatePool& pool,
                   std::vector<pg::Runnable> statements, std::vector<std::vector<std::string>> tables = {});
  HypoPgCostSource(const HypoPgCostSource&) = delete;
  HypoPgCostSource& operator=(const HypoPgCostSource&) = delete;
  HypoPgCostSource(HypoPgCostSource&&) = delete;
  HypoPgCostSource& operator=(HypoPgCostSource&&) = delete;
  ~HypoPgCostSource() override;

  std::optional<PlannedCost> plan(std::size_t query, const std::vector<std::size_t>& config) override;
  std::optional<std::int64_t> size_of(std::size_t candidate) override;
  // The union of the configs made the hypothetical indexes of the moment and
  // every query EXPLAINed in the same pipeline, when each query then sees
  // exactly its config (the tables it reads hold no other); the rest one by
  // one, as plan() does.
  std::vector<std::optional<PlannedCost>>
  plan_many(const std::vector<std::pair<std::size_t, std::vector<std::size_t>>>& requests) override;

  // Why candidates or queries failed, one line each (no secrets, no literals).
  [[nodiscard]] const std::vector<std::string>& errors() const { return m_errors; }
  // Round trips to the server so far (a pipeline is one).
  [[nodiscard]] std::size_t round_trips() const { return m_round_trips; }

private:
  pg::Connection& m_connection;
  const CandidatePool& m_pool;
  std::vector<pg::Runnable> m_statements;
  std::map<std::size_t, std::string> m_live; // pool id -> hypothetical index oid
  std::map<std::size_t, std::int64_t> m_sizes;
  std::set<std::size_t> m_failed;
  std::vector<std::string> m_errors;
  // Query q's prepared statement: "" not yet, "-" planned the plain way
  // (no values, or PREPARE failed), else its name.
  std::vector<std::string> m_prepared;
  bool m_custom_plans = false; // plan_cache_mode = force_custom_plan took

  // Query q's tables: those it names and those its plans scanned (by name).
  std::vector<std::set<std::string>> m_reads;
  std::size_t m_round_trips = 0;

  void prepare(std::size_t query);
  bool create(std::size_t id);
  // Drops and creates that make `config` the hypothetical indexes on the
  // tables `queries` read, then one EXPLAIN of each, in one pipeline;
  // nullopt for those that could not be planned.
  std::vector<std::optional<model::Plan>> sync_and_explain(const std::vector<std::size_t>& queries,
                                                           const std::vector<std::size_t>& config);
  std::optional<PlannedCost> cost_of(std::size_t query, const std::vector<std::size_t>& config,
                                     std::optional<model::Plan> planned);
  // A hypothetical index not in `config` on a table `plan` scans.
  [[nodiscard]] bool leftover_seen(const model::Plan& plan, const std::vector<std::size_t>& config) const;
  void record(std::string error);
};

} // namespace pgadvise::advisor
