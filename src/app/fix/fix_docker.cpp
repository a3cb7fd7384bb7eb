#include "app/fix/fix_docker.hpp"

#include "core/file.hpp"
#include "core/text.hpp"

#include <set>
#include <sstream>
#include <vector>

namespace pgadvise::app {

namespace {

// One instruction: its keyword in lower case, its words, its first line.
struct Instruction {
  std::string keyword;
  std::vector<std::string> words;
  int line = 0;
};

// The instructions of a Dockerfile, continuation lines joined and the
// exec form's brackets, quotes and commas read as word breaks.
std::vector<Instruction> instructions(const std::string& text) {
  std::vector<Instruction> out;
  const std::vector<std::string> lines = core::split(text, '\n');
  std::string pending;
  int first = 0;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    std::string_view line = core::trim(lines[i]);
    if (pending.empty() && (line.empty() || line.front() == '#')) {
      continue;
    }
    if (pending.empty()) {
      first = static_cast<int>(i) + 1;
    }
    const bool continues = !line.empty() && line.back() == '\\';
    pending += std::string(continues ? line.substr(0, line.size() - 1) : line) + " ";
    if (continues) {
      continue;
    }
    std::string spaced;
    for (const char c : pending) {
      spaced += c == '[' || c == ']' || c == '"' || c == ',' ? ' ' : c;
    }
    std::vector<std::string> words;
    std::istringstream stream(spaced);
    for (std::string word; stream >> word;) {
      words.push_back(word);
    }
    pending.clear();
    if (words.empty()) {
      continue;
    }
    Instruction instruction{core::to_lower(words.front()), {}, first};
    instruction.words.assign(words.begin() + 1, words.end());
    out.push_back(std::move(instruction));
  }
  return out;
}

std::vector<std::string> components(std::string_view path) {
  std::vector<std::string> out;
  for (const std::string& part : core::split(std::string(path), '/')) {
    if (!part.empty() && part != ".") {
      out.push_back(part);
    }
  }
  return out;
}

} // namespace

std::optional<std::string> migrations_copy_note(const std::filesystem::path& root,
                                                const std::string& dockerfile,
                                                const std::string& drizzle_out) {
  const auto text = core::read_file(root / dockerfile);
  if (!text || drizzle_out.empty()) {
    return std::nullopt;
  }
  const std::vector<Instruction> all = instructions(*text);
  std::size_t final_from = all.size();
  std::set<std::string> stages;
  std::string builder;
  std::string workdir;         // the last WORKDIR so far
  std::string builder_workdir; // the one an earlier stage ended in: copying it copies everything
  for (std::size_t i = 0; i < all.size(); ++i) {
    if (all[i].keyword == "workdir" && !all[i].words.empty()) {
      workdir = all[i].words[0];
    }
    if (all[i].keyword == "from") {
      builder_workdir = workdir;
      if (final_from != all.size() && all[final_from].words.size() >= 3) {
        builder = all[final_from].words[2];
        stages.insert(core::to_lower(builder));
      }
      final_from = i;
    }
  }
  const std::vector<std::string> whole = components(builder_workdir);
  if (final_from == all.size() || all[final_from].words.empty() ||
      stages.count(core::to_lower(all[final_from].words[0])) > 0) {
    return std::nullopt; // no stage, or the final one starts from an earlier stage and has its files
  }
  // The folder as the Dockerfile's folder sees it, and as the repository root does.
  const std::string dir = std::filesystem::path(dockerfile).parent_path().generic_string();
  const std::string local =
      !dir.empty() && drizzle_out.rfind(dir + "/", 0) == 0 ? drizzle_out.substr(dir.size() + 1) : drizzle_out;
  std::set<std::string> names;
  for (const std::string& part : components(drizzle_out)) {
    names.insert(part);
  }
  for (std::size_t i = final_from + 1; i < all.size(); ++i) {
    if (all[i].keyword != "copy" && all[i].keyword != "add") {
      continue;
    }
    std::vector<std::string> paths;
    for (const std::string& word : all[i].words) {
      if (word.rfind("--", 0) != 0) {
        paths.push_back(word);
      }
    }
    for (std::size_t p = 0; p + 1 < paths.size(); ++p) { // the sources; the last is the destination
      const std::vector<std::string> parts = components(paths[p]);
      if (parts.empty() || parts == whole || parts.back() == "*" || names.count(parts.back()) > 0) {
        return std::nullopt; // the context, or a folder on the way to the migrations
      }
    }
  }
  const std::string from = builder.empty() ? "" : "--from=" + builder + " ";
  return dockerfile + ":" + std::to_string(all[final_from].line) + ": the final stage copies no " + local +
         "/, the migrations drizzle-kit migrate applies when the container starts (a push needed only the "
         "schema): copy it in beside drizzle.config.ts, e.g. `COPY " +
         from + "<where the build has it>/" + local + " ./" + local + "`";
}

} // namespace pgadvise::app
