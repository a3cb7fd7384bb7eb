#pragma once

#include <nlohmann/json.hpp>
#include <string>

// Reading libpg_query's JSON parse tree (pg::parse) without throwing: a
// missing member, or a member of something that is not an object, is null.
namespace pgadvise::pg::tree {

// A null node, for "absent".
const nlohmann::json& null_node();
// node[key], or the null node.
const nlohmann::json& member(const nlohmann::json& node, const char* key);
// The text of a String node ({"String": {"sval": ...}}), "" otherwise.
std::string string_of(const nlohmann::json& node);
// The last name of a qualified operator, function or type name list.
std::string last_name(const nlohmann::json& names);
// A set operation's branch: libpg_query writes larg/rarg as bare SelectStmt
// bodies (typed fields), not wrapped in {"SelectStmt": ...} like other nodes.
const nlohmann::json& set_branch(const nlohmann::json& body, const char* side);
// Whether a SELECT body is a UNION / INTERSECT / EXCEPT.
bool is_set_operation(const nlohmann::json& body);

} // namespace pgadvise::pg::tree
