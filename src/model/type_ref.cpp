#include "model/type_ref.hpp"

#include "core/text.hpp"
#include "core/whitespace.hpp"

#include <array>
#include <utility>

namespace pgadvise::model {

namespace {

struct Alias {
  std::string_view spelling;
  std::string_view canonical;
  bool serial;
};

constexpr std::array<Alias, 38> k_aliases = {{
    {"int", "int4", false},
    {"integer", "int4", false},
    {"int4", "int4", false},
    {"smallint", "int2", false},
    {"int2", "int2", false},
    {"bigint", "int8", false},
    {"int8", "int8", false},
    {"serial", "int4", true},
    {"serial4", "int4", true},
    {"bigserial", "int8", true},
    {"serial8", "int8", true},
    {"smallserial", "int2", true},
    {"serial2", "int2", true},
    {"real", "float4", false},
    {"float4", "float4", false},
    {"double precision", "float8", false},
    {"float8", "float8", false},
    {"float", "float8", false},
    {"boolean", "bool", false},
    {"bool", "bool", false},
    {"character varying", "varchar", false},
    {"varchar", "varchar", false},
    {"character", "bpchar", false},
    {"char", "bpchar", false},
    {"bpchar", "bpchar", false},
    {"decimal", "numeric", false},
    {"numeric", "numeric", false},
    {"timestamp with time zone", "timestamptz", false},
    {"timestamptz", "timestamptz", false},
    {"timestamp without time zone", "timestamp", false},
    {"timestamp", "timestamp", false},
    {"time with time zone", "timetz", false},
    {"timetz", "timetz", false},
    {"time without time zone", "time", false},
    {"time", "time", false},
    {"bit varying", "varbit", false},
    {"varbit", "varbit", false},
    {"interval", "interval", false},
}};

std::string strip_quotes(std::string_view text) {
  text = core::trim(text);
  if (text.size() >= 2 && text.front() == '"' && text.back() == '"') {
    std::string out;
    for (std::size_t i = 1; i + 1 < text.size(); ++i) {
      out += text[i];
      if (text[i] == '"' && i + 2 < text.size() && text[i + 1] == '"') {
        ++i;
      }
    }
    return out;
  }
  return core::to_lower(text);
}

// Runs of whitespace become one space; none at the ends.
std::string squeeze(std::string_view text) {
  return core::collapse_whitespace(core::trim(text));
}

} // namespace

std::string canonical_type_name(std::string_view name, bool* serial) {
  std::string lower = core::to_lower(squeeze(name));
  if (lower.rfind("pg_catalog.", 0) == 0) {
    lower = lower.substr(11);
  }
  for (const Alias& alias : k_aliases) {
    if (lower == alias.spelling) {
      if (serial != nullptr) {
        *serial = alias.serial;
      }
      return std::string(alias.canonical);
    }
  }
  if (serial != nullptr) {
    *serial = false;
  }
  return lower;
}

bool TypeRef::is_text_like() const {
  return array_dims == 0 && (name == "text" || name == "varchar" || name == "bpchar" || name == "citext");
}

std::string TypeRef::display() const {
  std::string out = schema.empty() || schema == "public" ? name : schema + "." + name;
  if (serial) {
    out = name == "int8" ? "bigserial" : name == "int2" ? "smallserial" : "serial";
  }
  if (!modifiers.empty()) {
    out += "(" + core::join(modifiers, ",") + ")";
  }
  for (int i = 0; i < array_dims; ++i) {
    out += "[]";
  }
  return out;
}

TypeRef parse_type_text(std::string_view text) {
  TypeRef type;
  std::string work = squeeze(text);
  while (work.size() >= 2 && work.compare(work.size() - 2, 2, "[]") == 0) {
    ++type.array_dims;
    work = std::string(core::trim(work.substr(0, work.size() - 2)));
  }
  // "int ARRAY" spelling
  if (work.size() > 6 && core::to_lower(work.substr(work.size() - 6)) == " array") {
    ++type.array_dims;
    work = work.substr(0, work.size() - 6);
  }
  // Modifiers: "varchar(255)" or "timestamp(3) with time zone".
  if (const auto open = work.find('('); open != std::string::npos) {
    const auto close = work.find(')', open);
    if (close != std::string::npos) {
      for (const std::string& mod : core::split(work.substr(open + 1, close - open - 1), ',')) {
        type.modifiers.emplace_back(core::trim(mod));
      }
      work = squeeze(work.substr(0, open) + work.substr(close + 1));
    }
  }
  // Schema-qualified user type: "public"."status" or myschema.status.
  std::string schema;
  std::string name = work;
  if (work.find('"') != std::string::npos || work.find('.') != std::string::npos) {
    bool in_quotes = false;
    std::size_t dot = std::string::npos;
    for (std::size_t i = 0; i < work.size(); ++i) {
      if (work[i] == '"') {
        in_quotes = !in_quotes;
      } else if (work[i] == '.' && !in_quotes) {
        dot = i;
      }
    }
    if (dot != std::string::npos) {
      schema = strip_quotes(work.substr(0, dot));
      name = work.substr(dot + 1);
    }
    name = strip_quotes(name);
  }
  bool serial = false;
  type.name = canonical_type_name(name, &serial);
  type.serial = serial;
  if (schema != "pg_catalog") {
    type.schema = schema;
  }
  return type;
}

} // namespace pgadvise::model
