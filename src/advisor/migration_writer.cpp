#include "advisor/migration_writer.hpp"

#include "advisor/index_ddl.hpp"
#include "core/format.hpp"
#include "core/text.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>

namespace pgadvise::advisor {

namespace {

constexpr std::size_t k_max_query_chars = 160;

bool included(const model::IndexProposal& proposal) {
  return proposal.verified || proposal.method == model::VerifyMethod::none;
}

// One comment line: newlines folded, long text cut.
std::string comment_text(std::string_view text) {
  std::string out;
  bool blank = false;
  for (char c : text) {
    const bool space = c == '\n' || c == '\r' || c == '\t' || c == ' ';
    if (space) {
      blank = !out.empty();
      continue;
    }
    if (blank) {
      out += ' ';
      blank = false;
    }
    out += c;
  }
  if (out.size() > k_max_query_chars) {
    out = core::truncate_identifier(out, k_max_query_chars) + " ...";
  }
  return out;
}

std::string verification_comment(const model::IndexProposal& proposal) {
  if (proposal.method == model::VerifyMethod::none) {
    return "not verified" + (proposal.note.empty() ? std::string() : ": " + proposal.note);
  }
  std::string out = std::string(proposal.method == model::VerifyMethod::hypopg
                                    ? "verified with HypoPG"
                                    : "verified with a real index (rolled back)") +
                    ": planner cost " + core::group_digits(std::llround(proposal.cost_before)) + " -> " +
                    core::group_digits(std::llround(proposal.cost_after)) + " (-" +
                    core::percent(std::max(proposal.cost_saving(), 0.0)) + ")";
  if (proposal.ms_before && proposal.ms_after) {
    out += ", measured " + core::human_duration_ms(*proposal.ms_before) + " -> " +
           core::human_duration_ms(*proposal.ms_after);
  }
  return out;
}

} // namespace

std::size_t migration_index_count(const model::LiveAnalysis& live) {
  return static_cast<std::size_t>(std::count_if(live.proposals.begin(), live.proposals.end(), included));
}

std::string render_migration(const model::LiveAnalysis& live, const model::Workload* workload,
                             const MigrationOptions& options) {
  std::string out = "-- Indexes proposed by pgadvise";
  if (!options.database.empty()) {
    out += " from a live analysis of " + options.database;
  }
  out += " (" + std::to_string(migration_index_count(live)) + ").\n";
  out += "-- " + concurrently_safety_note("CREATE INDEX") + "\n";
  bool first = true;
  for (const model::IndexProposal& proposal : live.proposals) {
    if (!included(proposal)) {
      continue;
    }
    out += "\n";
    if (!first && options.drizzle) {
      out += "--> statement-breakpoint\n";
    }
    first = false;
    out += "-- " + proposal.name + " on " + core::qualified_name(proposal.schema, proposal.table) +
           " serves " + std::to_string(proposal.serves.size()) +
           (proposal.serves.size() == 1 ? " query:\n" : " queries:\n");
    for (std::uint64_t fingerprint : proposal.serves) {
      const model::QueryStats* query = workload != nullptr ? workload->find(fingerprint) : nullptr;
      if (query == nullptr) {
        continue;
      }
      out += "--   " + comment_text(query->normalized) + " (" +
             core::group_digits(static_cast<std::int64_t>(query->calls)) +
             (query->calls == 1 ? " call" : " calls");
      if (query->total_ms > 0) {
        out += ", " + core::human_duration_ms(query->total_ms) + " total";
      }
      out += ")\n";
    }
    out += "-- " + verification_comment(proposal) + "\n";
    if (proposal.estimated_saving_ms > 0) {
      out += "-- saves about " + core::human_duration_ms(proposal.estimated_saving_ms) +
             " of the workload's time";
      if (proposal.writes > 0) {
        out +=
            "; cost: " + core::group_digits(proposal.writes) + " row writes to the table keep it up to date";
      }
      out += "\n";
    }
    if (options.drizzle && !proposal.drizzle.empty()) {
      out += "-- Drizzle: " + proposal.drizzle + "\n";
    }
    out += proposal.ddl + "\n";
  }
  return out;
}

core::Result<std::size_t> write_migration(const std::filesystem::path& path, const std::string& text) {
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  if (!file) {
    return core::Error("cannot write " + path.string() + ": " + std::strerror(errno));
  }
  file << text;
  file.flush();
  if (!file) {
    return core::Error("cannot write " + path.string() + ": " + std::strerror(errno));
  }
  return text.size();
}

} // namespace pgadvise::advisor
