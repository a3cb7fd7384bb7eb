#include "loaders/logs/param_keys.hpp"

#include "loaders/logs/shape.hpp"

#include <algorithm>

namespace pgadvise::loaders {

namespace {

// The quoted value of `$number` in a DETAIL line's "$1 = '5', $2 = 'x'"
// (empty when absent or NULL). A quote inside a value is doubled.
std::string_view parameter_value(std::string_view params, int number) {
  char key[16];
  std::size_t length = 0;
  key[length++] = '$';
  char digits[12];
  std::size_t n = 0;
  for (int rest = number; rest > 0 && n < sizeof(digits); rest /= 10) {
    digits[n++] = static_cast<char>('0' + rest % 10);
  }
  while (n > 0) {
    key[length++] = digits[--n];
  }
  for (const char c : std::string_view(" = '")) {
    key[length++] = c;
  }
  const std::string_view needle(key, length);
  std::size_t at = params.find(needle);
  while (at != std::string_view::npos && at > 0 && params[at - 1] != ' ' && params[at - 1] != ',') {
    at = params.find(needle, at + 1);
  }
  if (at == std::string_view::npos) {
    return {};
  }
  const std::size_t start = at + needle.size();
  std::size_t end = start;
  while (end < params.size()) {
    if (params[end] == '\'') {
      if (end + 1 < params.size() && params[end + 1] == '\'') {
        end += 2;
        continue;
      }
      break;
    }
    ++end;
  }
  return params.substr(start, end - start);
}

// Whether the column a parameter is compared with is compared by equality
// only (`param_columns` names the column of any comparison, `> $3` too;
// the statement's column uses tell the operator).
bool equality_only(const model::QueryShape& shape, const model::ColumnUsage& target) {
  bool equality = false;
  for (const model::ColumnUsage& usage : shape.columns) {
    if (usage.column != target.column || usage.table != target.table) {
      continue;
    }
    if (usage.use == model::ColumnUse::range || usage.use == model::ColumnUse::like) {
      return false;
    }
    equality = equality || usage.use == model::ColumnUse::equality || usage.use == model::ColumnUse::in_list;
  }
  return equality;
}

// Whether parameter $number's value is part of a row: a key it looks up
// (`= $1`, `IN ($1)`), or a value it writes (an INSERT's, an UPDATE's SET);
// never a LIMIT or OFFSET, a range or pattern (`expires_at > $3`, a clock),
// or another expression of a read.
bool row_value(const model::QueryShape& shape, int number) {
  if (shape.param_clauses.count(number) != 0) {
    return false;
  }
  const auto column = shape.param_columns.find(number);
  if (column == shape.param_columns.end()) {
    return shape.kind != model::StatementKind::select;
  }
  return (column->second.use == model::ColumnUse::equality ||
          column->second.use == model::ColumnUse::in_list) &&
         equality_only(shape, column->second);
}

// Whether $number's value is part of the row, by the shape's plan.
bool is_row_value(const ParamPlan& plan, int number) {
  for (const auto& [listed, row] : plan.rows) {
    if (listed == number) {
      return row;
    }
  }
  return plan.row_default;
}

// The row values of "$1 = '5', $2 = NULL, $3 = 'it''s'", hashed in order.
std::uint64_t row_hash(const ParamPlan& plan, std::string_view params) {
  std::uint64_t row = 0x84222325cbf29ce4ULL;
  for_each_param(params, [&](int number, std::string_view value) {
    if (is_row_value(plan, number)) {
      row = (row ^ fast_hash(value, static_cast<std::uint64_t>(static_cast<unsigned>(number)))) *
            0x100000001b3ULL;
    }
  });
  return row | 1U;
}

// A value rows of unrelated requests share: a flag or a small number of
// one character, a word without a digit (a kind, a status: 'ticket.moved',
// 'pending'), or a clock's "2026-11-24 08:08:09.76". Keys have digits
// (serial ids, uuids, generated public ids).
bool common_value(std::string_view value) {
  return value.size() < 2 || value.find_first_of("0123456789") == std::string_view::npos ||
         (value.size() >= 16 && value[4] == '-' && value[7] == '-' && value[13] == ':');
}

// A write's row values, each hashed alone (ParamLinks).
ParamLinks write_links(const ParamPlan& plan, std::string_view params) {
  ParamLinks links{};
  std::size_t found = 0;
  for_each_param(params, [&](int number, std::string_view value) {
    if (found == links.size() || common_value(value) || !is_row_value(plan, number)) {
      return;
    }
    const std::uint64_t link = fast_hash(value, 0x6c696e6bU) | 1U;
    if (std::find(links.begin(), links.begin() + static_cast<std::ptrdiff_t>(found), link) ==
        links.begin() + static_cast<std::ptrdiff_t>(found)) {
      links[found++] = link;
    }
  });
  return links;
}

// What a key's value is hashed with: its column's table and name. Two
// tables' equal ids (customer 7, product 7) are two rows, never one
// request's row looked up twice nor one loop's parent key. A column of a
// join the query did not qualify has no table: its name alone.
std::uint64_t column_hash(const model::QueryShape& shape, const model::ColumnUsage& usage) {
  std::string_view table = usage.table;
  if (table.empty() && shape.tables.size() == 1) {
    table = shape.tables.front().name;
  }
  return fast_hash(usage.column, fast_hash(table));
}

} // namespace

ParamPlan plan_params(const model::QueryShape& shape) {
  ParamPlan plan;
  for (const auto& [number, usage] : shape.param_columns) {
    if (usage.use == model::ColumnUse::equality && equality_only(shape, usage)) {
      plan.keys.push_back(ParamPlan::Key{number, column_hash(shape, usage)});
    }
    plan.rows.emplace_back(number, row_value(shape, number));
  }
  for (const auto& clause : shape.param_clauses) {
    if (shape.param_columns.count(clause.first) == 0) {
      plan.rows.emplace_back(clause.first, row_value(shape, clause.first));
    }
  }
  plan.row_default = shape.kind != model::StatementKind::select;
  plan.write = shape.kind == model::StatementKind::insert || shape.kind == model::StatementKind::update ||
               shape.kind == model::StatementKind::delete_;
  return plan;
}

ParamValues param_values(const ParamPlan& plan, std::string_view params) {
  ParamValues out;
  ParamKeys& keys = out.keys;
  if (params.empty()) {
    return out;
  }
  if (plan.write) {
    out.links = write_links(plan, params);
  }
  std::size_t found = 0;
  for (const ParamPlan::Key& key : plan.keys) {
    if (found == keys.size()) {
      break;
    }
    const std::string_view value = parameter_value(params, key.number);
    if (value.empty()) {
      continue;
    }
    keys[found++] = fast_hash(value, key.column_hash) | 1U;
  }
  if (found > 0) {
    out.row = row_hash(plan, params);
  }
  return out;
}

void merge_param_keys(ParamKeys& into, const ParamKeys& from) {
  for (const std::uint64_t key : from) {
    if (key == 0 || std::find(into.begin(), into.end(), key) != into.end()) {
      continue;
    }
    const auto empty = std::find(into.begin(), into.end(), 0U);
    if (empty == into.end()) {
      return;
    }
    *empty = key;
  }
}

} // namespace pgadvise::loaders
