// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The lab's impairment dropper for kernels without sch_netem: a clsact egress
 * program on the router's veths. Unlike nft it can be seeded and keep state:
 * seeded random loss, Gilbert-Elliott bursts, and targeted drops (nth
 * candidate, a blackhole window, the first SYN or SYN-ACK of a connection).
 * Drops are counted in segments too, weighted by gso_segs.
 *
 * The generator, the GE state and the nth counter are one value under a spin
 * lock: the sequence of decisions is reproducible from the seed for a given
 * packet order (packets from two CPUs may still interleave differently).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include "lab_dropper_abi.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

#define TC_ACT_OK 0
#define TC_ACT_SHOT 2
#define ETH_P_IP 0x0800
#define ETH_P_IPV6 0x86DD
#define IPPROTO_TCP_ 6
#define ETH_HLEN_ 14
#define TCPF_FIN_ 0x01
#define TCPF_SYN_ 0x02
#define TCPF_RST_ 0x04
#define TCPF_ACK_ 0x10

const volatile __u32 cfg_kind = LAB_DROP_RANDOM;
const volatile __u32 cfg_payload_only = 1;
const volatile __u64 cfg_seed = 1;
const volatile __u64 cfg_loss = 0;      /* random: p * 2^32 */
const volatile __u64 cfg_ge_p = 0;      /* good -> bad */
const volatile __u64 cfg_ge_r = 0;      /* bad -> good */
const volatile __u64 cfg_ge_bad = 0;    /* loss in bad */
const volatile __u64 cfg_ge_good = 0;   /* loss in good */
const volatile __u64 cfg_nth = 0;       /* 1-based */
const volatile __u64 cfg_bh_start_ns = 0; /* bpf_ktime_get_ns() clock */
const volatile __u64 cfg_bh_end_ns = 0;

struct gen_state {
	struct bpf_spin_lock lock;
	__u32 bad;
	__u32 seeded;
	__u64 x;
	__u64 seen; /* candidates so far, for nth */
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

/* Connections whose first SYN (SYN-ACK) was already dropped. LRU: a
 * connection storm must not fill it and turn drops off. */
struct conn_key {
	__u8 saddr[16];
	__u8 daddr[16];
	__u16 sport;
	__u16 dport;
	__u32 family;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 65536);
	__type(key, struct conn_key);
	__type(value, __u8);
} first_seen SEC(".maps");

struct pkt {
	__u32 tcp_off; /* from the start of the IP header */
	__u32 total;   /* IP header + TCP header + payload */
	__u8 flags;
	__u8 doff_byte;
	struct conn_key key;
};

