#include "advisor/live_advisor_support.hpp"
#include "advisor/migration_writer.hpp"
#include "support/files.hpp"

#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <sstream>

namespace pgadvise::advisor {
namespace {

model::IndexProposal proposal(std::string name, model::VerifyMethod method, bool verified) {
  model::IndexProposal out;
  out.schema = "public";
  out.table = "orders";
  out.columns = {"customer_id"};
  out.name = name;
  out.ddl = "CREATE INDEX CONCURRENTLY IF NOT EXISTS " + name + " ON orders (customer_id);";
  out.drizzle = "index(\"" + name + "\").on(table.customerId)";
  out.method = method;
  out.verified = verified;
  out.cost_before = 5000;
  out.cost_after = 10;
  return out;
}

TEST(MigrationWriter, OneMigrationWithACommentPerIndex) {
  model::Workload workload;
  const auto query =
      test_support::add_query(workload, "SELECT id FROM orders WHERE customer_id = 5", 300, 9000);
  model::LiveAnalysis live;
  live.proposals = {proposal("orders_customer_id_idx", model::VerifyMethod::hypopg, true),
                    proposal("orders_rejected_idx", model::VerifyMethod::hypopg, false),
                    proposal("orders_unchecked_idx", model::VerifyMethod::none, false)};
  live.proposals[0].serves = {query.fingerprint};
  live.proposals[0].estimated_saving_ms = 8500;
  MigrationOptions options;
  options.drizzle = true;
  const std::string text = render_migration(live, &workload, options);
  EXPECT_EQ(migration_index_count(live), 2U);
  EXPECT_NE(text.find("-- orders_customer_id_idx on orders serves 1 query:\n"
                      "--   SELECT id FROM orders WHERE customer_id = $1 (300 calls, 9.0 s total)\n"
                      "-- verified with HypoPG: planner cost 5,000 -> 10 (-100%)\n"),
            std::string::npos)
      << text;
  EXPECT_NE(
      text.find("CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_customer_id_idx ON orders (customer_id);\n"),
      std::string::npos);
  EXPECT_NE(text.find("-- Drizzle: index(\"orders_customer_id_idx\").on(table.customerId)"),
            std::string::npos);
  EXPECT_EQ(text.find("orders_rejected_idx"), std::string::npos) << "rejected by verification: left out";
  EXPECT_NE(text.find("-- not verified"), std::string::npos);
  EXPECT_NE(text.find("--> statement-breakpoint"), std::string::npos);
}

TEST(MigrationWriter, WritesTheFileOrNamesItInTheError) {
  const pgadvise::test::TempTree tree; // a folder of this test's own, removed at its end
  const std::filesystem::path& dir = tree.root();
  const auto path = dir / "0009_indexes.sql";
  auto written = write_migration(path, "CREATE INDEX x ON t (a);\n");
  ASSERT_TRUE(written.ok());
  EXPECT_EQ(pgadvise::test::read_text(path), "CREATE INDEX x ON t (a);\n");
  auto failed = write_migration(dir / "missing" / "x.sql", "x");
  ASSERT_FALSE(failed.ok());
  EXPECT_NE(failed.error().message.find("missing/x.sql"), std::string::npos);
}

} // namespace
} // namespace pgadvise::advisor
