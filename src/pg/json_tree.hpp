#pragma once

#include "pg/parser.hpp"

#include <memory>
#include <optional>
#include <rapidjson/document.h>
#include <string_view>

// libpg_query's JSON parse tree, read where libpg_query wrote it (RapidJSON's
// in-situ parse: strings stay in libpg_query's buffer, values in one memory
// pool per tree). For walkers that read many statements' trees once each,
// such as the SQL replay: building nlohmann's tree of std::maps and strings
// cost more than parsing the SQL itself (7,300 CREATE TABLE statements:
// libpg_query 0.61 G instructions, nlohmann 2.09 G more, RapidJSON 0.35 G
// more; libpg_query's protobuf tree, unpacked, 3.2 G more). Values are read
// through accessors that check types first (loaders/sql/replay_tree), never
// through RapidJSON's asserting getters.
namespace pgadvise::pg {

using JsonValue = rapidjson::Value;

struct TreeParse;
TreeParse parse_tree(std::string_view sql);

class JsonTree {
public:
  JsonTree();
  ~JsonTree();
  JsonTree(JsonTree&&) noexcept;
  JsonTree& operator=(JsonTree&&) noexcept;
  JsonTree(const JsonTree&) = delete;
  JsonTree& operator=(const JsonTree&) = delete;

  // {"version":..., "stmts":[{"stmt":{...}, "stmt_location":..., "stmt_len":...}]};
  // null when the statement did not parse.
  [[nodiscard]] const JsonValue& root() const;

private:
  struct Parsed;
  std::unique_ptr<Parsed> m_parsed;
  friend TreeParse parse_tree(std::string_view sql);
};

struct TreeParse {
  JsonTree tree;
  std::optional<ParseError> error;
  [[nodiscard]] bool ok() const { return !error.has_value(); }
};

// pg::parse's tree, read in place (see above).

} // namespace pgadvise::pg
