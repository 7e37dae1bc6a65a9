// Namespaces that come and go and cgroups that are removed: what is exported,
// what is deleted from the maps and when, on scripted sequences of scrapes.
#include <gtest/gtest.h>

#include <chrono>

#include "cgroup_retirement.h"
#include "idle_release.h"
#include "netns_lifecycle.h"

namespace {

using retx::CounterRow;
using retx::LiveNamespaces;

CounterRow row(std::uint32_t inode, std::uint64_t cookie, std::uint64_t segs, std::uint64_t cgroup = 0) {
  CounterRow r;
  r.key.netns = inode;
  r.key.netns_cookie = cookie;
  r.key.cgroup = cgroup;
  r.key.family = 2;
  r.value = {segs, 1};
  return r;
}

LiveNamespaces by_cookie(std::initializer_list<std::uint64_t> cookies) {
  LiveNamespaces l;
  l.by_cookie = true;
  l.ids = cookies;
  return l;
}

std::uint64_t segs_of(const std::vector<CounterRow>& rows, std::uint32_t inode) {
  std::uint64_t n = 0;
  for (const auto& r : rows) n += r.key.netns == inode ? r.value.segs : 0;
  return n;
}

// The reported bug: a namespace gets a dead one's inode and must start from 0;
// the dead one's rows leave /metrics at once and the map one scrape later.
TEST(ExporterNetnsLifecycle, ReusedInodeStartsFromZeroAndDeadRowsGoInTwoScrapes) {
  retx::NetnsLifecycle lc;
  const std::uint32_t ino = 4026532500;
  std::vector<CounterRow> agg{row(ino, 100, 703)}, detail;
  auto doomed = lc.step({&agg, &detail}, by_cookie({100}));
  EXPECT_EQ(segs_of(agg, ino), 703u);
  EXPECT_TRUE(doomed[0].empty());

  // Namespace 100 died; 101 was created with the same inode and has no rows yet.
  agg = {row(ino, 100, 703)};
  doomed = lc.step({&agg, &detail}, by_cookie({101}));
  EXPECT_EQ(segs_of(agg, ino), 0u) << "the new namespace must read 0, not the dead one's 703";
  EXPECT_TRUE(doomed[0].empty()) << "deleted only at the second scrape that finds it dead";
  EXPECT_EQ(lc.removed_total(), 0u);

  // Its own traffic; the dead one's row is deleted now.
  agg = {row(ino, 100, 703), row(ino, 101, 359)};
  doomed = lc.step({&agg, &detail}, by_cookie({101}));
  EXPECT_EQ(segs_of(agg, ino), 359u);
  ASSERT_EQ(doomed[0].size(), 1u);
  EXPECT_EQ(doomed[0][0].netns_cookie, 100u);
  EXPECT_EQ(lc.removed_total(), 1u);
}

// A living namespace the listing missed once (it was being set up, or its
// only process was between namespaces) loses nothing.
TEST(ExporterNetnsLifecycle, OneMissedListingDeletesNothing) {
  retx::NetnsLifecycle lc;
  std::vector<CounterRow> agg{row(7, 70, 5)}, detail;
  lc.step({&agg, &detail}, by_cookie({70}));
  agg = {row(7, 70, 6)};
  auto doomed = lc.step({&agg, &detail}, by_cookie({}));
  EXPECT_TRUE(agg.empty());
  EXPECT_TRUE(doomed[0].empty());
  agg = {row(7, 70, 9)};
  doomed = lc.step({&agg, &detail}, by_cookie({70}));
  EXPECT_EQ(segs_of(agg, 7), 9u) << "back with its full, monotonic count";
  EXPECT_TRUE(doomed[0].empty());
  EXPECT_EQ(lc.removed_total(), 0u);
}

// Rows of other namespaces are never touched by one namespace's death, in any list.
TEST(ExporterNetnsLifecycle, OthersRowsStayInEveryList) {
  retx::NetnsLifecycle lc;
  auto scrape = [&] {
    std::vector<CounterRow> agg{row(1, 10, 4), row(2, 20, 8)}, detail{row(1, 10, 2, 55), row(2, 20, 3, 55)};
    auto doomed = lc.step({&agg, &detail}, by_cookie({10}));
    return std::make_tuple(agg, detail, doomed);
  };
  scrape();
  auto [agg, detail, doomed] = scrape();
  EXPECT_EQ(segs_of(agg, 1), 4u);
  EXPECT_EQ(segs_of(detail, 1), 2u);
  EXPECT_EQ(segs_of(agg, 2) + segs_of(detail, 2), 0u);
  ASSERT_EQ(doomed[0].size(), 1u);
  ASSERT_EQ(doomed[1].size(), 1u);
  EXPECT_EQ(doomed[1][0].netns, 2u);
  EXPECT_EQ(lc.removed_total(), 1u) << "one namespace, however many rows and lists";
}

// A living namespace whose cookie could not be read keeps every row of its
// inode; a failed listing deletes nothing.
TEST(ExporterNetnsLifecycle, UnsureAndIncompleteListingsAreConservative) {
  retx::NetnsLifecycle lc;
  LiveNamespaces unsure = by_cookie({});
  unsure.unsure = {7};
  for (int i = 0; i < 3; ++i) {
    std::vector<CounterRow> agg{row(7, 70, 5)}, detail;
    auto doomed = lc.step({&agg, &detail}, unsure);
    EXPECT_EQ(agg.size(), 1u);
    EXPECT_TRUE(doomed[0].empty());
  }
  LiveNamespaces incomplete = by_cookie({});
  incomplete.complete = false;
  for (int i = 0; i < 3; ++i) {
    std::vector<CounterRow> agg{row(8, 80, 5)}, detail;
    auto doomed = lc.step({&agg, &detail}, incomplete);
    EXPECT_TRUE(doomed[0].empty()) << "scrape " << i;
  }
}

// Without cookies, namespaces are told apart by inode: a namespace that
// dies is retired the same way.
TEST(ExporterNetnsLifecycle, InodeIdentityWithoutCookies) {
  retx::NetnsLifecycle lc;
  LiveNamespaces live;
  live.ids = {7};
  std::vector<CounterRow> agg{row(7, 0, 5)}, detail;
  lc.step({&agg, &detail}, live);
  EXPECT_EQ(agg.size(), 1u);
  live.ids = {};
  for (int i = 0; i < 2; ++i) {
    agg = {row(7, 0, 5)};
    auto doomed = lc.step({&agg, &detail}, live);
    EXPECT_TRUE(agg.empty());
    EXPECT_EQ(doomed[0].size(), i == 0 ? 0u : 1u);
  }
  // A namespace seen alive that dies without ever having rows counts at once.
  live.ids = {9};
  lc.step({&agg, &detail}, live);
  live.ids = {};
  agg.clear();
  lc.step({&agg, &detail}, live);
  EXPECT_EQ(lc.removed_total(), 2u);
}

// A removed cgroup: marked at once (its rows still count, as "overflow"),
// retired once the mark has settled; the namespace total never drops.
TEST(ExporterCgroupRetirement, RemovedCgroupFoldsWithoutLosingCounts) {
  retx::CgroupRetirement cr;
  bool exists = true;
  auto ex = [&](std::uint64_t id) { return id != 66 || exists; };
  std::vector<CounterRow> detail{row(1, 10, 5, 55), row(1, 10, 7, 66)};
  auto plan = cr.step(detail, ex, 100.0);
  EXPECT_TRUE(plan.mark.empty());
  EXPECT_EQ(detail.size(), 2u);

  exists = false;
  detail = {row(1, 10, 5, 55), row(1, 10, 8, 66)};
  plan = cr.step(detail, ex, 115.0);
  EXPECT_EQ(plan.mark, (std::vector<std::uint64_t>{66}));
  EXPECT_TRUE(plan.retire.empty()) << "hits may still be on their way into 66's rows";
  EXPECT_EQ(segs_of(detail, 1), 13u);

  // Too soon after the mark: still not retired.
  detail = {row(1, 10, 5, 55), row(1, 10, 9, 66)};
  plan = cr.step(detail, ex, 115.5);
  EXPECT_TRUE(plan.mark.empty());
  EXPECT_TRUE(plan.retire.empty());

  detail = {row(1, 10, 6, 55), row(1, 10, 9, 66)};
  plan = cr.step(detail, ex, 130.0);
  ASSERT_EQ(plan.retire.size(), 1u);
  EXPECT_EQ(plan.retire[0].cgroup, 66u);
  EXPECT_EQ(segs_of(detail, 1), 6u);
  auto carried = cr.carried();
  ASSERT_EQ(carried.size(), 1u);
  EXPECT_EQ(carried[0].value.segs, 9u);
  EXPECT_EQ(carried[0].key.cgroup, 0u) << "carried rows are folded";
  EXPECT_EQ(segs_of(detail, 1) + segs_of(carried, 1), 15u) << "namespace total: nothing lost";

  // Later scrapes: the rows are gone from the map; the carried count stays.
  detail = {row(1, 10, 6, 55)};
  plan = cr.step(detail, ex, 145.0);
  EXPECT_TRUE(plan.mark.empty() && plan.retire.empty());
  EXPECT_EQ(cr.carried().size(), 1u);
  cr.forget({carried[0].key});
  EXPECT_TRUE(cr.carried().empty()) << "dropped with its namespace";
}

}  // namespace

// The collector's idle files: held while scrapes come, released twice the last
// interval after the last one (5 s at least), and no deadline (no wakeups)
// while nothing is open or nothing was scraped.
TEST(FilesReleaseTime, NoneWhileNothingIsOpenOrScraped) {
  using clock = std::chrono::steady_clock;
  auto t = clock::time_point{} + std::chrono::hours(1);
  EXPECT_FALSE(retx::files_release_time(0, t, t - std::chrono::seconds(15)));
  EXPECT_FALSE(retx::files_release_time(3, clock::time_point{}, clock::time_point{}));
}

TEST(FilesReleaseTime, TwiceTheLastIntervalAndFiveSecondsAtLeast) {
  using namespace std::chrono;
  auto t = steady_clock::time_point{} + hours(1);
  EXPECT_EQ(retx::files_release_time(1, t, steady_clock::time_point{}), t + seconds(5)) << "a first scrape";
  EXPECT_EQ(retx::files_release_time(1, t, t - seconds(1)), t + seconds(5));
  EXPECT_EQ(retx::files_release_time(2, t, t - seconds(15)), t + seconds(30));
  EXPECT_EQ(retx::files_release_time(2, t, t - milliseconds(2600)), t + milliseconds(5200));
}
