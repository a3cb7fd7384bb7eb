// The Drizzle lines lint proposes, and what `pgadvise fix` writes, on a
// schema.ts in the styles of public apps (fixtures/real-shapes/
// chat-object-unnamed: single quotes, the object-form extra config,
// unnamed indexes, timestamps with `mode: 'string'` and a precision). The
// fixture's README says what real drizzle-kit and tsc make of the result.
#include "support/cli.hpp"
#include "support/reports.hpp"

#include <filesystem>
#include <gtest/gtest.h>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

namespace pgadvise::test {
namespace drizzle_lines_test {

namespace fs = std::filesystem;
using nlohmann::json;

const fs::path k_fixture = fs::path(PGADVISE_SOURCE_DIR) / "fixtures" / "real-shapes" / "chat-object-unnamed";

json lint_report() {
  const ProcessResult result =
      run_pgadvise_in(k_fixture.string(), {"lint", "--format", "json", "--min-severity", "info", "."});
  EXPECT_LE(result.exit_code, 1) << result.err;
  return report_of(result);
}

// rule table.column -> the fix's DDL and Drizzle line.
std::map<std::string, std::pair<std::string, std::string>> fixes(const json& report) {
  std::map<std::string, std::pair<std::string, std::string>> out;
  for (const json& finding : report["findings"]) {
    if (finding.contains("fix") && finding["fix"].contains("drizzle") &&
        finding["object"]["columns"].size() == 1) {
      out[finding["rule"].get<std::string>() + " " + finding["object"]["table"].get<std::string>() + "." +
          finding["object"]["columns"][0].get<std::string>()] = {
          finding["fix"].value("ddl", ""), finding["fix"]["drizzle"].get<std::string>()};
    }
  }
  return out;
}

// Last session's defects: the timestamp line replaced the column's options
// (`mode: 'string'` and `precision: 3` lost, so the TypeScript and the SQL
// type changed), and index lines were `index("x").on(...)` in a file of
// single quotes, object-form entries and unnamed indexes.
TEST(DrizzleLines, FollowTheSchemaFilesOptionsQuotesAndIndexForm) {
  const auto lines = fixes(lint_report());
  EXPECT_EQ(
      lines.at("timestamp-without-time-zone chat.last_message_at").second,
      "lastMessageAt: timestamp('last_message_at', { precision: 3, mode: 'string', withTimezone: true }),");
  EXPECT_EQ(lines.at("timestamp-without-time-zone user.created_at").second,
            "createdAt: timestamp({ mode: 'string', withTimezone: true }).notNull().defaultNow(),");
  EXPECT_EQ(lines.at("timestamp-without-time-zone message.created_at").second,
            "createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),");
  // attachment has no extra config: its first index takes the file's form
  // and its keys' style (userIdIdx, chatIdIdx, authorIdIdx: the property,
  // then Idx), and the name drizzle-kit gives an unnamed index is the DDL's.
  const auto& chat_id = lines.at("unindexed-foreign-key attachment.chat_id");
  EXPECT_EQ(chat_id.second, "chatIdIdx: index().on(table.chatId)");
  EXPECT_NE(chat_id.first.find(" attachment_chat_id_index ON attachment (chat_id)"), std::string::npos)
      << chat_id.first;
}

// message.author_id's index is in schema.ts (authorIdIdx) but no migration
// builds it: lint said both "create message_author_id_idx" (a second index
// beside the declared one) and, apart, snapshot-drift's "in the Drizzle
// schema but not in the SQL migrations". Now one finding says schema.ts
// declares it and the migration is what is missing.
TEST(DrizzleLines, AnIndexSchemaTsDeclaresIsAMissingMigrationNotANewIndex) {
  const json report = lint_report();
  const auto lines = fixes(report);
  const auto& author = lines.at("unindexed-foreign-key message.author_id");
  EXPECT_EQ(author.second,
            "// schema.ts declares message_author_id_index (src/db/schema.ts:43:18); no migration "
            "builds it yet: run npm run db:generate && npm run db:migrate");
  EXPECT_NE(author.first.find(" message_author_id_index ON message (author_id)"), std::string::npos)
      << author.first;
  for (const json& finding : findings_of(report, "snapshot-drift")) {
    EXPECT_EQ(finding["message"].get<std::string>().find("message_author_id_index"), std::string::npos)
        << finding.dump(2);
  }
  // fix adds nothing for it to schema.ts, and says why.
  const ProcessResult fix = run_pgadvise_in(k_fixture.string(), {"fix", "."});
  EXPECT_EQ(fix.out.find("index().on(table.authorId)"), std::string::npos) << fix.out;
  EXPECT_NE(fix.err.find("schema.ts declares message_author_id_index"), std::string::npos) << fix.err;
}

// `pgadvise fix --unsafe-fixes` writes the same (a type change is unsafe):
// withTimezone joins the options, and the new extra config of attachment is
// the file's object form.
TEST(DrizzleLines, FixWritesTheLinesAsLintShowsThem) {
  const ProcessResult fix = run_pgadvise_in(k_fixture.string(), {"fix", ".", "--unsafe-fixes"});
  EXPECT_EQ(fix.exit_code, 0) << fix.err;
  for (const std::string_view line :
       {"+    lastMessageAt: timestamp('last_message_at', { precision: 3, mode: 'string', withTimezone: true "
        "}),\n",
        "+  createdAt: timestamp({ mode: 'string', withTimezone: true }).notNull().defaultNow(),\n",
        "+  uploadedAt: timestamp('uploaded_at', { mode: 'date', precision: 6, withTimezone: true "
        "}).defaultNow(),\n"
        "+}, (table) => ({\n"
        "+  chatIdIdx: index().on(table.chatId),\n"
        "+}));\n"}) {
    EXPECT_NE(fix.out.find(line), std::string::npos) << line << "\nnot in:\n" << fix.out;
  }
}

// A file that keys each index by its columns without their Id, then Idx
// (`userIdx` for userId, `caseEventDateIdx` for caseId + eventDate, as
// public case trackers write them): a new index reads the same, in a table
// with keys and in one with no callback yet (fixtures/fix/object-keys; the
// round trip through drizzle-kit is fix_round_trip_test's). Before, the key
// was the index name in camelCase (`authorIdIdx`, `eventIdIdx`).
TEST(DrizzleLines, AnObjectFormKeyFollowsTheKeysTheFileHas) {
  const ProcessResult result =
      run_pgadvise_in((fs::path(PGADVISE_SOURCE_DIR) / "fixtures/fix/object-keys").string(),
                      {"lint", "--format", "json", "."});
  EXPECT_LE(result.exit_code, 1) << result.err;
  const auto lines = fixes(report_of(result));
  EXPECT_EQ(lines.at("unindexed-foreign-key timeline_events.author_id").second,
            "authorIdx: index(\"timeline_events_author_id_idx\").on(table.authorId)");
  EXPECT_EQ(lines.at("unindexed-foreign-key attachments.event_id").second,
            "eventIdx: index(\"attachments_event_id_idx\").on(table.eventId)");
}

// In a file whose indexes are unnamed, an expression index is named (drizzle-kit
// 0.31 and 1.0 both stop with "Please specify an index name" for an unnamed
// one) with the file's `_index` ending, as drizzle-kit names the others.
TEST(DrizzleLines, AnExpressionIndexInAFileOfUnnamedIndexesEndsInIndex) {
  const ProcessResult result =
      run_pgadvise_in((fs::path(PGADVISE_SOURCE_DIR) / "fixtures/fix/unnamed-expression").string(),
                      {"lint", ".", "--format", "json", "--queries", "queries.sql"});
  EXPECT_LE(result.exit_code, 1) << result.err;
  const json report = report_of(result);
  const auto found = findings_of(report, "filter-on-unindexed-column");
  ASSERT_EQ(found.size(), 1U) << report.dump(2);
  EXPECT_EQ(found.front()["fix"]["drizzle"],
            "index(\"accounts_lower_email_index\").on(sql`lower(${t.email})`)");
  EXPECT_NE(found.front()["fix"]["ddl"].get<std::string>().find(
                " accounts_lower_email_index ON accounts (lower(email))"),
            std::string::npos)
      << found.front()["fix"].dump(2);
}

} // namespace drizzle_lines_test
} // namespace pgadvise::test
