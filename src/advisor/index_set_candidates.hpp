#pragma once

#include "advisor/index_advisor.hpp"
#include "model/catalog.hpp"
#include "model/workload.hpp"

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace pgadvise::advisor {

// The indexes the workload-level search (index_set_search) may choose
// from, gathered from every query of the workload:
//
// - each column a query filters (=, IN, IS NULL), ranges over, joins on or
//   sorts by under a LIMIT, alone (Extend's single-column start); and the
//   columns of each foreign key between two tables the query reads (their
//   join, however the query names its columns);
// - each query's own composite index, as the per-finding advice builds it
//   (index_advisor: equality columns by selectivity, the range column, the
//   ORDER BY of a LIMIT query, a selective IS [NOT] NULL made the partial
//   predicate), so the set can always do what the per-finding advice does;
// - that composite with the other columns the query reads from the table
//   (the select list, GROUP BY), for an index-only scan: INCLUDE columns,
//   or trailing keys for Drizzle projects (Drizzle has no INCLUDE);
// - expression keys (lower(email), settings ->> 'theme'), and, for a query
//   that filters on several expressions of one table, one index over them;
// - GIN for jsonb containment and key tests, which HypoPG cannot simulate:
//   those go to `not_costed`, never into the search.
//
// The search grows candidates column by column (`growth`): a key that some
// query uses together with the index's leading key is appended.
struct SetKey {
  std::string column;                  // a plain column, or empty for an expression
  std::string element;                 // the expression element as SQL: "lower(email)", "(settings ->> 'k')"
  std::string drizzle_key;             // Drizzle .on() argument for an expression
  std::vector<std::string> name_parts; // words for the index name
  std::vector<std::string> reads;      // the table columns it reads

  [[nodiscard]] std::string sql() const; // the index element: quoted column or the expression
  [[nodiscard]] bool operator==(const SetKey& other) const {
    return column == other.column && element == other.element;
  }
};

struct SetCandidate {
  const model::Table* table = nullptr; // in the catalog given
  std::vector<SetKey> keys;
  std::vector<std::string> include; // INCLUDE columns
  std::string predicate;            // partial index WHERE text; empty when none
  std::string method = "btree";

  // What makes two candidates the same index (name aside).
  [[nodiscard]] std::string identity() const;
  // Every table column the index holds or tests: keys, INCLUDE, predicate.
  [[nodiscard]] std::vector<std::string> columns() const;
  // The plain-column keys, in order (up to the first expression).
  [[nodiscard]] std::vector<std::string> key_columns() const;
  [[nodiscard]] bool plain() const; // every key a plain column
  // As a catalog index, for the prefix and redundancy questions of index_match.
  [[nodiscard]] model::Index as_index(std::string name = {}) const;
  // CREATE INDEX name ON t [USING m] (keys) [INCLUDE (...)] [WHERE ...], the
  // plain form HypoPG takes.
  [[nodiscard]] std::string create_sql(std::string_view name) const;
};

struct CandidateOptions {
  // Smaller tables are left out; filter-on-unindexed-column's min-rows. The
  // what-if costs judge the rest: a scan of a few pages costs little.
  double min_table_rows = 1'000;
  std::size_t max_width = 4;    // keys + INCLUDE columns
  std::size_t max_covering = 3; // columns added for an index-only scan
  bool drizzle = false;         // covering columns become keys (no INCLUDE in Drizzle)
  AdvisorOptions advisor;       // the per-query composite's rules
};

// The candidates and what the search needs to grow them.
class CandidatePool {
public:
  // Adds `candidate` unless an identical one is there; its id either way.
  std::size_t add(SetCandidate candidate);
  [[nodiscard]] const SetCandidate& operator[](std::size_t id) const { return m_list[id]; }
  [[nodiscard]] std::size_t size() const { return m_list.size(); }
  [[nodiscard]] const std::vector<SetCandidate>& list() const { return m_list; }
  [[nodiscard]] std::optional<std::size_t> find(const SetCandidate& candidate) const;

  // Keys some query uses on `table` (schema.table), with the leading keys of
  // the queries that use each: candidate.keys + [key] is a growth step when
  // a query uses both the index's first key and `key`.
  struct Growth {
    SetKey key;
    std::vector<std::string> with; // sql() of keys used in the same query on the same table
  };
  std::map<std::string, std::vector<Growth>> growth; // by schema.table
  // The candidates each workload query could use (by its position in the
  // query list given to generate_candidates).
  std::vector<std::vector<std::size_t>> relevant;
  // Indexes no what-if cost exists for (GIN), one per (table, element),
  // with the queries they serve.
  struct Uncosted {
    SetCandidate candidate;
    std::vector<std::uint64_t> serves;
  };
  std::vector<Uncosted> not_costed;

private:
  std::vector<SetCandidate> m_list;
  std::map<std::string, std::size_t> m_ids;
};

// The candidates of every query in `queries`; tables below min_table_rows
// and candidates an existing valid index already answers (the same keys, or
// a left prefix of it) are left out.
CandidatePool generate_candidates(const std::vector<const model::QueryStats*>& queries,
                                  const model::Catalog& catalog, const CandidateOptions& options = {});

// An existing valid index already does the candidate's work: it has the
// same definition, the candidate is a left prefix of it, or the candidate's
// keys start with a unique key's (a lookup finds one row either way).
// Such candidates are never offered; a hypothetical copy of an existing
// index would only win on HypoPG's size estimate.
bool redundant_with_existing(const model::Catalog& catalog, const SetCandidate& candidate);

// The candidate grown by one key, if the key fits (not already in it, width).
std::optional<SetCandidate> grow(const SetCandidate& candidate, const SetKey& key, std::size_t max_width);

// Two btree indexes of one table with the same predicate overlap when one's
// keys are a left prefix of the other's and one holds every column of the
// other (keys and INCLUDE): (a, b) and (a) INCLUDE (b, c). Either answers
// the other's lookups from its leaf pages. Their merge is the longer keys
// with both's INCLUDE columns, (a, b) INCLUDE (c); nullopt when they do
// not overlap or the merge is wider than max_width.
bool overlapping(const SetCandidate& a, const SetCandidate& b);
std::optional<SetCandidate> merged(const SetCandidate& a, const SetCandidate& b, std::size_t max_width);

// The key of a qualified table in CandidatePool::growth: "schema.table".
std::string table_key(const model::Table& table);

} // namespace pgadvise::advisor
