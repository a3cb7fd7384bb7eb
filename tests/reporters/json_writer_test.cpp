// The streaming JSON writer must lay out exactly what nlohmann's dump would:
// the JSON, SARIF and GitLab reports were trees dumped by nlohmann, and
// their bytes must not change now that they are streamed.
#include "reporters/json_writer.hpp"
#include "reporters/report.hpp"
#include "reporters/sample_report.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

namespace json_writer_test {

using namespace pgadvise;
using json = nlohmann::ordered_json;

std::string dump(const json& value) {
  return value.dump(2, ' ', false, json::error_handler_t::replace);
}

// Writes `value` with JsonWriter, member by member.
void write_value(reporters::JsonWriter& w, const json& value) {
  if (value.is_object()) {
    w.open('{');
    for (const auto& [name, member] : value.items()) {
      w.key(name);
      write_value(w, member);
    }
    w.close('}');
  } else if (value.is_array()) {
    w.open('[');
    for (const json& element : value) {
      w.item();
      write_value(w, element);
    }
    w.close(']');
  } else if (value.is_string()) {
    w.text(value.get_ref<const std::string&>());
  } else if (value.is_number_integer()) {
    w.number(value.get<std::int64_t>());
  } else {
    ASSERT_TRUE(value.is_null());
    w.null();
  }
}

std::string render(void (*write)(std::ostream&, const reporters::ReportInput&),
                   const reporters::ReportInput& input) {
  std::ostringstream out;
  write(out, input);
  return out.str();
}

TEST(JsonWriter, LaysOutValuesAsNlohmannDumpsThem) {
  const json value = {
      {"empty object", json::object()},
      {"empty array", json::array()},
      {"nested", {{"a", json::array({1, -2, json::object(), json::array()})}, {"b", nullptr}}},
      {"escapes", "quote \" backslash \\ newline \n tab \t bell \x07 unit \x1f del \x7f"},
      {"utf8", "caf\xc3\xa9 \xe2\x9c\x93"},
      {"strings", json::array({"", "x"})},
  };
  std::string out;
  reporters::JsonWriter writer(out);
  write_value(writer, value);
  EXPECT_EQ(out, dump(value));
}

TEST(JsonWriter, InvalidUtf8IsReplacedAsNlohmannReplacesIt) {
  const std::string bad = "bad \xff\xfe byte \xc3";
  std::string out;
  reporters::JsonWriter writer(out);
  writer.text(bad);
  EXPECT_EQ(out, dump(json(bad)));
  EXPECT_NE(out.find("\xEF\xBF\xBD"), std::string::npos);
}

TEST(JsonWriter, SplicedArrayIsWhatTheWholeTreeWouldDump) {
  // More elements than one chunk holds, so the buffer is flushed midway.
  std::vector<std::string> elements;
  for (int i = 0; elements.size() * 40 < 3 * reporters::k_json_chunk_bytes; ++i) {
    elements.push_back("element " + std::to_string(i) + " with \"quotes\" and padding text");
  }
  json whole = {{"before", 1}, {"outer", {{"items", json::array()}, {"after", "x"}}}, {"last", true}};
  const std::string frame = dump(whole);
  for (const std::string& element : elements) {
    whole["outer"]["items"].push_back({{"text", element}, {"tags", json::array()}});
  }
  std::ostringstream out;
  reporters::write_spliced(out, frame, reporters::empty_array_end(frame, "items", 2), 2, elements,
                           [](reporters::JsonWriter& w, const std::string& element) {
                             w.open('{');
                             w.key("text");
                             w.text(element);
                             w.key("tags");
                             w.open('[');
                             w.close(']');
                             w.close('}');
                           });
  EXPECT_EQ(out.str(), dump(whole));
}

TEST(JsonWriter, TopLevelArrayAndNoElements) {
  const std::vector<int> none;
  const std::vector<int> some = {3, 4};
  std::ostringstream empty;
  reporters::write_spliced(empty, "[]", reporters::empty_array_end("[]", "", 0), 0, none,
                           [](reporters::JsonWriter& w, int n) { w.number(n); });
  EXPECT_EQ(empty.str(), "[]");
  std::ostringstream two;
  reporters::write_spliced(two, "[]", reporters::empty_array_end("[]", "", 0), 0, some,
                           [](reporters::JsonWriter& w, int n) { w.number(n); });
  EXPECT_EQ(two.str(), dump(json::array({3, 4})));
  EXPECT_EQ(reporters::empty_array_end("{\n  \"items\": [\n    1\n  ]\n}", "items", 1), std::string::npos);
}

// Each streamed report, parsed and dumped again by nlohmann, is unchanged:
// the stream is laid out as a dumped tree, on a sample with findings with
// and without files, objects, evidence and fixes, and invalid UTF-8.
TEST(JsonWriter, StreamedReportsAreLaidOutAsDumpedTrees) {
  engine::RunReport run = test::sample_run();
  run.findings[0].message = "bad \xff byte";
  reporters::ReportInput input = test::sample_input(run);
  reporters::RuleInfo rule;
  rule.id = run.findings[0].rule;
  rule.summary = "a rule";
  input.rules = {rule};
  for (const auto write : {reporters::write_json, reporters::write_sarif, reporters::write_gitlab}) {
    const std::string text = render(write, input);
    json parsed;
    ASSERT_NO_THROW(parsed = json::parse(text));
    EXPECT_EQ(text, dump(parsed) + "\n");
  }
}

} // namespace json_writer_test
