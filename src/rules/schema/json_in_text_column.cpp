#include "advisor/default_literal.hpp"
#include "advisor/evidence.hpp"
#include "advisor/jsonb_fix.hpp"
#include "advisor/query_evidence.hpp"
#include "core/text.hpp"
#include "engine/rule.hpp"
#include "rules/support/rule_inputs.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <map>
#include <memory>
#include <optional>

namespace pgadvise::rules {

namespace {

using model::Column;
using model::Table;

constexpr std::string_view k_id = "json-in-text-column";
constexpr std::string_view k_name_hints = "name-hints";

// Last words of column names that usually hold a serialized object. Not
// `data`: in the real applications it named base64 bytes, a file's storage
// path and a link (documenso's DocumentData.data and initialData,
// EnvelopeAttachment.data), no JSON.
constexpr std::array<std::string_view, 16> k_json_words = {
    "metadata",   "meta",  "payload", "settings", "config",  "configuration", "attributes", "attrs",
    "properties", "props", "extra",   "extras",   "options", "preferences",   "prefs",      "json"};

// Words of an identifier: split on '_' and on lower-to-upper case changes
// ("userSettings" -> user, settings).
std::vector<std::string> words_of(std::string_view name) {
  std::vector<std::string> words;
  std::string current;
  char previous = '\0';
  for (char c : name) {
    const auto u = static_cast<unsigned char>(c);
    const bool boundary =
        c == '_' || (std::isupper(u) != 0 && std::islower(static_cast<unsigned char>(previous)) != 0);
    if (boundary && !current.empty()) {
      words.push_back(current);
      current.clear();
    }
    if (c != '_') {
      current += static_cast<char>(std::tolower(u));
    }
    previous = c;
  }
  if (!current.empty()) {
    words.push_back(current);
  }
  return words;
}

// Words that say the value is something other than JSON text: ciphertext,
// certificates, keys and tokens (encrypted_provider_configuration is AES-GCM
// output, tls_cert_data a PEM block), whatever the rest of the name says.
constexpr std::array<std::string_view, 14> k_not_json_words = {
    "encrypted", "encrypt", "enc",   "cipher", "ciphertext", "cert", "certificate",
    "key",       "keys",    "token", "tokens", "secret",     "pem",  "signature"};

// Last words that name something about JSON, not JSON itself: json_path
// holds a JSONPath expression (Langfuse's dataset_item_media), json_url a
// URL, json_file_name a file's name.
constexpr std::array<std::string_view, 14> k_about_json_words = {
    "path",   "pointer", "url",  "uri",    "file",    "filename", "field",
    "column", "type",    "name", "format", "version", "hash",     "id"};

bool json_like_name(std::string_view name) {
  const auto words = words_of(name);
  if (words.empty()) {
    return false;
  }
  const bool says_otherwise = std::any_of(words.begin(), words.end(), [](const std::string& word) {
    return std::find(k_not_json_words.begin(), k_not_json_words.end(), word) != k_not_json_words.end();
  });
  if (says_otherwise || std::find(k_about_json_words.begin(), k_about_json_words.end(), words.back()) !=
                            k_about_json_words.end()) {
    return false;
  }
  const auto is_json_word = [](std::string_view word) {
    return std::find(k_json_words.begin(), k_json_words.end(), word) != k_json_words.end();
  };
  return is_json_word(words.back()) || std::find(words.begin(), words.end(), "json") != words.end();
}

// What the schema says about one text column.
struct Signal {
  bool json_default = false;     // strong: the default is a JSON object/array
  bool name_hint = false;        // weak: the name suggests JSON
  bool non_json_literal = false; // the default is a string that is not JSON
};

// How logged queries treat one column as JSON (casts to json/jsonb, JSON
// operators or functions): strong evidence, whatever the schema says.
struct QueryUse {
  std::vector<const model::QueryStats*> queries;
  std::uint64_t calls = 0;
};

using QueryUses = std::map<std::pair<std::string, std::string>, std::map<std::string, QueryUse>>;

QueryUses json_query_uses(const model::Workload* workload) {
  QueryUses out;
  if (workload == nullptr) {
    return out;
  }
  for (const model::QueryStats& query : workload->queries) {
    for (const model::ColumnUsage& usage : query.shape.columns) {
      if ((usage.use != model::ColumnUse::json_cast && usage.use != model::ColumnUse::json_operator) ||
          usage.table.empty()) {
        continue;
      }
      QueryUse& use = out[{usage.schema, usage.table}][usage.column];
      if (use.queries.empty() || use.queries.back() != &query) {
        use.queries.push_back(&query);
        use.calls += query.calls;
      }
    }
  }
  return out;
}

// The uses of table.column: by its schema, or by queries that did not
// qualify the table.
const QueryUse* find_query_use(const QueryUses& uses, const Table& table, const Column& column) {
  for (const std::string& schema : {table.schema.str(), std::string()}) {
    const auto by_table = uses.find({schema, table.name});
    if (by_table == uses.end()) {
      continue;
    }
    const auto by_column = by_table->second.find(column.name);
    if (by_column != by_table->second.end()) {
      return &by_column->second;
    }
  }
  return nullptr;
}

Signal read_signal(const Column& column) {
  Signal signal;
  if (column.default_expr) {
    if (auto literal = advisor::default_string_literal(*column.default_expr)) {
      signal.json_default = advisor::is_json_container(*literal);
      signal.non_json_literal = !signal.json_default;
    }
  }
  signal.name_hint = json_like_name(column.name);
  return signal;
}

class JsonInTextColumn final : public engine::Rule {
public:
  JsonInTextColumn()
      : Rule({
            .id = std::string(k_id),
            .summary = "Text or varchar column that holds JSON; use jsonb",
            .default_severity = core::Severity::high,
            .inputs = {engine::Input::catalog},
            .has_fix = true,
            .options = {{std::string(k_name_hints), "true",
                         "Also report, at low severity, text columns whose name (metadata, payload, "
                         "settings, *_json, ...) "
                         "suggests JSON but whose default does not show it"}},
            .judges_one_statement = true,
            .fix_edit = engine::FixEdit::column_type,
            .fix_applicability = core::FixApplicability::unsafe,
            .per_table = true,
        }) {}

