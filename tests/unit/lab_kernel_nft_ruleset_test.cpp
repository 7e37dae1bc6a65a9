// The nft backend's ruleset text and the GSO segment estimate.
#include "impairment.h"

#include <gtest/gtest.h>

using namespace retx::lab;

namespace {

bool has(const std::string& text, const std::string& needle) { return text.find(needle) != std::string::npos; }

size_t count(const std::string& text, const std::string& needle) {
  size_t n = 0;
  for (size_t p = text.find(needle); p != std::string::npos; p = text.find(needle, p + 1)) ++n;
  return n;
}

}  // namespace

TEST(LabKernelNftRuleset, RandomDataLossFiltersPayloadAndScalesThreshold) {
  ImpairmentSpec s;
  s.kind = ImpairKind::Random;
  for (double p : {0.01, 0.05, 0.123456}) {
    s.loss = p;
    auto r = nft_ruleset(s, {"to-s"});
    auto threshold = static_cast<long>(p * 1000000 + 0.5);
    EXPECT_TRUE(has(r, "numgen random mod 1000000 < " + std::to_string(threshold) + " goto dropper")) << r;
    EXPECT_TRUE(has(r, "oifname != { \"to-s\" } return")) << r;
    EXPECT_TRUE(has(r, "goto data")) << r;
    // One payload rule per TCP data offset 5..15, for each family.
    EXPECT_EQ(count(r, "meta nfproto ipv4 ip hdrlength 5 tcp doff"), 11u);
    EXPECT_EQ(count(r, "meta nfproto ipv6 ip6 nexthdr tcp tcp doff"), 11u);
    EXPECT_TRUE(has(r, "tcp doff 8 ip length > 52 goto impair")) << r;
  }
}

TEST(LabKernelNftRuleset, AckDirectionTakesEveryTcpPacket) {
  ImpairmentSpec s;
  s.kind = ImpairKind::Random;
  s.loss = 0.05;
  s.direction = Direction::Ack;
  auto r = nft_ruleset(s, {"to-c1", "to-c2"});
  EXPECT_FALSE(has(r, "chain data")) << r;
  EXPECT_TRUE(has(r, "oifname != { \"to-c1\", \"to-c2\" } return")) << r;
}

TEST(LabKernelNftRuleset, FirstSynRemembersConnections) {
  ImpairmentSpec s;
  s.kind = ImpairKind::FirstSyn;
  auto r = nft_ruleset(s, {"to-s"});
  EXPECT_TRUE(has(r, "tcp flags & (fin | syn | rst | ack) == syn goto impair")) << r;
  EXPECT_TRUE(has(r, "@seen4 return")) << r;
  EXPECT_TRUE(has(r, "add @seen6")) << r;
  s.kind = ImpairKind::FirstSynAck;
  EXPECT_TRUE(has(nft_ruleset(s, {"to-c1"}), "== syn | ack goto impair"));
}

TEST(LabKernelNftRuleset, NthCountsFromZero) {
  ImpairmentSpec s;
  s.kind = ImpairKind::NthSegment;
  s.nth = 250;
  EXPECT_TRUE(has(nft_ruleset(s, {"to-s"}), "numgen inc mod 4294967295 == 249 goto dropper"));
}

TEST(LabKernelNftRuleset, BlackholeGatedBySet) {
  ImpairmentSpec s;
  s.kind = ImpairKind::Blackhole;
  s.blackhole.duration_ms = 2000;
  auto r = nft_ruleset(s, {"to-s"});
  EXPECT_TRUE(has(r, "set bh_on { type ifname; }")) << r;
  EXPECT_TRUE(has(r, "oifname @bh_on goto dropper")) << r;
  EXPECT_FALSE(has(r, "chain data")) << r;
}

TEST(LabKernelNftRuleset, RejectsUnsafeInterfaceNamesAndKinds) {
  ImpairmentSpec s;
  s.kind = ImpairKind::Random;
  s.loss = 0.1;
  EXPECT_THROW(nft_ruleset(s, {"to-s\"; flush ruleset"}), std::invalid_argument);
  EXPECT_THROW(nft_ruleset(s, {}), std::invalid_argument);
  s.kind = ImpairKind::GilbertElliott;
  s.gemodel.p = 0.1;
  EXPECT_THROW(nft_ruleset(s, {"to-s"}), std::invalid_argument);
}

TEST(LabKernelEstimateSegments, SpreadsPayloadOverMss) {
  const std::uint32_t hdr = 52, mss = 1448;
  // One skb of 10 full segments.
  EXPECT_EQ(estimate_segments(1, hdr + 10 * mss, hdr, mss), 10u);
  // A partial last segment rounds up.
  EXPECT_EQ(estimate_segments(1, hdr + 10 * mss + 1, hdr, mss), 11u);
  // Packets without payload still count one each.
  EXPECT_EQ(estimate_segments(3, 3 * hdr, hdr, mss), 3u);
  EXPECT_EQ(estimate_segments(0, 0, hdr, mss), 0u);
}
