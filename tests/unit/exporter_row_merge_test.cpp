// A key counted partly in a counting map and partly in its spill map is
// served as one row with the sum (exporter/row_merge.h).
#include <gtest/gtest.h>

#include "row_merge.h"

using namespace retx;

namespace {

CounterRow row(std::uint32_t netns, std::uint8_t cause, std::uint64_t segs, std::uint64_t skbs) {
  CounterRow r{};
  r.key.netns = netns;
  r.key.family = 2;
  r.key.cause = cause;
  r.value.segs = segs;
  r.value.skbs = skbs;
  return r;
}

RatioHistRow hist(std::uint64_t cookie, std::uint32_t netns, int bucket, std::uint64_t n, std::uint64_t sum) {
  RatioHistRow r;
  r.netns_cookie = cookie;
  r.netns = netns;
  r.hist.buckets[bucket] = n;
  r.hist.sum_scaled = sum;
  return r;
}

}  // namespace

TEST(RowMerge, SameKeyInBothMapsIsOneRowWithTheSum) {
  auto out = merge_rows({row(7, 1, 10, 4), row(8, 1, 3, 3)}, {row(7, 1, 2, 1), row(9, 2, 5, 5)});
  ASSERT_EQ(out.size(), 3u);
  std::uint64_t segs7 = 0, skbs7 = 0, total = 0;
  for (const auto& r : out) {
    total += r.value.segs;
    if (r.key.netns == 7) segs7 = r.value.segs, skbs7 = r.value.skbs;
  }
  EXPECT_EQ(segs7, 12u);
  EXPECT_EQ(skbs7, 5u);
  EXPECT_EQ(total, 20u);
}

TEST(RowMerge, KeysDifferingOnlyInCauseStayApart) {
  auto out = merge_rows({row(7, 1, 1, 1)}, {row(7, 2, 1, 1)});
  EXPECT_EQ(out.size(), 2u);
}

TEST(RowMerge, EmptySpillLeavesRowsAsRead) {
  std::vector<CounterRow> a{row(7, 1, 10, 4), row(3, 1, 1, 1)};
  auto out = merge_rows(a, {});
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].key.netns, 7u);  // unchanged order: nothing was merged
}

TEST(RowMerge, HistogramsOfOneNamespaceAddBucketByBucket) {
  auto out = merge_hist_rows({hist(5, 7, 0, 3, 100), hist(6, 7, 2, 1, 50)}, {hist(5, 7, 0, 1, 20), hist(5, 7, 4, 2, 7)});
  ASSERT_EQ(out.size(), 2u);  // cookie 5 and cookie 6 are two namespaces with one inode
  const auto& h = out[0].netns_cookie == 5 ? out[0].hist : out[1].hist;
  EXPECT_EQ(h.buckets[0], 4u);
  EXPECT_EQ(h.buckets[4], 2u);
  EXPECT_EQ(h.sum_scaled, 127u);
}
