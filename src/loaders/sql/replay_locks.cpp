#include "loaders/sql/replay_locks.hpp"

#include "core/text.hpp"
#include "loaders/sql/builtin_volatility.hpp"
#include "loaders/sql/replay_assumed.hpp"
#include "loaders/sql/replay_slices.hpp"
#include "model/platform_schemas.hpp"
#include "model/type_ref.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <string_view>

namespace pgadvise::loaders::replay {

namespace {

using model::LockMode;

// ALTER TABLE subcommands that take less than ACCESS EXCLUSIVE (the lock
// levels the ALTER TABLE page gives each form; every other form takes
// ACCESS EXCLUSIVE).
constexpr std::array<std::pair<std::string_view, LockMode>, 16> k_weaker_subcommands{{
    {"AT_SetStatistics", LockMode::share_update_exclusive},
    {"AT_SetOptions", LockMode::share_update_exclusive}, // a column's n_distinct and the like
    {"AT_ResetOptions", LockMode::share_update_exclusive},
    {"AT_ValidateConstraint", LockMode::share_update_exclusive},
    {"AT_ClusterOn", LockMode::share_update_exclusive},
    {"AT_DropCluster", LockMode::share_update_exclusive},
    {"AT_AttachPartition", LockMode::share_update_exclusive}, // on the parent
    {"AT_DetachPartitionFinalize", LockMode::share_update_exclusive},
    {"AT_EnableTrig", LockMode::share_row_exclusive},
    {"AT_EnableAlwaysTrig", LockMode::share_row_exclusive},
    {"AT_EnableReplicaTrig", LockMode::share_row_exclusive},
    {"AT_EnableTrigAll", LockMode::share_row_exclusive},
    {"AT_EnableTrigUser", LockMode::share_row_exclusive},
    {"AT_DisableTrig", LockMode::share_row_exclusive},
    {"AT_DisableTrigAll", LockMode::share_row_exclusive},
    {"AT_DisableTrigUser", LockMode::share_row_exclusive},
}};

// Storage parameters SET (...) changes under SHARE UPDATE EXCLUSIVE; any
// other one takes ACCESS EXCLUSIVE.
bool weak_storage_parameter(std::string_view name) {
  return name == "fillfactor" || name == "parallel_workers" || name == "toast_tuple_target" ||
         name == "log_autovacuum_min_duration" || name == "vacuum_index_cleanup" ||
         name == "vacuum_truncate" || name.rfind("autovacuum_", 0) == 0 || name.rfind("toast.", 0) == 0;
}

LockMode storage_parameters_lock(const Json& cmd) {
  const Json* items = list_items(child(cmd, "def"));
  if (items == nullptr) {
    return LockMode::access_exclusive;
  }
  for (const Json& item : items_of(items)) {
    const Json* elem = as(item, "DefElem");
    std::string name = elem != nullptr ? string_field(*elem, "defname") : std::string();
    if (elem != nullptr && !string_field(*elem, "defnamespace").empty()) {
      name = string_field(*elem, "defnamespace") + "." + name;
    }
    if (!weak_storage_parameter(name)) {
      return LockMode::access_exclusive;
    }
  }
  return LockMode::share_update_exclusive;
}

// The first function call in `expr` that may be VOLATILE, or empty: a
// listed volatile builtin, a function the migrations created VOLATILE, or
// one pgadvise does not know (CREATE FUNCTION's default is VOLATILE).
std::string volatile_call(Replay& replay, const Json& expr) {
  if (is_array(&expr)) {
    for (const Json& item : items_of(&expr)) {
      if (std::string found = volatile_call(replay, item); !found.empty()) {
        return found;
      }
    }
    return {};
  }
  if (!is_object(&expr)) {
    return {};
  }
  if (const Json* call = as(expr, "FuncCall")) {
    const std::vector<std::string> names = string_list(child(*call, "funcname"));
    const std::string name = names.empty() ? std::string() : core::to_lower(names.back());
    const auto declared = replay.load().function_volatility.find(name);
    const bool is_volatile = declared != replay.load().function_volatility.end()
                                 ? declared->second == 'v'
                                 : !builtin_never_volatile(name);
    if (is_volatile && !name.empty()) {
      return name + "()";
    }
  }
  for (const auto& [key, value] : members(expr)) {
    if (is_object(value) || is_array(value)) {
      if (std::string found = volatile_call(replay, *value); !found.empty()) {
        return found;
      }
    }
  }
  return {};
}

long modifier(const model::TypeRef& type, std::size_t index) {
  if (index >= type.modifiers.size()) {
    return -1;
  }
  long value = -1;
  const std::string& text = type.modifiers[index];
  std::from_chars(text.data(), text.data() + text.size(), value);
  return value;
}

// A numeric's scale: its second modifier, 0 when only the precision is given.
long numeric_scale(const model::TypeRef& type) {
  return type.modifiers.size() == 1 ? 0 : modifier(type, 1);
}

// A new limit at least the old one (or none): what the types' length
// support functions let PostgreSQL change without touching a row.
bool limit_not_lower(const model::TypeRef& from, const model::TypeRef& to) {
  return to.modifiers.empty() || (!from.modifiers.empty() && modifier(to, 0) >= modifier(from, 0));
}

bool fractional_seconds_type(std::string_view name) {
  return name == "timestamp" || name == "timestamptz" || name == "time" || name == "timetz";
}

// Changes PostgreSQL makes in the catalog alone (binary-coercible types, or
// a limit that only grows): no rewrite, only a brief lock.
bool catalog_only(const model::TypeRef& from, const model::TypeRef& to) {
  if (from.array_dims != to.array_dims) {
    return false;
  }
  if (from.name == to.name && from.schema == to.schema && from.modifiers == to.modifiers) {
    return true;
  }
  const bool from_text_like = from.name == "varchar" || from.name == "text";
  if (from_text_like && to.name == "text") {
    return true; // varchar(n) -> text, varchar -> text
  }
  if (from_text_like && to.name == "varchar") {
    // text -> varchar(n) runs the length check over every row: a rewrite.
    return to.modifiers.empty() || (from.name == "varchar" && limit_not_lower(from, to));
  }
  if (from.name == "numeric" && to.name == "numeric") {
    // A higher precision at the same scale, or no limit at all.
    return to.modifiers.empty() || (!from.modifiers.empty() && numeric_scale(to) == numeric_scale(from) &&
                                    modifier(to, 0) >= modifier(from, 0));
  }
  if (from.name == to.name && (from.name == "varbit" || fractional_seconds_type(from.name))) {
    return limit_not_lower(from, to); // varbit(n), timestamp(p) and the like
  }
  return from.name == "cidr" && to.name == "inet";
}

// USING that leaves the values as they are: the column itself, perhaps cast.
bool plain_using(const Json& expr, const std::string& column) {
  if (const Json* cast = as(expr, "TypeCast")) {
    const Json* arg = child(*cast, "arg");
    return arg != nullptr && plain_using(*arg, column);
  }
  const Json* ref = as(expr, "ColumnRef");
  const std::vector<std::string> fields =
      ref != nullptr ? string_list(child(*ref, "fields")) : std::vector<std::string>{};
  return !fields.empty() && fields.back() == column;
}

// Whether a CHECK's text is `column IS NOT NULL` (or `NOT (column IS NULL)`,
// folded into it), or a conjunction with it: what PostgreSQL 15's proof of SET
// NOT NULL reads (`column <> ''` proves nothing to it: it scans).
bool proves_not_null(std::string_view expression, const std::string& column) {
  std::string text;
  for (const char c : expression) {
    const bool noise = c == '"' || c == '(' || c == ')' || c == '\t' || c == '\n' || c == '\r';
    text += noise ? ' ' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  std::vector<std::string> words;
  for (const std::string& part : core::split(text, ' ')) {
    if (!part.empty()) {
      words.push_back(part);
    }
  }
  const std::vector<std::string> wanted{column, "is", "not", "null"};
  const std::vector<std::string> negated{"not", column, "is", "null"};
  std::size_t start = 0;
  for (std::size_t i = 0; i <= words.size(); ++i) {
    if (i == words.size() || words[i] == "and") {
      const auto from = words.begin() + static_cast<std::ptrdiff_t>(start);
      const auto to = words.begin() + static_cast<std::ptrdiff_t>(i);
      if (std::equal(from, to, wanted.begin(), wanted.end()) ||
          std::equal(from, to, negated.begin(), negated.end())) {
        return true;
      }
      start = i + 1;
    }
  }
  return false;
}

std::string const_text(const Json& node) {
  const Json* constant = as(node, "A_Const");
  if (constant == nullptr) {
    return {};
  }
  if (const Json* sval = child(*constant, "sval")) {
    return string_field(*sval, "sval");
  }
  if (const Json* ival = child(*constant, "ival")) {
    return std::to_string(int_field(*ival, "ival", 0));
  }
  if (const Json* fval = child(*constant, "fval")) {
    return string_field(*fval, "fval");
  }
  return {};
}

bool has_option(const Json& stmt, std::string_view list_key, std::string_view option) {
  if (const Json* options = list_items(child(stmt, list_key))) {
    for (const Json& item : items_of(options)) {
      const Json* elem = as(item, "DefElem");
      if (elem != nullptr && string_field(*elem, "defname") == option) {
        const Json* arg = child(*elem, "arg");
        // FULL, FULL true, FULL on; not FULL false / off / 0 / 'false'. The
        // option's value is a bare String or Integer node (0 has no ival).
        const Json* word = arg != nullptr ? as(*arg, "String") : nullptr;
        const Json* number = arg != nullptr ? as(*arg, "Integer") : nullptr;
        const std::string value = word != nullptr     ? core::to_lower(string_field(*word, "sval"))
                                  : number != nullptr ? std::to_string(int_field(*number, "ival", 0))
                                  : arg != nullptr    ? core::to_lower(const_text(*arg))
                                                      : std::string();
        const Json* boolean = arg != nullptr ? as(*arg, "Boolean") : nullptr;
        if (boolean != nullptr) {
          return bool_field(*boolean, "boolval");
        }
        return value != "false" && value != "off" && value != "0";
      }
    }
  }
  return false;
}

} // namespace

LockMode alter_command_lock(const Json& cmd) {
  const std::string subtype = string_field(cmd, "subtype");
  if (subtype == "AT_AddConstraint") {
    const Json* def = child(cmd, "def");
    const Json* constraint = def != nullptr ? as(*def, "Constraint") : nullptr;
    return constraint != nullptr && string_field(*constraint, "contype") == "CONSTR_FOREIGN"
               ? LockMode::share_row_exclusive
               : LockMode::access_exclusive;
  }
  if (subtype == "AT_DetachPartition") {
    const Json* def = child(cmd, "def");
    const Json* partition = def != nullptr ? as(*def, "PartitionCmd") : nullptr;
    return partition != nullptr && bool_field(*partition, "concurrent") ? LockMode::share_update_exclusive
                                                                        : LockMode::access_exclusive;
  }
  if (subtype == "AT_SetRelOptions" || subtype == "AT_ResetRelOptions") {
    return storage_parameters_lock(cmd);
  }
  for (const auto& [name, lock] : k_weaker_subcommands) {
    if (name == subtype) {
      return lock;
    }
  }
  return LockMode::access_exclusive;
}

std::string alter_command_words(const Json& cmd) {
  const std::string subtype = string_field(cmd, "subtype");
  if (subtype == "AT_ColumnDefault") {
    return child(cmd, "def") != nullptr ? "SET DEFAULT" : "DROP DEFAULT";
  }
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 15> k_words{{
      {"AT_DropColumn", "DROP COLUMN"},
      {"AT_DropNotNull", "DROP NOT NULL"},
      {"AT_DropConstraint", "DROP CONSTRAINT"},
      {"AT_ChangeOwner", "OWNER TO"},
      {"AT_EnableRowSecurity", "ENABLE ROW LEVEL SECURITY"},
      {"AT_DisableRowSecurity", "DISABLE ROW LEVEL SECURITY"},
      {"AT_ForceRowSecurity", "FORCE ROW LEVEL SECURITY"},
      {"AT_AttachPartition", "ATTACH PARTITION"},
      {"AT_SetRelOptions", "SET (storage parameters)"},
      {"AT_ResetRelOptions", "RESET (storage parameters)"},
      {"AT_AddIdentity", "ADD GENERATED AS IDENTITY"},
      {"AT_DropIdentity", "DROP IDENTITY"},
      {"AT_ReplicaIdentity", "REPLICA IDENTITY"},
      {"AT_SetTableSpace", "SET TABLESPACE"},
      {"AT_SetUnLogged", "SET UNLOGGED"},
  }};
  for (const auto& [name, words] : k_words) {
    if (name == subtype) {
      return std::string(words);
    }
  }
  const std::size_t cut = subtype.find('_');
  return words_of(cut == std::string::npos ? subtype : subtype.substr(cut + 1), "");
}

bool alter_command_rewrites(const Json& cmd) {
  const std::string subtype = string_field(cmd, "subtype");
  return subtype == "AT_SetLogged" || subtype == "AT_SetUnLogged" || subtype == "AT_SetAccessMethod";
}

AddedColumn added_column(Replay& replay, const Json& column_def, const model::TypeRef& type) {
  AddedColumn out;
  bool generated_or_identity = type.serial;
  if (type.serial) {
    out.rewrites = true;
    const std::string serial = type.name == "int8"   ? "bigserial"
                               : type.name == "int2" ? "smallserial"
                                                     : "serial";
    out.why = "a " + serial + " column's default, nextval(), is volatile";
  }
  if (const Json* constraints = list_items(child(column_def, "constraints"))) {
    for (const Json& item : items_of(constraints)) {
      const Json* constraint = as(item, "Constraint");
      const std::string contype =
          constraint != nullptr ? string_field(*constraint, "contype") : std::string();
      if (contype == "CONSTR_NOTNULL") {
        out.not_null = true;
      } else if (contype == "CONSTR_DEFAULT") {
        out.has_default = true;
        const Json* expr = child(*constraint, "raw_expr");
        const auto at = location_field(*constraint);
        out.value = at ? default_after_keyword(replay.tokens(), *at) : std::string();
        const std::string call = expr != nullptr ? volatile_call(replay, *expr) : std::string();
        if (!call.empty() && !out.rewrites) {
          out.rewrites = true;
          out.why =
              "DEFAULT " + (out.value.empty() ? call : out.value) + " calls " + call + ", which is volatile";
        }
      } else if (contype == "CONSTR_GENERATED") {
        generated_or_identity = true;
        out.rewrites = true;
        const auto at = location_field(*constraint); // GENERATED ALWAYS AS (expression) STORED
        const std::string text = at ? parenthesized_after(replay.tokens(), *at).value_or("") : std::string();
        out.value = text;
        out.why = "a STORED generated column" + (text.empty() ? std::string() : " (" + text + ")") +
                  " is computed for every row";
      } else if (contype == "CONSTR_IDENTITY") {
        generated_or_identity = true;
        out.rewrites = true;
        out.why = "an identity column draws a new value for every row";
      }
    }
  }
  if (!out.rewrites && !type.schema.empty()) {
    if (const model::Domain* domain = replay.find_domain({type.schema, type.name});
        domain != nullptr &&
        replay.load().constrained_domains.count(domain->schema + "." + domain->name) > 0) {
      out.rewrites = true;
      out.why = "domain " + core::qualified_name(domain->schema, domain->name) +
                " has constraints, checked on every row";
    }
  }
  out.fails_with_rows = out.not_null && !out.has_default && !generated_or_identity;
  return out;
}

bool using_keeps_values(const Json* using_expr, const std::string& column) {
  return using_expr == nullptr || plain_using(*using_expr, column);
}

bool type_change_rewrites(const model::TypeRef& from, const model::TypeRef& to, const Json* using_expr,
                          const std::string& column) {
  if (!using_keeps_values(using_expr, column)) {
    return true;
  }
  if (from.name.empty()) {
    // The type before is unknown (a table no migration file creates): the
    // targets that relax a text or numeric column, their usual source, are
    // taken as catalog-only; any other target rewrites from almost any type.
    return to.array_dims > 0 || (to.name != "text" && to.name != "varchar" && to.name != "numeric");
  }
  return !catalog_only(from, to);
}

bool not_null_proven(const model::Table& table, const std::string& column) {
  return std::any_of(table.checks.begin(), table.checks.end(), [&](const model::CheckConstraint& check) {
    return check.valid && proves_not_null(check.expression, column);
  });
}

void predict(model::MigrationStep& step) {
  using Kind = model::MigrationStepKind;
  switch (step.kind) {
  case Kind::create_index:
    step.lock = step.concurrently ? LockMode::share_update_exclusive : LockMode::share;
    step.scans = true; // the build reads every row
    break;
  case Kind::add_foreign_key:
    step.lock = LockMode::share_row_exclusive;
    step.scans = !step.not_valid;
    break;
  case Kind::add_check:
    step.lock = LockMode::access_exclusive;
    step.scans = !step.not_valid;
    break;
  case Kind::validate:
    step.lock = LockMode::share_update_exclusive;
    step.scans = true;
    break;
  case Kind::drop_index:
    step.lock = step.concurrently ? LockMode::share_update_exclusive : LockMode::access_exclusive;
    break;
  case Kind::reindex:
    // REINDEX locks out writes to the table (SHARE) and takes ACCESS
    // EXCLUSIVE on each index it rebuilds.
    step.lock = step.concurrently ? LockMode::share_update_exclusive : LockMode::share;
    step.scans = true;
    break;
  case Kind::detach_partition:
    step.lock = step.concurrently ? LockMode::share_update_exclusive : LockMode::access_exclusive;
    break;
  case Kind::rewrite_table:
    step.lock = LockMode::access_exclusive;
    step.rewrites = true;
    break;
  case Kind::add_domain_constraint:
    step.lock = LockMode::share; // every table with a column of the domain
    step.scans = !step.not_valid;
    break;
  case Kind::set_timeout: step.lock = LockMode::none; break;
  case Kind::update_rows:
  case Kind::delete_rows: step.lock = LockMode::row_exclusive; break;
  case Kind::refresh_view:
    // CONCURRENTLY lets reads go on while it runs (EXCLUSIVE); without it
    // the view cannot even be read until the refresh commits.
    step.lock = step.concurrently ? LockMode::exclusive : LockMode::access_exclusive;
    break;
  case Kind::attach_partition: step.lock = LockMode::access_exclusive; break; // on the table it checks
  case Kind::add_key:
  case Kind::add_column:
  case Kind::alter_column_type:
  case Kind::set_not_null:
  case Kind::alter_table: break; // set where they are recorded
  }
}

void transaction_control(Replay& replay, const Json& stmt) {
  const std::string kind = string_field(stmt, "kind");
  if (kind == "TRANS_STMT_BEGIN" || kind == "TRANS_STMT_START") {
    replay.begin_transaction(static_cast<std::uint32_t>(replay.at_statement().line));
  } else if (kind == "TRANS_STMT_COMMIT" || kind == "TRANS_STMT_ROLLBACK" || kind == "TRANS_STMT_PREPARE") {
    replay.end_transaction();
  }
  replay.count_skipped("TRANSACTION");
}

bool record_timeout(Replay& replay, const Json& stmt) {
  const std::string name = core::to_lower(string_field(stmt, "name"));
  if (name != "lock_timeout" && name != "statement_timeout") {
    return false;
  }
  const std::string kind = string_field(stmt, "kind");
  std::string value;
  if (kind == "VAR_SET_VALUE") {
    if (const Json* args = list_items(child(stmt, "args")); args != nullptr && !items_of(args).empty()) {
      value = const_text(items_of(args).front());
      if (value.empty()) {
        value = "0"; // proto3 leaves out a zero
      }
    }
  }
  // SET ... TO DEFAULT and RESET go back to the server's setting: no timeout as far as the file says.
  model::MigrationStep& step = record_statement_step(replay, model::MigrationStepKind::set_timeout, name);
  step.detail = value.empty() ? "0" : value;
  step.local = bool_field(stmt, "is_local");
  predict(step);
  replay.count_skipped("SET");
  return true;
}

void create_function(Replay& replay, const Json& stmt) {
  const std::vector<std::string> names = string_list(child(stmt, "funcname"));
  char volatility = 'v';
  if (const Json* options = list_items(child(stmt, "options"))) {
    for (const Json& item : items_of(options)) {
      const Json* elem = as(item, "DefElem");
      const Json* arg = elem != nullptr ? child(*elem, "arg") : nullptr;
      const Json* value = arg != nullptr ? as(*arg, "String") : nullptr;
      if (value != nullptr && string_field(*elem, "defname") == "volatility") {
        volatility = string_field(*value, "sval").empty() ? 'v' : string_field(*value, "sval").front();
      }
    }
  }
  if (!names.empty()) {
    replay.load().function_volatility[core::to_lower(names.back())] = volatility;
  }
  replay.count_skipped("CREATE FUNCTION");
}

namespace {

// REINDEX SCHEMA / DATABASE: a step for every table of the schema (of every
// schema but the system ones), "SCHEMA name" or "DATABASE name" as its detail, so
// that the rule tells the statement apart. REINDEX SYSTEM rebuilds only the
// catalogs, and has no CONCURRENTLY form: not recorded.
void reindex_many(Replay& replay, const Json& stmt, const std::string& kind) {
  const bool database = kind == "REINDEX_OBJECT_DATABASE";
  if (!database && kind != "REINDEX_OBJECT_SCHEMA") {
    return;
  }
  const std::string schema = string_field(stmt, "name"); // the database's, for DATABASE
  const bool concurrently = has_option(stmt, "params", "concurrently");
  std::vector<const model::Table*> tables;
  for (const model::Table& table : replay.catalog().tables) {
    if (database ? !model::is_platform_schema(table.schema) && table.schema != "pg_catalog"
                 : table.schema == schema) {
      tables.push_back(&table);
    }
  }
  for (const model::Table* table : tables) {
    model::MigrationStep& step = record_step(replay, *table, model::MigrationStepKind::reindex, "", false);
    step.concurrently = concurrently;
    step.detail = (database ? "DATABASE " : "SCHEMA ") + schema;
    predict(step);
  }
}

} // namespace

void reindex(Replay& replay, const Json& stmt) {
  replay.count_skipped("REINDEX");
  const std::string kind = string_field(stmt, "kind");
  const Json* relation = child(stmt, "relation");
  if (relation == nullptr) {
    reindex_many(replay, stmt, kind);
    return;
  }
  const QualifiedName name = range_var(*relation);
  model::Table* table =
      kind == "REINDEX_OBJECT_INDEX" ? replay.find_index_owner(name) : find_or_assume_table(replay, name);
  if (table == nullptr && kind == "REINDEX_OBJECT_INDEX") {
    assumed_index_step(replay, name, model::MigrationStepKind::reindex,
                       has_option(stmt, "params", "concurrently"), true);
    return;
  }
  if (table == nullptr) {
    return;
  }
  model::MigrationStep& step = record_step(replay, *table, model::MigrationStepKind::reindex,
                                           kind == "REINDEX_OBJECT_INDEX" ? name.name : std::string(), false);
  step.concurrently = has_option(stmt, "params", "concurrently");
  predict(step);
}

void cluster(Replay& replay, const Json& stmt) {
  replay.count_skipped("CLUSTER");
  const Json* relation = child(stmt, "relation");
  model::Table* table = relation != nullptr ? find_or_assume_table(replay, range_var(*relation)) : nullptr;
  if (table == nullptr) {
    return;
  }
  model::MigrationStep& step =
      record_step(replay, *table, model::MigrationStepKind::rewrite_table, "", false);
  step.detail = "CLUSTER";
  predict(step);
}

void vacuum(Replay& replay, const Json& stmt) {
  replay.count_skipped("VACUUM");
  if (!bool_field(stmt, "is_vacuumcmd") || !has_option(stmt, "options", "full")) {
    return;
  }
  if (const Json* rels = list_items(child(stmt, "rels"))) {
    for (const Json& item : items_of(rels)) {
      const Json* rel = as(item, "VacuumRelation");
      const Json* relation = rel != nullptr ? child(*rel, "relation") : nullptr;
      model::Table* table =
          relation != nullptr ? find_or_assume_table(replay, range_var(*relation)) : nullptr;
      if (table != nullptr) {
        model::MigrationStep& step =
            record_step(replay, *table, model::MigrationStepKind::rewrite_table, "", false);
        step.detail = "VACUUM FULL";
        predict(step);
      }
    }
  }
}

void lock_tables(Replay& replay, const Json& stmt, std::string_view command) {
  replay.count_skipped(command);
  LockMode lock = LockMode::access_exclusive; // TRUNCATE
  if (command == "LOCK") {
    const long long mode = int_field(stmt, "mode", 8);
    if (bool_field(stmt, "nowait") || mode < 1 || mode > 8) {
      return; // NOWAIT fails at once instead of queueing: nothing waits behind it
    }
    lock = static_cast<LockMode>(mode); // LockMode follows PostgreSQL's numbering
  }
  if (const Json* rels = list_items(child(stmt, "relations"))) {
    for (const Json& item : items_of(rels)) {
      const Json* relation = as(item, "RangeVar");
      model::Table* table =
          relation != nullptr ? find_or_assume_table(replay, range_var(*relation)) : nullptr;
      if (table != nullptr) {
        // No step kind of its own: recorded as "any other" lock-taking
        // statement, for the rules that judge any lock on a busy table.
        model::MigrationStep& step =
            record_step(replay, *table, model::MigrationStepKind::alter_table, "", false);
        step.lock = lock;
        step.rewrites = command == "TRUNCATE"; // new, empty files: instant, but a rewrite to PostgreSQL
        step.detail = command;
      }
    }
  }
}

void alter_domain(Replay& replay, const Json& stmt) {
  replay.count_skipped("ALTER DOMAIN");
  const QualifiedName name = to_qualified(string_list(child(stmt, "typeName")));
  const model::Domain* domain = replay.find_domain(name);
  // A domain no file created is one in use before them (a lone migration
  // file's ALTER DOMAIN): its columns are in tables the files do not name.
  const std::string domain_schema = domain != nullptr ? domain->schema : replay.schema_for(name);
  const std::string domain_name = domain != nullptr ? domain->name : name.name;
  const std::string subtype = string_field(stmt, "subtype");
  const Json* def = child(stmt, "def");
  const Json* constraint = def != nullptr ? as(*def, "Constraint") : nullptr;
  std::string object;
  bool not_valid = false;
  const std::string key = domain_schema + "." + domain_name;
  std::string condition;
  if (subtype == "C" && constraint != nullptr) { // ADD CONSTRAINT
    replay.load().constrained_domains.insert(key);
    object = string_field(*constraint, "conname");
    not_valid = bool_field(*constraint, "skip_validation");
    if (const auto at = location_field(*constraint);
        at && string_field(*constraint, "contype") == "CONSTR_CHECK") {
      condition = parenthesized_after(replay.tokens(), *at).value_or("");
      replay.load().domain_checks[key + "." + object] = condition;
    }
  } else if (subtype == "O" || subtype == "V") { // SET NOT NULL, VALIDATE CONSTRAINT
    if (subtype == "O") {
      replay.load().constrained_domains.insert(key);
    }
    object = subtype == "O" ? "NOT NULL" : string_field(stmt, "name");
    if (const auto known = replay.load().domain_checks.find(key + "." + object);
        known != replay.load().domain_checks.end()) {
      condition = known->second;
    }
  } else {
    return;
  }
  const auto record = [&](model::MigrationStep& step) {
    step.detail = core::qualified_name(domain_schema, domain_name) + (subtype == "V" ? " VALIDATE" : "");
    step.value = condition;
    predict(step);
  };
  if (domain == nullptr) {
    record(assumed_domain_step(replay, {domain_schema, domain_name}, object, not_valid));
    return;
  }
  for (const model::Table& table : replay.catalog().tables) {
    const bool uses =
        std::any_of(table.columns.begin(), table.columns.end(), [&](const model::Column& column) {
          return column.type.name == domain_name &&
                 (column.type.schema == domain_schema ||
                  (column.type.schema.empty() && domain_schema == "public"));
        });
    if (uses) {
      record(record_step(replay, table, model::MigrationStepKind::add_domain_constraint, object, not_valid));
    }
  }
}

model::MigrationTransaction runner_transaction_from_text(std::string_view text) {
  const auto has = [&](std::string_view marker) { return text.find(marker) != std::string_view::npos; };
  if (has("-- +goose Up") || has("-- +goose up")) {
    return has("+goose NO TRANSACTION") ? model::MigrationTransaction::none
                                        : model::MigrationTransaction::goose;
  }
  if (const std::size_t up = text.find("-- migrate:up"); up != std::string_view::npos) {
    const std::string_view line = text.substr(up, text.find('\n', up) - up);
    return line.find("transaction:false") != std::string_view::npos ? model::MigrationTransaction::none
                                                                    : model::MigrationTransaction::dbmate;
  }
  return model::MigrationTransaction::none;
}

} // namespace pgadvise::loaders::replay
