#pragma once

#include "loaders/schema_ts/names.hpp"
#include "loaders/schema_ts/schema_ts.hpp"
#include "loaders/schema_ts/values.hpp"
#include "loaders/typescript/parser.hpp"

#include <cstddef>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

// Internal to the Drizzle schema reader: the interpreter that walks the
// syntax trees of all schema files and fills the catalog. Split over
// reader.cpp (symbols, passes), evaluate.cpp (values of expressions),
// variables.cpp (schemas, enums, custom types, table creators),
// columns.cpp (column builders and modifiers) and table_config.cpp
// (references, the extra-config callback, sql``).
namespace pgadvise::loaders::drizzle_reader {

using drizzle_values::JsField;
using drizzle_values::JsValue;
using ts::NodeId;

// How deep the evaluator follows an expression (and resolve_alias a chain of names).
inline constexpr int k_max_eval_depth = 16;

struct SourceFile {
  std::string label;
  ts::Program program;
  // The declarations the schema entries export from this file (through
  // `export *`, `export { a as b } from` ...): only those are schema
  // objects, as for drizzle-kit. Unset: every exported declaration.
  std::optional<std::set<std::string>> schema_names;
  // A file the schema files import but do not re-export (custom types or
  // shared columns in `utils.ts`): read for what it declares, never a
  // schema object, a suppression or a parse problem of the schema.
  bool helper = false;
  // `import identity from "./identity"` resolved (module graph): the local
  // name -> the label of the file that declares what it default-exports
  // (`const identity = pgTable(...); export default identity;`) and that
  // declaration's name there.
  std::map<std::string, std::pair<std::string, std::string>, std::less<>> default_imports{};
};

// A node of one of the files.
struct Ref {
  std::size_t file = 0;
  NodeId node = ts::k_no_node;
  [[nodiscard]] bool valid() const { return node != ts::k_no_node; }
};

struct ColumnInfo {
  std::string property; // object key
  std::string raw_name; // explicit name, else the key (what default names use)
  std::string name;     // the column name (cased when the key is used)
};

enum class VarKind { schema, enumeration, custom_type, table_creator, table };

struct VarInfo {
  VarKind kind = VarKind::table;
  std::string name;  // schema / enum name; custom type SQL; creator prefix
  std::string extra; // enum schema; creator suffix; a casing schema's casing
  bool resolved = true;
  std::size_t index = 0; // tables: index into Reader::m_tables
  // custom types whose dataType(config) reads its config: the function,
  // evaluated with each column call's config.
  Ref data_type;
};

// A `.references(() => t.col, {...})` waiting until every table is read.
struct PendingReference {
  std::size_t column = 0; // index into TableInfo::columns
  Ref target;             // the arrow function
  Ref actions;            // the options object, when given
  std::size_t token = 0;  // `references`
  std::size_t file = 0;
};

// A parameter of a helper being read, bound to the argument its call gave.
struct ParamBinding {
  std::size_t file = 0;
  std::size_t first_token = 0; // the helper's tokens
  std::size_t last_token = 0;
  std::string name;
  Ref argument; // invalid: undefined
};

struct TableInfo {
  std::size_t file = 0;
  std::string builder_param; // `t` in pgTable("x", (t) => ({ id: t.uuid() }))
  std::string casing;        // how keys name columns: "snake_case", "camelCase" or "" (the key)
  const ts::Declaration* decl = nullptr;
  bool exported = false;
  model::Table table;
  std::vector<ColumnInfo> columns;
  Ref extra_config;
  std::vector<PendingReference> references;
  // A table from the app's own factory: the factory's parameters, bound
  // again while its extra config is read (`index(`${name}_org_idx`)`).
  std::vector<ParamBinding> factory_bindings;

