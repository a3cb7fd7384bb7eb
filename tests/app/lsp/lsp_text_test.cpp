// Positions, URIs and edits as the language server speaks them
// (app/lsp/lsp_text): UTF-16 code units by default, UTF-8 bytes when
// negotiated; fix's before/after texts as line edits.
#include "app/lsp/lsp_diagnostics.hpp"
#include "app/lsp/lsp_text.hpp"
#include "core/source_location.hpp"

#include <filesystem>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <string>

namespace lsp_text_test {

using pgadvise::app::lsp::LineMap;
using pgadvise::app::lsp::Position;
using pgadvise::app::lsp::PositionEncoding;

TEST(LspText, Utf16CountsASurrogatePairAsTwoUnits) {
  // "é" is 2 bytes and 1 unit; the emoji 4 bytes and 2 units.
  const std::string text = "ab\n\xC3\xA9\xF0\x9F\x98\x80x\r\nlast";
  const LineMap lines(text);
  ASSERT_EQ(lines.line_count(), 3);
  const std::size_t x = text.find('x');
  EXPECT_EQ(lines.position(x, PositionEncoding::utf16), (Position{1, 3}));
  EXPECT_EQ(lines.position(x, PositionEncoding::utf8), (Position{1, 6}));
  EXPECT_EQ(lines.offset({1, 3}, PositionEncoding::utf16), x);
  EXPECT_EQ(lines.offset({1, 6}, PositionEncoding::utf8), x);
  // Past the line's end is its end (before \r\n); past the last line is the end.
  EXPECT_EQ(lines.offset({1, 99}, PositionEncoding::utf16), x + 1);
  EXPECT_EQ(lines.offset({9, 0}, PositionEncoding::utf16), text.size());
  EXPECT_EQ(lines.line_text(1), "\xC3\xA9\xF0\x9F\x98\x80x");
}

TEST(LspText, FileUrisRoundTripWithSpacesAndEscapes) {
  const std::filesystem::path path = "/tmp/my project/src/db/schéma.ts";
  const std::string uri = pgadvise::app::lsp::path_to_uri(path);
  EXPECT_EQ(uri, "file:///tmp/my%20project/src/db/sch%C3%A9ma.ts");
  EXPECT_EQ(pgadvise::app::lsp::uri_to_path(uri), path);
  EXPECT_EQ(pgadvise::app::lsp::uri_to_path("file://localhost/a/b.sql"), std::filesystem::path("/a/b.sql"));
  EXPECT_FALSE(pgadvise::app::lsp::uri_to_path("untitled:Untitled-1").has_value());
  EXPECT_FALSE(pgadvise::app::lsp::uri_to_path("file://server/share/x.sql").has_value());
}

TEST(LspText, LineEditsAreTheChangedLinesOnly) {
  const std::string before = "import { a } from \"x\";\none\ntwo\nthree\n}, (t) => [\n]);\n";
  const std::string after =
      "import { a, index } from \"x\";\none\ntwo\nthree\n}, (t) => [\n  index(\"i\").on(t.a),\n]);\n";
  auto edits = pgadvise::app::lsp::line_edits(before, after);
  ASSERT_EQ(edits.size(), 2U);
  EXPECT_EQ(edits[0].offset, 0U);
  EXPECT_EQ(edits[0].text, "import { a, index } from \"x\";\n");
  EXPECT_EQ(edits[1].length, 0U);
  EXPECT_EQ(edits[1].text, "  index(\"i\").on(t.a),\n");
  auto applied = pgadvise::core::apply_edits(before, edits);
  ASSERT_TRUE(applied);
  EXPECT_EQ(*applied, after);
  EXPECT_TRUE(pgadvise::app::lsp::line_edits(before, before).empty());
}

// A publication names each evidence file by its URI, worked out once per
// file: the same file (one interned path) gets the same URI, an absolute
// one from a relative path, and another file its own.
TEST(LspText, EvidenceUrisNameEachFileAsPathToUriOfItsAbsolutePath) {
  pgadvise::app::lsp::EvidenceUris uris;
  const pgadvise::core::FilePath migration("drizzle/0001 init.sql");
  const pgadvise::core::FilePath same(std::string("drizzle/0001 init.sql"));
  const pgadvise::core::FilePath other("src/db/schema.ts");
  const std::string expected =
      pgadvise::app::lsp::path_to_uri(std::filesystem::current_path() / "drizzle" / "0001 init.sql");
  EXPECT_EQ(uris.of(migration), expected);
  EXPECT_EQ(uris.of(same), expected);
  EXPECT_EQ(uris.of(other),
            pgadvise::app::lsp::path_to_uri(std::filesystem::current_path() / "src" / "db" / "schema.ts"));
  EXPECT_NE(expected.find("0001%20init.sql"), std::string::npos);
}

} // namespace lsp_text_test

