// A rule page's examples are fixtures: every fenced block under a page's
// "## Examples" is, line for line (whitespace aside), part of a fixture in
// fixtures/rules/<id>/, so the fixture tests run what the page shows.
//
// The paragraph before a block says what it is: "Reported ..." blocks sit
// in a bad_ fixture whose snapshot has a finding of the rule on one of the
// block's lines (any line, for a live catalog's `-:0:0`); "Not reported ..." or
// "In sync ..." blocks sit in a good_ fixture (silent, as the fixture test
// checks); other blocks in any fixture. A line starting with "..." (or
// "-- ...", "// ...", "# ...") elides: the parts around it must appear in
// that order, each part on consecutive lines.
#include "support/files.hpp"
#include "support/rule_fixtures.hpp"

#include <filesystem>
#include <gtest/gtest.h>
#include <optional>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

namespace rule_pages_test {

namespace fs = std::filesystem;

enum class Expect { reported, silent, either };

struct Example {
  Expect expect = Expect::either;
  int line = 0; // the block's first line on the page
  std::vector<std::vector<std::string>> parts;
};

// A fixture file's non-blank lines, whitespace collapsed, with their numbers.
struct Line {
  std::string text;
  int number = 0;
};

std::string collapsed(const std::string& line) {
  std::istringstream words(line);
  std::string out;
  std::string word;
  while (words >> word) {
    out += (out.empty() ? "" : " ") + word;
  }
  return out;
}

bool elides(const std::string& line) {
  for (const char* marker : {"...", "-- ...", "// ...", "# ..."}) {
    if (line.rfind(marker, 0) == 0) {
      return true;
    }
  }
  return false;
}

std::vector<Line> lines_of(const std::string& text) {
  std::vector<Line> out;
  std::istringstream in(text);
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    if (std::string kept = collapsed(line); !kept.empty()) {
      out.push_back({std::move(kept), number});
    }
  }
  return out;
}

std::vector<Example> examples(const fs::path& page) {
  std::vector<Example> out;
  std::istringstream in(pgadvise::test::read_text(page));
  std::string line;
  std::string previous;
  bool in_examples = false;
  bool in_block = false;
  Expect expect = Expect::either;
  for (int number = 1; std::getline(in, line); ++number) {
    if (!in_block && line.rfind("## ", 0) == 0) {
      in_examples = line == "## Examples";
      continue;
    }
    if (!in_examples) {
      continue;
    }
    if (line.rfind("```", 0) == 0) {
      in_block = !in_block;
      if (in_block) {
        out.push_back({expect, number + 1, {{}}});
      }
    } else if (in_block) {
      if (const std::string kept = collapsed(line); elides(kept)) {
        out.back().parts.emplace_back();
      } else if (!kept.empty()) {
        out.back().parts.back().push_back(kept);
      }
    } else if (!line.empty() && previous.empty()) {
      expect = line.rfind("Not reported", 0) == 0 || line.rfind("In sync", 0) == 0 ? Expect::silent
               : line.rfind("Reported", 0) == 0                                    ? Expect::reported
                                                                                   : Expect::either;
    }
    previous = line;
  }
  return out;
}

// The first and last line numbers of the example in `lines`: each part on
// consecutive lines, the parts in order.
std::optional<std::pair<int, int>> find(const std::vector<Line>& lines, const Example& example) {
  const auto part_at = [&](const std::vector<std::string>& part, std::size_t at) {
    if (at + part.size() > lines.size()) {
      return false;
    }
    for (std::size_t i = 0; i < part.size(); ++i) {
      if (lines[at + i].text != part[i]) {
        return false;
      }
    }
    return true;
  };
  std::vector<std::vector<std::string>> parts;
  for (const auto& part : example.parts) {
    if (!part.empty()) {
      parts.push_back(part);
    }
  }
  if (parts.empty()) {
    return std::nullopt;
  }
  for (std::size_t first = 0; first < lines.size(); ++first) {
    if (!part_at(parts[0], first)) {
      continue;
    }
    std::size_t next = first + parts[0].size();
    bool all = true;
    for (std::size_t p = 1; p < parts.size() && all; ++p) {
      std::size_t at = next;
      while (at < lines.size() && !part_at(parts[p], at)) {
        ++at;
      }
      all = at < lines.size();
      next = at + parts[p].size();
    }
    if (all) {
      return std::make_pair(lines[first].number, lines[next - 1].number);
    }
  }
  return std::nullopt;
}

