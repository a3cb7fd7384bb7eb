#pragma once

// The peer corpus's case files (fixtures/peers/<area>/<case>.sql): their
// format is described in tests/peers/peer_corpus_test.cpp. Shared by the
// file runs (peer_corpus_test) and the live runs (peer_corpus_live_test).

#include "support/files.hpp"

#include <algorithm>
#include <filesystem>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace peer_corpus {

namespace fs = std::filesystem;

struct PeerCase {
  std::string name; // <area>/<case>
  fs::path path;
};

// gtest prints a case by its name, not as its bytes.
inline void PrintTo(const PeerCase& c, std::ostream* out) {
  *out << c.name;
}

struct CaseFile {
  std::string name;
  std::string sql;
};

struct ParsedCase {
  std::vector<std::string> expected; // sorted rule ids, one per finding
  bool drizzle_kit = false;
  bool live = true; // "-- live: no ...": its files do not apply to an empty database
  std::vector<CaseFile> files;
};

inline fs::path corpus_root() {
  return fs::path(PGADVISE_SOURCE_DIR) / "fixtures" / "peers";
}

// Every case, <area>/<case>; _setup/ holds the shared earlier migrations.
inline std::vector<PeerCase> peer_cases() {
  std::vector<PeerCase> out;
  const fs::path root = corpus_root();
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    const fs::path relative = fs::relative(entry.path(), root);
    if (entry.is_regular_file() && entry.path().extension() == ".sql" && *relative.begin() != "_setup") {
      out.push_back({relative.parent_path().string() + "/" + relative.stem().string(), entry.path()});
    }
  }
  std::sort(out.begin(), out.end(), [](const PeerCase& a, const PeerCase& b) { return a.name < b.name; });
  return out;
}

inline std::string_view value_after(std::string_view line, std::string_view marker) {
  std::string_view value = line.substr(marker.size());
  while (!value.empty() && (value.front() == ' ' || value.back() == ' ' || value.back() == '\r')) {
    value = value.front() == ' ' ? value.substr(1) : value.substr(0, value.size() - 1);
  }
  return value;
}

inline ParsedCase parse_case(const std::string& text) {
  constexpr std::string_view k_expect = "-- expect:";
  constexpr std::string_view k_runner = "-- runner:";
  constexpr std::string_view k_file = "-- file:";
  constexpr std::string_view k_live = "-- live:";
  ParsedCase parsed;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) {
      end = text.size();
    }
    const std::string_view line(text.data() + start, end - start);
    if (line.rfind(k_file, 0) == 0) {
      const std::string_view value = value_after(line, k_file);
      const std::size_t shared = value.find(" = ");
      parsed.files.push_back({std::string(value.substr(0, shared)), {}});
      if (shared != std::string_view::npos) {
        parsed.files.back().sql = pgadvise::test::read_text(corpus_root() / value.substr(shared + 3));
      }
    } else if (!parsed.files.empty()) {
      parsed.files.back().sql.append(line).append("\n");
    } else if (line.rfind(k_expect, 0) == 0 && value_after(line, k_expect) != "nothing") {
      parsed.expected.emplace_back(value_after(line, k_expect));
    } else if (line.rfind(k_runner, 0) == 0) {
      parsed.drizzle_kit = value_after(line, k_runner) == "drizzle-kit";
    } else if (line.rfind(k_live, 0) == 0) {
      parsed.live = value_after(line, k_live).rfind("no", 0) != 0;
    }
    start = end + 1;
  }
  std::sort(parsed.expected.begin(), parsed.expected.end());
  return parsed;
}

} // namespace peer_corpus
