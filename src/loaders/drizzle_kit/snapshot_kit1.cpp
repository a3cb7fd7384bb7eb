#include "loaders/drizzle_kit/snapshot_kit1.hpp"

#include "core/file.hpp"
#include "core/text.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace pgadvise::loaders {

namespace fs = std::filesystem;

namespace {

using Json = nlohmann::ordered_json;

// Bounds a chain of diffs, so a cycle of prevIds cannot loop.
constexpr std::size_t k_max_chain = 100000;
// drizzle-kit's id for "no parent".
constexpr std::string_view k_root_id = "00000000-0000-0000-0000-000000000000";

std::string text_of(const Json& object, const char* key) {
  const auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string{};
}

// Field readers that never throw: a malformed snapshot gives defaults.
bool bool_of(const Json& object, const char* key, bool fallback) {
  const auto it = object.find(key);
  return it != object.end() && it->is_boolean() ? it->get<bool>() : fallback;
}

Json array_of(const Json& object, const char* key) {
  const auto it = object.find(key);
  return it != object.end() && it->is_array() ? *it : Json::array();
}

int version_number(const Json& snapshot) {
  const auto it = snapshot.find("version");
  if (it == snapshot.end()) {
    return 0;
  }
  if (it->is_number_integer()) {
    return it->get<int>();
  }
  const std::string text = it->is_string() ? it->get<std::string>() : std::string{};
  return !text.empty() && text.size() < 6 &&
                 std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })
             ? std::stoi(text)
             : 0;
}

// drizzle-kit's identity of a row: its entity type and the JSON array of
// the schema, table and name it has (tables [schema, name], columns
// [schema, table, name], roles [name]), which is how a delta's `key`
// names the row it drops or alters ("columns\0[\"public\",\"t\",\"c\"]").
std::string row_key(const Json& row) {
  Json identity = Json::array();
  for (const char* field : {"schema", "table", "name"}) {
    const auto it = row.find(field);
    if (it != row.end() && it->is_string()) {
      identity.push_back(*it);
    }
  }
  return text_of(row, "entityType") + std::string(1, '\0') + identity.dump();
}

// A delta's key as the same string: the entity type, NUL, and the identity
// array re-serialized the way row_key writes it.
std::string delta_key(const std::string& key) {
  const std::size_t nul = key.find('\0');
  if (nul == std::string::npos) {
    return key;
  }
  const Json identity = Json::parse(key.substr(nul + 1), nullptr, /*allow_exceptions=*/false);
  return key.substr(0, nul + 1) + (identity.is_discarded() ? key.substr(nul + 1) : identity.dump());
}

// The rows of the state, in the order drizzle-kit added them.
class State {
public:
  void create(const Json& row) {
    const std::string key = row_key(row);
    if (const auto it = m_index.find(key); it != m_index.end()) {
      m_rows[it->second] = row;
      return;
    }
    m_index.emplace(key, m_rows.size());
    m_rows.push_back(row);
  }
  void drop(const std::string& key) {
    const auto it = m_index.find(delta_key(key));
    if (it != m_index.end()) {
      m_rows[it->second] = Json(); // a hole; rows() skips it
      m_index.erase(it);
    }
  }
  void alter(const std::string& key, const Json& set) {
    const auto it = m_index.find(delta_key(key));
    if (it == m_index.end() || !set.is_object()) {
      return;
    }
    const std::size_t at = it->second;
    m_index.erase(it);
    for (const auto& [field, value] : set.items()) {
      m_rows[at][field] = value;
    }
    m_index[row_key(m_rows[at])] = at; // a rename moves the row's key
  }
  [[nodiscard]] std::vector<const Json*> rows() const {
    std::vector<const Json*> out;
    for (const Json& row : m_rows) {
      if (row.is_object()) {
        out.push_back(&row);
      }
    }
    return out;
  }

private:
  std::vector<Json> m_rows;
  std::map<std::string, std::size_t> m_index;
};

void apply(State& state, const Json& snapshot) {
  if (const auto ddl = snapshot.find("ddl"); ddl != snapshot.end() && ddl->is_array()) {
    for (const Json& row : *ddl) {
      if (row.is_object()) {
        state.create(row);
      }
    }
  }
  const auto deltas = snapshot.find("deltas");
  if (deltas == snapshot.end() || !deltas->is_array()) {
    return;
  }
  for (const Json& delta : *deltas) {
    if (!delta.is_object()) {
      continue;
    }
    const std::string op = text_of(delta, "op");
    if (op == "create" && delta.contains("row") && delta["row"].is_object()) {
      state.create(delta["row"]);
    } else if (op == "drop") {
      state.drop(text_of(delta, "key"));
    } else if (op == "alter") {
      state.alter(text_of(delta, "key"), delta.contains("set") ? delta["set"] : Json::object());
    }
  }
}

