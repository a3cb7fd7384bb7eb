#pragma once

#include "loaders/schema_load.hpp"

#include <algorithm>
#include <string>
#include <vector>

// Two schema loads compared in full: every table (every field, as
// model::Table compares), the enums and schemas, the diagnostics, the
// suppressions, the notes and counts. The schema.ts cache's tests and fuzz
// target compare a read that took tables from the read before with a fresh
// read of the same text by it.
namespace pgadvise::loaders::test_support {

// The first difference, named; empty when the loads are the same.
inline std::string load_difference(const SchemaLoad& kept, const SchemaLoad& fresh) {
  const model::Catalog& a = kept.catalog;
  const model::Catalog& b = fresh.catalog;
  if (a.tables.size() != b.tables.size()) {
    return "tables " + std::to_string(a.tables.size()) + " != " + std::to_string(b.tables.size());
  }
  for (std::size_t t = 0; t < a.tables.size(); ++t) {
    if (!(a.tables[t] == b.tables[t])) {
      return "table " + std::string(b.tables[t].name) + " (" + std::to_string(t) + ") at " +
             a.tables[t].location.to_string() + " / " + b.tables[t].location.to_string();
    }
  }
  if (!(a.enums == b.enums) || a.schemas != b.schemas || a.source_description != b.source_description) {
    return "enums, schemas or source";
  }
  const auto lines = [](const SchemaLoad& load) {
    std::vector<std::string> out;
    for (const core::Finding& diagnostic : load.diagnostics) {
      out.push_back(diagnostic.rule + " " + diagnostic.message + " at " + diagnostic.location.to_string());
    }
    for (const core::Suppression& suppression : load.suppressions.entries()) {
      std::string line = "suppression " + suppression.file + " " + std::to_string(suppression.first_line) +
                         "-" + std::to_string(suppression.last_line) + " from " +
                         std::to_string(suppression.directive_line) +
                         (suppression.whole_file ? " file " : " ") + suppression.reason;
      for (const std::string& rule : suppression.rules) {
        line += " " + rule;
      }
      out.push_back(line);
    }
    out.insert(out.end(), load.notes.begin(), load.notes.end());
    out.push_back("unresolved " + std::to_string(load.unresolved_constructs) + ", statements " +
                  std::to_string(load.statements) + ", files " + std::to_string(load.files_read));
    return out;
  };
  const std::vector<std::string> x = lines(kept);
  const std::vector<std::string> y = lines(fresh);
  for (std::size_t i = 0; i < std::max(x.size(), y.size()); ++i) {
    const std::string left = i < x.size() ? x[i] : "(none)";
    const std::string right = i < y.size() ? y[i] : "(none)";
    if (left != right) {
      return left + "\n  != " + right;
    }
  }
  return {};
}

} // namespace pgadvise::loaders::test_support
