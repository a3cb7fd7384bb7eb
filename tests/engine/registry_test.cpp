// The registry's contract (ARCHITECTURE.md, "Add a rule"): every rule
// has its source, page, test and fixtures, named from its id; its page's
// frontmatter matches its metadata; pages are compiled in and have the
// fixed sections; the built-in diagnostics have pages too.

#include "core/text.hpp"
#include "engine/builtin_diagnostics.hpp"
#include "engine/rule_pages.hpp"
#include "rules/registry.hpp"
#include "support/files.hpp"
#include "support/rule_fixtures.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace registry_test {

namespace fs = std::filesystem;
using namespace pgadvise;

const fs::path k_root = PGADVISE_SOURCE_DIR;

const std::vector<std::string> k_required_sections = {
    "## What it finds", "## Why it matters", "## How to fix", "## Examples", "## Options", "## Suppressing"};

std::string snake(std::string_view id) {
  std::string out(id);
  std::replace(out.begin(), out.end(), '-', '_');
  return out;
}

// The `key: value` lines between the leading `---` fences; empty when the
// page has no frontmatter.
std::map<std::string, std::string> frontmatter(std::string_view page) {
  std::map<std::string, std::string> out;
  std::istringstream lines{std::string(page)};
  std::string line;
  if (!std::getline(lines, line) || core::trim(line) != "---") {
    return out;
  }
  while (std::getline(lines, line)) {
    if (core::trim(line) == "---") {
      out["--closed--"] = "yes";
      return out;
    }
    const auto colon = line.find(':');
    if (colon != std::string::npos) {
      out[std::string(core::trim(line.substr(0, colon)))] = std::string(core::trim(line.substr(colon + 1)));
    }
  }
  return out; // unterminated: no "--closed--"
}

// "[a, b]" -> {"a", "b"}; "[]" -> {}.
std::vector<std::string> yaml_list(const std::string& value) {
  std::vector<std::string> out;
  if (value.size() < 2 || value.front() != '[' || value.back() != ']') {
    out.emplace_back("<not a [list]: " + value + ">");
    return out;
  }
  const std::string inner(core::trim(std::string_view(value).substr(1, value.size() - 2)));
  if (inner.empty()) {
    return out;
  }
  for (const std::string& item : core::split(inner, ',')) {
    out.emplace_back(core::trim(item));
  }
  return out;
}

// The text of one `## ` section, up to the next `## ` heading.
std::string section(std::string_view page, std::string_view heading) {
  const auto start = page.find(std::string(heading) + "\n");
  if (start == std::string_view::npos) {
    return {};
  }
  const auto body = start + heading.size() + 1;
  const auto end = page.find("\n## ", body);
  return std::string(page.substr(body, end == std::string_view::npos ? std::string_view::npos : end - body));
}

void expect_sections(std::string_view id, std::string_view page) {
  std::size_t last = 0;
  for (const std::string& heading : k_required_sections) {
    const auto at = page.find("\n" + heading + "\n");
    ASSERT_NE(at, std::string_view::npos) << id << ": page lacks section '" << heading << "'";
    EXPECT_GT(at, last) << id << ": section '" << heading << "' out of order";
    last = at;
    EXPECT_FALSE(core::trim(section(page, heading)).empty())
        << id << ": section '" << heading << "' is empty";
  }
  EXPECT_NE(page.find("\n# " + std::string(id) + "\n"), std::string_view::npos)
      << id << ": page lacks '# " << id << "' title";
}

std::vector<std::string> input_names(const engine::RuleMeta& meta) {
  std::vector<std::string> out;
  for (engine::Input input : meta.inputs) {
    out.emplace_back(engine::to_string(input));
  }
  return out;
}

std::vector<std::string> option_names(const engine::RuleMeta& meta) {
  std::vector<std::string> out;
  for (const engine::RuleOption& option : meta.options) {
    out.push_back(option.name);
  }
  return out;
}

TEST(Registry, HasRules) {
  EXPECT_FALSE(rules::all_rules().empty());
}

TEST(Registry, IsSortedById) {
  const auto& rules = pgadvise::rules::all_rules();
  for (std::size_t i = 1; i < rules.size(); ++i) {
    EXPECT_LT(rules[i - 1]->meta().id, rules[i]->meta().id);
  }
}

