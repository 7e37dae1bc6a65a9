/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* The probe's own counters (enum retx_stat, retx_abi.h), per CPU, defined
 * once: retx.bpf.c keeps them; retx_seed.bpf.c is handed the running probe's
 * (bpf_map__reuse_fd) and adds the baselines it gives. */
#ifndef RETX_STATS_BPF_H
#define RETX_STATS_BPF_H

#include "retx_abi.h"

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, RETX_STAT_COUNT);
	__type(key, __u32);
	__type(value, __u64);
} retx_stats SEC(".maps");

#endif /* RETX_STATS_BPF_H */
