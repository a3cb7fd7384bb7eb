#include "app/fix/fix_edits.hpp"

#include "advisor/drizzle_drift.hpp"
#include "app/fix/fix_concurrent.hpp"
#include "core/json_string.hpp"
#include "core/text.hpp"
#include "rules/registry.hpp"

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>

namespace pgadvise::app {

namespace {

constexpr std::string_view k_removal = "// remove from schema.ts: ";

// The first JavaScript string literal of a rendered Drizzle line, decoded:
// the index name in `index("x").on(...)`.
std::optional<std::string> first_string(std::string_view text) {
  const auto open = text.find('"');
  if (open == std::string_view::npos) {
    return std::nullopt;
  }
  for (std::size_t i = open + 1; i < text.size(); ++i) {
    if (text[i] == '\\') {
      ++i;
    } else if (text[i] == '"') {
      const auto parsed = nlohmann::json::parse(text.substr(open, i - open + 1), nullptr, false);
      if (parsed.is_string()) {
        return parsed.get<std::string>();
      }
      return std::nullopt;
    }
  }
  return std::nullopt;
}

// A Drizzle line with its single-quoted strings double-quoted: lint writes
// a line in the quote of the file it goes in, the schema.ts editor takes
// its entries double-quoted and writes them in the file's quote.
std::string double_quoted(std::string_view line) {
  std::string out;
  char in = 0; // the quote or backtick of the literal the scan is in
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (in == 0 && c == '\'') {
      std::string text;
      for (++i; i < line.size() && line[i] != '\''; ++i) {
        if (line[i] == '\\' && i + 1 < line.size()) {
          ++i;
          text += line[i] == 'n' ? '\n' : line[i];
        } else {
          text += line[i];
        }
      }
      out += core::quote_json_string(text);
      continue;
    }
    out += c;
    if (in != 0 && c == '\\' && i + 1 < line.size()) {
      out += line[++i];
    } else if (in == 0 && (c == '"' || c == '`')) {
      in = c;
    } else if (c == in) {
      in = 0;
    }
  }
  return out;
}

bool is_identifier(std::string_view text) {
  return !text.empty() && std::isdigit(static_cast<unsigned char>(text.front())) == 0 &&
         std::all_of(text.begin(), text.end(), [](char c) {
           return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '$';
         });
}

// A column line's builder is `name`: `jsonb("c")...`, or a columns
// callback's `d.jsonb()...` (t3's style).
bool builds(std::string_view entry, std::string_view name) {
  const std::size_t paren = entry.find('(');
  if (paren == std::string_view::npos) {
    return false;
  }
  const std::string_view builder = entry.substr(0, paren);
  const std::size_t dot = builder.find('.');
  return dot == std::string_view::npos
             ? builder == name
             : is_identifier(builder.substr(0, dot)) && builder.substr(dot + 1) == name;
}

// The key list of a plain `index("x").on(a, b)` entry; empty for one with
// an expression, a predicate or another method.
std::string plain_keys(const std::string& entry) {
  const auto on = entry.find(".on(");
  if (entry.rfind("index(", 0) != 0 || on == std::string::npos || entry.back() != ')' ||
      entry.find("sql`") != std::string::npos || entry.find(".where(") != std::string::npos ||
      entry.find(".using(") != std::string::npos) {
    return {};
  }
  return entry.substr(on + 4, entry.size() - on - 5);
}

} // namespace

// What fix may write for the finding's rule (RuleMeta::fix_edit).
engine::FixEdit fix_edit(const core::Finding& finding) {
  const engine::Rule* rule = rules::find_rule(finding.rule);
  return rule == nullptr ? engine::FixEdit::index_ddl : rule->meta().fix_edit;
}

// `src/db/schema.ts:41` -> `src/db/schema.ts`.
std::string strip_line(const std::string& location) {
  const auto colon = location.rfind(':');
  if (colon != std::string::npos && colon + 1 < location.size() &&
      std::all_of(location.begin() + static_cast<std::ptrdiff_t>(colon + 1), location.end(),
                  [](char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; })) {
    return location.substr(0, colon);
  }
  return location;
}