TEST(Registry, IncFileListsEveryRuleOnceSortedAndNamedFromItsId) {
  const std::string inc = pgadvise::test::read_text(k_root / "src/rules/registry.inc");
  const std::regex line_re(R"(^PGADVISE_RULE\((\w+)\)\s*$)");
  std::vector<std::string> names;
  std::istringstream lines(inc);
  std::string line;
  while (std::getline(lines, line)) {
    std::smatch match;
    if (std::regex_match(line, match, line_re)) {
      names.push_back(match[1]);
    }
  }
  std::vector<std::string> expected;
  for (const auto& rule : rules::all_rules()) {
    expected.push_back(snake(rule->meta().id));
  }
  EXPECT_EQ(names, expected) << "registry.inc must list make_<snake id> factories, sorted by id";
}

TEST(Registry, IdsAreKebabCaseAndUniqueAcrossRulesAndBuiltins) {
  const std::regex kebab("^[a-z][a-z0-9]*(-[a-z0-9]+)*$");
  std::set<std::string> seen;
  for (const auto& rule : rules::all_rules()) {
    const std::string& id = rule->meta().id;
    EXPECT_TRUE(std::regex_match(id, kebab)) << id;
    EXPECT_TRUE(seen.insert(id).second) << "duplicate id " << id;
    EXPECT_EQ(rules::find_rule(id), rule.get());
  }
  for (const auto& diag : engine::builtin_diagnostics()) {
    EXPECT_TRUE(std::regex_match(std::string(diag.id), kebab)) << diag.id;
    EXPECT_TRUE(seen.insert(std::string(diag.id)).second) << "builtin diagnostic reuses rule id " << diag.id;
  }
}

TEST(Registry, MetadataIsComplete) {
  for (const auto& rule : rules::all_rules()) {
    const engine::RuleMeta& meta = rule->meta();
    EXPECT_FALSE(meta.summary.empty()) << meta.id;
    EXPECT_EQ(meta.summary.find('\n'), std::string::npos) << meta.id << ": summary must be one line";
    EXPECT_FALSE(meta.inputs.empty()) << meta.id << ": say which inputs the rule needs";
    for (const engine::RuleOption& option : meta.options) {
      EXPECT_FALSE(option.description.empty()) << meta.id << "." << option.name;
    }
  }
}

TEST(Registry, EveryRuleHasItsSourcePageTestAndFixtures) {
  for (const auto& rule : rules::all_rules()) {
    const std::string& id = rule->meta().id;
    SCOPED_TRACE(id);
    // src/rules/<category>/<id_snake>.cpp: the folder is the rule's category.
    const fs::path source_path =
        k_root / "src/rules" / std::string(engine::to_string(rule->meta().category)) / (snake(id) + ".cpp");
    EXPECT_TRUE(fs::is_regular_file(source_path));
    // The id is spelled once in its source (k_id); meta and findings use it.
    const std::string source = pgadvise::test::read_text(source_path);
    const std::string quoted = "\"" + id + "\"";
    EXPECT_EQ(source.find(quoted), source.rfind(quoted)) << "the id string appears more than once";
    EXPECT_NE(source.find("k_id = " + quoted), std::string::npos)
        << "constexpr std::string_view k_id = " << quoted;
    EXPECT_TRUE(fs::is_regular_file(k_root / "rules" / (id + ".md")));
    EXPECT_TRUE(fs::is_regular_file(k_root / "tests/rules" / (snake(id) + "_test.cpp")));
    const fs::path fixtures = k_root / "fixtures/rules" / id;
    ASSERT_TRUE(fs::is_directory(fixtures));
    const auto bad = test_support::rule_fixtures(id, "bad_");
    EXPECT_FALSE(bad.empty()) << "needs at least one bad_* fixture";
    // Every bad_x fixture (file or project directory) has its snapshot
    // bad_x.expected beside it (tests/support/rule_fixtures.hpp).
    for (const fs::path& input : bad) {
      const std::string stem = fs::is_directory(input) ? input.filename().string() : input.stem().string();
      EXPECT_TRUE(fs::is_regular_file(input.parent_path() / (stem + ".expected")))
          << input.filename() << " has no expected findings file";
    }
    EXPECT_FALSE(test_support::rule_fixtures(id, "good_").empty()) << "needs at least one good_* fixture";
  }
}

TEST(Registry, PageFrontmatterMatchesRuleMetadata) {
  for (const auto& rule : rules::all_rules()) {
    const engine::RuleMeta& meta = rule->meta();
    SCOPED_TRACE(meta.id);
    const auto page = engine::find_rule_page(meta.id);
    ASSERT_TRUE(page) << "page not embedded";
    const auto fm = frontmatter(*page);
    ASSERT_EQ(fm.count("--closed--"), 1U) << "page must start with a --- frontmatter block";
    EXPECT_EQ(fm.count("id") ? fm.at("id") : "", meta.id);
    EXPECT_EQ(fm.count("summary") ? fm.at("summary") : "", meta.summary);
    EXPECT_EQ(fm.count("category") ? fm.at("category") : "", engine::to_string(meta.category));
    EXPECT_EQ(fm.count("severity") ? fm.at("severity") : "", core::to_string(meta.default_severity));
    EXPECT_EQ(fm.count("fix") ? fm.at("fix") : "", meta.has_fix ? "true" : "false");
    EXPECT_EQ(yaml_list(fm.count("inputs") ? fm.at("inputs") : ""), input_names(meta));
    EXPECT_EQ(yaml_list(fm.count("options") ? fm.at("options") : ""), option_names(meta));
    EXPECT_EQ(fm.count("lens") ? fm.at("lens") : "", engine::to_string(meta.lens));
  }
}

