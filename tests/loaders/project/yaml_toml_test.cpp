// The YAML (yaml-cpp) and TOML (toml++) readers behind the project scanners:
// the tree they give and the lines findings point at.
#include "loaders/project/toml.hpp"
#include "loaders/project/yaml.hpp"

#include <gtest/gtest.h>

namespace pgadvise::loaders {
namespace {

TEST(ProjectYaml, KeysAndValuesKeepTheirLines) {
  const yaml::Document doc = yaml::parse("name: deploy\n"
                                         "on:\n"
                                         "  push:\n"
                                         "    branches: [main]\n"
                                         "jobs:\n"
                                         "  migrate:\n"
                                         "    steps:\n"
                                         "      - run: npm ci\n"
                                         "      - run: |\n"
                                         "          npm run build\n"
                                         "          npm run db:push\n");
  ASSERT_TRUE(doc.problems.empty());
  const yaml::Node* steps = doc.root.get("jobs")->get("migrate")->get("steps");
  ASSERT_NE(steps, nullptr);
  ASSERT_TRUE(steps->is_seq());
  ASSERT_EQ(steps->items.size(), 2U);
  EXPECT_EQ(steps->items[0].get_scalar("run"), "npm ci");
  EXPECT_EQ(steps->items[0].get("run")->line, 8);
  // A literal block: its text starts on the line after `|`, without the final newline.
  const yaml::Node* block = steps->items[1].get("run");
  EXPECT_TRUE(block->block_scalar);
  EXPECT_EQ(block->line, 10);
  EXPECT_EQ(block->scalar, "npm run build\nnpm run db:push");
  EXPECT_EQ(doc.root.entries[2].key, "jobs");
  EXPECT_EQ(doc.root.entries[2].line, 5);
  const yaml::Node* branches = doc.root.get("on")->get("push")->get("branches");
  ASSERT_TRUE(branches->is_seq());
  EXPECT_EQ(branches->items[0].scalar, "main");
}

TEST(ProjectYaml, MergeKeysAndAliasesAreResolved) {
  const yaml::Document doc = yaml::parse(".deploy: &deploy\n"
                                         "  image: node:20\n"
                                         "  script: npm run db:migrate\n"
                                         "production:\n"
                                         "  <<: *deploy\n"
                                         "  script: npm run db:push\n"
                                         "staging:\n"
                                         "  <<: *deploy\n");
  ASSERT_TRUE(doc.problems.empty());
  EXPECT_EQ(doc.root.get("production")->get_scalar("script"), "npm run db:push"); // own key wins
  EXPECT_EQ(doc.root.get("production")->get_scalar("image"), "node:20");
  EXPECT_EQ(doc.root.get("staging")->get_scalar("script"), "npm run db:migrate");
  EXPECT_EQ(doc.root.get("staging")->get("<<"), nullptr);
}

TEST(ProjectYaml, MalformedFileGivesALocatedProblem) {
  const yaml::Document doc = yaml::parse("jobs:\n"
                                         "  build:\n"
                                         "    steps: [a, b\n"
                                         "  other: x\n");
  ASSERT_EQ(doc.problems.size(), 1U);
  EXPECT_GT(doc.problems[0].line, 0);
  EXPECT_FALSE(doc.problems[0].message.empty());
  EXPECT_EQ(doc.root.kind, yaml::Node::Kind::null);
}

TEST(ProjectYaml, OnlyTheFirstDocumentIsReadAndTheNoteSaysWhereTheSecondStarts) {
  const yaml::Document doc = yaml::parse("services:\n"
                                         "  db: {image: postgres}\n"
                                         "---\n"
                                         "services:\n"
                                         "  web: {image: node}\n");
  ASSERT_EQ(doc.problems.size(), 1U);
  EXPECT_EQ(doc.problems[0].message, "only the first of 2 YAML documents is read");
  EXPECT_EQ(doc.problems[0].line, 3);
  const yaml::Node* services = doc.root.get("services");
  ASSERT_NE(services, nullptr);
  EXPECT_NE(services->get("db"), nullptr);
  EXPECT_EQ(services->get("web"), nullptr);
}

// yaml-cpp 0.7's LoadAll never returns on these (each turn adds an empty
// document; upstream pull request 1319); the fuzzer found the first.
TEST(ProjectYaml, StreamsThatLoopYamlCppsLoadAllEnd) {
  for (const char* text : {",", "\n,\n", "a: 1\n,\n", "- x\n,\n---\n,"}) {
    const yaml::Document doc = yaml::parse(text);
    EXPECT_LE(doc.problems.size(), 2U) << text;
  }
}

TEST(ProjectYaml, DeepNestingIsCutNotRecursedWithoutBound) {
  std::string text;
  for (int i = 0; i < 150; ++i) {
    text += std::string(static_cast<std::size_t>(2 * i), ' ') + "k" + std::to_string(i) + ":\n";
  }
  text += std::string(300, ' ') + "leaf: 1\n";
  const yaml::Document doc = yaml::parse(text);
  ASSERT_FALSE(doc.problems.empty());
  EXPECT_NE(doc.problems.back().message.find("nesting deeper"), std::string::npos);
}

TEST(ProjectToml, TablesDottedKeysAndArraysInFileOrder) {
  const toml::Document doc = toml::parse("[build]\n"
                                         "  base = \"web\"\n"
                                         "  command = \"npm run build && npx drizzle-kit push\"\n"
                                         "  environment.NODE_ENV = \"production\"\n"
                                         "\n"
                                         "[context.deploy-preview]\n"
                                         "  command = 'npm run preview'\n"
                                         "\n"
                                         "[processes]\n"
                                         "  app = [\"node\", \"server.js\"]\n"
                                         "  workers = 2\n");
  ASSERT_TRUE(doc.problems.empty());
  const toml::Value* command = doc.find("build", "command");
  ASSERT_NE(command, nullptr);
  EXPECT_EQ(command->text, "npm run build && npx drizzle-kit push");
  EXPECT_EQ(command->line, 3);
  const toml::Value* env = doc.find("build.environment", "NODE_ENV");
  ASSERT_NE(env, nullptr);
  EXPECT_EQ(env->text, "production");
  const toml::Value* preview = doc.find("context.deploy-preview", "command");
  ASSERT_NE(preview, nullptr);
  EXPECT_EQ(preview->line, 7);
  const toml::Value* app = doc.find("processes", "app");
  ASSERT_NE(app, nullptr);
  EXPECT_TRUE(app->is_array);
  EXPECT_EQ(app->array, (std::vector<std::string>{"node", "server.js"}));
  EXPECT_EQ(doc.find("processes", "workers")->text, "2");
  for (std::size_t i = 1; i < doc.values.size(); ++i) {
    EXPECT_LE(doc.values[i - 1].line, doc.values[i].line);
  }
}

TEST(ProjectToml, MalformedFileGivesALocatedProblem) {
  const toml::Document doc = toml::parse("[build]\ncommand = \"npm run build\n[deploy]\n");
  ASSERT_EQ(doc.problems.size(), 1U);
  EXPECT_EQ(doc.problems[0].line, 2);
  EXPECT_TRUE(doc.values.empty());
}

} // namespace
} // namespace pgadvise::loaders
