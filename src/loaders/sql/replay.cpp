#include "loaders/sql/replay.hpp"

#include "core/stored_text.hpp"
#include "core/whitespace.hpp"
#include "loaders/sql/replay_locks.hpp"
#include "model/platform_schemas.hpp"
#include "model/type_ref.hpp"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <functional>
#include <string_view>

namespace pgadvise::loaders::replay {

namespace {

// How much of a statement a migration step keeps for its findings' evidence.
constexpr std::size_t k_step_statement_bytes = 300;

// The statement being replayed from its first token to its last (comments
// before and after it left out), on one line.
std::string statement_evidence(const Replay& replay) {
  const auto& tokens = replay.tokens().tokens();
  if (tokens.empty()) {
    return {};
  }
  const std::string_view text = replay.statement_text();
  const std::size_t begin = std::min(tokens.front().begin, text.size());
  const std::size_t end = std::min(tokens.back().end, text.size());
  return core::collapse_whitespace(text.substr(begin, end - begin), k_step_statement_bytes);
}

std::string untracked_key(const std::string& schema, const std::string& name) {
  return schema + "." + name;
}

// Cache key: a separator that cannot appear in an identifier the user wrote.
// Names in public are their own key (most fit a string's inline room, so
// the caches of 100,000 tables allocate no text for them).
std::string name_key(const std::string& schema, const std::string& name) {
  return schema == "public" ? name : schema + '\x1f' + name;
}

bool has_upper(std::string_view text) {
  return std::any_of(text.begin(), text.end(),
                     [](char c) { return std::isupper(static_cast<unsigned char>(c)) != 0; });
}

std::string typmod_text(const Json& item) {
  if (const Json* constant = as(item, "A_Const")) {
    if (const Json* ival = child(*constant, "ival")) {
      return std::to_string(int_field(*ival, "ival", 0));
    }
    if (const Json* fval = child(*constant, "fval")) {
      return string_field(*fval, "fval");
    }
    if (const Json* sval = child(*constant, "sval")) {
      return string_field(*sval, "sval");
    }
  }
  if (const Json* ref = as(item, "ColumnRef")) {
    const std::vector<std::string> fields = string_list(child(*ref, "fields"));
    return fields.empty() ? std::string() : fields.back();
  }
  return {};
}

} // namespace

Replay::Replay(SchemaLoad& load, const std::string& file, ScriptText& script, ReplayNames* names)
    : m_load(load), m_script(script), m_file(file), m_text(script.view()), m_lines(m_text),
      m_names(names != nullptr ? *names : m_own_names) {
  if (m_names.catalog != &load.catalog || m_names.tables != load.catalog.tables.size()) {
    m_names.valid = false; // another catalog's, or its tables changed since
  }
}

void Replay::release_text_before_statement() {
  m_script.release_before(m_statement_line_start > 0 ? m_statement_line_start - 1 : 0);
}

void Replay::set_statement(std::size_t offset, std::size_t length) {
  m_statement_offset = std::min(offset, m_text.size());
  m_statement_length = std::min(length, m_text.size() - m_statement_offset);
  // The walk to the byte before it, which every statement's suppression
  // comments ask for first anyway.
  m_statement_line_start = 0;
  if (m_statement_offset > 0) {
    static_cast<void>(m_lines.line_of(m_statement_offset - 1));
    m_statement_line_start = std::min(m_statement_offset - 1, m_lines.line_start());
  }
  m_tokens = SqlTokens(statement_text());
}

std::string_view Replay::statement_text() const {
  return m_text.substr(m_statement_offset, m_statement_length);
}

core::SourceLocation Replay::at(std::size_t statement_offset) const {
  return m_lines.locate(m_file, m_statement_offset + std::min(statement_offset, m_statement_length));
}

core::SourceLocation Replay::at_statement() const {
  const auto& tokens = m_tokens.tokens();
  return at(tokens.empty() ? 0 : tokens.front().begin);
}

core::SourceLocation Replay::at_node(const Json& node) const {
  const Json* inner = body(node);
  const Json& target = inner != nullptr && !child(node, "location") ? *inner : node;
  if (auto offset = location_field(target)) {
    return at(*offset);
  }
  return at_statement();
}

void Replay::warn(std::string message, core::SourceLocation where) {
  m_load.diagnostics.push_back(make_diagnostic(
      k_replay_warning, core::Severity::medium, std::move(message), where,
      "PostgreSQL would reject this statement at this point of the replay; check the migration "
      "order or the object's name. pgadvise kept replaying the rest."));
}

void Replay::warn_duplicate(std::string message, core::SourceLocation where) {
  if (!m_quiet_duplicates) {
    warn(std::move(message), where);
  }
}

void Replay::parse_error(std::string message, core::SourceLocation where) {
  m_load.diagnostics.push_back(make_diagnostic(
      k_parse_error, core::Severity::high, std::move(message), where,
      "Fix the statement so PostgreSQL 15 can parse it; pgadvise skipped it and replayed the rest "
      "of the file, so objects it creates are missing from the schema."));
}

std::string Replay::creation_schema() const {
  for (const std::string& schema : m_search_path) {
    if (catalog().has_schema(schema)) {
      return schema;
    }
  }
  return "public";
}

std::string Replay::schema_for(const QualifiedName& name) const {
  return name.schema.empty() ? creation_schema() : name.schema;
}

std::vector<std::string> Replay::lookup_schemas(const QualifiedName& name) const {
  if (!name.schema.empty()) {
    return {name.schema};
  }
  std::vector<std::string> schemas = m_search_path;
  schemas.emplace_back("pg_catalog");
  // An empty search_path (pg_dump sets one) would find nothing: fall back
  // to public, where unqualified names almost always live.
  if (std::find(schemas.begin(), schemas.end(), "public") == schemas.end()) {
    schemas.emplace_back("public");
  }
  return schemas;
}

model::Table* Replay::find_table(const QualifiedName& name) const {
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (!m_names.valid) {
      rebuild_caches();
    }
    bool stale = false;
    for (const std::string& schema : lookup_schemas(name)) {
      if (model::Table* table = cached_table(schema, name.name, stale)) {
        return table;
      }
      if (stale) { // a handler changed the tables without saying so
        break;
      }
    }
    if (!stale) {
      return nullptr;
    }
    m_names.valid = false;
  }
  return nullptr;
}

