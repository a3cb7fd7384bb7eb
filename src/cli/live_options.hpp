#pragma once

#include "app/live/live_input.hpp"

#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace pgadvise::cli {

// Which of the live-database options a command takes. Every command that
// talks to a database declares --db and its options here, once, so their
// spelling, checks and help read the same everywhere.
struct LiveOptionSet {
  bool db_required = false; // `pgadvise stats`: nothing to do without a database
  bool explain = false;     // --explain/--no-explain and --jobs (EXPLAIN of a workload)
  bool verify = false;      // --verify and --allow-dml-analyze (index proposals, EXPLAIN ANALYZE)
  bool emit_migration = false;
};

// --db takes an optional value: a libpq URI, a key=value conninfo, `env` or
// nothing (the PG* environment). A value that is none of those but names a
// file or folder is the command's next path (`lint --db .`) when `paths`
// is given; anything else stays --db's value, for the connection to refuse.
void add_live_options(CLI::App& command, app::LiveOptions& options, LiveOptionSet set,
                      std::vector<std::string>* paths);

// Whether `value` can be --db's value rather than a path.
bool is_connection_value(const std::string& value);

} // namespace pgadvise::cli
