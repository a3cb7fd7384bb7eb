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
Program parse_program(std::string source);

// The same imports, exports, declarations and statements, at the same
// tokens, without the trees of what the declarations compute: a bracket
// group that holds another (a function's body, a call's arguments, a
// literal with a nested one) becomes one `other` node, and a function's
// body is not read for what it returns. Plain literals are read whole
// (`const ROLES = ["a", "b"]`). For a file read from its tokens (the
// query-call scan), where most of a parse's time went into trees nobody
// read. ParseDeclarations tests the sameness over the fixtures' sources.
Program parse_declarations(std::string source);

// parse_program's statements that start before the first token at or past
// byte `stop_offset`: the tokens after them are read only as the statements
// before look at them (reparse's context).
Program parse_statements_before(std::string source, std::size_t stop_offset);

} // namespace pgadvise::loaders::ts
