// The lines of a host's log envelope that are not PostgreSQL's statements:
// other programs' lines in a syslog file (the kernel, cron, systemd), the
// platform's lines in a Heroku drain (the router, the dynos, Heroku
// Postgres' metrics), CloudNativePG's instance manager, pg_controldata and
// WAL archiver records; and PostgreSQL's own lines that are not statements
// (checkpoints, lock waits, connections). All are read or skipped without a
// parse-error, and the statements around them are all read.

#include "log_test_support.hpp"

#include <fstream>
#include <sstream>

namespace log_envelope_lines_test {

using namespace pgadvise;
using namespace pgadvise::testing;

std::string real(const std::string& name) {
  std::ifstream in(log_fixture("real/" + name), std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// `extra` lines inserted after every `every` lines of `text`.
std::string interleave(const std::string& text, const std::vector<std::string>& extra, std::size_t every) {
  std::istringstream in(text);
  std::string out;
  std::string line;
  std::size_t n = 0;
  std::size_t next = 0;
  while (std::getline(in, line)) {
    out += line + "\n";
    if (++n % every == 0) {
      out += extra[next++ % extra.size()] + "\n";
    }
  }
  return out;
}

void expect_same_statements_no_warnings(const std::string& name, const std::string& original,
                                        const std::string& wrapped) {
  const loaders::LogReadResult plain = loaders::read_logs({write_temp("plain-" + name, original)});
  const loaders::LogReadResult read = loaders::read_logs({write_temp(name, wrapped)});
  ASSERT_TRUE(read.usable) << name;
  EXPECT_GT(plain.workload.statements, 0U) << name;
  EXPECT_EQ(read.workload.statements, plain.workload.statements) << name;
  EXPECT_TRUE(read.diagnostics.empty()) << name << ": " << read.diagnostics.front().message << " at "
                                        << read.diagnostics.front().location.to_string();
  EXPECT_EQ(read.workload.sources.front().description, plain.workload.sources.front().description) << name;
}

TEST(LogEnvelopeLines, SyslogLinesOfOtherProgramsAreSkipped) {
  const std::string original = real("syslog3164.log");
  const std::string wrapped = interleave(
      original,
      {"Nov 22 19:23:40 dbhost systemd[1]: Started Session 42 of user postgres.",
       "Nov 22 19:23:40 dbhost CRON[1234]: (root) CMD (command -v debian-sa1 > /dev/null && debian-sa1 1 1)",
       "Nov 22 19:23:42 dbhost kernel: [12345.678] TCP: request_sock_TCP: Possible SYN flooding on port "
       "5432.",
       "<30>Nov 22 19:23:42 dbhost sshd[991]: Accepted publickey for deploy from 10.0.0.7 port 51514 ssh2"},
      7);
  expect_same_statements_no_warnings("syslog-others.log", original, wrapped);
}

TEST(LogEnvelopeLines, HerokuPlatformLinesAreSkipped) {
  const std::string original = real("heroku.log");
  const std::string wrapped = interleave(
      original,
      {"2026-11-22T19:23:39.000000+00:00 app[heroku-postgres]: source=DATABASE addon=postgresql-curved-12345 "
       "sample#current_transaction=54017686 sample#db_size=16012956319bytes sample#tables=97 "
       "sample#active-connections=7 sample#waiting-connections=0 sample#index-cache-hit-rate=0.9239",
       "2026-11-22T19:23:40.123456+00:00 heroku[router]: at=info method=GET path=\"/boards/1\" "
       "host=example.herokuapp.com request_id=abc fwd=\"1.2.3.4\" dyno=web.1 connect=0ms service=23ms "
       "status=200 bytes=1234 protocol=https",
       "2026-11-22T19:23:40.223456+00:00 app[web.1]: GET /boards/1 200 23ms",
       "2026-11-22T19:23:41.000000+00:00 heroku[web.1]: State changed from starting to up"},
      5);
  expect_same_statements_no_warnings("heroku-others.log", original, wrapped);
}

TEST(LogEnvelopeLines, CloudNativePGOtherLoggersAreSkipped) {
  const std::string original = real("cnpg.json");
  const std::string wrapped = interleave(
      original,
      {R"({"level":"info","ts":"2026-11-22T19:23:42.898205Z","msg":"First primary instance bootstrap, marking myself as primary","logger":"instance-manager","logging_pod":"cluster-example-1","controller":"instance-cluster"})",
       R"({"level":"info","ts":"2026-11-22T19:23:42.922612Z","logger":"pg_controldata","msg":"pg_control version number:            1300\nCatalog version number:               202307071\n","logging_pod":"cluster-example-1"})",
       R"({"level":"info","ts":"2026-11-22T19:23:43.1Z","logger":"wal-archive","msg":"Archived WAL file","logging_pod":"cluster-example-1","walName":"pg_wal/000000010000000000000002"})",
       R"({"level":"error","ts":"2026-11-22T19:23:44Z","msg":"Error while checking if there is enough disk space for WALs, skipping","logger":"instance-manager","logging_pod":"cluster-example-1","error":"exit status 1"})"},
      6);
  expect_same_statements_no_warnings("cnpg-others.json", original, wrapped);
}

// PostgreSQL's own lines that are not statements, inside each envelope:
// read as what they are, never a parse-error.
TEST(LogEnvelopeLines, PostgresLinesThatAreNotStatementsAreRead) {
  const std::string syslog =
      real("syslog3164.log") +
      "Nov 22 19:23:41 dbhost postgres[30096]: [90-1] 2026-11-22 19:23:41.000 UTC [30096] LOG:  checkpoint "
      "starting: time\n"
      "Nov 22 19:23:42 dbhost postgres[30200]: [91-1] 2026-11-22 19:23:42.000 UTC [30200] LOG:  process "
      "30200 "
      "still waiting for ShareLock on transaction 1234 after 1000.072 ms\n"
      "Nov 22 19:23:42 dbhost postgres[30200]: [91-2] #011Process holding the lock: 30201. Wait queue: "
      "30200.\n"
      "Nov 22 19:23:42 dbhost postgres[30200]: [92-1] 2026-11-22 19:23:42.000 UTC [30200] STATEMENT:  UPDATE "
      "card SET title = 'x' WHERE id = 1\n"
      "Nov 22 19:23:43 dbhost postgres[30300]: [93-1] 2026-11-22 19:23:43.000 UTC [30300] LOG:  connection "
      "received: host=10.0.0.1 port=5432\n";
  const std::string heroku =
      real("heroku.log") +
      "2026-11-22T19:23:41.000000+00:00 app[postgres.30096]: [DATABASE] [90-1] sql_error_code = 00000 LOG:  "
      "checkpoint starting: time\n"
      "2026-11-22T19:23:42.000000+00:00 app[postgres.30200]: [DATABASE] [91-1] sql_error_code = 00000 LOG:  "
      "process 30200 still waiting for ShareLock on transaction 1234 after 1000.072 ms\n"
      "2026-11-22T19:23:42.000000+00:00 app[postgres.30200]: [DATABASE] [91-2] sql_error_code = 00000 "
      "DETAIL:  "
      "Process holding the lock: 30201. Wait queue: 30200.\n"
      "2026-11-22T19:23:43.000000+00:00 app[postgres.30096]: [DATABASE] [92-1] sql_error_code = 00000 LOG:  "
      "checkpoint complete: wrote 3 buffers (0.0%); 0 WAL file(s) added, 0 removed, 0 recycled\n";
  const std::string cnpg =
      real("cnpg.json") +
      R"({"level":"info","ts":"2026-11-22T19:23:44Z","logger":"postgres","msg":"record","logging_pod":"cluster-example-1","record":{"log_time":"2026-11-22 19:23:44.001 UTC","process_id":"30096","session_id":"6b034132.7590","session_line_num":"5","session_start_time":"2026-11-22 19:23:30 UTC","transaction_id":"0","error_severity":"LOG","sql_state_code":"00000","message":"checkpoint starting: time","backend_type":"checkpointer","query_id":"0"}})"
      "\n";
  for (const auto& [name, text] : {std::pair<std::string, std::string>{"syslog-pg.log", syslog},
                                   {"heroku-pg.log", heroku},
                                   {"cnpg-pg.json", cnpg}}) {
    const loaders::LogReadResult read = loaders::read_logs({write_temp(name, text)});
    ASSERT_TRUE(read.usable) << name;
    EXPECT_TRUE(read.diagnostics.empty()) << name << ": " << read.diagnostics.front().message;
  }
}

} // namespace log_envelope_lines_test
