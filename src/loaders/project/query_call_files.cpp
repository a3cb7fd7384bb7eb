#include "loaders/project/query_call_files.hpp"

#include "core/text.hpp"

#include <algorithm>
#include <array>

namespace pgadvise::loaders::scan {

namespace {

bool word_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '$';
}

bool space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

// `type` then a name, `{` or `*` (`type X`, `type { A }`, `type * as ns`);
// not `type` alone (a default import named type) nor `type as x` (the
// export named type, renamed).
bool type_keyword(std::string_view text) {
  constexpr std::string_view k_type = "type";
  if (text.substr(0, k_type.size()) != k_type || text.size() == k_type.size() ||
      !space(text[k_type.size()])) {
    return text.substr(0, k_type.size()) == k_type && text.size() > k_type.size() &&
           (text[k_type.size()] == '{' || text[k_type.size()] == '*');
  }
  const std::string_view rest = core::trim(text.substr(k_type.size()));
  if (rest.empty() || rest.front() == ',') {
    return false;
  }
  return !(rest.substr(0, 2) == "as" && (rest.size() == 2 || !word_char(rest[2])));
}

// Whether an import or export clause (the text between the keyword and
// `from`) takes only types. Anything else, a comment in it included,
// counts as taking values.
bool type_only_clause(std::string_view clause) {
  clause = core::trim(clause);
  if (clause.find('/') != std::string_view::npos) {
    return false;
  }
  if (type_keyword(clause)) {
    return true;
  }
  if (clause.size() < 2 || clause.front() != '{' || clause.back() != '}') {
    return false;
  }
  std::string_view names = clause.substr(1, clause.size() - 2);
  bool any = false;
  while (!names.empty()) {
    const std::size_t comma = names.find(',');
    const std::string_view name = core::trim(names.substr(0, comma));
    if (!name.empty()) {
      if (!type_keyword(name)) {
        return false;
      }
      any = true;
    }
    names = comma == std::string_view::npos ? std::string_view() : names.substr(comma + 1);
  }
  return any;
}

} // namespace

bool query_source_file(std::string_view file) {
  static constexpr std::array<std::string_view, 8> k_ext = {".ts", ".tsx", ".mts", ".cts",
                                                            ".js", ".jsx", ".mjs", ".cjs"};
  if (file.size() > 5 && file.substr(file.size() - 5) == ".d.ts") {
    return false;
  }
  return std::any_of(k_ext.begin(), k_ext.end(), [&](std::string_view ext) {
    return file.size() > ext.size() && file.substr(file.size() - ext.size()) == ext;
  });
}

bool drizzle_specifier(std::string_view specifier) {
  constexpr std::string_view k_name = "drizzle-orm";
  return specifier.substr(0, k_name.size()) == k_name &&
         (specifier.size() == k_name.size() || specifier[k_name.size()] == '/');
}

std::vector<ModuleImport> module_imports(std::string_view text) {
  constexpr std::size_t k_longest_clause = 4096;
  std::vector<ModuleImport> out;
  // The last word read (and where it began), whether a `(` followed it, and
  // the clause after the last `import` or `export`: a string after `from`,
  // `import`, `import(` or `require(` is a specifier.
  std::string_view word;
  std::size_t word_begin = 0;
  bool call = false;
  std::size_t clause_begin = std::string_view::npos;
  bool clause_export = false;
  std::size_t i = 0;
  const std::size_t n = text.size();
  while (i < n) {
    const char c = text[i];
    if (c == '/' && i + 1 < n && text[i + 1] == '/') {
      const std::size_t end = text.find('\n', i);
      i = end == std::string_view::npos ? n : end;
      continue;
    }
    if (c == '/' && i + 1 < n && text[i + 1] == '*') {
      const std::size_t end = text.find("*/", i + 2);
      i = end == std::string_view::npos ? n : end + 2;
      continue;
    }
    if (c == '"' || c == '\'' || c == '`') {
      // A quoted string ends at its line; a template may span lines.
      std::size_t j = i + 1;
      while (j < n && text[j] != c && (c == '`' || text[j] != '\n')) {
        j += text[j] == '\\' ? 2U : 1U;
      }
      const bool from = word == "from" && clause_begin != std::string_view::npos &&
                        clause_begin <= word_begin && word_begin - clause_begin <= k_longest_clause;
      const bool wanted = word == "from" || (word == "import" && c != '`') || (call && word == "require");
      if (wanted && j < n && text[j] == c && c != '`') {
        ModuleImport found{text.substr(i + 1, j - i - 1), false, false};
        if (from) {
          found.type_only = type_only_clause(text.substr(clause_begin, word_begin - clause_begin));
          found.reexport = clause_export;
        }
        out.push_back(found);
      }
      if (wanted) {
        clause_begin = std::string_view::npos;
      }
      word = {};
      call = false;
      i = std::min(n, j + 1);
      continue;
    }
    if (word_char(c)) {
      std::size_t j = i;
      while (j < n && word_char(text[j])) {
        ++j;
      }
      word = text.substr(i, j - i);
      word_begin = i;
      if ((word == "import" || word == "export") && (i == 0 || text[i - 1] != '.')) {
        clause_begin = j;
        clause_export = word == "export";
      }
      call = false;
      i = j;
      continue;
    }
    if (space(c)) {
      ++i;
      continue;
    }
    if (c == '(' && !call && (word == "import" || word == "require")) {
      call = true;
      ++i;
      continue;
    }
    word = {};
    call = false;
    ++i;
  }
  return out;
}

} // namespace pgadvise::loaders::scan
