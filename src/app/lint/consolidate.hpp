#pragma once

#include "core/finding.hpp"
#include "core/finding_list.hpp"
#include "model/live_analysis.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

// One finding per problem: the post-pass that merges findings several rules
// made about the same fix, after the rules, the Drizzle-fix completion and
// the live confirmation ran.
namespace pgadvise::app {

// The parts of a proposed CREATE INDEX that decide whether two proposals are
// the same index: everything but the name, CONCURRENTLY and IF NOT EXISTS.
struct ProposedIndex {
  std::string table; // as written: schema-qualified and quoted when the DDL is
  std::string method = "btree";
  std::vector<std::string> columns; // key columns or expressions, as written
  std::string rest;                 // INCLUDE (...) / WHERE ..., as written; empty when none
  bool unique = false;
};

// Reads one `CREATE [UNIQUE] INDEX ... ON table [USING m] (cols) [rest];`
// statement; nullopt for anything else (several statements included).
std::optional<ProposedIndex> parse_proposed_index(std::string_view ddl);

// Merges findings that propose the same fix or whose index another
// finding's index serves:
// - the same fix: the same index on the same table (name, CONCURRENTLY and
//   IF NOT EXISTS aside), or the same statement otherwise (the same DROP
//   INDEX, the same column conversion); findings without a fix merge only
//   with the same rule and fingerprint (one object reported twice);
// - subsumed: a plain btree index whose columns lead another proposed
//   index on the same table (for a foreign key, in any order), or are all
//   of its keys when it has INCLUDE columns besides, is served by that
//   index, so only the larger one is proposed.
//
// A merged finding is its primary finding (rule, message, help, object,
// location and fingerprint are the primary's, so the fingerprint stays
// stable) with the highest severity of the group, every piece of evidence
// (duplicates dropped; each other finding's message becomes a "finding"
// evidence), `rule_ids` listing every rule (primary first), and the fix of
// the widest index. The primary is the finding that needs the fewest inputs
// -- a schema rule before a query rule before a plan rule (its fingerprint is
// the one a run without logs or a database reports too) -- then the most
// severe, then the first in report order.
//
// With a live analysis, a finding whose index a verified proposal matches
// gets that proposal's saving as `saving_ms`. Findings are then ranked:
// measured savings first (largest first), then by severity, keeping the
// previous order otherwise. Returns how many findings were merged away.
std::size_t consolidate_findings(std::vector<core::Finding>& findings, const model::LiveAnalysis* live);
// The same for a run's list: when its findings are spilled (no live
// analysis), each is read back once to key it, and only those that can
// merge (a key another shares, an index on a table where one proposed
// index may serve another) are read back together and merged.
std::size_t consolidate_findings(core::FindingList& findings, const model::LiveAnalysis* live);

} // namespace pgadvise::app