  void check(const engine::RuleContext& context, core::FindingSink& out) const override {
    if (context.catalog == nullptr) {
      return;
    }
    const bool hints = context.options.get(std::string(k_name_hints)).empty() ||
                       context.options.get_bool(std::string(k_name_hints));
    const QueryUses uses = json_query_uses(context.workload);
    for (const Table& table : catalog_tables(context)) {
      for (const Column& column : table.columns) {
        const model::TypeRef type = context.catalog->resolve_type(column.type);
        if (!type.is_text_like()) {
          continue;
        }
        const Signal signal = read_signal(column);
        if (const QueryUse* used = find_query_use(uses, table, column); used != nullptr) {
          core::Finding finding = make_finding(context, table, column, type, signal, context.severity);
          add_query_evidence(finding, context.workload, table, column, type, *used);
          if (!finding.fix) { // the queries themselves read it as JSON
            finding.fix = advisor::make_jsonb_fix(
                table, column, context.project != nullptr && context.project->uses_drizzle);
          }
          out.push_back(std::move(finding));
        } else if (signal.json_default) {
          out.push_back(make_finding(context, table, column, type, signal, context.severity));
        } else if (hints && signal.name_hint && !signal.non_json_literal && type.name != "bpchar") {
          // char(n) pads with blanks and a plain string default says the
          // column holds strings: neither is worth a hint.
          out.push_back(make_finding(context, table, column, type, signal,
                                     std::min(core::Severity::low, context.severity)));
        }
      }
    }
  }

private:
  // Queries cast the column to json/jsonb or apply JSON operators to it: the
  // message says so and the evidence lists them (normalized text only).
  static void add_query_evidence(core::Finding& finding, const model::Workload* workload, const Table& table,
                                 const Column& column, const model::TypeRef& type, const QueryUse& used) {
    const std::string where = advisor::table_display(table) + "." + core::quote_ident(column.name);
    finding.message =
        where + " is " + type.display() + " but " + advisor::queries_phrase(workload, used.queries.size()) +
        (used.queries.size() == 1 ? " treats" : " treat") + " it as JSON (casts or JSON operators, " +
        std::to_string(used.calls) + (used.calls == 1 ? " call" : " calls") + "): JSON stored as text";
    finding.help =
        "Every such query parses the whole string again (a cast per row), cannot use a GIN or "
        "expression index on the keys, and fails at run time on the first value that is not valid "
        "JSON. Store it as jsonb: PostgreSQL validates values once on write and the casts go away.";
    if (!finding.location.known() && !used.queries.empty()) {
      finding.location = used.queries.front()->first_seen; // live catalogs have no schema file
    }
    constexpr std::size_t k_max_queries = 5;
    for (std::size_t i = 0; i < std::min(k_max_queries, used.queries.size()); ++i) {
      finding.evidence.push_back(advisor::query_evidence(*used.queries[i]));
    }
  }

