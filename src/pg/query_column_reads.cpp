#include "pg/query_column_reads.hpp"

#include "pg/tree_access.hpp"

#include <algorithm>

namespace pgadvise::pg {

using nlohmann::json;
using tree::member;

void add_column_read(ColumnReads& reads, const model::ColumnUsage& usage) {
  if (usage.table.empty()) {
    return;
  }
  const bool seen = std::any_of(reads.reads.begin(), reads.reads.end(), [&](const model::ColumnUsage& r) {
    return r.table == usage.table && r.schema == usage.schema && r.column == usage.column;
  });
  if (!seen) {
    reads.reads.push_back(usage);
  }
}

void add_written_target(ColumnReads& reads, const json& body, bool update) {
  const json& relation = member(body, "relation");
  if (member(relation, "relname").is_string()) {
    reads.target_table = member(relation, "relname").get<std::string>();
    const json& schema = member(relation, "schemaname");
    reads.target_schema = schema.is_string() ? schema.get<std::string>() : std::string();
  }
  if (!update) {
    return;
  }
  for (const json& target : member(body, "targetList")) {
    const json& name = member(member(target, "ResTarget"), "name");
    if (name.is_string() && std::find(reads.updated.begin(), reads.updated.end(), name.get<std::string>()) ==
                                reads.updated.end()) {
      reads.updated.push_back(name.get<std::string>());
    }
  }
}

} // namespace pgadvise::pg
