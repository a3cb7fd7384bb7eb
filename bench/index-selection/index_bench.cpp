// pgadvise_index_bench: the index-selection benchmark's measuring tool
// (bench/index-selection/run.sh runs it; it is not installed). On one
// database and one workload, at each storage budget, it measures with the
// same HypoPG what-if costs (one advisor::IndexSetProblem):
//
//   none        no secondary index: the reference (1.0)
//   pgadvise    the workload search (advisor::search_index_set), on a
//               fresh problem so its run time includes every what-if plan
//   per-finding today's per-finding advice: the CREATE INDEX fixes of a
//               `pgadvise lint --db --no-index-set --format json` report, in
//               report order, taken while they fit the budget
//   dexter      dexter's published method (ankane/dexter, lib/dexter/indexer.rb):
//               per query, every one-column and then every two-column
//               index on the columns queries use, hypothetical all at once;
//               the indexes the plan uses when they save at least 50% (two
//               columns only when they save 50% over one), at most two a
//               query; ordered by the saving of their query, taken while
//               they fit the budget
//   exhaustive  the optimum (advisor::exhaustive_over) over every candidate
//               of the shared problem that saves something alone and is no
//               copy of an existing index, the sets above included: the tables are grouped by the queries
//               that read them together, each group's subsets enumerated (in a group of more than
//               --group-limit candidates, the sets' members and then the most useful ones alone), one subset
//               per group chosen by a knapsack over the budget; its note says how many candidates a group
//               left out
//
//   pgadvise-before  the search without its split move and subset seed
//               (SearchOptions::split_move, subset_seed), at the --set-budgets
//   best-subset the best subset of pgadvise's set without a budget that fits
//               the budget (advisor::exhaustive_over over its members), at
//               the --set-budgets: shares of that set's own size
//               (budget_of "set"; the --budgets are shares of the data
//               size, budget_of "data")
//
// and prints one JSON object per line: workload, budget, method, the
// workload's estimated cost relative to no index, size, index count, run
// time, what-if plans made, and the DDL of the set.
//
//   pgadvise_index_bench --db CONNINFO --name NAME --workload FILE [--workload FILE]...
//                        [--queries] [--per-finding REPORT.json] [--budgets 0.25,0.5,1]
//                        [--set-budgets 0.25,0.5,1] [--time-limit SECONDS] [--exhaustive-seconds SECONDS]
//                        [--group-limit N]
#include "advisor/index_set_exhaustive.hpp"
#include "advisor/index_set_run.hpp"
#include "advisor/index_set_search.hpp"
#include "advisor/query_evidence.hpp"
#include "core/text.hpp"
#include "loaders/live/catalog.hpp"
#include "loaders/logs/reader.hpp"
#include "pg/query_analysis.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace {

using namespace pgadvise;
using advisor::CandidatePool;
using advisor::Evaluator;
using advisor::SetCandidate;
using advisor::SetKey;
using Clock = std::chrono::steady_clock;

struct Args {
  std::string db;
  std::string name;
  std::vector<std::string> workloads;
  bool queries_only = false;
  std::string per_finding;
  std::vector<double> budgets{0.25, 0.5, 1.0};
  std::vector<double> set_budgets{0.25, 0.5, 1.0};
  double time_limit = 120;
  double exhaustive_seconds = 300;
  std::size_t group_limit = 14;
};

[[noreturn]] void usage() {
  std::cerr << "usage: pgadvise_index_bench --db CONNINFO --name NAME --workload FILE... [--queries]\n"
               "       [--per-finding REPORT.json] [--budgets 0.25,0.5,1] [--set-budgets 0.25,0.5,1]\n"
               "       [--time-limit S]\n"
               "       [--exhaustive-seconds S] [--group-limit N]\n";
  std::exit(2);
}

Args parse_args(int argc, char** argv) {
  Args args;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const auto next = [&]() -> std::string {
      if (i + 1 >= argc) {
        usage();
      }
      return argv[++i];
    };
    if (arg == "--db") {
      args.db = next();
    } else if (arg == "--name") {
      args.name = next();
    } else if (arg == "--workload") {
      args.workloads.push_back(next());
    } else if (arg == "--queries") {
      args.queries_only = true;
    } else if (arg == "--per-finding") {
      args.per_finding = next();
    } else if (arg == "--budgets") {
      args.budgets.clear();
      for (const std::string& part : core::split(next(), ',')) {
        if (!part.empty()) {
          args.budgets.push_back(std::stod(part));
        }
      }
    } else if (arg == "--set-budgets") {
      args.set_budgets.clear();
      for (const std::string& part : core::split(next(), ',')) {
        if (!part.empty()) {
          args.set_budgets.push_back(std::stod(part));
        }
      }
    } else if (arg == "--time-limit") {
      args.time_limit = std::stod(next());
    } else if (arg == "--exhaustive-seconds") {
      args.exhaustive_seconds = std::stod(next());
    } else if (arg == "--group-limit") {
      args.group_limit = std::stoul(next());
    } else {
      usage();
    }
  }
  if (args.db.empty() || args.workloads.empty()) {
    usage();
  }
  return args;
}

