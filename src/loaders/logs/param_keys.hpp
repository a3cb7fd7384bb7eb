#pragma once

#include "model/workload.hpp"

#include <array>
#include <cstdint>
#include <string_view>

namespace pgadvise::loaders {

// The logged values of a statement's key parameters: those compared by
// equality with a column (`"checklist_id" = $1`), each hashed with its
// column's name, at most two, in parameter order (0: none). The rows of one
// loop iteration's statements share their parent's key (every item copied
// into one checklist carries its id) wherever the pool runs them, which
// other users' requests do not; a LIMIT or OFFSET is no key. Cheap: a
// statement without an equality parameter costs a map lookup.
using ParamKeys = std::array<std::uint64_t, 2>;

struct ParamValues {
  ParamKeys keys{};
  // A hash of the values a row gives (the keys it looks up, the values it
  // writes; not a range's bound, as a clock's `expires_at > $3`, nor a
  // LIMIT): the same user's requests again share a key and differ in the
  // clock at most, a loop's rows differ here. 0 without keys.
  std::uint64_t row = 0;
};

ParamValues param_values(const model::QueryShape& shape, std::string_view params);

// `into` gains the keys of `from` it does not hold yet, while it has room
// (a transaction's keys are those of its statements).
void merge_param_keys(ParamKeys& into, const ParamKeys& from);

} // namespace pgadvise::loaders
