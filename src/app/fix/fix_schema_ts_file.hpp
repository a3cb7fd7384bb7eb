#pragma once

#include "app/fix/fix_schema_ts.hpp"
#include "core/text.hpp"
#include "core/text_edit.hpp"
#include "loaders/typescript/parser.hpp"

#include <cstddef>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

// The schema file `pgadvise fix` edits (app/fix/fix_schema_ts.hpp), read with
// the TypeScript parser: its style (quotes, indentation), where a table's
// declaration and its extra-config callback are, and the edits that add or
// remove list items, a callback or imports in the file's own layout.
// Internal to the fix_schema_ts*.cpp files.
namespace pgadvise::app {

class SchemaTsFile {
public:
  explicit SchemaTsFile(std::string_view source)
      : m_src(source), m_program(loaders::ts::parse_program(std::string(source))) {
    detect_style();
  }

  // The edits for `requests` (app/fix/fix_schema_ts.cpp).
  SchemaEditPlan plan(const std::vector<SchemaEdit>& requests);

private:
  // Past this width a one-line list is broken into one entry per line, as
  // Prettier (whose default is 80) would print it.
  static constexpr std::size_t k_max_width = 80;

  // A bracketed list in the file: an array, an object's properties or an
  // import's named specifiers, each item as its first and last token.
  struct ListShape {
    std::size_t open = 0;  // token of `[`, `{`
    std::size_t close = 0; // token of `]`, `}`
    std::vector<std::pair<std::size_t, std::size_t>> items;
    bool object = false; // `{ a }` is written with spaces inside, `[a]` without
  };

  // ---- text positions ----
  [[nodiscard]] const loaders::ts::Token& tok(std::size_t i) const { return m_program.token(i); }
  [[nodiscard]] std::size_t begin_of(std::size_t token) const { return tok(token).offset; }
  [[nodiscard]] std::size_t end_of(std::size_t token) const { return tok(token).offset + tok(token).length; }
  [[nodiscard]] std::size_t line_start(std::size_t offset) const {
    if (offset == 0) {
      return 0;
    }
    const std::size_t nl = m_src.rfind('\n', offset - 1);
    return nl == std::string_view::npos ? 0 : nl + 1;
  }
  [[nodiscard]] std::size_t line_end(std::size_t offset) const {
    const std::size_t nl = m_src.find('\n', offset);
    return nl == std::string_view::npos ? m_src.size() : nl;
  }
  [[nodiscard]] std::string indent_at(std::size_t offset) const {
    const std::size_t start = line_start(offset);
    std::size_t end = start;
    while (end < m_src.size() && (m_src[end] == ' ' || m_src[end] == '\t')) {
      ++end;
    }
    return std::string(m_src.substr(start, end - start));
  }
  [[nodiscard]] bool first_on_line(std::size_t token) const {
    return core::trim(
               m_src.substr(line_start(begin_of(token)), begin_of(token) - line_start(begin_of(token))))
        .empty();
  }
  [[nodiscard]] std::string_view text_of(std::size_t first, std::size_t last) const {
    return m_src.substr(begin_of(first), end_of(last) - begin_of(first));
  }

  static constexpr std::size_t k_no_token = static_cast<std::size_t>(-1);

  // A column builder renamed (`json` -> `jsonb`) at `token`, a plain call
  // whose name the file imports.
  struct BuilderSwap {
    std::string from;
    std::string to;
    std::size_t token = 0;
  };

  // What a plan imports: names by module, and builders renamed.
  struct Imports {
    std::map<std::string, std::set<std::string>> names;
    std::vector<BuilderSwap> swaps;
  };

  // A table's declaration as the edits see it.
  struct TableShape {
    loaders::ts::NodeId call = loaders::ts::k_no_node;
    loaders::ts::NodeId columns = loaders::ts::k_no_node;     // the columns object
    loaders::ts::NodeId config_list = loaders::ts::k_no_node; // the callback's array or object
    bool has_callback = false;
    bool object_form = false;
    ListShape list;
  };