// The rules that judge how a migration applies or what a new column should
// be judge only migrations not yet applied (app/scope/lens); the rest judge the
// schema as it is.
TEST(Registry, ChangeRulesCarryTheirLens) {
  const std::map<std::string, engine::Lens> expected = {
      {"column-type-change-rewrite", engine::Lens::change},
      {"foreign-key-added-validating", engine::Lens::change},
      {"index-created-non-concurrently", engine::Lens::change},
      {"integer-primary-key-overflow", engine::Lens::convention},
      {"random-uuid-primary-key", engine::Lens::convention},
      {"serial-primary-key", engine::Lens::convention},
      {"timestamp-without-time-zone", engine::Lens::convention},
      {"unindexed-foreign-key", engine::Lens::state},
      {"json-in-text-column", engine::Lens::state},
  };
  for (const auto& [id, lens] : expected) {
    const engine::Rule* rule = rules::find_rule(id);
    ASSERT_NE(rule, nullptr) << id;
    EXPECT_EQ(rule->meta().lens, lens) << id;
  }
}

TEST(Registry, PagesDocumentEveryOptionWithItsDefault) {
  for (const auto& rule : rules::all_rules()) {
    const engine::RuleMeta& meta = rule->meta();
    const auto page = engine::find_rule_page(meta.id);
    ASSERT_TRUE(page) << meta.id;
    const std::string options = section(*page, "## Options");
    for (const engine::RuleOption& option : meta.options) {
      EXPECT_NE(options.find("`" + option.name + "`"), std::string::npos)
          << meta.id << ": option " << option.name;
      EXPECT_NE(options.find("`" + option.default_value + "`"), std::string::npos)
          << meta.id << ": default of " << option.name;
    }
  }
}

TEST(Registry, EveryPageHasTheRequiredSections) {
  for (const auto& [id, page] : engine::rule_pages()) {
    expect_sections(id, page);
  }
}

TEST(Registry, EmbeddedPagesMatchTheFilesAndHaveNoOrphans) {
  std::set<std::string> known;
  for (const auto& rule : rules::all_rules()) {
    known.insert(rule->meta().id);
  }
  for (const auto& diag : engine::builtin_diagnostics()) {
    known.insert(std::string(diag.id));
  }
  std::size_t files = 0;
  for (const auto& entry : fs::directory_iterator(k_root / "rules")) {
    if (entry.path().extension() != ".md") {
      continue;
    }
    ++files;
    const std::string id = entry.path().stem().string();
    EXPECT_EQ(known.count(id), 1U) << "rules/" << id << ".md documents no rule or diagnostic";
    const auto page = engine::find_rule_page(id);
    ASSERT_TRUE(page) << id << ": not embedded (re-run cmake)";
    EXPECT_EQ(std::string(*page), pgadvise::test::read_text(entry.path()))
        << id << ": embedded page is stale";
  }
  EXPECT_EQ(engine::rule_pages().size(), files);
}

TEST(Registry, BuiltinDiagnosticsHavePages) {
  ASSERT_FALSE(engine::builtin_diagnostics().empty());
  for (const auto& diag : engine::builtin_diagnostics()) {
    SCOPED_TRACE(std::string(diag.id));
    const auto page = engine::find_rule_page(diag.id);
    ASSERT_TRUE(page);
    const auto fm = frontmatter(*page);
    ASSERT_EQ(fm.count("--closed--"), 1U);
    EXPECT_EQ(fm.count("id") ? fm.at("id") : "", diag.id);
    EXPECT_EQ(fm.count("summary") ? fm.at("summary") : "", diag.summary);
    EXPECT_EQ(fm.count("category") ? fm.at("category") : "", "input");
    EXPECT_EQ(fm.count("severity") ? fm.at("severity") : "", core::to_string(diag.severity));
    EXPECT_EQ(fm.count("fix") ? fm.at("fix") : "", "false");
  }
}

