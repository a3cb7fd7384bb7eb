#pragma once

#include "model/live_analysis.hpp"
#include "pg/connection.hpp"
#include "pg/explain.hpp"

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace pgadvise::advisor {

// Checks a proposed index before pgadvise prints it.
//
// hypopg: HypoPG's hypothetical index (backend memory only, nothing is
//   written; hypopg_create_index works in a default_transaction_read_only
//   session, checked by tests/advisor/live_advisor_test.cpp), planner cost
//   of every served query before and after. Needs `CREATE EXTENSION hypopg`
//   in the target database; pgadvise does not create it.
// real: for staging only, on a session opened with read_only = false:
//   BEGIN; EXPLAIN ANALYZE each served SELECT; CREATE INDEX (not
//   concurrently, so it is transactional); EXPLAIN ANALYZE again; ROLLBACK.
//   The CREATE INDEX holds a SHARE lock on the table until the rollback,
//   and waits at most lock_timeout for it.
//
// A proposal is verified when the planner uses the index and the summed
// cost (real: measured time) drops by at least min_saving.
enum class VerifyMode { none, hypopg, real };
// The --verify spelling: "none", "hypopg", "real".
std::string_view to_string(VerifyMode mode);

struct VerifyOptions {
  VerifyMode mode = VerifyMode::hypopg;
  double min_saving = 0.5;
};

// True for a GIN proposal (its DDL says USING gin). HypoPG 1.3 refuses GIN
// ("access method \"gin\" is not supported"), so verify_with_hypopg leaves
// it unverified with a note; verify_for_real checks it.
bool uses_gin(const model::IndexProposal& proposal);

// Whether the hypopg extension is installed in the connected database.
bool hypopg_available(pg::Connection& connection);

// CREATE INDEX name ON table (cols) [WHERE pred] -- the plain form HypoPG
// and the rolled-back real verification take: the proposal's DDL without
// CONCURRENTLY and IF NOT EXISTS when it has one (expression keys, USING
// gin and operator classes kept), else built from the columns.
std::string plain_create_index(const model::IndexProposal& proposal);

// Verifies one proposal against the queries it serves (requests by
// fingerprint). Fills method, cost_before/after, ms_before/after,
// used_by_planner, verified and note; never throws.
void verify_with_hypopg(pg::Connection& connection, model::IndexProposal& proposal,
                        const std::map<std::uint64_t, pg::ExplainRequest>& requests, double min_saving);
void verify_for_real(pg::Connection& connection, model::IndexProposal& proposal,
                     const std::map<std::uint64_t, pg::ExplainRequest>& requests, double min_saving);

// Every proposal with the chosen method. `connection` must be a read-write
// session for VerifyMode::real (pg::ConnectOptions::read_only = false).
// Adds a note when the method is unavailable.
void verify_proposals(pg::Connection& connection, std::vector<model::IndexProposal>& proposals,
                      const std::map<std::uint64_t, pg::ExplainRequest>& requests,
                      const VerifyOptions& options, std::vector<std::string>& notes);

} // namespace pgadvise::advisor
