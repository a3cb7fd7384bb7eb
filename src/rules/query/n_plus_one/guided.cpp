// The project's loops and what a log shows of them: which rule reports
// each, and n-plus-one's findings for the loops its bursts miss.
#include "rules/query/n_plus_one/guided.hpp"

#include "advisor/batch_rewrite.hpp"
#include "advisor/drizzle_render.hpp"
#include "advisor/query_evidence.hpp"
#include "core/format.hpp"
#include "rules/query/n_plus_one/code.hpp"
#include "rules/query/n_plus_one/parent.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <iterator>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <unordered_map>

namespace pgadvise::rules::n_plus_one {

namespace {

using model::QueryStats;
using model::StatementKind;

bool is_write(const model::QueryCall& call) {
  return call.kind == model::QueryCallKind::insert || call.kind == model::QueryCallKind::update ||
         call.kind == model::QueryCallKind::remove;
}

bool ends_with_path(const std::string& path, const std::string& tail) {
  return path.size() >= tail.size() + 1 && path.compare(path.size() - tail.size(), tail.size(), tail) == 0 &&
         path[path.size() - tail.size() - 1] == '/';
}

// A script named for a one-off run: `"db:seed"`, `"backfill"`, `"bench"`.
bool one_off_script(std::string_view name) {
  for (std::string_view one_off : {"seed", "reset", "backfill", "migrat", "import", "bench", "traffic",
                                   "load", "fixture", "demo", "populate", "fake", "sample"}) {
    if (name.find(one_off) != std::string_view::npos) {
      return true;
    }
  }
  return false;
}

// A seed program, or one only scripts named for one-off runs start
// (`"traffic": "tsx src/traffic.ts"`): a worker or a server (`"dev"`,
// `"worker"`) serves requests, even when started directly.
bool one_off_program(const model::Project& project, const std::string& path) {
  for (const model::ProgramFile& program : project.programs) {
    if (!ends_with_path(path, program.path)) {
      continue;
    }
    if (program.seed) {
      return true;
    }
    const std::string name = program.path.substr(program.path.rfind('/') + 1);
    bool one_off = false;
    bool other = false;
    for (const model::Package& package : project.packages) {
      for (const model::Script& script : package.scripts) {
        if (script.command.text.find(name) != std::string::npos) {
          (one_off_script(script.name) ? one_off : other) = true;
        }
      }
    }
    return one_off && !other;
  }
  return false;
}

// Tests, seeds, one-off scripts and migrations run a loop once, on purpose:
// not a request's cost.
bool off_request_path(const model::Project& project, const std::string& file) {
  // Within the project: a checkout under a `tests/` folder is not a test.
  const std::string root = project.root.lexically_normal().generic_string();
  const bool inside = !root.empty() && root != "." && file.rfind(root, 0) == 0;
  const std::string path = "/" + (inside ? file.substr(root.size()) : file);
  for (const char* part : {"/__tests__/", "/test/", "/tests/", "/e2e/", "/scripts/", "/seed/", "/seeds/",
                           "/migrations/", "/migrate/"}) {
    if (path.find(part) != std::string::npos) {
      return true;
    }
  }
  const std::size_t slash = path.rfind('/');
  const std::string name = path.substr(slash + 1);
  if (name.find(".test.") != std::string::npos || name.find(".spec.") != std::string::npos ||
      name.rfind("seed", 0) == 0 || name.rfind("migrate", 0) == 0) {
    return true;
  }
  return one_off_program(project, path);
}

bool literal(const std::string& value) {
  if (value.empty()) {
    return true;
  }
  const char first = value.front();
  return first == '"' || first == '\'' || (first == '`' && value.find("${") == std::string::npos) ||
         (std::isdigit(static_cast<unsigned char>(first)) != 0) || value == "true" || value == "false" ||
         value == "null";
}

// A `while` or `do` loop whose statement looks nothing up by a value that
// changes per turn (`eq(jobs.status, "queued")` with `.limit(20)`, a page
// after a cursor, a retry): it polls or pages, a batch per turn, not a row.
bool polls_or_pages(const model::QueryCall& call) {
  return (call.loop == "while" || call.loop == "do...while") &&
         std::all_of(call.key_values.begin(), call.key_values.end(), literal);
}

std::string digits(std::uint64_t value) {
  return core::group_digits(static_cast<std::int64_t>(value));
}

// The schema's table of a statement's first table.
const model::Table* first_table(const engine::RuleContext& context, const QueryStats& query) {
  return query.shape.tables.empty() ? nullptr
                                    : advisor::find_table(context.catalog, query.shape.tables.front().schema,
                                                          query.shape.tables.front().name);
}

bool same_kind(StatementKind kind, model::QueryCallKind call) {
  return kind == statement_kind(call);
}

// A call that takes `.limit(n)` issues a statement with a LIMIT, one that
// takes all rows one without: the two lookups of one table by one key (the
// latest event of a shipment, its whole history) are told apart so.
bool same_limit(const model::QueryCall& call, const QueryStats& query) {
  return call.kind != model::QueryCallKind::select || call.limit.empty() != query.shape.has_limit;
}

// The value the statement's LIMIT took in the logged example (`$2 = '1'`).
std::optional<long> example_limit(const QueryStats& query) {
  if (query.shape.limit) {
    return static_cast<long>(*query.shape.limit);
  }
  for (const auto& [param, clause] : query.shape.param_clauses) {
    if (clause != "limit") {
      continue;
    }
    const std::string name = "$" + std::to_string(param) + " = '";
    const std::size_t at = query.example_params.find(name);
    if (at == std::string::npos) {
      return std::nullopt;
    }
    const char* begin = query.example_params.c_str() + at + name.size();
    char* end = nullptr;
    const long value = std::strtol(begin, &end, 10);
    return end != begin && *end == '\'' ? std::optional<long>(value) : std::nullopt;
  }
  return std::nullopt;
}

// A read whose rows can drive a loop: not an aggregate, not one row.
bool reads_rows(const QueryStats& query) {
  if (!repeatable(&query) || query.shape.kind != StatementKind::select || query.shape.has_aggregate) {
    return false;
  }
  const std::optional<long> limit = example_limit(query);
  return !limit || *limit > 1;
}

// How the log's runs of the child (two or more executions in one group)
// stand after a candidate parent: right after it on one connection, or in a
// fan-out on several backends it ran just before.
struct AfterParent {
  std::uint64_t runs = 0;
  std::uint64_t children = 0;
  std::uint32_t max_backends = 0;
  std::string backend_list;
  core::SourceLocation first;
};

// The log's repeats by their statement, indexed once for every loop.
using RepeatsByChild = std::unordered_map<std::uint64_t, std::vector<const model::Repeat*>>;

RepeatsByChild repeats_by_child(const model::Workload& workload) {
  RepeatsByChild out;
  for (const model::Repeat& repeat : workload.repeats) {
    if (repeat.count >= 2 && repeat.distinct_params >= 2) {
      out[repeat.fingerprint].push_back(&repeat);
    }
  }
  return out;
}

AfterParent runs_after(const RepeatsByChild& repeats, std::uint64_t child, std::uint64_t parent) {
  AfterParent out;
  const auto found = repeats.find(child);
  if (found == repeats.end()) {
    return out;
  }
  for (const model::Repeat* each : found->second) {
    const model::Repeat& repeat = *each;
    const bool fan_out = repeat.grouping == model::Repeat::Grouping::fan_out;
    const bool after =
        fan_out ? std::any_of(repeat.fan_parents.begin(), repeat.fan_parents.end(),
                              [&](const model::Repeat::FanParent& p) { return p.fingerprint == parent; })
                : std::find(repeat.candidates.begin(), repeat.candidates.end(), parent) !=
                      repeat.candidates.end();
    if (!after) {
      continue;
    }
    ++out.runs;
    out.children += repeat.count;
    if (!out.first.known()) {
      out.first = repeat.location;
    }
    if (repeat.backends > out.max_backends && !repeat.backend_list.empty()) {
      out.max_backends = repeat.backends;
      out.backend_list = repeat.backend_list;
    }
  }
  return out;
}

// The loop's statement and the read its rows come from, as the code and the
// log show them together.
struct Guided {
  const model::QueryCall* call = nullptr;
  std::vector<const QueryStats*> issued; // every logged statement the call can issue
  const QueryStats* child = nullptr;     // the one it issues (its limit too), when one
  const QueryStats* parent = nullptr;
  AfterParent after;
  double per_parent = 0;
  // The child's executions that looked up a key another statement (not the
  // parent, not the loop's) had just looked up: a request's own lookups
  // outside the loop, left out of per_parent. The statement most of them
  // followed.
  std::uint64_t own_lookups = 0;
  const QueryStats* own_after = nullptr;
  bool confirmed = false;
  // Confirmed by the log's request windows (Workload::parent_follows): most
  // of the parent's executions were given two or more of the child's,
  // however few; `follow` says how many and how surely.
  const model::ParentFollow* follow = nullptr;
  // The loop the log's bursts of the same statement were given to.
  std::optional<core::SourceLocation> owner;
};

// The executions of `child` that looked up a key a statement outside
// `excluded` (the loop's own and its parent) had looked up just before
// (Workload::key_after), and the statement most of them followed.
std::pair<std::uint64_t, std::uint64_t> own_lookups(const model::Workload& workload, std::uint64_t child,
                                                    const std::vector<std::uint64_t>& excluded) {
  std::uint64_t total = 0;
  std::pair<std::uint64_t, std::uint64_t> most{0, 0}; // (times, statement)
  for (auto it = workload.key_after.lower_bound({child, 0});
       it != workload.key_after.end() && it->first.first == child; ++it) {
    if (std::find(excluded.begin(), excluded.end(), it->first.second) != excluded.end()) {
      continue;
    }
    total += it->second;
    most = std::max(most, std::pair<std::uint64_t, std::uint64_t>{it->second, it->first.second});
  }
  return {total, most.second};
}

// The code names the loop and its parent read; the log's request windows
// confirm it when most of the read's executions were each given two or more
// of the loop's statements, whatever the loop's size (a request's 3 roles,
// 5 members). The read most of whose executions were followed so is the
// parent. Without the code no loop is named, and min-burst still rules.
//
// The counts alone (the loop's statements per execution of a read) confirm
// a loop too, and may name a read that merely runs less often (a comment's
// members read, 14 permission lookups "per execution", where each of the
// roles read's executions was followed by its own 3 or 4): the read whose
// executions the log shows followed more often is the parent then.
template <typename ReadBefore>
void confirm_by_requests(const model::Workload& workload, const JudgeOptions& options,
                         const ReadBefore& read_before, Guided& out) {
  // The share of the read's executions followed so, weighed by how surely
  // their statements were theirs (on the request's connection, or with the
  // read alone open): another request's loop just after a read gives it
  // statements too, mostly by timing,
  const auto share_of = [&](const QueryStats& read, const model::ParentFollow*& follow) {
    const auto found = workload.parent_follows.find({out.child->fingerprint, read.fingerprint});
    follow = found == workload.parent_follows.end() ? nullptr : &found->second;
    return follow == nullptr || read.calls == 0
               ? 0.0
               : static_cast<double>(follow->followed) / static_cast<double>(read.calls);
  };
  // ... and by how near constant its statements per execution stay (a
  // loop's follow its rows; another request's, caught in a read's window
  // now and then, come in any number).
  const auto score_of = [](const model::ParentFollow& follow, double share) {
    return share * static_cast<double>(follow.by_connection + follow.alone) /
           static_cast<double>(std::max<std::uint64_t>(follow.children, 1)) *
           static_cast<double>(follow.min_k) / static_cast<double>(std::max<std::uint32_t>(follow.max_k, 1));
  };
  const model::ParentFollow* chosen = nullptr;
  const QueryStats* parent = nullptr;
  double best_score = 0;
  for (const QueryStats& candidate : workload.queries) {
    const model::ParentFollow* follow = nullptr;
    const double share = share_of(candidate, follow);
    if (follow == nullptr || !read_before(candidate)) {
      continue;
    }
    if (follow->followed >= options.min_executions && candidate.calls >= options.min_executions &&
        2 * follow->followed > candidate.calls && score_of(*follow, share) > best_score) {
      best_score = score_of(*follow, share);
      chosen = follow;
      parent = &candidate;
    }
  }
  if (chosen == nullptr) {
    return;
  }
  if (out.confirmed) {
    const model::ParentFollow* counted = nullptr;
    const double counted_share = share_of(*out.parent, counted);
    if (parent == out.parent || (counted != nullptr && score_of(*counted, counted_share) >= best_score)) {
      return; // the counts' parent is the requests' too
    }
  }
  out.parent = parent;
  out.follow = chosen;
  out.per_parent = static_cast<double>(chosen->children) / static_cast<double>(chosen->followed);
  out.confirmed = true;
}

Guided guide(const engine::RuleContext& context, const JudgeOptions& options, const Covered& covered,
             const RepeatsByChild& repeats, const CodeLoop& loop) {
  Guided out;
  const model::Workload& workload = *context.workload;
  for (const model::QueryCall* call : loop.calls) {
    std::vector<const QueryStats*> issued = issued_statements(context, *call);
    if (!issued.empty() && (out.call == nullptr || call == &loop.primary())) {
      out.call = call;
      out.issued = std::move(issued);
    }
  }
  if (out.call == nullptr) {
    return out;
  }
  std::vector<const QueryStats*> exact;
  std::copy_if(out.issued.begin(), out.issued.end(), std::back_inserter(exact),
               [&](const QueryStats* q) { return same_limit(*out.call, *q) && per_row(*q); });
  if (exact.size() != 1) {
    return out;
  }
  out.child = exact.front();
  // The statements of the loop itself (a body that looks up one row's key
  // twice is still the loop): each call's own, the one it issues exactly.
  std::vector<std::uint64_t> excluded;
  for (const model::QueryCall* call : loop.calls) {
    std::vector<const QueryStats*> own = issued_statements(context, *call);
    std::erase_if(own, [&](const QueryStats* q) { return !same_limit(*call, *q) || !per_row(*q); });
    if (own.size() == 1) {
      excluded.push_back(own.front()->fingerprint);
    }
  }
  excluded.push_back(0);
  // The parent: a read of a table the loop's function read before the loop.
  const auto read_before = [&](const QueryStats& candidate) {
    const model::Table* table = first_table(context, candidate);
    return &candidate != out.child && table != nullptr && candidate.calls != 0 && reads_rows(candidate) &&
           std::find(out.call->tables_before.begin(), out.call->tables_before.end(), table->property.str()) !=
               out.call->tables_before.end();
  };
  std::tuple<bool, std::uint64_t, double> best{false, 0, 0.0};
  for (const QueryStats& candidate : workload.queries) {
    if (!read_before(candidate)) {
      continue;
    }
    // Only the loop's executions count per parent: a request that calls
    // the same helper once, outside the loop, adds executions of its own.
    excluded.back() = candidate.fingerprint;
    const auto [own, own_after] = own_lookups(workload, out.child->fingerprint, excluded);
    const std::uint64_t in_loop = out.child->calls - std::min(own, out.child->calls);
    const double per_parent = static_cast<double>(in_loop) / static_cast<double>(candidate.calls);
    AfterParent after = runs_after(repeats, out.child->fingerprint, candidate.fingerprint);
    const std::tuple<bool, std::uint64_t, double> key{per_parent >= options.min_burst, after.runs,
                                                      per_parent};
    if (after.runs > 0 && key > best) {
      best = key;
      out.parent = &candidate;
      out.after = std::move(after);
      out.per_parent = per_parent;
      out.own_lookups = out.child->calls - in_loop;
      out.own_after = own_after != 0 ? workload.find(own_after) : nullptr;
    }
  }
  for (const auto& [child, at] : covered.placed_children) {
    if (child == out.child->fingerprint) {
      out.owner = at;
    }
  }
  out.confirmed = out.parent != nullptr && out.per_parent >= options.min_burst && out.after.runs >= 2 &&
                  out.parent->calls >= options.min_executions && !out.owner;
  if (!out.owner) {
    confirm_by_requests(workload, options, read_before, out);
  }
  return out;
}

// medium: the rows come from an earlier query (the classic N+1) or each
// row is written; low otherwise.
core::Severity code_severity(const CodeLoop& loop) {
  const bool batchable = std::any_of(loop.calls.begin(), loop.calls.end(), [](const model::QueryCall* c) {
    return is_write(*c) || !c->tables_before.empty();
  });
  return batchable ? core::Severity::medium : core::Severity::low;
}

void help_and_sql_fix(const engine::RuleContext& context, const QueryStats& child, core::Finding& finding,
                      core::Fix& fix) {
  const std::string table = finding.object.table.empty() ? "the table" : finding.object.table;
  const std::string key = finding.object.columns.empty() ? "id" : finding.object.columns.front();
  if (child.shape.kind == StatementKind::insert) {
    finding.help = "The application inserts one row per statement, once per row of a loop. Send the rows in "
                   "one statement: INSERT ... VALUES (...), (...), ... or INSERT ... SELECT * FROM "
                   "unnest($1::type[], ...) with one array parameter per column.";
    fix.code().sends = advisor::unnest_rewrite(child.normalized, first_table(context, child));
    return;
  }
  finding.help =
      "The application runs this statement once per row of a loop. Do it once for all rows: WHERE " + key +
      " = ANY($1) with the keys as an array (or JOIN " + table +
      " in the query the rows come from), then match the rows in the application.";
  fix.code().sends = advisor::any_rewrite(child.shape, child.normalized);
}

// " (45 of them right after select ... looked up the same key: ...)" when
// some of the child's executions were requests' own lookups, else "".
std::string own_note(const Guided& g) {
  if (g.own_lookups == 0) {
    return {};
  }
  return " (" + digits(g.own_lookups) + " of them right after " +
         (g.own_after != nullptr ? advisor::short_select(g.own_after->normalized, 100)
                                 : std::string("another statement")) +
         " looked up the same key: a request's own lookup outside the loop, not counted per parent)";
}

// The loop confirmed from the code and the log together.
core::Finding confirmed_finding(std::string_view rule_id, const engine::RuleContext& context,
                                const Guided& g) {
  const QueryStats& child = *g.child;
  const QueryStats& parent = *g.parent;
  core::Finding finding = advisor::query_finding(rule_id, context.severity, child, context.catalog);
  finding.object.columns = lookup_columns(child);
  char ratio[32];
  std::snprintf(ratio, sizeof ratio, "%.1f", g.per_parent);
  const StatementKind kind = child.shape.kind;
  const std::string what = kind == StatementKind::insert    ? "Row-by-row inserts: "
                           : kind == StatementKind::update  ? "Row-by-row updates: "
                           : kind == StatementKind::delete_ ? "Row-by-row deletes: "
                                                            : "N+1 queries: ";
  finding.message = what + advisor::short_select(child.normalized, 100) + " ran " + digits(child.calls) +
                    " times" + own_note(g) + ", " + ratio + " per execution of " +
                    advisor::short_select(parent.normalized, 100) + " (" + digits(parent.calls) +
                    " executions)";
  finding.evidence.insert(
      finding.evidence.begin(),
      core::Evidence{
          core::Evidence::Kind::log,
          digits(g.after.runs) + " runs of it (" + digits(g.after.children) +
              " statements) followed the parent statement right away" +
              (g.after.max_backends > 1 ? ", on up to " + std::to_string(g.after.max_backends) +
                                              " backends (" + g.after.backend_list + ")"
                                        : std::string()) +
              "; the others ran on the pool's backends between other requests' statements (a busy "
              "pool makes each wait for a connection), so the log alone cannot give each its parent "
              "execution: the code does (the loop's rows come from this read of its table)",
          g.after.first});
  finding.evidence.push_back(core::Evidence{
      core::Evidence::Kind::query,
      "parent statement: " + digits(parent.calls) + " executions, " + ratio +
          " of the loop's statements each on the whole: " + advisor::short_select(parent.normalized),
      parent.first_seen});
  core::Fix fix;
  fix.change.emplace<core::CodeChange>();
  help_and_sql_fix(context, child, finding, fix);
  const model::Table* parent_table = first_table(context, parent);
  place_at_call(context, *g.call, child, parent_table != nullptr ? parent_table->property.str() : "", finding,
                fix);
  finding.fix = std::move(fix);
  finding.weight = static_cast<std::uint32_t>(std::min<std::uint64_t>(child.calls, UINT32_MAX));
  return finding;
}

// "3" or "3-5": the children per followed execution of the parent.
std::string k_range(const model::ParentFollow& follow) {
  return follow.min_k == follow.max_k ? std::to_string(follow.min_k)
                                      : std::to_string(follow.min_k) + "-" + std::to_string(follow.max_k);
}

// How sure the log's request windows are of each child's request, for the
// evidence: its connection's previous statement was the request's, its
// read's execution was the only one open, or the nearest of several.
std::string attribution_note(const model::ParentFollow& follow) {
  const std::uint64_t all = std::max<std::uint64_t>(follow.children, 1);
  const double sure = static_cast<double>(follow.by_connection + follow.alone) / static_cast<double>(all);
  std::string out =
      "without traces, each of those " + digits(follow.children) +
      " statements was given to the read's execution whose request it most likely belongs to: " +
      digits(follow.by_connection) + " ran on the connection that request had just used, " +
      digits(follow.alone) + " while that execution was the only one open, " + digits(follow.nearest) +
      " went to the nearest of several open at once (other requests'); ";
  out += sure >= 0.8   ? "the attribution is near certain"
         : sure >= 0.5 ? "the attribution is likely, not certain"
                       : "the attribution is a best guess from timing (many requests at once)";
  out += " (" + core::percent(sure) + " by connection or alone)";
  return out;
}

// The log lines of the first followed execution of the parent and its children.
std::string example_lines(const model::ParentFollow& follow) {
  std::string out = follow.example_parent.to_string() + " (the read), then line";
  out += follow.example_children.size() == 1 ? " " : "s ";
  for (std::size_t i = 0; i < follow.example_children.size(); ++i) {
    out += (i == 0 ? "" : ", ") + std::to_string(follow.example_children[i]);
  }
  return out;
}

// The loop the code names, confirmed by the log's request windows: most of
// the parent's executions were followed by a few of its statements each.
// The severity follows what the loop costs (executions x time), not how
// long its runs are.
core::Finding follow_finding(std::string_view rule_id, const engine::RuleContext& context, const Guided& g) {
  const QueryStats& child = *g.child;
  const QueryStats& parent = *g.parent;
  const model::ParentFollow& follow = *g.follow;
  const model::QueryCall& call = *g.call;
  const double request_ms = child.mean_ms() * follow.max_k;
  const core::Severity cost =
      child.total_ms >= 1000.0 || request_ms >= 100.0 ? core::Severity::critical : core::Severity::high;
  core::Finding finding =
      advisor::query_finding(rule_id, std::min(context.severity, cost), child, context.catalog);
  finding.object.columns = lookup_columns(child);
  const StatementKind kind = child.shape.kind;
  const std::string noun = kind == StatementKind::insert    ? "inserts"
                           : kind == StatementKind::update  ? "updates"
                           : kind == StatementKind::delete_ ? "deletes"
                                                            : "lookups";
  const std::string parent_table =
      parent.shape.tables.empty() ? std::string("its table") : parent.shape.tables.front().name;
  const std::string table =
      child.shape.tables.empty() ? std::string() : child.shape.tables.front().name + " ";
  // One sentence: what ran per parent, how often, what it cost; where the
  // loop is (place_at_call) follows.
  finding.message = "Query in a loop, confirmed by the log: " + k_range(follow) + " " + table + noun +
                    (opens_transaction_per_row(call) ? ", each in its own transaction," : "") +
                    " after each of " + digits(follow.followed) + " of the " + digits(parent.calls) +
                    " reads of " + parent_table + " (" + digits(child.calls) + " statements, " +
                    core::human_duration_ms(child.total_ms) + " in all)";
  finding.evidence.insert(
      finding.evidence.begin(),
      core::Evidence{core::Evidence::Kind::log,
                     digits(follow.followed) + " of the parent's " + digits(parent.calls) +
                         " executions were each followed by " + k_range(follow) +
                         " of the loop's statements (" + digits(follow.children) + " in all; " +
                         digits(follow.single) +
                         " got one), on any of the pool's connections: " + example_lines(follow),
                     follow.example_parent});
  finding.evidence.insert(finding.evidence.begin() + 1,
                          core::Evidence{core::Evidence::Kind::log, attribution_note(follow), {}});
  finding.evidence.push_back(core::Evidence{core::Evidence::Kind::query,
                                            "parent statement: " + digits(parent.calls) +
                                                " executions: " + advisor::short_select(parent.normalized),
                                            parent.first_seen});
  core::Fix fix;
  fix.change.emplace<core::CodeChange>();
  help_and_sql_fix(context, child, finding, fix);
  const model::Table* parent_table_model = first_table(context, parent);
  place_at_call(context, call, child, parent_table_model != nullptr ? parent_table_model->property.str() : "",
                finding, fix);
  finding.fix = std::move(fix);
  finding.weight = static_cast<std::uint32_t>(std::min<std::uint64_t>(child.calls, UINT32_MAX));
  return finding;
}

// The loop read from the code, with what the log shows of its statement.
core::Finding unconfirmed_finding(std::string_view rule_id, const engine::RuleContext& context,
                                  const CodeLoop& loop, const Guided& g) {
  const QueryStats& shown = g.child != nullptr ? *g.child : *g.issued.front();
  core::Finding finding = advisor::query_finding(rule_id, std::min(context.severity, code_severity(loop)),
                                                 shown, context.catalog);
  finding.object.columns = lookup_columns(shown);
  finding.message = "Query in a loop the log does not confirm per row: ";
  std::uint64_t calls = 0;
  for (const QueryStats* q : g.issued) {
    calls += q->calls;
  }
  std::string detail =
      "the log ran " + (g.child != nullptr ? "the loop's statement " + digits(g.child->calls) +
                                                 (g.child->calls == 1 ? " time" : " times") + own_note(g)
                                           : std::to_string(g.issued.size()) + " statements it can issue " +
                                                 digits(calls) + " times");
  if (g.owner) {
    detail += ", but the log's runs of it are the loop at " + g.owner->to_string() + "'s";
  } else if (g.parent != nullptr) {
    char ratio[32];
    std::snprintf(ratio, sizeof ratio, "%.1f", g.per_parent);
    const std::string table =
        g.parent->shape.tables.empty() ? std::string("its table") : g.parent->shape.tables.front().name;
    detail += ", " + std::string(ratio) + " per read of " + table + " (" + digits(g.parent->calls) +
              (g.parent->calls == 1 ? " read" : " reads") + "), not enough to say it runs once per row";
  } else {
    detail += ", never right after a read of the table its rows come from";
  }
  finding.message += detail;
  if (g.parent != nullptr && !g.owner) {
    finding.evidence.push_back(core::Evidence{
        core::Evidence::Kind::query,
        "the read its rows likely come from: " + digits(g.parent->calls) + " executions, " +
            digits(g.after.runs) +
            " runs of the loop's statement right after it: " + advisor::short_select(g.parent->normalized),
        g.parent->first_seen});
  }
  core::Fix fix;
  fix.change.emplace<core::CodeChange>();
  help_and_sql_fix(context, shown, finding, fix);
  // Read from the code, as query-in-loop's: the loop's own Drizzle fix, no
  // statement of SQL to merge with another loop's finding of the same one.
  fix.code().sends.clear();
  place_at_call(context, *g.call, shown, "", finding, fix);
  finding.fix = std::move(fix);
  const model::QueryCall& call = *g.call;
  finding.compute_fingerprint(call.loop_location.file + "|" + call.loop + "|" + call.table);
  return finding;
}

} // namespace

const model::QueryCall& CodeLoop::primary() const {
  const auto write = std::find_if(calls.begin(), calls.end(), [](const auto* c) { return is_write(*c); });
  return write != calls.end() ? **write : *calls.front();
}

std::vector<CodeLoop> code_loops(const model::Project& project) {
  std::vector<CodeLoop> loops;
  for (const model::QueryCall& call : project.query_calls) {
    if (call.loop.empty() || call.loop_constant > 0 || polls_or_pages(call) ||
        off_request_path(project, call.loop_location.file) || off_request_path(project, call.location.file)) {
      continue;
    }
    const auto same = std::find_if(loops.begin(), loops.end(), [&](const CodeLoop& loop) {
      return loop.calls.front()->loop_location == call.loop_location;
    });
    if (same == loops.end()) {
      loops.push_back(CodeLoop{{&call}});
    } else {
      same->calls.push_back(&call);
    }
  }
  return loops;
}

std::vector<const QueryStats*> issued_statements(const engine::RuleContext& context,
                                                 const model::QueryCall& call) {
  std::vector<const QueryStats*> out;
  if (context.workload == nullptr) {
    return out;
  }
  for (const QueryStats& query : context.workload->queries) {
    if (query.calls == 0 || !repeatable(&query) || !same_kind(query.shape.kind, call.kind)) {
      continue;
    }
    const model::Table* table = first_table(context, query);
    if (table == nullptr || table->property != call.table) {
      continue;
    }
    bool by_key = query.shape.kind == StatementKind::insert;
    for (const std::string& column : lookup_columns(query)) {
      const std::string property = advisor::drizzle_property(*table, column);
      by_key = by_key || std::find(call.key_columns.begin(), call.key_columns.end(), property) !=
                             call.key_columns.end();
    }
    if (by_key) {
      out.push_back(&query);
    }
  }
  return out;
}

bool loop_in_log(const engine::RuleContext& context, const CodeLoop& loop) {
  return std::any_of(loop.calls.begin(), loop.calls.end(), [&](const model::QueryCall* call) {
    return !issued_statements(context, *call).empty();
  });
}

std::set<std::uint64_t> guided_findings(std::string_view rule_id, const engine::RuleContext& context,
                                        const JudgeOptions& options, const Covered& bursts,
                                        std::vector<core::Finding>& out) {
  std::set<std::uint64_t> replaced;
  const model::Project* project = context.project;
  if (project == nullptr || !project->scanned || !project->uses_drizzle || context.workload == nullptr ||
      !context.workload->ordered) {
    return replaced;
  }
  const std::vector<CodeLoop> loops = code_loops(*project);
  // How many of the code's loops can issue each unplaced burst's statement:
  // one alone may take its finding over; several stay named in it.
  std::map<std::uint64_t, std::size_t> issuers;
  for (const CodeLoop& loop : loops) {
    std::set<std::uint64_t> issued;
    for (const model::QueryCall* call : loop.calls) {
      for (const QueryStats* q : issued_statements(context, *call)) {
        if (bursts.unplaced_children.count(q->fingerprint) != 0) {
          issued.insert(q->fingerprint);
        }
      }
    }
    for (const std::uint64_t child : issued) {
      ++issuers[child];
    }
  }
  // A statement confirms one loop: a second loop issuing it is not
  // confirmed by the same counts (its runs are the first loop's).
  Covered covered = bursts;
  std::optional<RepeatsByChild> repeats; // indexed at the first loop that needs it
  for (const CodeLoop& loop : loops) {
    const model::QueryCall& first = *loop.calls.front();
    if (std::find(covered.loops.begin(), covered.loops.end(), first.loop_location) != covered.loops.end() ||
        !loop_in_log(context, loop)) {
      continue; // a burst finding's, or query-in-loop's
    }
    if (!repeats) {
      repeats = repeats_by_child(*context.workload);
    }
    const Guided g = guide(context, options, covered, *repeats, loop);
    if (g.call == nullptr) {
      continue;
    }
    const bool in_burst_finding = std::any_of(g.issued.begin(), g.issued.end(), [&](const QueryStats* q) {
      return covered.unplaced_children.count(q->fingerprint) != 0;
    });
    if (in_burst_finding) {
      // The burst finding at the log line names this loop, among others,
      // or found none after the parent its runs were judged after: the
      // one loop that issues its statement, confirmed here, takes it over.
      if (!g.confirmed || covered.unplaced_children.count(g.child->fingerprint) == 0 ||
          issuers[g.child->fingerprint] != 1) {
        continue;
      }
      replaced.insert(g.child->fingerprint);
    }
    if (g.confirmed) {
      out.push_back(g.follow != nullptr ? follow_finding(rule_id, context, g)
                                        : confirmed_finding(rule_id, context, g));
      covered.placed_children.emplace_back(g.child->fingerprint, out.back().location);
    } else {
      out.push_back(unconfirmed_finding(rule_id, context, loop, g));
    }
  }
  return replaced;
}

} // namespace pgadvise::rules::n_plus_one
