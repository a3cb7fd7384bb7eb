// The peer corpus's schema cases against a real PostgreSQL 15: pg-index-health
// and splinter read a live catalog, not migration files, so each case of
// fixtures/peers/schema-checks/ and fixtures/peers/splinter/ is applied to a
// fresh database of the test cluster and `pgadvise lint --db` must report
// what the files give (the same rule ids, a missing finding and a false alarm
// both fail): the live catalog reader and the SQL replay must agree on what
// the peers test. A case whose files do not apply to an empty database says
// so with "-- live: no (why)".

#include "cli/process.hpp"
#include "peers/peer_case.hpp"
#include "support/pg_cluster.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace peer_corpus_live_test {

using namespace peer_corpus;
using nlohmann::json;

// What a Supabase project has before its migrations: the auth schema's
// helpers and the authenticated role its policies name.
constexpr std::string_view k_supabase_prelude = R"sql(
CREATE SCHEMA IF NOT EXISTS auth;
CREATE OR REPLACE FUNCTION auth.uid() RETURNS uuid LANGUAGE sql STABLE AS 'SELECT NULL::uuid';
CREATE OR REPLACE FUNCTION auth.jwt() RETURNS jsonb LANGUAGE sql STABLE AS 'SELECT NULL::jsonb';
DO $$ BEGIN CREATE ROLE authenticated NOLOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
)sql";

std::vector<PeerCase> schema_cases() {
  std::vector<PeerCase> out;
  for (PeerCase& peer_case : peer_cases()) {
    const bool schema =
        peer_case.name.rfind("schema-checks/", 0) == 0 || peer_case.name.rfind("splinter/", 0) == 0;
    if (schema && parse_case(pgadvise::test::read_text(peer_case.path)).live) {
      out.push_back(std::move(peer_case));
    }
  }
  return out;
}

class PeerCorpusLive : public pgadvise::test_support::ClusterTest,
                       public testing::WithParamInterface<PeerCase> {};

TEST_P(PeerCorpusLive, TheDatabaseGivesWhatTheFilesGive) {
  const PeerCase& peer_case = GetParam();
  const ParsedCase parsed = parse_case(pgadvise::test::read_text(peer_case.path));
  std::string why;
  const std::string database = cluster().create_database("peer", &why);
  ASSERT_FALSE(database.empty()) << why;
  {
    auto admin = cluster().admin(database);
    ASSERT_TRUE(admin.ok()) << admin.error().to_string();
    ASSERT_TRUE(admin->run_script(k_supabase_prelude, "supabase prelude").ok());
    for (const CaseFile& file : parsed.files) {
      const auto applied = admin->run_script(file.sql, file.name);
      ASSERT_TRUE(applied.ok()) << peer_case.name << ": " << file.name << ": " << applied.error().to_string();
    }
  }
  pgadvise::test::ProcessOptions options;
  options.timeout = std::chrono::seconds(60);
  const auto run =
      pgadvise::test::run_process(PGADVISE_BINARY,
                                  {"lint", "--db", cluster().admin_conninfo(database), "--format", "json",
                                   "--min-severity", "info", "--fail-on", "none"},
                                  options);
  ASSERT_FALSE(run.timed_out) << peer_case.name;
  ASSERT_EQ(run.exit_code, 0) << peer_case.name << "\n" << run.err;
  const json report = json::parse(run.out, nullptr, false);
  ASSERT_FALSE(report.is_discarded()) << peer_case.name << "\n" << run.out;
  std::vector<std::string> reported;
  std::string details;
  for (const json& finding : report["findings"]) {
    if (finding.contains("rule_ids") && !finding["rule_ids"].empty()) {
      for (const json& id : finding["rule_ids"]) {
        reported.push_back(id.get<std::string>());
      }
    } else {
      reported.push_back(finding["rule"].get<std::string>());
    }
    details +=
        "  " + finding["rule"].get<std::string>() + ": " + finding["message"].get<std::string>() + "\n";
  }
  std::sort(reported.begin(), reported.end());
  EXPECT_EQ(reported, parsed.expected) << peer_case.name << " reported live:\n" << details;
}

std::string case_name(const testing::TestParamInfo<PeerCase>& info) {
  std::string name = info.param.name;
  std::replace_if(
      name.begin(), name.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) == 0; }, '_');
  return name;
}

INSTANTIATE_TEST_SUITE_P(Database, PeerCorpusLive, testing::ValuesIn(schema_cases()), case_name);

} // namespace peer_corpus_live_test
