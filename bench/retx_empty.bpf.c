// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* An empty program on the same tracepoint: the floor the benchmarks subtract
 * to price what retx.bpf.c itself does per event (bench/README.md). */
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
