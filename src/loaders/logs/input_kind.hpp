#pragma once

#include "model/workload.hpp"

#include <string>
#include <string_view>

namespace pgadvise::loaders {

// What a workload file holds, from its name and first bytes (decompressed).
enum class InputKind { stderr_text, csvlog, jsonlog, drizzle, sql, pgbouncer };

// A .sql name is SQL; else the first lines decide: jsonlog, csvlog, a
// PgBouncer log, Drizzle's logger among other output, or a stderr log.
InputKind detect_input_kind(const std::string& path, std::string_view head);
std::string_view input_kind_name(InputKind kind); // "stderr log", "csvlog", ...
model::WorkloadSourceKind input_source_kind(InputKind kind);

} // namespace pgadvise::loaders
