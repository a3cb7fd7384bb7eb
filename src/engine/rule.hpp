#pragma once

#include "core/finding.hpp"
#include "core/finding_sink.hpp"
#include "core/severity.hpp"
#include "model/catalog.hpp"
#include "model/live_analysis.hpp"
#include "model/project.hpp"
#include "model/workload.hpp"

#include <limits>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace pgadvise::engine {

// input: the built-in diagnostics (engine/builtin_diagnostics), which judge
// what could be read rather than the schema or workload; no Rule has it.
enum class Category { schema, query, project, plan, input };
std::string_view to_string(Category category);

// The model parts a rule may need; the runner skips a rule whose inputs are
// absent (and says so under --verbose).
// other_schemas: a second schema source besides the catalog (snapshot-drift).
enum class Input { catalog, workload, project, plans, live, other_schemas };
std::string_view to_string(Input input);

// Which runs a rule judges. state: what the schema and workload cost now,
// on every run. The other two judge how the schema changes, so only
// migrations not yet applied (app/scope/lens): change, how a migration applies
// (locks, rewrites), whose applied instances cost nothing more and are not
// reported; convention, what a new column should be, whose applied
// instances are existing columns a rewrite rarely pays for, so they get one
// low summary per rule.
enum class Lens { state, change, convention };
std::string_view to_string(Lens lens);

// What `pgadvise fix` writes for a rule's findings besides an index their
// DDL creates or drops: a column's new type (the schema.ts column, or an
// ALTER TABLE in a new migration), or the project's push command turned
// into generate + migrate (a shell fix).
enum class FixEdit { index_ddl, column_type, push_command };

struct RuleOption {
  std::string name;
  std::string default_value;
  std::string description;
};

// Written with designated initializers naming what differs from the
// defaults: `{.id = std::string(k_id), .summary = "...", .inputs = {...}}`.
struct RuleMeta {
  std::string id;      // kebab-case, also the file names
  std::string summary; // one line
  Category category = Category::schema;
  core::Severity default_severity = core::Severity::medium;
  std::vector<Input> inputs{};
  bool has_fix = false;
  std::vector<RuleOption> options{};
  Lens lens = Lens::state;
  // What the passes over all findings need to know of this rule, said here
  // so that no layer outside src/rules/ branches on a rule id:
  // its index fix is served by any index leading with the finding's columns
  // in any order (a foreign key's columns are a set, not a sequence);
  bool index_columns_any_order = false;
  // with --db, its findings are confirmed, and ranked, by EXPLAIN ANALYZE
  // plans that scan the finding's table filtering on its leading column;
  bool confirmed_by_plan = false;
  // it judges a single statement on its own (`pgadvise explain`, the shell);
  bool judges_one_statement = false;
  // each finding is its own action (an index to create, a loop to change):
  // the text report never folds them into one entry, and gathers the CREATE
  // INDEX statements of their fixes into one block.
  bool each_finding_an_action = false;
  // what `pgadvise fix` may write for its findings (app/fix/fix).
  FixEdit fix_edit = FixEdit::index_ddl;
  // Whether its fix is safe (applied by `pgadvise fix` by default), unsafe
  // (only with --unsafe-fixes) or manual (application code, never written):
  // every rule with has_fix says (RuleRegistry.EveryFixProposingRuleSaysHowSafeItsFixIs),
  // and the runner puts it on each of its findings' fixes.
  std::optional<core::FixApplicability> fix_applicability{};
  // check() judges each table of the catalog apart from the others, walking
  // the context's `tables` (rules::catalog_tables): the runner may split a
  // big catalog's tables among its workers, each call given a slice, and
  // puts their findings back in the tables' order. A rule that keeps
  // anything from one table to the next is not per-table.
  bool per_table = false;
};

// Resolved options of one rule: defaults overridden by the user's settings.
class RuleOptions {
public:
  RuleOptions() = default;
  explicit RuleOptions(std::map<std::string, std::string> values) : m_values(std::move(values)) {}
  [[nodiscard]] std::string get(const std::string& name) const;
  [[nodiscard]] long get_int(const std::string& name) const;
  [[nodiscard]] double get_double(const std::string& name) const;
  [[nodiscard]] bool get_bool(const std::string& name) const;

private:
  std::map<std::string, std::string> m_values;
};

// Everything a rule's check() can see: the model, never files or handles.
struct RuleContext {
  const model::Catalog* catalog = nullptr; // null when no schema was found
  const model::Project* project = nullptr;
  const model::Workload* workload = nullptr; // null when no queries were read
  const model::LiveAnalysis* live_analysis =
      nullptr; // EXPLAIN results and index proposals (--db with a workload)
  // The other schema sources (newest snapshot, Drizzle schema) besides
  // `catalog`; null when there are none (snapshot-drift).
  const std::vector<model::Catalog>* other_schemas = nullptr;
  // The schema as the project's files give it: the same as `catalog` unless
  // --db made the live catalog primary. Drift is between files, so
  // snapshot-drift compares this one (a server prints defaults differently).
  const model::Catalog* files_catalog = nullptr;
  RuleOptions options;
  core::Severity severity = core::Severity::medium; // default or user override
  // The catalog's tables a per-table rule judges in this call (by position):
  // every one unless the runner split them (RuleMeta::per_table).
  struct TableSlice {
    std::size_t first = 0;
    std::size_t count = std::numeric_limits<std::size_t>::max();
  };
  TableSlice tables;
};

// A rule is its metadata, given to the constructor, and its check().
class Rule {
public:
  explicit Rule(RuleMeta meta) : m_meta(std::move(meta)) {}
  virtual ~Rule() = default;
  Rule(const Rule&) = delete;
  Rule& operator=(const Rule&) = delete;
  Rule(Rule&&) = delete;
  Rule& operator=(Rule&&) = delete;

  [[nodiscard]] const RuleMeta& meta() const { return m_meta; }
  // Const and stateless so rules can run in parallel. Findings get the
  // context's severity unless the rule grades them itself. `out` may write
  // them to a file as they come (core::FindingSink): push each when it is
  // final (back() may still amend the last one).
  virtual void check(const RuleContext& context, core::FindingSink& out) const = 0;

private:
  RuleMeta m_meta;
};

} // namespace pgadvise::engine
