#include "loaders/drizzle_kit/snapshot_reader.hpp"

#include "core/text.hpp"
#include "loaders/drizzle_kit/snapshot_policy.hpp"
#include "loaders/fk_action.hpp"
#include "model/catalog.hpp"
#include "model/type_ref.hpp"

#include <algorithm>
#include <utility>
#include <vector>

namespace pgadvise::loaders {

namespace {

using Json = nlohmann::ordered_json;
using Path = std::vector<std::string>;

// The identifier PostgreSQL generates for "<name>_<suffix>": the name part is
// shortened so the whole fits in 63 bytes, as makeObjectName does.
std::string generated_name(const std::string& name, const std::string& suffix) {
  const std::size_t room = suffix.size() + 1 < 63 ? 63 - suffix.size() - 1 : 0;
  return core::truncate_identifier(name, room) + "_" + suffix;
}

std::string text_field(const Json& object, const std::string& key) {
  if (!object.is_object()) {
    return {};
  }
  const auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

bool flag_field(const Json& object, const std::string& key) {
  if (!object.is_object()) {
    return false;
  }
  const auto it = object.find(key);
  return it != object.end() && it->is_boolean() && it->get<bool>();
}

const Json* member(const Json& object, const std::string& key) {
  if (!object.is_object()) {
    return nullptr;
  }
  const auto it = object.find(key);
  return it == object.end() || it->is_null() ? nullptr : &*it;
}

std::vector<std::string> string_list(const Json* value) {
  std::vector<std::string> out;
  if (value != nullptr && value->is_array()) {
    for (const Json& item : *value) {
      if (item.is_string()) {
        out.push_back(item.get<std::string>());
      }
    }
  }
  return out;
}

std::vector<std::string> comma_list(std::string_view text) {
  std::vector<std::string> out;
  for (const std::string& part : core::split(text, ',')) {
    if (!core::trim(part).empty()) {
      out.emplace_back(core::trim(part));
    }
  }
  return out;
}

// A column default as SQL text: drizzle-kit stores SQL strings ("now()",
// "'{}'"), and booleans and numbers as JSON values.
std::string default_text(const Json& value) {
  if (value.is_string()) {
    return value.get<std::string>();
  }
  return value.dump();
}

std::string strip_array_suffix(std::string text) {
  while (text.size() >= 2 && text.compare(text.size() - 2, 2, "[]") == 0) {
    text.resize(text.size() - 2);
  }
  return text;
}

class SnapshotReader {
public:
  SnapshotReader(const JsonKeyLines& lines, std::string file, SchemaLoad& load)
      : m_lines(lines), m_file(std::move(file)), m_load(load) {}

  void read(const Json& snapshot) {
    if (const Json* schemas = member(snapshot, "schemas")) {
      read_schemas(*schemas);
    }
    if (const Json* enums = member(snapshot, "enums")) {
      read_enums(*enums);
    }
    const Json* tables = member(snapshot, "tables");
    if (tables != nullptr && tables->is_object()) {
      for (const auto& [key, table] : tables->items()) {
        read_table(key, table);
      }
    }
    if (const Json* views = member(snapshot, "views");
        views != nullptr && views->is_object() && !views->empty()) {
      m_load.notes.push_back(m_file + ": " + std::to_string(views->size()) +
                             " view(s) in the snapshot are not part of the catalog");
    }
  }

private:
  [[nodiscard]] core::SourceLocation at(const Path& path) const { return m_lines.locate(path); }

  void problem(std::string message, const Path& path) {
    m_load.diagnostics.push_back(make_diagnostic(k_parse_error, core::Severity::high,
                                                 "drizzle-kit snapshot: " + std::move(message), at(path)));
  }

  void add_schema(const std::string& name) {
    if (!name.empty() && !m_load.catalog.has_schema(name)) {
      m_load.catalog.schemas.push_back(name);
    }
  }

  // {"billing": "billing"}: the value is the schema name.
  void read_schemas(const Json& schemas) {
    if (!schemas.is_object()) {
      return;
    }
    for (const auto& [key, value] : schemas.items()) {
      add_schema(value.is_string() ? value.get<std::string>() : key);
    }
  }

  // v5: {"role": {"name", "values": {"a": "a"}}}; v6+: {"public.role":
  // {"name", "schema", "values": ["a"]}}.
  void read_enums(const Json& enums) {
    if (!enums.is_object()) {
      return;
    }
    for (const auto& [key, value] : enums.items()) {
      const Path path{"enums", key};
      if (!value.is_object()) {
        problem("enum " + key + " is not an object", path);
        continue;
      }
      model::Enum item;
      item.name = text_field(value, "name");
      if (item.name.empty()) {
        item.name = key.substr(key.find('.') == std::string::npos ? 0 : key.find('.') + 1);
      }
      const std::string schema = text_field(value, "schema");
      item.schema = schema.empty() ? "public" : schema;
      if (const Json* values = member(value, "values")) {
        if (values->is_array()) {
          item.values = string_list(values);
        } else if (values->is_object()) {
          for (const auto& [label, text] : values->items()) {
            item.values.push_back(text.is_string() ? text.get<std::string>() : label);
          }
        }
      }
      item.location = at(path);
      m_load.catalog.enums.push_back(std::move(item));
    }
  }

  void read_table(const std::string& key, const Json& value) {
    const Path path{"tables", key};
    if (!value.is_object()) {
      problem("table " + key + " is not an object", path);
      return;
    }
    model::Table table;
    table.name = text_field(value, "name");
    const auto dot = key.find('.');
    if (table.name.empty()) {
      table.name = dot == std::string::npos ? key : key.substr(dot + 1);
    }
    // "schema" is "" for public tables in every version; v6+ keys say it too.
    table.schema = text_field(value, "schema");
    if (const auto name_dot = table.name.find('.'); name_dot != std::string::npos &&
                                                    (table.schema.empty() || table.schema == "public") &&
                                                    key == table.name) {
      // {"auth.users": {"name": "auth.users"}}: a schema-qualified name, not a table called "auth.users".
      table.schema = table.name.substr(0, name_dot);
      table.name = table.name.substr(name_dot + 1);
    }
    if (table.schema.empty()) {
      table.schema =
          dot != std::string::npos && key.substr(dot + 1) == table.name ? key.substr(0, dot) : "public";
    }
    table.location = at(path);
    add_schema(table.schema);
    if (m_load.catalog.find_table(table.schema, table.name) != nullptr) {
      problem("table " + table.schema + "." + table.name + " appears twice", path);
      return;
    }

    if (const Json* columns = member(value, "columns"); columns == nullptr || !columns->is_object()) {
      problem("table " + table.name + " has no columns object", path);
    }
    read_entries(path, value, "columns", table, &SnapshotReader::read_column);
    read_entries(path, value, "compositePrimaryKeys", table, &SnapshotReader::read_primary_key);
    read_entries(path, value, "uniqueConstraints", table, &SnapshotReader::read_unique_constraint);
    read_entries(path, value, "indexes", table, &SnapshotReader::read_index);
    read_entries(path, value, "foreignKeys", table, &SnapshotReader::read_foreign_key);
    read_entries(path, value, "checkConstraints", table, &SnapshotReader::read_check);
    read_entries(path, value, "policies", table, &SnapshotReader::read_policy);
    // drizzle-kit enables row-level security on a table that has policies.
    table.rls_enabled = flag_field(value, "isRLSEnabled") || !table.policies.empty();
    m_load.catalog.tables.push_back(std::move(table));
  }

  using EntryReader = void (SnapshotReader::*)(const std::string& key, const Json& value, const Path& path,
                                               model::Table& table);

  // Hands `read_entry` each entry of the table's keyed object `part`
  // ("columns", "indexes", ...) with its path; an absent or non-object part
  // has none.
  void read_entries(const Path& table_path, const Json& table_value, const std::string& part,
                    model::Table& table, EntryReader read_entry) {
    const Json* entries = member(table_value, part);
    if (entries == nullptr || !entries->is_object()) {
      return;
    }
    for (const auto& [key, value] : entries->items()) {
      (this->*read_entry)(key, value, Path{table_path[0], table_path[1], part, key}, table);
    }
  }

  // The name an entry gives itself ({"name": ...}), else its key.
  static std::string entry_name(const std::string& key, const Json& value) {
    std::string name = text_field(value, "name");
    return name.empty() ? key : name;
  }

  model::TypeRef column_type(const std::string& type_text, const std::string& type_schema) const {
    model::TypeRef type = model::parse_type_text(type_text);
    // Enums keep the spelling drizzle-kit stored (a quoted, mixed-case name
    // stays as it is); the schema is the enum's, as the SQL replay records it.
    const std::string bare = strip_array_suffix(std::string(core::trim(type_text)));
    const std::string wanted_schema = type_schema.empty() ? std::string() : type_schema;
    for (const model::Enum& item : m_load.catalog.enums) {
      const bool same_name = item.name == bare || item.name == type.name;
      if (same_name && (wanted_schema.empty() || item.schema == wanted_schema)) {
        type.name = item.name;
        type.schema = item.schema;
        return type;
      }
    }
    if (!type_schema.empty() && type_schema != "public") {
      type.schema = type_schema;
    }
    return type;
  }

  void read_column(const std::string& key, const Json& value, const Path& path, model::Table& table) {
    const std::string type_text = text_field(value, "type");
    if (!value.is_object() || type_text.empty()) {
      problem("column " + table.name + "." + key + " has no type", path);
      return;
    }
    model::Column column;
    column.name = entry_name(key, value);
    column.type = column_type(type_text, text_field(value, "typeSchema"));
    column.not_null = flag_field(value, "notNull");
    column.identity = member(value, "identity") != nullptr;
    if (const Json* def = member(value, "default")) {
      column.default_expr = default_text(*def);
    }
    column.location = at(path);

    if (flag_field(value, "primaryKey")) {
      add_primary_key(generated_name(table.name, "pkey"), {column.name}, column.location, table, path);
      column.not_null = true;
    }
    // Older drizzle-kit kept column-level UNIQUE on the column itself.
    if (flag_field(value, "isUnique")) {
      std::string name = text_field(value, "uniqueName");
      if (name.empty()) {
        name = table.name + "_" + column.name + "_unique";
      }
      add_unique(std::move(name), {column.name}, column.location, table);
    }
    table.columns.push_back(std::move(column));
  }

  void add_primary_key(std::string name, std::vector<std::string> columns, core::SourceLocation location,
                       model::Table& table, const Path& path) {
    if (table.primary_key() != nullptr) {
      problem("table " + table.name + " has more than one primary key", path);
      return;
    }
    table.indexes.insert(
        table.indexes.begin(),
        constraint_index(std::move(name), model::IndexKind::primary_key, std::move(columns), location));
  }

  static void add_unique(std::string name, std::vector<std::string> columns, core::SourceLocation location,
                         model::Table& table) {
    table.indexes.push_back(
        constraint_index(std::move(name), model::IndexKind::unique_constraint, std::move(columns), location));
  }

  // A primary key or unique constraint over plain columns.
  static model::Index constraint_index(std::string name, model::IndexKind kind,
                                       std::vector<std::string> columns, core::SourceLocation location) {
    model::Index index;
    index.name = std::move(name);
    index.kind = kind;
    index.unique = true;
    for (std::string& column : columns) {
      index.keys.push_back({std::move(column), "", false, "", {}});
    }
    index.location = location;
    return index;
  }

  // Whether every name is a column of the table (to tell the parts of a
  // squashed "columns;name" string apart).
  static bool all_columns(const model::Table& table, const std::vector<std::string>& names) {
    return !names.empty() && std::all_of(names.begin(), names.end(), [&](const std::string& n) {
      return table.find_column(n) != nullptr;
    });
  }

  // Objects {"name", "columns"}; some releases stored drizzle-kit's squashed
  // form "col1,col2;name" instead.
  void read_primary_key(const std::string& key, const Json& value, const Path& path, model::Table& table) {
    std::string name = entry_name(key, value);
    std::vector<std::string> columns = string_list(member(value, "columns"));
    if (value.is_string()) {
      const std::vector<std::string> parts = core::split(value.get<std::string>(), ';');
      columns = comma_list(parts.empty() ? std::string() : parts[0]);
      if (parts.size() >= 2) {
        if (!all_columns(table, columns) && all_columns(table, comma_list(parts[1]))) {
          columns = comma_list(parts[1]);
          name = parts[0];
        } else if (!parts[1].empty()) {
          name = parts[1];
        }
      }
    }
    if (columns.empty()) {
      problem("primary key " + key + " of " + table.name + " has no columns", path);
      return;
    }
    add_primary_key(std::move(name), std::move(columns), at(path), table, path);
  }

  // Objects {"name", "columns", "nullsNotDistinct"}; squashed "name;cols;nnd".
  void read_unique_constraint(const std::string& key, const Json& value, const Path& path,
                              model::Table& table) {
    std::string name = entry_name(key, value);
    std::vector<std::string> columns = string_list(member(value, "columns"));
    if (value.is_string()) {
      const std::vector<std::string> parts = core::split(value.get<std::string>(), ';');
      if (parts.size() >= 2) {
        name = parts[0].empty() ? key : parts[0];
        columns = comma_list(parts[1]);
      }
    }
    if (columns.empty()) {
      problem("unique constraint " + key + " of " + table.name + " has no columns", path);
      return;
    }
    add_unique(std::move(name), std::move(columns), at(path), table);
  }

  // One index key: a column name (v5/v6 strings), {"name"} (early objects),
  // or v7's {"expression", "isExpression", "asc", "nulls", "opclass"}.
  static std::optional<model::IndexKey> index_key(const Json& item, const model::Table& table) {
    model::IndexKey key;
    if (item.is_string()) {
      const std::string text = item.get<std::string>();
      // drizzle-kit wrote the SQL of expression keys where a name belongs.
      if (table.find_column(text) == nullptr && text.find_first_of("( ") != std::string::npos) {
        key.expression = text;
      } else {
        key.column = text;
      }
      return key;
    }
    if (!item.is_object()) {
      return std::nullopt;
    }
    const std::string expression = text_field(item, "expression");
    const std::string name = text_field(item, "name");
    if (!expression.empty()) {
      (flag_field(item, "isExpression") ? key.expression : key.column) = expression;
    } else if (!name.empty()) {
      key.column = name;
    } else {
      return std::nullopt;
    }
    const Json* asc = member(item, "asc");
    key.descending = asc != nullptr && asc->is_boolean() && !asc->get<bool>();
    const std::string nulls = text_field(item, "nulls"); // drizzle-kit writes "first" or "last"
    if (nulls == "first" || nulls == "last") {
      key.nulls_first = nulls == "first";
    }
    key.opclass = text_field(item, "opclass");
    return key;
  }

  void read_index(const std::string& key, const Json& value, const Path& path, model::Table& table) {
    model::Index index;
    index.name = entry_name(key, value);
    const Json* columns = nullptr;
    Json squashed_columns = Json::array();
    if (value.is_object()) {
      columns = member(value, "columns");
      index.unique = flag_field(value, "isUnique");
      index.predicate = text_field(value, "where");
      const std::string method =
          text_field(value, "method").empty() ? text_field(value, "using") : text_field(value, "method");
      if (!method.empty()) {
        index.method = core::to_lower(method);
      }
    } else if (value.is_string()) { // squashed "name;col1,col2;isUnique"
      const std::vector<std::string> parts = core::split(value.get<std::string>(), ';');
      if (parts.size() >= 2) {
        index.name = parts[0].empty() ? key : parts[0];
        for (const std::string& column : comma_list(parts[1])) {
          squashed_columns.push_back(column);
        }
        columns = &squashed_columns;
        index.unique = parts.size() >= 3 && parts[2] == "true";
      }
    }
    if (columns != nullptr && columns->is_array()) {
      for (const Json& item : *columns) {
        if (auto index_key_value = index_key(item, table)) {
          index.keys.push_back(std::move(*index_key_value));
        }
      }
    }
    if (index.keys.empty()) {
      problem("index " + key + " of " + table.name + " has no readable columns", path);
      return;
    }
    index.location = at(path);
    table.indexes.push_back(std::move(index));
  }

  void read_foreign_key(const std::string& key, const Json& value, const Path& path, model::Table& table) {
    model::ForeignKey fk;
    fk.name = entry_name(key, value);
    std::string schema_to;
    if (value.is_object()) {
      fk.columns = string_list(member(value, "columnsFrom"));
      fk.ref_table = text_field(value, "tableTo");
      fk.ref_columns = string_list(member(value, "columnsTo"));
      schema_to = text_field(value, "schemaTo");
      fk.on_delete = fk_action_from_words(text_field(value, "onDelete")).value_or(model::FkAction::no_action);
      fk.on_update = fk_action_from_words(text_field(value, "onUpdate")).value_or(model::FkAction::no_action);
    } else if (value.is_string()) {
      // name;tableFrom;columnsFrom;tableTo;columnsTo;onUpdate;onDelete;schemaTo
      const std::vector<std::string> parts = core::split(value.get<std::string>(), ';');
      if (parts.size() >= 5) {
        fk.name = parts[0].empty() ? key : parts[0];
        fk.columns = comma_list(parts[2]);
        fk.ref_table = parts[3];
        fk.ref_columns = comma_list(parts[4]);
        fk.on_update = fk_action_from_words(parts.size() > 5 ? parts[5] : std::string())
                           .value_or(model::FkAction::no_action);
        fk.on_delete = fk_action_from_words(parts.size() > 6 ? parts[6] : std::string())
                           .value_or(model::FkAction::no_action);
        schema_to = parts.size() > 7 ? parts[7] : std::string();
      }
    }
    // drizzle-kit omits schemaTo for public targets and writes the SQL
    // unqualified, so an absent schema is public.
    if (const auto ref_dot = fk.ref_table.find('.'); ref_dot != std::string::npos && schema_to.empty()) {
      schema_to = fk.ref_table.substr(0, ref_dot); // "tableTo": "auth.users"
      fk.ref_table = fk.ref_table.substr(ref_dot + 1);
    }
    fk.ref_schema = schema_to.empty() ? "public" : schema_to;
    if (fk.columns.empty() || fk.ref_table.empty() || fk.columns.size() != fk.ref_columns.size()) {
      problem("foreign key " + key + " of " + table.name + " has no matching column lists", path);
      return;
    }
    fk.location = at(path);
    table.foreign_keys.push_back(std::move(fk));
  }

  // v7: {"name", "value"}.
  void read_check(const std::string& key, const Json& value, const Path& path, model::Table& table) {
    model::CheckConstraint check;
    check.name = entry_name(key, value);
    check.expression = text_field(value, "value");
    if (value.is_string()) { // squashed "name;value"
      const std::string text = value.get<std::string>();
      const auto semicolon = text.find(';');
      check.name = semicolon == std::string::npos ? key : text.substr(0, semicolon);
      check.expression = semicolon == std::string::npos ? text : text.substr(semicolon + 1);
    }
    check.location = at(path);
    table.checks.push_back(std::move(check));
  }

  void read_policy(const std::string& key, const Json& value, const Path& path, model::Table& table) {
    model::Policy policy = snapshot_policy(key, value);
    policy.location = at(path);
    table.policies.push_back(std::move(policy));
  }

  const JsonKeyLines& m_lines;
  std::string m_file;
  SchemaLoad& m_load;
};

// The snapshot's version as a number, whether stored as "7" or 7; 0 when absent.
int version_of(const Json& snapshot) {
  const Json* version = member(snapshot, "version");
  if (version == nullptr) {
    return 0;
  }
  if (version->is_number_integer()) {
    return version->get<int>();
  }
  if (version->is_string()) {
    const std::string text = version->get<std::string>();
    if (!text.empty() && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; }) &&
        text.size() < 6) {
      return std::stoi(text);
    }
  }
  return -1;
}

} // namespace

