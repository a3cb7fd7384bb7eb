#include "core/format.hpp"
#include "engine/rule.hpp"

#include <algorithm>
#include <cstdio>
#include <map>
#include <memory>

namespace pgadvise::rules {

namespace {

constexpr std::string_view k_id = "no-connection-pooling";

struct AppSessions {
  std::uint64_t sessions = 0;
  std::vector<double> durations;
};

std::string fixed1(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.1f", value);
  return buffer;
}

class NoConnectionPooling final : public engine::Rule {
public:
  NoConnectionPooling()
      : Rule({
            .id = std::string(k_id),
            .summary =
                "Many short database sessions: the application connects per request instead of pooling",
            .category = engine::Category::query,
            .default_severity = core::Severity::high,
            .inputs = {engine::Input::workload},
            .has_fix = true,
            .options = {{"min-sessions", "20",
                         "Sessions (connections) the logs must show before the rule judges"},
                        {"min-connections-per-second", "1",
                         "Report when new connections arrive at least this often"},
                        {"max-median-session-ms", "1000",
                         "and the median session is at most this long (ms)"}},
            .fix_applicability = core::FixApplicability::manual,
        }) {}

  void check(const engine::RuleContext& context, core::FindingSink& out) const override {
    if (context.workload == nullptr) {
      return;
    }
    const model::Workload& workload = *context.workload;
    if (std::any_of(workload.sources.begin(), workload.sources.end(),
                    [](const model::WorkloadSource& source) {
                      return source.kind == model::WorkloadSourceKind::pgbouncer_log;
                    })) {
      // A pooler's log was given: the application pools; its clients log in
      // to PgBouncer and PostgreSQL sees the pool's connections.
      return;
    }
    const model::ConnectionStats& stats = workload.connections;
    const std::uint64_t connections = std::max(stats.connections_authorized, stats.connections_received);
    const double rate = stats.connections_per_second();
    const std::optional<double> median = stats.median_session_ms();
    if (connections < static_cast<std::uint64_t>(std::max(1L, context.options.get_int("min-sessions"))) ||
        rate < context.options.get_double("min-connections-per-second") || !median ||
        *median > context.options.get_double("max-median-session-ms")) {
      return;
    }
    core::Finding finding;
    finding.rule = std::string(k_id);
    finding.severity = context.severity;
    if (!workload.sessions.empty()) {
      finding.location = workload.sessions.front().location;
      finding.object.schema = workload.sessions.front().database;
    } else if (!workload.sources.empty()) {
      finding.location = core::SourceLocation{workload.sources.front().path, 1, 0};
    }
    finding.message = core::group_digits(static_cast<std::int64_t>(connections)) + " connections at " +
                      fixed1(rate) + " per second (" + fixed1(rate * 60) + " per minute), median session " +
                      (*median < 1e12 ? "under " + core::human_duration_ms(*median) : std::string("long")) +
                      ": the application opens a connection per request";
    finding.help =
        "Each PostgreSQL connection is a new server process: authentication, fork and a cold cache "
        "cost milliseconds, often more than the queries the session runs, and bursts of connections "
        "exhaust max_connections. Keep connections open in a pool: the driver's pool in a long-lived "
        "process (node-postgres `new Pool({ max })` created once, not per request; postgres.js pools "
        "by default when `postgres()` is called once), or PgBouncer in transaction pooling mode in "
        "front of the database for serverless and many-process deployments.";
    finding.evidence.push_back(core::Evidence{
        core::Evidence::Kind::log,
        core::group_digits(static_cast<std::int64_t>(connections)) + " connections authorized, " +
            core::group_digits(static_cast<std::int64_t>(stats.disconnections)) +
            " disconnections; median session length under " + core::human_duration_ms(*median),
        finding.location});
    add_application_evidence(workload, finding);
    core::Fix fix;
    // One pool per process, in the application.
    core::CodeChange& code = fix.change.emplace<core::CodeChange>();
    fix.safety_note = "PgBouncer transaction pooling: session state (SET, advisory locks, LISTEN, temporary "
                      "tables, and server-side prepared statements before PgBouncer 1.21 with "
                      "max_prepared_statements) does not survive between transactions.";
    code.code = context.project != nullptr && context.project->uses_drizzle
                    ? "// create the pool once per process and share it:\n"
                      "const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: 10 });\n"
                      "export const db = drizzle(pool);"
                    : std::string();
    finding.fix = std::move(fix);
    finding.compute_fingerprint("connections");
    out.push_back(std::move(finding));
  }

private:
  // Which clients connect the most: user@database and application name.
  static void add_application_evidence(const model::Workload& workload, core::Finding& finding) {
    std::map<std::string, AppSessions> by_app;
    for (const model::SessionRecord& session : workload.sessions) {
      AppSessions& app = by_app[session.user + "@" + session.database +
                                (session.application.empty() ? "" : " (" + session.application + ")")];
      ++app.sessions;
      if (session.duration_ms) {
        app.durations.push_back(*session.duration_ms);
      }
    }
    std::vector<std::pair<std::string, AppSessions>> apps(by_app.begin(), by_app.end());
    std::sort(apps.begin(), apps.end(),
              [](const auto& a, const auto& b) { return a.second.sessions > b.second.sessions; });
    for (std::size_t i = 0; i < std::min<std::size_t>(3, apps.size()); ++i) {
      auto& [name, app] = apps[i];
      std::string detail = name + ": " + core::group_digits(static_cast<std::int64_t>(app.sessions)) +
                           (app.sessions == 1 ? " session" : " sessions");
      if (!app.durations.empty()) {
        std::sort(app.durations.begin(), app.durations.end());
        detail += ", median " + core::human_duration_ms(app.durations[(app.durations.size() - 1) / 2]);
      }
      finding.evidence.push_back(core::Evidence{core::Evidence::Kind::log, detail, {}});
    }
  }
};

} // namespace

std::unique_ptr<engine::Rule> make_no_connection_pooling() {
  return std::make_unique<NoConnectionPooling>();
}

} // namespace pgadvise::rules