  static core::Finding make_finding(const engine::RuleContext& context, const Table& table,
                                    const Column& column, const model::TypeRef& type, const Signal& signal,
                                    core::Severity severity) {
    const std::string where = advisor::table_display(table) + "." + core::quote_ident(column.name);
    const std::string table_sql = advisor::table_display(table);
    const std::string col = core::quote_ident(column.name);
    core::Finding finding;
    finding.rule = std::string(k_id);
    finding.severity = severity;
    finding.object = core::ObjectRef{table.schema, table.name, {column.name}, {}};
    finding.location = column.location.known() ? column.location : table.location;
    std::string declared = column.name + " " + column.type.display();
    if (type != column.type) {
      declared += " (domain over " + type.display() + ")";
    }
    if (column.default_expr) {
      declared += " DEFAULT " + *column.default_expr;
    }
    finding.evidence.push_back(advisor::schema_evidence(*context.catalog, declared, finding.location));

    if (signal.json_default) {
      finding.message = where + " is " + type.display() + " but defaults to JSON (" + *column.default_expr +
                        "): JSON stored as text";
      finding.help = "Store JSON in jsonb: PostgreSQL then validates every value, and queries can read keys "
                     "(->, ->>, @>) and use GIN or expression indexes instead of fetching and parsing whole "
                     "strings in the application.";
    } else {
      finding.message = "The name of " + where + " (" + type.display() + ") suggests JSON stored as text";
      finding.help =
          "Only the name points at JSON, so confirm first. On PostgreSQL 16+: SELECT count(*) FILTER "
          "(WHERE " +
          col + " IS JSON) AS json_rows, count(*) FILTER (WHERE " + col +
          " IS NOT JSON) AS other_rows FROM " + table_sql + "; on older servers, SELECT " + col +
          "::jsonb FROM " + table_sql +
          " TABLESAMPLE SYSTEM (1) fails on the first non-JSON value. "
          "Passing query logs (--log) lets pgadvise see how the column is written and read. If it "
          "holds JSON, convert it to jsonb; if not, silence this hint with --option " +
          std::string(k_id) + "." + std::string(k_name_hints) + "=false or a pgadvise-ignore comment.";
    }
    // A name alone proves nothing about the rows: `USING col::jsonb` would fail
    // on the first value that is not JSON, so only evidence earns a fix.
    if (signal.json_default) {
      finding.fix =
          advisor::make_jsonb_fix(table, column, context.project != nullptr && context.project->uses_drizzle);
    }
    finding.compute_fingerprint();
    return finding;
  }
};

} // namespace

std::unique_ptr<engine::Rule> make_json_in_text_column() {
  return std::make_unique<JsonInTextColumn>();
}

} // namespace pgadvise::rules