core::Result<SchemaLoad> read_snapshot(const Json& snapshot, const JsonKeyLines& lines,
                                       const std::string& file) {
  if (!snapshot.is_object()) {
    return core::Error("not a drizzle-kit snapshot: the top level is not a JSON object", {file, 1, 1});
  }
  const std::string dialect = text_field(snapshot, "dialect");
  if (!dialect.empty() && dialect != "pg" && dialect != "postgresql") {
    return core::Error("drizzle-kit snapshot is for dialect \"" + dialect + "\", not PostgreSQL",
                       lines.locate({"dialect"}));
  }
  const int version = version_of(snapshot);
  if (version < 5 || version > 7) {
    core::SourceLocation where = lines.locate({"version"});
    if (!where.known() || where.line == 0) {
      where = {file, 1, 1};
    }
    const std::string shown = version == 0  ? "no version"
                              : version < 0 ? "an unreadable version"
                                            : "version " + std::to_string(version);
    std::string hint = version > 0 && version < 5 ? "; run `drizzle-kit up` to upgrade the snapshots"
                                                  : "; point pgadvise at the SQL migrations instead";
    return core::Error("drizzle-kit snapshot has " + shown + " (pgadvise reads versions 5, 6 and 7)" + hint,
                       where);
  }
  const Json* tables = member(snapshot, "tables");
  if (tables == nullptr || !tables->is_object()) {
    return core::Error("not a drizzle-kit snapshot: no \"tables\" object", lines.locate({"version"}));
  }

  SchemaLoad load;
  load.files_read = 1;
  load.catalog.source = model::SchemaSource::drizzle_snapshot;
  load.catalog.source_description =
      "drizzle-kit snapshot " + file + " (version " + std::to_string(version) + ")";
  SnapshotReader reader(lines, file, load);
  reader.read(snapshot);
  return load;
}

} // namespace pgadvise::loaders