// A finding's Drizzle line as a schema.ts edit, or why it is not one.
std::optional<SchemaEdit> schema_edit_for(const core::Finding& finding, std::string& why_not) {
  const core::SqlChange& fix = finding.fix->sql();
  SchemaEdit edit;
  edit.table = fix.drizzle_table;
  std::string line = double_quoted(fix.drizzle);
  // An entry of the older object form (`authorIdIdx: index(...)`): its key
  // goes apart, for the editor to write where the table's callback is an
  // object (it keys the entry itself when another entry has that key).
  std::string key;
  if (const auto key_end = line.find(": ");
      key_end != std::string::npos && is_identifier(line.substr(0, key_end)) &&
      (line.compare(key_end + 2, 6, "index(") == 0 || line.compare(key_end + 2, 12, "uniqueIndex(") == 0)) {
    key = line.substr(0, key_end);
    line.erase(0, key_end + 2);
  }
  if (line.rfind("index(", 0) == 0 || line.rfind("uniqueIndex(", 0) == 0) {
    if (line.find('\n') != std::string::npos || line.find("...") != std::string::npos) {
      why_not = "its Drizzle line is a sketch to complete by hand";
      return std::nullopt;
    }
    // `index().on(t.a)`: drizzle-kit names it as the DDL does.
    const bool unnamed = line.rfind("index().", 0) == 0 || line.rfind("uniqueIndex().", 0) == 0;
    auto name = unnamed ? std::optional<std::string>(created_index_name(fix.ddl)) : first_string(line);
    if (name && name->empty()) {
      name.reset();
    }
    if (!name) {
      why_not = "its index has no name";
      return std::nullopt;
    }
    edit.kind = SchemaEditKind::add_index;
    edit.entry = line;
    edit.name = *name;
    edit.key = std::move(key);
    return edit;
  }
  // Lint's line for an index schema.ts already declares (advisor::note_declared_indexes):
  // nothing to add; the drift pass says what the migrations lack.
  if (fix.drizzle.rfind(advisor::k_declared_in_schema, 0) == 0) {
    const std::string rest = fix.drizzle.substr(advisor::k_declared_in_schema.size());
    edit.kind = SchemaEditKind::add_index;
    edit.name = rest.substr(0, rest.find(' '));
    return edit; // no entry: the editor never adds it
  }
  if (line.rfind(k_removal, 0) == 0) {
    auto name = first_string(line);
    const std::string builder = line.substr(k_removal.size(), line.find('(') - k_removal.size());
    if (!name || (builder != "index" && builder != "uniqueIndex")) {
      why_not = "it removes a constraint, which changes what the table accepts";
      return std::nullopt;
    }
    edit.kind = SchemaEditKind::remove_index;
    edit.name = *name;
    return edit;
  }
  const auto colon = line.find(": ");
  if (fix_edit(finding) == engine::FixEdit::column_type && colon != std::string::npos &&
      is_identifier(line.substr(0, colon)) && builds(line.substr(colon + 2), "jsonb") &&
      line.find('\n') == std::string::npos) {
    edit.kind = SchemaEditKind::replace_column;
    edit.name = line.substr(0, colon);
    edit.entry = line.substr(colon + 2);
    return edit;
  }
  // timestamp -> timestamptz: the builder stays, its options gain withTimezone.
  if (fix_edit(finding) == engine::FixEdit::column_type && colon != std::string::npos &&
      is_identifier(line.substr(0, colon)) && builds(line.substr(colon + 2), "timestamp") &&
      line.find("withTimezone: true") != std::string::npos && line.find('\n') == std::string::npos) {
    edit.kind = SchemaEditKind::set_column_option;
    edit.name = line.substr(0, colon);
    edit.entry = "withTimezone: true";
    return edit;
  }
  why_not = "pgadvise does not write this kind of change yet";
  return std::nullopt;
}

// An index whose keys lead another new index of the same table is left
// out: the longer one serves its queries and its foreign key too, and two
// would only cost writes. Says which in `notes`.
void drop_covered(std::vector<SchemaEdit>& edits, std::vector<std::string>& notes) {
  std::vector<bool> covered(edits.size(), false);
  for (std::size_t i = 0; i < edits.size(); ++i) {
    const std::string keys = edits[i].kind == SchemaEditKind::add_index ? plain_keys(edits[i].entry) : "";
    for (std::size_t j = 0; j < edits.size() && !keys.empty(); ++j) {
      if (i == j || covered[j] || edits[j].kind != SchemaEditKind::add_index ||
          edits[j].table != edits[i].table) {
        continue;
      }
      const std::string longer = plain_keys(edits[j].entry);
      if (longer.size() > keys.size() && longer.rfind(keys + ", ", 0) == 0) {
        covered[i] = true;
        notes.push_back(edits[i].name + " is left out: " + edits[j].name + " leads with the same columns");
        break;
      }
    }
  }
  std::size_t at = 0;
  std::erase_if(edits, [&](const SchemaEdit&) { return covered[at++]; });
}

// drizzle-kit 1.0's generate asks, for a table that loses an index and
// gains another, whether the new one is the old one renamed; answered
// "renamed", it writes ALTER INDEX ... RENAME and the new index is never
// built. Says what to answer.
void note_rename_prompt(const std::vector<SchemaEdit>& edits, std::vector<std::string>& notes) {
  for (const SchemaEdit& added : edits) {
    if (added.kind != SchemaEditKind::add_index) {
      continue;
    }
    for (const SchemaEdit& removed : edits) {
      if (removed.kind == SchemaEditKind::remove_index && removed.table == added.table) {
        notes.push_back("drizzle-kit 1.0's generate asks whether " + added.name +
                        " is created or renamed from " + removed.name +
                        ": choose \"create index\" (the first choice, with Enter); a rename would "
                        "leave " +
                        added.name + " unbuilt and keep the duplicate under a new name");
        break;
      }
    }
  }
}

// The statement a finding's DDL becomes in a migration file: index builds
// and drops, and the JSON type changes, without CONCURRENTLY (a migrator's
// transaction refuses it); nullopt for anything else (sketches, commands).
std::optional<std::string> migration_statement(const core::Finding& finding) {
  const std::string ddl(core::trim(finding.fix->sql().ddl));
  const bool index = ddl.rfind("CREATE INDEX ", 0) == 0 || ddl.rfind("CREATE UNIQUE INDEX ", 0) == 0 ||
                     ddl.rfind("DROP INDEX ", 0) == 0;
  const bool json = fix_edit(finding) == engine::FixEdit::column_type && ddl.rfind("ALTER TABLE ", 0) == 0;
  if ((!index && !json) || ddl.find("--") != std::string::npos || ddl.find(';') != ddl.size() - 1) {
    return std::nullopt;
  }
  std::string out = ddl;
  if (const auto at = out.find(" CONCURRENTLY "); index && at != std::string::npos) {
    out.erase(at, std::string_view(" CONCURRENTLY").size());
  }
  return out;
}

} // namespace pgadvise::app
