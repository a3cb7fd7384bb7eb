#include "app/inspect/schema_view.hpp"

#include "app/inputs/discovery.hpp"
#include "app/report/exit_codes.hpp"
#include "core/text.hpp"

#include <algorithm>
#include <array>
#include <utility>

namespace pgadvise::app {

namespace {

struct Spelling {
  std::string_view canonical;
  std::string_view pg; // format_type's spelling; "%" is where the modifiers go
};

// Canonical names (model::TypeRef) whose format_type() spelling differs.
constexpr std::array<Spelling, 13> k_spellings = {{
    {"int2", "smallint"},
    {"int4", "integer"},
    {"int8", "bigint"},
    {"float4", "real"},
    {"float8", "double precision"},
    {"bool", "boolean"},
    {"varchar", "character varying%"},
    {"bpchar", "character%"},
    {"varbit", "bit varying%"},
    {"timestamptz", "timestamp% with time zone"},
    {"timestamp", "timestamp% without time zone"},
    {"timetz", "time% with time zone"},
    {"time", "time% without time zone"},
}};

std::string base_type(const model::TypeRef& type) {
  std::string mods;
  if (!type.modifiers.empty()) {
    mods = "(" + core::join(type.modifiers, ",") + ")";
  } else if (type.name == "bpchar" && type.schema.empty()) {
    mods = "(1)"; // `char` alone is character(1)
  }
  if (!type.schema.empty()) {
    const std::string name = core::quote_ident(type.name);
    return (type.schema == "public" ? name : core::quote_ident(type.schema) + "." + name) + mods;
  }
  for (const Spelling& s : k_spellings) {
    if (s.canonical == type.name) {
      std::string out(s.pg);
      if (const auto pos = out.find('%'); pos != std::string::npos) {
        out.replace(pos, 1, mods);
      } else {
        out += mods;
      }
      return out;
    }
  }
  return core::quote_ident(type.name) + mods;
}

bool is_bare_string_literal(std::string_view text) {
  if (text.size() < 2 || text.front() != '\'' || text.back() != '\'') {
    return false;
  }
  for (std::size_t i = 1; i + 1 < text.size(); ++i) {
    if (text[i] == '\'') {
      if (text[i + 1] != '\'' || i + 2 >= text.size()) {
        return false;
      }
      ++i;
    }
  }
  return true;
}

template <typename T, typename Key> void sort_by(std::vector<T>& items, Key key) {
  std::sort(items.begin(), items.end(), [&](const T& a, const T& b) { return key(a) < key(b); });
}

nlohmann::ordered_json table_json(const model::Table& table) {
  nlohmann::ordered_json columns = nlohmann::ordered_json::array();
  for (const model::Column& column : table.columns) {
    const std::string def = format_default(table, column);
    columns.push_back(
        {{"name", column.name},
         {"type", format_type(column.type)},
         {"not_null", column.not_null},
         {"default", def.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(def)}});
  }
  return {{"schema", table.schema}, {"name", table.name}, {"columns", columns}};
}

nlohmann::ordered_json index_json(const model::Table& table, const model::Index& index) {
  nlohmann::ordered_json columns = nlohmann::ordered_json::array();
  for (const model::IndexKey& key : index.keys) {
    columns.push_back(index_key_text(key));
  }
  return {{"schema", table.schema},
          {"table", table.name},
          {"name", index.name},
          {"columns", columns},
          {"unique", index.unique || index.kind != model::IndexKind::index},
          {"primary", index.kind == model::IndexKind::primary_key},
          {"partial", index.is_partial()},
          {"method", index.method},
          {"valid", index.valid}};
}

nlohmann::ordered_json foreign_key_json(const model::Table& table, const model::ForeignKey& fk) {
  return {{"schema", table.schema},
          {"table", table.name},
          {"name", fk.name},
          {"columns", fk.columns},
          {"ref_schema", fk.ref_schema},
          {"ref_table", fk.ref_table},
          {"ref_columns", fk.ref_columns},
          {"on_delete", std::string(model::to_string(fk.on_delete))}};
}

std::vector<const model::Table*> sorted_tables(const model::Catalog& catalog) {
  std::vector<const model::Table*> tables;
  for (const model::Table& table : catalog.tables) {
    tables.push_back(&table);
  }
  sort_by(tables, [](const model::Table* t) { return std::make_pair(t->schema, t->name); });
  return tables;
}

void write_table_text(std::ostream& out, const model::Table& table) {
  out << table.qualified() << "\n";
  for (const model::Column& column : table.columns) {
    out << "  " << column.name << "  " << format_type(column.type);
    if (column.not_null) {
      out << " not null";
    }
    if (const std::string def = format_default(table, column); !def.empty()) {
      out << " default " << def;
    }
    out << "\n";
  }
  for (const model::Index& index : table.indexes) {
    std::vector<std::string> keys;
    for (const model::IndexKey& key : index.keys) {
      keys.push_back(index_key_text(key));
    }
    out << "  index " << index.name << " ("
        << (index.kind == model::IndexKind::primary_key             ? "primary key, "
            : index.unique || index.kind != model::IndexKind::index ? "unique, "
                                                                    : "")
        << index.method << "): " << core::join(keys, ", ");
    if (index.is_partial()) {
      out << " WHERE " << index.predicate;
    }
    if (!index.valid) {
      out << " (invalid)";
    }
    out << "\n";
  }
  for (const model::ForeignKey& fk : table.foreign_keys) {
    out << "  foreign key " << fk.name << ": (" << core::join(fk.columns, ", ") << ") -> " << fk.ref_schema
        << "." << fk.ref_table << " (" << core::join(fk.ref_columns, ", ") << ") on delete "
        << model::to_string(fk.on_delete) << "\n";
  }
}

} // namespace

std::string format_type(const model::TypeRef& type) {
  return base_type(type) + (type.array_dims > 0 ? "[]" : "");
}

std::string format_default(const model::Table& table, const model::Column& column) {
  if (column.type.serial) {
    const std::string seq = table.name + "_" + column.name + "_seq";
    const std::string qualified = table.schema == "public" ? seq : table.schema + "." + seq;
    return "nextval('" + qualified + "'::regclass)";
  }
  if (!column.default_expr) {
    return {};
  }
  std::string text(core::trim(*column.default_expr));
  if (is_bare_string_literal(text)) {
    model::TypeRef cast = column.type;
    cast.modifiers.clear(); // PostgreSQL casts to the type without its typmod
    return text + "::" + format_type(cast);
  }
  return text;
}

std::string index_key_text(const model::IndexKey& key) {
  return key.text();
}

nlohmann::ordered_json schema_json(const model::Catalog& catalog) {
  nlohmann::ordered_json tables = nlohmann::ordered_json::array();
  nlohmann::ordered_json indexes = nlohmann::ordered_json::array();
  nlohmann::ordered_json foreign_keys = nlohmann::ordered_json::array();
  for (const model::Table* table : sorted_tables(catalog)) {
    tables.push_back(table_json(*table));
    std::vector<const model::Index*> table_indexes;
    for (const model::Index& index : table->indexes) {
      table_indexes.push_back(&index);
    }
    sort_by(table_indexes, [](const model::Index* i) { return i->name; });
    for (const model::Index* index : table_indexes) {
      indexes.push_back(index_json(*table, *index));
    }
    std::vector<const model::ForeignKey*> fks;
    for (const model::ForeignKey& fk : table->foreign_keys) {
      fks.push_back(&fk);
    }
    sort_by(fks, [](const model::ForeignKey* f) { return f->name; });
    for (const model::ForeignKey* fk : fks) {
      foreign_keys.push_back(foreign_key_json(*table, *fk));
    }
  }
  return {{"source", std::string(model::to_string(catalog.source))},
          {"description", catalog.source_description},
          {"tables", tables},
          {"indexes", indexes},
          {"foreign_keys", foreign_keys}};
}

bool write_schema_text(std::ostream& out, const model::Catalog& catalog, const std::string& only_table) {
  bool any = false;
  for (const model::Table* table : sorted_tables(catalog)) {
    if (!only_table.empty() && only_table != table->name && only_table != table->qualified()) {
      continue;
    }
    if (any) {
      out << "\n";
    }
    write_table_text(out, *table);
    any = true;
  }
  return any || (only_table.empty());
}

int run_schema(const SchemaOptions& options, std::ostream& out, std::ostream& err) {
  // discover() reads "." when no path is given.
  const std::vector<std::filesystem::path> paths(options.paths.begin(), options.paths.end());
  auto sources = discover(paths);
  if (!sources) {
    err << "pgadvise: " << sources.error().to_string() << "\n";
    return k_exit_usage;
  }
  const loaders::SchemaLoad load = load_schema(*sources);
  if (load.catalog.source == model::SchemaSource::none) {
    err << "pgadvise: no schema found\n";
    for (const std::string& note : load.notes) {
      err << "  " << note << "\n";
    }
    return k_exit_usage;
  }
  for (const core::Finding& diag : load.diagnostics) {
    err << diag.location.to_string() << ": " << diag.rule << ": " << diag.message << "\n";
  }
  if (options.format == DocumentFormat::json) {
    nlohmann::ordered_json doc = schema_json(load.catalog);
    if (!options.table.empty()) {
      for (const char* list : {"tables", "indexes", "foreign_keys"}) {
        nlohmann::ordered_json kept = nlohmann::ordered_json::array();
        for (const auto& item : doc[list]) {
          const std::string name = item.contains("table") ? item["table"] : item["name"];
          if (name == options.table || item["schema"].get<std::string>() + "." + name == options.table) {
            kept.push_back(item);
          }
        }
        doc[list] = kept;
      }
    }
    out << doc.dump(2) << "\n";
    return k_exit_ok;
  }
  out << "-- " << load.catalog.source_description << "\n\n";
  if (!write_schema_text(out, load.catalog, options.table)) {
    err << "pgadvise: no table named '" << options.table << "'\n";
    return k_exit_usage;
  }
  return k_exit_ok;
}

} // namespace pgadvise::app
