// .pgadvise.toml: what it may say, the located errors when it says something
// else, where it is found, and the ignore globs.
#include "app/config/config.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>

namespace config_test {

namespace fs = std::filesystem;
using namespace pgadvise;

class ConfigFile : public ::testing::Test {
protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "pgadvise-config-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    m_root = pattern;
  }
  void TearDown() override {
    std::error_code ignored;
    fs::remove_all(m_root, ignored);
  }
  fs::path write(std::string_view text, const fs::path& rel = ".pgadvise.toml") {
    const fs::path file = m_root / rel;
    fs::create_directories(file.parent_path());
    std::ofstream(file) << text;
    return file;
  }
  core::Error error_of(std::string_view text) {
    auto config = app::load_config(write(text));
    EXPECT_FALSE(config.ok());
    return config.ok() ? core::Error("loaded") : config.error();
  }
  fs::path m_root;
};

TEST_F(ConfigFile, ReadsEverySection) {
  auto config = app::load_config(write(R"toml(
fail_on = "medium"
min_severity = "info"
baseline = "ci/baseline.json"
ignore = ["legacy/**", "drizzle/0000_*.sql"]

[inputs]
paths = ["drizzle"]
logs = ["logs/pg.log", "-"]
log_line_prefix = "%m [%p] "
database_env = "DATABASE_URL"

[environments]
production = ["live-eu"]

[rules.unindexed-foreign-key]
severity = "critical"

[rules.select-star]
enabled = false

[rules.json-in-text-column]
name-hints = false
)toml"));
  ASSERT_TRUE(config.ok()) << config.error().to_string();
  EXPECT_EQ(config->fail_on, core::FailOn{core::Severity::medium});
  EXPECT_EQ(config->min_severity, core::Severity::info);
  EXPECT_EQ(config->baseline, (m_root / "ci/baseline.json").string());
  EXPECT_EQ(config->paths, std::vector<std::string>{(m_root / "drizzle").string()});
  EXPECT_EQ(config->logs, (std::vector<std::string>{(m_root / "logs/pg.log").string(), "-"}));
  EXPECT_EQ(config->log_line_prefix, "%m [%p] ");
  EXPECT_EQ(config->database_env, "DATABASE_URL");
  EXPECT_EQ(config->environments.at("production"), std::vector<std::string>{"live-eu"});
  EXPECT_EQ(config->rules.at("unindexed-foreign-key").severity, core::Severity::critical);
  EXPECT_EQ(config->rules.at("select-star").enabled, false);
  EXPECT_EQ(config->rules.at("json-in-text-column").options.at("name-hints"), "false");
}

TEST_F(ConfigFile, UnknownKeyNamesItsPathAndLine) {
  const core::Error e = error_of("fail_on = \"high\"\n\n[rules.unindexed-foreign-key]\nseverty = \"low\"\n");
  EXPECT_EQ(e.location.line, 4);
  EXPECT_NE(e.message.find("rules.unindexed-foreign-key.severty"), std::string::npos) << e.message;
  const core::Error top = error_of("\nfail-on = \"high\"\n");
  EXPECT_EQ(top.location.line, 2);
  EXPECT_NE(top.message.find("'fail-on'"), std::string::npos) << top.message;
  const core::Error input = error_of("[inputs]\nlog = [\"x.log\"]\n");
  EXPECT_EQ(input.location.line, 2);
  EXPECT_NE(input.message.find("inputs.log"), std::string::npos) << input.message;
}

TEST_F(ConfigFile, WrongTypeNamesItsPathAndLine) {
  const core::Error e = error_of("[inputs]\npaths = \"drizzle\"\n");
  EXPECT_EQ(e.location.line, 2);
  EXPECT_NE(e.message.find("'inputs.paths' must be an array of strings"), std::string::npos) << e.message;
  const core::Error enabled = error_of("[rules.select-star]\nenabled = \"no\"\n");
  EXPECT_EQ(enabled.location.line, 2);
  EXPECT_NE(enabled.message.find("rules.select-star.enabled"), std::string::npos) << enabled.message;
  const core::Error severity = error_of("fail_on = \"severe\"\n");
  EXPECT_NE(severity.message.find("unknown severity 'severe'"), std::string::npos) << severity.message;
}

TEST_F(ConfigFile, UnknownRuleOrOptionIsAnError) {
  const core::Error rule = error_of("\n[rules.unindexed-foreign-keys]\nseverity = \"low\"\n");
  EXPECT_EQ(rule.location.line, 2);
  EXPECT_NE(rule.message.find("no rule named 'unindexed-foreign-keys'"), std::string::npos) << rule.message;
  const core::Error option = error_of("[rules.json-in-text-column]\nname_hints = true\n");
  EXPECT_NE(option.message.find("rules.json-in-text-column.name_hints"), std::string::npos) << option.message;
  EXPECT_NE(option.message.find("name-hints"), std::string::npos) << "the known options are listed";
}

TEST_F(ConfigFile, SyntaxErrorIsLocated) {
  const core::Error e = error_of("fail_on = \"high\"\nmin_severity = \n");
  EXPECT_EQ(e.location.file, (m_root / ".pgadvise.toml").string());
  EXPECT_EQ(e.location.line, 2);
}

TEST_F(ConfigFile, DatabaseUrlInTheFileIsRefused) {
  const core::Error e = error_of("[inputs]\ndatabase_env = \"postgres://app:secret@db/app\"\n");
  EXPECT_NE(e.message.find("environment variable"), std::string::npos) << e.message;
  EXPECT_EQ(e.message.find("secret"), std::string::npos) << "the password is not echoed";
}

TEST_F(ConfigFile, FoundFromASubdirectoryUpToTheGitRoot) {
  write("fail_on = \"low\"\n");
  fs::create_directories(m_root / "a" / "b");
  EXPECT_EQ(app::find_config(m_root / "a" / "b"), m_root / ".pgadvise.toml");
  // A git root between them stops the search.
  fs::create_directories(m_root / "a" / ".git");
  EXPECT_EQ(app::find_config(m_root / "a" / "b"), std::nullopt);
}

TEST(Glob, StarStaysInASegmentAndDoubleStarCrosses) {
  EXPECT_TRUE(app::glob_match("drizzle/0000_*.sql", "drizzle/0000_init.sql"));
  EXPECT_FALSE(app::glob_match("drizzle/*.sql", "drizzle/old/0000.sql"));
  EXPECT_TRUE(app::glob_match("legacy/**", "legacy/a/b.sql"));
  EXPECT_TRUE(app::glob_match("**/schema.ts", "schema.ts"));
  EXPECT_TRUE(app::glob_match("**/schema.ts", "src/db/schema.ts"));
  EXPECT_FALSE(app::glob_match("src/?.ts", "src/ab.ts"));
  EXPECT_TRUE(app::glob_match("src/?.ts", "src/a.ts"));
}

} // namespace config_test
