// The exporter's check of itself against the kernel (exporter/uncounted.h) on
// real traffic: 0 through a lossy transfer scraped while it runs, then exactly
// the segments taken out of the probe's map behind its back, which is what a
// probe that never counted them would have left.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <optional>
#include <thread>

#include "cleanup.h"
#include "exporter_fixture.h"
#include "map_reader.h"

using namespace retx;
using namespace retx::lab;
using namespace retx::test;

namespace {

class ExporterUncounted : public ProbeSuite {};

const NetnsCounters* find_ns(const Snapshot& s, std::uint64_t inode) {
  for (const auto& n : s.netns)
    if (n.inode == inode) return &n;
  return nullptr;
}

std::optional<std::uint64_t> uncounted_of(const Snapshot& s, std::uint64_t inode) {
  const auto* n = find_ns(s, inode);
  return n ? n->uncounted : std::nullopt;
}

TEST_F(ExporterUncounted, ZeroUnderLossThenWhatWasTakenAway) {
  Topology topo(topology_spec(Offload::Gso));
  Impairment imp(topo, random_loss(0.03), Transfer::Upload, "nft");
  const auto& client = topo.client(0);
  auto first = probe_->snapshot();
  ASSERT_NE(find_ns(first, client.inode), nullptr) << "the client's namespace was not listed";
  ASSERT_EQ(uncounted_of(first, client.inode), std::optional<std::uint64_t>(0))
      << "a namespace's first scrape is its baseline";

  // Scrapes while the transfer retransmits: some land between the maps'
  // read and the kernel's, where only the second read of the maps keeps
  // the figure at 0.
  std::atomic<bool> done{false};
  std::uint64_t worst = 0, scrapes = 0;
  std::thread scraper([&] {
    while (!done) {
      worst = std::max(worst, uncounted_of(probe_->snapshot(), client.inode).value_or(0));
      ++scrapes;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  });
  auto r = run_traffic(topo, bulk(AF_INET, 1.5));
  done = true;
  scraper.join();
  auto after = probe_->snapshot();
  EXPECT_EQ(r.errors, 0u);
  std::uint64_t kernel = find_ns(after, client.inode)->retrans_segs - find_ns(first, client.inode)->retrans_segs;
  ASSERT_GT(kernel, 0u) << "nothing retransmitted: the test proves nothing";
  EXPECT_GT(scrapes, 0u);
  EXPECT_EQ(worst, 0u) << "over " << scrapes << " scrapes during the transfer (" << kernel << " segments retransmitted)";
  EXPECT_EQ(uncounted_of(after, client.inode), std::optional<std::uint64_t>(0));

  std::vector<retx_key> keys;
  std::uint64_t taken = 0;
  for (const auto& row : after.agg) {
    if (row.key.netns != client.inode) continue;
    keys.push_back(row.key);
    if (row.key.outcome != RETX_OUTCOME_FAILED_EARLY) taken += row.value.segs;
  }
  ASSERT_GT(taken, 0u);
  ASSERT_EQ(delete_keys(probe_->probe().agg_map_fd(), keys), keys.size());
  EXPECT_EQ(uncounted_of(probe_->snapshot(), client.inode), std::optional<std::uint64_t>(taken))
      << "the kernel counted " << kernel << " in the window";
}

}  // namespace
