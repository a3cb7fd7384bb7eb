#include "reporters/formats.hpp"

#include <algorithm>

namespace pgadvise::reporters {

const std::vector<OutputFormat>& output_formats() {
  static const std::vector<OutputFormat> k_formats = {
      {.name = "text", .description = "text", .write = write_text},
      {.name = "json", .description = "json", .write = write_json},
      {.name = "html", .description = "html (one self-contained page)", .write = write_html},
      {.name = "sarif", .description = "sarif (code scanning)", .write = write_sarif},
      {.name = "github",
       .description = "github (workflow annotations)",
       .write = write_github,
       .step_summary = write_github_summary},
      {.name = "github-comment",
       .description = "github-comment (one Markdown comment for the pull request)",
       .write = write_github_comment},
      {.name = "gitlab", .description = "gitlab (Code Quality)", .write = write_gitlab},
      {.name = "junit", .description = "junit", .write = write_junit},
  };
  return k_formats;
}

const OutputFormat* find_output_format(std::string_view name) {
  const std::vector<OutputFormat>& formats = output_formats();
  const auto found =
      std::find_if(formats.begin(), formats.end(), [name](const OutputFormat& f) { return f.name == name; });
  return found == formats.end() ? nullptr : &*found;
}

} // namespace pgadvise::reporters
