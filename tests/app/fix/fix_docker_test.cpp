// When fix turns a container's `drizzle-kit push` into `migrate`, the image
// must hold the migrations folder: runtime stages built for a push copy the
// schema and drizzle.config.ts, not the migrations (rybbit's server image).
#include "app/fix/fix_docker.hpp"
#include "support/files.hpp"

#include <gtest/gtest.h>
#include <string>

namespace pgadvise::app {
namespace fix_docker_test {

using test::TempTree;

constexpr const char* k_builder = "# syntax=docker/dockerfile:1\n"
                                  "FROM node:20-alpine AS builder\n"
                                  "WORKDIR /app\n"
                                  "COPY package*.json ./\n"
                                  "RUN npm ci\n"
                                  "COPY . .\n"
                                  "RUN npm run build\n"
                                  "\n"
                                  "FROM node:20-alpine\n"
                                  "WORKDIR /app\n";

std::optional<std::string> note_for(const std::string& final_stage,
                                    const std::string& out = "server/drizzle") {
  TempTree tree;
  tree.write("server/Dockerfile", std::string(k_builder) + final_stage);
  return migrations_copy_note(tree.root(), "server/Dockerfile", out);
}

TEST(FixDocker, AFinalStageWithoutTheMigrationsGetsANote) {
  const auto note = note_for("COPY --from=builder /app/dist ./dist\n"
                             "COPY --from=builder /app/node_modules ./node_modules\n"
                             "COPY --from=builder [\"/app/drizzle.config.ts\", \"./drizzle.config.ts\"]\n"
                             "COPY --from=builder /app/src \\\n  ./src\n"
                             "ENTRYPOINT [\"/docker-entrypoint.sh\"]\n");
  ASSERT_TRUE(note.has_value());
  EXPECT_EQ(note->rfind("server/Dockerfile:9: the final stage copies no drizzle/", 0), 0U) << *note;
  EXPECT_NE(note->find("COPY --from=builder <where the build has it>/drizzle ./drizzle"), std::string::npos)
      << *note;
}

TEST(FixDocker, TheMigrationsOrAFolderHoldingThemNeedNoNote) {
  EXPECT_FALSE(note_for("COPY --from=builder /app/drizzle ./drizzle\n").has_value());
  EXPECT_FALSE(note_for("COPY --from=builder /app/ ./\n").has_value());
  EXPECT_FALSE(note_for("COPY . .\n").has_value());
  EXPECT_FALSE(note_for("COPY --from=builder --chown=node:node /app/server ./server\n").has_value());
  EXPECT_FALSE(note_for("COPY --from=builder /app/src ./src\n", "server/src/db/migrations").has_value());
  TempTree tree;
  tree.write("Dockerfile",
             "FROM node:20 AS deps\nRUN npm ci\nFROM deps AS runner\nCMD [\"npm\", \"start\"]\n");
  EXPECT_FALSE(migrations_copy_note(tree.root(), "Dockerfile", "drizzle").has_value()); // a stage of deps
}

} // namespace fix_docker_test
} // namespace pgadvise::app
