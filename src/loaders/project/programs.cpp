// The JavaScript/TypeScript files commands run (`tsx src/db/seed.ts`,
// `node scripts/reset.js`): whether each is a seed and where it deletes rows.
#include "core/text.hpp"
#include "loaders/project/context.hpp"

#include <algorithm>
#include <set>

namespace pgadvise::loaders::scan {

namespace {

bool identifier_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '$';
}

// `word` in `line` as a whole word (case-insensitive for SQL keywords).
std::size_t find_word(std::string_view line, std::string_view word) {
  for (std::size_t at = line.find(word); at != std::string_view::npos; at = line.find(word, at + 1)) {
    const bool starts = at == 0 || !identifier_char(line[at - 1]);
    const std::size_t end = at + word.size();
    const bool ends = end >= line.size() || !identifier_char(line[end]) || word.back() == '(';
    if (starts && ends) {
      return at;
    }
  }
  return std::string_view::npos;
}

// TRUNCATE as SQL (`sql\`TRUNCATE users\``, "truncate table x"), not a truncate() helper.
bool sql_truncate(std::string_view lower) {
  for (std::size_t at = find_word(lower, "truncate"); at != std::string_view::npos;
       at = find_word(lower.substr(at + 1), "truncate") == std::string_view::npos
                ? std::string_view::npos
                : at + 1 + find_word(lower.substr(at + 1), "truncate")) {
    const char before = at == 0 ? ' ' : lower[at - 1];
    const bool after_space = at + 8 < lower.size() && lower[at + 8] == ' ';
    if (after_space && (before == ' ' || before == '`' || before == '\'' || before == '"' || before == '(')) {
      return true;
    }
  }
  return false;
}

// `db.delete(users)`, `tx.delete(`, `await this.db.delete(`: drizzle's delete builder.
bool drizzle_delete(std::string_view line) {
  for (std::size_t at = line.find(".delete("); at != std::string_view::npos;
       at = line.find(".delete(", at + 1)) {
    std::size_t begin = at;
    while (begin > 0 && (identifier_char(line[begin - 1]) || line[begin - 1] == '.')) {
      --begin;
    }
    const std::string receiver = core::to_lower(line.substr(begin, at - begin));
    if (receiver.find("db") != std::string::npos || receiver.find("tx") != std::string::npos ||
        receiver.find("trx") != std::string::npos || receiver.find("database") != std::string::npos ||
        receiver.find("client") != std::string::npos || receiver.find("drizzle") != std::string::npos) {
      return true;
    }
  }
  return false;
}

std::vector<model::DataDeletion> deletions_in(const std::string& path, const std::string& text,
                                              bool uses_drizzle_seed) {
  std::vector<model::DataDeletion> out;
  const std::vector<std::string> lines = core::split(text, '\n');
  bool in_block_comment = false;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    std::string_view line = core::trim(lines[i]);
    if (in_block_comment) {
      const std::size_t end = line.find("*/");
      if (end == std::string_view::npos) {
        continue;
      }
      in_block_comment = false;
      line = core::trim(line.substr(end + 2));
    }
    if (line.rfind("//", 0) == 0 || line.rfind('*', 0) == 0) {
      continue;
    }
    if (line.rfind("/*", 0) == 0) {
      in_block_comment = line.find("*/") == std::string_view::npos;
      continue;
    }
    const std::string upper = core::to_lower(line);
    std::string what;
    if (sql_truncate(upper)) {
      what = "TRUNCATE";
    } else if (upper.find("delete from") != std::string::npos) {
      what = "DELETE FROM";
    } else if (upper.find("drop table") != std::string::npos ||
               upper.find("drop schema") != std::string::npos) {
      what = upper.find("drop table") != std::string::npos ? "DROP TABLE" : "DROP SCHEMA";
    } else if (drizzle_delete(line)) {
      what = "db.delete(";
    } else if (uses_drizzle_seed && find_word(line, "reset(") != std::string_view::npos) {
      what = "reset(";
    }
    if (!what.empty()) {
      out.push_back({what, std::string(line.substr(0, 160)), {path, static_cast<int>(i) + 1, 0}});
    }
  }
  return out;
}

void collect(const std::vector<model::Command>& commands, std::set<std::string>& targets) {
  for (const model::Command& command : commands) {
    for (const model::Invocation& inv : command.invocations) {
      if (inv.kind == model::InvocationKind::run_program) {
        targets.insert(inv.target);
      }
    }
  }
}

} // namespace

void scan_programs(ScanContext& context) {
  model::Project& project = context.project();
  std::set<std::string> targets;
  for (const model::ExecutionSite& site : project.sites) {
    collect(site.commands, targets);
  }
  for (const model::Package& package : project.packages) {
    for (const model::Script& script : package.scripts) {
      collect({script.command}, targets);
    }
  }
  for (const model::CommandFile& file : project.command_files) {
    collect(file.commands, targets);
  }
  for (const std::string& target : targets) {
    if (target.empty() || target[0] == '/' || target.rfind("..", 0) == 0) {
      continue; // a container path or outside the project: not a file of the checkout
    }
    const std::optional<std::string> text = context.read(target);
    if (!text) {
      continue;
    }
    model::ProgramFile program;
    program.path = target;
    const std::string name = core::to_lower(file_name(target));
    const bool uses_drizzle_seed = text->find("drizzle-seed") != std::string::npos;
    if (name.find("seed") != std::string::npos) {
      program.seed = true;
      program.seed_why = "named " + file_name(target);
    } else if (uses_drizzle_seed) {
      program.seed = true;
      program.seed_why = "imports drizzle-seed";
    }
    program.deletions = deletions_in(target, *text, uses_drizzle_seed);
    project.programs.push_back(std::move(program));
  }
}

} // namespace pgadvise::loaders::scan
