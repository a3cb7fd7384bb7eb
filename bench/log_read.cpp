// pgadvise_logread: reads logs with the same loader `pgadvise lint --log`
// uses and prints the workload summary. The benchmark (bench/run.sh) times
// it; it is not installed.
//
//   pgadvise_logread [--prefix P] [--threads N] [--pgss FILE] [--dump] FILE...
//
// --dump prints every value the Workload holds (doubles as hex floats), so
// that two builds' reading of a log can be compared byte for byte.
#include "loaders/logs/reader.hpp"

#include <chrono>
#include <cstdio>
#include <iostream>
#include <string>
#include <unistd.h>
#include <vector>

namespace {

using namespace pgadvise;

std::string hex(double value) {
  char text[64];
  std::snprintf(text, sizeof(text), "%a", value);
  return text;
}

template <typename T> std::string opt(const std::optional<T>& value) {
  if (!value) {
    return "-";
  }
  if constexpr (std::is_floating_point_v<T>) {
    return hex(*value);
  } else {
    return std::to_string(*value);
  }
}

std::string loc(const core::SourceLocation& location) {
  return location.file.str() + ":" + std::to_string(location.line) + ":" + std::to_string(location.column);
}

void dump_shape(std::ostream& out, const model::QueryShape& shape) {
  out << "  shape " << static_cast<int>(shape.kind) << shape.transaction_control << shape.has_where
      << shape.select_star << shape.has_limit << shape.has_offset << " " << opt(shape.limit) << " "
      << opt(shape.offset) << " " << shape.has_aggregate << shape.modifies << shape.set_filter << " "
      << shape.max_param << "\n";
  for (const model::TableUse& table : shape.tables) {
    out << "   table " << table.schema << "." << table.name << "\n";
  }
  for (const model::ColumnUsage& column : shape.columns) {
    out << "   column " << column.schema << "." << column.table << "." << column.column << " "
        << static_cast<int>(column.use) << "\n";
  }
  for (const auto& [number, column] : shape.param_columns) {
    out << "   param " << number << " " << column.table << "." << column.column << " "
        << static_cast<int>(column.use) << "\n";
  }
  for (const auto& [number, clause] : shape.param_clauses) {
    out << "   clause " << number << " " << clause << "\n";
  }
  for (const std::string& function : shape.functions) {
    out << "   function " << function << "\n";
  }
}

void dump_workload(std::ostream& out, const model::Workload& w) {
  out << "flags " << w.ordered << w.has_durations << w.subsecond_timestamps << " " << w.timestamped_statements
      << " " << w.traced_statements << " " << w.statements << " " << w.unparsed_statements << " " << w.lines
      << " " << w.bytes << " " << w.repeats_dropped << " " << w.sessions_dropped << " " << w.warnings_dropped
      << "\n";
  for (const model::QueryStats& q : w.queries) {
    out << "query " << q.fingerprint << " " << q.parsed << " " << q.calls << " " << q.timed_calls << " "
        << hex(q.total_ms) << " " << hex(q.max_ms) << " " << q.errors << " " << opt(q.rows) << " "
        << opt(q.pgss_mean_ms) << " " << opt(q.max_limit) << " " << opt(q.max_offset) << " "
        << loc(q.first_seen) << "\n  " << q.normalized << "\n  example " << q.example << "\n  params "
        << q.example_params << "\n";
    dump_shape(out, q.shape);
  }
  for (const model::Repeat& r : w.repeats) {
    out << "repeat " << r.session << " " << r.fingerprint << " " << r.parent_fingerprint << " ["
        << r.candidates[0] << "," << r.candidates[1] << "," << r.candidates[2] << "] " << r.unit
        << r.request_repeat << " " << r.code_path << " " << r.count << " " << r.distinct_params << " "
        << r.consecutive << r.in_transaction << " '" << r.transaction << "' " << r.first_us << " "
        << r.last_us << " " << hex(r.total_ms) << " " << loc(r.location) << " " << r.params_set << " "
        << r.interleaved << " " << r.transaction_shape << " " << static_cast<int>(r.grouping) << " "
        << r.backends << " '" << r.backend_list << "' " << r.group;
    for (const model::Repeat::FanParent& parent : r.fan_parents) {
      out << " fan(" << parent.fingerprint << "," << parent.children << "," << parent.followed << ")";
    }
    out << "\n";
  }
  for (const model::RepeatPattern& p : w.repeat_patterns) {
    out << "pattern " << p.fingerprint << " " << p.parent_fingerprint << " " << p.groups << " "
        << p.statements << " " << p.max_count << " " << p.in_transaction_groups << " "
        << p.varied_params_groups << " " << hex(p.total_ms) << " " << loc(p.example);
    for (const auto& [count, groups] : p.count_histogram) {
      out << " " << count << ":" << groups;
    }
    out << "\n";
  }
  const auto pairs = [&](const char* name, const auto& map) {
    for (const auto& [key, value] : map) {
      out << name << " " << key.first << " " << key.second << " " << value << "\n";
    }
  };
  pairs("runs_after", w.runs_after);
  pairs("batched_after", w.batched_after);
  pairs("key_after", w.key_after);
  for (const auto& [key, f] : w.parent_follows) {
    out << "follow " << key.first << " " << key.second << " " << f.followed << " " << f.single << " "
        << f.children << " " << f.min_k << " " << f.max_k << " " << f.by_connection << " " << f.alone << " "
        << f.nearest << " " << loc(f.example_parent);
    for (const int line : f.example_children) {
      out << " " << line;
    }
    out << "\n";
  }
  for (const model::Workload::CodePath& path : w.code_paths) {
    out << "code_path " << path.route << " " << path.file << "\n";
  }
  for (const model::SessionRecord& s : w.sessions) {
    out << "session " << s.session << " " << s.pid << " " << s.user << " " << s.database << " "
        << s.application << " " << s.client << " " << s.connect_us << " " << s.disconnect_us << " "
        << opt(s.duration_ms) << " " << s.statements << " " << loc(s.location) << "\n";
  }
  const model::ConnectionStats& c = w.connections;
  out << "connections " << c.connections_received << " " << c.connections_authorized << " "
      << c.disconnections << " " << c.sessions_seen << " " << c.first_connect_us << " " << c.last_connect_us
      << " " << hex(c.total_session_ms);
  for (const auto& [bound, sessions] : c.duration_histogram) {
    out << " " << hex(bound) << ":" << sessions;
  }
  out << "\n";
  for (const model::LoggedPlan& p : w.plans) {
    out << "plan " << p.fingerprint << " " << static_cast<int>(p.format) << " " << hex(p.duration_ms) << " "
        << p.occurrences << " " << loc(p.location) << "\n  " << p.query << "\n  " << p.plan << "\n";
  }
  for (const model::ReaderWarning& warning : w.warnings) {
    out << "warning " << static_cast<int>(warning.kind) << " " << loc(warning.location) << " "
        << warning.message << "\n";
  }
  for (const model::WorkloadSource& source : w.sources) {
    out << "source " << static_cast<int>(source.kind) << " " << source.path << " " << source.description
        << "\n";
  }
  for (const model::WriteRun& run : w.write_runs.runs) {
    out << "write_run " << run.occurrences << " " << loc(run.example);
    for (const std::uint64_t fp : run.fingerprints) {
      out << " " << fp;
    }
    for (const std::string& session : run.sessions) {
      out << " " << session;
    }
    out << "\n";
  }
  out << "write_runs_dropped " << w.write_runs.dropped << "\n";
  for (const auto& [shape, members] : w.transaction_shapes) {
    out << "transaction_shape " << shape;
    for (const std::uint64_t member : members) {
      out << " " << member;
    }
    out << "\n";
  }
}

} // namespace