std::chrono::milliseconds seconds(double value) {
  return std::chrono::milliseconds(static_cast<std::int64_t>(value * 1000));
}

// "CREATE INDEX ... ON t [USING m] (a, lower(b)) [INCLUDE (c)] [WHERE p];"
// as a candidate of `catalog`; nullopt for anything else.
std::optional<SetCandidate> parse_create_index(const std::string& ddl, const model::Catalog& catalog) {
  static const std::regex head(
      R"re(^\s*CREATE\s+INDEX\s+(CONCURRENTLY\s+)?(IF\s+NOT\s+EXISTS\s+)?("[^"]+"|\S+)\s+ON\s+(ONLY\s+)?("[^"]+"|[^\s(]+)\s*(USING\s+(\w+)\s*)?\()re",
      std::regex::icase);
  std::smatch match;
  if (!std::regex_search(ddl, match, head)) {
    return std::nullopt;
  }
  std::string table_name = match[5].str();
  std::string schema = "public";
  if (const auto dot = table_name.find('.'); dot != std::string::npos && table_name.front() != '"') {
    schema = table_name.substr(0, dot);
    table_name = table_name.substr(dot + 1);
  }
  const auto unquote = [](std::string text) {
    if (text.size() >= 2 && text.front() == '"') {
      return text.substr(1, text.size() - 2);
    }
    return text;
  };
  const model::Table* table = catalog.find_table(unquote(schema), unquote(table_name));
  if (table == nullptr) {
    return std::nullopt;
  }
  SetCandidate candidate;
  candidate.table = table;
  candidate.method = match[7].matched ? core::to_lower(match[7].str()) : "btree";
  // The element list up to its closing parenthesis.
  std::size_t at = static_cast<std::size_t>(match.position(0) + match.length(0));
  const auto take_list = [&](std::size_t& pos) {
    std::vector<std::string> items;
    int depth = 1;
    bool quoted = false;
    std::size_t start = pos;
    for (; pos < ddl.size(); ++pos) {
      const char c = ddl[pos];
      if (c == '\'') {
        quoted = !quoted;
      } else if (!quoted && c == '(') {
        ++depth;
      } else if (!quoted && c == ')' && --depth == 0) {
        items.emplace_back(core::trim(std::string_view(ddl).substr(start, pos - start)));
        ++pos;
        break;
      } else if (!quoted && c == ',' && depth == 1) {
        items.emplace_back(core::trim(std::string_view(ddl).substr(start, pos - start)));
        start = pos + 1;
      }
    }
    return items;
  };
  static const std::regex plain(R"re(^("[^"]+"|[a-z_][a-z0-9_$]*)$)re");
  for (const std::string& element : take_list(at)) {
    SetKey key;
    if (std::regex_match(element, plain)) {
      key.column = unquote(element);
      key.reads = {key.column};
      key.name_parts = {key.column};
    } else {
      key.element = element;
      key.name_parts = {"expr"};
    }
    candidate.keys.push_back(std::move(key));
  }
  std::string rest(core::trim(std::string_view(ddl).substr(std::min(at, ddl.size()))));
  if (core::starts_with_ci(rest, "INCLUDE")) {
    std::size_t open = rest.find('(');
    if (open != std::string::npos) {
      std::size_t pos = open + 1;
      const std::string copy = rest;
      const std::string saved = ddl;
      (void)saved;
      int depth = 1;
      std::size_t start = pos;
      for (; pos < copy.size() && depth > 0; ++pos) {
        if (copy[pos] == '(') {
          ++depth;
        } else if (copy[pos] == ')' && --depth == 0) {
          for (const std::string& column : core::split(copy.substr(start, pos - start), ',')) {
            candidate.include.push_back(unquote(std::string(core::trim(column))));
          }
        }
      }
      rest = std::string(core::trim(std::string_view(copy).substr(pos)));
    }
  }
  if (core::starts_with_ci(rest, "WHERE")) {
    rest = std::string(core::trim(std::string_view(rest).substr(5)));
    while (!rest.empty() && rest.back() == ';') {
      rest.pop_back();
    }
    candidate.predicate = rest;
  }
  return candidate;
}

