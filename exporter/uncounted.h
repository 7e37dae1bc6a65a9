// The exporter's check of itself against the kernel, per namespace: segments
// the kernel added to Tcp RetransSegs that the probe has not counted.
//
// The identity (METRICS.md) is Δ RetransSegs = Δ(sent + failed at xmit), but a
// scrape cannot read the maps and /proc/net/snmp at one instant. So each
// namespace is read as counted-before, kernel, counted-after:
//   kernel - before >= offset + missed   (retransmits between the two reads
//                                          are in the kernel's count only)
//   kernel - after  <= offset + missed   (every hit of a retransmit the kernel
//                                          had counted has run by then)
// where offset is what the kernel had counted that the probe never could (the
// namespace's retransmits before the exporter started). The smallest
// kernel - before seen bounds offset from above, so
//   uncounted = (kernel - after) - min(kernel - before)
// is a lower bound of what the probe missed: never above 0 unless segments
// were missed, under any load. A miss stays in it for the namespace's life
// (or the exporter's). A retransmit counted late (on 6.18 a SYN that fired no
// hit is counted when its connect leaves SYN_SENT; before 6.17 a failed
// transmit at the socket's next hit or close) shows until it is counted.
#pragma once

#include <cstdint>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "snapshot.h"

namespace retx {

class UncountedSegments {
 public:
  // Whether counted-before and kernel leave room for a miss: only then is
  // counted-after worth a second read of the maps.
  bool may_have_missed(std::uint64_t id, std::uint64_t kernel, std::uint64_t before) const;
  // Records a scrape of namespace id and returns its uncounted segments.
  std::uint64_t update(std::uint64_t id, std::uint64_t kernel, std::uint64_t before, std::uint64_t after);
  // The figure update last returned for id (0 for an unknown one): what a
  // scrape that could not read the maps again serves.
  std::uint64_t last(std::uint64_t id) const;
  // Forgets namespaces no longer living.
  void keep_only(const std::unordered_set<std::uint64_t>& ids);
  std::size_t size() const { return seen_.size(); }

 private:
  struct Namespace {
    std::int64_t offset = 0;  // min(kernel - before)
    std::uint64_t last = 0;
  };
  std::unordered_map<std::uint64_t, Namespace> seen_;
};

// Segments the kernel counts in RetransSegs, per namespace identity (the
// cookie, or the inode where by_cookie is false), over rows of the counting
// maps: sent, and failed at transmit (stage xmit).
std::unordered_map<std::uint64_t, std::uint64_t> counted_segments(const std::vector<const std::vector<CounterRow>*>& rows,
                                                                  bool by_cookie);

}  // namespace retx
