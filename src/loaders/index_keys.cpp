#include "loaders/index_keys.hpp"

#include "core/text.hpp"
#include "pg/index_identity.hpp"

#include <cctype>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pgadvise::loaders {

namespace {

// One word of an index element: a "quoted" identifier as written, or an
// unquoted one folded to lower case as PostgreSQL folds it.
struct Word {
  std::string text;
  bool quoted = false;
};

// The words of `sql`, or nullopt when it holds anything but identifiers
// (a call, an operator, a cast: a real expression).
std::optional<std::vector<Word>> words_of(std::string_view sql) {
  std::vector<Word> words;
  std::size_t i = 0;
  while (i < sql.size()) {
    const char c = sql[i];
    if (std::isspace(static_cast<unsigned char>(c)) != 0) {
      ++i;
      continue;
    }
    Word word;
    if (c == '"') {
      word.quoted = true;
      for (++i; i < sql.size(); ++i) {
        if (sql[i] == '"') {
          if (i + 1 < sql.size() && sql[i + 1] == '"') {
            word.text += '"';
            ++i;
            continue;
          }
          break;
        }
        word.text += sql[i];
      }
      if (i >= sql.size()) {
        return std::nullopt; // unterminated
      }
      ++i;
    } else if (std::isalpha(static_cast<unsigned char>(c)) != 0 || c == '_') {
      while (i < sql.size() &&
             (std::isalnum(static_cast<unsigned char>(sql[i])) != 0 || sql[i] == '_' || sql[i] == '$')) {
        word.text += static_cast<char>(std::tolower(static_cast<unsigned char>(sql[i])));
        ++i;
      }
    } else {
      return std::nullopt;
    }
    words.push_back(std::move(word));
  }
  return words;
}

bool keyword(const Word& word, std::string_view text) {
  return !word.quoted && word.text == text;
}

// `column [opclass] [ASC | DESC] [NULLS FIRST | LAST]` naming a column of `table`.
std::optional<model::IndexKey> column_key(const model::Table& table, const std::string& sql) {
  const auto words = words_of(sql);
  if (!words || words->empty() || table.find_column((*words)[0].text) == nullptr) {
    return std::nullopt;
  }
  model::IndexKey key;
  key.column = (*words)[0].text;
  std::size_t i = 1;
  const auto is_order = [&](std::size_t at) {
    return at < words->size() &&
           (keyword((*words)[at], "asc") || keyword((*words)[at], "desc") || keyword((*words)[at], "nulls"));
  };
  if (i < words->size() && !is_order(i)) {
    key.opclass = (*words)[i++].text;
  }
  if (i < words->size() && (keyword((*words)[i], "asc") || keyword((*words)[i], "desc"))) {
    key.descending = (*words)[i++].text == "desc";
  }
  if (i + 1 < words->size() && keyword((*words)[i], "nulls") &&
      (keyword((*words)[i + 1], "first") || keyword((*words)[i + 1], "last"))) {
    key.nulls_first = (*words)[i + 1].text == "first";
    i += 2;
  }
  if (i != words->size()) {
    return std::nullopt;
  }
  return key;
}

} // namespace

void finish_indexes(model::Table& table) {
  for (model::Index& index : table.indexes) {
    for (model::IndexKey& key : index.keys) {
      if (key.expression.empty()) {
        continue;
      }
      if (std::optional<model::IndexKey> column = column_key(table, key.expression)) {
        key = std::move(*column);
      }
    }
    pg::identify_index(index);
  }
}

void finish_indexes(model::Catalog& catalog) {
  for (model::Table& table : catalog.tables) {
    finish_indexes(table);
  }
}

} // namespace pgadvise::loaders
