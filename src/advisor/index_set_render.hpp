#pragma once

#include "advisor/index_set_candidates.hpp"
#include "model/catalog.hpp"
#include "model/live_analysis.hpp"

#include <set>
#include <string>
#include <vector>

namespace pgadvise::advisor {

// How an index of the workload's set is written for the user: its name
// (unique in the schema and in the set), CREATE INDEX with INCLUDE and
// WHERE, the Drizzle line, and the existing indexes it makes redundant.
class SetIndexNamer {
public:
  explicit SetIndexNamer(const model::Catalog& catalog) : m_catalog(catalog) {}
  std::string operator()(const SetCandidate& candidate);

private:
  const model::Catalog& m_catalog;
  std::set<std::string> m_names;
};

// The proposal of a set's index as per-finding advice writes one: table,
// columns, predicate, name, DDL and (with `drizzle`) the Drizzle line.
model::IndexProposal set_index_proposal(const SetCandidate& candidate, SetIndexNamer& namer, bool drizzle);

// Existing plain indexes the candidate answers every lookup of: a left
// prefix of it. Constraint indexes (primary key, unique), exclusion and
// replica-identity indexes stay whatever serves their lookups.
std::vector<std::string> made_redundant(const model::Catalog& catalog, const SetCandidate& candidate);

} // namespace pgadvise::advisor