  [[nodiscard]] const ColumnInfo* column_by_property(std::string_view property) const;
};

// How column references inside an extra-config callback or sql`` resolve.
struct ColumnScope {
  const TableInfo* table = nullptr;
  std::string param;                                         // `t` in (t) => [...]
  std::vector<std::pair<std::string, std::string>> bindings; // destructured (local, property)
};

// A builder chain `base(...).m1(...).m2(...)`, flattened through variables
// that hold part of it (`const id = uuid().primaryKey()`).
struct ChainCall {
  std::string name;
  Ref call;              // the call node of the method
  std::size_t token = 0; // the method name
};

struct Chain {
  Ref base;                       // the base call (invalid when there is none)
  std::vector<ChainCall> methods; // innermost first
};

// A column builder call's arguments: ([name], [config]).
struct ColumnArguments {
  std::optional<std::string> explicit_name;
  Ref config_ref;
  std::optional<JsValue> config; // unset when there is none or it could not be read
};

// What a column's modifiers declare beyond the column itself.
struct ColumnModifiers {
  bool primary = false;
  std::optional<std::string> unique_constraint;
  Ref default_arg; // `.default(x)`'s x
  std::size_t default_token = 0;
};

class Reader;
Chain flatten_chain(const Reader& reader, Ref value);
struct ReadMemo;
struct KeptTable;
struct NamedTable;

class Reader {
public:
  Reader(std::vector<SourceFile> files, std::string casing,
         drizzle_names::Naming naming = drizzle_names::Naming::kit_0);
  [[nodiscard]] drizzle_names::Naming naming() const { return m_naming; }
  SchemaLoad run();
  // run() takes the tables `memo` kept from the last read where their
  // declarations and what they name did not change, and leaves this read's
  // there for the next (read_memo.hpp). Null: every table is read.
  void keep_tables(ReadMemo* memo) { m_memo = memo; }
  // After run(): the files' programs as parsed (without the declarations
  // the reader added for their functions), for a later read to reparse.
  std::vector<ts::Program> release_programs();

  // ---- shared helpers (reader.cpp) ----
  [[nodiscard]] const ts::Node& node(Ref ref) const { return m_files[ref.file].program.node(ref.node); }
  [[nodiscard]] Ref child(Ref ref, std::size_t i) const;
  [[nodiscard]] core::SourceLocation location(std::size_t file, std::size_t token) const;
  void unresolved(std::size_t file, std::size_t token, const std::string& what);
  // The declaration a name refers to from a file (local, imported, or any
  // exported one), following aliases.
  [[nodiscard]] const ts::Declaration* lookup(std::size_t file, std::string_view name,
                                              std::size_t* found_in) const;
  [[nodiscard]] const ts::Declaration* default_imported(std::size_t file, std::string_view name,
                                                        std::size_t* found_in) const;
  // The drizzle-orm export a callee names (`pgTable`, `text`, `pg.text`), or
  // empty when it is the program's own variable or unknown.
  [[nodiscard]] std::string builtin(Ref callee) const;
  [[nodiscard]] const VarInfo* var_info(std::size_t file, std::string_view name) const;
  // Follows identifiers to the initializer they name (object literals and
  // builder chains shared through a variable), and `a.b` to the property
  // of the object literal `a` names.
  [[nodiscard]] Ref resolve_alias(Ref ref, int depth = 0) const;
  // What a spread of `ref` spreads, through `const { a, ...rest } = x`
  // declarations: x, with the keys `rest` leaves out added to `omitted`.
  [[nodiscard]] Ref rest_source(Ref ref, std::vector<std::string>& omitted) const;
  // The variable (or function) whose value (or returned object) is `object`; empty when none.
  [[nodiscard]] std::string declared_name(Ref object) const;
  [[nodiscard]] std::string find_declared_name(Ref object) const;
  // The value of `key` in an object literal; invalid when the object is
  // not a literal or a spread or computed key after it may replace it.
  [[nodiscard]] Ref object_property(Ref object, std::string_view key) const;
  // `helper(...)` where `const helper = (a, b) => <expression>`: that
  // expression (a column builder chain or an object of columns), with each
  // parameter bound to the call's argument until unbind(mark); an invalid
  // Ref for any other call (a builtin, a destructured parameter).
  [[nodiscard]] Ref helper_result(Ref call) const;
  // `get createdAt() { return timestamp(...) }` in an object of shared
  // columns: the expression the getter returns; invalid for any other
  // property (a method, a setter).
  [[nodiscard]] Ref getter_result(std::size_t file, const ts::Property& property) const;
  // The argument an identifier inside a called helper names (`name` in
  // `(name: string) => timestamp(name, ...)`); nullopt when it is not a
  // bound parameter, an invalid Ref when it was given no argument.
  [[nodiscard]] std::optional<Ref> bound_argument(Ref identifier) const;
  [[nodiscard]] std::size_t binding_mark() const { return m_bindings.size(); }
  void unbind(std::size_t mark) const { m_bindings.resize(mark); }

