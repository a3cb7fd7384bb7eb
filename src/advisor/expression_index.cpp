#include "advisor/expression_index.hpp"

#include "advisor/drizzle_lines.hpp"
#include "advisor/drizzle_render.hpp"
#include "advisor/expression_immutable.hpp"
#include "advisor/expression_render.hpp"
#include "advisor/index_ddl.hpp"
#include "advisor/index_match.hpp"
#include "advisor/index_naming.hpp"
#include "advisor/query_evidence.hpp"
#include "advisor/query_index_candidate.hpp"
#include "core/text.hpp"
#include "pg/index_identity.hpp"
#include "pg/query_analysis.hpp"

#include <algorithm>

namespace pgadvise::advisor {

namespace {

using pg::Expression;
using Kind = pg::Expression::Kind;

// --- names and Drizzle -------------------------------------------------

// Identifier-friendly words of an expression: columns, functions, string
// constants ("settings", "theme"), lower-cased, [a-z0-9_] only.
void name_words(const Expression& node, std::vector<std::string>& words, int depth) {
  if (depth > 64) {
    return;
  }
  const auto add = [&](const std::string& text) {
    std::string word;
    for (char c : core::to_lower(text)) {
      const bool keep = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
      if (keep) {
        word += c;
      } else if (!word.empty() && word.back() != '_') {
        word += '_';
      }
    }
    while (!word.empty() && word.back() == '_') {
      word.pop_back();
    }
    if (!word.empty() && word.size() <= 24 && std::find(words.begin(), words.end(), word) == words.end()) {
      words.push_back(std::move(word));
    }
  };
  switch (node.kind) {
  case Kind::column: add(node.column()); return;
  case Kind::constant:
    if (node.constant == Expression::Constant::string) {
      add(node.value);
    }
    return;
  case Kind::call:
    add(node.names.size() == 1 ? node.names.front() : std::string());
    for (const Expression& arg : node.args) {
      name_words(arg, words, depth + 2); // as deep as the words of an argument list
    }
    return;
  case Kind::cast:
  case Kind::op:
    for (const Expression& arg : node.args) {
      name_words(arg, words, depth + 1);
    }
    return;
  case Kind::other: return;
  }
}

// Text inside a JavaScript template literal: `, \ and ${ escaped.
std::string template_text(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '`' || c == '\\' || (c == '$' && i + 1 < text.size() && text[i + 1] == '{')) {
      out += '\\';
    }
    out += c;
  }
  return out;
}

std::string drizzle_param(const model::Table& table) {
  return table.drizzle_config_param.empty() ? std::string("table") : table.drizzle_config_param.str();
}

// --- coverage ----------------------------------------------------------

bool gin_opclass_serves(std::string_view existing, std::string_view wanted) {
  const std::string have = core::to_lower(existing);
  if (have.empty() || have == "jsonb_ops") {
    return true; // jsonb_ops answers @> and the ? operators
  }
  return have == "jsonb_path_ops" && wanted == "jsonb_path_ops";
}

void mark_covered(const model::Catalog& catalog, ExpressionIndexCandidate& candidate,
                  const Expression& expression, const std::string& text, const std::string& opclass) {
  const std::string column = expression.column();
  model::IndexKey wanted;
  wanted.column = column;
  if (column.empty()) {
    wanted.expression = text;
    wanted.identity = pg::expression_identity(text);
  }
  for (const model::Index* index : usable_indexes(catalog, *candidate.table)) {
    if (!index->valid || index->is_partial() || index->keys.empty() ||
        core::to_lower(index->method.empty() ? "btree" : index->method) != candidate.method) {
      continue;
    }
    const model::IndexKey& key = index->keys.front();
    if (same_target(key, wanted) && (candidate.method != "gin" || gin_opclass_serves(key.opclass, opclass))) {
      candidate.covered = true;
      candidate.covered_by = index->name;
      return;
    }
  }
}

struct Built {
  ExpressionIndexCandidate candidate;
  Expression expression;
  std::string opclass;
};

