#pragma once

#include "core/heap_optional.hpp"
#include "core/rare_text.hpp"
#include "core/severity.hpp"
#include "core/shared_text.hpp"
#include "core/source_location.hpp"

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace pgadvise::core {

// The database object a finding is about. Empty fields are unknown or not
// applicable (an N+1 burst has no constraint).
struct ObjectRef {
  std::string schema;
  std::string table;
  std::vector<std::string> columns;
  std::string constraint;                      // constraint or index name
  [[nodiscard]] std::string to_string() const; // schema.table(col, ...) constraint
};

// What a fingerprint is made of besides the rule id: an object's identity
// and a discriminator separating findings on one object; never line
// numbers or message text.
struct FingerprintIdentity {
  std::string_view schema = {}; // empty: public
  std::string_view table = {};
  const std::vector<std::string>* columns = nullptr;
  std::string_view constraint = {};
  std::string_view discriminator = {};
};

// One piece of evidence: which input showed the problem and what it said.
struct Evidence {
  // Which input showed it; reports spell it as to_string() gives.
  enum class Kind {
    ddl,          // a migration's or dump's SQL (also a schema replayed from it)
    snapshot,     // a drizzle-kit snapshot
    schema,       // a Drizzle schema.ts file
    catalog,      // a live database's catalog
    log,          // server logs (bursts, counts)
    query,        // one statement of the workload, with its counts
    plan,         // an EXPLAIN plan
    verification, // a proposed index tried with HypoPG or a rolled-back real index
    code,         // the project's TypeScript (a loop, a Drizzle call)
    chain,        // one step from a site to the command it runs
    environment,  // which environment a site deploys to, and why
    condition,    // a guard pgadvise cannot decide
    deletes,      // what a seed program deletes
    comment,      // a pgadvise-ignore comment
    database,     // the further drizzle.config a finding's database comes from
    example,      // a logged execution (--show-literals)
    existing,     // an applied instance a convention summary stands for
    finding,      // another finding merged into this one
    observed,     // what PostgreSQL did (lint --verify-locks)
    other,        // a kind this version does not know (a merged report of another)
  };
  Kind kind = Kind::other;
  std::string detail; // human-readable: the DDL line, counts, plan node
  SourceLocation location;
};
std::string_view to_string(Evidence::Kind kind);
// The kind to_string() spells `text`; nullopt for a word it never writes.
std::optional<Evidence::Kind> parse_evidence_kind(std::string_view text);

// What a fix changes: the alternative a Fix holds (Fix::change), as the
// report's `kind` names it.
enum class FixKind : std::uint8_t { sql, shell, code };
std::string_view to_string(FixKind kind);
// The kind to_string() spells `text`; nullopt for a word it never writes.
std::optional<FixKind> parse_fix_kind(std::string_view text);

// Whether `pgadvise fix` applies a fix by default, as ruff's fixes are
// safe or unsafe. Safe: additive and cheap to undo (a new index built the
// way the table's size calls for, `push` -> `migrate` in a script, a
// suppression). Unsafe: rewrites or drops something or changes behaviour (a
// column type, a dropped index, NOT NULL, a changed default, a batched write
// that drops an `if`); applied only with --unsafe-fixes. Manual: application
// code, shown and never written. A fix whose rule does not say is unsafe.
enum class FixApplicability : std::uint8_t { safe, unsafe, manual };
std::string_view to_string(FixApplicability applicability);
// The applicability to_string() spells `text`; nullopt for a word it never writes.
std::optional<FixApplicability> parse_fix_applicability(std::string_view text);

// A change to the schema: SQL to run (or to put in a migration), and the
// schema.ts edit drizzle-kit turns into a migration (`commands`).
struct SqlChange {
  std::string ddl;
  RareText drizzle{}; // the Drizzle schema line, when the project uses Drizzle
  // Where `drizzle` goes: the schema file (with the table's line when it
  // was read) and the table's variable there; empty when unknown.
  RareText drizzle_file{};
  RareText drizzle_table{};
  // The project's commands that turn the schema edit into a migration and
  // apply it ("npm run db:generate && npm run db:migrate").
  RareText commands{};
};

// A change to the project's commands (drizzle-push-in-production's
// generate + migrate steps): shell, never SQL.
struct ShellChange {
  std::string commands;
};

// A change to the application's code (a loop's queries as one, a pool made
// once): never a migration.
struct CodeChange {
  RareText code{};  // the TypeScript that replaces the code at `at`
  RareText at{};    // the loop's file:line; empty when unknown
  RareText table{}; // the table's variable the new code uses
  // The SQL the new code sends (one batched query, or the writes in one
  // transaction), when there is one to show.
  std::string sends{};
};

// A proposed fix: one of the three changes, with what applying it risks.
// The Drizzle texts are RareText (8 bytes, nothing on the heap while
// empty, as they are for a plain SQL file): a fix is 96 bytes, not 184
// (450,000 fixes at 100,000 tables).
struct Fix {
  std::variant<SqlChange, ShellChange, CodeChange> change;
  SharedText safety_note; // locking, rewrite or data caveats (often one text for many fixes)
  FixApplicability applicability = FixApplicability::unsafe;

  [[nodiscard]] FixKind kind() const { return static_cast<FixKind>(change.index()); }
  // The change of that kind; std::bad_variant_access for another kind.
  [[nodiscard]] SqlChange& sql() { return std::get<SqlChange>(change); }
  [[nodiscard]] const SqlChange& sql() const { return std::get<SqlChange>(change); }
  [[nodiscard]] ShellChange& shell() { return std::get<ShellChange>(change); }
  [[nodiscard]] const ShellChange& shell() const { return std::get<ShellChange>(change); }
  [[nodiscard]] CodeChange& code() { return std::get<CodeChange>(change); }
  [[nodiscard]] const CodeChange& code() const { return std::get<CodeChange>(change); }
  // The change of that kind, or nullptr.
  [[nodiscard]] SqlChange* if_sql() { return std::get_if<SqlChange>(&change); }
  [[nodiscard]] const SqlChange* if_sql() const { return std::get_if<SqlChange>(&change); }
  [[nodiscard]] const CodeChange* if_code() const { return std::get_if<CodeChange>(&change); }
  // What the fix shows to run: the SQL, the commands, or the SQL the new
  // code sends; and whether it is SQL (not shell).
  [[nodiscard]] const std::string& statements() const;
  [[nodiscard]] bool statements_are_sql() const { return kind() != FixKind::shell; }
  // The code to write: the schema.ts line or the application's TypeScript;
  // where it goes (the schema file, or the loop's file:line) and the
  // table's variable it names. Empty for commands.
  [[nodiscard]] const RareText& code_text() const;
  [[nodiscard]] const RareText& code_file() const;
  [[nodiscard]] const RareText& code_table() const;
  // A schema change's generate + migrate commands; empty for another kind.
  [[nodiscard]] const RareText& migrate_commands() const;
};

// A fix as the report's `fix` object spells it (docs/json-report.md): each
// kind's fields under the names every kind shares. The report writers and
// readers (JSON, the finding spill, merge) go through it, and only they.
struct FixFields {
  std::string_view ddl;           // SqlChange::ddl, ShellChange::commands, CodeChange::sends
  std::string_view drizzle;       // SqlChange::drizzle, CodeChange::code
  std::string_view drizzle_file;  // SqlChange::drizzle_file, CodeChange::at
  std::string_view drizzle_table; // SqlChange::drizzle_table, CodeChange::table
  std::string_view commands;      // SqlChange::commands
};
FixFields fix_fields(const Fix& fix);
// The change of `kind` those fields spell (a field the kind has no room for is dropped).
Fix fix_from_fields(FixKind kind, const FixFields& fields);

struct Finding {
  std::string rule;
  Severity severity = Severity::medium;
  // Evidence of cost where no saving was measured (an N+1's per-row
  // executions): findings with a weight trade places among themselves,
  // more first (order_by_weight).
  std::uint32_t weight = 0;
  std::string message; // what is wrong
  SharedText help;     // what to do (often the rule's one fixed text)
  ObjectRef object;
  SourceLocation location;
  std::vector<Evidence> evidence;
  // On the heap: a Finding is moved several times while the rules' outputs
  // are gathered, admitted and sorted (and 450,000 of them are held at once
  // at 100,000 tables), so its fixed part is kept small.
  HeapOptional<Fix> fix;
  std::string fingerprint; // see compute_fingerprint
  // Every rule that found this problem, `rule` (the primary) first, when
  // findings were merged into one (app/lint/consolidate); empty for a finding
  // only one rule reported. Read it through all_rule_ids().
  std::vector<std::string> rule_ids{};
  // Workload time the fix saves, from a verified index proposal (HypoPG or
  // a rolled-back real index) in a live run; 0 when not measured. Ranks
  // findings; the evidence says how it was measured.
  double saving_ms = 0;

  // `rule_ids`, or just `rule` when no other rule found the same problem.
  [[nodiscard]] std::vector<std::string> all_rule_ids() const;

  // Hash of rule id + object identity (not of line numbers or message text),
  // so a finding keeps its fingerprint when the file around it moves.
  // `discriminator` separates distinct findings on the same object.
  void compute_fingerprint(std::string_view discriminator = {});
  // The same from an explicit identity, for a finding whose shown object
  // is not what identifies it: a foreign key known by its table and
  // columns whatever its name, a diagnostic known by its file.
  void compute_fingerprint(const FingerprintIdentity& identity);
};

// Findings sorted for stable output: severity (most severe first), file,
// line, rule, object; then order_by_weight.
void sort_findings(std::vector<Finding>& findings);

// Within each severity, the findings with a weight trade the places they
// hold, more weight first; every other finding keeps its place (the most
// expensive N+1 first among the N+1s, the rest in file order). `finding_of`
// gives an item's finding.
template <class Items, class FindingOf> void order_by_weight(Items& items, FindingOf finding_of) {
  using Item = typename Items::value_type;
  for (std::size_t start = 0; start < items.size();) {
    const Severity severity = finding_of(items[start]).severity;
    std::size_t end = start;
    std::vector<std::size_t> slots;
    std::vector<Item> weighted;
    for (; end < items.size() && finding_of(items[end]).severity == severity; ++end) {
      if (finding_of(items[end]).weight > 0) {
        slots.push_back(end);
        weighted.push_back(std::move(items[end]));
      }
    }
    std::stable_sort(weighted.begin(), weighted.end(), [&](const Item& a, const Item& b) {
      return finding_of(a).weight > finding_of(b).weight;
    });
    for (std::size_t i = 0; i < slots.size(); ++i) {
      items[slots[i]] = std::move(weighted[i]);
    }
    start = end;
  }
}

} // namespace pgadvise::core
