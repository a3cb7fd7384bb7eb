// The JavaScript/TypeScript files commands run (`tsx src/db/seed.ts`,
// `node scripts/reset.js`): whether each is a seed, where it deletes rows,
// and the commands it runs itself (execSync("npx drizzle-kit push")).
#include "core/text.hpp"
#include "loaders/project/context.hpp"

#include <algorithm>
#include <map>
#include <regex>
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

void collect(const std::vector<model::Command>& commands, std::map<std::string, std::string>& targets) {
  for (const model::Command& command : commands) {
    for (const model::Invocation& inv : command.invocations) {
      if (inv.kind == model::InvocationKind::run_program) {
        targets.emplace(inv.target, inv.package_dir); // the folder it runs in: the first seen
      }
    }
  }
}

// Whether the program can start commands: node's child_process, execa, zx or Bun's shell.
bool spawns_commands(const std::string& text) {
  for (const char* module :
       {"child_process", "\"execa\"", "'execa'", "\"zx\"", "'zx'", "zx/globals", "Bun.$"}) {
    if (text.find(module) != std::string::npos) {
      return true;
    }
  }
  return text.find("from \"bun\"") != std::string::npos || text.find("from 'bun'") != std::string::npos;
}

// The functions that take a whole command line: child_process's and execa's,
// and the program's own wrappers around them (`const run = (cmd) =>
// execSync(cmd, ...)`, `function sh(command) { ... exec(command) ... }`).
std::set<std::string> command_functions(const std::vector<std::string>& lines) {
  std::set<std::string> out{"execSync", "exec", "execaCommand", "execaCommandSync"};
  static const std::regex k_definition(
      R"((?:const|let|var)\s+([A-Za-z_$][\w$]*)\s*=|function\s+([A-Za-z_$][\w$]*))");
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (lines[i].find("execSync(") == std::string::npos && lines[i].find("exec(") == std::string::npos &&
        lines[i].find("execaCommand") == std::string::npos) {
      continue;
    }
    // The definition it belongs to: on this line or up to three above.
    for (std::size_t back = 0; back <= 3 && back <= i; ++back) {
      std::smatch match;
      if (std::regex_search(lines[i - back], match, k_definition)) {
        out.insert(match[1].matched ? match[1].str() : match[2].str());
        break;
      }
    }
  }
  return out;
}

// Whether k_call below can match in `line`: a `(` followed, across
// blanks, by a quote or backquote, or a `$` followed by a backquote. Most
// lines of a program hold neither, and std::regex tries every position
// of each (15 ms of real sim's serial scan).
bool may_call(std::string_view line) {
  if (line.find("$`") != std::string_view::npos) {
    return true;
  }
  for (std::size_t open = line.find('('); open != std::string_view::npos; open = line.find('(', open + 1)) {
    const std::size_t next = line.find_first_not_of(" \t\v\f\r", open + 1);
    if (next != std::string_view::npos && (line[next] == '"' || line[next] == '\'' || line[next] == '`')) {
      return true;
    }
  }
  return false;
}

// The command lines the program runs: a string given whole to one of
// `functions` (a literal, or a template without ${...}), and zx's or Bun's
// $`...`. Each is read as the shell reads it, located at its line.
std::vector<model::Command> spawned_commands(ScanContext& context, const std::string& path,
                                             const std::string& text, const std::string& cwd) {
  std::vector<model::Command> out;
  const std::vector<std::string> lines = core::split(text, '\n');
  const std::set<std::string> functions = command_functions(lines);
  static const std::regex k_call(R"(([A-Za-z_$][\w$]*)\s*\(\s*(["'`])|\$(`))");
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const std::string& line = lines[i];
    if (core::trim(line).rfind("//", 0) == 0 || !may_call(line)) {
      continue;
    }
    for (auto it = std::sregex_iterator(line.begin(), line.end(), k_call); it != std::sregex_iterator();
         ++it) {
      const std::smatch& match = *it;
      const bool tagged = match[3].matched;
      if (!tagged && functions.count(match[1].str()) == 0) {
        continue;
      }
      const char quote = tagged ? '`' : match[2].str()[0];
      const std::size_t begin = static_cast<std::size_t>(match.position(0) + match.length(0));
      const std::size_t end = line.find(quote, begin);
      if (end == std::string::npos) {
        continue;
      }
      const std::string command = line.substr(begin, end - begin);
      if (command.find("${") != std::string::npos || command.find('\\') != std::string::npos) {
        continue; // built at run time: cannot tell
      }
      ShellState state = context.shell(cwd);
      for (model::Command& parsed : parse_script_text(command, path, static_cast<int>(i) + 1, state)) {
        if (!parsed.invocations.empty()) {
          out.push_back(std::move(parsed));
        }
      }
    }
  }
  return out;
}

} // namespace

// One program: whether it is a seed, where it deletes rows; the commands it
// runs itself become a command file, whose programs join `pending`.
void scan_program(ScanContext& context, const std::string& target, const std::string& cwd,
                  std::map<std::string, std::string>& pending) {
  const std::optional<std::string> text = context.read(target);
  if (!text) {
    return;
  }
  model::Project& project = context.project();
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
  if (!spawns_commands(*text)) {
    return;
  }
  // The commands it runs, followed like a shell file's from what runs the program.
  model::CommandFile file;
  file.path = target;
  file.location = {target, 1, 0};
  file.commands = spawned_commands(context, target, *text, cwd);
  if (!file.commands.empty()) {
    collect(file.commands, pending);
    project.command_files.push_back(std::move(file));
  }
}

void scan_programs(ScanContext& context) {
  model::Project& project = context.project();
  std::map<std::string, std::string> pending; // program -> the folder it runs in
  for (const model::ExecutionSite& site : project.sites) {
    collect(site.commands, pending);
  }
  for (const model::Package& package : project.packages) {
    for (const model::Script& script : package.scripts) {
      collect({script.command}, pending);
    }
  }
  for (const model::CommandFile& file : project.command_files) {
    collect(file.commands, pending);
  }
  std::set<std::string> done;
  while (!pending.empty()) {
    const auto [target, cwd] = *pending.begin();
    pending.erase(pending.begin());
    if (!done.insert(target).second || target.empty() || target[0] == '/' || target.rfind("..", 0) == 0) {
      continue; // read already, a container path or outside the project: not a file of the checkout
    }
    scan_program(context, target, cwd, pending);
  }
}

} // namespace pgadvise::loaders::scan
