// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Bench-only: the "per-event" design the exporter replaced. One ring-buffer
 * record per tcp_retransmit_skb hit, counted in user space. It exists to be
 * priced against retx.bpf.c (in-kernel aggregation) in the same run; records
 * the ring could not take are counted here, so the loss is measured, not
 * guessed. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include "retx_event.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

#define AF_INET6 10

/* Set before load: the 6.17+ tracepoint has a third argument (err); reading
 * ctx[2] on an older kernel would be refused by the verifier. */
const volatile bool targ_has_err = false;

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024); /* resized by the loader (--ringbuf-kib) */
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, RETX_EV_STAT_COUNT);
	__type(key, __u32);
	__type(value, __u64);
} ev_stats SEC(".maps");

static __always_inline void stat_inc(__u32 slot)
{
	__u64 *v = bpf_map_lookup_elem(&ev_stats, &slot);

	if (v)
		(*v)++;
}

SEC("tp_btf/tcp_retransmit_skb")
int retx_event_btf(u64 *ctx)
{
	const struct sock *sk = (const void *)ctx[0];
	const struct sk_buff *skb = (const void *)ctx[1];
	const struct inet_connection_sock *icsk = (const void *)sk;
	struct retx_event *e;

	stat_inc(RETX_EV_HITS);
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		stat_inc(RETX_EV_RESERVE_FAIL);
		return 0;
	}
	e->ts_ns = bpf_ktime_get_ns();
	e->netns = BPF_CORE_READ(sk, __sk_common.skc_net.net, ns.inum);
	e->family = BPF_CORE_READ(sk, __sk_common.skc_family);
	e->state = BPF_CORE_READ(sk, __sk_common.skc_state);
	e->ca_state = BPF_CORE_READ_BITFIELD_PROBED(icsk, icsk_ca_state);
	e->err = targ_has_err ? (int)ctx[2] : 0;
	e->segs = BPF_CORE_READ((struct tcp_skb_cb *)&skb->cb[0], tcp_gso_segs);
	if (e->segs == 0)
		e->segs = 1;
	e->lport = BPF_CORE_READ(sk, __sk_common.skc_num);
	e->rport = bpf_ntohs(BPF_CORE_READ(sk, __sk_common.skc_dport));
	if (e->family == AF_INET6) {
		BPF_CORE_READ_INTO(&e->laddr, sk, __sk_common.skc_v6_rcv_saddr.in6_u.u6_addr8);
		BPF_CORE_READ_INTO(&e->raddr, sk, __sk_common.skc_v6_daddr.in6_u.u6_addr8);
	} else {
		__builtin_memset(e->laddr, 0, sizeof(e->laddr));
		__builtin_memset(e->raddr, 0, sizeof(e->raddr));
		BPF_CORE_READ_INTO(&e->laddr[0], sk, __sk_common.skc_rcv_saddr);
		BPF_CORE_READ_INTO(&e->raddr[0], sk, __sk_common.skc_daddr);
	}
	e->pad = 0;
	/* Default flags: wake the consumer per record, as a naive per-event tool does. */
	bpf_ringbuf_submit(e, 0);
	return 0;
}