  // ---- the evaluator (evaluate.cpp) ----
  [[nodiscard]] std::optional<JsValue> eval(Ref ref, int depth = 0) const;
  // `ref` with the names in `env` bound (a function's parameters): identifiers,
  // member access, template literals, conditionals and the comparisons and
  // logic that pick their branch. nullopt when any part cannot be evaluated.
  [[nodiscard]] std::optional<JsValue> eval_with(Ref ref, const std::vector<JsField>& env,
                                                 int depth = 0) const;
  // The SQL type a custom type's dataType(config) returns for one call.
  [[nodiscard]] std::optional<std::string> custom_data_type(const VarInfo& var,
                                                            const std::optional<JsValue>& config) const;

  // ---- columns (columns.cpp) ----
  // A spread object's columns (depth > 0): `spread.omitted` are the keys a
  // rest pattern left out, `spread.object` the variable holding them.
  struct SpreadScope {
    std::vector<std::string> omitted;
    std::string object;
  };
  void build_columns(TableInfo& info, Ref columns, int depth, const SpreadScope& scope = {});
  void build_column(TableInfo& info, const ts::Property& property, std::size_t key_file, Ref value);
  void read_column(TableInfo& info, const ts::Property& property, std::size_t key_file, Ref value);

  // ---- config (table_config.cpp) ----
  void resolve_references(TableInfo& info);
  void apply_extra_config(TableInfo& info);
  // The entries of an extra-config array: each applied, and a spread entry's
  // array (a shared `const policies = [...]`, a helper `...tenantIndexes(t)`)
  // entry by entry.
  void apply_config_entries(TableInfo& info, const ColumnScope& scope, Ref array, const std::string& what,
                            int depth);
  [[nodiscard]] std::optional<std::string> render_sql(Ref tagged, const ColumnScope& scope,
                                                      bool qualify) const;
  [[nodiscard]] const TableInfo* table_of(std::size_t file, std::string_view name) const;

  // `pgadvise-ignore` comments before first_token (or after last_token on
  // its line) cover the lines from first_token to last_token.
  void add_suppressions(std::size_t file, std::size_t first_token, std::size_t last_token);
  void add_file_suppressions();

private:
  [[nodiscard]] std::optional<JsValue> eval_array(Ref ref, int depth) const;
  [[nodiscard]] std::optional<JsValue> eval_object(Ref ref, int depth) const;
  [[nodiscard]] std::optional<JsValue> eval_json_stringify(Ref ref, int depth) const;

