#pragma once

#include "loaders/logs/event.hpp"
#include "model/workload.hpp"

namespace pgadvise::loaders {

// An auto_explain plan as the log gave it: its text (JSON or text format)
// and duration, and the query it names ("Query Text"). Location,
// fingerprint and occurrences are the fold's to set.
model::LoggedPlan logged_plan(const LogEvent& event);

} // namespace pgadvise::loaders
