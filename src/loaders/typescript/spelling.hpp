#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

// The words and punctuators the readers of TypeScript tokens ask about,
// numbered. The lexer gives each name and punctuator token its number (0
// when it is none of these), and a question such as `is_ident("import")`
// compares two numbers: the spelling's number is worked out when the
// question is compiled.
namespace pgadvise::loaders::ts {

using SpellingId = std::uint16_t;

// Index 0 is no spelling; then the punctuators the lexer emits,
// JavaScript's and TypeScript's keywords, and the names the readers follow
// (Drizzle's query API, promises, paths). A reader that asks about a
// spelling not listed here does not compile (Spelling below); one listed
// twice, or a size larger than the list, neither (spelling.cpp). A table,
// wrapped by hand.
// clang-format off
inline constexpr std::array<std::string_view, 144> k_spellings = {
    "", "!", "!=", "!==", "%", "&", "&&", "(", ")", "*", "**", "+", ",", "-", ".", "...", "/", ":", ";", "<",
    "<<", "<=", "=", "==", "===", "=>", ">", ">=", ">>", ">>>", "?", "?.", "??", "@", "[", "]", "^", "{", "|",
    "||", "}", "~", "abstract", "any", "as", "async", "await", "boolean", "break", "case", "catch", "class",
    "const", "constructor", "continue", "debugger", "declare", "default", "delete", "do", "else", "enum",
    "export", "extends", "false", "finally", "for", "from", "function", "get", "if", "implements", "import",
    "in", "infer", "instanceof", "interface", "is", "keyof", "let", "module", "namespace", "never", "new",
    "null", "number", "object", "of", "override", "private", "protected", "public", "readonly", "require",
    "return", "satisfies", "set", "static", "string", "super", "switch", "symbol", "this", "throw", "true",
    "try", "type", "typeof", "undefined", "unique", "unknown", "var", "void", "while", "with", "yield",
    "Promise", "__dirname", "all", "allSettled", "and", "cwd", "defineRelations", "defineRelationsPart",
    "dirname", "eq", "findFirst", "findMany", "join", "many", "meta", "one", "pMap", "path", "process",
    "query", "limit", "orderBy", "reduce", "relations", "resolve", "transaction", "values", "where",
};
// clang-format on

namespace detail {

// Not a constant expression: a Spelling of a text k_spellings lacks stops
// the compilation here.
void spelling_not_listed();

consteval SpellingId listed_spelling(std::string_view text) {
  for (std::size_t i = 1; i < k_spellings.size(); ++i) {
    if (k_spellings[i] == text) {
      return static_cast<SpellingId>(i);
    }
  }
  spelling_not_listed();
  return 0;
}

} // namespace detail

// A spelling named in the code, as its number.
struct Spelling {
  // Implicit, so that readers keep writing `is_punct("(")`.
  // NOLINTNEXTLINE(google-explicit-constructor,hicpp-explicit-conversions)
  consteval Spelling(const char* text) : id(detail::listed_spelling(text)) {}
  SpellingId id;
};

// The number of a token's text: 0 when k_spellings does not list it.
SpellingId spelling_id(std::string_view text);

} // namespace pgadvise::loaders::ts
