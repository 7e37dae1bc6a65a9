// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Empty programs on the tracepoints retx.bpf.c uses: the floor the benchmarks
 * compare the probe with, per event, on the same tracepoint (bench/README.md).
 * retx-bench-empty-probe loads the pair of one tracepoint only. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "Dual BSD/GPL";

SEC("tp_btf/tcp_retransmit_skb")
int retx_empty_btf(u64 *ctx)
{
	return 0;
}

SEC("raw_tp/tcp_retransmit_skb")
int retx_empty_raw(void *ctx)
{
	return 0;
}

SEC("tp_btf/inet_sock_set_state")
int retx_empty_state_btf(u64 *ctx)
{
	return 0;
}

SEC("raw_tp/inet_sock_set_state")
int retx_empty_state_raw(void *ctx)
{
	return 0;
}
