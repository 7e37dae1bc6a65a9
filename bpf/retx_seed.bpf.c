// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The exporter's seed pass, once per namespace (at start for every namespace,
 * later for each new one at the first scrape that lists it): an iter/tcp
 * program (it walks the namespace of the thread that creates the iterator
 * fd) that gives each full TCP socket that has retransmitted and has no state
 * the baseline it has now, in the running probe's socket storage
 * (bpf_map__reuse_fd). After the pass the exporter marks the namespace, and
 * the probe takes a state-less socket there to start from 0 (retx.bpf.c,
 * netns_seeded): sockets that never retransmit need no state.
 *
 * iter/tcp holds each full socket's lock while the program runs, so no
 * retransmit of that socket (they run under the same lock) interleaves. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "retx_abi.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* retx_sk_btf is the probe's (reused); retx_sk_ptr is shrunk to one entry. */
#include "retx_sk_state.bpf.h"

/* The probe's stats (reused): a seeded baseline is one it tracks. */
#include "retx_stats.bpf.h"

__u64 seeded_sockets = 0;

SEC("iter/tcp")
int retx_seed(struct bpf_iter__tcp *ctx)
{
	struct sock_common *skc = ctx->sk_common;
	struct retx_sk_last *last;
	struct tcp_sock *tp;
	__u32 slot = RETX_STAT_SK_TRACKED, total;
	__u64 *tracked;

	if (!skc)
		return 0;
	/* Time-wait and request sockets retransmit nothing a hit counts by growth. */
	tp = bpf_skc_to_tcp_sock(skc);
	if (!tp)
		return 0;
	total = tp->total_retrans;
	/* Nothing retransmitted: 0 is its baseline, state or not. A socket with
	 * state got it from the probe, which has been counting it since. */
	if (total == 0 || bpf_sk_storage_get(&retx_sk_btf, tp, 0, 0))
		return 0;
	last = bpf_sk_storage_get(&retx_sk_btf, tp, 0, BPF_SK_STORAGE_GET_F_CREATE);
	if (!last)
		return 0;
	last->total_retrans = total;
	last->seen = 1;
	__sync_fetch_and_add(&seeded_sockets, 1);
	tracked = bpf_map_lookup_elem(&retx_stats, &slot);
	if (tracked)
		*tracked += 1;
	return 0;
}
