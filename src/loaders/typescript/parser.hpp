#pragma once

#include "loaders/typescript/ast.hpp"

#include <string_view>

// A parser for the subset of TypeScript that declares values: imports,
// exports and `const` declarations with their expressions (ast.hpp). Its
// parts: parser.cpp (the cursor over tokens and bracket groups),
// parser_statements.cpp, parser_types.cpp (types are skipped),
// parser_expressions.cpp and parser_functions.cpp.
namespace pgadvise::loaders::ts {

// Never fails and always terminates, whatever the input.
Program parse_program(std::string_view source);

} // namespace pgadvise::loaders::ts