/* splitmix64: one addition and a mix, so a step is cheap under the lock. */
static __always_inline __u64 next_u64(struct gen_state *g)
{
	__u64 z = (g->x += 0x9E3779B97F4A7C15ULL);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

/* Reads the IP and TCP headers; returns 0 for anything that is not TCP. */
static __always_inline int parse(struct __sk_buff *skb, struct pkt *p)
{
	if (skb->protocol == bpf_htons(ETH_P_IP)) {
		__u8 vihl, proto;
		__u16 tot_len;
		if (bpf_skb_load_bytes(skb, ETH_HLEN_, &vihl, 1) ||
		    bpf_skb_load_bytes(skb, ETH_HLEN_ + 9, &proto, 1) ||
		    bpf_skb_load_bytes(skb, ETH_HLEN_ + 2, &tot_len, 2))
			return 0;
		if (proto != IPPROTO_TCP_)
			return 0;
		p->tcp_off = (vihl & 0x0f) * 4;
		/* GSO skbs keep the full length here (up to 64 KiB on veth). */
		p->total = bpf_ntohs(tot_len);
		p->key.family = 2;
		if (bpf_skb_load_bytes(skb, ETH_HLEN_ + 12, p->key.saddr, 4) ||
		    bpf_skb_load_bytes(skb, ETH_HLEN_ + 16, p->key.daddr, 4))
			return 0;
	} else if (skb->protocol == bpf_htons(ETH_P_IPV6)) {
		__u8 nexthdr;
		__u16 plen;
		if (bpf_skb_load_bytes(skb, ETH_HLEN_ + 6, &nexthdr, 1) ||
		    bpf_skb_load_bytes(skb, ETH_HLEN_ + 4, &plen, 2))
			return 0;
		if (nexthdr != IPPROTO_TCP_)
			return 0;
		p->tcp_off = 40;
		p->total = 40 + bpf_ntohs(plen);
		p->key.family = 10;
		if (bpf_skb_load_bytes(skb, ETH_HLEN_ + 8, p->key.saddr, 16) ||
		    bpf_skb_load_bytes(skb, ETH_HLEN_ + 24, p->key.daddr, 16))
			return 0;
	} else {
		return 0;
	}
	if (p->tcp_off < 20 || p->tcp_off > 60)
		return 0;
	if (bpf_skb_load_bytes(skb, ETH_HLEN_ + p->tcp_off, &p->key.sport, 2) ||
	    bpf_skb_load_bytes(skb, ETH_HLEN_ + p->tcp_off + 2, &p->key.dport, 2) ||
	    bpf_skb_load_bytes(skb, ETH_HLEN_ + p->tcp_off + 12, &p->doff_byte, 1) ||
	    bpf_skb_load_bytes(skb, ETH_HLEN_ + p->tcp_off + 13, &p->flags, 1))
		return 0;
	return 1;
}

static __always_inline int is_candidate(const struct pkt *p)
{
	__u8 f = p->flags & (TCPF_FIN_ | TCPF_SYN_ | TCPF_RST_ | TCPF_ACK_);

	if (cfg_kind == LAB_DROP_FIRST_SYN)
		return f == TCPF_SYN_;
	if (cfg_kind == LAB_DROP_FIRST_SYNACK)
		return f == (TCPF_SYN_ | TCPF_ACK_);
	if (!cfg_payload_only)
		return 1;
	return p->total > p->tcp_off + (p->doff_byte >> 4) * 4;
}

/* Drops a connection's first SYN (SYN-ACK) and lets its retransmissions by. */
static __always_inline int first_of_connection(struct pkt *p)
{
	__u8 one = 1;

	if (bpf_map_lookup_elem(&first_seen, &p->key))
		return 0;
	bpf_map_update_elem(&first_seen, &p->key, &one, BPF_NOEXIST);
	return 1;
}

SEC("tc")
int lab_drop(struct __sk_buff *skb)
{
	__u32 zero = 0;
	struct gen_state *g;
	struct lab_drop_stats *st;
	struct pkt p = {};
	int drop = 0, bad = 0;
	__u64 now;

	if (!parse(skb, &p) || !is_candidate(&p))
		return TC_ACT_OK;
	g = bpf_map_lookup_elem(&gen, &zero);
	st = bpf_map_lookup_elem(&drop_stats, &zero);
	if (!g || !st)
		return TC_ACT_OK;

	switch (cfg_kind) {
	case LAB_DROP_FIRST_SYN:
	case LAB_DROP_FIRST_SYNACK:
		drop = first_of_connection(&p);
		break;
	case LAB_DROP_BLACKHOLE:
		now = bpf_ktime_get_ns();
		drop = now >= cfg_bh_start_ns && now < cfg_bh_end_ns;
		break;
	default:
		bpf_spin_lock(&g->lock);
		if (!g->seeded) {
			g->x = cfg_seed;
			g->seeded = 1;
		}
		if (cfg_kind == LAB_DROP_NTH) {
			drop = ++g->seen == cfg_nth;
		} else if (cfg_kind == LAB_DROP_GE) {
			/* Textbook Gilbert-Elliott: lose with the current
			 * state's probability, then take the transition. */
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
	}

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
