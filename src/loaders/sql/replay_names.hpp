#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace pgadvise::loaders::replay {

// PostgreSQL's names for objects created without one, so that replayed
// migrations name things as the server would (users_pkey,
// users_email_key, posts_author_id_fkey, posts_author_id_idx).

// makeObjectName: "name1_name2_label", name1/name2 shortened (the longer
// first) so the result fits in 63 bytes. `name2` may be empty.
std::string make_object_name(std::string_view name1, std::string_view name2, std::string_view label);

// ChooseRelationName / ChooseConstraintName: the first of label, label1,
// label2, ... whose name `taken` does not report as used.
std::string choose_name(std::string_view name1, std::string_view name2, std::string_view label,
                        const std::function<bool(const std::string&)>& taken);

// Column names joined with "_" and cut at NAMEDATALEN, as for the name2 part.
std::string join_column_names(const std::vector<std::string>& columns);

} // namespace pgadvise::loaders::replay
