#pragma once

#include "model/workload.hpp"

#include <array>
#include <cstdint>
#include <string_view>
#include <utility>
#include <vector>

namespace pgadvise::loaders {

// The logged values of a statement's key parameters: those compared by
// equality with a column (`"checklist_id" = $1`), each hashed with its
// column's table and name, at most two, in parameter order (0: none). The rows of one
// loop iteration's statements share their parent's key (every item copied
// into one checklist carries its id) wherever the pool runs them, which
// other users' requests do not; a LIMIT or OFFSET is no key. Cheap: a
// statement without an equality parameter costs a map lookup.
using ParamKeys = std::array<std::uint64_t, 2>;

// The values a write gives (its row's, as ParamValues::row takes them), each
// hashed alone, without its column: one request's writes to two tables share
// a value (the ticket's id as `"id" = $2` of an UPDATE and as the
// notification's `ticket_id`), other requests' writes interleaved on a
// connection do not (write_runs). At most four, in parameter order; a
// one-character value (a flag, a position), a word without a digit (a kind,
// a status) or a clock value is left out, since unrelated rows share
// those. 0: none.
using ParamLinks = std::array<std::uint64_t, 4>;

struct ParamValues {
  ParamKeys keys{};
  // A hash of the values a row gives (the keys it looks up, the values it
  // writes; not a range's bound, as a clock's `expires_at > $3`, nor a
  // LIMIT): the same user's requests again share a key and differ in the
  // clock at most, a loop's rows differ here. 0 without keys.
  std::uint64_t row = 0;
  ParamLinks links{}; // a write's only (ParamPlan::write)
};

// What param_values needs of a statement shape, worked out once per shape
// (QueryInfo::params) rather than per execution.
struct ParamPlan {
  struct Key {
    int number = 0;                // $number
    std::uint64_t column_hash = 0; // its column's table and name, hashed
  };
  std::vector<Key> keys; // the parameters compared by equality only, in number order
  // Whether a parameter's value is part of the row: `rows` lists the
  // parameters a clause or a column names; any other is `row_default` (a
  // write's value, not a read's expression).
  std::vector<std::pair<int, bool>> rows;
  bool row_default = false;
  bool write = false; // an INSERT, UPDATE or DELETE: its values give ParamValues::links
};

ParamPlan plan_params(const model::QueryShape& shape);

// Calls fn(number, value) for each `$number = 'value'` of a DETAIL line's
// "$1 = '5', $2 = NULL, $3 = 'it''s'" (a NULL has no value; a doubled quote
// stays doubled in `value`).
template <typename Fn> void for_each_param(std::string_view params, Fn&& fn) {
  std::size_t i = 0;
  while (i < params.size()) {
    if (params[i] != '$') {
      ++i;
      continue;
    }
    int number = 0;
    std::size_t j = i + 1;
    while (j < params.size() && params[j] >= '0' && params[j] <= '9' && number < 100000) {
      number = number * 10 + (params[j] - '0');
      ++j;
    }
    if (params.substr(j, 4) != " = '") {
      i = j;
      continue;
    }
    std::size_t end = j + 4;
    while (end < params.size() &&
           !(params[end] == '\'' && (end + 1 >= params.size() || params[end + 1] != '\''))) {
      end += params[end] == '\'' ? 2U : 1U;
    }
    fn(number, params.substr(j + 4, end - j - 4));
    i = end + 1;
  }
}

ParamValues param_values(const ParamPlan& plan, std::string_view params);

// `into` gains the keys of `from` it does not hold yet, while it has room
// (a transaction's keys are those of its statements).
void merge_param_keys(ParamKeys& into, const ParamKeys& from);

} // namespace pgadvise::loaders
