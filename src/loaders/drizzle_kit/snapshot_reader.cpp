#include "loaders/drizzle_kit/snapshot_reader.hpp"

#include "core/text.hpp"
#include "loaders/drizzle_kit/snapshot_constraints.hpp"
#include "loaders/drizzle_kit/snapshot_fields.hpp"
#include "loaders/drizzle_kit/snapshot_policy.hpp"
#include "model/catalog.hpp"
#include "model/type_ref.hpp"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

namespace pgadvise::loaders {

namespace {

using namespace snapshot;

// The identifier PostgreSQL generates for "<name>_<suffix>": the name part is
// shortened so the whole fits in 63 bytes, as makeObjectName does.
std::string generated_name(const std::string& name, const std::string& suffix) {
  const std::size_t room = suffix.size() + 1 < 63 ? 63 - suffix.size() - 1 : 0;
  return core::truncate_identifier(name, room) + "_" + suffix;
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

// A column's type; an enum the snapshot declares keeps its spelling and schema.
model::TypeRef column_type(const model::Catalog& catalog, const std::string& type_text,
                           const std::string& type_schema) {
  model::TypeRef type = model::parse_type_text(type_text);
  // Enums keep the spelling drizzle-kit stored (a quoted, mixed-case name
  // stays as it is); the schema is the enum's, as the SQL replay records it.
  const std::string bare = strip_array_suffix(std::string(core::trim(type_text)));
  const std::string wanted_schema = type_schema.empty() ? std::string() : type_schema;
  for (const model::Enum& item : catalog.enums) {
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

// A sequence option of an identity: drizzle-kit writes each as a string ("1000").
std::optional<std::int64_t> sequence_option(const Json& identity, const std::string& key) {
  const std::string text = text_field(identity, key);
  std::int64_t out = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return !text.empty() && ec == std::errc() && ptr == text.data() + text.size()
             ? std::optional<std::int64_t>(out)
             : std::nullopt;
}

// { type, name, schema, increment, startWith, minValue, maxValue, cache, cycle }
void read_identity(const Json& identity, const model::Table& table, model::Column& column) {
  column.identity = true;
  column.identity_always = text_field(identity, "type") == "always";
  model::ColumnSequence& sequence = column.sequence_facts();
  sequence.name = text_field(identity, "name");
  sequence.start = sequence_option(identity, "startWith");
  sequence.increment = sequence_option(identity, "increment");
  sequence.min_value = sequence_option(identity, "minValue");
  sequence.max_value = sequence_option(identity, "maxValue");
  sequence.cache = sequence_option(identity, "cache");
  sequence.cycle = flag_field(identity, "cycle");
  model::keep_declared_options(table, column);
}

void read_column(Sink& sink, const std::string& key, const Json& value, const Path& path,
                 model::Table& table) {
  const std::string type_text = text_field(value, "type");
  if (!value.is_object() || type_text.empty()) {
    sink.problem("column " + table.name + "." + key + " has no type", path);
    return;
  }
  model::Column column;
  column.name = entry_name(key, value);
  column.type = column_type(sink.load().catalog, type_text, text_field(value, "typeSchema"));
  column.not_null = flag_field(value, "notNull");
  if (const Json* identity = member(value, "identity"); identity != nullptr && identity->is_object()) {
    read_identity(*identity, table, column);
  }
  if (const Json* def = member(value, "default")) {
    column.default_expr = default_text(*def);
  }
  column.location = sink.at(path);

  if (flag_field(value, "primaryKey")) {
    add_primary_key(sink, generated_name(table.name, "pkey"), {column.name}, column.location, table, path);
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

void read_policy(Sink& sink, const std::string& key, const Json& value, const Path& path,
                 model::Table& table) {
  model::Policy policy = snapshot_policy(key, value);
  sink.add(table.policies.edit(), std::move(policy), path);
}

class SnapshotReader {
public:
  SnapshotReader(const JsonKeyLines& lines, std::string file, SchemaLoad& load)
      : m_sink(lines, load), m_file(std::move(file)), m_load(load) {}

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
  [[nodiscard]] core::SourceLocation at(const Path& path) const { return m_sink.at(path); }
  void problem(std::string message, const Path& path) { m_sink.problem(std::move(message), path); }

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
    read_entries(path, value, "columns", table, &read_column);
    read_entries(path, value, "compositePrimaryKeys", table, &read_primary_key);
    read_entries(path, value, "uniqueConstraints", table, &read_unique_constraint);
    read_entries(path, value, "indexes", table, &read_index);
    read_entries(path, value, "foreignKeys", table, &read_foreign_key);
    read_entries(path, value, "checkConstraints", table, &read_check);
    read_entries(path, value, "policies", table, &read_policy);
    // drizzle-kit enables row-level security on a table that has policies.
    table.rls_enabled = flag_field(value, "isRLSEnabled") || !table.policies.empty();
    m_load.catalog.tables.push_back(std::move(table));
  }

  using EntryReader = void (*)(Sink& sink, const std::string& key, const Json& value, const Path& path,
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
      read_entry(m_sink, key, value, Path{table_path[0], table_path[1], part, key}, table);
    }
  }

  Sink m_sink;
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
