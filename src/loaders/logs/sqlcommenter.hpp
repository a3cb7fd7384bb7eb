#pragma once

#include "model/workload.hpp"

#include <string>
#include <string_view>

// sqlcommenter's tags in a logged statement (`/*route='...',traceparent='...'*/`):
// the request a statement belongs to and the code that ran it.
namespace pgadvise::loaders {

// The sqlcommenter tags of a statement: the text inside its first
// `/*...*/` when it holds key='value' pairs ("" otherwise).
std::string_view sqlcommenter_tags(std::string_view statement);
// `sql` without its sqlcommenter comments (each `/*...*/` that holds
// key='value' tags, with the blanks before it): the statement as a report
// shows it, not one request's traceparent. Meant for normalized text, where
// literals are already placeholders (a quoted "/*" cannot be mistaken).
std::string without_sqlcommenter_comments(std::string_view sql);
// The value of `key` in sqlcommenter tags ("" when absent).
std::string_view sqlcommenter_value(std::string_view tags, std::string_view key);
// The trace id of a W3C traceparent value, `00-<trace id>-<span id>-<flags>`
// ("" when the value has another form). Each statement of a request may
// carry its own span id; the trace id is the request's.
std::string_view traceparent_trace_id(std::string_view traceparent);

// A tag's value as the application meant it: sqlcommenter URL-encodes its
// values (`file='src%2Froutes%2Ffeed.ts'`) and escapes quotes with a
// backslash; plain values pass unchanged.
std::string sqlcommenter_decoded(std::string_view value);
// The code path the tags name: `route` (else `controller#action`) and
// `file`, decoded, at most 256 bytes each (both empty when the tags name
// neither).
model::Workload::CodePath sqlcommenter_code_path(std::string_view tags);

} // namespace pgadvise::loaders
