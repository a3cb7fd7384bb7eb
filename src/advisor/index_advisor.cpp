#include "advisor/index_advisor.hpp"

#include "advisor/drizzle_render.hpp"
#include "advisor/expression_index.hpp"
#include "advisor/index_ddl.hpp"
#include "advisor/index_match.hpp"
#include "advisor/index_naming.hpp"
#include "advisor/query_index_candidate.hpp"
#include "core/text.hpp"
#include "pg/index_identity.hpp"

#include <algorithm>
#include <map>
#include <set>

namespace pgadvise::advisor {

namespace {

using model::ColumnUse;

double row_estimate(const model::Table& table) {
  return table.stats && table.stats->reltuples >= 0 ? table.stats->reltuples : -1;
}

// Distinct values of a column (pg_stats n_distinct); 0 when unknown.
double distinct_values(const model::Table& table, const std::string& column) {
  const model::Column* found = table.find_column(column);
  if (found == nullptr || found->stats() == nullptr) {
    return 0;
  }
  const double n = found->stats()->n_distinct;
  return n >= 0 ? n : -n * std::max(row_estimate(table), 0.0);
}

// The partial-index predicate for a constant IS [NOT] NULL test that
// selects a small share of the table, or empty.
std::string partial_predicate(const model::Table& table, const model::QueryStats& query,
                              const std::string& column, const AdvisorOptions& options) {
  const model::Column* found = table.find_column(column);
  if (found == nullptr || found->stats() == nullptr) {
    return {};
  }
  const auto test = null_test(query, column);
  if (!test) {
    return {};
  }
  const double share = *test ? found->stats()->null_frac : 1 - found->stats()->null_frac;
  if (share > options.partial_max_share) {
    return {};
  }
  return core::quote_ident(column) + (*test ? " IS NULL" : " IS NOT NULL");
}

bool tested_for_null(const model::QueryShape& shape, const std::string& column) {
  return std::any_of(shape.columns.begin(), shape.columns.end(), [&](const model::ColumnUsage& usage) {
    return usage.use == ColumnUse::is_null && usage.column == column;
  });
}

// Builds on the shared key-order rules (query_index_candidate): equality
// columns reordered by selectivity, and a selective IS [NOT] NULL test made
// the partial-index predicate instead of a key.
IndexCandidate candidate_of(const QueryIndexCandidate& base, const model::QueryStats& query,
                            const AdvisorOptions& options) {
  const model::Table& table = *base.table;
  IndexCandidate candidate;
  candidate.schema = table.schema;
  candidate.table = table.name;
  candidate.fingerprint = query.fingerprint;
  std::vector<std::string> equality = base.equality;
  // IS [NOT] NULL tests are never keys (query_index_candidate): one that
  // keeps few rows becomes the predicate.
  for (const std::string& column : base.null_tests) {
    if (!tested_for_null(query.shape, column)) {
      continue;
    }
    if (std::string predicate = partial_predicate(table, query, column, options); !predicate.empty()) {
      candidate.predicate = std::move(predicate);
      break;
    }
  }
  std::stable_sort(equality.begin(), equality.end(), [&](const std::string& a, const std::string& b) {
    return distinct_values(table, a) > distinct_values(table, b);
  });
  // A correlated sub-select's key leads: it runs once per outer row.
  candidate.columns = base.correlation;
  candidate.columns.insert(candidate.columns.end(), equality.begin(), equality.end());
  candidate.equality_columns = candidate.columns.size();
  if (!base.range.empty()) {
    candidate.columns.push_back(base.range);
  }
  for (const std::string& column : base.order_by) {
    if (std::find(candidate.columns.begin(), candidate.columns.end(), column) == candidate.columns.end()) {
      candidate.columns.push_back(column);
    }
  }
  return candidate;
}

// An existing index that already answers the candidate.
bool already_indexed(const model::Catalog& catalog, const model::Table& table,
                     const IndexCandidate& candidate) {
  const std::uint64_t predicate = pg::expression_identity(candidate.predicate);
  for (const model::Index* usable : usable_indexes(catalog, table)) {
    const model::Index& index = *usable;
    if (!index.valid || core::to_lower(index.method) != "btree") {
      continue;
    }
    if (index.is_partial() && predicate_identity(index) != predicate) {
      continue;
    }
    IndexCandidate existing;
    existing.schema = candidate.schema;
    existing.table = candidate.table;
    existing.columns = index.leading_columns();
    existing.predicate = candidate.predicate; // a full index serves a partial candidate too
    if (serves(existing, candidate)) {
      return true;
    }
  }
  return false;
}

double query_total_ms(const model::QueryStats& query) {
  if (query.total_ms > 0) {
    return query.total_ms;
  }
  return query.mean_ms() * static_cast<double>(query.calls);
}

// The share of a query's time the plans attribute to scanning `table`.
double saving_share(const std::vector<model::PlanIssue>& issues, std::uint64_t fingerprint,
                    const model::IndexProposal& proposal, const AdvisorOptions& options) {
  double share = 0;
  for (const model::PlanIssue& issue : issues) {
    if (issue.fingerprint == fingerprint && issue.table == proposal.table &&
        issue.schema == proposal.schema && issue.analyzed) {
      share = std::max(share, issue.time_share);
    }
  }
  return share > 0 ? share : options.default_saving_share;
}

std::string render_ddl(const model::Table& table, const model::IndexProposal& proposal) {
  std::string ddl =
      render_create_index(table.schema, table.name, proposal.columns, proposal.name, !table.partitioned);
  if (!proposal.predicate.empty() && !ddl.empty() && ddl.back() == ';') {
    ddl.pop_back();
    ddl += " WHERE " + proposal.predicate + ";";
  }
  return ddl;
}

// Expression and GIN index candidates (expression_index) of every query,
// one per (table, method, expression), with the queries each serves. A GIN
// candidate some query needs jsonb_ops for (a ? operator) takes the place
// of a jsonb_path_ops one.
std::vector<std::pair<ExpressionIndexCandidate, std::vector<std::uint64_t>>>
expression_candidates(const model::Workload& workload, const model::Catalog& catalog,
                      const AdvisorOptions& options) {
  std::vector<std::pair<ExpressionIndexCandidate, std::vector<std::uint64_t>>> kept;
  for (const model::QueryStats& query : workload.queries) {
    for (ExpressionIndexCandidate& candidate : expression_index_candidates(query, catalog)) {
      const double rows = row_estimate(*candidate.table);
      if (candidate.covered || (rows >= 0 && rows < options.min_table_rows)) {
        continue;
      }
      auto host = std::find_if(kept.begin(), kept.end(), [&](const auto& k) {
        return k.first.table == candidate.table && k.first.method == candidate.method &&
               k.first.expression == candidate.expression;
      });
      if (host == kept.end()) {
        kept.emplace_back(std::move(candidate), std::vector<std::uint64_t>{});
        host = std::prev(kept.end());
      } else if (host->first.element.find(" jsonb_path_ops") != std::string::npos &&
                 candidate.element.find(" jsonb_path_ops") == std::string::npos) {
        host->first = std::move(candidate); // the default operator class serves both
      }
      if (std::find(host->second.begin(), host->second.end(), query.fingerprint) == host->second.end()) {
        host->second.push_back(query.fingerprint);
      }
    }
  }
  return kept;
}

} // namespace

std::vector<IndexCandidate> candidates_for_query(const model::QueryStats& query,
                                                 const model::Catalog& catalog,
                                                 const AdvisorOptions& options) {
  std::vector<IndexCandidate> out;
  for (const QueryIndexCandidate& base : query_index_candidates(query, catalog)) {
    const double rows = row_estimate(*base.table);
    if (rows >= 0 && rows < options.min_table_rows) {
      continue;
    }
    IndexCandidate candidate = candidate_of(base, query, options);
    if (!candidate.columns.empty()) {
      out.push_back(std::move(candidate));
    }
  }
  return out;
}

bool serves(const IndexCandidate& by, const IndexCandidate& served) {
  if (by.schema != served.schema || by.table != served.table ||
      normalize_sql(by.predicate) != normalize_sql(served.predicate) ||
      by.columns.size() < served.columns.size()) {
    return false;
  }
  // Equality columns may come in any order; what follows must match in place.
  const std::size_t equality = served.equality_columns;
  std::set<std::string> want(served.columns.begin(),
                             served.columns.begin() + static_cast<std::ptrdiff_t>(equality));
  std::set<std::string> have(by.columns.begin(), by.columns.begin() + static_cast<std::ptrdiff_t>(equality));
  if (want != have) {
    return false;
  }
  return std::equal(served.columns.begin() + static_cast<std::ptrdiff_t>(equality), served.columns.end(),
                    by.columns.begin() + static_cast<std::ptrdiff_t>(equality));
}

namespace {

// The candidate cut to the sequential scans the plans show for its query and
// table. A statement's shape gathers the columns of every read of a table
// into one candidate, so a statement that reads a table twice -- the batch
// delete `DELETE FROM t WHERE id IN (SELECT id FROM t WHERE name = $1 LIMIT
// 100)` -- gets (id, name): the outer read's key, which the primary key
// already serves, before the column the scanned read filters on. When the
// plans show such scans and the candidate leads with none of their filter
// columns, it keeps only those columns, in its own order (here: (name)).
IndexCandidate fitted_to_plan(IndexCandidate candidate, const std::vector<model::PlanIssue>& issues) {
  std::set<std::string> scanned;
  for (const model::PlanIssue& issue : issues) {
    if (issue.fingerprint == candidate.fingerprint && issue.schema == candidate.schema &&
        issue.table == candidate.table) {
      scanned.insert(issue.columns.begin(), issue.columns.end());
    }
  }
  if (scanned.empty() || candidate.columns.empty() || scanned.count(candidate.columns.front()) != 0) {
    return candidate;
  }
  std::vector<std::string> kept;
  std::size_t equality = 0;
  for (std::size_t i = 0; i < candidate.columns.size(); ++i) {
    if (scanned.count(candidate.columns[i]) != 0) {
      kept.push_back(candidate.columns[i]);
      equality += i < candidate.equality_columns ? 1 : 0;
    }
  }
  if (kept.empty()) {
    return candidate; // the scan filters on columns the shape does not know: keep the shape's advice
  }
  candidate.columns = std::move(kept);
  candidate.equality_columns = equality;
  return candidate;
}

// Every query's column candidates (candidates_for_query, fitted to the
// plans' scans) not already indexed, each folded into the first longer one
// that serves it (serves()), with the queries each serves.
std::vector<std::pair<IndexCandidate, std::vector<std::uint64_t>>>
folded_candidates(const model::Workload& workload, const model::Catalog& catalog,
                  const std::vector<model::PlanIssue>& issues, const AdvisorOptions& options) {
  std::vector<IndexCandidate> candidates;
  for (const model::QueryStats& query : workload.queries) {
    for (IndexCandidate& found : candidates_for_query(query, catalog, options)) {
      candidates.push_back(fitted_to_plan(std::move(found), issues));
    }
  }
  // Longest first, so shorter candidates fold into the index that serves them.
  std::stable_sort(
      candidates.begin(), candidates.end(),
      [](const IndexCandidate& a, const IndexCandidate& b) { return a.columns.size() > b.columns.size(); });
  std::vector<std::pair<IndexCandidate, std::vector<std::uint64_t>>> kept;
  for (const IndexCandidate& candidate : candidates) {
    const model::Table* table = catalog.find_table(candidate.schema, candidate.table);
    if (table == nullptr || already_indexed(catalog, *table, candidate)) {
      continue;
    }
    auto host =
        std::find_if(kept.begin(), kept.end(), [&](const auto& k) { return serves(k.first, candidate); });
    if (host == kept.end()) {
      kept.emplace_back(candidate, std::vector<std::uint64_t>{});
      host = std::prev(kept.end());
    }
    if (std::find(host->second.begin(), host->second.end(), candidate.fingerprint) == host->second.end()) {
      host->second.push_back(candidate.fingerprint);
    }
  }
  return kept;
}

} // namespace

std::vector<model::IndexProposal> propose_indexes(const model::Workload& workload,
                                                  const model::Catalog& catalog,
                                                  const std::vector<model::PlanIssue>& issues,
                                                  const AdvisorOptions& options) {
  const auto kept = folded_candidates(workload, catalog, issues, options);

  std::vector<model::IndexProposal> out;
  std::set<std::string> names;
  const auto unique_name = [&](std::string name) {
    for (int n = 2; names.count(name) != 0; ++n) {
      name = core::truncate_identifier(name, 62 - std::to_string(n).size()) + "_" + std::to_string(n);
    }
    names.insert(name);
    return name;
  };
  const auto add_costs = [&](const model::Table& table, model::IndexProposal& proposal) {
    if (table.stats) {
      proposal.writes = table.stats->n_tup_ins + table.stats->n_tup_upd + table.stats->n_tup_del;
    }
    for (std::uint64_t fingerprint : proposal.serves) {
      if (const model::QueryStats* query = workload.find(fingerprint)) {
        const double total = query_total_ms(*query);
        proposal.workload_ms += total;
        proposal.estimated_saving_ms += total * saving_share(issues, fingerprint, proposal, options);
      }
    }
  };
  for (const auto& [candidate, fingerprints] : kept) {
    const model::Table& table = *catalog.find_table(candidate.schema, candidate.table);
    model::IndexProposal proposal;
    proposal.schema = candidate.schema;
    proposal.table = candidate.table;
    proposal.columns = candidate.columns;
    proposal.predicate = candidate.predicate;
    proposal.serves = fingerprints;
    proposal.name =
        unique_name(unique_index_name(catalog, table.schema, table.name, proposal.columns,
                                      proposal.predicate.empty() ? index_suffix_for(table) : "partial_idx"));
    proposal.ddl = render_ddl(table, proposal);
    if (options.drizzle) {
      proposal.drizzle = render_drizzle_index(table, proposal.columns, proposal.name);
      if (!proposal.predicate.empty()) {
        proposal.drizzle += ".where(sql`" + proposal.predicate + "`)";
      }
    }
    add_costs(table, proposal);
    out.push_back(std::move(proposal));
  }
  for (const auto& [candidate, fingerprints] : expression_candidates(workload, catalog, options)) {
    const model::Table& table = *candidate.table;
    model::IndexProposal proposal;
    proposal.schema = table.schema;
    proposal.table = table.name;
    proposal.columns = {candidate.element};
    proposal.serves = fingerprints;
    proposal.name = unique_name(expression_index_name(catalog, candidate));
    proposal.ddl = render_expression_index_ddl(candidate, proposal.name);
    if (options.drizzle) {
      proposal.drizzle = render_drizzle_expression_index(candidate, proposal.name);
    }
    add_costs(table, proposal);
    out.push_back(std::move(proposal));
  }
  rank_proposals(out, workload, options);
  return out;
}

void rank_proposals(std::vector<model::IndexProposal>& proposals, const model::Workload& workload,
                    const AdvisorOptions& options) {
  for (model::IndexProposal& proposal : proposals) {
    if (proposal.method != model::VerifyMethod::none && proposal.cost_before > 0) {
      // Verified: the measured (real) or planned (HypoPG) saving replaces the estimate.
      double share = proposal.cost_saving();
      if (proposal.ms_before && proposal.ms_after && *proposal.ms_before > 0) {
        share = std::max(0.0, (*proposal.ms_before - *proposal.ms_after) / *proposal.ms_before);
      }
      double total = 0;
      for (std::uint64_t fingerprint : proposal.serves) {
        if (const model::QueryStats* query = workload.find(fingerprint)) {
          total += query_total_ms(*query);
        }
      }
      proposal.estimated_saving_ms = total * share;
    }
    proposal.score =
        proposal.estimated_saving_ms - static_cast<double>(proposal.writes) * options.write_cost_ms;
  }
  std::stable_sort(proposals.begin(), proposals.end(),
                   [](const model::IndexProposal& a, const model::IndexProposal& b) {
                     if (a.verified != b.verified) {
                       return a.verified;
                     }
                     return a.score > b.score;
                   });
}

} // namespace pgadvise::advisor
