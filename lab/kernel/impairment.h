// Impairments on the router's egress, one profile language for all backends.
//
// Contract:
// - ImpairmentSpec is pure data. spec_error() says what is invalid in it
//   (one line naming the field) or returns nullopt.
// - available_backends() probes the running kernel once per process in a
//   scratch namespace (removed again): "netem" if `tc qdisc add ... netem`
//   works, "nft" if an nft table can be created, "bpf" if our cls_bpf
//   dropper (bpf/lab_dropper.bpf.c) loads and attaches.
// - choose_backend() is pure: it picks the first backend in the preference
//   order that can express the spec, or "unsupported" with the reason (for a
//   "skipped" verdict). Preference: netem first where it exists, then nft,
//   then bpf. What each expresses:
//     netem: random, gemodel, state, and the extras (delay, jitter,
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
// - stats() reads the backend's own counters: nft named counters, tc -s,
//   BPF map counts (weighted by gso_segs). `segments_exact` is false when
//   segments_dropped is an estimate (nft with GSO: bytes / MSS; netem with
//   GSO: packets, a lower bound). Candidates and packets are skbs: with GSO
//   on, one skb holds many segments (use segments for closure checks).
// - nft nth_segment counts candidates over all flows and both families on the
//   impaired side: the nth payload-carrying packet there is dropped, once.
#pragma once

#include "topology.h"
#include "transfer.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace retx::lab {

enum class ImpairKind {
  None,
  Random,          // independent loss with probability `loss`
  GilbertElliott,  // two-state bursts: ge_p, ge_r, ge_bad_loss, ge_good_loss
  MarkovState,     // netem "loss state p13 p31 p32 p23 p14" (netem only)
  FirstSyn,        // drop the first SYN of every connection
  FirstSynAck,     // drop the first SYN-ACK of every connection
  NthSegment,      // drop the nth (1-based) payload-carrying packet, once
  Blackhole,       // drop everything on that side for a time window
};

enum class Direction { Data, Ack };

struct ImpairmentSpec {
  ImpairKind kind = ImpairKind::None;
  Direction direction = Direction::Data;
  std::uint64_t seed = 1;  // netem and bpf honour it; nft cannot be seeded
  double loss = 0.0;       // Random: probability in [0, 1]
  // Gilbert-Elliott (netem "loss gemodel p r 1-h 1-k" order): transition
  // probabilities good→bad (p) and bad→good (r), loss probability in each.
  double ge_p = 0.0, ge_r = 1.0, ge_bad_loss = 1.0, ge_good_loss = 0.0;
  // MarkovState: netem's 4-state model probabilities.
  double st_p13 = 0.0, st_p31 = 1.0, st_p32 = 0.0, st_p23 = 1.0, st_p14 = 0.0;
  std::uint64_t nth = 0;  // NthSegment, 1-based
  double blackhole_start_s = 0.0, blackhole_duration_s = 0.0;
  // netem-only extras; 0 / empty = off.
  double delay_ms = 0.0, jitter_ms = 0.0;
  std::string distribution;  // "normal", "pareto", "paretonormal", "uniform"
  double reorder = 0.0;      // probability, needs delay_ms > 0
  double duplicate = 0.0;    // probability
  double corrupt = 0.0;      // probability
  std::uint64_t rate_bps = 0;   // bits per second
  std::uint32_t limit = 0;      // packets in the netem queue (0: netem's 1000)
};

std::optional<std::string> spec_error(const ImpairmentSpec& spec);
std::string to_string(ImpairKind kind);
std::string to_string(Direction dir);
bool needs_netem_extras(const ImpairmentSpec& spec);

std::vector<std::string> available_backends();

struct BackendChoice {
  std::string backend;  // "netem", "nft", "bpf", "none" (kind None), or "unsupported"
  std::string reason;   // why unsupported, or notes on the choice ("nft cannot be seeded")
  bool supported() const { return backend != "unsupported"; }
};

// `forced`, when not empty, restricts the choice to that backend.
BackendChoice choose_backend(const ImpairmentSpec& spec, const std::vector<std::string>& available,
                             const std::string& forced = {});

struct ImpairmentStats {
  std::uint64_t candidates = 0;       // packets the rule looked at (after the payload filter)
  std::uint64_t packets_dropped = 0;  // skbs dropped
  std::uint64_t segments_dropped = 0; // MSS segments dropped (see segments_exact)
  std::uint64_t bytes_dropped = 0;
  bool segments_exact = true;
  // candidates and packets_dropped count the same unit, one drop decision each
  // (false: netem under GSO, whose tc counters add sent packets per segment
  // but drops per skb), so their ratio is a realised drop rate.
  bool candidates_are_decisions = true;
  // Every counted drop was a packet TCP has to send again: data, SYN or FIN
  // (false: netem judges every packet on its egress, pure ACKs included).
  bool drops_need_retransmit = true;
  std::uint64_t bad_state_candidates = 0;  // bpf gemodel: candidates met in the bad state
  std::string backend;
};

// Pure helpers, exposed for unit tests.
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
  // backend: a supported BackendChoice::backend for this spec. Throws
  // std::invalid_argument for an invalid spec or unusable backend,
  // CmdError / std::runtime_error if the kernel refuses.
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
