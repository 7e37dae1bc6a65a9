// A scenario's impairment, the one model from the scenario file to the kernel:
// parse_impairment() reads it from JSON and validates it (the only validation),
// the backend table (lab/kernel/impairment_backend.h) says who can express it,
// and a backend installs it. What a backend reports back is ImpairmentStats.
//
// Where it applies (lab/kernel/impairment.h has the details): the router's
// egress toward the receiver of the first traffic group (direction data) or
// toward its sender (direction ack); first_syn toward the server, first_synack
// toward the clients. Data-direction drops only hit TCP segments that carry
// payload, except blackhole, which drops every TCP packet on that side.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace retx::lab {

class JsonReader;

enum class ImpairKind {
  None,
  Random,          // independent loss with probability `loss`
  GilbertElliott,  // two-state bursts (gemodel)
  FirstSyn,        // drop the first SYN of every connection
  FirstSynAck,     // drop the first SYN-ACK of every connection
  NthSegment,      // drop the nth (1-based) payload-carrying packet, once
  Blackhole,       // drop every TCP packet on that side for a time window
};

enum class Direction { Data, Ack };

struct GeModel {
  double p = 0;          // good -> bad transition probability per packet
  double r = 1;          // bad -> good
  double loss_bad = 1;   // drop probability while bad (netem's 1-h)
  double loss_good = 0;  // drop probability while good (netem's 1-k)
  // Long-run drop probability of the two-state chain.
  double stationary_loss() const;
};

struct BlackholeWindow {
  double start_ms = 0;     // from this long after the impairment is installed
  double duration_ms = 0;  // drop every TCP packet on that side for this long
};

// Only the netem qdisc provides these (the backend table says so).
struct NetemExtras {
  double delay_ms = 0, jitter_ms = 0;
  std::string distribution;  // "" | normal | pareto | paretonormal | uniform
  double reorder = 0, duplicate = 0, corrupt = 0;  // probabilities
  double rate_mbit = 0;
  std::int64_t limit = 0;  // packets, 0 = qdisc default
  // The extras in use, by their scenario-file names ("delay", "reorder", ...).
  std::vector<std::string> features() const;
  bool any() const { return !features().empty(); }
};

struct ImpairmentSpec {
  ImpairKind kind = ImpairKind::None;
  Direction direction = Direction::Data;
  std::uint64_t seed = 1;  // netem (where the kernel takes it) and bpf honour it; nft cannot
  double loss = 0;         // random
  GeModel gemodel;         // gemodel
  std::uint64_t nth = 0;   // nth_segment
  BlackholeWindow blackhole;
  NetemExtras netem;

  // Nominal drop probability the statistical checks compare against
  // (random: loss; gemodel: the chain's stationary loss; otherwise 0).
  double nominal_loss() const;
  bool stochastic() const { return kind == ImpairKind::Random || kind == ImpairKind::GilbertElliott; }
};

// What a backend's own counters say after the traffic. Candidates and packets
// are skbs: with GSO on, one skb holds many segments (closure checks use
// segments).
struct ImpairmentStats {
  bool active = false;                // an impairment was installed
  std::string backend;                // netem | nft | bpf
  std::uint64_t candidates = 0;       // packets the drop decision was made on (after the payload filter)
  std::uint64_t packets_dropped = 0;  // skbs dropped
  std::uint64_t segments_dropped = 0; // MSS segments dropped (see segments_exact)
  // false: segments_dropped is an estimate (nft with GSO: bytes / MSS; netem
  // with GSO: packets, a lower bound).
  bool segments_exact = true;
  // candidates and packets_dropped count the same unit, one drop decision each
  // (false: netem under GSO, whose tc counters add sent packets per segment
  // but drops per skb), so their ratio is a realised drop rate.
  bool candidates_are_decisions = true;
  // Every counted drop was a packet TCP has to send again: data, SYN or FIN
  // (false: netem judges every packet on its egress, pure ACKs included).
  bool drops_need_retransmit = true;
  std::uint64_t bytes_dropped = 0;
  std::uint64_t bad_state_candidates = 0;  // bpf gemodel: candidates met in the bad state
};

// Scenario-file names: "none", "random", "gemodel", "first_syn", ...
std::string_view to_string(ImpairKind kind);
std::string_view to_string(Direction dir);
const std::vector<std::string>& impair_kind_names();

// Reads the scenario file's "impairment" object. Throws InputError naming the
// file, the JSON path and what was expected.
ImpairmentSpec parse_impairment(const JsonReader& r);

}  // namespace retx::lab
