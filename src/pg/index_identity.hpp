#pragma once

#include "model/catalog.hpp"

#include <cstdint>
#include <string_view>

// An index's identity, computed once when the index enters the model: each
// expression key and the predicate as PostgreSQL reads them (their
// expression_key, hashed), so that comparing two indexes compares values
// (advisor::same_definition) instead of normalising SQL text again at each
// comparison.
namespace pgadvise::pg {

// The identity of an index expression or predicate: equal for `lower(email)`
// and `LOWER((email)::text)`, different for `lower(email)` and
// `upper(email)`; 0 for empty text, never 0 otherwise.
std::uint64_t expression_identity(std::string_view expression);

// Sets `index`'s expression keys' and predicate's identities.
void identify_index(model::Index& index);

} // namespace pgadvise::pg
