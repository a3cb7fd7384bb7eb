#include "advisor/jsonb_fix.hpp"

#include "advisor/default_literal.hpp"
#include "advisor/drizzle_render.hpp"
#include "core/text.hpp"

#include <nlohmann/json.hpp>
#include <optional>

namespace pgadvise::advisor {

namespace {

// The column's default when it is a JSON object/array literal.
std::optional<std::string> json_default(const model::Column& column) {
  if (!column.default_expr) {
    return std::nullopt;
  }
  auto literal = default_string_literal(*column.default_expr);
  if (!literal || !is_json_container(*literal)) {
    return std::nullopt;
  }
  return literal;
}

std::string render_ddl(const model::Table& table, const model::Column& column,
                       const std::optional<std::string>& new_default, bool drop_old_default) {
  const std::string col = core::quote_ident(column.name);
  std::vector<std::string> actions;
  if (drop_old_default || new_default) {
    actions.push_back("ALTER COLUMN " + col + " DROP DEFAULT");
  }
  actions.push_back("ALTER COLUMN " + col + " TYPE jsonb USING " + col + "::jsonb");
  if (new_default) {
    actions.push_back("ALTER COLUMN " + col + " SET DEFAULT " + core::quote_literal(*new_default) +
                      "::jsonb");
  }
  return "ALTER TABLE " + core::qualified_name(table.schema, table.name) + " " + core::join(actions, ", ") +
         ";";
}

std::string render_drizzle(const model::Table& table, const model::Column& column,
                           const std::optional<std::string>& new_default, bool drop_old_default) {
  // In the table's builder style: `d.jsonb()` in t3's columns callback.
  std::string out =
      drizzle_property(table, column.name) + ": " + drizzle_column_builder(table, column, "jsonb");
  // JSON is a JavaScript expression; dump() normalizes spacing.
  std::string json_value;
  if (new_default) {
    const auto parsed = nlohmann::json::parse(*new_default, nullptr, /*allow_exceptions=*/false);
    json_value = ".default(" + (parsed.is_discarded() ? *new_default : parsed.dump()) + ")";
  }
  // A text column's values were typed `string` in TypeScript: give the
  // jsonb column a type to refine (an array when the default is one).
  const bool array = new_default && !new_default->empty() && new_default->front() == '[';
  const std::string refine = array ? ".$type<unknown[]>()" : ".$type<Record<string, unknown>>()";
  if (has_drizzle_chain(column)) {
    // The chain as schema.ts wrote it: only a default the new type cannot
    // take changes (the JSON text becomes the value, a text one goes).
    std::string chain(column.drizzle_chain());
    if (new_default) {
      chain = replace_chain_calls(chain, {"default"}, json_value);
    } else if (drop_old_default) {
      chain = replace_chain_calls(chain, {"default"}, "");
    }
    bool typed = false;
    for (const ChainSegment& segment : split_drizzle_chain(chain)) {
      typed = typed || segment.name == "$type";
    }
    return out + (typed || column.type.is_json() ? "" : refine) + chain;
  }
  if (!column.type.is_json()) {
    out += refine;
  }
  if (column.not_null) {
    out += ".notNull()";
  }
  return out + json_value;
}

} // namespace

core::Fix make_jsonb_fix(const model::Table& table, const model::Column& column, bool with_drizzle) {
  const std::optional<std::string> new_default = json_default(column);
  const bool from_json = column.type.is_json();
  // json -> jsonb has an assignment cast, so a non-literal json default
  // converts by itself; a text default never does.
  const bool drop_other_default = column.default_expr.has_value() && !new_default && !from_json;

  core::Fix fix;
  fix.sql().ddl = render_ddl(table, column, new_default, drop_other_default);
  fix.safety_note = "ALTER COLUMN ... TYPE rewrites the whole table and its indexes under an ACCESS "
                    "EXCLUSIVE lock: reads and "
                    "writes wait until it finishes, so run it in a quiet window (or add a jsonb column, "
                    "backfill in batches "
                    "and swap for a big table).";
  if (from_json) {
    fix.safety_note += " jsonb keeps the last of duplicate keys and does not keep key order or whitespace.";
  } else {
    fix.safety_note += " It fails, and changes nothing, if any row holds text that is not valid JSON.";
  }
  if (drop_other_default) {
    fix.safety_note += " The current default (" + *column.default_expr +
                       ") is not JSON, so it is dropped: set a jsonb default if you need one.";
  } else {
    // One of two texts, the same for every column of a big schema: share it.
    fix.safety_note = core::SharedText::interned(fix.safety_note);
  }
  if (with_drizzle) {
    fix.sql().drizzle = render_drizzle(table, column, new_default, drop_other_default);
  }
  return fix;
}

} // namespace pgadvise::advisor
