// Reads the counting maps at scrape time, summing each value over CPUs where
// the map is per CPU (retx_agg; retx_detail holds one shared value per key). Uses BPF_MAP_LOOKUP_BATCH where the kernel has it (one syscall per
// chunk) and falls back to get_next_key + lookup otherwise.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "snapshot.h"

namespace retx {

enum class ReadMethod { Auto, Batch, PerKey };

// key_size is the map's: sizeof(retx_key), or RETX_AGG_KEY_SIZE for the
// aggregate maps, whose keys are a prefix of it (retx_abi.h); either is read
// into a zeroed retx_key. Throws std::runtime_error naming the map operation
// and errno.
std::vector<CounterRow> read_counter_map(int map_fd, ReadMethod method = ReadMethod::Auto,
                                         std::size_t key_size = sizeof(retx_key));

std::array<std::uint64_t, RETX_STAT_COUNT> read_stats_map(int map_fd);

// Deletes these keys from a counting map (an aggregate map reads only their
// first RETX_AGG_KEY_SIZE bytes); a key already gone is no error.
// Returns how many were deleted. Throws std::runtime_error on other errors.
std::size_t delete_keys(int map_fd, const std::vector<retx_key>& keys);
std::size_t delete_keys(int map_fd, const std::vector<retx_netns_key>& keys);

// Adds ids to the probe's cgroup_gone map. Throws std::runtime_error.
void mark_cgroups_gone(int map_fd, const std::vector<std::uint64_t>& ids);

// Number of entries in the LRU map of per-socket baselines (u64 keys).
std::uint64_t count_u64_keys(int map_fd);
// The per-netns ratio histograms (retx_ratio_hist), summed over CPUs.
std::vector<RatioHistRow> read_ratio_hist_map(int map_fd);

}  // namespace retx
