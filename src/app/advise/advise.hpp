#pragma once

#include "app/inputs/workload_input.hpp"
#include "app/live/live_input.hpp"
#include "app/report/report_output.hpp"
#include "core/result.hpp"
#include "model/index_set.hpp"

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

// `pgadvise advise --db URL [--log/--pgss/--queries FILE] [PATH]`: the
// indexes to build for the whole workload, chosen together under a storage
// budget and a count limit (advisor/index_set_run), in the order to build
// them, each with its share of the saving, its size, the queries it serves
// and the existing indexes it makes redundant. The queries come from the
// files given, else the database's pg_stat_statements. PATH (default ".")
// is the project: when it uses Drizzle, each index gets its Drizzle line.
// `lint --db` proposes the same indexes (one index, one proposal).
namespace pgadvise::app {

struct AdviseOptions {
  std::vector<std::string> paths; // the project; "." when none
  LiveOptions live;               // --db and its timeouts
  WorkloadOptions workload;       // --log, --pgss, --queries
  std::string budget;             // --budget: "20MB", "1.5GB", "0.5x" (of the data size), "25%"
  std::size_t max_indexes = 0;    // --max-indexes; 0: no limit
  double time_limit_seconds = 30; // --time-limit: the search stops here with the best set so far
  DocumentFormat format = DocumentFormat::text;
  std::string output; // -o FILE
  bool verbose = false;
};

// A --budget value: bytes (PostgreSQL's units: kB, MB, GB, TB are powers of
// 1024; KiB, MiB, GiB too) or a share of the data size ("0.5x", "50%").
struct Budget {
  std::optional<std::int64_t> bytes;
  std::optional<double> share;
};
core::Result<Budget> parse_budget(std::string_view text);

// Exit 0 with the set written; 2 for usage and connection problems, no
// queries, or no HypoPG (each said in one line on `err`).
int run_advise(const AdviseOptions& options, std::ostream& out, std::ostream& err);

// The set as the text and JSON documents `pgadvise advise` writes.
void write_index_set_text(const model::IndexSet& set, std::ostream& out);
void write_index_set_json(const model::IndexSet& set, std::ostream& out);

} // namespace pgadvise::app
