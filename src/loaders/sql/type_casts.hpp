#pragma once

#include "model/type_ref.hpp"

#include <string>

namespace pgadvise::loaders::replay {

// Why PostgreSQL 15 refuses `ALTER COLUMN ... TYPE to` without USING on a
// column of type `from` ("column ... cannot be cast automatically"): such a
// change needs an assignment or implicit cast (pg_cast), or the automatic
// I/O conversion to a string type. "no automatic cast from text to jsonb";
// empty when the change is accepted or a type is not a built-in one these
// facts cover (an enum, a domain, an extension's type: not judged).
std::string refused_type_change(const model::TypeRef& from, const model::TypeRef& to);

} // namespace pgadvise::loaders::replay
