#pragma once

#include "core/interned_text.hpp"
#include "core/rare_text.hpp"
#include "core/rare_vector.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace pgadvise::model {

// A column type, normalized so that every loader agrees: `integer`, `int`
// and `int4` are all "int4"; `character varying(255)` is "varchar" with
// modifier "255"; `serial` is "int4" with `serial = true`; `timestamp with
// time zone` is "timestamptz". User-defined types (enums, domains) keep their
// own name and schema.
struct TypeRef {
  core::InternedText name; // canonical name, lower case (pooled: columns repeat a few)
  core::RareText schema;   // only for user-defined types (most columns leave it empty)
  // varchar(255) -> {"255"}, numeric(10,2) -> {"10","2"}; one pointer, null
  // while empty as most columns' are (a TypeRef is 32 bytes, not 48).
  core::RareVector<std::string> modifiers;
  int array_dims = 0;
  bool serial = false; // declared serial/bigserial/smallserial

  [[nodiscard]] bool is_text_like() const; // text, varchar, bpchar (and citext)
  [[nodiscard]] bool is_json() const { return name == "json" && array_dims == 0; }
  [[nodiscard]] bool is_jsonb() const { return name == "jsonb" && array_dims == 0; }
  [[nodiscard]] bool is_array() const { return array_dims > 0; }
  // SQL spelling for messages and DDL: "varchar(255)", "int4[]", "public.mood".
  [[nodiscard]] std::string display() const;
  bool operator==(const TypeRef&) const = default;
};

// Parses a type as written in SQL or a drizzle-kit snapshot ("varchar(256)",
// "timestamp with time zone", "integer[]", "\"public\".\"status\"").
TypeRef parse_type_text(std::string_view text);

// Canonical name for a built-in type spelling, or the input lower-cased.
// Sets `serial` when the spelling is a serial pseudo-type.
std::string canonical_type_name(std::string_view name, bool* serial = nullptr);

} // namespace pgadvise::model
