#pragma once

#include "model/catalog.hpp"
#include "model/live_analysis.hpp"
#include "model/workload.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace pgadvise::advisor {

// Index candidates from the workload's predicates, one per (query, table):
//   1. equality columns (=, IN, join keys), most selective first (pg_stats
//      n_distinct), then
//   2. one range column (<, >, BETWEEN), then
//   3. for LIMIT queries without a range column, the ORDER BY columns;
//   4. a constant `col IS [NOT] NULL` predicate that selects at most
//      partial_max_share of the rows (pg_stats null_frac) makes the index
//      partial (WHERE col IS NULL).
// Candidates are consolidated per table (one whose columns lead another's
// is served by it), dropped when an existing valid btree index already leads
// with those columns, named (63 bytes, unique) and rendered as DDL, then
// ranked by score = estimated time saved - write cost, where time saved is
// the served queries' total time x the share the plans attribute to the scan
// (or default_saving_share when no plan measured it) and write cost is the
// table's n_tup_ins + n_tup_upd + n_tup_del x write_cost_ms.
struct AdvisorOptions {
  double min_table_rows = 10'000; // smaller tables are scanned fast enough
  double partial_max_share = 0.2;
  double default_saving_share = 0.5;
  double write_cost_ms = 0.01; // index maintenance per written row
  bool drizzle = false;        // fill IndexProposal::drizzle
};

// One candidate before consolidation (exposed for tests).
struct IndexCandidate {
  std::string schema;
  std::string table;
  std::vector<std::string> columns;
  std::size_t equality_columns = 0; // the first N columns are equality columns
  std::string predicate;            // partial index WHERE, or empty
  std::uint64_t fingerprint = 0;
};

std::vector<IndexCandidate> candidates_for_query(const model::QueryStats& query,
                                                 const model::Catalog& catalog,
                                                 const AdvisorOptions& options = {});

// True when `served` is answered by an index on `by`: same table and
// predicate, and `by` starts with `served`'s columns (equality columns in
// any order).
bool serves(const IndexCandidate& by, const IndexCandidate& served);

// Candidates for every parsed query of the workload, plus the tables plan
// issues name, consolidated, filtered against existing indexes, ranked.
std::vector<model::IndexProposal> propose_indexes(const model::Workload& workload,
                                                  const model::Catalog& catalog,
                                                  const std::vector<model::PlanIssue>& issues,
                                                  const AdvisorOptions& options = {});

// Re-ranks after verification (score from the verified saving) and moves
// unverified proposals after verified ones.
void rank_proposals(std::vector<model::IndexProposal>& proposals, const model::Workload& workload,
                    const AdvisorOptions& options = {});

} // namespace pgadvise::advisor