// The files of a fixture (itself, or every file under its directory), each
// with its name as the fixture's snapshot shows it.
std::vector<std::pair<fs::path, std::string>> files_of(const fs::path& fixture) {
  std::vector<std::pair<fs::path, std::string>> out;
  if (!fs::is_directory(fixture)) {
    out.emplace_back(fixture, fixture.filename().string());
    return out;
  }
  for (const auto& entry : fs::recursive_directory_iterator(fixture)) {
    if (entry.is_regular_file()) {
      out.emplace_back(entry.path(), entry.path().lexically_relative(fixture).generic_string());
    }
  }
  return out;
}

// Whether the fixture's snapshot has a finding of `rule` in `file` between
// lines `first` and `last`, or one with no file (a live catalog's, `-`).
bool reported_within(const fs::path& fixture, const std::string& rule, const std::string& file, int first,
                     int last) {
  const std::string stem = fs::is_directory(fixture) ? fixture.filename().string() : fixture.stem().string();
  const std::string snapshot = pgadvise::test::read_text(fixture.parent_path() / (stem + ".expected"));
  const std::regex located(R"(^(\S+):(\d+):\d+ (\S+) )");
  std::istringstream in(snapshot);
  std::string line;
  std::smatch match;
  while (std::getline(in, line)) {
    if (!std::regex_search(line, match, located) || match[3] != rule) {
      continue;
    }
    const int at = std::stoi(match[2].str());
    if (match[1] == "-" || (match[1] == file && at >= first && at <= last)) {
      return true;
    }
  }
  return false;
}

// What is wrong with the example, or "" when a fixture holds it as its
// paragraph says.
std::string check(const std::string& rule, const Example& example) {
  const char* prefix = example.expect == Expect::reported ? "bad_"
                       : example.expect == Expect::silent ? "good_"
                                                          : "";
  bool held = false;
  for (const fs::path& fixture : pgadvise::test_support::rule_fixtures(rule, prefix)) {
    for (const auto& [path, shown] : files_of(fixture)) {
      const auto span = find(lines_of(pgadvise::test::read_text(path)), example);
      if (!span) {
        continue;
      }
      held = true;
      if (example.expect != Expect::reported ||
          reported_within(fixture, rule, shown, span->first, span->second)) {
        return {};
      }
    }
  }
  if (held) {
    return "the bad_ fixture holding it reports no " + rule + " on its lines";
  }
  return "no " + std::string(prefix) + (*prefix != '\0' ? " " : "") + "fixture of " + rule + " holds it";
}

TEST(RulePages, EveryExampleIsPartOfAFixtureThatShowsWhatItsParagraphSays) {
  const fs::path pages = fs::path(PGADVISE_SOURCE_DIR) / "rules";
  std::size_t checked = 0;
  for (const auto& entry : fs::directory_iterator(pages)) {
    if (entry.path().extension() != ".md") {
      continue;
    }
    const std::string rule = entry.path().stem().string();
    for (const Example& example : examples(entry.path())) {
      ++checked;
      const std::string problem = check(rule, example);
      EXPECT_EQ(problem, "") << "rules/" << rule << ".md:" << example.line;
    }
  }
  EXPECT_GT(checked, 90U); // the pages hold about a hundred example blocks
}

// The checker itself: a reported block found on the snapshot's lines, an
// elided one across its gap, and one the fixture does not hold.
TEST(RulePages, TheCheckerFindsBlocksAcrossElisionsAndOnlyThere) {
  const std::vector<Line> lines = lines_of("a  b\n\nc\nd\ne\nf\n");
  Example whole{Expect::either, 1, {{"a b", "c"}}};
  const auto span = find(lines, whole);
  ASSERT_TRUE(span.has_value());
  EXPECT_EQ(*span, std::make_pair(1, 3));
  Example elided{Expect::either, 1, {{"c"}, {"f"}}};
  EXPECT_EQ(find(lines, elided), std::make_optional(std::make_pair(3, 6)));
  Example out_of_order{Expect::either, 1, {{"f"}, {"c"}}};
  EXPECT_FALSE(find(lines, out_of_order).has_value());
  Example gap{Expect::either, 1, {{"c", "e"}}};
  EXPECT_FALSE(find(lines, gap).has_value());
}

} // namespace rule_pages_test
