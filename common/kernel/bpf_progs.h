// The set of BPF programs loaded on the machine, by id.
//
// Why: attaching or detaching *other* programs on the retransmit tracepoints
// while we count was measured to make some tracepoint hits run no program at
// all (the callback array is swapped under RCU; bpf/README.md has the
// figures). A window in which this set changed cannot claim exactness, so
// the lab and the tests record it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "program_run.h"

namespace retx {

// A loaded program's name and bpf_stats, from BPF_OBJ_GET_INFO_BY_FD.
// False when the kernel refuses (bad fd, no privilege).
bool read_program_run(int prog_fd, ProgramRun& out);

// Sorted program ids; empty if the kernel refuses (no privilege).
std::vector<std::uint32_t> loaded_bpf_prog_ids();

// How many loaded programs have a name starting with `prefix` (names are
// truncated to 15 characters by the kernel).
std::size_t count_bpf_progs_named(const std::string& prefix);

}  // namespace retx
