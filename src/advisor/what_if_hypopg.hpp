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
// with exactly the configuration's hypothetical indexes present: the others
// are dropped first (hypopg_drop_index). The session's real indexes stay
// visible throughout; nothing is written. The destructor calls
// hypopg_reset(), so no hypothetical index outlives the source.
class HypoPgCostSource final : public CostSource {
public:
  // `statements[q]` plans search query q.
  HypoPgCostSource(pg::Connection& connection, const CandidatePool& pool,
                   std::vector<pg::Runnable> statements);
  HypoPgCostSource(const HypoPgCostSource&) = delete;
  HypoPgCostSource& operator=(const HypoPgCostSource&) = delete;
  HypoPgCostSource(HypoPgCostSource&&) = delete;
  HypoPgCostSource& operator=(HypoPgCostSource&&) = delete;
  ~HypoPgCostSource() override;

  std::optional<PlannedCost> plan(std::size_t query, const std::vector<std::size_t>& config) override;
  std::optional<std::int64_t> size_of(std::size_t candidate) override;

  // Why candidates or queries failed, one line each (no secrets, no literals).
  [[nodiscard]] const std::vector<std::string>& errors() const { return m_errors; }

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

  bool create(std::size_t id);
  pg::DbResult<model::Plan> explain(std::size_t query);
  bool sync(const std::vector<std::size_t>& config);
};

} // namespace pgadvise::advisor
