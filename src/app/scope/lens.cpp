#include "app/scope/lens.hpp"

#include "core/text.hpp"
#include "engine/rule.hpp"
#include "rules/registry.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <map>
#include <unordered_set>

namespace pgadvise::app {

namespace {

namespace fs = std::filesystem;

// The journal tag a migration file stands for: `0003_grey_jazinda.sql` or
// drizzle-kit 1.0's `20250101000000_name/migration.sql`.
std::string tag_of(const std::string& file) {
  const fs::path path(file);
  if (path.filename() == "migration.sql" && path.has_parent_path()) {
    return path.parent_path().filename().string();
  }
  return path.stem().string();
}

bool applied(const model::MigrationLedger& ledger, const model::MigrationFile& file) {
  return std::any_of(ledger.applied.begin(), ledger.applied.end(), [&](const model::AppliedMigration& a) {
    return (a.created_at && *a.created_at == file.when) ||
           (!a.hash.empty() && (a.hash == file.hash || a.hash == file.hash_lf));
  });
}

engine::Lens lens_of(const std::string& rule_id) {
  const engine::Rule* rule = rules::find_rule(rule_id);
  return rule == nullptr ? engine::Lens::state : rule->meta().lens;
}

core::Severity effective_severity(const std::string& rule_id, const core::Settings& settings) {
  if (auto it = settings.severity_overrides.find(rule_id); it != settings.severity_overrides.end()) {
    return it->second;
  }
  const engine::Rule* rule = rules::find_rule(rule_id);
  return rule == nullptr ? core::Severity::medium : rule->meta().default_severity;
}

// The first few of `items`, joined; `rest` is how many were left out.
std::string first_few(const std::vector<std::string>& items, std::size_t& rest) {
  constexpr std::size_t k_shown = 3;
  const std::size_t shown = std::min(k_shown, items.size());
  rest = items.size() - shown;
  return core::join(
      std::vector<std::string>(items.begin(), items.begin() + static_cast<std::ptrdiff_t>(shown)), ", ");
}

// A few names and how many more: "users, teams, tasks and 12 more tables".
std::string some_tables(const std::vector<std::string>& tables) {
  std::size_t rest = 0;
  const std::string out = first_few(tables, rest);
  return rest > 0 ? out + " and " + core::plural(rest, "more table") : out;
}

// A few file names and how many more: "a.sql, b.sql, c.sql and 17 more".
std::string some_files(const std::vector<std::string>& files) {
  std::size_t rest = 0;
  const std::string out = first_few(files, rest);
  return rest > 0 ? out + " and " + std::to_string(rest) + " more" : out;
}

// One low finding for a convention rule's instances in applied migrations.
core::Finding summary_of(const std::string& rule_id, const std::vector<core::Finding>& instances) {
  std::vector<std::string> tables;      // in their first instance's order
  std::unordered_set<std::string> seen; // 9,900 instances at 10,000 tables: no scan of `tables` each
  for (const core::Finding& f : instances) {
    std::string table = f.object.table;
    if (!f.object.schema.empty() && f.object.schema != "public") {
      table = f.object.schema + "." + table;
    }
    if (!table.empty() && seen.insert(table).second) {
      tables.push_back(std::move(table));
    }
  }
  const engine::Rule* rule = rules::find_rule(rule_id);
  core::Finding summary;
  summary.rule = rule_id;
  summary.severity = core::Severity::low;
  summary.message = (rule != nullptr ? rule->meta().summary : rule_id) + ": " +
                    core::plural(instances.size(), "existing column") + ", from migrations already applied" +
                    (tables.empty() ? std::string() : ", on " + some_tables(tables));
  // Mid-sentence, a summary's capital goes ("Existing primary key on a
  // serial column"); an acronym's stays ("Existing UUID ...").
  std::string kind = rule != nullptr ? rule->meta().summary : rule_id;
  if (kind.size() > 1 && std::isupper(static_cast<unsigned char>(kind[0])) != 0 &&
      std::islower(static_cast<unsigned char>(kind[1])) != 0) {
    kind[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(kind[0])));
  }
  summary.help = "Existing " + kind +
                 ": changing these columns now rewrites or locks each table (or takes a careful "
                 "multi-step change) for a convention, which is rarely worth it on tables that work. New "
                 "columns in new migrations are still reported one by one; --all-migrations (or "
                 "all_migrations = true in .pgadvise.toml) lists each existing one with its fix.";
  for (const core::Finding& f : instances) {
    summary.evidence.push_back({core::Evidence::Kind::existing, f.message, f.location});
  }
  // At the first instance, so every report (the text row, SARIF, annotations)
  // points somewhere real; the evidence holds every one.
  if (!instances.empty()) {
    summary.location = instances.front().location;
  }
  summary.compute_fingerprint("existing-columns");
  return summary;
}

} // namespace

