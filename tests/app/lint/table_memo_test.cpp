// A run given the last run's per-table findings (engine::TableMemo, the
// language server's after each keystroke) copies those of the tables as
// they were and judges the rest: its report is the report of a run that
// judges every table, edit after edit, whatever the edit touched.

#include "app/lint/lint_run.hpp"
#include "engine/table_memo.hpp"
#include "reporters/formats.hpp"
#include "support/paths.hpp"

#include <filesystem>
#include <functional>
#include <gtest/gtest.h>
#include <memory>
#include <random>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

namespace table_memo_test {

using namespace pgadvise;
using Edit = std::function<void(model::Catalog&)>;

// A lint run of a fixture, its catalog edited as the steps up to `edits`
// say before the rules run, kept alive (the next run's memo compares with
// its catalog).
struct Linted {
  app::LintRun run;
  std::string report;
};

std::unique_ptr<Linted> lint(const std::string& fixture, const std::vector<Edit>& edits,
                             engine::TableMemo* memo) {
  auto done = std::make_unique<Linted>();
  app::LintOptions options;
  options.paths = {(std::filesystem::path(PGADVISE_SOURCE_DIR) / "fixtures" / fixture).string()};
  options.format = &reporters::output_formats().front(); // json
  options.color = app::ColorMode::never;
  options.fail_on = core::FailOn{std::nullopt};
  std::ostringstream err;
  app::LintRun& run = done->run;
  EXPECT_FALSE(app::plan_lint(options, run, err));
  EXPECT_FALSE(app::read_lint_inputs(run, err));
  for (const Edit& edit : edits) {
    edit(run.load.catalog);
  }
  run.table_memo = memo;
  EXPECT_FALSE(app::check_lint_inputs(run, err));
  EXPECT_FALSE(app::select_findings(run, err));
  std::ostringstream out;
  app::write_lint_report(run, out, err);
  done->report =
      std::regex_replace(out.str(), std::regex(R"("elapsed_ms": [0-9.e+-]+)"), "\"elapsed_ms\": 0");
  return done;
}

model::Table& table_with_foreign_key(model::Catalog& catalog, std::size_t nth) {
  for (model::Table& table : catalog.tables) {
    if (!table.foreign_keys.empty() && nth-- == 0) {
      return table;
    }
  }
  return catalog.tables.back();
}

// Edits of the kinds a keystroke makes, each on a table of the catalog.
std::vector<std::pair<std::string, Edit>> edits() {
  return {
      {"a text column with a JSON default added",
       [](model::Catalog& catalog) {
         model::Column column;
         column.name = "payload";
         column.type.name = "text";
         column.default_expr = std::string("'{}'");
         catalog.tables[catalog.tables.size() / 2].columns.push_back(column);
       }},
      {"a foreign key's index added",
       [](model::Catalog& catalog) {
         model::Table& table = table_with_foreign_key(catalog, 0);
         model::Index index;
         index.name = table.name.str() + "_memo_test_idx";
         for (const std::string& column : table.foreign_keys.front().columns) {
           model::IndexKey key;
           key.column = column;
           index.keys.push_back(key);
         }
         table.indexes.push_back(index);
       }},
      {"the column a foreign key references retyped (its referencing table's findings change)",
       [](model::Catalog& catalog) {
         const model::ForeignKey& fk = table_with_foreign_key(catalog, 1).foreign_keys.front();
         model::Table* referenced = catalog.find_table(fk.ref_schema.str(), fk.ref_table.str());
         ASSERT_NE(referenced, nullptr);
         const std::string column = fk.ref_columns.empty() ? std::string("id") : *fk.ref_columns.begin();
         if (model::Column* found = referenced->find_column(column)) {
           found->type.name = "text";
         }
       }},
      {"a table's schema.ts line moved",
       [](model::Catalog& catalog) {
         model::Table& table = table_with_foreign_key(catalog, 2);
         table.drizzle_location.line += 3;
         table.property = "memoTest";
       }},
      {"an index renamed (every proposed index's name is chosen again)",
       [](model::Catalog& catalog) {
         for (model::Table& table : catalog.tables) {
           if (!table.indexes.empty()) {
             table.indexes.front().name += "_renamed";
             return;
           }
         }
       }},
      {"the first table's foreign keys dropped",
       [](model::Catalog& catalog) { table_with_foreign_key(catalog, 0).foreign_keys.clear(); }},
  };
}

TEST(TableMemo, EachEditsRunReportsAsAFreshRunOfTheSameCatalog) {
  for (const std::string fixture : {"big-history", "drizzle-app", "sql"}) {
    engine::TableMemo memo;
    std::vector<Edit> applied;
    std::unique_ptr<Linted> last = lint(fixture, applied, &memo);
    EXPECT_EQ(last->report, lint(fixture, applied, nullptr)->report) << fixture;
    std::size_t reused_runs = 0;
    for (const auto& [what, edit] : edits()) {
      applied.push_back(edit);
      std::unique_ptr<Linted> next = lint(fixture, applied, &memo);
      const std::unique_ptr<Linted> fresh = lint(fixture, applied, nullptr);
      EXPECT_EQ(next->report, fresh->report) << fixture << ", after: " << what;
      EXPECT_LT(memo.tables_reused(), next->run.load.catalog.tables.size()) << fixture << ", after: " << what;
      reused_runs += memo.tables_reused() > 0 ? 1U : 0U;
      last = std::move(next); // the memo's catalog now
    }
    // The same catalog again: every table's findings copied, none judged.
    std::unique_ptr<Linted> again = lint(fixture, applied, &memo);
    EXPECT_EQ(memo.tables_reused(), again->run.load.catalog.tables.size()) << fixture;
    EXPECT_EQ(again->report, last->report) << fixture;
    EXPECT_GE(reused_runs, 4U) << fixture; // all but the renamed index's run and the one after it
  }
}

// A line added at the top of schema.ts moves every table's declaration:
// their findings are kept, each Drizzle fix naming its table's new line
// (a line of as many digits written over the old one; one of more digits
// written again).
TEST(TableMemo, ALineAddedAboveTheTablesKeepsTheirFindingsAtTheirNewLines) {
  for (const int lines : {1, 1000}) {
    engine::TableMemo memo;
    const auto moved = [lines](model::Catalog& catalog) {
      for (model::Table& table : catalog.tables) {
        if (table.drizzle_location.line > 0) {
          table.drizzle_location.line += lines;
        }
      }
    };
    std::unique_ptr<Linted> last = lint("drizzle-app", {}, &memo);
    ASSERT_NE(last->report.find("drizzle-app/src/db/schema.ts:"), std::string::npos) << last->report;
    std::unique_ptr<Linted> next = lint("drizzle-app", {moved}, &memo);
    EXPECT_EQ(memo.tables_reused(), next->run.load.catalog.tables.size()) << lines;
    EXPECT_EQ(next->report, lint("drizzle-app", {moved}, nullptr)->report) << lines;
    EXPECT_NE(next->report, last->report) << lines; // the lines the fixes name moved
  }
}

// Random edits of the kinds above and more, one after another (a seeded
// generator: the same sequence every run), each run's report compared with
// a fresh run's.
TEST(TableMemo, ASeriesOfRandomEditsReportsAsFreshRuns) {
  std::mt19937 random(20261129);
  const auto pick = [&random](std::size_t size) {
    return std::uniform_int_distribution<std::size_t>(0, size - 1)(random);
  };
  const std::vector<std::function<Edit(std::size_t)>> kinds = {
      [](std::size_t n) -> Edit { // a column retyped
        return [n](model::Catalog& catalog) {
          model::Table& table = catalog.tables[n % catalog.tables.size()];
          if (!table.columns.empty()) {
            table.columns[n % table.columns.size()].type.name = n % 2 == 0 ? "text" : "int4";
          }
        };
      },
      [](std::size_t n) -> Edit { // a column made nullable or not
        return [n](model::Catalog& catalog) {
          model::Table& table = catalog.tables[n % catalog.tables.size()];
          if (!table.columns.empty()) {
            model::Column& column = table.columns[n % table.columns.size()];
            column.not_null = !column.not_null;
          }
        };
      },
      [](std::size_t n) -> Edit { // an index dropped
        return [n](model::Catalog& catalog) {
          model::Table& table = catalog.tables[n % catalog.tables.size()];
          if (!table.indexes.empty()) {
            table.indexes.erase(table.indexes.begin() +
                                static_cast<std::ptrdiff_t>(n % table.indexes.size()));
          }
        };
      },
      [](std::size_t n) -> Edit { // a foreign key dropped
        return [n](model::Catalog& catalog) {
          model::Table& table = catalog.tables[n % catalog.tables.size()];
          if (!table.foreign_keys.empty()) {
            table.foreign_keys.pop_back();
          }
        };
      },
      [](std::size_t n) -> Edit { // a foreign key added to another table
        return [n](model::Catalog& catalog) {
          model::Table& table = catalog.tables[n % catalog.tables.size()];
          const model::Table& target = catalog.tables[(n / 7) % catalog.tables.size()];
          if (!table.columns.empty()) {
            model::ForeignKey fk;
            fk.name = table.name.str() + "_memo_fk_" + std::to_string(n);
            fk.columns = std::vector<std::string>{table.columns.back().name.str()};
            fk.ref_schema = target.schema;
            fk.ref_table = target.name;
            fk.ref_columns = std::vector<std::string>{"id"};
            table.foreign_keys.push_back(fk);
          }
        };
      },
      [](std::size_t n) -> Edit { // schema.ts's line of a table moved
        return [n](model::Catalog& catalog) {
          catalog.tables[n % catalog.tables.size()].drizzle_location.line += 1;
        };
      },
      [](std::size_t n) -> Edit { // a table renamed (every table judged)
        return [n](model::Catalog& catalog) {
          model::Table& table = catalog.tables[n % catalog.tables.size()];
          table.name = table.name.str() + "_renamed";
        };
      },
  };
  engine::TableMemo memo;
  std::vector<Edit> applied;
  std::unique_ptr<Linted> last = lint("big-history", applied, &memo);
  std::size_t reused_runs = 0;
  constexpr std::size_t k_edits = 24;
  for (std::size_t step = 0; step < k_edits; ++step) {
    const std::size_t kind = pick(kinds.size());
    applied.push_back(kinds[kind](pick(1000)));
    std::unique_ptr<Linted> next = lint("big-history", applied, &memo);
    EXPECT_EQ(next->report, lint("big-history", applied, nullptr)->report)
        << "step " << step << ", kind " << kind;
    reused_runs += memo.tables_reused() > 0 ? 1U : 0U;
    last = std::move(next);
  }
  EXPECT_GE(reused_runs, k_edits / 2);
}

// The memo names the run that filled it; a run without the last one's
// catalog alive cannot use it (the language server clears it then).
TEST(TableMemo, AClearedMemoJudgesEveryTable) {
  engine::TableMemo memo;
  const std::unique_ptr<Linted> first = lint("big-history", {}, &memo);
  EXPECT_EQ(memo.catalog(), &first->run.load.catalog);
  memo.clear();
  EXPECT_EQ(memo.catalog(), nullptr);
  const std::unique_ptr<Linted> second = lint("big-history", {}, &memo);
  EXPECT_EQ(memo.tables_reused(), 0U);
  EXPECT_EQ(second->report, first->report);
}

} // namespace table_memo_test