// Every snapshot.json beside `file`'s folder, by id.
std::map<std::string, Json> folder_snapshots(const fs::path& migrations) {
  std::map<std::string, Json> out;
  std::error_code ec;
  for (fs::directory_iterator it(migrations, ec), end; !ec && it != end; it.increment(ec)) {
    const auto text = core::read_file(it->path() / "snapshot.json");
    if (!text) {
      continue;
    }
    Json parsed = Json::parse(*text, nullptr, /*allow_exceptions=*/false);
    if (parsed.is_object() && !text_of(parsed, "id").empty()) {
      out.emplace(text_of(parsed, "id"), std::move(parsed));
    }
  }
  return out;
}

std::string qualified(const Json& row, const char* name_field = "name") {
  const std::string schema = text_of(row, "schema");
  return (schema.empty() ? std::string("public") : schema) + "." + text_of(row, name_field);
}

Json column_v7(const Json& row) {
  const std::string base_type = text_of(row, "type");
  std::string type = base_type;
  const auto dims = row.find("dimensions");
  const int dimensions = dims != row.end() && dims->is_number_integer() ? std::min(dims->get<int>(), 8) : 0;
  for (int i = 0; i < dimensions; ++i) {
    type += "[]";
  }
  Json column = {{"name", text_of(row, "name")},
                 {"type", type},
                 {"primaryKey", false},
                 {"notNull", bool_of(row, "notNull", false)}};
  if (const std::string type_schema = text_of(row, "typeSchema"); !type_schema.empty()) {
    column["typeSchema"] = type_schema;
  }
  if (const auto def = row.find("default"); def != row.end() && !def->is_null()) {
    column["default"] = *def;
    // drizzle-kit 1.0 keeps an array's default without its cast and writes
    // the SQL as default + "::type[]" (its defaultToSQL).
    if (dimensions > 0 && def->is_string() && !def->get<std::string>().empty() &&
        text_of(row, "typeSchema").empty()) {
      column["default"] = def->get<std::string>() + "::" + base_type + "[]";
    }
  }
  if (const auto identity = row.find("identity"); identity != row.end() && !identity->is_null()) {
    column["identity"] = *identity;
  }
  return column;
}

// An index column's operator class: 1.0.0-rc writes {"name", "default"}
// (a default one is left out of the SQL, so out of the model too); earlier
// diffs a plain string.
std::string opclass_of(const Json& part) {
  const auto it = part.find("opclass");
  if (it != part.end() && it->is_object()) {
    return bool_of(*it, "default", false) ? std::string{} : text_of(*it, "name");
  }
  return text_of(part, "opclass");
}

Json index_v7(const Json& row) {
  Json columns = Json::array();
  for (const Json& part : array_of(row, "columns")) {
    if (!part.is_object()) {
      continue;
    }
    Json column = {{"expression", text_of(part, "value")},
                   {"isExpression", bool_of(part, "isExpression", false)},
                   {"asc", bool_of(part, "asc", true)},
                   {"nulls", bool_of(part, "nullsFirst", false) ? "first" : "last"}};
    if (const std::string opclass = opclass_of(part); !opclass.empty()) {
      column["opclass"] = opclass;
    }
    columns.push_back(std::move(column));
  }
  Json index = {{"name", text_of(row, "name")},
                {"columns", columns},
                {"isUnique", bool_of(row, "isUnique", false)},
                {"method", text_of(row, "method").empty() ? std::string("btree") : text_of(row, "method")}};
  if (const std::string where = text_of(row, "where"); !where.empty()) {
    index["where"] = where;
  }
  return index;
}

