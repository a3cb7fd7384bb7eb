#include "advisor/live_analysis_run.hpp"

#include "core/format.hpp"
#include "model/index_set.hpp"
#include "pg/plan_json.hpp"

#include <algorithm>
#include <map>
#include <set>

namespace pgadvise::advisor {

namespace {

bool explainable(const model::QueryStats& query) {
  if (!query.parsed || query.shape.transaction_control) {
    return false;
  }
  switch (query.shape.kind) {
  case model::StatementKind::select:
  case model::StatementKind::insert:
  case model::StatementKind::update:
  case model::StatementKind::delete_: return true;
  case model::StatementKind::other: return false;
  }
  return false;
}

double cost_of(const model::QueryStats& query) {
  return query.total_ms > 0 ? query.total_ms : query.mean_ms() * static_cast<double>(query.calls);
}

} // namespace

std::vector<const model::QueryStats*> queries_to_explain(const model::Workload& workload, std::size_t limit) {
  std::vector<const model::QueryStats*> out;
  for (const model::QueryStats& query : workload.queries) {
    if (explainable(query)) {
      out.push_back(&query);
    }
  }
  std::stable_sort(out.begin(), out.end(), [](const model::QueryStats* a, const model::QueryStats* b) {
    if (cost_of(*a) != cost_of(*b)) {
      return cost_of(*a) > cost_of(*b);
    }
    return a->calls > b->calls;
  });
  if (out.size() > limit) {
    out.resize(limit);
  }
  return out;
}

std::vector<model::ExplainedQuery> logged_plans(const model::Workload& workload) {
  std::vector<model::ExplainedQuery> out;
  for (const model::LoggedPlan& logged : workload.plans) {
    if (logged.format != model::PlanFormat::json || logged.fingerprint == 0) {
      continue;
    }
    auto plan = pg::parse_plan_json(logged.plan);
    if (!plan.ok()) {
      continue;
    }
    model::ExplainedQuery query;
    query.fingerprint = logged.fingerprint;
    if (const model::QueryStats* stats = workload.find(logged.fingerprint)) {
      query.normalized = stats->normalized;
    }
    query.mode = model::ExplainMode::logged;
    query.plan = std::move(plan).value();
    query.note = "auto_explain plan logged at " + logged.location.to_string();
    out.push_back(std::move(query));
  }
  return out;
}

model::LiveAnalysis run_live_analysis(pg::Connection& connection, const model::Catalog& catalog,
                                      const model::Workload& workload, const LiveOptions& options) {
  model::LiveAnalysis analysis;
  analysis.server_version_num = connection.server_version_num();

  std::vector<pg::ExplainRequest> requests;
  std::map<std::uint64_t, pg::ExplainRequest> by_fingerprint;
  for (const model::QueryStats* query : queries_to_explain(workload, options.max_queries)) {
    requests.push_back(pg::request_for(*query));
    by_fingerprint[query->fingerprint] = requests.back();
  }
  pg::ExplainOptions explain;
  explain.analyze = options.analyze;
  explain.allow_dml_analyze = options.allow_dml_analyze;
  explain.parallel = options.parallel;
  analysis.queries = pg::explain_queries(options.connect, requests, explain);

  // A logged plan stands in where the live EXPLAIN gave none.
  std::set<std::uint64_t> planned;
  for (const model::ExplainedQuery& query : analysis.queries) {
    if (query.plan) {
      planned.insert(query.fingerprint);
    }
    if (query.timed_out) {
      analysis.notes.push_back("EXPLAIN timed out for: " + query.normalized.substr(0, 120));
    }
  }
  for (model::ExplainedQuery& logged : logged_plans(workload)) {
    if (planned.insert(logged.fingerprint).second) {
      analysis.queries.push_back(std::move(logged));
    }
  }

  for (const model::ExplainedQuery& query : analysis.queries) {
    auto issues = analyze_plan(query, catalog, options.plan);
    std::move(issues.begin(), issues.end(), std::back_inserter(analysis.issues));
  }
  if (options.index_set && options.verify == VerifyMode::hypopg && hypopg_available(connection)) {
    IndexSetOptions set_options = *options.index_set;
    set_options.candidates.drizzle = options.advisor.drizzle;
    set_options.candidates.advisor = options.advisor;
    auto set = choose_index_set(connection, catalog, workload, set_options);
    if (set.ok()) {
      for (const model::IndexSetEntry& entry : set->entries) {
        analysis.proposals.push_back(entry.proposal);
      }
      analysis.proposals.insert(analysis.proposals.end(), set->not_costed.begin(), set->not_costed.end());
      analysis.notes.push_back("index set: " + std::to_string(set->entries.size()) +
                               " indexes chosen for the whole workload from " +
                               std::to_string(set->candidates) + " candidates (" +
                               std::to_string(set->evaluations) + " HypoPG plans" +
                               (set->stopped_by_time_limit ? ", stopped by the time limit" : "") + ")");
      analysis.notes.insert(analysis.notes.end(), set->notes.begin(), set->notes.end());
      analysis.index_set = std::make_shared<const model::IndexSet>(std::move(set).value());
      return analysis;
    }
    analysis.notes.push_back("index set: " + set.error().to_string() + "; proposals are per query");
  }
  analysis.proposals = propose_indexes(workload, catalog, analysis.issues, options.advisor);

  VerifyOptions verify;
  verify.mode = options.verify;
  verify.min_saving = options.min_saving;
  if (options.verify == VerifyMode::real) {
    pg::ConnectOptions read_write = options.connect;
    read_write.read_only = false;
    auto session = pg::Connection::open(read_write);
    if (session.ok()) {
      verify_proposals(*session, analysis.proposals, by_fingerprint, verify, analysis.notes);
    } else {
      analysis.notes.push_back("--verify=real: " + session.error().to_string());
    }
  } else {
    verify_proposals(connection, analysis.proposals, by_fingerprint, verify, analysis.notes);
  }
  rank_proposals(analysis.proposals, workload, options.advisor);
  return analysis;
}

} // namespace pgadvise::advisor
