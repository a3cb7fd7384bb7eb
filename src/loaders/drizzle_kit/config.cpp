#include "loaders/drizzle_kit/config.hpp"

#include "core/file.hpp"
#include "core/text.hpp"
#include "loaders/typescript/lexer.hpp"

#include <algorithm>
#include <optional>
#include <utility>

namespace pgadvise::loaders {

namespace fs = std::filesystem;

namespace {

using ts::Token;
using ts::TokenKind;

// One open bracket while scanning: objects track whether the next token
// starts a property, and every bracket remembers the property it is the
// value of ("" for an anonymous one such as defineConfig's argument).
struct Frame {
  char bracket = '{';
  std::string key;
  bool expect_key = true;
};

bool literal_string(const Token& token) {
  return token.kind == TokenKind::string || token.kind == TokenKind::template_full;
}

bool ends_value(const Token& token) {
  return token.kind == TokenKind::end || token.is_punct(",") || token.is_punct("}") || token.is_punct("]") ||
         token.is_ident("as") || token.is_ident("satisfies");
}

class ConfigScanner {
public:
  explicit ConfigScanner(const std::vector<Token>& tokens) : m_tokens(tokens) {}

  DrizzleConfig scan() {
    for (std::size_t i = 0; i < m_tokens.size() && m_tokens[i].kind != TokenKind::end; ++i) {
      step(i);
    }
    return std::move(m_config);
  }

private:
  // The dotted path of a property: the keys of the keyed objects around it.
  [[nodiscard]] std::string path_of(const std::string& key) const {
    std::string path;
    for (const Frame& frame : m_stack) {
      if (!frame.key.empty()) {
        path += frame.key + ".";
      }
    }
    return path + key;
  }

  void step(std::size_t& i) {
    const Token& token = m_tokens[i];
    if (token.is_punct("{") || token.is_punct("[") || token.is_punct("(")) {
      m_stack.push_back({token.text[0], std::exchange(m_pending_key, std::string()), true});
      return;
    }
    if (token.is_punct("}") || token.is_punct("]") || token.is_punct(")")) {
      if (!m_stack.empty()) {
        m_stack.pop_back();
      }
      return;
    }
    if (m_stack.empty()) {
      return;
    }
    Frame& frame = m_stack.back();
    if (token.is_punct(",")) {
      frame.expect_key = frame.bracket == '{';
      return;
    }
    if (frame.bracket == '[' && literal_string(token) && ends_value(m_tokens[i + 1])) {
      // An element of an array value, e.g. schema: ["./a.ts", "./b.ts"].
      if (path_of("") == "schema.") {
        m_config.schema.push_back(std::string(token.text));
      }
      return;
    }
    if (frame.bracket != '{' || !frame.expect_key) {
      return;
    }
    const bool key_token = token.kind == TokenKind::identifier || literal_string(token);
    if (!key_token || !m_tokens[i + 1].is_punct(":")) {
      frame.expect_key = false; // a spread, shorthand or method: skip to the next ','
      return;
    }
    frame.expect_key = false;
    const std::string path = path_of(std::string(token.text));
    i += 2; // key and ':'
    const Token& value = m_tokens[i];
    if (value.is_punct("{") || value.is_punct("[")) {
      m_pending_key = token.text; // the next step opens the bracket with this key
    } else if (literal_string(value) && ends_value(m_tokens[i + 1])) {
      assign(path, std::string(value.text));
    } else if (const auto joined = joined_path(i)) {
      assign(path, joined->first);
      i = joined->second; // the call's ')': the caller's loop steps past it
      return;
    } else {
      note_unresolved(path);
    }
    --i; // the caller's loop steps onto the value token next
  }

