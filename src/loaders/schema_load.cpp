#include "loaders/schema_load.hpp"

namespace pgadvise::loaders {

core::Finding make_diagnostic(std::string_view id, core::Severity severity, std::string message,
                              core::SourceLocation location, std::string help) {
  core::Finding finding;
  finding.rule = std::string(id);
  finding.severity = severity;
  finding.message = std::move(message);
  finding.help = std::move(help);
  finding.location = location;
  // Diagnostics are about a place, not an object: the file and the message
  // identify them across runs.
  finding.compute_fingerprint(
      core::FingerprintIdentity{.constraint = finding.location.file.str(), .discriminator = finding.message});
  return finding;
}

} // namespace pgadvise::loaders