// One entry per (table, method, expression) the filters use, with the
// operators seen; expressions that render as nothing, or cannot be an index
// key (skipped, with why), are left out.
std::vector<Built> built_from(const std::vector<pg::ExpressionFilter>& filters, const model::Catalog& catalog,
                              std::vector<ExpressionSkip>* skipped) {
  std::vector<Built> built;
  for (const pg::ExpressionFilter& filter : filters) {
    const model::Table* table = find_table(&catalog, filter.schema, filter.table);
    if (table == nullptr) {
      continue;
    }
    const auto text = render_expression(filter.expression);
    if (!text) {
      continue;
    }
    if (auto reason = not_immutable_reason(filter.expression, *table)) {
      if (skipped != nullptr) {
        skipped->push_back(ExpressionSkip{table, *text, std::move(*reason)});
      }
      continue;
    }
    const bool gin = filter.use == model::ColumnUse::json_operator;
    if (gin && expression_type(filter.expression, *table) != "jsonb") {
      continue; // @> and ? on json, arrays or text: not a jsonb GIN index
    }
    const std::string method = gin ? "gin" : "btree";
    const std::string opclass = gin && filter.op == "@>" ? "jsonb_path_ops" : "";
    auto same = std::find_if(built.begin(), built.end(), [&](const Built& b) {
      return b.candidate.table == table && b.candidate.method == method && b.candidate.expression == *text;
    });
    if (same == built.end()) {
      Built entry;
      entry.candidate.table = table;
      entry.candidate.expression = *text;
      entry.candidate.method = method;
      entry.candidate.columns = filter.columns;
      entry.expression = filter.expression;
      entry.opclass = opclass;
      built.push_back(std::move(entry));
      same = std::prev(built.end());
    } else if (opclass.empty()) {
      same->opclass.clear(); // a ? operator needs jsonb_ops
    }
    const std::string label = filter.op.empty() ? "IS NULL" : filter.op;
    if (std::find(same->candidate.ops.begin(), same->candidate.ops.end(), label) ==
        same->candidate.ops.end()) {
      same->candidate.ops.push_back(label);
    }
  }
  return built;
}

// The .on() / .using() argument of the Drizzle index: the column itself, or
// the expression as a sql`...` template with ${table.column} placeholders.
std::string drizzle_key(const Built& entry) {
  const ExpressionIndexCandidate& candidate = entry.candidate;
  const model::Table& table = *candidate.table;
  const std::string param = drizzle_param(table);
  if (entry.expression.kind == Kind::column) {
    const std::string member_text = drizzle_member(param, drizzle_property(table, entry.expression.column()));
    return entry.opclass.empty() ? member_text : member_text + ".op(" + js_string(entry.opclass) + ")";
  }
  const auto drizzle_column = [&](const std::string& name) {
    return "${" + drizzle_member(param, drizzle_property(table, name)) + "}";
  };
  const auto rendered = render_expression(entry.expression, drizzle_column);
  std::string body = index_element(entry.expression, rendered.value_or(candidate.expression));
  // Column references were made ${...} placeholders; escape only the SQL text between them.
  std::string escaped;
  std::size_t at = 0;
  while (at < body.size()) {
    const std::size_t open = body.find("${", at);
    if (open == std::string::npos) {
      escaped += template_text(body.substr(at));
      break;
    }
    const std::size_t close = body.find('}', open);
    escaped += template_text(body.substr(at, open - at)) + body.substr(open, close - open + 1);
    at = close + 1;
  }
  return "sql`" + escaped + (entry.opclass.empty() ? "" : " " + entry.opclass) + "`";
}

std::vector<ExpressionIndexCandidate> candidates_from(const std::vector<pg::ExpressionFilter>& filters,
                                                      const model::Catalog& catalog,
                                                      std::vector<ExpressionSkip>* skipped) {
  std::vector<ExpressionIndexCandidate> out;
  for (Built& entry : built_from(filters, catalog, skipped)) {
    ExpressionIndexCandidate& candidate = entry.candidate;
    const std::string base = index_element(entry.expression, candidate.expression);
    candidate.element = base + (entry.opclass.empty() ? "" : " " + entry.opclass);
    candidate.drizzle_key = drizzle_key(entry);
    name_words(entry.expression, candidate.name_parts, 0);
    mark_covered(catalog, candidate, entry.expression, candidate.expression, entry.opclass);
    out.push_back(std::move(candidate));
  }
  return out;
}

} // namespace

std::vector<ExpressionIndexCandidate> expression_index_candidates(const model::QueryStats& query,
                                                                  const model::Catalog& catalog,
                                                                  std::vector<ExpressionSkip>* skipped) {
  if (!query.parsed) {
    return {};
  }
  return expression_index_candidates_text(query.example.empty() ? query.normalized : query.example, catalog,
                                          skipped);
}

std::vector<ExpressionIndexCandidate> expression_index_candidates_text(std::string_view sql,
                                                                       const model::Catalog& catalog,
                                                                       std::vector<ExpressionSkip>* skipped) {
  return candidates_from(pg::expression_filters_text(sql), catalog, skipped);
}