  // `path.join(__dirname, "src", "schema.ts")`, `resolve(__dirname, "./x")`
  // (also import.meta.dirname or process.cwd(): the config's folder, where
  // drizzle-kit runs) starting at token `at`: the path relative to the
  // config's folder and the index of the closing ')'; nullopt for any other
  // value, or an argument that is not a string.
  [[nodiscard]] std::optional<std::pair<std::string, std::size_t>> joined_path(std::size_t at) const {
    std::size_t i = at;
    if (m_tokens[i].is_ident("path") && m_tokens[i + 1].is_punct(".")) {
      i += 2;
    }
    if (!(m_tokens[i].is_ident("join") || m_tokens[i].is_ident("resolve")) ||
        !m_tokens[i + 1].is_punct("(")) {
      return std::nullopt;
    }
    fs::path joined = ".";
    bool first = true;
    i += 2;
    while (m_tokens[i].kind != TokenKind::end) {
      const Token& arg = m_tokens[i];
      if (first && (arg.is_ident("__dirname") || arg.is_ident("process"))) {
        if (arg.is_ident("process")) { // process.cwd()
          if (!m_tokens[i + 1].is_punct(".") || !m_tokens[i + 2].is_ident("cwd") ||
              !m_tokens[i + 3].is_punct("(") || !m_tokens[i + 4].is_punct(")")) {
            return std::nullopt;
          }
          i += 4;
        }
      } else if (first && arg.is_ident("import") && m_tokens[i + 1].is_punct(".") &&
                 m_tokens[i + 2].is_ident("meta") && m_tokens[i + 3].is_punct(".") &&
                 m_tokens[i + 4].is_ident("dirname")) {
        i += 4;
      } else if (literal_string(arg)) {
        const fs::path part(arg.text);
        joined = part.is_absolute() ? part : joined / part;
      } else {
        return std::nullopt;
      }
      first = false;
      if (m_tokens[i + 1].is_punct(")")) {
        std::string text = joined.lexically_normal().generic_string();
        return std::make_pair(text.rfind('/', 0) == 0 || text.rfind("..", 0) == 0 ? text : "./" + text,
                              i + 1);
      }
      if (!m_tokens[i + 1].is_punct(",")) {
        return std::nullopt;
      }
      i += 2; // past the ','
    }
    return std::nullopt;
  }

  void assign(const std::string& path, const std::string& value) {
    // The first occurrence wins: a config chosen by a ternary keeps its first
    // branch, which is the best a scanner can do.
    const auto set = [&](std::string& field) {
      if (field.empty()) {
        field = value;
      }
    };
    if (path == "out") {
      set(m_config.out);
    } else if (path == "schema") {
      if (m_config.schema.empty()) {
        m_config.schema.push_back(value);
      }
    } else if (path == "dialect") {
      set(m_config.dialect);
    } else if (path == "casing") {
      set(m_config.casing);
    } else if (path == "migrations.table") {
      set(m_config.migrations_table);
    } else if (path == "migrations.schema") {
      set(m_config.migrations_schema);
    } else if (path == "migrations.prefix") {
      set(m_config.migrations_prefix);
    }
  }

  void note_unresolved(const std::string& path) {
    static const std::vector<std::string> k_known = {
        "out", "schema", "dialect", "casing", "migrations.table", "migrations.schema", "migrations.prefix"};
    if (std::find(k_known.begin(), k_known.end(), path) != k_known.end() &&
        std::find(m_config.unresolved.begin(), m_config.unresolved.end(), path) ==
            m_config.unresolved.end()) {
      m_config.unresolved.push_back(path);
    }
  }

  const std::vector<Token>& m_tokens;
  std::vector<Frame> m_stack;
  std::string m_pending_key;
  DrizzleConfig m_config;
};

} // namespace

const std::vector<std::string>& drizzle_config_names() {
  static const std::vector<std::string> k_names = {
      "drizzle.config.ts",  "drizzle.config.mts", "drizzle.config.cts", "drizzle.config.js",
      "drizzle.config.mjs", "drizzle.config.cjs", "drizzle.config.json"};
  return k_names;
}

std::optional<fs::path> find_drizzle_config(const fs::path& dir) {
  for (const std::string& name : drizzle_config_names()) {
    std::error_code ec;
    if (fs::is_regular_file(dir / name, ec)) {
      return dir / name;
    }
  }
  return std::nullopt;
}

DrizzleConfig scan_drizzle_config(std::string_view text) {
  const ts::LexResult lexed = ts::tokenize(std::string(text));
  return ConfigScanner(lexed.tokens).scan();
}

core::Result<DrizzleConfig> read_drizzle_config(const fs::path& file) {
  const auto content = core::read_file(file);
  if (!content) {
    return core::Error("cannot read drizzle config", {file.string(), 0, 0});
  }
  DrizzleConfig config = scan_drizzle_config(*content);
  config.file = file;
  return config;
}

std::string drizzle_out_dir(const DrizzleConfig& config) {
  std::string out(core::trim(config.out));
  if (out.empty()) {
    return std::string(k_drizzle_default_out);
  }
  const std::string normal = fs::path(out).lexically_normal().generic_string();
  std::string result = normal;
  while (result.size() > 1 && result.back() == '/') {
    result.pop_back();
  }
  return result.empty() || result == "." ? std::string(".") : result;
}

} // namespace pgadvise::loaders
