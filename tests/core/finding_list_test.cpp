// core::FindingList: a run's findings kept in the spill file as records
// read back one at a time give the same findings, in the same order, as the
// vector they came from, through every pass a report makes on them.

#include "core/finding_list.hpp"
#include "core/finding_order.hpp"
#include "core/finding_spill.hpp"
#include "support/finding_text.hpp"

#include <gtest/gtest.h>
#include <memory>
#include <random>
#include <string>
#include <vector>

namespace finding_list_test {

using namespace pgadvise::core;

// Findings of three rules over two files, with ties on severity, place and
// rule that only the object breaks, weights, fixes and evidence.
std::vector<Finding> sample(int count) {
  std::vector<Finding> out;
  for (int n = 0; n < count; ++n) {
    Finding f;
    f.rule = n % 3 == 0 ? "unindexed-foreign-key" : (n % 3 == 1 ? "json-in-text-column" : "n-plus-one");
    f.severity = static_cast<Severity>(n % 5);
    f.weight = f.rule == "n-plus-one" ? static_cast<std::uint32_t>(n % 7) : 0;
    f.message = "finding " + std::to_string(n);
    f.help = "Add an index.";
    f.object = {"public", "t" + std::to_string((count - n) % 11), {"c" + std::to_string(n % 4)}, {}};
    f.location = {n % 2 == 0 ? "db/0001_init.sql" : "db/0002_more.sql", (n / 4) % 50, 1};
    f.evidence.push_back({Evidence::Kind::ddl, "line " + std::to_string(n), f.location});
    if (n % 4 != 0) {
      Fix fix;
      fix.sql().ddl = "CREATE INDEX ON t" + std::to_string(n) + " (c);";
      f.fix = std::move(fix);
    }
    if (n % 6 != 0) {
      f.compute_fingerprint(std::to_string(n)); // the others get theirs at admission
    }
    if (n % 97 == 5) {
      f.saving_ms = 12.5 * n; // a measured saving: records keep none, so the list holds the finding
    }
    out.push_back(std::move(f));
  }
  return out;
}

// What the engine's admission does, in miniature: drops some findings,
// raises the severity of others, gives a fingerprint to those without.
bool admit(Finding& f) {
  if (f.message.back() == '7') {
    return false;
  }
  if (f.rule == "json-in-text-column") {
    f.severity = Severity::critical;
  }
  if (f.fingerprint.empty()) {
    f.compute_fingerprint();
  }
  return true;
}

void expect_same(const Finding& a, const Finding& b) {
  EXPECT_EQ(pgadvise::test::finding_text(a), pgadvise::test::finding_text(b));
}

void expect_same(const FindingList& list, const std::vector<Finding>& expected) {
  ASSERT_EQ(list.size(), expected.size());
  std::size_t i = 0;
  for (const Finding& f : list.loaded()) {
    expect_same(f, expected[i]);
    EXPECT_EQ(list.severity(i), expected[i].severity);
    EXPECT_EQ(list.rule(i), expected[i].rule);
    EXPECT_EQ(list.file(i), expected[i].location.file);
    EXPECT_EQ(list.saving_ms(i), expected[i].saving_ms);
    EXPECT_EQ(list.weight(i), expected[i].weight);
    ++i;
  }
  EXPECT_EQ(i, expected.size());
}

// The list a run with spilled rules makes: `first` held in memory (the
// loaders' diagnostics), `spilled` written to the file and read back
// through admit(), `last` held again (a small rule's findings).
struct Lists {
  std::vector<Finding> vector; // the same findings admitted in memory
  FindingList stored;
};

Lists make_lists(int count) {
  const std::vector<Finding> all = sample(count);
  Lists out;
  auto spill = std::make_shared<FindingSpill>();
  out.stored = FindingList::stored(spill);
  std::vector<Finding> to_spill(all.begin() + 3, all.end() - 5);
  const FindingSpill::Batch batch = spill->write(to_spill);
  EXPECT_FALSE(batch.empty());
  for (std::size_t i = 0; i < all.size(); ++i) {
    Finding f = all[i];
    if (admit(f)) {
      out.vector.push_back(f);
    }
  }
  for (std::size_t i = 0; i < 3; ++i) {
    Finding f = all[i];
    if (admit(f)) {
      out.stored.push_back(std::move(f));
    }
  }
  out.stored.add_spilled(batch, admit);
  for (std::size_t i = all.size() - 5; i < all.size(); ++i) {
    Finding f = all[i];
    if (admit(f)) {
      out.stored.push_back(std::move(f));
    }
  }
  return out;
}

TEST(FindingList, SpilledFindingsReadBackInOrderWithWhatAdmissionChanged) {
  Lists lists = make_lists(5000);
  EXPECT_TRUE(lists.stored.spilled());
  expect_same(lists.stored, lists.vector);
  for (std::size_t i : {std::size_t{0}, std::size_t{4000}, std::size_t{17}, lists.vector.size() - 1}) {
    expect_same(lists.stored.load(i), lists.vector[i]); // out of order too
  }
}

TEST(FindingList, SortsAsSortFindingsDoes) {
  Lists lists = make_lists(5000);
  sort_findings(lists.vector);
  lists.stored.sort();
  expect_same(lists.stored, lists.vector);
  FindingList plain(lists.vector);
  plain.sort(); // sorted already: unchanged
  expect_same(plain, lists.vector);
}

TEST(FindingList, RemovesTakesAddsAndBecomesAVectorOnDemand) {
  Lists lists = make_lists(3000);
  std::vector<Finding> taken;
  const auto remove = [&](FindingList::Entry& e) {
    if (e.rule() == "n-plus-one" && e.file() == "db/0002_more.sql") {
      taken.push_back(e.take());
      return true;
    }
    return e.severity() == Severity::info;
  };
  std::vector<Finding> expected_taken;
  std::erase_if(lists.vector, [&](Finding& f) {
    if (f.rule == "n-plus-one" && f.location.file == "db/0002_more.sql") {
      expected_taken.push_back(f);
      return true;
    }
    return f.severity == Severity::info;
  });
  const std::size_t before = lists.stored.size();
  EXPECT_EQ(lists.stored.remove_if(remove), before - lists.vector.size());
  ASSERT_EQ(taken.size(), expected_taken.size());
  for (std::size_t i = 0; i < taken.size(); ++i) {
    expect_same(taken[i], expected_taken[i]);
  }
  Finding extra = sample(1).front();
  lists.vector.push_back(extra);
  lists.stored.push_back(extra);
  lists.vector[5] = extra;
  lists.stored.replace(5, extra);
  expect_same(lists.stored, lists.vector);

  const std::vector<Finding>& whole = lists.stored.vec(); // read back, then a plain vector
  EXPECT_FALSE(lists.stored.spilled());
  ASSERT_EQ(whole.size(), lists.vector.size());
  for (std::size_t i = 0; i < whole.size(); ++i) {
    expect_same(whole[i], lists.vector[i]);
  }
}

TEST(FindingList, SelectKeepsAndOrdersWhatItNames) {
  Lists lists = make_lists(2000);
  const std::vector<std::size_t> order{9, 2, 1500, 0};
  std::vector<Finding> expected;
  for (std::size_t i : order) {
    expected.push_back(lists.vector[i]);
  }
  lists.stored.select(order);
  expect_same(lists.stored, expected);
}

// Reordering moves records in place; a record stays 32 bytes (56 made
// 450,000 findings' records 25 MB, and a sort or select copied them).
TEST(FindingList, SelectsInPlaceAnyOrderLeavingSomeOut) {
  EXPECT_EQ(sizeof(FindingList::Record), 32U);
  std::mt19937 random(7); // NOLINT(cert-msc32-c,cert-msc51-cpp): a fixed sequence on purpose
  for (int round = 0; round < 4; ++round) {
    Lists lists = make_lists(1500);
    std::vector<std::size_t> order(lists.vector.size());
    for (std::size_t i = 0; i < order.size(); ++i) {
      order[i] = i;
    }
    std::shuffle(order.begin(), order.end(), random);
    order.resize(order.size() - static_cast<std::size_t>(round) * 300); // round 0: a whole permutation
    if (round == 3) {
      std::sort(order.begin(), order.end()); // what remove_if keeps: a subsequence
    }
    std::vector<Finding> expected;
    for (std::size_t i : order) {
      expected.push_back(lists.vector[i]);
    }
    FindingList plain(lists.vector);
    plain.select(order);
    lists.stored.select(order);
    expect_same(lists.stored, expected);
    expect_same(plain, expected);
  }
}

TEST(FindingList, SelectInPlaceMatchesACopy) {
  std::mt19937 random(11); // NOLINT(cert-msc32-c,cert-msc51-cpp)
  for (std::size_t size : {0U, 1U, 2U, 7U, 100U}) {
    for (std::size_t keep = 0; keep <= size; keep += size / 3 + 1) {
      std::vector<std::string> items(size);
      std::vector<std::size_t> order(size);
      for (std::size_t i = 0; i < size; ++i) {
        items[i] = "item " + std::to_string(i);
        order[i] = i;
      }
      std::shuffle(order.begin(), order.end(), random);
      order.resize(keep);
      std::vector<std::string> expected;
      for (std::size_t i : order) {
        expected.push_back(items[i]);
      }
      select_in_place(items, order);
      EXPECT_EQ(items, expected) << size << " items, " << keep << " kept";
    }
  }
}

} // namespace finding_list_test