namespace {

constexpr std::uint64_t k_position_bits = 0xffffffffULL;

std::uint32_t table_hash(std::string_view schema, std::string_view name) {
  const std::hash<std::string_view> hash;
  const std::size_t full = (hash(schema) * 31) ^ hash(name);
  return static_cast<std::uint32_t>(full ^ (full >> 32U));
}

} // namespace

model::Table* Replay::cached_table(const std::string& schema, const std::string& name, bool& stale) const {
  if (m_names.table_slots.empty()) {
    return nullptr;
  }
  auto& tables = m_load.catalog.tables;
  const std::uint32_t hash = table_hash(schema, name);
  const std::size_t mask = m_names.table_slots.size() - 1;
  for (std::size_t slot = hash & mask; m_names.table_slots[slot] != 0; slot = (slot + 1) & mask) {
    const std::uint64_t value = m_names.table_slots[slot];
    if (static_cast<std::uint32_t>(value >> 32U) != hash) {
      continue;
    }
    const std::size_t position = (value & k_position_bits) - 1;
    if (position < tables.size() && tables[position].schema == schema && tables[position].name == name) {
      return &tables[position];
    }
    stale = true; // another table of the same hash, or a moved one: go on, and rebuild if none matches
  }
  return nullptr;
}

void Replay::put_table_position(std::size_t position) const {
  // At most half full: probes stay short.
  if ((m_names.table_count + 1) * 2 > m_names.table_slots.size()) {
    std::vector<std::uint64_t> old = std::move(m_names.table_slots);
    m_names.table_slots.assign(old.empty() ? 1024 : old.size() * 2, 0);
    const std::size_t mask = m_names.table_slots.size() - 1;
    for (const std::uint64_t value : old) {
      if (value != 0) {
        std::size_t slot = static_cast<std::uint32_t>(value >> 32U) & mask;
        while (m_names.table_slots[slot] != 0) {
          slot = (slot + 1) & mask;
        }
        m_names.table_slots[slot] = value;
      }
    }
  }
  const auto& tables = m_load.catalog.tables;
  const model::Table& table = tables[position];
  const std::uint32_t hash = table_hash(table.schema, table.name);
  const std::uint64_t value = (std::uint64_t{hash} << 32U) | (position + 1);
  const std::size_t mask = m_names.table_slots.size() - 1;
  std::size_t slot = hash & mask;
  for (; m_names.table_slots[slot] != 0; slot = (slot + 1) & mask) {
    const std::uint64_t held = m_names.table_slots[slot];
    const std::size_t at = (held & k_position_bits) - 1;
    if (static_cast<std::uint32_t>(held >> 32U) == hash && at < tables.size() &&
        tables[at].schema == table.schema && tables[at].name == table.name) {
      m_names.table_slots[slot] = value; // the later table of one name, as the map kept it
      return;
    }
  }
  m_names.table_slots[slot] = value;
  ++m_names.table_count;
}

