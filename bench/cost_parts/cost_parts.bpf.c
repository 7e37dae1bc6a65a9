// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Bench-only: splits the exporter's per-event cost into its parts, to say
 * *why* it costs what bench/overhead/run-probe-cost.sh measures. Each program
 * is one part of what retx.bpf.c does per hit, attached alone:
 *   parts_reads   the socket/skb fields it reads, through BPF_CORE_READ
 *                 (one bpf_probe_read_kernel helper call per field: what its
 *                 raw_tp and tracepoint flavours do)
 *   parts_direct  the same fields through direct BTF-typed loads (what its
 *                 tp_btf flavour does)
 *   parts_map     the map work: a per-CPU stats slot, then lookup/insert/
 *                 update of an aggregate key (retx_key's first 20 bytes) in
 *                 a per-CPU hash
 *   parts_sk      the per-socket state: bpf_sk_storage_get (create) and an
 *                 update of one counter in it
 *   parts_stat, parts_hash  parts_map's stats slot and hash update, each alone
 *   parts_slot    a design the exporter does not use (issue 12's idea): the
 *                 socket state caches a row index, resolved through the hash
 *                 once per socket, and every hit adds to a per-CPU array row
 *                 by that index instead of updating the hash
 * The sum is kept in a global so the compiler cannot drop the reads. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "retx_abi.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

__u64 sink = 0;

/* As retx.bpf.c's retx_agg: keyed by retx_key's first RETX_AGG_KEY_SIZE bytes. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, RETX_AGG_MAX_ENTRIES);
	__uint(key_size, RETX_AGG_KEY_SIZE);
	__type(value, struct retx_value);
} parts_agg SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} parts_stat_slot SEC(".maps");

struct parts_sk_state {
	__u32 total;
	__u32 seen;
};

struct {
	__uint(type, BPF_MAP_TYPE_SK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct parts_sk_state);
} parts_sk_store SEC(".maps");

/* parts_slot: the socket's state with the index of its row, and the rows. */
struct parts_slot_state {
	__u32 total;
	__u32 seen;
	__u32 slot;
	__u32 pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_SK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct parts_slot_state);
} parts_slot_store SEC(".maps");

/* One row per (namespace, family): a value per cause, so that the cause of a
 * hit picks a field instead of a key. */
struct parts_row {
	struct retx_value by_cause[RETX_CAUSE_COUNT];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, RETX_AGG_MAX_ENTRIES);
	__type(key, __u32);
	__type(value, struct parts_row);
} parts_rows SEC(".maps");

SEC("tp_btf/tcp_retransmit_skb")
int BPF_PROG(parts_sk, struct sock *sk, const struct sk_buff *skb)
{
	struct parts_sk_state *st = bpf_sk_storage_get(&parts_sk_store, sk, 0, BPF_SK_STORAGE_GET_F_CREATE);

	if (st) {
		st->total += 1;
		st->seen = 1;
	}
	return 0;
}

SEC("tp_btf/tcp_retransmit_skb")
int BPF_PROG(parts_reads, const struct sock *sk, const struct sk_buff *skb)
{
	const struct inet_connection_sock *icsk = (const void *)sk;
	__u8 raddr[16];
	__u64 s = 0;

	s += BPF_CORE_READ(sk, __sk_common.skc_net.net, ns.inum);
	s += BPF_CORE_READ(sk, __sk_common.skc_family);
	s += BPF_CORE_READ(sk, __sk_common.skc_state);
	s += BPF_CORE_READ_BITFIELD_PROBED(icsk, icsk_ca_state);
	s += BPF_CORE_READ(icsk, icsk_pending);
	s += BPF_CORE_READ((struct tcp_skb_cb *)&skb->cb[0], tcp_gso_segs);
	s += BPF_CORE_READ(sk, __sk_common.skc_num);
	s += BPF_CORE_READ(sk, __sk_common.skc_dport);
	BPF_CORE_READ_INTO(&raddr, sk, __sk_common.skc_v6_daddr.in6_u.u6_addr8);
	s += raddr[0];
	sink += s;
	return 0;
}

