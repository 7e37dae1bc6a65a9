// The runner's mapping from scenario files to the kernel layer's specs, and
// the skip decision it leads to: pure functions, no root needed.
#include <gtest/gtest.h>

#include "scenario_parse.h"
#include "spec_mapping.h"

using namespace retx::lab;
using nlohmann::json;

namespace {
Scenario one(const json& impairment, const json& traffic = {{"mode", "bulk"}, {"bytes", 5000}}) {
  json d = {{"suite", "t"},
            {"scenarios", {{{"name", "s"}, {"topology", {{"offload", "gso"}, {"clients", 2}}}, {"impairment", impairment},
                            {"traffic", traffic}, {"expect", {{{"check", "exporter_exact"}}}}}}}};
  return parse_suite(d, "t.json").scenarios.at(0);
}
}  // namespace

TEST(LabCoreSpecMapping, ImpairmentFieldsReachTheKernelSpec) {
  auto s = one({{"kind", "gemodel"}, {"seed", 9}, {"direction", "ack"}, {"gemodel", {{"p", 0.01}, {"r", 0.4}, {"loss_bad", 0.7}}}});
  auto x = to_impairment_spec(s.impairment);
  EXPECT_EQ(x.kind, ImpairKind::GilbertElliott);
  EXPECT_EQ(x.direction, Direction::Ack);
  EXPECT_EQ(x.seed, 9u);
  EXPECT_DOUBLE_EQ(x.ge_p, 0.01);
  EXPECT_DOUBLE_EQ(x.ge_r, 0.4);
  EXPECT_DOUBLE_EQ(x.ge_bad_loss, 0.7);
  EXPECT_FALSE(spec_error(x).has_value());

  auto b = to_impairment_spec(one({{"kind", "blackhole"}, {"blackhole", {{"start_ms", 250}, {"duration_ms", 1500}}}}).impairment);
  EXPECT_EQ(b.kind, ImpairKind::Blackhole);
  EXPECT_DOUBLE_EQ(b.blackhole_start_s, 0.25);
  EXPECT_DOUBLE_EQ(b.blackhole_duration_s, 1.5);
}

TEST(LabCoreSpecMapping, TopologyAndTraffic) {
  auto s = one({{"kind", "none"}}, {{"mode", "rr"}, {"transactions", 7}, {"family", "ipv6"}, {"direction", "download"},
                                   {"pacing_mbit", 8}, {"timeout_s", 12}});
  auto t = to_topology_spec(s, "rxl-1-2");
  EXPECT_EQ(t.prefix, "rxl-1-2");
  EXPECT_EQ(t.clients, 2);
  EXPECT_EQ(t.offload, Offload::Gso);
  auto tr = to_traffic_spec(s.traffic[0], 1);
  EXPECT_EQ(tr.mode, TrafficMode::RequestResponse);
  EXPECT_EQ(tr.transactions, 7u);
  EXPECT_EQ(tr.family, AF_INET6);
  EXPECT_EQ(tr.transfer, Transfer::Download);
  EXPECT_EQ(tr.pacing_bytes_per_s, 1'000'000u);
  EXPECT_EQ(tr.client_index, 1);
  EXPECT_DOUBLE_EQ(tr.max_seconds, 12);
  EXPECT_EQ(traffic_spec_error(tr, 2), "");
}

// A netem-only feature on a kernel offering only the fallbacks must come out
// unsupported (the runner turns that into "skipped, with the reason").
TEST(LabCoreSpecMapping, NetemOnlyFeaturesAreUnsupportedWithoutNetem) {
  auto s = one({{"kind", "none"}, {"netem", {{"delay_ms", 10}, {"reorder", 0.25}}}});
  auto without = choose_backend(to_impairment_spec(s.impairment), {"nft", "bpf"});
  EXPECT_FALSE(without.supported());
  EXPECT_FALSE(without.reason.empty());
  auto with = choose_backend(to_impairment_spec(s.impairment), {"netem", "nft"});
  EXPECT_TRUE(with.supported());
  EXPECT_EQ(with.backend, "netem");
  auto random = choose_backend(to_impairment_spec(one({{"kind", "random"}, {"loss", 0.01}}).impairment), {"nft"});
  EXPECT_EQ(random.backend, "nft");
}