// The diagnostics a file shows are written as JSON text (35,000 of them in
// one schema file): the text must be what nlohmann's dump of the same
// values gives (the members in its order), stay valid JSON when a message
// holds bytes that are not UTF-8, and keep the related places to 20.
namespace lsp_diagnostics_text {

using pgadvise::app::lsp::append_diagnostic;
using pgadvise::app::lsp::EvidenceUris;
using pgadvise::app::lsp::LineMap;
using pgadvise::app::lsp::PlacedFinding;
using pgadvise::app::lsp::PositionEncoding;
using Json = nlohmann::json;

pgadvise::core::Finding finding_with(std::string message) {
  pgadvise::core::Finding finding;
  finding.rule = "unindexed-foreign-key";
  finding.rule_ids = {"unindexed-foreign-key", "missing-fk-index", "seq-scan"};
  finding.severity = pgadvise::core::Severity::critical;
  finding.message = std::move(message);
  finding.fingerprint = "abc123";
  finding.location = {"/p/drizzle/0001.sql", 2, 3};
  finding.evidence.push_back({pgadvise::core::Evidence::Kind::ddl, "at the finding", finding.location});
  for (int line = 1; line <= 25; ++line) {
    finding.evidence.push_back({pgadvise::core::Evidence::Kind::schema,
                                "index \"a b\"\ton line\nsecond",
                                {"/p/src/db/my schema.ts", line, 1}});
  }
  return finding;
}

TEST(LspText, DiagnosticsAreWrittenAsNlohmannWouldDumpThem) {
  const std::string text = "-- first\n  ALTER TABLE \"posts\" ADD CONSTRAINT x;  \n";
  const LineMap lines(text);
  const pgadvise::core::Finding finding = finding_with("Foreign key \"posts\"(author_id)\t-> \\users");
  std::string written;
  EvidenceUris uris;
  append_diagnostic(written, PlacedFinding{&finding, finding.location}, lines, PositionEncoding::utf16, uris);
  const Json parsed = Json::parse(written);
  EXPECT_EQ(parsed.dump(), written); // the same bytes as the values' dump
  EXPECT_EQ(parsed["message"],
            "Foreign key \"posts\"(author_id)\t-> \\users (also missing-fk-index, seq-scan)");
  EXPECT_EQ(parsed["code"], "unindexed-foreign-key");
  EXPECT_EQ(parsed["severity"], 1);
  EXPECT_EQ(parsed["range"]["start"]["line"], 1);
  EXPECT_EQ(parsed["range"]["start"]["character"], 2);
  EXPECT_EQ(parsed["range"]["end"]["character"], 39); // trailing blanks left out
  EXPECT_EQ(parsed["data"]["fingerprint"], "abc123");
  ASSERT_EQ(parsed["relatedInformation"].size(), 20U); // the one at the finding's place is not repeated
  EXPECT_EQ(parsed["relatedInformation"][0]["message"], "schema: index \"a b\"\ton line");
  EXPECT_EQ(parsed["relatedInformation"][0]["location"]["uri"], "file:///p/src/db/my%20schema.ts");
  EXPECT_EQ(parsed["relatedInformation"][19]["location"]["range"]["start"]["line"], 19);
}

TEST(LspText, ADiagnosticOfTextThatIsNotUtf8IsStillJson) {
  const LineMap lines("x\ny\n");
  pgadvise::core::Finding finding = finding_with("column caf\xE9 \x01 is text");
  finding.evidence.clear();
  finding.rule_ids.clear();
  std::string written;
  EvidenceUris uris;
  append_diagnostic(written, PlacedFinding{&finding, finding.location}, lines, PositionEncoding::utf8, uris);
  const Json parsed = Json::parse(written);
  EXPECT_EQ(parsed["message"], "column caf\xEF\xBF\xBD \x01 is text");
  EXPECT_FALSE(parsed.contains("relatedInformation"));
  EXPECT_EQ(parsed.dump(), written);
}

} // namespace lsp_diagnostics_text
