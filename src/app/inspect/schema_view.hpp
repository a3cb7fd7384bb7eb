#pragma once

#include "app/report/report_output.hpp"
#include "model/catalog.hpp"

#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <vector>

// `pgadvise schema`: the catalog pgadvise built, spelled the way PostgreSQL's
// own catalog functions spell it, so it can be compared with a real database.
namespace pgadvise::app {

// The type as PostgreSQL's format_type() prints it: "integer",
// "character varying(255)", "timestamp with time zone", "integer[]".
// User-defined types outside public are schema-qualified.
std::string format_type(const model::TypeRef& type);

// A column default as pg_get_expr() prints it, for the common cases: a bare
// literal gets its type cast ('member'::member_role), a serial column gets
// its sequence (nextval('users_id_seq'::regclass)); other text as written.
std::string format_default(const model::Table& table, const model::Column& column);

// The text of an index key: a column name, or the expression as written.
std::string index_key_text(const model::IndexKey& key);

// {tables[], indexes[], foreign_keys[]}: the shape issue 10 specifies.
nlohmann::ordered_json schema_json(const model::Catalog& catalog);

// A readable listing of the same, one table at a time; `only_table` (a name
// or schema.name) limits it to one table. Returns false when it names no
// table.
bool write_schema_text(std::ostream& out, const model::Catalog& catalog, const std::string& only_table = {});

struct SchemaOptions {
  std::vector<std::string> paths;
  DocumentFormat format = DocumentFormat::text;
  std::string table; // --table: only this one
};

// `pgadvise schema [paths]`: discovers and loads the schema like lint, then
// prints it. Exit 0, or 2 when there is no schema.
int run_schema(const SchemaOptions& options, std::ostream& out, std::ostream& err);

} // namespace pgadvise::app
