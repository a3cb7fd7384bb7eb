#include "rules/support/table_size.hpp"

#include "core/format.hpp"
#include "core/text.hpp"

#include <algorithm>
#include <cmath>

namespace pgadvise::rules {

std::optional<double> table_rows(const model::Table& table) {
  if (!table.stats) {
    return std::nullopt;
  }
  if (table.stats->reltuples >= 0) {
    return table.stats->reltuples;
  }
  if (table.stats->has_counters) {
    return static_cast<double>(table.stats->n_live_tup);
  }
  return std::nullopt;
}

std::optional<double> table_inserts(const model::Table& table) {
  if (!table.stats || !table.stats->has_counters) {
    return std::nullopt;
  }
  return static_cast<double>(table.stats->n_tup_ins);
}

std::string describe_rows(const model::Table& table) {
  const std::optional<double> rows = table_rows(table);
  if (!rows) {
    return {};
  }
  return "about " + core::group_digits(static_cast<std::int64_t>(std::llround(*rows))) + " rows";
}

namespace {

core::Severity raise(core::Severity severity, int steps) {
  const int value = std::min(static_cast<int>(severity) + steps, static_cast<int>(core::Severity::critical));
  return static_cast<core::Severity>(value);
}

} // namespace

core::Severity scale_by_rows(core::Severity base, const model::Table& table, double small_rows,
                             double big_rows) {
  const std::optional<double> rows = table_rows(table);
  if (!rows) {
    return base;
  }
  if (*rows >= big_rows * 10) {
    return raise(base, 2);
  }
  if (*rows >= big_rows) {
    return raise(base, 1);
  }
  if (*rows < small_rows && base > core::Severity::low) {
    return core::Severity::low;
  }
  return base;
}

core::Severity cap_by_rows(core::Severity base, const model::Table& table) {
  const std::optional<double> rows = table_rows(table);
  if (!rows) {
    return base;
  }
  core::Severity cap = core::Severity::critical;
  if (*rows < 10'000) {
    cap = core::Severity::low;
  } else if (*rows < 100'000) {
    cap = core::Severity::medium;
  } else if (*rows < 1'000'000) {
    cap = core::Severity::high;
  }
  return std::min(base, cap);
}

const model::Column* single_primary_key_column(const model::Table& table) {
  const model::Index* pk = table.primary_key();
  if (pk == nullptr || pk->keys.size() != 1 || pk->keys.front().column.empty()) {
    return nullptr;
  }
  return table.find_column(pk->keys.front().column);
}

bool sequence_default(const model::Column& column) {
  return column.type.serial ||
         (column.default_expr && core::starts_with_ci(core::trim(*column.default_expr), "nextval("));
}

std::string sequence_name(const model::Table& table, const model::Column& column) {
  if (column.default_expr) {
    const std::string& text = *column.default_expr;
    const auto open = text.find('\'');
    const auto close = open == std::string::npos ? open : text.find('\'', open + 1);
    if (close != std::string::npos) {
      return text.substr(open + 1, close - open - 1);
    }
  }
  return table.name + "_" + column.name + "_seq";
}

} // namespace pgadvise::rules
