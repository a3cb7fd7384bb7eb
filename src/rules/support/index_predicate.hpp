#pragma once

#include <string>
#include <string_view>
#include <vector>

// A partial index's predicate read as words, for the rules that ask what it
// says of its columns (unindexed-foreign-key, redundant-index-predicate).
namespace pgadvise::rules {

// The words of a predicate: identifiers (unquoted ones lower-cased, as
// PostgreSQL folds them) and keywords, parentheses dropped.
std::vector<std::string> predicate_words(std::string_view text);

// The predicate says only that some of `columns` are not null ("a IS NOT
// NULL AND b IS NOT NULL", each clause on one of them).
bool only_not_null_of(const std::string& predicate, const std::vector<std::string>& columns);

} // namespace pgadvise::rules