SEC("tp_btf/tcp_retransmit_skb")
int BPF_PROG(parts_direct, const struct sock *sk, const struct sk_buff *skb)
{
	/* A cast would keep the verifier's type "sock" and refuse loads past
	 * it; this helper returns a pointer typed as tcp_sock (NULL if not TCP). */
	struct tcp_sock *tp = bpf_skc_to_tcp_sock((void *)sk);
	/* tcp_skb_cb overlays skb->cb; a 2-byte load inside that char array is a
	 * plain BTF access once CO-RE has fixed the field's offset. */
	const __u16 *segs = (const void *)((const char *)skb->cb +
					   bpf_core_field_offset(struct tcp_skb_cb, tcp_gso_segs));
	__u64 s = 0;

	s += sk->__sk_common.skc_net.net->ns.inum;
	s += sk->__sk_common.skc_family;
	s += sk->__sk_common.skc_state;
	if (tp) {
		s += BPF_CORE_READ_BITFIELD(&tp->inet_conn, icsk_ca_state);
		s += tp->inet_conn.icsk_pending;
	}
	s += *segs;
	s += sk->__sk_common.skc_num;
	s += sk->__sk_common.skc_dport;
	s += sk->__sk_common.skc_v6_daddr.in6_u.u6_addr8[0];
	sink += s;
	return 0;
}

/* The per-CPU stats slot every hit bumps (retx.bpf.c: stat_inc). */
static __always_inline void bump_stat(void)
{
	__u32 zero = 0;
	__u64 *st = bpf_map_lookup_elem(&parts_stat_slot, &zero);

	if (st)
		(*st)++;
}

/* A fixed aggregate key (one netns, IPv4, cause): no socket reads. */
static __always_inline void fixed_key(struct retx_key *key, __u8 cause)
{
	__builtin_memset(key, 0, sizeof(*key));
	key->netns = 4026531840u;
	key->family = 2;
	key->cause = cause;
}

/* The aggregate map's usual case (one netns, one cause) with only the map's
 * own work left. */
static __always_inline int add_to_agg(void)
{
	struct retx_key key;
	struct retx_value *v;

	fixed_key(&key, 2);
	v = bpf_map_lookup_elem(&parts_agg, &key);
	if (!v) {
		struct retx_value init = {};

		bpf_map_update_elem(&parts_agg, &key, &init, BPF_NOEXIST);
		v = bpf_map_lookup_elem(&parts_agg, &key);
		if (!v)
			return 0;
	}
	v->segs += 1;
	v->skbs += 1;
	return 0;
}

SEC("tp_btf/tcp_retransmit_skb")
int BPF_PROG(parts_map, const struct sock *sk, const struct sk_buff *skb)
{
	bump_stat();
	return add_to_agg();
}

/* The row index a socket's first hit resolves: a lookup in a (namespace,
 * family) -> index hash, here parts_agg's element standing in for it. */
static __always_inline __u32 resolve_slot(void)
{
	struct retx_key key;

	fixed_key(&key, 0);
	return bpf_map_lookup_elem(&parts_agg, &key) ? 1 : 0;
}

SEC("tp_btf/tcp_retransmit_skb")
int BPF_PROG(parts_slot, struct sock *sk, const struct sk_buff *skb)
{
	struct parts_slot_state *st = bpf_sk_storage_get(&parts_slot_store, sk, 0, BPF_SK_STORAGE_GET_F_CREATE);
	struct parts_row *row;

	if (!st)
		return 0;
	if (!st->seen)
		st->slot = resolve_slot();
	st->total += 1;
	st->seen = 1;
	row = bpf_map_lookup_elem(&parts_rows, &st->slot);
	if (row) {
		row->by_cause[2].segs += 1;
		row->by_cause[2].skbs += 1;
	}
	return 0;
}

/* parts_map's two halves alone: what one cold per-CPU slot costs, and what
 * the hash's bucket, element and per-CPU value add. */
SEC("tp_btf/tcp_retransmit_skb")
int BPF_PROG(parts_stat, const struct sock *sk, const struct sk_buff *skb)
{
	bump_stat();
	return 0;
}

SEC("tp_btf/tcp_retransmit_skb")
int BPF_PROG(parts_hash, const struct sock *sk, const struct sk_buff *skb)
{
	return add_to_agg();
}
