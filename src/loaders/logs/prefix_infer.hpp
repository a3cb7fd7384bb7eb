#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace pgadvise::loaders {

// Learns a log_line_prefix from the lines of a stderr log (inside any
// envelope, once unwrapped) when none of common_prefixes() reads them: finds
// each line's severity word ("LOG:  ", "ERROR:  ", ...) and reads the text
// before it as fields in any order and punctuation: timestamps (%m, %t),
// "[pid]" and "[pid-line]" (%p, %l), Cloud SQL's "[line-1]", "user@db",
// "key=value" pairs (user=, db=, app=, client=, pid=, session=, ...),
// session ids. Lines of processes without a session (the prefix cut at %q)
// give the %q. Returns the pattern most lines agree on, "" when none.
std::string infer_prefix(const std::vector<std::string_view>& lines);

// The prefix one line shows ("" when it has no severity word).
std::string line_prefix_pattern(std::string_view line);

} // namespace pgadvise::loaders