std::set<std::string> pending_migrations(const std::vector<std::string>& migrations,
                                         const model::MigrationLedger& ledger) {
  std::set<std::string> applied_tags;
  for (const model::MigrationFile& file : ledger.files) {
    if (applied(ledger, file)) {
      applied_tags.insert(file.tag);
    }
  }
  std::set<std::string> pending;
  for (const std::string& file : migrations) {
    if (applied_tags.count(tag_of(file)) == 0) {
      pending.insert(file);
    }
  }
  return pending;
}

std::size_t mark_tables_pending_migrations_create(model::Catalog& files, const std::set<std::string>& created,
                                                  const std::set<std::string>& pending) {
  std::size_t marked = 0;
  for (model::MigrationStep& step : files.migration_steps) {
    if (step.table_is_new || pending.count(step.location.file) == 0) {
      continue;
    }
    if (const model::Table* table = files.find_table(step.schema, step.table);
        table != nullptr && created.count(table->qualified()) > 0) {
      step.table_is_new = true;
      ++marked;
    }
  }
  return marked;
}

LensOutcome apply_lens(core::FindingList& findings, const LensScope& scope, const core::Settings& settings) {
  LensOutcome outcome;
  if (scope.basis == LensBasis::all) {
    return outcome;
  }
  std::set<std::string> migrations(scope.migrations.begin(), scope.migrations.end());
  for (const std::vector<std::string>& folder : scope.other_migrations) {
    migrations.insert(folder.begin(), folder.end());
  }
  outcome.files_not_judged = static_cast<std::size_t>(
      std::count_if(migrations.begin(), migrations.end(),
                    [&](const std::string& file) { return scope.judged.count(file) == 0; }));
  std::map<std::string, std::vector<core::Finding>> existing; // convention rule -> instances
  findings.remove_if([&](core::FindingList::Entry& finding) {
    const std::string& rule = finding.rule();
    const engine::Lens lens = lens_of(rule);
    if (lens == engine::Lens::state || migrations.count(finding.file()) == 0 ||
        scope.judged.count(finding.file()) > 0) {
      return false;
    }
    if (lens == engine::Lens::convention) {
      if (finding.severity() > effective_severity(rule, settings)) {
        return false; // measured sizes made it a cost now
      }
      if (scope.basis != LensBasis::changed) {
        std::vector<core::Finding>& instances = existing[rule];
        instances.push_back(finding.take());
        ++outcome.summarized;
        return true;
      }
    }
    ++outcome.dropped;
    return true;
  });
  if (core::Severity::low >= settings.min_severity) {
    for (const auto& [rule, instances] : existing) {
      findings.push_back(summary_of(rule, instances));
    }
  }
  findings.sort();
  return outcome;
}

LensOutcome apply_lens(std::vector<core::Finding>& findings, const LensScope& scope,
                       const core::Settings& settings) {
  core::FindingList list(std::move(findings));
  const LensOutcome outcome = apply_lens(list, scope, settings);
  findings = std::move(list.vec());
  return outcome;
}

std::string lens_note(const LensScope& scope, const LensOutcome& outcome) {
  if (outcome.files_not_judged == 0 || scope.basis == LensBasis::all || scope.basis == LensBasis::changed) {
    return {};
  }
  std::string judged;
  if (scope.basis == LensBasis::newest && !scope.other_migrations.empty()) {
    const std::vector<std::string> newest(scope.judged.begin(), scope.judged.end());
    judged = "only the newest migration of each of the " + std::to_string(scope.other_migrations.size() + 1) +
             " migration folders (" + some_files(newest) + ")";
  } else if (scope.basis == LensBasis::newest) {
    judged = "only the newest migration, " +
             (scope.migrations.empty() ? std::string("-") : scope.migrations.back());
  } else {
    judged = "only the " + core::plural(scope.judged.size(), "migration") + " " +
             (scope.ledger_table.empty() ? std::string("the migrations table") : scope.ledger_table) +
             " does not list as applied";
  }
  std::string what;
  if (outcome.dropped > 0 || outcome.summarized > 0) {
    std::vector<std::string> parts;
    if (outcome.dropped > 0) {
      parts.push_back(core::plural(outcome.dropped, "finding") + " about how they applied left out");
    }
    if (outcome.summarized > 0) {
      parts.push_back(core::plural(outcome.summarized, "existing column") + " summarized");
    }
    what = " (" + core::join(parts, "; ") + ")";
  }
  return "Change rules (locks, rewrites, conventions for new columns) judged " + judged + "; the " +
         std::to_string(outcome.files_not_judged) + " " +
         (scope.basis == LensBasis::newest ? "earlier" : "applied") + " migration" +
         (outcome.files_not_judged == 1 ? " was" : "s were") + " not judged" + what +
         ". --all-migrations (or all_migrations = true in .pgadvise.toml) judges them all.";
}

} // namespace pgadvise::app
