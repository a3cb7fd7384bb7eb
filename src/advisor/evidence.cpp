#include "advisor/evidence.hpp"

#include "core/text.hpp"

namespace pgadvise::advisor {

namespace {

std::string quoted_list(const std::vector<std::string>& names) {
  std::vector<std::string> quoted;
  quoted.reserve(names.size());
  for (const std::string& name : names) {
    quoted.push_back(core::quote_ident(name));
  }
  return core::join(quoted, ", ");
}

std::string upper(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') {
      c = static_cast<char>(c - 'a' + 'A');
    }
  }
  return out;
}

} // namespace

core::Evidence schema_evidence(const model::Catalog& catalog, std::string detail,
                               core::SourceLocation location) {
  using Kind = core::Evidence::Kind;
  Kind kind = Kind::ddl;
  switch (catalog.source) {
  case model::SchemaSource::drizzle_snapshot: kind = Kind::snapshot; break;
  case model::SchemaSource::drizzle_schema: kind = Kind::schema; break;
  case model::SchemaSource::live: kind = Kind::catalog; break;
  case model::SchemaSource::sql_replay:
  case model::SchemaSource::none: kind = Kind::ddl; break;
  }
  return core::Evidence{kind, std::move(detail), location};
}

std::string table_display(const model::Table& table) {
  return core::qualified_name(table.schema, table.name);
}

std::string describe_foreign_key(const model::ForeignKey& fk) {
  std::string out = "FOREIGN KEY (" + quoted_list(fk.columns) + ") REFERENCES " +
                    core::qualified_name(fk.ref_schema, fk.ref_table);
  if (!fk.ref_columns.empty()) {
    out += " (" + quoted_list(fk.ref_columns) + ")";
  }
  if (fk.on_delete != model::FkAction::no_action) {
    out += " ON DELETE " + upper(model::to_string(fk.on_delete));
  }
  if (fk.on_update != model::FkAction::no_action) {
    out += " ON UPDATE " + upper(model::to_string(fk.on_update));
  }
  if (!fk.valid) {
    out += " NOT VALID";
  }
  return out;
}

} // namespace pgadvise::advisor
