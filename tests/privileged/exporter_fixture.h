// Shared fixture for the exporter's privileged tests: the real probe attached
// to the real kernel, lab namespaces, real traffic, and the kernel's own
// per-namespace counters as the reference.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "collector.h"
#include "counters.h"
#include "impairment.h"
#include "probe.h"
#include "topology.h"
#include "traffic.h"

namespace retx::test {

// Exporter counts of one namespace, split the way the identities need them.
struct NsCounts {
  std::uint64_t sent = 0;   // tcp_retransmissions_total
  std::uint64_t xmit = 0;   // failures{stage="xmit"}
  std::uint64_t early = 0;  // failures{stage="early"}
  std::map<std::string, std::uint64_t> sent_by_cause;
  std::map<std::string, std::uint64_t> failed_by_errno;  // "early/EBUSY" -> segments
};

NsCounts counts_for(const Snapshot& s, std::uint64_t netns);
// after - before, per field.
NsCounts delta(const NsCounts& before, const NsCounts& after);

class AttachedProbe {
 public:
  explicit AttachedProbe(AttachMode mode = AttachMode::Auto, SeriesLabels labels = {});
  Snapshot snapshot() const { return collector_->snapshot(); }
  const RetxCollector& collector() const { return *collector_; }
  const Probe& probe() const { return *probe_; }

 private:
  std::unique_ptr<Probe> probe_;
  std::shared_ptr<RetxCollector> collector_;
};

// Entries in /proc/self/fd: the counters files a collector holds open show here.
std::size_t open_fds();

// A test suite whose tests share one probe, attached once (root required).
class ProbeSuite : public ::testing::Test {
 protected:
  static void SetUpTestSuite();
  static void TearDownTestSuite();
  static AttachedProbe* probe_;
};

// Before/after readings of the kernel and of one or more probes for a set of
// namespaces, taken around a piece of traffic.
class Window {
 public:
  Window(const std::vector<const AttachedProbe*>& probes, const std::vector<lab::Namespace>& namespaces);
  void close();  // takes the "after" readings

  std::uint64_t kernel(const lab::Namespace& ns, const std::string& key) const;
  NsCounts exporter(const lab::Namespace& ns, size_t probe = 0) const;
  // Runs the kernel skipped for the probe's programs during the window.
  std::uint64_t misses(size_t probe = 0) const;
  // Growth of one of the probe's own counters (enum retx_stat) over the window.
  std::uint64_t stat(int slot, size_t probe = 0) const;
  // For a failure message: the probe's own counters over the window and how
  // the after-snapshot saw ns (listed, cookie, rows), to tell a hit the
  // programs never saw from rows the collector filtered out.
  std::string probe_detail(const lab::Namespace& ns, size_t probe = 0) const;
  // Whether any BPF program was loaded or unloaded during the window.
  bool bpf_churn() const { return progs_before_ != progs_after_; }

 private:
  void read(std::map<std::string, ProcCounters>& counters, std::vector<Snapshot>& snaps) const;

  std::vector<const AttachedProbe*> probes_;
  std::vector<lab::Namespace> namespaces_;
  std::map<std::string, ProcCounters> before_, after_;
  std::vector<Snapshot> snap_before_, snap_after_;
  std::vector<std::uint32_t> progs_before_, progs_after_;
};

// Scenario pieces the tests share: a fresh topology with a unique run prefix,
// independent loss on the data path, a bulk upload for a duration.
lab::TopologySpec topology_spec(lab::Offload off = lab::Offload::Gso, int clients = 1);
lab::ImpairmentSpec random_loss(double p);
lab::TrafficSpec bulk(int family, double seconds);

// A topology with 3 % nft loss on its upload path, removed with the object.
struct LossyTopology {
  LossyTopology() : topo(topology_spec()), imp(topo, random_loss(0.03), lab::Transfer::Upload, "nft") {}
  lab::Topology topo;
  lab::Impairment imp;
};

// The exact identities of exporter/METRICS.md, asserted for one namespace.
void expect_identity(const Window& w, const lab::Namespace& ns, size_t probe = 0);

}  // namespace retx::test
