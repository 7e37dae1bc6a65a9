// The backend table's choice: which backend takes which spec (as parsed from
// a scenario file, the only validation), and the one-line reasons given when
// none can.
#include "impairment.h"
#include "scenario_parse.h"

#include <gtest/gtest.h>

using namespace retx::lab;
using nlohmann::json;

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
  s.gemodel.p = 0.01;
  s.gemodel.r = 0.3;
  return s;
}

ImpairmentSpec parsed(const json& impairment) {
  json d = {{"suite", "t"},
            {"scenarios",
             {{{"name", "s"}, {"impairment", impairment}, {"traffic", {{"mode", "bulk"}, {"bytes", 5000}}},
               {"expect", {{{"check", "exporter_exact"}}}}}}}};
  return parse_suite(d, "t.json").scenarios.at(0).impairment;
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
    s.blackhole.duration_ms = 1000;
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

TEST(LabKernelBackendChoice, NetemExtrasNeedNetem) {
  ImpairmentSpec s = random_loss(0.01);
  s.netem.delay_ms = 20;
  s.netem.reorder = 0.25;
  auto c = choose_backend(s, {"nft", "bpf"});
  EXPECT_FALSE(c.supported());
  EXPECT_NE(c.reason.find("delay"), std::string::npos) << c.reason;
  EXPECT_EQ(choose_backend(s, {"netem", "nft"}).backend, "netem");
  EXPECT_EQ(backends_for(s), std::vector<std::string>{"netem"});
}

TEST(LabKernelBackendChoice, NoneNeedsNoBackend) {
  EXPECT_EQ(choose_backend(ImpairmentSpec{}, {}).backend, "none");
  ImpairmentSpec s;
  s.netem.duplicate = 0.01;  // kind none but a netem extra: still needs netem
  EXPECT_FALSE(choose_backend(s, {"nft"}).supported());
}

TEST(LabKernelBackendChoice, ForcedBackendIsHonouredOrRefused) {
  EXPECT_EQ(choose_backend(random_loss(0.05), {"netem", "nft"}, "nft").backend, "nft");
  EXPECT_FALSE(choose_backend(random_loss(0.05), {"nft"}, "netem").supported());
  auto c = choose_backend(random_loss(0.05), {"nft"}, "ebpf");
  EXPECT_FALSE(c.supported());
  EXPECT_NE(c.reason.find("unknown backend 'ebpf'"), std::string::npos) << c.reason;
}

// Why an able backend is missing here reaches the skip reason (an environment
// fault is never silently "unsupported").
TEST(LabKernelBackendChoice, MissingBackendsSayWhy) {
  auto c = choose_backend(ge(), {"nft"}, {}, {{"netem", "tc qdisc add ... netem: Error: Specified qdisc kind is unknown."},
                                              {"bpf", "bpf dropper: load failed: Operation not permitted"}});
  EXPECT_FALSE(c.supported());
  EXPECT_NE(c.reason.find("netem: tc qdisc add"), std::string::npos) << c.reason;
  EXPECT_NE(c.reason.find("bpf: bpf dropper: load failed"), std::string::npos) << c.reason;
}

// The runner hands the parsed spec to the table unchanged: every field the
// file sets is what a backend sees.
TEST(LabKernelBackendChoice, ParsedSpecsReachTheBackendsAsWritten) {
  auto g = parsed({{"kind", "gemodel"}, {"seed", 9}, {"direction", "ack"}, {"gemodel", {{"p", 0.01}, {"r", 0.4}, {"loss_bad", 0.7}}}});
  EXPECT_EQ(g.kind, ImpairKind::GilbertElliott);
  EXPECT_EQ(g.direction, Direction::Ack);
  EXPECT_EQ(g.seed, 9u);
  EXPECT_DOUBLE_EQ(g.gemodel.p, 0.01);
  EXPECT_DOUBLE_EQ(g.gemodel.r, 0.4);
  EXPECT_DOUBLE_EQ(g.gemodel.loss_bad, 0.7);
  EXPECT_EQ(backends_for(g), (std::vector<std::string>{"netem", "bpf"}));

  auto b = parsed({{"kind", "blackhole"}, {"blackhole", {{"start_ms", 250}, {"duration_ms", 1500}}}});
  EXPECT_EQ(b.kind, ImpairKind::Blackhole);
  EXPECT_DOUBLE_EQ(b.blackhole.start_ms, 250);
  EXPECT_DOUBLE_EQ(b.blackhole.duration_ms, 1500);

  auto n = parsed({{"kind", "none"}, {"netem", {{"delay_ms", 10}, {"reorder", 0.25}}}});
  auto without = choose_backend(n, {"nft", "bpf"});
  EXPECT_FALSE(without.supported());
  EXPECT_FALSE(without.reason.empty());
  EXPECT_EQ(choose_backend(n, {"netem", "nft"}).backend, "netem");
  EXPECT_EQ(choose_backend(parsed({{"kind", "random"}, {"loss", 0.01}}), {"nft"}).backend, "nft");
}
