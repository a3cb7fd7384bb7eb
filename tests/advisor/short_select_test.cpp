#include "advisor/query_evidence.hpp"

#include <gtest/gtest.h>
#include <string>

namespace short_select_test {

using pgadvise::advisor::short_select;

// Drizzle's select() lists every column, quoted: cut at 160 bytes, the line
// of `pgadvise advise` said `select "projectId", ... "deleted_at" from
// "tasks"` for two different queries of tasks. The select list goes first,
// so the FROM and WHERE that tell them apart stay.
TEST(ShortSelect, ALongSelectListGivesWayToFromAndWhere) {
  const std::string query =
      R"(select "projectId", "assigneeId", "title", "status", "priority", "metadata", "due_at", "id", )"
      R"("activated", "created_at", "updated_at", "deleted_at" from "tasks" where ("tasks"."assigneeId" = $1 )"
      R"(and "tasks"."status" = $2) order by "tasks"."due_at" asc)";
  EXPECT_EQ(short_select(query),
            R"(select ... from "tasks" where ("tasks"."assigneeId" = $1 and "tasks"."status" = $2) order by )"
            R"("tasks"."due_at" asc)");
}

// A short statement, a FROM inside a sub-select or a quoted name, and
// statements that are not SELECTs are only folded and cut as before.
TEST(ShortSelect, ShortOrOtherStatementsAreOnlyCut) {
  EXPECT_EQ(short_select("select id from tasks where id = $1"), "select id from tasks where id = $1");
  const std::string nested = "select (select count(*) from comments c where c.task_id = t.id) as n, \"x from "
                             "y\" from tasks t where t.project_id = $1 and t.status = $2 and t.priority > $3 "
                             "order by t.created_at desc limit $4";
  EXPECT_EQ(short_select(nested, 60).rfind("select ... from tasks t where t.project_id = $1", 0), 0U)
      << short_select(nested, 60);
  const std::string update = "update tasks set title = $1, status = $2, priority = $3 where id = $4";
  EXPECT_EQ(short_select(update, 30), pgadvise::advisor::short_query(update, 30));
}

} // namespace short_select_test
