#pragma once

#include "model/catalog.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pgadvise::advisor {

// How indexes relate to column lists and to each other: the questions the
// foreign-key, duplicate and redundant index rules ask.

// "primary key posts_pkey (org_id, user_id)", "unique index x (lower(email))".
std::string describe_index(const model::Index& index);
// "primary key", "unique constraint", "unique index" or "index".
std::string index_kind_name(const model::Index& index);
// Key list as SQL: "org_id, lower(email), created_at DESC".
std::string describe_keys(const model::Index& index);

// True when `index` can serve lookups on exactly `columns` (in any order):
// valid, not partial, btree, and its first N keys (N = columns.size()) are
// plain columns forming the same set.
bool covers_leading(const model::Index& index, const std::vector<std::string>& columns);

// Why an index that mentions some of `columns` does not cover them, e.g.
// "has user_id in position 2", "is partial (WHERE deleted_at IS NULL)";
// nullopt when it covers them or does not mention them at all.
std::optional<std::string> near_miss_reason(const model::Index& index,
                                            const std::vector<std::string>& columns);

// Index comparisons compare identities (pg::identify_index, set when the
// index enters the model): an expression or predicate is compared as
// PostgreSQL reads it (spacing, case, parentheses, `t.col`, casts of
// literals and of columns to text aside), never by its spelling.

// The identity of `index`'s predicate (0 without one).
std::uint64_t predicate_identity(const model::Index& index);
// The same column, or the same expression (direction, NULLS placement and
// operator class aside).
bool same_target(const model::IndexKey& a, const model::IndexKey& b);
// Keys PostgreSQL builds alike: the same column or expression, direction,
// NULLS placement and operator class (a default one named is the same as
// none).
bool same_key(const model::IndexKey& a, const model::IndexKey& b);

// Normalized predicate text, for comparing the advisor's candidates (whose
// predicates it writes itself) with each other.
std::string normalize_sql(std::string_view text);

// Whether INCLUDE columns take part: drizzle-kit's snapshots and schema.ts
// cannot declare them.
enum class IncludeColumns : bool { compared, ignored };

// Same method, keys (in order), predicate and INCLUDE set: two such indexes
// answer exactly the same queries, unique or not.
bool same_definition(const model::Index& a, const model::Index& b,
                     IncludeColumns include = IncludeColumns::compared);
// The same definition, and both unique or neither: one index under two
// names.
bool same_index(const model::Index& a, const model::Index& b,
                IncludeColumns include = IncludeColumns::compared);

// True when `shorter`'s keys are a strict left prefix of `longer`'s, so a
// btree scan of `longer` can answer everything `shorter` answers: both
// btree, `longer` valid and either non-partial or with the same predicate,
// each prefix key on the same column/expression and opclass, directions all
// equal or all reversed (a backward scan), and `shorter`'s INCLUDE columns
// present in `longer`.
bool is_left_prefix_of(const model::Index& shorter, const model::Index& longer);

} // namespace pgadvise::advisor
