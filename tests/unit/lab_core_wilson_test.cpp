#include <gtest/gtest.h>

#include "wilson.h"

using namespace retx::lab;

TEST(LabCoreWilson, ZForCommonConfidences) {
  EXPECT_NEAR(z_for_confidence(0.95), 1.959964, 1e-5);
  EXPECT_NEAR(z_for_confidence(0.99), 2.575829, 1e-5);
  EXPECT_THROW(z_for_confidence(1.0), std::invalid_argument);
}

// The figures in KERNEL-NOTES.md: 1 % over 10k and 100k segments.
TEST(LabCoreWilson, MatchesKernelNotesFigures) {
  auto a = wilson_interval(100, 10000, 0.99);
  EXPECT_NEAR(a.low, 0.0077, 0.00005);
  EXPECT_NEAR(a.high, 0.0129, 0.00005);
  auto b = wilson_interval(1000, 100000, 0.99);
  EXPECT_NEAR(b.low, 0.0092, 0.00005);
  EXPECT_NEAR(b.high, 0.0108, 0.00005);
}

TEST(LabCoreWilson, NarrowsWithSamplesAndStaysInUnitRange) {
  auto small = wilson_interval(1, 100, 0.99), large = wilson_interval(100, 10000, 0.99);
  EXPECT_GT(small.high - small.low, large.high - large.low);
  auto zero = wilson_interval(0, 50, 0.99);
  EXPECT_EQ(zero.low, 0.0);
  EXPECT_GT(zero.high, 0.0);
  auto all = wilson_interval(50, 50, 0.99);
  EXPECT_LT(all.low, 1.0);
  EXPECT_LE(all.high, 1.0);
  auto none = wilson_interval(0, 0, 0.99);
  EXPECT_TRUE(none.contains(0.0) && none.contains(1.0));
  EXPECT_THROW(wilson_interval(5, 4, 0.99), std::invalid_argument);
}