// The state in the version 7 shape: tables keyed "schema.name" with their
// columns, indexes, foreign keys, primary keys, uniques, checks and
// policies; enums; schemas.
Json to_v7(const State& state) {
  Json out = {{"version", "7"},
              {"dialect", "postgresql"},
              {"tables", Json::object()},
              {"enums", Json::object()},
              {"schemas", Json::object()}};
  Json& tables = out["tables"];
  const std::vector<const Json*> rows = state.rows();
  for (const Json* row : rows) {
    const std::string type = text_of(*row, "entityType");
    if (type == "tables") {
      tables[qualified(*row)] = {
          {"name", text_of(*row, "name")},
          {"schema", text_of(*row, "schema") == "public" ? "" : text_of(*row, "schema")},
          {"columns", Json::object()},
          {"indexes", Json::object()},
          {"foreignKeys", Json::object()},
          {"compositePrimaryKeys", Json::object()},
          {"uniqueConstraints", Json::object()},
          {"checkConstraints", Json::object()},
          {"policies", Json::object()},
          {"isRLSEnabled", bool_of(*row, "isRlsEnabled", false)}};
    } else if (type == "enums") {
      out["enums"][qualified(*row)] = {{"name", text_of(*row, "name")},
                                       {"schema", text_of(*row, "schema")},
                                       {"values", array_of(*row, "values")}};
    } else if (type == "schemas" && text_of(*row, "name") != "public") {
      out["schemas"][text_of(*row, "name")] = text_of(*row, "name");
    }
  }
  for (const Json* row : rows) {
    const std::string type = text_of(*row, "entityType");
    const auto table = tables.find(qualified(*row, "table"));
    if (table == tables.end()) {
      continue;
    }
    const std::string name = text_of(*row, "name");
    if (type == "columns") {
      (*table)["columns"][name] = column_v7(*row);
    } else if (type == "indexes") {
      (*table)["indexes"][name] = index_v7(*row);
    } else if (type == "fks") {
      (*table)["foreignKeys"][name] = {{"name", name},
                                       {"tableFrom", text_of(*row, "table")},
                                       {"tableTo", text_of(*row, "tableTo")},
                                       {"schemaTo", text_of(*row, "schemaTo")},
                                       {"columnsFrom", array_of(*row, "columns")},
                                       {"columnsTo", array_of(*row, "columnsTo")},
                                       {"onDelete", core::to_lower(text_of(*row, "onDelete"))},
                                       {"onUpdate", core::to_lower(text_of(*row, "onUpdate"))}};
    } else if (type == "pks") {
      (*table)["compositePrimaryKeys"][name] = {{"name", name}, {"columns", array_of(*row, "columns")}};
    } else if (type == "uniques") {
      (*table)["uniqueConstraints"][name] = {{"name", name},
                                             {"columns", array_of(*row, "columns")},
                                             {"nullsNotDistinct", bool_of(*row, "nullsNotDistinct", false)}};
    } else if (type == "checks") {
      (*table)["checkConstraints"][name] = {{"name", name}, {"value", text_of(*row, "value")}};
    }
  }
  return out;
}

} // namespace

bool is_kit1_snapshot(const Json& snapshot) {
  return snapshot.is_object() && version_number(snapshot) >= 8 &&
         (snapshot.contains("ddl") || snapshot.contains("deltas"));
}

core::Result<Json> reconstruct_kit1_snapshot(const Json& snapshot, const fs::path& file) {
  const std::string shown = file.string();
  std::vector<const Json*> chain = {&snapshot};
  std::map<std::string, Json> others;
  std::set<std::string> seen = {text_of(snapshot, "id")};
  while (text_of(*chain.back(), "type") != "base") {
    if (others.empty()) {
      others = folder_snapshots(file.parent_path().parent_path());
    }
    const auto prev = chain.back()->find("prevIds");
    const std::string parent =
        prev != chain.back()->end() && prev->is_array() && !prev->empty() && prev->front().is_string()
            ? prev->front().get<std::string>()
            : std::string{};
    if (parent.empty() || parent == k_root_id) {
      break; // a diff from the empty database
    }
    const auto found = others.find(parent);
    if (found == others.end()) {
      return core::Error("drizzle-kit 1.0 snapshot names a parent snapshot " + parent +
                             " that no migration folder holds, so its state cannot be rebuilt",
                         {shown, 0, 0});
    }
    if (!seen.insert(parent).second || chain.size() > k_max_chain) {
      return core::Error("drizzle-kit 1.0 snapshots name each other as parents in a cycle", {shown, 0, 0});
    }
    chain.push_back(&found->second);
  }
  State state;
  std::reverse(chain.begin(), chain.end()); // oldest first
  for (const Json* diff : chain) {
    apply(state, *diff);
  }
  return to_v7(state);
}

} // namespace pgadvise::loaders
