#include "app/advise/advise.hpp"

#include "advisor/index_set_run.hpp"
#include "advisor/query_evidence.hpp"
#include "app/inputs/discovery.hpp"
#include "core/format.hpp"
#include "core/hash.hpp"
#include "core/text.hpp"
#include "loaders/project/scan.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <unistd.h>

namespace pgadvise::app {

namespace {

constexpr std::size_t k_queries_shown = 5;

std::string fixed(double value, int digits) {
  std::array<char, 64> text{};
  std::snprintf(text.data(), text.size(), "%.*f", digits, value);
  return text.data();
}

std::string amount(const model::IndexSet& set, double value) {
  if (set.unit == "ms") {
    return core::human_duration_ms(value);
  }
  return core::group_digits(static_cast<std::int64_t>(std::llround(value))) + " cost units";
}

std::string budget_text(const model::IndexSet& set) {
  if (!set.budget_bytes) {
    return "no storage budget";
  }
  std::string out = "budget " + core::human_bytes(*set.budget_bytes);
  if (set.data_bytes > 0) {
    out += " (" + fixed(static_cast<double>(*set.budget_bytes) / static_cast<double>(set.data_bytes), 2) +
           "x the " + core::human_bytes(set.data_bytes) + " of data)";
  }
  return out;
}

std::string keys_text(const model::IndexSetEntry& entry) {
  std::string out = "(" + core::join(entry.proposal.columns, ", ") + ")";
  if (!entry.include.empty()) {
    out += " INCLUDE (" + core::join(entry.include, ", ") + ")";
  }
  if (!entry.proposal.predicate.empty()) {
    out += " WHERE " + entry.proposal.predicate;
  }
  return out;
}

nlohmann::json proposal_json(const model::IndexProposal& proposal) {
  nlohmann::json out;
  out["name"] = proposal.name;
  out["schema"] = proposal.schema;
  out["table"] = proposal.table;
  out["columns"] = proposal.columns;
  out["predicate"] = proposal.predicate;
  out["ddl"] = proposal.ddl;
  out["drizzle"] = proposal.drizzle;
  return out;
}

} // namespace

core::Result<Budget> parse_budget(std::string_view text) {
  const std::string value(core::trim(text));
  Budget budget;
  if (value.empty()) {
    return budget;
  }
  std::size_t used = 0;
  double number = 0;
  try {
    number = std::stod(value, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  const std::string unit = core::to_lower(std::string(core::trim(std::string_view(value).substr(used))));
  if (used == 0 || !std::isfinite(number) || number < 0) {
    return core::Error("--budget: '" + value +
                       "' is not a size (20MB, 1.5GB) or a share of the data (0.5x, 50%)");
  }
  if (unit == "x") {
    budget.share = number;
    return budget;
  }
  if (unit == "%") {
    budget.share = number / 100;
    return budget;
  }
  double scale = 0;
  if (unit.empty() || unit == "b" || unit == "bytes") {
    scale = 1;
  } else if (unit == "kb" || unit == "kib" || unit == "k") {
    scale = 1024.0;
  } else if (unit == "mb" || unit == "mib" || unit == "m") {
    scale = 1024.0 * 1024;
  } else if (unit == "gb" || unit == "gib" || unit == "g") {
    scale = 1024.0 * 1024 * 1024;
  } else if (unit == "tb" || unit == "tib" || unit == "t") {
    scale = 1024.0 * 1024 * 1024 * 1024;
  } else {
    return core::Error("--budget: unknown unit '" + unit + "' in '" + value +
                       "' (use kB, MB, GB, TB, x for a share of the data, or %)");
  }
  budget.bytes = static_cast<std::int64_t>(number * scale);
  return budget;
}

void write_index_set_text(const model::IndexSet& set, std::ostream& out) {
  out << "Index set for " << set.queries << (set.queries == 1 ? " query" : " queries")
      << " of the workload, costed together with HypoPG\n";
  out << "  " << budget_text(set);
  if (set.max_indexes > 0) {
    out << ", at most " << set.max_indexes << " indexes";
  }
  out << "\n";
  const double saved = set.cost_none > 0 ? 1 - set.relative_cost() : 0;
  out << "  chosen: " << set.entries.size() << (set.entries.size() == 1 ? " index, " : " indexes, ")
      << core::human_bytes(set.size_bytes) << "; estimated workload "
      << (set.unit == "ms" ? "time " : "cost ") << amount(set, set.cost_none) << " -> "
      << amount(set, set.cost_chosen) << " (" << core::percent(saved) << " less, writes included)\n";
  out << "  search: " << core::group_digits(static_cast<std::int64_t>(set.candidates)) << " candidates, "
      << core::group_digits(static_cast<std::int64_t>(set.evaluations)) << " what-if plans, "
      << core::human_duration_ms(set.seconds * 1000)
      << (set.stopped_by_time_limit ? " (stopped by --time-limit: the best set found so far)" : "") << "\n";
  if (set.entries.empty()) {
    out << "\nNo index pays off for this workload within the limits: none saves more than its writes and "
           "size cost.\n";
  }
  for (std::size_t i = 0; i < set.entries.size(); ++i) {
    const model::IndexSetEntry& entry = set.entries[i];
    const model::IndexProposal& proposal = entry.proposal;
    out << "\n"
        << i + 1 << ". " << proposal.name << " on " << core::qualified_name(proposal.schema, proposal.table)
        << " " << keys_text(entry) << "\n";
    out << "   " << core::percent(entry.share) << " of the saving ("
        << amount(set, std::max(entry.saving, 0.0)) << "), " << core::human_bytes(entry.size_bytes);
    if (entry.write_cost > 0) {
      out << ", writes cost " << amount(set, entry.write_cost);
    }
    out << "\n";
    for (std::size_t q = 0; q < entry.queries.size() && q < k_queries_shown; ++q) {
      const model::IndexSetQuery& query = entry.queries[q];
      out << "   serves: " << advisor::short_select(query.normalized) << " (plan cost "
          << fixed(query.cost_before, 1) << " -> " << fixed(query.cost_after, 1) << ")\n";
    }
    if (entry.queries.size() > k_queries_shown) {
      out << "   serves " << entry.queries.size() - k_queries_shown << " more queries\n";
    }
    if (!entry.redundant.empty()) {
      out << "   makes redundant: " << core::join(entry.redundant, ", ")
          << " (a left prefix of it; drop once this one is built)\n";
    }
    out << "   " << proposal.ddl << "\n";
    if (!proposal.drizzle.empty()) {
      out << "   Drizzle: " << proposal.drizzle << "\n";
    }
  }
  if (!set.not_costed.empty()) {
    out << "\nNot costed (HypoPG cannot simulate GIN; check with --verify=real on a staging copy):\n";
    for (const model::IndexProposal& proposal : set.not_costed) {
      out << "   " << proposal.ddl << "\n";
      if (!proposal.drizzle.empty()) {
        out << "   Drizzle: " << proposal.drizzle << "\n";
      }
    }
  }
  if (!set.entries.empty()) {
    out << "\nBuild them in this order: each saves its share with the ones above it in place. With less "
           "room, "
           "run again with a smaller --budget: the best set for less space is not always a prefix of this "
           "one.\n";
  }
}

void write_index_set_json(const model::IndexSet& set, std::ostream& out) {
  // One object literal each (nlohmann's objects keep their keys sorted).
  nlohmann::json doc = {
      {"unit", set.unit},
      {"cost_none", set.cost_none},
      {"cost_chosen", set.cost_chosen},
      {"relative_cost", set.relative_cost()},
      {"data_bytes", set.data_bytes},
      {"budget_bytes", set.budget_bytes ? nlohmann::json(*set.budget_bytes) : nlohmann::json(nullptr)},
      {"max_indexes", set.max_indexes},
      {"size_bytes", set.size_bytes},
      {"queries", set.queries},
      {"candidates", set.candidates},
      {"evaluations", set.evaluations},
      {"seconds", set.seconds},
      {"stopped_by_time_limit", set.stopped_by_time_limit},
      {"indexes", nlohmann::json::array()},
  };
  for (const model::IndexSetEntry& entry : set.entries) {
    nlohmann::json index = proposal_json(entry.proposal);
    index.update({
        {"include", entry.include},
        {"size_bytes", entry.size_bytes},
        {"saving", entry.saving},
        {"share", entry.share},
        {"write_cost", entry.write_cost},
        {"redundant", entry.redundant},
        {"queries", nlohmann::json::array()},
    });
    for (const model::IndexSetQuery& query : entry.queries) {
      index["queries"].push_back({{"fingerprint", core::to_hex(query.fingerprint)},
                                  {"normalized", query.normalized},
                                  {"cost_before", query.cost_before},
                                  {"cost_after", query.cost_after},
                                  {"saving", query.saving()}});
    }
    doc["indexes"].push_back(std::move(index));
  }
  doc["not_costed"] = nlohmann::json::array();
  for (const model::IndexProposal& proposal : set.not_costed) {
    doc["not_costed"].push_back(proposal_json(proposal));
  }
  doc["notes"] = set.notes;
  out << doc.dump(2) << "\n";
}

int run_advise(const AdviseOptions& options, std::ostream& out, std::ostream& err) {
  const auto budget = parse_budget(options.budget);
  if (!budget) {
    err << "pgadvise: " << budget.error().to_string() << "\n";
    return 2;
  }
  // discover() reads "." when no path is given.
  const std::vector<std::filesystem::path> paths(options.paths.begin(), options.paths.end());
  auto sources = discover(paths);
  if (!sources) {
    err << "pgadvise: " << sources.error().to_string() << "\n";
    return 2;
  }
  if (!sources->project.root.empty() && !sources->project.scanned) {
    loaders::scan_project(sources->project);
  }
  const loaders::SchemaLoad load = load_schema(*sources);
  auto live = open_live(options.live, load, *sources);
  if (!live) {
    err << "pgadvise: " << live.error().to_string() << "\n";
    return 2;
  }
  std::optional<WorkloadInput> files;
  if (options.workload.requested()) {
    auto read = read_workload_input(options.workload, isatty(STDERR_FILENO) != 0);
    if (!read) {
      err << "pgadvise: " << read.error().to_string() << "\n";
      return 2;
    }
    files.emplace(std::move(*read));
  }
  const model::Workload* workload = choose_workload(files ? &files->workload : nullptr, *live);
  say_live_warnings(*live, err);
  if (workload == nullptr || workload->queries.empty()) {
    if (files) {
      print_unusable_workload(&*files, err);
    }
    err << "pgadvise: advise needs the workload's queries: --log, --pgss or --queries, or pg_stat_statements "
           "in the database\n";
    return 2;
  }
  advisor::IndexSetOptions set_options;
  set_options.budget_bytes = budget->bytes;
  set_options.budget_share = budget->share;
  set_options.max_indexes = options.max_indexes;
  set_options.time_limit =
      std::chrono::milliseconds(static_cast<std::int64_t>(std::max(options.time_limit_seconds, 0.0) * 1000));
  set_options.candidates.drizzle = sources->project.uses_drizzle;
  set_options.candidates.advisor.drizzle = sources->project.uses_drizzle;
  auto set = advisor::choose_index_set(*live->connection, live->catalog, *workload, set_options);
  if (!set) {
    err << "pgadvise: " << set.error().to_string() << "\n";
    return 2;
  }
  if (options.verbose) {
    for (const std::string& note : live->notes) {
      err << "note: " << note << "\n";
    }
    for (const std::string& note : set->notes) {
      err << "note: " << note << "\n";
    }
  }
  std::ofstream file;
  std::ostream* target = report_output(options.output, file, out, err);
  if (target == nullptr) {
    return 2;
  }
  if (options.format == DocumentFormat::json) {
    write_index_set_json(*set, *target);
  } else {
    write_index_set_text(*set, *target);
  }
  return 0;
}

} // namespace pgadvise::app
