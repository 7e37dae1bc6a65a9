// choose_backend and spec_error: which backend takes which spec, and the
// one-line reasons given when none can.
#include "impairment.h"

#include <gtest/gtest.h>

using namespace retx::lab;

namespace {

ImpairmentSpec random_loss(double p) {
  ImpairmentSpec s;
  s.kind = ImpairKind::Random;
  s.loss = p;
  return s;
}

ImpairmentSpec ge() {
  ImpairmentSpec s;
  s.kind = ImpairKind::GilbertElliott;
  s.ge_p = 0.01;
  s.ge_r = 0.3;
  return s;
}

}  // namespace

TEST(LabKernelBackendChoice, NetemPreferredWhereItExists) {
  EXPECT_EQ(choose_backend(random_loss(0.01), {"netem", "nft", "bpf"}).backend, "netem");
  EXPECT_EQ(choose_backend(random_loss(0.01), {"nft", "bpf"}).backend, "nft");
  auto c = choose_backend(random_loss(0.01), {"nft"});
  EXPECT_TRUE(c.supported());
  EXPECT_NE(c.reason.find("seeded"), std::string::npos) << c.reason;
}

TEST(LabKernelBackendChoice, TargetedDropsNeedNftOrBpfNotNetem) {
  for (auto k : {ImpairKind::FirstSyn, ImpairKind::FirstSynAck, ImpairKind::Blackhole}) {
    ImpairmentSpec s;
    s.kind = k;
    s.blackhole_duration_s = 1;
    EXPECT_EQ(choose_backend(s, {"netem", "nft"}).backend, "nft") << to_string(k);
    EXPECT_FALSE(choose_backend(s, {"netem"}).supported()) << to_string(k);
    EXPECT_EQ(choose_backend(s, {"netem", "bpf"}).backend, "bpf") << to_string(k);
  }
}

TEST(LabKernelBackendChoice, GilbertElliottUnsupportedWithNftOnly) {
  auto c = choose_backend(ge(), {"nft"});
  EXPECT_FALSE(c.supported());
  EXPECT_NE(c.reason.find("netem"), std::string::npos) << c.reason;
  EXPECT_NE(c.reason.find("available here: nft"), std::string::npos) << c.reason;
  EXPECT_EQ(choose_backend(ge(), {"nft", "bpf"}).backend, "bpf");
}

TEST(LabKernelBackendChoice, StateLossOnlyInNetem) {
  ImpairmentSpec s;
  s.kind = ImpairKind::MarkovState;
  EXPECT_FALSE(choose_backend(s, {"nft", "bpf"}).supported());
  EXPECT_EQ(choose_backend(s, {"netem", "nft", "bpf"}).backend, "netem");
}

TEST(LabKernelBackendChoice, NetemExtrasNeedNetem) {
  ImpairmentSpec s = random_loss(0.01);
  s.delay_ms = 20;
  s.reorder = 0.25;
  auto c = choose_backend(s, {"nft", "bpf"});
  EXPECT_FALSE(c.supported());
  EXPECT_NE(c.reason.find("delay"), std::string::npos) << c.reason;
  EXPECT_EQ(choose_backend(s, {"netem", "nft"}).backend, "netem");
}

TEST(LabKernelBackendChoice, NoneNeedsNoBackend) {
  EXPECT_EQ(choose_backend(ImpairmentSpec{}, {}).backend, "none");
  ImpairmentSpec s;
  s.duplicate = 0.01;  // kind none but a netem extra: still needs netem
  EXPECT_FALSE(choose_backend(s, {"nft"}).supported());
}

TEST(LabKernelBackendChoice, ForcedBackendIsHonouredOrRefused) {
  EXPECT_EQ(choose_backend(random_loss(0.05), {"netem", "nft"}, "nft").backend, "nft");
  EXPECT_FALSE(choose_backend(random_loss(0.05), {"nft"}, "netem").supported());
  auto c = choose_backend(random_loss(0.05), {"nft"}, "ebpf");
  EXPECT_FALSE(c.supported());
  EXPECT_NE(c.reason.find("unknown backend 'ebpf'"), std::string::npos) << c.reason;
}

TEST(LabKernelSpecError, NamesTheBadField) {
  auto e = spec_error(random_loss(1.5));
  ASSERT_TRUE(e.has_value());
  EXPECT_NE(e->find("impairment.loss"), std::string::npos) << *e;
  EXPECT_TRUE(spec_error(random_loss(0)).has_value());
  EXPECT_FALSE(spec_error(random_loss(0.2)).has_value());

  ImpairmentSpec n;
  n.kind = ImpairKind::NthSegment;
  EXPECT_NE(spec_error(n).value_or("").find("impairment.nth"), std::string::npos);
  n.nth = 7;
  EXPECT_FALSE(spec_error(n).has_value());

  ImpairmentSpec b;
  b.kind = ImpairKind::Blackhole;
  EXPECT_NE(spec_error(b).value_or("").find("blackhole_duration_s"), std::string::npos);

  ImpairmentSpec r;
  r.reorder = 0.1;
  EXPECT_NE(spec_error(r).value_or("").find("needs delay_ms"), std::string::npos);
  r.delay_ms = 10;
  r.distribution = "gaussian";
  r.jitter_ms = 1;
  EXPECT_NE(spec_error(r).value_or("").find("'gaussian'"), std::string::npos);

  auto invalid = choose_backend(random_loss(-0.1), {"nft"});
  EXPECT_FALSE(invalid.supported());
  EXPECT_NE(invalid.reason.find("invalid impairment"), std::string::npos);
}