  // ---- columns (columns.cpp) ----
  // A spread entry among a table's columns (`...timestamps`): the spread
  // object's columns, or the spread reported as unread.
  void build_spread_columns(TableInfo& info, std::size_t file, const ts::Property& property, int depth,
                            const SpreadScope& scope);
  void keep_chain(Ref value, const Chain& chain, model::Column& column) const;
  // `{ id }` where `const { id } = baseColumns`: the column is baseColumns'
  // entry, so it is marked shared there and keeps that entry's chain.
  void mark_destructured(Ref value, model::Column& column) const;
  // nullopt when the column's name cannot be read.
  [[nodiscard]] std::optional<ColumnArguments> column_arguments(const Chain& chain, const std::string& where);
  // The column's type from its builder (drizzle's, an enum's or a custom
  // type's); false when it cannot be read.
  bool column_type(const TableInfo& info, const Chain& chain, const ColumnArguments& args,
                   model::Column& column, std::string& sql_type, const std::string& where);
  // A builder's SQL type as every loader normalizes it, parsed once per
  // spelling (a schema of thousands of tables names a few dozen).
  [[nodiscard]] model::TypeRef normalized_type(const std::string& sql);
  ColumnModifiers read_modifiers(TableInfo& info, const Chain& chain, const ColumnInfo& names,
                                 model::Column& column, std::string& sql_type, const std::string& where);
  void read_default(const TableInfo& info, const ColumnModifiers& modifiers, const std::string& sql_type,
                    model::Column& column, const std::string& where);
  void read_identity_options(const TableInfo& info, Ref options, model::Column& column,
                             const std::string& where);
  // `Object.fromEntries` for that callee: identifiers joined by dots; empty
  // for anything else.
  [[nodiscard]] std::string dotted_name(Ref ref) const;

  // ---- variables (variables.cpp) ----
  // Calls `visit` with each declaration of every file whose initializer is a call.
  void for_each_call_declaration(const std::function<void(std::size_t, const ts::Declaration&, Ref)>& visit);
  void collect_variables();
  void collect_schemas();
  void collect_enum(const ts::Declaration& decl, Ref init, const std::string& schema);
  [[nodiscard]] VarInfo custom_type(Ref init) const;
  [[nodiscard]] VarInfo table_creator(Ref init) const;

  // ---- passes (reader.cpp) ----
  void collect_tables();
  // One declaration; `depth`: factories of the app's own followed so far.
  void collect_table(std::size_t file, const ts::Declaration& decl, Ref call, int depth = 0);
  // Where a table call puts its table and how it names it: the schema, a
  // pgTableCreator's prefix and suffix, and the casing of its column keys.
  struct TableOrigin {
    std::string schema = "public";
    std::string prefix;
    std::string suffix;
    std::string casing;
  };
  // The casing builtin (`snakeCase` / `camelCase` of drizzle-orm 1.0) an
  // object names, as apply_casing spells it; nullopt for any other object.
  [[nodiscard]] std::optional<std::string> casing_object(Ref object) const;
  void register_table(std::size_t file, const ts::Declaration& decl, Ref call, const TableOrigin& origin);
  // Every table's references and extra config, once every table's columns are read.
  void read_configs();
  void report_lex_problems();
  void finish_catalog();
  // Whether drizzle-kit sees the declaration (the schema entries export it).
  [[nodiscard]] bool is_exported(std::size_t file, const ts::Declaration& decl) const;
  // Whether its own file exports it (what an import of it finds).
  [[nodiscard]] bool exports_itself(std::size_t file, const ts::Declaration& decl) const;

  // Where each name is declared in a file: its declarations' indexes, in
  // order (lookup and builtin ask per builder call; a scan of every
  // declaration made a 10,000-table schema quadratic).
  [[nodiscard]] const std::vector<std::size_t>* declared(std::size_t file, std::string_view name) const;

