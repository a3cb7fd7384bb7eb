#pragma once

#include <fstream>
#include <ostream>
#include <string>

namespace pgadvise::app {

// --format of the commands that write one document (explain, schema,
// merge); each accepts the ones it can write. lint's formats are
// reporters::OutputFormat.
enum class DocumentFormat { text, json, html };

// Where a command writes its report: `path` (opened into `file`), or
// `fallback` when no path was given. nullptr, with a message on `err`, when
// the file cannot be written (the caller exits with a usage error).
inline std::ostream* report_output(const std::string& path, std::ofstream& file, std::ostream& fallback,
                                   std::ostream& err) {
  if (path.empty()) {
    return &fallback;
  }
  file.open(path);
  if (!file) {
    err << "pgadvise: cannot write " << path << "\n";
    return nullptr;
  }
  return &file;
}

} // namespace pgadvise::app