int main(int argc, char** argv) {
  using namespace pgadvise;
  loaders::LogReadOptions options;
  options.progress = isatty(STDERR_FILENO) != 0;
  std::vector<std::string> paths;
  std::string pgss;
  bool dump = false;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--prefix" && i + 1 < argc) {
      options.log_line_prefix = argv[++i];
    } else if (arg == "--threads" && i + 1 < argc) {
      options.threads = static_cast<unsigned>(std::stoul(argv[++i]));
    } else if (arg == "--pgss" && i + 1 < argc) {
      pgss = argv[++i];
    } else if (arg == "--dump") {
      dump = true;
    } else {
      paths.push_back(arg);
    }
  }
  const auto start = std::chrono::steady_clock::now();
  loaders::LogReadResult result =
      pgss.empty() ? loaders::read_logs(paths, options) : loaders::read_pgss(pgss);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (dump) {
    dump_workload(std::cout, result.workload);
    for (const std::string& note : result.notes) {
      std::cout << "note: " << note << "\n";
    }
  } else {
    loaders::write_workload_summary(std::cout, result.workload);
  }
  for (const core::Finding& d : result.diagnostics) {
    std::cout << "warning: " << d.location.to_string() << ": " << d.message << "\n";
  }
  const double mb = static_cast<double>(result.workload.bytes) / 1e6;
  std::cout << "elapsed: " << seconds << " s, " << mb / seconds << " MB/s, "
            << static_cast<double>(result.workload.statements) / seconds << " statements/s\n";
  return result.usable ? 0 : 2;
}