void Replay::rebuild_caches() const {
  m_names.table_slots.clear();
  m_names.table_count = 0;
  m_names.relation_names.clear();
  m_names.constraint_names.clear();
  const auto& tables = m_load.catalog.tables;
  for (std::size_t i = 0; i < tables.size(); ++i) {
    const model::Table& table = tables[i];
    put_table_position(i);
    m_names.relation_names.insert(name_key(table.schema, table.name));
    for (const model::Index& index : table.indexes) {
      m_names.relation_names.insert(name_key(table.schema, index.name));
      if (index.kind != model::IndexKind::index) {
        m_names.constraint_names.insert(name_key(table.schema, index.name));
      }
    }
    for (const model::ForeignKey& fk : table.foreign_keys) {
      m_names.constraint_names.insert(name_key(table.schema, fk.name));
    }
    for (const model::CheckConstraint& check : table.checks) {
      m_names.constraint_names.insert(name_key(table.schema, check.name));
    }
  }
  m_names.valid = true;
  m_names.catalog = &m_load.catalog;
  m_names.tables = tables.size();
}

void Replay::table_added() {
  if (m_names.valid && !m_load.catalog.tables.empty()) {
    const model::Table& table = m_load.catalog.tables.back();
    put_table_position(m_load.catalog.tables.size() - 1);
    m_names.relation_names.insert(name_key(table.schema, table.name));
    m_names.tables = m_load.catalog.tables.size();
  }
}

void Replay::relation_added(const std::string& schema, const std::string& name) {
  if (m_names.valid) {
    m_names.relation_names.insert(name_key(schema, name));
  }
}

void Replay::constraint_added(const std::string& schema, const std::string& name) {
  if (m_names.valid) {
    m_names.constraint_names.insert(name_key(schema, name));
  }
}

void Replay::index_added(const std::string& schema, const model::Index& index) {
  relation_added(schema, index.name);
  if (index.kind != model::IndexKind::index) {
    constraint_added(schema, index.name);
  }
}

model::Table* Replay::find_index_owner(const QualifiedName& name) const {
  for (const std::string& schema : lookup_schemas(name)) {
    if (model::Table* table = m_load.catalog.find_index_owner(schema, name.name)) {
      return table;
    }
  }
  return nullptr;
}

model::Enum* Replay::find_enum(const QualifiedName& name) const {
  for (const std::string& schema : lookup_schemas(name)) {
    auto& enums = m_load.catalog.enums;
    auto it = std::find_if(enums.begin(), enums.end(),
                           [&](const model::Enum& e) { return e.schema == schema && e.name == name.name; });
    if (it != enums.end()) {
      return &*it;
    }
  }
  return nullptr;
}

model::Domain* Replay::find_domain(const QualifiedName& name) const {
  for (const std::string& schema : lookup_schemas(name)) {
    auto& domains = m_load.catalog.domains;
    auto it = std::find_if(domains.begin(), domains.end(),
                           [&](const model::Domain& d) { return d.schema == schema && d.name == name.name; });
    if (it != domains.end()) {
      return &*it;
    }
  }
  return nullptr;
}

