// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The lab's impairment dropper for kernels without sch_netem: a clsact egress
 * program on the router's veths. Unlike nft it can be seeded and keep state,
 * so it provides seeded random loss and Gilbert-Elliott bursts.
 *
 * The generator state and the GE state are one value under a spin lock: the
 * sequence of decisions is reproducible from the seed for a given packet
 * order (packets from two CPUs may still interleave differently).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include "../lab/kernel/lab_dropper_abi.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

#define TC_ACT_OK 0
#define TC_ACT_SHOT 2
#define ETH_P_IP 0x0800
#define ETH_P_IPV6 0x86DD
#define IPPROTO_TCP_ 6
#define ETH_HLEN_ 14

const volatile __u32 cfg_kind = LAB_DROP_RANDOM;
const volatile __u32 cfg_payload_only = 1;
const volatile __u64 cfg_seed = 1;
const volatile __u64 cfg_loss = 0;      /* random: p * 2^32 */
const volatile __u64 cfg_ge_p = 0;      /* good -> bad */
const volatile __u64 cfg_ge_r = 0;      /* bad -> good */
const volatile __u64 cfg_ge_bad = 0;    /* loss in bad */
const volatile __u64 cfg_ge_good = 0;   /* loss in good */

struct gen_state {
	struct bpf_spin_lock lock;
	__u32 bad;
	__u32 seeded;
	__u64 x;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct gen_state);
} gen SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct lab_drop_stats);
} drop_stats SEC(".maps");

/* splitmix64: one addition and a mix, so a step is cheap under the lock. */
static __always_inline __u64 next_u64(struct gen_state *g)
{
	__u64 z = (g->x += 0x9E3779B97F4A7C15ULL);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

/* Returns 1 when the TCP packet carries payload (or any TCP packet when
 * payload_only is off), 0 for other packets. */
static __always_inline int is_candidate(struct __sk_buff *skb)
{
	__u32 tcp_off, total;
	__u8 doff_byte;

	if (skb->protocol == bpf_htons(ETH_P_IP)) {
		__u8 vihl;
		__u8 proto;
		__u16 tot_len;
		if (bpf_skb_load_bytes(skb, ETH_HLEN_, &vihl, 1) ||
		    bpf_skb_load_bytes(skb, ETH_HLEN_ + 9, &proto, 1) ||
		    bpf_skb_load_bytes(skb, ETH_HLEN_ + 2, &tot_len, 2))
			return 0;
		if (proto != IPPROTO_TCP_)
			return 0;
		tcp_off = (vihl & 0x0f) * 4;
		total = bpf_ntohs(tot_len);
	} else if (skb->protocol == bpf_htons(ETH_P_IPV6)) {
		__u8 nexthdr;
		__u16 plen;
		if (bpf_skb_load_bytes(skb, ETH_HLEN_ + 6, &nexthdr, 1) ||
		    bpf_skb_load_bytes(skb, ETH_HLEN_ + 4, &plen, 2))
			return 0;
		if (nexthdr != IPPROTO_TCP_)
			return 0;
		tcp_off = 40;
		total = 40 + bpf_ntohs(plen);
	} else {
		return 0;
	}
	if (!cfg_payload_only)
		return 1;
	if (bpf_skb_load_bytes(skb, ETH_HLEN_ + tcp_off + 12, &doff_byte, 1))
		return 0;
	/* GSO skbs keep the full length in the IP header (up to 64 KiB here). */
	return total > tcp_off + (doff_byte >> 4) * 4;
}

SEC("tc")
int lab_drop(struct __sk_buff *skb)
{
	__u32 zero = 0;
	struct gen_state *g;
	struct lab_drop_stats *st;
	int drop = 0, bad = 0;

	if (!is_candidate(skb))
		return TC_ACT_OK;
	g = bpf_map_lookup_elem(&gen, &zero);
	st = bpf_map_lookup_elem(&drop_stats, &zero);
	if (!g || !st)
		return TC_ACT_OK;

	bpf_spin_lock(&g->lock);
	if (!g->seeded) {
		g->x = cfg_seed;
		g->seeded = 1;
	}
	if (cfg_kind == LAB_DROP_GE) {
		/* Textbook Gilbert-Elliott: lose with the current state's
		 * probability, then take the state transition. */
		bad = g->bad;
		drop = (next_u64(g) >> 32) < (bad ? cfg_ge_bad : cfg_ge_good);
		if (bad)
			g->bad = !((next_u64(g) >> 32) < cfg_ge_r);
		else
			g->bad = (next_u64(g) >> 32) < cfg_ge_p;
	} else {
		drop = (next_u64(g) >> 32) < cfg_loss;
	}
	bpf_spin_unlock(&g->lock);

	st->candidates++;
	if (bad)
		st->ge_bad_packets++;
	if (!drop)
		return TC_ACT_OK;
	st->packets_dropped++;
	st->segments_dropped += skb->gso_segs ? skb->gso_segs : 1;
	st->bytes_dropped += skb->len;
	return TC_ACT_SHOT;
}
