#pragma once

#include "advisor/index_advisor.hpp"
#include "advisor/index_set_run.hpp"
#include "advisor/plan_analysis.hpp"
#include "advisor/verify.hpp"
#include "model/catalog.hpp"
#include "model/live_analysis.hpp"
#include "model/workload.hpp"
#include "pg/connection.hpp"
#include "pg/explain.hpp"

#include <cstddef>

namespace pgadvise::advisor {

// The live half of a run (--db with a workload): EXPLAIN the workload's
// costliest queries, find what the plans prove, propose indexes and verify
// them. Database problems (timeouts, permissions, a missing HypoPG) are
// recorded in the result, never thrown.
struct LiveOptions {
  // How to open the explain sessions (up to `parallel`) and, for
  // --verify=real, the read-write verification session. Normally the same
  // options `connection` was opened with.
  pg::ConnectOptions connect;
  int parallel = 2;
  bool analyze = true;            // false: estimates only
  bool allow_dml_analyze = false; // INSERT/UPDATE/DELETE under ANALYZE inside BEGIN .. ROLLBACK
  VerifyMode verify = VerifyMode::hypopg;
  double min_saving = 0.5;
  std::size_t max_queries = 50; // explained, costliest (total time, then calls) first
  PlanAnalysisOptions plan;
  AdvisorOptions advisor; // advisor.drizzle: fill Drizzle lines
  // With HypoPG (verify hypopg, the extension installed): the proposals are
  // the index set chosen for the whole workload (advisor/index_set_run),
  // every one costed with the others present; LiveAnalysis::index_set holds
  // it. nullopt, or without HypoPG: one proposal per query shape, each
  // verified alone (propose_indexes, verify_proposals).
  std::optional<IndexSetOptions> index_set;
};

// `connection` is the read-only session the catalog was read with; it runs
// the HypoPG verification.
model::LiveAnalysis run_live_analysis(pg::Connection& connection, const model::Catalog& catalog,
                                      const model::Workload& workload, const LiveOptions& options);

// The workload queries worth explaining, costliest first (exposed for tests).
std::vector<const model::QueryStats*> queries_to_explain(const model::Workload& workload, std::size_t limit);

// auto_explain JSON plans from the workload, as explained queries (mode logged).
std::vector<model::ExplainedQuery> logged_plans(const model::Workload& workload);

} // namespace pgadvise::advisor