bool Replay::is_untracked(const QualifiedName& name) const {
  // Supabase's own tables (storage.objects, storage.buckets,
  // realtime.messages, auth.users, ...) exist before the first migration:
  // policies, indexes and grants on them are not the migrations' to create.
  if (!name.schema.empty() && model::is_platform_schema(name.schema) &&
      !m_load.catalog.has_schema(name.schema)) {
    return true;
  }
  const auto& untracked = m_load.untracked_relations;
  const std::vector<std::string> schemas = lookup_schemas(name);
  return std::any_of(schemas.begin(), schemas.end(), [&](const std::string& schema) {
    return untracked.contains(untracked_key(schema, name.name));
  });
}

void Replay::set_untracked(const QualifiedName& name, bool present) {
  if (present) {
    m_load.untracked_relations.insert(untracked_key(schema_for(name), name.name));
    return;
  }
  for (const std::string& schema : lookup_schemas(name)) {
    if (m_load.untracked_relations.erase(untracked_key(schema, name.name))) {
      return;
    }
  }
}

bool Replay::relation_name_taken(const std::string& schema, const std::string& name) const {
  if (!m_names.valid) {
    rebuild_caches();
  }
  return m_names.relation_names.contains(name_key(schema, name)) ||
         m_load.untracked_relations.contains(untracked_key(schema, name));
}

bool Replay::constraint_name_taken(const std::string& schema, const std::string& name) const {
  if (!m_names.valid) {
    rebuild_caches();
  }
  return m_names.constraint_names.contains(name_key(schema, name));
}

model::TypeRef Replay::type_ref(const Json& type_name) const {
  model::TypeRef type;
  const std::vector<std::string> names = string_list(child(type_name, "names"));
  if (names.empty()) {
    return type;
  }
  const std::string& last = names.back();
  const QualifiedName qualified = to_qualified(names);
  const model::Enum* found_enum = qualified.schema == "pg_catalog" ? nullptr : find_enum(qualified);
  const model::Domain* found_domain = qualified.schema == "pg_catalog" ? nullptr : find_domain(qualified);
  if (found_enum != nullptr) {
    type.schema = found_enum->schema;
    type.name = found_enum->name;
  } else if (found_domain != nullptr) {
    type.schema = found_domain->schema;
    type.name = found_domain->name;
  } else if (!qualified.schema.empty() && qualified.schema != "pg_catalog" && qualified.schema != "public") {
    type.schema = qualified.schema;
    type.name = last;
  } else if (has_upper(last)) {
    type.name = last; // a quoted user type name
  } else {
    bool serial = false;
    type.name = model::canonical_type_name(last, &serial);
    type.serial = serial;
  }
  if (type.name != "interval") { // interval typmods are a field bitmask
    if (const Json* mods = list_items(child(type_name, "typmods"))) {
      for (const Json& item : items_of(mods)) {
        std::string text = typmod_text(item);
        if (!text.empty()) {
          type.modifiers.push_back(std::move(text));
        }
      }
    }
  }
  if (const Json* bounds = list_items(child(type_name, "arrayBounds"))) {
    type.array_dims = static_cast<int>(items_of(bounds).size());
  }
  return type;
}

model::MigrationStep& record_step(Replay& replay, const model::Table& table, model::MigrationStepKind kind,
                                  std::string object, bool not_valid) {
  model::MigrationStep step;
  step.kind = kind;
  step.schema = table.schema;
  step.table = table.name;
  step.object = std::move(object);
  step.not_valid = not_valid;
  step.table_is_new = table.location.file == replay.file();
  step.transaction = replay.transaction();
  step.transaction_line = replay.transaction_line();
  step.statement = statement_evidence(replay);
  step.location = replay.at_statement();
  predict(step);
  return replay.catalog().migration_steps.emplace_back(std::move(step));
}

model::MigrationStep& record_statement_step(Replay& replay, model::MigrationStepKind kind,
                                            std::string object) {
  model::MigrationStep step;
  step.kind = kind;
  step.object = std::move(object);
  step.lock = model::LockMode::none;
  step.transaction = replay.transaction();
  step.transaction_line = replay.transaction_line();
  step.statement = statement_evidence(replay);
  step.location = replay.at_statement();
  return replay.catalog().migration_steps.emplace_back(std::move(step));
}

} // namespace pgadvise::loaders::replay
