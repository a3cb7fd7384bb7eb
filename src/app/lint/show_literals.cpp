#include "app/lint/show_literals.hpp"

#include "core/whitespace.hpp"

#include <map>
#include <string>
#include <utility>

namespace pgadvise::app {

namespace {

constexpr std::size_t k_max_shown_bytes = 2000;

std::string shown_example(const model::QueryStats& query) {
  std::string text = core::collapse_whitespace(query.example, k_max_shown_bytes);
  if (!query.example_params.empty()) {
    text += "  -- parameters: " + core::collapse_whitespace(query.example_params, k_max_shown_bytes);
  }
  return text;
}

} // namespace

void add_literal_examples(std::vector<core::Finding>& findings, const model::Workload& workload) {
  // A query evidence line points at the query's first execution; that
  // location identifies the query.
  std::map<std::pair<std::string, int>, const model::QueryStats*> by_location;
  for (const model::QueryStats& query : workload.queries) {
    if (query.first_seen.known() && !query.example.empty()) {
      by_location.emplace(std::make_pair(query.first_seen.file, query.first_seen.line), &query);
    }
  }
  for (core::Finding& finding : findings) {
    std::vector<core::Evidence> evidence;
    evidence.reserve(finding.evidence.size());
    for (core::Evidence& item : finding.evidence) {
      const bool cites_query = item.kind == core::Evidence::Kind::query && item.location.known();
      const auto found =
          cites_query ? by_location.find({item.location.file, item.location.line}) : by_location.end();
      const core::SourceLocation location = item.location;
      evidence.push_back(std::move(item));
      if (found != by_location.end()) {
        evidence.push_back(
            core::Evidence{core::Evidence::Kind::example, shown_example(*found->second), location});
      }
    }
    finding.evidence = std::move(evidence);
  }
}

} // namespace pgadvise::app
