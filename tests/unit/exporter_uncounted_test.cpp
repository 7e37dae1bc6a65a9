#include <gtest/gtest.h>

#include "uncounted.h"

namespace {

constexpr std::uint64_t kNs = 4026531840;

retx::CounterRow segs_row(std::uint32_t netns, std::uint64_t cookie, std::uint8_t outcome, std::uint64_t segs) {
  retx::CounterRow r;
  r.key.netns = netns;
  r.key.netns_cookie = cookie;
  r.key.outcome = outcome;
  r.value.segs = segs;
  r.value.skbs = 1;
  return r;
}

}  // namespace

// The first scrape of a namespace sets what the kernel had counted before:
// a namespace older than the exporter starts at 0 however large that is.
TEST(UncountedSegments, FirstScrapeIsTheBaseline) {
  retx::UncountedSegments u;
  EXPECT_FALSE(u.may_have_missed(kNs, 5000, 0));
  EXPECT_EQ(u.update(kNs, 5000, 0, 0), 0u);
  EXPECT_EQ(u.update(kNs, 5010, 10, 10), 0u);
}

// Retransmits between the maps' read and the kernel's: the kernel is ahead
// of the rows read before it, not of the rows read after.
TEST(UncountedSegments, RetransmitsDuringTheScrapeAreNotMisses) {
  retx::UncountedSegments u;
  u.update(kNs, 100, 100, 100);
  EXPECT_TRUE(u.may_have_missed(kNs, 180, 150));
  EXPECT_EQ(u.update(kNs, 180, 150, 185), 0u);
  EXPECT_FALSE(u.may_have_missed(kNs, 200, 200));
}

// A miss stays in the figure, through later load and later exact scrapes.
TEST(UncountedSegments, AMissIsCountedAndKept) {
  retx::UncountedSegments u;
  u.update(kNs, 100, 100, 100);
  EXPECT_EQ(u.update(kNs, 103, 101, 101), 2u);
  EXPECT_EQ(u.last(kNs), 2u);
  EXPECT_EQ(u.update(kNs, 150, 140, 148), 2u);
  EXPECT_EQ(u.update(kNs, 300, 298, 298), 2u);
}

// A baseline taken under load overstates the offset; a quieter scrape later
// lowers it, so a miss after that is not hidden by the first scrape's traffic.
TEST(UncountedSegments, OffsetIsTheSmallestGapSeen) {
  retx::UncountedSegments u;
  u.update(kNs, 150, 100, 160);  // 50 retransmits while the scrape ran
  EXPECT_EQ(u.update(kNs, 200, 200, 200), 0u);
  EXPECT_EQ(u.update(kNs, 201, 200, 200), 1u);
}

// Over-counting (counted more than the kernel) is not a miss.
TEST(UncountedSegments, OverCountingStaysAtZero) {
  retx::UncountedSegments u;
  u.update(kNs, 100, 100, 100);
  EXPECT_EQ(u.update(kNs, 100, 103, 103), 0u);
  EXPECT_FALSE(u.may_have_missed(kNs, 100, 103));
}

TEST(UncountedSegments, DeadNamespacesAreForgotten) {
  retx::UncountedSegments u;
  u.update(1, 10, 10, 10);
  u.update(2, 10, 5, 5);
  u.keep_only({2});
  EXPECT_EQ(u.size(), 1u);
  EXPECT_EQ(u.last(1), 0u);
  EXPECT_EQ(u.last(2), 0u);
  // A namespace seen again starts from a new baseline.
  EXPECT_EQ(u.update(1, 50, 10, 10), 0u);
}

// What the kernel counts in RetransSegs: sent and failed at transmit, not
// failed before it; per cookie, or per inode where there is none.
TEST(UncountedSegments, CountedSegmentsByOutcomeAndIdentity) {
  std::vector<retx::CounterRow> agg{segs_row(7, 70, RETX_OUTCOME_SENT, 10), segs_row(7, 70, RETX_OUTCOME_FAILED_XMIT, 2),
                                    segs_row(7, 70, RETX_OUTCOME_FAILED_EARLY, 100), segs_row(8, 80, RETX_OUTCOME_SENT, 1)};
  std::vector<retx::CounterRow> detail{segs_row(7, 70, RETX_OUTCOME_SENT, 5)};
  auto by_cookie = retx::counted_segments({&agg, &detail}, true);
  EXPECT_EQ(by_cookie[70], 17u);
  EXPECT_EQ(by_cookie[80], 1u);
  EXPECT_EQ(by_cookie.count(7), 0u);
  auto by_inode = retx::counted_segments({&agg, &detail}, false);
  EXPECT_EQ(by_inode[7], 17u);
  EXPECT_EQ(by_inode.count(70), 0u);
}
