#pragma once

#include "core/finding.hpp"
#include "engine/rule.hpp"
#include "model/catalog.hpp"

#include <string_view>

// What the rules that propose dropping an index share (duplicate-index,
// redundant-index, unused-index).
namespace pgadvise::rules {

// The finding's object: the table, the index's keys (column names, or the
// expression of an expression key) and the index's name.
core::ObjectRef index_object(const model::Table& table, const model::Index& index);

// The start of a finding of `rule` about `index`: severity, object, location
// (the index's, else its table's) and the index's definition as the first
// evidence. The caller says what is wrong and why.
core::Finding index_finding(std::string_view rule, const engine::RuleContext& context,
                            const model::Table& table, const model::Index& index);

// DROP INDEX, CONCURRENTLY unless the table is partitioned (PostgreSQL
// refuses it on a partitioned index), with its locking note, and the Drizzle
// schema edit when the project uses Drizzle.
core::Fix drop_index_fix(const engine::RuleContext& context, const model::Table& table,
                         const model::Index& index);

// Why `index` must stay even though no query scans it (it enforces
// uniqueness, backs a constraint, is the one index a foreign key needs,
// ...), or empty when it could go (unused-index, overindexed-write-heavy-table).
std::string needed_anyway(const model::Table& table, const model::Index& index);

} // namespace pgadvise::rules
