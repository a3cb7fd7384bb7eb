#pragma once

#include "model/workload.hpp"

#include <array>
#include <cstdint>
#include <vector>

namespace pgadvise::loaders {

// One run of a step in a group's ordered steps (a transaction, a burst of
// one session, or one request's statements on any connection): the raw
// material of an N+1 finding. What qualifies as an N+1 is the rule's call.
struct GroupRun {
  std::uint64_t id = 0;                 // the repeated step
  std::vector<std::uint32_t> positions; // its executions in the run, in order
  std::uint32_t unit = 1;               // steps in the repeating unit (several per row)
  bool request_repeat = false;          // the unit also runs whole elsewhere: a request repeated
  bool consecutive = false;             // one step per row, nothing in between
  bool interleaved = false;             // optional steps of a varying loop body in between
  // The different steps just before the run, nearest first, as `parents`
  // names them.
  std::array<std::uint64_t, model::Repeat::k_candidates> candidates{};
};

// The runs of `ids` (one identity per step: a statement's fingerprint, or
// a transaction's shape). `parents[i]` is what step i counts as when it is a
// run's candidate parent (a transaction's last statement, say); empty:
// `ids` itself.
//
// Two kinds of run:
// - a repeating unit: 1 to 8 different steps repeated back to back (one
//   lookup per row, tags and author per row, or a worker's seven
//   statements per row); every member is a run;
// - an interleaved run: one step at least three times, the steps between
//   two executions few (a varying loop body: labels for some cards, one of
//   two activity inserts) and never one of the steps just before the first
//   execution (that would be the parent again: the request repeated). It
//   replaces the unit runs of that step inside it when it holds more
//   executions than they do; in a connection's burst (several requests one
//   after another), only when they hold less than half of them.
// An order-independent hash of distinct parameter hashes: the same set in
// any order gives the same value (a loop over a constant list).
std::uint64_t params_set_hash(const std::vector<std::uint64_t>& values);

//
// `one_request`: the group is one transaction or one request's trace, so an
// interleaved run's loop body takes in the unit runs inside it.
std::vector<GroupRun> group_runs(const std::vector<std::uint64_t>& ids,
                                 const std::vector<std::uint64_t>& parents = {}, bool one_request = false);

} // namespace pgadvise::loaders
