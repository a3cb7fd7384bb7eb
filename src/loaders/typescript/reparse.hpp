#pragma once

#include "loaders/typescript/ast.hpp"

#include <string>

// Parsing a file again after an edit without parsing all of it: the
// top-level statements the edit touched are tokenized and parsed alone and
// put in place of the old ones; every other statement keeps its tokens and
// trees, moved to where the edit puts them. A 5 MB schema of 10,000 tables
// took 0.15-0.5 s to parse whole at every keystroke of the language server.
namespace pgadvise::loaders::ts {

// `program` (parse_program's, or this function's) made the program of
// `text`, the file's new text: what parse_program(text) gives, but its
// replaced statements' nodes are left unreachable (Program::unreachable_nodes)
// and new ones appended. False, with `program` and `text` untouched, when
// the edit cannot be parsed alone: it reaches outside whole top-level
// statements (an unclosed bracket, comment or string; a statement that
// read the next one's tokens), or touches what the program does not place
// by its tokens (an export list, a default export, a rest pattern), or the
// file had a tokenizer problem. The caller then parses the whole text.
bool reparse(Program& program, std::string& text);

} // namespace pgadvise::loaders::ts