std::optional<ExpressionIndexCandidate> with_filter_columns(const ExpressionIndexCandidate& expression,
                                                            const QueryIndexCandidate& columns) {
  const bool equality_only =
      !expression.ops.empty() && std::all_of(expression.ops.begin(), expression.ops.end(),
                                             [](const std::string& op) { return op == "="; });
  if (expression.method != "btree" || !equality_only || expression.covered || columns.covered ||
      columns.columns.empty() || columns.table != expression.table) {
    return std::nullopt;
  }
  ExpressionIndexCandidate out = expression;
  out.columns_before = columns.correlation;
  out.columns_before.insert(out.columns_before.end(), columns.equality.begin(), columns.equality.end());
  if (!columns.range.empty()) {
    out.columns_after.push_back(columns.range);
  }
  out.columns_after.insert(out.columns_after.end(), columns.order_by.begin(), columns.order_by.end());
  if (!out.composite()) {
    return std::nullopt;
  }
  return out;
}

std::string render_expression_index_ddl(const ExpressionIndexCandidate& candidate, std::string_view name) {
  const model::Table& table = *candidate.table;
  std::vector<std::string> elements;
  for (const std::string& column : candidate.columns_before) {
    elements.push_back(core::quote_ident(column));
  }
  elements.push_back(candidate.element);
  for (const std::string& column : candidate.columns_after) {
    elements.push_back(core::quote_ident(column));
  }
  return render_create_index_elements(table.schema, table.name, elements, name, !table.partitioned,
                                      candidate.method == "btree" ? "" : candidate.method);
}

std::string render_drizzle_expression_index(const ExpressionIndexCandidate& candidate,
                                            std::string_view name) {
  const model::Table& table = *candidate.table;
  const std::string param = drizzle_param(table);
  // A key of plain columns (`t.tags`, `t.title.op('gin_trgm_ops')`) in a file
  // whose indexes are unnamed stays unnamed when drizzle-kit gives it this
  // very name (`<table>_<columns>_index`, whatever the method); an
  // expression needs its name, which drizzle-kit 0.31 and 1.0 refuse to make up.
  const bool expression = candidate.drizzle_key.rfind("sql`", 0) == 0;
  std::vector<std::string> columns = candidate.columns_before;
  const bool one_column = !expression && candidate.columns.size() == 1;
  if (one_column) {
    columns.push_back(candidate.columns.front());
  }
  columns.insert(columns.end(), candidate.columns_after.begin(), candidate.columns_after.end());
  const std::string kit_name = table.name.str() + "_" + core::join(columns, "_") + "_index";
  const bool unnamed =
      table.drizzle_unnamed_indexes && one_column && name == kit_name && kit_name.size() <= 63;
  const std::string builder = unnamed ? std::string("index()") : "index(" + js_string_for(table, name) + ")";
  std::string out;
  if (candidate.method == "btree") {
    std::vector<std::string> keys;
    for (const std::string& column : candidate.columns_before) {
      keys.push_back(drizzle_member(param, drizzle_property(table, column)));
    }
    keys.push_back(candidate.drizzle_key);
    for (const std::string& column : candidate.columns_after) {
      keys.push_back(drizzle_member(param, drizzle_property(table, column)));
    }
    out = builder + ".on(" + core::join(keys, ", ") + ")";
  } else {
    out = builder + ".using(" + js_string_for(table, candidate.method) + ", " + candidate.drizzle_key + ")";
  }
  if (table.drizzle_config_object) {
    // The older object form's entries have keys, in the file's own style:
    // the expression's words (`lower`, `email`) stand for a column's.
    std::vector<model::KeyColumn> words;
    for (const std::string& column : candidate.columns_before) {
      words.push_back(key_column(table, column));
    }
    const std::string joined = core::join(candidate.name_parts, "_");
    words.push_back(one_column ? key_column(table, candidate.columns.front())
                               : model::KeyColumn{core::snake_to_camel(joined), joined});
    for (const std::string& column : candidate.columns_after) {
      words.push_back(key_column(table, column));
    }
    out = drizzle_entry_key(table, words, name) + ": " + out;
  }
  return out;
}

std::string expression_index_name(const model::Catalog& catalog, const ExpressionIndexCandidate& candidate) {
  const model::Table& table = *candidate.table;
  std::vector<std::string> parts = candidate.columns_before;
  parts.insert(parts.end(), candidate.name_parts.begin(), candidate.name_parts.end());
  parts.insert(parts.end(), candidate.columns_after.begin(), candidate.columns_after.end());
  // A file whose indexes are unnamed has drizzle-kit's `_index` names
  // throughout: a new name ends the same way (and a GIN index of a plain
  // column is then the one drizzle-kit names itself).
  const std::string_view suffix = table.drizzle_unnamed_indexes ? "index"
                                  : candidate.method == "gin"   ? "gin_idx"
                                                                : "idx";
  return unique_index_name(catalog, table.schema, table.name, parts, suffix);
}

} // namespace pgadvise::advisor
