#include "app/scope/baseline.hpp"

#include "core/file.hpp"

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <tuple>

namespace pgadvise::app {

namespace {

using nlohmann::json;

core::Error bad(const std::filesystem::path& path, const std::string& what) {
  return core::Error(what + " (expected a baseline written by `pgadvise baseline`)", {path.string(), 0, 0});
}

// A finding's fingerprint, computed when it came without one.
std::string fingerprint_of(const core::Finding& finding) {
  if (!finding.fingerprint.empty()) {
    return finding.fingerprint;
  }
  core::Finding copy = finding;
  copy.compute_fingerprint();
  return copy.fingerprint;
}

} // namespace

Baseline make_baseline(const core::FindingList& findings) {
  Baseline baseline;
  for (const core::Finding& finding : findings.loaded()) {
    BaselineEntry entry;
    entry.fingerprint = fingerprint_of(finding);
    entry.rule = finding.rule;
    entry.object = finding.object.to_string();
    entry.location = finding.location.known() ? finding.location.to_string() : std::string();
    baseline.entries.push_back(std::move(entry));
  }
  // Sorted by what a reviewer looks for, so a re-recorded baseline diffs well.
  std::sort(baseline.entries.begin(), baseline.entries.end(),
            [](const BaselineEntry& a, const BaselineEntry& b) {
              return std::tie(a.rule, a.object, a.fingerprint, a.location) <
                     std::tie(b.rule, b.object, b.fingerprint, b.location);
            });
  return baseline;
}

void write_baseline(std::ostream& out, const Baseline& baseline) {
  // ordered_json: the header reads first, each entry's fingerprint before the rest.
  nlohmann::ordered_json entries = nlohmann::ordered_json::array();
  for (const BaselineEntry& entry : baseline.entries) {
    nlohmann::ordered_json item = {
        {"fingerprint", entry.fingerprint}, {"rule", entry.rule}, {"object", entry.object}};
    if (!entry.location.empty()) {
      item["location"] = entry.location;
    }
    entries.push_back(std::move(item));
  }
  const nlohmann::ordered_json document = {{"tool", "pgadvise"},
                                           {"kind", "baseline"},
                                           {"version", Baseline::k_version},
                                           {"findings", std::move(entries)}};
  out << document.dump(2) << "\n";
}

core::Result<Baseline> read_baseline(const std::filesystem::path& path) {
  auto text = core::read_file(path);
  if (!text) {
    return text.error();
  }
  json document;
  try {
    document = json::parse(*text);
  } catch (const json::parse_error& e) {
    return bad(path, std::string("not JSON: ") + e.what());
  }
  if (!document.is_object() || document.value("kind", "") != "baseline") {
    return bad(path, "not a pgadvise baseline");
  }
  if (!document.contains("version") || !document["version"].is_number_integer() ||
      document["version"].get<int>() != Baseline::k_version) {
    return bad(path, "unsupported baseline version " +
                         (document.contains("version") ? document["version"].dump() : std::string("(none)")) +
                         "; this pgadvise reads version " + std::to_string(Baseline::k_version));
  }
  if (!document.contains("findings") || !document["findings"].is_array()) {
    return bad(path, "no \"findings\" array");
  }
  Baseline baseline;
  std::size_t index = 0;
  for (const json& item : document["findings"]) {
    if (!item.is_object() || !item.contains("fingerprint") || !item["fingerprint"].is_string()) {
      return bad(path, "findings[" + std::to_string(index) + "] has no string \"fingerprint\"");
    }
    BaselineEntry entry;
    entry.fingerprint = item["fingerprint"].get<std::string>();
    entry.rule = item.value("rule", "");
    entry.object = item.value("object", "");
    entry.location = item.value("location", "");
    baseline.entries.push_back(std::move(entry));
    ++index;
  }
  return baseline;
}

std::size_t drop_baselined(core::FindingList& findings, const Baseline& baseline) {
  std::map<std::string, std::size_t> remaining;
  for (const BaselineEntry& entry : baseline.entries) {
    ++remaining[entry.fingerprint];
  }
  return findings.remove_if([&](core::FindingList::Entry& entry) {
    auto it = remaining.find(fingerprint_of(*entry.finding()));
    if (it == remaining.end() || it->second == 0) {
      return false;
    }
    --it->second;
    return true;
  });
}

} // namespace pgadvise::app
