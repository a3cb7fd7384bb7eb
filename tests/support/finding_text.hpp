#pragma once

#include "core/finding.hpp"

#include <string>

namespace pgadvise::test {

// Every member of a finding on one line each, for comparing two findings
// with one EXPECT_EQ that shows where they differ.
inline std::string finding_text(const core::Finding& f) {
  std::string out = "rule " + f.rule + "\nseverity " + std::string(core::to_string(f.severity)) +
                    "\nweight " + std::to_string(f.weight) + "\nmessage " + f.message + "\nhelp " +
                    std::string(f.help.view()) + "\nobject " + f.object.to_string() + "\nlocation " +
                    f.location.to_string() + "\n";
  for (const core::Evidence& e : f.evidence) {
    out += "evidence " + std::string(core::to_string(e.kind)) + " " + e.detail + " " +
           e.location.to_string() + "\n";
  }
  if (f.fix) {
    out += "fix " + f.fix->statements() + "|" + f.fix->code_text().str() + "|" +
           std::string(f.fix->safety_note.view()) + "|" + std::string(core::to_string(f.fix->kind())) + "|" +
           f.fix->code_file().str() + "|" + f.fix->code_table().str() + "|" +
           f.fix->migrate_commands().str() + "\n";
  }
  out += "fingerprint " + f.fingerprint + "\n";
  for (const std::string& id : f.rule_ids) {
    out += "rule_id " + id + "\n";
  }
  return out + "saving_ms " + std::to_string(f.saving_ms) + "\n";
}

} // namespace pgadvise::test
