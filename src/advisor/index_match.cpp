#include "advisor/index_match.hpp"

#include "core/text.hpp"
#include "pg/index_identity.hpp"

#include <algorithm>
#include <cctype>

namespace pgadvise::advisor {

namespace {

bool is_btree(const model::Index& index) {
  return index.method.empty() || core::to_lower(index.method) == "btree";
}

std::string method_identity(const model::Index& index) {
  return index.method.empty() ? std::string("btree") : core::to_lower(index.method);
}

// The operator class an index key gets when none is named (btree and gin
// over the common types): naming it changes nothing, so it compares as none.
std::string opclass_identity(std::string_view opclass) {
  static const std::vector<std::string_view> k_defaults = {
      "int2_ops",   "int4_ops",   "int8_ops",     "text_ops",        "varchar_ops",   "bpchar_ops",
      "uuid_ops",   "bool_ops",   "numeric_ops",  "timestamptz_ops", "timestamp_ops", "date_ops",
      "float4_ops", "float8_ops", "jsonb_ops",    "array_ops",       "enum_ops",      "bytea_ops",
      "time_ops",   "timetz_ops", "interval_ops", "oid_ops",         "citext_ops",    "inet_ops"};
  std::string bare = core::to_lower(opclass);
  if (const auto dot = bare.rfind('.'); dot != std::string::npos) {
    bare = bare.substr(dot + 1);
  }
  return std::find(k_defaults.begin(), k_defaults.end(), bare) != k_defaults.end() ? std::string() : bare;
}

// The identities the loaders set (pg::identify_index); an index made
// elsewhere (a candidate, a test) gets them computed here.
std::uint64_t key_identity(const model::IndexKey& key) {
  return key.identity != 0 || key.expression.empty() ? key.identity
                                                     : pg::expression_identity(key.expression.str());
}

std::string describe_key(const model::IndexKey& key) {
  std::string out = key.text();
  if (!key.opclass.empty()) {
    out += " " + key.opclass;
  }
  if (key.descending) {
    out += " DESC";
  }
  return out;
}

// True when `column` appears as a whole identifier in an expression key
// ("(project_id + 0)", "lower(\"Email\")"): such an index looks like it
// covers the column but cannot serve a plain equality lookup on it.
bool expression_mentions(const model::IndexKey& key, std::string_view column) {
  if (!key.column.empty() || column.empty()) {
    return false;
  }
  const auto is_ident = [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '$';
  };
  const std::string& text = key.expression;
  for (auto at = text.find(column); at != std::string::npos; at = text.find(column, at + 1)) {
    const bool starts = at == 0 || !is_ident(text[at - 1]);
    const bool ends = at + column.size() == text.size() || !is_ident(text[at + column.size()]);
    if (starts && ends) {
      return true;
    }
  }
  return false;
}

// 1-based position of the plain-column key `column`, 0 when absent.
std::size_t key_position(const model::Index& index, std::string_view column) {
  for (std::size_t i = 0; i < index.keys.size(); ++i) {
    if (index.keys[i].column == column) {
      return i + 1;
    }
  }
  return 0;
}

bool contains(const std::vector<std::string>& list, std::string_view item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

// Why the key layout (not validity or method) keeps `index` from covering.
std::vector<std::string> layout_reasons(const model::Index& index, const std::vector<std::string>& columns) {
  std::vector<std::string> reasons;
  const std::size_t n = columns.size();
  for (std::size_t i = 0; i < n && i < index.keys.size(); ++i) {
    const model::IndexKey& key = index.keys[i];
    // A foreign column in a leading slot shows as the FK column's later
    // position below; an expression there is worth naming.
    if (key.column.empty()) {
      reasons.push_back("key " + std::to_string(i + 1) + " is the expression " + key.expression);
    }
  }
  std::vector<std::string> missing;
  for (const std::string& column : columns) {
    const std::size_t position = key_position(index, column);
    if (position == 0) {
      missing.push_back(column);
    } else if (position > n) {
      reasons.push_back("has " + column + " in position " + std::to_string(position));
    }
  }
  if (!missing.empty()) {
    reasons.push_back("does not include " + core::join(missing, ", "));
  }
  return reasons;
}

} // namespace

std::string index_kind_name(const model::Index& index) {
  switch (index.kind) {
  case model::IndexKind::primary_key: return "primary key";
  case model::IndexKind::unique_constraint: return "unique constraint";
  case model::IndexKind::index: break;
  }
  return index.unique ? "unique index" : "index";
}

std::string describe_keys(const model::Index& index) {
  std::vector<std::string> keys;
  keys.reserve(index.keys.size());
  for (const model::IndexKey& key : index.keys) {
    keys.push_back(describe_key(key));
  }
  return core::join(keys, ", ");
}

std::string describe_index(const model::Index& index) {
  std::string out = index_kind_name(index) + " " + index.name + " (" + describe_keys(index) + ")";
  if (!is_btree(index)) {
    out += " USING " + index.method;
  }
  if (index.is_partial()) {
    out += " WHERE " + index.predicate;
  }
  return out;
}

bool covers_leading(const model::Index& index, const std::vector<std::string>& columns) {
  if (columns.empty() || !index.valid || index.is_partial() || !is_btree(index) ||
      index.keys.size() < columns.size()) {
    return false;
  }
  for (std::size_t i = 0; i < columns.size(); ++i) {
    const model::IndexKey& key = index.keys[i];
    if (key.column.empty() || !contains(columns, key.column)) {
      return false;
    }
    for (std::size_t j = 0; j < i; ++j) {
      if (index.keys[j].column == key.column) {
        return false; // (a, a) is not the set {a, b}
      }
    }
  }
  return true;
}

std::optional<std::string> near_miss_reason(const model::Index& index,
                                            const std::vector<std::string>& columns) {
  const bool mentions = std::any_of(columns.begin(), columns.end(), [&](const std::string& c) {
    return key_position(index, c) != 0 ||
           std::any_of(index.keys.begin(), index.keys.end(),
                       [&](const model::IndexKey& key) { return expression_mentions(key, c); });
  });
  if (!mentions || covers_leading(index, columns)) {
    return std::nullopt;
  }
  std::vector<std::string> reasons;
  if (!index.valid) {
    reasons.emplace_back("is invalid (a failed CREATE INDEX CONCURRENTLY leaves one behind)");
  }
  if (!is_btree(index)) {
    reasons.push_back("uses " + index.method + ", not btree");
  }
  if (index.is_partial()) {
    reasons.push_back("is partial (WHERE " + index.predicate + ")");
  }
  for (std::string& reason : layout_reasons(index, columns)) {
    reasons.push_back(std::move(reason));
  }
  // The reasons name the method and predicate, so the head names only keys.
  return index_kind_name(index) + " " + index.name + " (" + describe_keys(index) + ") " +
         core::join(reasons, "; ");
}

std::string normalize_sql(std::string_view text) {
  std::string out;
  bool in_string = false;
  bool in_ident = false;
  for (char c : core::trim(text)) {
    if (c == '\'' && !in_ident) {
      in_string = !in_string;
    } else if (c == '"' && !in_string) {
      in_ident = !in_ident;
    }
    if (in_string || in_ident || c == '\'' || c == '"') {
      out += c;
    } else if (std::isspace(static_cast<unsigned char>(c)) == 0) {
      out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
  }
  // Loaders differ in wrapping parentheses: "(lower(email))" vs "lower(email)".
  while (out.size() >= 2 && out.front() == '(' && out.back() == ')') {
    int depth = 0;
    bool wraps = true;
    for (std::size_t i = 0; i + 1 < out.size(); ++i) {
      depth += out[i] == '(' ? 1 : out[i] == ')' ? -1 : 0;
      if (depth == 0) {
        wraps = false; // "(a)+(b)" is not wrapped as a whole
        break;
      }
    }
    if (!wraps) {
      break;
    }
    out = out.substr(1, out.size() - 2);
  }
  return out;
}

std::uint64_t predicate_identity(const model::Index& index) {
  return index.predicate_identity != 0 || index.predicate.empty()
             ? index.predicate_identity
             : pg::expression_identity(index.predicate.str());
}

bool same_target(const model::IndexKey& a, const model::IndexKey& b) {
  return a.column == b.column && (!a.column.empty() || key_identity(a) == key_identity(b));
}

bool same_key(const model::IndexKey& a, const model::IndexKey& b) {
  return same_target(a, b) && a.descending == b.descending &&
         a.effective_nulls_first() == b.effective_nulls_first() &&
         opclass_identity(a.opclass) == opclass_identity(b.opclass);
}

bool same_definition(const model::Index& a, const model::Index& b, IncludeColumns include) {
  if (method_identity(a) != method_identity(b) || a.keys.size() != b.keys.size() ||
      predicate_identity(a) != predicate_identity(b)) {
    return false;
  }
  for (std::size_t i = 0; i < a.keys.size(); ++i) {
    if (!same_key(a.keys[i], b.keys[i])) {
      return false;
    }
  }
  if (include == IncludeColumns::ignored) {
    return true;
  }
  std::vector<std::string> include_a = a.include;
  std::vector<std::string> include_b = b.include;
  std::sort(include_a.begin(), include_a.end());
  std::sort(include_b.begin(), include_b.end());
  return include_a == include_b;
}

bool same_index(const model::Index& a, const model::Index& b, IncludeColumns include) {
  return a.unique == b.unique && same_definition(a, b, include);
}

bool is_left_prefix_of(const model::Index& shorter, const model::Index& longer) {
  if (!is_btree(shorter) || !is_btree(longer) || !longer.valid || shorter.keys.empty() ||
      shorter.keys.size() >= longer.keys.size()) {
    return false;
  }
  if (longer.is_partial() && predicate_identity(longer) != predicate_identity(shorter)) {
    return false;
  }
  // All directions equal, or all reversed: a backward scan of `longer` then
  // gives `shorter`'s order.
  const bool reversed = shorter.keys.front().descending != longer.keys.front().descending;
  for (std::size_t i = 0; i < shorter.keys.size(); ++i) {
    model::IndexKey key = shorter.keys[i];
    if (reversed) {
      key.nulls_first = !key.effective_nulls_first();
      key.descending = !key.descending;
    }
    if (!same_key(key, longer.keys[i])) {
      return false;
    }
  }
  return std::all_of(shorter.include.begin(), shorter.include.end(), [&](const std::string& column) {
    return contains(longer.include, column) || key_position(longer, column) != 0;
  });
}

} // namespace pgadvise::advisor
