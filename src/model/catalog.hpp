#pragma once

#include "core/heap_optional.hpp"
#include "core/interned_text.hpp"
#include "core/name_list.hpp"
#include "core/optional_text.hpp"
#include "core/packed_text.hpp"
#include "core/rare_text.hpp"
#include "core/rare_vector.hpp"
#include "core/shared_text.hpp"
#include "core/source_location.hpp"
#include "core/stored_text.hpp"
#include "model/drizzle_key_style.hpp"
#include "model/lock_mode.hpp"
#include "model/migration_ledger.hpp"
#include "model/type_ref.hpp"

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pgadvise::model {

using core::SourceLocation;

// Planner statistics of one column (pg_stats); live catalogs only. Kept as
// PostgreSQL prints them: the index advisor parses what it needs.
struct ColumnStats {
  double null_frac = 0;
  double n_distinct = 0;         // > 0: distinct values; < 0: minus the fraction of rows
  std::string most_common_vals;  // array text, e.g. {active,deleted}; empty when none
  std::string most_common_freqs; // float4[] text, e.g. {0.9,0.1}; empty when none
  std::optional<double> correlation;
  bool operator==(const ColumnStats&) const = default;
};

// What a serial or identity column's sequence has beyond the column's type:
// the last value drawn (live catalogs: pg_sequences.last_value; none when
// never drawn from, not readable by the role, or read from files) and the
// options an identity was declared with (`GENERATED ALWAYS AS IDENTITY
// (START WITH 1000)`, Drizzle's `.generatedAlwaysAsIdentity({ startWith:
// 1000 })`), each unset where the source did not give it.
struct ColumnSequence {
  std::optional<std::int64_t> last_value;
  std::string name; // the identity's sequence name, when given
  std::optional<std::int64_t> start;
  std::optional<std::int64_t> increment;
  std::optional<std::int64_t> min_value;
  std::optional<std::int64_t> max_value;
  std::optional<std::int64_t> cache;
  bool cycle = false;
  bool operator==(const ColumnSequence& other) const = default;

  [[nodiscard]] bool has_options() const {
    return !name.empty() || start || increment || min_value || max_value || cache || cycle;
  }
  // Unsets the options that are what PostgreSQL chooses anyway for an
  // identity of `table`.`column` (sequence <table>_<column>_seq, increment
  // 1, minimum 1, start at the minimum, cache 1), and a maximum that is
  // only int2's, int4's or int8's own, which widening the column lifts
  // (drizzle-kit writes every option into its SQL and snapshots).
  void drop_defaults(std::string_view table, std::string_view column);
};

// What few columns have, out of line: a live catalog's pg_stats, a serial or
// identity column's sequence facts, the Drizzle property (schema.ts). A
// column with none of them holds one null pointer for the three.
// schema.ts: a column declared in an object of columns that tables spread
// (`...baseColumns`, `const { name, ...rest } = BaseEntitySchema`, a
// helper's `...timestamps()`), perhaps in another package: where its key
// is written and the variable (or helper) that holds it, which is what a
// fix to the column edits, once for every table spreading it.
struct DrizzleSharedColumn {
  SourceLocation location;
  std::string object;
  bool operator==(const DrizzleSharedColumn& other) const = default;
};

struct ColumnExtras {
  core::HeapOptional<ColumnStats> stats;
  core::HeapOptional<DrizzleSharedColumn> shared;
  core::HeapOptional<ColumnSequence> sequence;
  core::RareText property;
  core::RareText drizzle_chain; // schema.ts: what follows the builder call (Column::drizzle_chain)
  // schema.ts: the builder call's options object as written ({ mode: 'string' })
  core::RareText drizzle_options;
  char drizzle_quote = 0;

  [[nodiscard]] bool empty() const {
    return !stats && !shared && !sequence && property.empty() && drizzle_chain.empty() &&
           drizzle_options.empty() && drizzle_quote == 0;
  }
  bool operator==(const ColumnExtras&) const = default;
};

// A schema of 100,000 tables holds 600,000 columns: 72 bytes each (96
// before, 224 before that). The name and type's name are pooled, the flags
// are bits in the type's tail padding, the default a pointer (to a pooled
// short text or a heap one), and what few columns have is one block behind
// the accessors (ColumnExtras).
struct Column {
  core::InternedText name; // pooled: 600,000 columns of 100,000 tables repeat a few names
  // The flags below sit in the type's tail padding.
  [[no_unique_address]] TypeRef type;
  bool not_null : 1 = false;
  bool identity : 1 = false;
  // GENERATED ALWAYS AS IDENTITY (explicit values refused without
  // OVERRIDING SYSTEM VALUE); false for BY DEFAULT and for non-identity.
  bool identity_always : 1 = false;
  // schema.ts: a default the reader could not evaluate (a value computed at
  // run time); comparisons cannot tell whether it agrees, so they skip it.
  bool default_unknown : 1 = false;
  // schema.ts declares it without a name (`createdAt: timestamp()`, named
  // by its key and the casing): Drizzle fixes write its builder so too.
  bool drizzle_unnamed : 1 = false;
  // SQL text of the default, as written: a pointer, null for most columns,
  // to a pooled copy of a short text ('{}', now()) or a heap one.
  core::OptionalText default_expr;
  SourceLocation location;

  // Planner statistics (pg_stats); live catalogs only, else null.
  [[nodiscard]] const ColumnStats* stats() const {
    return m_extras && m_extras->stats ? &*m_extras->stats : nullptr;
  }
  void set_stats(ColumnStats stats) { extras().stats = std::move(stats); }
  // The statistics, made when absent.
  ColumnStats& stats_facts() {
    ColumnExtras& more = extras();
    if (!more.stats) {
      more.stats = ColumnStats{};
    }
    return *more.stats;
  }
  // The sequence facts (files give only an identity's options, live
  // catalogs the last value); null when none.
  [[nodiscard]] const ColumnSequence* sequence() const {
    return m_extras && m_extras->sequence ? &*m_extras->sequence : nullptr;
  }
  [[nodiscard]] std::optional<std::int64_t> sequence_last_value() const {
    const ColumnSequence* facts = sequence();
    return facts != nullptr ? facts->last_value : std::nullopt;
  }
  // The sequence facts, made when absent.
  ColumnSequence& sequence_facts() {
    ColumnExtras& more = extras();
    if (!more.sequence) {
      more.sequence = ColumnSequence{};
    }
    return *more.sequence;
  }
  void clear_sequence() {
    if (m_extras) {
      m_extras->sequence.reset();
      drop_empty_extras();
    }
  }
  // The Drizzle property name when known (schema.ts); empty when not.
  [[nodiscard]] const std::string& property() const;
  void set_property(std::string property);
  // schema.ts: the column's chain after its builder call as written
  // (`.$type<Prefs>().notNull()`, comments left out) and the quote its file
  // writes strings with; quote 0 when the column was not read from there.
  [[nodiscard]] std::string_view drizzle_chain() const {
    return m_extras ? std::string_view(m_extras->drizzle_chain.str()) : std::string_view();
  }
  [[nodiscard]] char drizzle_quote() const { return m_extras ? m_extras->drizzle_quote : '\0'; }
  void set_drizzle_chain(std::string chain, char quote) {
    extras().drizzle_chain = std::move(chain);
    extras().drizzle_quote = quote;
    drop_empty_extras();
  }
  // schema.ts: the builder call's options object as written (`{ mode: 'string' }`); empty when none.
  [[nodiscard]] std::string_view drizzle_options() const {
    return m_extras ? std::string_view(m_extras->drizzle_options.str()) : std::string_view();
  }
  void set_drizzle_options(std::string options) {
    extras().drizzle_options = std::move(options);
    drop_empty_extras();
  }

  // schema.ts: the shared object of columns it was spread from; null when
  // the table's own columns declare it.
  [[nodiscard]] const DrizzleSharedColumn* drizzle_shared() const {
    return m_extras && m_extras->shared ? &*m_extras->shared : nullptr;
  }
  void set_drizzle_shared(DrizzleSharedColumn shared) { extras().shared = std::move(shared); }
  // Every field, the out-of-line ones too (engine::TableMemo compares a
  // table with the last run's so).
  bool operator==(const Column&) const = default;

private:
  ColumnExtras& extras() {
    if (!m_extras) {
      m_extras = ColumnExtras{};
    }
    return *m_extras;
  }
  void drop_empty_extras() {
    if (m_extras && m_extras->empty()) {
      m_extras.reset();
    }
  }

  core::HeapOptional<ColumnExtras> m_extras;
};

// Drops the identity options of `column` that are PostgreSQL's defaults
// (ColumnSequence::drop_defaults), and its sequence facts when nothing is
// left: drizzle-kit's SQL declares every option of every identity.
struct Table;
void keep_declared_options(const Table& table, Column& column);

// Usage counters of one index (pg_stat_user_indexes); live catalogs only.
struct IndexStats {
  std::int64_t idx_scan = 0;
  std::int64_t idx_tup_read = 0;
  std::int64_t size_bytes = 0; // pg_relation_size
  std::string last_idx_scan;   // PostgreSQL 16+: timestamp text; empty when unknown or never
  bool operator==(const IndexStats&) const = default;
};

enum class IndexKind : std::uint8_t { index, primary_key, unique_constraint };

// One key of an index: a column, or an expression (then `column` is empty).
// The column is pooled and the texts few keys have are RareText: 40 bytes a
// key, not 112 (a schema of 100,000 tables holds 250,000 index keys).
struct IndexKey {
  core::InternedText column;
  core::RareText expression; // SQL text, for expression keys
  bool descending = false;
  core::RareText opclass;
  // NULLS FIRST / NULLS LAST when written; none: PostgreSQL's default for
  // the direction (NULLS LAST ascending, NULLS FIRST descending).
  std::optional<bool> nulls_first;
  // An expression key's identity: its text as PostgreSQL reads it
  // (pg::expression_identity), set once when the index enters the model;
  // 0 for a column key or when not set yet.
  std::uint64_t identity = 0;

  [[nodiscard]] bool effective_nulls_first() const { return nulls_first.value_or(descending); }
  // The column, or the SQL text of an expression key.
  [[nodiscard]] const std::string& text() const { return column.empty() ? expression.str() : column.str(); }
  // Equal when PostgreSQL would build the same key: `DESC` and
  // `DESC NULLS FIRST` are one key, and so are two spellings of one
  // expression once both have their identity.
  bool operator==(const IndexKey& other) const {
    const bool same_expression =
        identity != 0 && other.identity != 0 ? identity == other.identity : expression == other.expression;
    return column == other.column && same_expression && descending == other.descending &&
           opclass == other.opclass && effective_nulls_first() == other.effective_nulls_first();
  }
};

// Every index, including the ones PostgreSQL creates for PRIMARY KEY and
// UNIQUE constraints (kind says which; name is the constraint's name).
// The kind and flags sit together and INCLUDE, which most indexes lack, is
// one pointer (144 bytes an index with the predicate's identity, not 168:
// a schema of 100,000 tables holds 150,000 indexes).
struct Index {
  std::string name;
  std::vector<IndexKey> keys;
  core::RareVector<std::string> include;
  core::InternedText method = "btree";  // pooled: a handful of methods
  core::RareText predicate;             // partial-index WHERE, SQL text; empty when none
  std::uint64_t predicate_identity = 0; // the predicate's identity, as IndexKey::identity
  core::RareText property;              // Drizzle config key or variable when known
  SourceLocation location;
  core::RareText definition;            // live catalogs: pg_get_indexdef text, when known
  core::HeapOptional<IndexStats> stats; // live catalogs only: on the heap, as files have none
  IndexKind kind = IndexKind::index;
  bool unique = false;
  bool valid = true;
  // Live catalogs: facts that make an index undroppable or needed even when
  // never scanned (its full definition above recreates it).
  bool backs_exclusion = false;  // EXCLUDE constraint
  bool replica_identity = false; // REPLICA IDENTITY USING INDEX
  bool inherited = false;        // attached to a partitioned parent's index

  [[nodiscard]] bool is_partial() const { return !predicate.empty(); }
  // Plain-column keys, in order, up to the first expression key.
  [[nodiscard]] std::vector<std::string> leading_columns() const;
  [[nodiscard]] bool has_expressions() const;
  bool operator==(const Index&) const = default;
};

enum class FkAction : std::uint8_t { no_action, restrict, cascade, set_null, set_default };
std::string_view to_string(FkAction action);

// The column lists are NameLists (8 bytes, pooled names, a one-column
// list without a heap block) and the actions one byte each: 88 bytes a
// key and nothing more on the heap for one column, where two vectors of
// strings took 128 and two heap blocks (300,000 keys at 100,000 tables).
struct ForeignKey {
  std::string name;
  core::NameList columns;
  core::InternedText ref_schema; // pooled, as the tables it names repeat
  core::InternedText ref_table;
  core::NameList ref_columns;
  SourceLocation location;
  FkAction on_delete = FkAction::no_action;
  FkAction on_update = FkAction::no_action;
  bool valid = true; // false for NOT VALID constraints
  bool operator==(const ForeignKey&) const = default;
};

struct CheckConstraint {
  std::string name;
  std::string expression;
  SourceLocation location;
  bool valid = true; // false for NOT VALID constraints
  bool operator==(const CheckConstraint&) const = default;
};

// Live statistics; absent when the catalog came from files.
struct TableStats {
  double reltuples = -1;
  std::int64_t relpages = 0;
  std::int64_t seq_scan = 0;
  std::int64_t idx_scan = 0;
  std::int64_t n_tup_ins = 0;
  std::int64_t n_tup_upd = 0;
  std::int64_t n_tup_del = 0;
  std::int64_t seq_tup_read = 0;
  std::int64_t idx_tup_fetch = 0;
  std::int64_t n_live_tup = 0;
  std::int64_t n_dead_tup = 0;
  std::int64_t table_bytes = 0; // pg_table_size: heap + TOAST, without indexes
  bool has_counters = false;    // a pg_stat_user_tables row was read (none for partitioned parents)
  bool operator==(const TableStats&) const = default;
};

// How long a live database's usage counters have been accumulating.
struct StatsWindow {
  std::string reset_at;            // pg_stat_database.stats_reset; empty when never reset
  double age_seconds = 0;          // since reset_at, or since the server started when never reset
  bool since_server_start = false; // never reset: age is a lower bound (server uptime)
};

// A row-level security policy (CREATE POLICY, Drizzle pgPolicy, pg_policy).
struct Policy {
  std::string name;
  bool permissive = true;         // AS PERMISSIVE (the default) or AS RESTRICTIVE
  std::string command = "all";    // all, select, insert, update or delete
  std::vector<std::string> roles; // as written; empty means PUBLIC
  std::string using_expr;         // USING (...), SQL text; empty when none
  std::string check_expr;         // WITH CHECK (...), SQL text; empty when none
  SourceLocation location;
  bool operator==(const Policy&) const = default;
};

// The schema and name are pooled: the migration steps and foreign keys that
// name the table copy a pointer, not its text. The lists most tables leave
// empty (checks, policies, unresolved columns) are RareVectors, a pointer
// each: 200 bytes a table, not 248 (a schema of 100,000 tables).
struct Table {
  core::InternedText schema = "public";
  core::InternedText name;
  std::vector<Column> columns;
  std::vector<Index> indexes; // includes PK and unique-constraint indexes
  std::vector<ForeignKey> foreign_keys;
  core::RareVector<CheckConstraint> checks;
  core::RareVector<Policy> policies;
  // schema.ts: columns whose type the reader could not resolve (a custom
  // type built at run time), by SQL name; they are not in `columns`, and
  // comparisons cannot tell whether they agree.
  core::RareVector<std::string> unresolved_columns;
  // SQL replay: no file creates it, yet a migration alters it (a lone
  // migration file): taken as a table in use before the files, of which
  // only the columns the statements name are known (their type unknown).
  bool assumed = false;
  // schema.ts: some of its columns are built at run time (Object.fromEntries,
  // reduce, a spread or computed key the reader cannot follow): only the
  // columns read are known, so what no column or key shows is not missing.
  bool columns_unread = false;
  // schema.ts: made by a function of the app's own (`tenantTable("x", {...})`
  // returning pgTable(...)), not by pgTable or a pgTableCreator: `pgadvise
  // fix` does not add arguments to that call.
  bool drizzle_factory = false;
  // SQL replay: rows were inserted (INSERT, COPY FROM) in the file that
  // creates it: a later ADD COLUMN there that fails on rows is judged.
  bool rows_added = false;
  bool rls_enabled = false; // ALTER TABLE ... ENABLE ROW LEVEL SECURITY
  bool partitioned = false; // PARTITION BY ...
  // schema.ts: how the table's file writes its indexes, which the Drizzle lines fixes propose follow:
  // the extra-config callback returns an object (`(t) => ({ byEmail: index(...) })`), and indexes are
  // unnamed (`index().on(...)`).
  bool drizzle_config_object = false;
  bool drizzle_unnamed_indexes = false;
  core::RareText partition_of; // parent "schema.table" for a partition
  core::RareText property;     // Drizzle variable name when known (schema.ts)
  // Where the Drizzle schema file declares the table, when one was read
  // (also when the catalog itself came from SQL or a snapshot).
  SourceLocation drizzle_location;
  // The parameter of its extra-config callback (`t` in `(t) => [...]`),
  // when schema.ts has one; Drizzle fixes use it in the lines they propose.
  core::RareText drizzle_config_param;
  // The parameter of its columns callback (`d` in t3's
  // `(d) => ({ id: d.integer() })`), when schema.ts declares the columns so;
  // Drizzle fixes write a column's builder as `d.bigint(...)` then.
  core::RareText drizzle_column_param;
  core::HeapOptional<TableStats> stats; // live catalogs only: on the heap, as files have none
  // schema.ts in the object form: how its file keys index entries, when its
  // keys show it; on the heap, as nearly every table has none.
  core::HeapOptional<DrizzleKeyStyle> drizzle_key_style;
  SourceLocation location;

  [[nodiscard]] const Column* find_column(std::string_view column) const;
  Column* find_column(std::string_view column);
  [[nodiscard]] const Index* primary_key() const;
  [[nodiscard]] const Index* find_index(std::string_view index_name) const;
  [[nodiscard]] std::string qualified() const { return schema + "." + name; }
  // Every field (engine::TableMemo compares a table with the last run's
  // so); an index key as IndexKey compares it.
  bool operator==(const Table&) const = default;
};

struct Enum {
  std::string schema = "public";
  std::string name;
  std::vector<std::string> values;
  SourceLocation location;
  bool operator==(const Enum&) const = default;
};

struct Domain {
  std::string schema = "public";
  std::string name;
  TypeRef base;
  SourceLocation location;
  bool operator==(const Domain&) const = default;
};

// A statement of a migration file that locks a table (or runs outside any
// table, as SET does): what the migration lock-safety rules read, and what
// `lint --verify-locks` checks against PostgreSQL. The SQL replay records
// them; other sources have no statement history.
enum class MigrationStepKind : std::uint8_t {
  create_index,          // CREATE INDEX (object: the index)
  add_foreign_key,       // ADD FOREIGN KEY (object: the constraint)
  add_check,             // ADD CHECK (object: the constraint)
  alter_column_type,     // ALTER COLUMN ... TYPE (object: the column)
  validate,              // VALIDATE CONSTRAINT (object: the constraint)
  add_column,            // ADD COLUMN (object: the column)
  set_not_null,          // ALTER COLUMN ... SET NOT NULL (object: the column)
  add_key,               // ADD PRIMARY KEY / UNIQUE (object: the constraint)
  drop_index,            // DROP INDEX (object: the index)
  reindex,               // REINDEX INDEX / TABLE (object: the index, or empty for the table)
  detach_partition,      // DETACH PARTITION (table: the parent; object: the partition)
  rewrite_table,         // CLUSTER, VACUUM FULL (detail: which)
  add_domain_constraint, // ALTER DOMAIN ... ADD CONSTRAINT, once per table with a column of the domain
  alter_table,           // any other ALTER TABLE (or RENAME) form (detail: its words, "SET DEFAULT")
  set_timeout,           // SET [LOCAL] lock_timeout / statement_timeout (object: the setting; no table)
  update_rows,           // UPDATE (object: the columns it sets; scans: it matches every row, detail: why)
  delete_rows,           // DELETE (scans: it matches every row, detail: why)
  refresh_view,          // REFRESH MATERIALIZED VIEW (table: the view, which the catalog does not model)
  attach_partition,      // ATTACH PARTITION (table: a partition it checks, object: the parent; detail: which)
};

// Who holds the transaction a migration statement runs in, as the files
// say: a fact the migration rules test, never a text they search.
enum class MigrationTransaction : std::uint8_t {
  none,        // autocommit
  block,       // the file's own BEGIN ... COMMIT (MigrationStep::transaction_line: BEGIN's line)
  drizzle_kit, // drizzle-kit migrate (drizzle-orm's migrate()): one around all pending migrations
  goose,       // goose, around each migration (the file has no -- +goose NO TRANSACTION)
  dbmate,      // dbmate, around each migration (its -- migrate:up line has no transaction:false)
  prisma,      // Prisma Migrate: a migration of several statements is one query, one transaction
};

// The kind, lock, flags and the five short texts (4 bytes each) share the
// first 24 bytes, the schema and table are pooled and the statement is
// compressed (96 bytes a step, not 240: a schema of 100,000 tables holds
// 350,000 steps).
struct MigrationStep {
  MigrationStepKind kind = MigrationStepKind::create_index;
  // What PostgreSQL 15 does to `table`, as its documentation says: the
  // strongest lock the statement takes on it, whether it rewrites the table
  // and its indexes, whether it reads every row under that lock to check
  // them (a validation scan), and whether it fails on a table with rows.
  LockMode lock = LockMode::access_exclusive;
  // The transaction the statement runs in (none: autocommit); the steps of
  // one transaction share it (same_transaction).
  MigrationTransaction transaction = MigrationTransaction::none;
  bool rewrites : 1 = false;
  bool scans : 1 = false;
  bool fails_with_rows : 1 = false;
  bool concurrently : 1 = false; // CREATE / DROP INDEX, REINDEX, DETACH PARTITION, REFRESH ... CONCURRENTLY
  bool not_valid : 1 = false;    // ADD CONSTRAINT ... NOT VALID
  // The table was created earlier in the same migration file: it is empty
  // (or new to everyone) when the statement runs, so locking it costs nothing.
  bool table_is_new : 1 = false;
  bool local : 1 = false; // set_timeout: SET LOCAL
  // The kind-specific texts below are StoredText (4 bytes, 0 while empty;
  // a literal is not copied): most steps leave them empty.
  core::StoredText old_type; // alter_column_type: SQL spelling before and after
  core::StoredText new_type;
  // Kind-specific words: add_column's default or generation ("DEFAULT
  // gen_random_uuid()", "GENERATED ... STORED"), why it rewrites or scans;
  // set_timeout's value; rewrite_table's command; add_key: "USING INDEX x"
  // when the key adopts an index built before.
  core::StoredText detail;
  // add_column: the default's or generation expression's SQL text;
  // add_domain_constraint: the CHECK's condition (on VALUE); update_rows:
  // the SET list (and FROM list), a newline, the WHERE condition, as written
  core::StoredText value;
  std::uint32_t transaction_line = 0; // transaction == block: the line of its BEGIN
  core::InternedText schema;          // pooled: a table's steps name it once between them
  core::InternedText table;
  std::string object;
  // Its text, blanks collapsed and cut short: the evidence findings show.
  // Compressed (8 bytes here): few steps are ever shown.
  core::PackedText statement;
  SourceLocation location;

  [[nodiscard]] bool in_transaction() const { return transaction != MigrationTransaction::none; }
  // Whether the two run in one transaction (of one file, for a block: the
  // caller compares files where that matters).
  [[nodiscard]] bool same_transaction(const MigrationStep& other) const {
    return transaction == other.transaction && transaction_line == other.transaction_line;
  }
  // The transaction as findings name it ("the transaction block BEGIN opens
  // at line 3", "the transaction drizzle-kit migrate wraps around all
  // pending migrations"); empty for none.
  [[nodiscard]] std::string transaction_text() const;
};

// A deque, not a vector: 350,000 steps grow in blocks, never doubled and
// copied, and a step recorded keeps its place while more are added.
using MigrationSteps = std::deque<MigrationStep>;

// A deque, not a vector: 100,000 tables grow in blocks, never doubled and
// copied (a vector of them held room for 131,072, and old and new storage
// side by side at each doubling), and a table added keeps its place while
// more are added. Indexes, iterates and erases as the vector did.
using Tables = std::deque<Table>;

enum class SchemaSource { none, sql_replay, drizzle_snapshot, drizzle_schema, live };
std::string_view to_string(SchemaSource source);

// The one, format-free schema model every loader fills and every schema rule
// reads. Names are stored as PostgreSQL stores them (unquoted identifiers
// folded to lower case by the loader).
class Catalog {
public:
  SchemaSource source = SchemaSource::none;
  std::string source_description; // e.g. "SQL replay of drizzle/ (7 migrations)"
  std::vector<std::string> schemas{"public"};
  Tables tables;
  std::vector<Enum> enums;
  std::vector<Domain> domains;
  std::optional<int> server_version_num;   // live catalogs only
  std::string database;                    // live catalogs: current_database()
  std::optional<StatsWindow> stats_window; // live catalogs only
  // Live catalogs of Drizzle projects: drizzle's migrations table next to
  // the migration files (migration-edited-after-apply).
  std::optional<MigrationLedger> drizzle_migrations;
  // SQL replay only: lock-taking statements (and timeout settings) in migration order.
  MigrationSteps migration_steps;
  // SQL replay only: the tool that runs the folder's migrations, by where
  // they sit (drizzle-kit's, Prisma Migrate's; none: not known). A fix's
  // note says how to ship an index with it.
  MigrationTransaction migrations_runner = MigrationTransaction::none;

  [[nodiscard]] const Table* find_table(std::string_view schema, std::string_view name) const;
  Table* find_table(std::string_view schema, std::string_view name);
  [[nodiscard]] const Enum* find_enum(std::string_view schema, std::string_view name) const;
  [[nodiscard]] const Domain* find_domain(std::string_view schema, std::string_view name) const;
  // The table holding an index of that name in that schema.
  Table* find_index_owner(std::string_view schema, std::string_view index_name);
  [[nodiscard]] bool has_schema(std::string_view schema) const;
  bool remove_table(std::string_view schema, std::string_view name);
  // A lone migration file of statements on objects no file created (DROP
  // INDEX of an earlier index) has steps, and no table: not empty.
  [[nodiscard]] bool empty() const { return tables.empty() && enums.empty() && migration_steps.empty(); }

  // The type with domains resolved to their base type.
  [[nodiscard]] TypeRef resolve_type(const TypeRef& type) const;
};

} // namespace pgadvise::model