// Every rule that proposes a fix says how safe it is (RuleMeta::fix_applicability):
// a new rule cannot forget, and the rules issue 46 names are where it put them.
TEST(Registry, EveryFixProposingRuleSaysHowSafeItsFixIs) {
  for (const auto& rule : rules::all_rules()) {
    const engine::RuleMeta& meta = rule->meta();
    EXPECT_EQ(meta.has_fix, meta.fix_applicability.has_value())
        << meta.id
        << ": a rule with has_fix says .fix_applicability (safe, unsafe or manual), and only such a rule";
  }
  const std::map<std::string, core::FixApplicability> expected = {
      {"unindexed-foreign-key", core::FixApplicability::safe},
      {"filter-on-unindexed-column", core::FixApplicability::safe},
      {"seq-scan-confirmed", core::FixApplicability::safe},
      {"drizzle-push-in-production", core::FixApplicability::safe},
      {"index-created-non-concurrently", core::FixApplicability::safe},
      {"json-column-not-jsonb", core::FixApplicability::unsafe},
      {"json-in-text-column", core::FixApplicability::unsafe},
      {"timestamp-without-time-zone", core::FixApplicability::unsafe},
      {"serial-primary-key", core::FixApplicability::unsafe},
      {"integer-primary-key-overflow", core::FixApplicability::unsafe},
      {"duplicate-index", core::FixApplicability::unsafe},
      {"redundant-index", core::FixApplicability::unsafe},
      {"not-null-column-added-without-default", core::FixApplicability::unsafe},
      {"query-in-loop", core::FixApplicability::manual},
      {"n-plus-one", core::FixApplicability::manual},
      {"writes-outside-transaction", core::FixApplicability::manual},
      {"no-connection-pooling", core::FixApplicability::manual},
  };
  for (const auto& [id, applicability] : expected) {
    const engine::Rule* rule = rules::find_rule(id);
    ASSERT_NE(rule, nullptr) << id;
    EXPECT_EQ(rule->meta().fix_applicability, applicability) << id;
  }
}

// The statements of a fix's DDL, without comment lines.
std::vector<std::string> statements_of(const std::string& ddl) {
  std::vector<std::string> out;
  std::string current;
  std::istringstream lines(ddl);
  std::string line;
  while (std::getline(lines, line)) {
    const std::string trimmed(core::trim(line));
    if (trimmed.empty() || trimmed.rfind("--", 0) == 0) {
      continue;
    }
    current += (current.empty() ? "" : " ") + trimmed;
    if (!trimmed.empty() && trimmed.back() == ';') {
      out.push_back(current);
      current.clear();
    }
  }
  if (!current.empty()) {
    out.push_back(current);
  }
  return out;
}

// Over every fix-proposing rule's bad_ fixtures: each fix carries its rule's
// applicability, and what the fix does agrees with it. A safe fix's SQL only
// creates indexes; a fix that drops, retypes, sets NOT NULL or a default is
// never safe; application code is manual. A rule marked safe whose fix
// rewrites a table fails here.
TEST(Registry, EachRulesFixturesFixesCarryAnApplicabilityTheirChangeAllows) {
  std::size_t checked = 0;
  for (const auto& rule : rules::all_rules()) {
    const engine::RuleMeta& meta = rule->meta();
    if (!meta.has_fix || test_support::needs_cluster(meta.id)) {
      continue;
    }
    for (const fs::path& fixture : test_support::rule_fixtures(meta.id, "bad_")) {
      SCOPED_TRACE(meta.id + ": " + fixture.filename().string());
      const test_support::FixtureRun run = test_support::run_fixture(meta.id, fixture);
      if (!run.error.empty()) {
        continue; // the rule's own test says what is wrong with the fixture
      }
      for (const core::Finding& finding : run.report.findings) {
        if (!finding.fix || finding.rule != meta.id) {
          continue;
        }
        ++checked;
        const core::Fix& fix = *finding.fix;
        EXPECT_EQ(fix.applicability, meta.fix_applicability) << finding.message;
        if (fix.kind() == core::FixKind::code) {
          EXPECT_EQ(fix.applicability, core::FixApplicability::manual) << finding.message;
        }
        if (fix.applicability != core::FixApplicability::safe || fix.kind() == core::FixKind::shell) {
          continue;
        }
        for (const std::string& statement : statements_of(fix.statements())) {
          const bool creates_index =
              statement.rfind("CREATE INDEX ", 0) == 0 || statement.rfind("CREATE UNIQUE INDEX ", 0) == 0;
          EXPECT_TRUE(creates_index) << "a safe fix runs: " << statement;
        }
        EXPECT_EQ(fix.code_text().str().find("// remove"), std::string::npos) << fix.code_text().str();
      }
    }
  }
  EXPECT_GT(checked, 50U);
}

} // namespace registry_test
