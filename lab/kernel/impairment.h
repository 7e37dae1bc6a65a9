// Impairments on the router's egress: one ImpairmentSpec (lab/core/
// impairment_spec.h, parsed and validated from the scenario file), several
// backends, listed in one table (impairment_backend.h).
//
// Contract:
// - probe_backends() tries every backend of the table once per process in a
//   scratch namespace (removed again) and says which work here and, for the
//   others, why not (the kernel lacks sch_netem, nft is missing, ...). If the
//   scratch namespace itself cannot be made, that is an environment fault:
//   it throws std::runtime_error with the reason, never "no backend".
// - choose_backend() is pure: the first backend of the table (preference
//   order netem, nft, bpf) that can express the spec and is available, or
//   "unsupported" with the reason (for a "skipped" verdict). What each
//   expresses (each backend's can_express):
//     netem: none, random, gemodel, and the extras (delay, jitter,
//            distribution, reorder, duplicate, corrupt, rate, limit);
//     nft:   random (unseeded), first_syn, first_synack, nth_segment, blackhole;
//     bpf:   random (seeded), gemodel, first_syn, first_synack, nth_segment,
//            blackhole (segments exact with GSO on: weighted by gso_segs).
//   On this machine (no sch_netem) gemodel goes to bpf and the extras are
//   unsupported.
// - Impairment (RAII) installs the spec on the router of a Topology with the
//   chosen backend and removes it in its destructor (deleting the router netns
//   would remove it too). Where it applies:
//     Data direction: the router egress toward the receiver of `transfer`;
//     Ack direction: the egress toward the sender.
//     FirstSyn always on the egress toward the server (SYNs go client→server);
//     FirstSynAck always on the egress toward the clients.
//   Data-direction drops only hit TCP segments that carry payload (pure ACKs,
//   bare FINs and SYNs pass) except for Blackhole, which drops every TCP packet
//   leaving on that side during its window. Ack-direction drops hit every
//   TCP packet leaving on that side (SYN-ACKs and FINs included).
// - The blackhole window is timed from the Impairment's construction; a window
//   starting at 0 is already closed to traffic when the constructor returns.
// - stats() reads the backend's own counters (ImpairmentStats): nft named
//   counters, tc -s, BPF map counts (weighted by gso_segs).
// - nft nth_segment counts candidates over all flows and both families on the
//   impaired side: the nth payload-carrying packet there is dropped, once.
#pragma once

#include "impairment_spec.h"
#include "topology.h"
#include "traffic_spec.h"

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace retx::lab {

struct BackendProbe {
  std::vector<std::string> available;            // in preference order
  std::map<std::string, std::string> unavailable;  // backend -> why not, in the tool's or kernel's words
};
const BackendProbe& probe_backends();
std::vector<std::string> available_backends();  // probe_backends().available

// The backends that can express `spec`, in preference order (pure).
std::vector<std::string> backends_for(const ImpairmentSpec& spec);

struct BackendChoice {
  std::string backend;  // "netem", "nft", "bpf", "none" (nothing to install), or "unsupported"
  std::string reason;   // why unsupported, or notes on the choice ("nft cannot be seeded")
  bool supported() const { return backend != "unsupported"; }
};

// `forced`, when not empty, restricts the choice to that backend. `why_not`
// (probe_backends().unavailable) adds the reason an able backend is missing.
BackendChoice choose_backend(const ImpairmentSpec& spec, const std::vector<std::string>& available,
                             const std::string& forced = {},
                             const std::map<std::string, std::string>& why_not = {});

// Pure helpers of the backends, exposed for unit tests.
// netem: the argv of `tc -n NS qdisc add dev IFACE root netem ...`.
// with_seed: pass spec.seed (the kernel takes it from 6.11 / iproute2 6.10 on).
std::vector<std::string> netem_argv(const std::string& ns, const std::string& iface,
                                    const ImpairmentSpec& spec, bool with_seed = false);
// nft: the complete ruleset (table "inet retxlab") for the given egress
// interfaces; fed to `nft -f -` inside the router namespace.
std::string nft_ruleset(const ImpairmentSpec& spec, const std::vector<std::string>& egress_ifaces);
// Estimated MSS segments in `bytes` of IP packets dropped as `packets` skbs
// (GSO mode): each skb carries one header of `header_bytes` (IP + TCP with
// options) and ceil(payload / mss) segments; the total payload is spread
// evenly. Never less than `packets`.
std::uint64_t estimate_segments(std::uint64_t packets, std::uint64_t bytes,
                                std::uint32_t header_bytes, std::uint32_t mss);

class ImpairmentBackend;  // backend-specific state (impairment_*.cpp)

class Impairment {
 public:
  // backend: a name from the table that can express the spec. Throws
  // std::invalid_argument for a backend that cannot, CmdError /
  // std::runtime_error if the kernel refuses.
  Impairment(const Topology& topo, const ImpairmentSpec& spec, Transfer transfer,
             const std::string& backend);
  ~Impairment();
  Impairment(const Impairment&) = delete;
  Impairment& operator=(const Impairment&) = delete;

  ImpairmentStats stats() const;
  const std::string& backend() const { return backend_; }
  // Router interfaces the impairment sits on.
  const std::vector<std::string>& interfaces() const { return ifaces_; }

 private:
  std::string backend_;
  std::vector<std::string> ifaces_;
  std::unique_ptr<ImpairmentBackend> impl_;
};

}  // namespace retx::lab