  // ---- planning (app/fix/fix_schema_ts.cpp) ----
  [[nodiscard]] TableShape table_shape(loaders::ts::NodeId call) const;
  // Whether the file's extra-config callbacks are mostly the older object form.
  // nullopt when the file has no extra-config callback to tell.
  [[nodiscard]] std::optional<bool> file_object_form() const;
  [[nodiscard]] std::optional<std::size_t> find_item(const TableShape& shape, const std::string& name) const;
  void plan_table(const std::string& table, const std::vector<const SchemaEdit*>& requests, Imports& imports,
                  SchemaEditPlan& plan) const;
  void plan_shared_columns(const std::string& table, loaders::ts::NodeId shared,
                           const std::vector<const SchemaEdit*>& requests, Imports& imports,
                           SchemaEditPlan& plan) const;
  // An index entry for the table's extra-config list into `adds` (keyed in
  // the object form), with what it imports; or why it is done or left out.
  void plan_add_index(const std::string& table, const TableShape& shape, const SchemaEdit& request,
                      bool object_form, std::vector<std::string>& adds, Imports& imports,
                      SchemaEditPlan& plan) const;
  void plan_retype(const std::string& table, const TableShape& shape, const SchemaEdit& request,
                   Imports& imports, SchemaEditPlan& plan) const;
  void plan_option(const std::string& table, const TableShape& shape, const SchemaEdit& request,
                   SchemaEditPlan& plan) const;
  // The call of the builder a column's chain starts with (`timestamp("c", {...})` of
  // `timestamp("c", {...}).notNull()`, or `t.timestamp()`); k_no_node when none.
  [[nodiscard]] loaders::ts::NodeId builder_call(loaders::ts::NodeId expression) const;
  [[nodiscard]] const loaders::ts::Property* column_property(loaders::ts::NodeId columns,
                                                             const std::string& name, int depth = 0) const;
  [[nodiscard]] std::string factory_of(const TableShape& shape) const;
  // `tenantTable(...)`: the table call's callee when it is a plain name; empty otherwise.
  [[nodiscard]] std::string callee_of(const TableShape& shape) const;

  // ---- style and lookups (app/fix/fix_schema_ts_file.cpp) ----
  void detect_style();
  [[nodiscard]] std::string styled(std::string_view entry) const;
  // `p` when the file reaches drizzle-orm/pg-core only through
  // `import * as p from "drizzle-orm/pg-core"` (new entries are written
  // `p.index(...)`, nothing imported); empty otherwise.
  [[nodiscard]] std::string pg_core_namespace() const;

  // ---- the tree ----
  [[nodiscard]] const loaders::ts::Node& node(loaders::ts::NodeId id) const { return m_program.node(id); }
  [[nodiscard]] loaders::ts::NodeId table_call(std::string_view table) const;
  // A shared object of columns tables spread (`const baseColumns = {...}`,
  // `const timestamps = () => ({...})`): its object; k_no_node when none.
  [[nodiscard]] loaders::ts::NodeId shared_columns(std::string_view name) const;
  [[nodiscard]] std::string callback_param(loaders::ts::NodeId call) const;
  [[nodiscard]] std::optional<std::string> built_name(loaders::ts::NodeId expression) const;
  [[nodiscard]] std::string builder_of(loaders::ts::NodeId expression) const;
  // The token naming the builder a column's chain starts with: `json` in
  // `json("c").$type<T>().notNull()` or in `t.json()`; k_no_token when none.
  [[nodiscard]] std::size_t builder_token(loaders::ts::NodeId expression) const;
  // Identifier tokens naming `name` as a value outside imports (not `x.name`,
  // not an object key), other than `except`.
  [[nodiscard]] std::size_t uses_of(std::string_view name, const std::set<std::size_t>& except) const;
  [[nodiscard]] ListShape list_of(loaders::ts::NodeId list) const;
  [[nodiscard]] std::string object_key(const loaders::ts::Node& call, loaders::ts::NodeId list,
                                       const std::string& name, const std::string& given) const;

  // ---- edits laid out as the file is (app/fix/fix_schema_ts_layout.cpp) ----
  void append_items(const ListShape& list, const std::vector<std::string>& items,
                    std::vector<core::TextEdit>& edits) const;
  core::TextEdit remove_item(const ListShape& list, std::size_t index) const;
  // `object_form`: `(t) => ({ ... })`, the entries keyed already; else `(t) => [ ... ]`.
  void add_callback(loaders::ts::NodeId call, const std::vector<std::string>& entries, bool object_form,
                    std::vector<core::TextEdit>& edits) const;
  void add_imports(const std::string& module, const std::set<std::string>& names,
                   std::vector<core::TextEdit>& edits) const;
  // The named imports of `module`: the list and each specifier's local name.
  [[nodiscard]] std::optional<ListShape> import_list(const std::string& module) const;
  // After builders were renamed: a builder no longer used leaves the
  // drizzle-orm import (renamed in place to the new one when that keeps the
  // list as sorted as it was); new builders join `imports`.
  void swap_builder_imports(const std::vector<BuilderSwap>& swaps,
                            std::map<std::string, std::set<std::string>>& imports,
                            std::vector<core::TextEdit>& edits) const;
  // A default whose SQL names the old type (`sql`'{}'::json``) in the
  // column's tokens [first, last] is cast to the new one, with a note.
  void retyped_defaults(std::size_t first, std::size_t last, const std::string& from, const std::string& to,
                        const std::string& column, SchemaEditPlan& plan) const;

  std::string_view m_src;
  loaders::ts::Program m_program;
  char m_quote = '"';
  std::string m_indent_unit = "  ";
};

} // namespace pgadvise::app