  // ---- the kept tables (read_memo.cpp) ----
  // A declaration's whole lines (with the comments before it and after it
  // on its last line): their hash and where they are.
  struct DeclarationText {
    std::uint64_t hash = 0;
    int first_line = 0;
    int last_line = 0;
  };
  // How a table of this read was read: taken from the memo, or read, with
  // what it reported (diagnostics and suppressions, as [begin, end) of
  // m_load's).
  struct TableRead {
    KeptTable* kept = nullptr;
    std::size_t declaration = 0;
    std::size_t problems_begin = 0;
    std::size_t problems_end = 0;
    std::size_t suppressions_begin = 0;
    std::size_t suppressions_end = 0;
    std::size_t config_begin = 0;
    std::size_t config_end = 0;
  };
  [[nodiscard]] DeclarationText declaration_text(std::size_t file, const ts::Declaration& decl) const;
  // Which of the memo's tables this read takes (m_usable), and the tables
  // each names in its references or extra config that changed (m_named).
  void plan_reuse();
  using Names = std::set<std::string, std::less<>>;
  // Whether the files, their imports and exports and the options are the memo's.
  [[nodiscard]] bool same_sources() const;
  // The names whose declarations changed, came or went since the memo's read.
  [[nodiscard]] Names changed_names() const;
  // A declaration naming what changed (or an alias of it) is read again,
  // and what names it in turn, until no more change; a kept table naming a
  // changed table only in its references and extra config notes it there.
  void read_through(Names changed);
  struct NameCheck {
    std::unordered_set<std::string_view> names;          // changed, and not yet looked for
    Names aliases;                                       // imports of changed names under others
    std::map<std::string, bool, std::less<>> table_only; // only_tables' answers
  };
  // Whether a declaration names one of `check.names` where it must be read again.
  bool reads_through(std::size_t file, std::size_t declaration, NameCheck& check);
  // Whether a name's declarations are, in every file, the memo's tables or
  // none: a kept table reading it in its references is checked after the
  // tables are read (named_tables_same).
  bool only_tables(std::string_view name, NameCheck& check) const;
  // The memo's table for a declaration, added as read: false when it has none to take.
  bool reuse_table(std::size_t file, std::size_t declaration);
  // Whether a kept table's references and extra config read the tables it
  // names as the last read did: their schema, name and the columns named.
  [[nodiscard]] bool named_tables_same(std::size_t table);
  // A kept table's references and extra config as read last time (what
  // reading them reported given again): false when they are to be read.
  bool take_kept_config(std::size_t table);
  // Reads table `table`'s declaration again in place of the kept one (its
  // columns; what reading them reports is the kept table's, already given).
  void read_again(std::size_t table);
  // One declaration's table(s): collect_table with `.enableRLS()` and `withRLS`.
  void collect_declaration(std::size_t file, const ts::Declaration& decl);
  // Leaves this read's tables in the memo (before the habits' passes).
  void keep_read();

  ReadMemo* m_memo = nullptr;
  std::vector<std::vector<DeclarationText>> m_texts;                // by file, by declaration
  std::vector<std::string> m_shapes;                                // by file
  std::vector<std::vector<KeptTable*>> m_usable;                    // by file, by declaration
  std::vector<std::vector<std::vector<NamedTable>>> m_named;        // by file, by declaration
  std::map<std::pair<std::string, std::string>, bool> m_named_same; // named_tables_same's answers
  std::vector<TableRead> m_reads;                                   // by table, with a memo

  std::vector<SourceFile> m_files;
  std::vector<std::size_t> m_parsed_declarations; // by file: those its parse gave
  std::vector<std::unordered_map<std::string_view, std::vector<std::size_t>>> m_declared; // by file
  std::string m_casing;
  drizzle_names::Naming m_naming = drizzle_names::Naming::kit_0;
  std::map<std::pair<std::size_t, std::string>, VarInfo> m_vars;
  std::vector<TableInfo> m_tables;
  SchemaLoad m_load;
  // The parameters of the helpers being read, innermost last.
  mutable std::vector<ParamBinding> m_bindings;
  std::unordered_map<std::string, model::TypeRef> m_types; // normalized_type's, by spelling
  // declared_name's answers, by object (file, node).
  mutable std::map<std::pair<std::size_t, NodeId>, std::string> m_declared_names;
};

} // namespace pgadvise::loaders::drizzle_reader
