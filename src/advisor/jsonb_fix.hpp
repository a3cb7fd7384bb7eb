#pragma once

#include "core/finding.hpp"
#include "model/catalog.hpp"

namespace pgadvise::advisor {

// The fix that turns a text or json column into jsonb: one ALTER TABLE that
// also moves a JSON default over (PostgreSQL cannot cast a text default to
// jsonb by itself: "default for column cannot be cast automatically"), the
// safety note, and the Drizzle column (`prop: jsonb("col")...`) when asked.
core::Fix make_jsonb_fix(const model::Table& table, const model::Column& column, bool with_drizzle);

} // namespace pgadvise::advisor