// The CREATE INDEX fixes of a pgadvise JSON report, in report order, one
// per distinct index.
std::vector<SetCandidate> per_finding_candidates(const std::string& path, const model::Catalog& catalog) {
  std::ifstream in(path);
  std::vector<SetCandidate> out;
  if (!in) {
    std::cerr << "pgadvise_index_bench: cannot read " << path << "\n";
    return out;
  }
  const nlohmann::json report = nlohmann::json::parse(in, nullptr, false);
  if (!report.is_object() || !report.contains("findings")) {
    std::cerr << "pgadvise_index_bench: " << path << " is not a pgadvise JSON report\n";
    return out;
  }
  std::set<std::string> seen;
  for (const nlohmann::json& finding : report["findings"]) {
    const auto fix = finding.find("fix");
    if (fix == finding.end() || !fix->is_object() || !fix->contains("ddl") || !(*fix)["ddl"].is_string()) {
      continue;
    }
    for (const std::string& statement : core::split((*fix)["ddl"].get<std::string>(), '\n')) {
      if (auto candidate = parse_create_index(statement, catalog)) {
        if (seen.insert(candidate->identity()).second) {
          out.push_back(std::move(*candidate));
        }
      }
    }
  }
  return out;
}

// Prefix of `ordered` that fits: each taken while the total stays in budget.
std::vector<std::size_t> fitting(Evaluator& evaluator, const std::vector<std::size_t>& ordered,
                                 std::optional<std::int64_t> budget) {
  std::vector<std::size_t> out;
  std::int64_t total = 0;
  for (std::size_t id : ordered) {
    const auto size = evaluator.size(id);
    if (!size || std::find(out.begin(), out.end(), id) != out.end()) {
      continue;
    }
    if (!budget || total + *size <= *budget) {
      out.push_back(id);
      total += *size;
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

bool is_json_type(const model::Table& table, const std::string& column) {
  const model::Column* found = table.find_column(column);
  if (found == nullptr) {
    return true;
  }
  const std::string type = core::to_lower(found->type.name);
  return type == "json" || type == "jsonb";
}

// dexter's choice on the shared problem, ordered by its queries' savings.
std::vector<std::size_t> dexter_choice(advisor::IndexSetProblem& problem, const model::Catalog& catalog) {
  Evaluator& evaluator = problem.evaluator();
  CandidatePool& pool = problem.pool();
  const auto& queries = problem.queries();
  // Columns queries use, per table (dexter: every ColumnRef of the parsed queries).
  std::map<const model::Table*, std::vector<std::string>> columns;
  for (const model::QueryStats* query : queries) {
    const pg::ColumnReads reads =
        pg::column_reads_text(query->example.empty() ? query->normalized : query->example);
    std::vector<model::ColumnUsage> uses = reads.reads;
    uses.insert(uses.end(), query->shape.columns.begin(), query->shape.columns.end());
    for (const model::ColumnUsage& use : uses) {
      const model::Table* table = advisor::find_table(&catalog, use.schema, use.table);
      if (table == nullptr || is_json_type(*table, use.column)) {
        continue;
      }
      auto& list = columns[table];
      if (std::find(list.begin(), list.end(), use.column) == list.end()) {
        list.push_back(use.column);
      }
    }
  }
  // Existing btree indexes' first one and first two columns are not suggested.
  std::set<std::string> existing;
  std::vector<std::size_t> singles;
  std::vector<std::size_t> pairs;
  const auto key_of = [](const std::string& column) {
    SetKey key;
    key.column = column;
    key.reads = {column};
    key.name_parts = {column};
    return key;
  };
  for (const auto& [table, list] : columns) {
    for (const model::Index& index : table->indexes) {
      if (index.method != "btree" || index.keys.empty()) {
        continue;
      }
      existing.insert(table->qualified() + "|" + index.keys[0].column);
      if (index.keys.size() > 1) {
        existing.insert(table->qualified() + "|" + index.keys[0].column + "," + index.keys[1].column);
      }
    }
    for (const std::string& a : list) {
      SetCandidate single;
      single.table = table;
      single.keys = {key_of(a)};
      singles.push_back(pool.add(single));
      for (const std::string& b : list) {
        if (a != b) {
          SetCandidate pair = single;
          pair.keys.push_back(key_of(b));
          pairs.push_back(pool.add(pair));
        }
      }
    }
  }
  const auto on_tables = [&](std::size_t q, const std::vector<std::size_t>& ids) {
    std::vector<std::size_t> out;
    for (std::size_t id : ids) {
      const auto& on = evaluator.queries_on(id);
      if (std::find(on.begin(), on.end(), q) != on.end()) {
        out.push_back(id);
      }
    }
    std::sort(out.begin(), out.end());
    return out;
  };
  const auto name_of = [&](std::size_t id) {
    const SetCandidate& c = pool[id];
    std::string out = c.table->qualified() + "|";
    for (std::size_t k = 0; k < c.keys.size(); ++k) {
      out += (k > 0 ? "," : "") + c.keys[k].column;
    }
    return out;
  };
  std::vector<std::pair<double, std::size_t>> chosen; // saving of its query, id
  for (std::size_t q = 0; q < queries.size(); ++q) {
    const auto start = evaluator.query_plan(q, {});
    if (!start || start->cost < 100) {
      continue; // dexter: only "high cost" queries (initial cost >= 100)
    }
    const std::vector<std::size_t> pass1_config = on_tables(q, singles);
    std::vector<std::size_t> pass2_config = pass1_config;
    for (std::size_t id : on_tables(q, pairs)) {
      pass2_config.push_back(id);
    }
    std::sort(pass2_config.begin(), pass2_config.end());
    const auto pass1 = evaluator.query_plan(q, pass1_config);
    const auto pass2 = evaluator.query_plan(q, pass2_config);
    if (!pass1 || !pass2) {
      continue;
    }
    const auto suggested = [&](const advisor::PlannedCost& plan) {
      std::vector<std::size_t> out;
      for (std::size_t id : plan.used) {
        if (existing.count(name_of(id)) == 0) {
          out.push_back(id);
        }
      }
      return out;
    };
    const bool saves1 = pass1->cost < start->cost * 0.5;
    bool saves2 = pass1->cost > 100 && pass2->cost < pass1->cost * 0.5;
    std::vector<std::size_t> indexes = suggested(saves2 ? *pass2 : *pass1);
    double cost = saves2 ? pass2->cost : pass1->cost;
    if (saves2 && indexes.size() > 1) {
      indexes = suggested(*pass1);
      cost = pass1->cost;
      saves2 = false;
    }
    if ((saves1 || saves2) && indexes.size() <= 2) {
      const double saving = evaluator.queries()[q].weight * (start->cost - cost);
      for (std::size_t id : indexes) {
        chosen.emplace_back(saving, id);
      }
    }
  }
  // A one-column index whose column leads a chosen two-column one is covered.
  std::set<std::string> covered;
  for (const auto& [saving, id] : chosen) {
    if (pool[id].keys.size() > 1) {
      covered.insert(pool[id].table->qualified() + "|" + pool[id].keys[0].column);
    }
  }
  std::stable_sort(chosen.begin(), chosen.end(),
                   [](const auto& a, const auto& b) { return a.first > b.first; });
  std::vector<std::size_t> out;
  for (const auto& [saving, id] : chosen) {
    if (covered.count(name_of(id)) == 0 && std::find(out.begin(), out.end(), id) == out.end()) {
      out.push_back(id);
    }
  }
  return out;
}

std::string ddl_of(const CandidatePool& pool, const std::vector<std::size_t>& ids) {
  std::string out;
  for (std::size_t id : ids) {
    out += pool[id].create_sql("bench_" + std::to_string(id)) + ";\n";
  }
  return out;
}

struct Row {
  std::string method;
  std::vector<std::size_t> config; // ids in the shared pool
  double seconds = 0;
  std::size_t evaluations = 0;
  bool complete = true;
  std::string seed;
  std::string note;
};

void print(const Args& args, double share, std::optional<std::int64_t> budget, const std::string& budget_of,
           const Row& row, Evaluator& evaluator, const CandidatePool& pool, double none) {
  nlohmann::json line;
  line["workload"] = args.name;
  line["budget_share"] = share;
  line["budget_of"] = budget_of;
  line["budget_bytes"] = budget ? nlohmann::json(*budget) : nlohmann::json(nullptr);
  line["method"] = row.method;
  const double cost = evaluator.objective(row.config);
  line["relative_cost"] = none > 0 ? cost / none : 1.0;
  line["size_bytes"] = evaluator.total_size(row.config);
  line["indexes"] = row.config.size();
  line["seconds"] = row.seconds;
  line["evaluations"] = row.evaluations;
  line["complete"] = row.complete;
  if (!row.seed.empty()) {
    line["seed"] = row.seed;
  }
  if (!row.note.empty()) {
    line["note"] = row.note;
  }
  line["ddl"] = ddl_of(pool, row.config);
  std::cout << line.dump() << std::endl;
}

} // namespace

int main(int argc, char** argv) {
  const Args args = parse_args(argc, argv);
  pg::ConnectOptions connect;
  connect.conninfo = args.db;
  connect.statement_timeout = std::chrono::milliseconds(120'000);
  auto connection = pg::Connection::open(connect);
  if (!connection.ok()) {
    std::cerr << "pgadvise_index_bench: " << connection.error().to_string() << "\n";
    return 2;
  }
  // The searches measured for their run time get their own session:
  // hypothetical indexes belong to one backend, and each cost source resets
  // its session's when it starts and ends.
  auto search_connection = pg::Connection::open(connect);
  if (!search_connection.ok()) {
    std::cerr << "pgadvise_index_bench: " << search_connection.error().to_string() << "\n";
    return 2;
  }
  auto catalog = loaders::load_live_catalog(*connection);
  if (!catalog.ok()) {
    std::cerr << "pgadvise_index_bench: " << catalog.error().to_string() << "\n";
    return 2;
  }
  loaders::LogReadOptions read_options;
  read_options.queries_only = args.queries_only;
  const loaders::LogReadResult read = loaders::read_logs(args.workloads, read_options);
  if (!read.usable) {
    std::cerr << "pgadvise_index_bench: no workload read from " << core::join(args.workloads, ", ") << "\n";
    return 2;
  }
  const model::Catalog& schema = catalog->catalog;

  advisor::IndexSetOptions shared_options;
  auto shared = advisor::IndexSetProblem::build(*connection, schema, read.workload, shared_options);
  if (!shared.ok()) {
    std::cerr << "pgadvise_index_bench: " << shared.error().to_string() << "\n";
    return 2;
  }
  advisor::IndexSetProblem& problem = **shared;
  Evaluator& evaluator = problem.evaluator();
  CandidatePool& pool = problem.pool();
  const double none = evaluator.objective({});
  std::cerr << "== " << args.name << ": " << problem.queries().size() << " queries, " << pool.size()
            << " candidates, data " << problem.data_bytes() / 1'000'000 << " MB\n";

  std::vector<std::size_t> per_finding;
  if (!args.per_finding.empty()) {
    for (const SetCandidate& candidate : per_finding_candidates(args.per_finding, schema)) {
      per_finding.push_back(pool.add(candidate));
    }
    std::cerr << "   per-finding advice: " << per_finding.size() << " indexes\n";
  }
  const auto dexter_start = Clock::now();
  const std::vector<std::size_t> dexter = dexter_choice(problem, schema);
  const double dexter_seconds = std::chrono::duration<double>(Clock::now() - dexter_start).count();
  std::cerr << "   dexter: " << dexter.size() << " indexes\n";

  // pgadvise's set for `budget` on a fresh problem: cold caches, its own run time.
  // `before`: without the split move and the subset seed (issue 48), as the search was.
  const auto search_fresh = [&](std::optional<std::int64_t> budget,
                                bool before = false) -> std::optional<Row> {
    advisor::IndexSetOptions fresh_options;
    fresh_options.budget_bytes = budget;
    fresh_options.time_limit = seconds(args.time_limit);
    fresh_options.search.split_move = !before;
    fresh_options.search.subset_seed = !before;
    const auto fresh_start = Clock::now();
    auto fresh = advisor::IndexSetProblem::build(*search_connection, schema, read.workload, fresh_options);
    if (!fresh.ok()) {
      std::cerr << "pgadvise_index_bench: " << fresh.error().to_string() << "\n";
      return std::nullopt;
    }
    const advisor::SearchResult found =
        advisor::search_index_set((*fresh)->evaluator(), (*fresh)->search_options());
    Row ours{before ? "pgadvise-before" : "pgadvise",
             {},
             std::chrono::duration<double>(Clock::now() - fresh_start).count(),
             found.evaluations,
             !found.stopped_by_time_limit,
             found.seed,
             ""};
    for (std::size_t id : found.chosen) {
      ours.config.push_back(pool.add((*fresh)->pool()[id]));
    }
    std::sort(ours.config.begin(), ours.config.end());
    return ours;
  };

  // Every method at one budget. `unbudgeted`: pgadvise's set without a
  // budget, whose best subset within the budget is a row of its own.
  const auto measure = [&](double share, std::optional<std::int64_t> budget, const std::string& budget_of,
                           const std::optional<Row>& unbudgeted) -> bool {
    advisor::SearchOptions search = problem.search_options();
    search.budget_bytes = budget;
    search.time_limit = seconds(args.time_limit);
    const auto out = [&](const Row& row) {
      print(args, share, budget, budget_of, row, evaluator, pool, none);
    };

    out(Row{"none", {}, 0, 0, true, "", ""});
    const std::optional<Row> ours = search_fresh(budget);
    if (!ours) {
      return false;
    }
    out(*ours);
    if (!args.per_finding.empty()) {
      out(Row{"per-finding", fitting(evaluator, per_finding, budget), 0, 0, true, "", ""});
    }
    out(Row{"dexter", fitting(evaluator, dexter, budget), dexter_seconds, 0, true, "", ""});
    std::vector<std::size_t> subset;
    std::vector<std::size_t> earlier;
    if (unbudgeted) {
      if (const std::optional<Row> before = search_fresh(budget, true)) {
        out(*before);
        earlier = before->config;
      }
      // The best subset of the unbudgeted set that fits, enumerated.
      advisor::SearchOptions exact = search;
      exact.time_limit = seconds(std::max(args.exhaustive_seconds, 60.0));
      const auto start = Clock::now();
      const advisor::SearchResult best = advisor::exhaustive_over(evaluator, unbudgeted->config, exact);
      subset = best.chosen;
      std::sort(subset.begin(), subset.end());
      out(Row{"best-subset", subset, std::chrono::duration<double>(Clock::now() - start).count(),
              best.evaluations, best.exact, "", ""});
    }

    // The limit: every candidate of the shared pool that helps alone; in a
    // table group with more than --group-limit of them, the sets above and
    // then the most useful ones alone.
    if (args.exhaustive_seconds > 0) {
      std::vector<std::size_t> candidates;
      for (std::size_t id = 0; id < pool.size(); ++id) {
        if (pool[id].method == "btree" && evaluator.size(id) && (!budget || *evaluator.size(id) <= *budget) &&
            !advisor::redundant_with_existing(schema, pool[id]) && none - evaluator.objective({id}) > 0) {
          candidates.push_back(id);
        }
      }
      std::vector<std::size_t> must = ours->config;
      for (const std::vector<std::size_t>& set :
           {fitting(evaluator, per_finding, budget), fitting(evaluator, dexter, budget), subset, earlier}) {
        must.insert(must.end(), set.begin(), set.end());
      }
      for (std::size_t id : must) {
        if (std::find(candidates.begin(), candidates.end(), id) == candidates.end()) {
          candidates.push_back(id);
        }
      }
      advisor::SearchOptions exhaustive = search;
      exhaustive.time_limit = seconds(args.exhaustive_seconds);
      const auto start = Clock::now();
      const advisor::SearchResult optimum =
          advisor::exhaustive_over(evaluator, candidates, exhaustive, args.group_limit, must);
      Row limit{
          "exhaustive",        optimum.chosen, std::chrono::duration<double>(Clock::now() - start).count(),
          optimum.evaluations, optimum.exact,  "",
          optimum.note};
      std::sort(limit.config.begin(), limit.config.end());
      out(limit);
    }
    return true;
  };

  for (double share : args.budgets) {
    if (!measure(share, static_cast<std::int64_t>(share * static_cast<double>(problem.data_bytes())), "data",
                 std::nullopt)) {
      return 2;
    }
  }
  // Budgets as shares of the unbudgeted set's own size: what a user who
  // has seen the whole set and has less room asks for.
  if (!args.set_budgets.empty()) {
    const std::optional<Row> unbudgeted = search_fresh(std::nullopt);
    if (!unbudgeted) {
      return 2;
    }
    const std::int64_t set_bytes = evaluator.total_size(unbudgeted->config);
    std::cerr << "   unbudgeted set: " << unbudgeted->config.size() << " indexes, " << set_bytes / 1'000'000
              << " MB\n";
    for (double share : args.set_budgets) {
      if (!measure(share, static_cast<std::int64_t>(share * static_cast<double>(set_bytes)), "set",
                   unbudgeted)) {
        return 2;
      }
    }
  }
  return 0;
}
