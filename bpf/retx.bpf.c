// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* Counts TCP retransmissions in the kernel, per network namespace, address
 * family, cause and outcome, in segments and in tracepoint hits.
 *
 * Three flavours of each program exist because kernels differ in what they
 * accept: tp_btf (BTF-typed, cheapest), raw_tp (no BTF attach needed) and the
 * classic tracepoint. The exporter loads exactly one flavour, turning autoload
 * off for the others, and reports which (exporter/probe.cpp).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_endian.h>
#include "retx_abi.h"
#include "netns_id.bpf.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

#define AF_INET 2
#define AF_INET6 10
/* include/net/inet_connection_sock.h: these are #defines, absent from BTF. */
#define ICSK_TIME_LOSS_PROBE 5
/* errno values returned by __tcp_retransmit_skb before it reaches
 * tcp_transmit_skb (net/ipv4/tcp_output.c, 6.17+). */
#define E_AGAIN 11
#define E_NOMEM 12
#define E_BUSY 16
#define E_EXIST 17
#define E_2BIG 7
#define E_INVAL 22
#define E_HOSTUNREACH 113

/* Set by the exporter before load (read-only data, so the verifier prunes the
 * branches a kernel cannot take, e.g. reading the err argument on < 6.17). */
const volatile bool targ_has_err = false;
const volatile bool targ_peer_labels = false;
const volatile bool targ_cgroup_labels = false;
const volatile bool targ_filter_netns = false;

/* Keyed by the first RETX_AGG_KEY_SIZE bytes of a struct retx_key (retx_abi.h). */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, RETX_AGG_MAX_ENTRIES);
	__uint(key_size, RETX_AGG_KEY_SIZE);
	__type(value, struct retx_value);
} retx_agg SEC(".maps");

/* Keys with peer or cgroup labels. Sized to the series budget by the
 * exporter before load. Shared values added to atomically, not per CPU: a
 * peer series is mostly one connection's, so its row is rarely contended, and
 * new series are frequent (a connect storm makes one per connection). A
 * per-CPU hash zeroes every CPU's value on each insert and reaches its value
 * through one more cold line on each hit. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1);
	__type(key, struct retx_key);
	__type(value, struct retx_value);
} retx_detail SEC(".maps");

/* Rows a counting map refused to insert with room to spare (retx_abi.h,
 * RETX_SPILL_MAX_ENTRIES): the exporter adds them to the same rows. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, RETX_SPILL_MAX_ENTRIES);
	__uint(key_size, RETX_AGG_KEY_SIZE);
	__type(value, struct retx_value);
} retx_agg_spill SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, RETX_SPILL_MAX_ENTRIES);
	__type(key, struct retx_key);
	__type(value, struct retx_value);
} retx_detail_spill SEC(".maps");

/* Cgroup ids the exporter found removed (written by user space only). A
 * socket can outlive its cgroup; its hits then fold into the aggregate map, so
 * the exporter can delete the cgroup's detail rows at a later scrape (a second
 * or more after the mark) without a hit landing in a row being deleted. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, RETX_CGROUP_GONE_MAX);
	__type(key, __u64);
	__type(value, __u8);
} cgroup_gone SEC(".maps");

#include "retx_stats.bpf.h"

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, RETX_NETNS_FILTER_MAX);
	__type(key, __u32);
	__type(value, __u8);
} netns_allow SEC(".maps");

/* Per-CPU histograms of closed connections' retransmission ratios, keyed by
 * the namespace (cookie and inode, as the counting maps: the exporter retires
 * a dead namespace's entry like its counters). Preallocated: a close that
 * neither it nor retx_ratio_hist_spill takes is counted in RETX_STAT_HIST_LOST. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, RETX_RATIO_HIST_MAX_ENTRIES);
	__type(key, struct retx_netns_key);
	__type(value, struct retx_ratio_hist);
} retx_ratio_hist SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, RETX_SPILL_MAX_ENTRIES);
	__type(key, struct retx_netns_key);
	__type(value, struct retx_ratio_hist);
} retx_ratio_hist_spill SEC(".maps");

/* Namespaces where a socket without state has a baseline of 0 (tp_btf only:
 * there the state is socket storage, never evicted, so a socket without any
 * was never given one). The exporter's seed pass (bpf/retx_seed.bpf.c) gives
 * every socket of a namespace that has retransmitted and has no state the
 * baseline it has then, and marks the namespace here after the pass. From
 * then on a socket without state retransmitted nothing the probe did not
 * see: it existed at the pass with total_retrans 0, or was set up later with
 * total_retrans 0 (setup leaves it without state, so a connection that never
 * retransmits costs no storage). Before the mark, setup gives every
 * connection a baseline, as where the namespace is never marked. Keyed by
 * cookie, which no namespace reuses. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, RETX_SEEDED_NETNS_MAX);
	__type(key, __u64);
	__type(value, __u8);
} netns_seeded SEC(".maps");

/* struct retx_sk_last (retx_abi.h): the socket's tp->total_retrans at its
 * previous hit. The kernel adds the same `segs` to tp->total_retrans and to
 * Tcp RetransSegs, in the same place, so the growth of total_retrans between
 * two hits is exactly what the socket added to RetransSegs: the count this
 * probe reports. Measured on 6.18, the skb's pcount at the tracepoint fell
 * short of that growth on a few hits per thousand (bpf/README.md, "Why not
 * just pcount"). Its causes[] keep that growth by cause, for retx-top.
 * The maps: retx_sk_btf (tp_btf) and retx_sk_ptr (the others). */
#include "retx_sk_state.bpf.h"

/* Classic tracepoint records: skbaddr and skaddr sit at offsets 8 and 16 in
 * every kernel since the event appeared (the struct's name changed in 6.17,
 * so it cannot be matched by CO-RE name; the layout prefix never moved). */
struct retx_tp_skb_record {
	__u64 common;
	const void *skbaddr;
	const void *skaddr;
};
struct retx_tp_synack_record {
	__u64 common;
	const void *skaddr;
	const void *req;
};
/* 6.17+ record: err is located by CO-RE, only when targ_has_err is set. */
struct trace_event_raw_tcp_retransmit_skb___err {
	int err;
} __attribute__((preserve_access_index));

static __always_inline void stat_inc(__u32 slot)
{
	__u64 *v = bpf_map_lookup_elem(&retx_stats, &slot);
	if (v)
		(*v)++;
}

static __always_inline __u8 outcome_of(int err)
{
	if (err == 0)
		return RETX_OUTCOME_SENT;
	switch (-err) {
	case E_AGAIN:
	case E_NOMEM:
	case E_BUSY:
	case E_INVAL:
	case E_HOSTUNREACH:
		return RETX_OUTCOME_FAILED_EARLY;
	}
	return RETX_OUTCOME_FAILED_XMIT;
}

/* Order matters: a loss-probe timer can still be armed when SACK recovery
 * starts, so the congestion state is checked before icsk_pending. */
static __always_inline __u8 cause_of(const struct sock *sk, const struct tcp_sock *tp, bool direct)
{
	const struct inet_connection_sock *icsk = &tp->inet_conn;
	__u8 state = direct ? sk->__sk_common.skc_state : BPF_CORE_READ(sk, __sk_common.skc_state);
	__u8 ca_state, pending;

	if (state == TCP_SYN_SENT)
		return RETX_CAUSE_SYN;
	if (state == TCP_SYN_RECV)
		return RETX_CAUSE_SYNACK;
	ca_state = direct ? BPF_CORE_READ_BITFIELD(icsk, icsk_ca_state)
			  : BPF_CORE_READ_BITFIELD_PROBED(icsk, icsk_ca_state);
	if (ca_state == TCP_CA_Loss)
		return RETX_CAUSE_RTO;
	if (ca_state == TCP_CA_Recovery)
		return RETX_CAUSE_FAST;
	pending = direct ? icsk->icsk_pending : BPF_CORE_READ(icsk, icsk_pending);
	if (pending == ICSK_TIME_LOSS_PROBE)
		return RETX_CAUSE_TLP;
	return RETX_CAUSE_OTHER;
}

/* Peer fields come from a sock_common: the socket itself, or for SYN-ACKs the
 * request sock (whose first member is also a sock_common). */
static __always_inline void fill_peer(struct retx_key *key, const struct sock *common, bool direct)
{
	key->lport = direct ? common->__sk_common.skc_num : BPF_CORE_READ(common, __sk_common.skc_num);
	key->rport = bpf_ntohs(direct ? common->__sk_common.skc_dport
				      : BPF_CORE_READ(common, __sk_common.skc_dport));
	if (direct && key->family == AF_INET6) {
		__builtin_memcpy(key->raddr, common->__sk_common.skc_v6_daddr.in6_u.u6_addr8, 16);
	} else if (direct) {
		__u32 daddr = common->__sk_common.skc_daddr;

		__builtin_memcpy(key->raddr, &daddr, sizeof(daddr));
	} else if (key->family == AF_INET6) {
		BPF_CORE_READ_INTO(&key->raddr, common, __sk_common.skc_v6_daddr.in6_u.u6_addr8);
	} else {
		/* Through a __u32: BPF_CORE_READ_INTO copies sizeof(*dst) bytes. */
		__u32 daddr = BPF_CORE_READ(common, __sk_common.skc_daddr);

		__builtin_memcpy(key->raddr, &daddr, sizeof(daddr));
	}
}

/* The map's value for key, inserted as `zero` when absent; NULL with the
 * insert's error in *err when the map refused it. */
static __always_inline void *lookup_or_init(void *map, const void *key, const void *zero, long *err)
{
	void *v = bpf_map_lookup_elem(map, key);

	*err = 0;
	if (v)
		return v;
	*err = bpf_map_update_elem(map, key, zero, BPF_NOEXIST);
	/* -EEXIST: another CPU inserted it first. */
	if (*err == 0 || *err == -E_EXIST)
		return bpf_map_lookup_elem(map, key);
	return NULL;
}

/* Whether a hit or close that map refused goes to its spill map: always for a
 * bucket lock held on this CPU (retx_abi.h, RETX_SPILL_MAX_ENTRIES), for lack
 * of room (-E2BIG; -ENOMEM without preallocation) only if spill_if_full. */
static __always_inline bool spills(long err, bool spill_if_full)
{
	return spill_if_full || (err != -E_2BIG && err != -E_NOMEM);
}

/* The value for key in map or, when map refused the insert, in its spill map. */
static __always_inline void *value_or_spill(void *map, void *spill, const void *key, const void *zero,
					    bool spill_if_full)
{
	long err;
	void *v = lookup_or_init(map, key, zero, &err);

	if (v || !spills(err, spill_if_full))
		return v;
	v = lookup_or_init(spill, key, zero, &err);
	if (v)
		stat_inc(RETX_STAT_SPILLED);
	return v;
}

/* shared: the map's values are not per CPU, so the adds are atomic. */
static __always_inline void add_row(struct retx_value *v, __u64 segs, __u64 skbs, bool shared)
{
	if (shared) {
		__sync_fetch_and_add(&v->segs, segs);
		__sync_fetch_and_add(&v->skbs, skbs);
	} else {
		v->segs += segs;
		v->skbs += skbs;
	}
}

/* Adds add to key's row, or inserts add as the row: a new key costs one
 * insert and no second lookup (a BPF update of a per-CPU map sets this CPU's
 * value and zeroes the others). absent: a lookup just missed, so go straight
 * to the insert. The insert's error when map refused it. */
static __always_inline long add_or_insert(void *map, const struct retx_key *key, const struct retx_value *add,
					  bool shared, bool absent)
{
	struct retx_value *v = absent ? NULL : bpf_map_lookup_elem(map, key);
	long err;

	if (!v) {
		err = bpf_map_update_elem(map, key, add, BPF_NOEXIST);
		/* -EEXIST: another CPU inserted it first. */
		if (err != -E_EXIST)
			return err;
		v = bpf_map_lookup_elem(map, key);
		if (!v)
			return -E_EXIST;
	}
	add_row(v, add->segs, add->skbs, shared);
	return 0;
}

/* False when neither map took the hit. shared, absent: as add_or_insert. */
static __always_inline bool add_to(void *map, void *spill, const struct retx_key *key, __u64 segs,
				   bool spill_if_full, bool shared, bool absent)
{
	struct retx_value add = { .segs = segs, .skbs = 1 };
	long err = add_or_insert(map, key, &add, shared, absent);

	if (!err)
		return true;
	if (!spills(err, spill_if_full) || add_or_insert(spill, key, &add, shared, false))
		return false;
	stat_inc(RETX_STAT_SPILLED);
	return true;
}

/* Folded keys lose their detail: exported with the labels "overflow". */
static __always_inline void fold(struct retx_key *key)
{
	key->cgroup = 0;
	key->lport = 0;
	key->rport = 0;
	__builtin_memset(key->raddr, 0, sizeof(key->raddr));
}

/* Completes key for the map it is counted in first, and says which: the
 * detail map with peer or cgroup labels (peer fields filled in), else, or
 * when its cgroup is gone (folded), the aggregate map. */
static __always_inline bool route(struct retx_key *key, const struct sock *peer, bool direct)
{
	if (targ_peer_labels)
		fill_peer(key, peer, direct);
	if (!targ_peer_labels && !targ_cgroup_labels)
		return false;
	if (key->cgroup && bpf_map_lookup_elem(&cgroup_gone, &key->cgroup)) {
		fold(key);
		return false;
	}
	return true;
}

/* Counts a routed key (route: detail says where). absent: a lookup of key
 * in that map just missed. */
static __always_inline void count_routed(struct retx_key *key, __u64 segs, bool detail, bool absent)
{
	if (detail) {
		if (add_to(&retx_detail, &retx_detail_spill, key, segs, false, true, absent))
			return;
		/* Over budget (or, barely possible, both maps busy): fold into
		 * the aggregate series so totals stay exact. */
		stat_inc(RETX_STAT_FOLDED);
		fold(key);
		absent = false;
	}
	if (!add_to(&retx_agg, &retx_agg_spill, key, segs, true, false, absent))
		stat_inc(RETX_STAT_LOST);
}

static __always_inline void count(struct retx_key *key, const struct sock *peer, __u64 segs, bool direct)
{
	count_routed(key, segs, route(key, peer, direct), false);
}

/* The socket's cgroup v2 id, from the socket (sk_cgrp_data, 5.15+): the task
 * that created it, or for an accepted socket its listener's. Retransmits run
 * from timers and softirqs, where the current task is not the owner. */
static __always_inline __u64 sk_cgroup_id(const struct sock *sk, bool direct)
{
	const struct cgroup *cg;

	if (!bpf_core_field_exists(sk->sk_cgrp_data.cgroup))
		return 0;
	if (!direct)
		return BPF_CORE_READ(sk, sk_cgrp_data.cgroup, kn, id);
	cg = sk->sk_cgrp_data.cgroup;
	return cg ? cg->kn->id : 0;
}

/* The socket's namespace as the maps key it, or false where --netns leaves
 * the namespace out. */
static __always_inline bool netns_key_of(const struct sock *sk, bool direct, struct retx_netns_key *k)
{
	const struct net *net = direct ? sk->__sk_common.skc_net.net : BPF_CORE_READ(sk, __sk_common.skc_net.net);

	k->netns = direct ? net->ns.inum : BPF_CORE_READ(net, ns.inum);
	k->pad = 0;
	if (targ_filter_netns && !bpf_map_lookup_elem(&netns_allow, &k->netns))
		return false;
	k->netns_cookie = netns_cookie_of(net, direct);
	return true;
}

static __always_inline bool fill_common(struct retx_key *key, const struct sock *sk, bool direct)
{
	struct retx_netns_key ns;

	__builtin_memset(key, 0, sizeof(*key));
	if (!netns_key_of(sk, direct, &ns)) {
		stat_inc(RETX_STAT_FILTERED);
		return false;
	}
	key->netns = ns.netns;
	key->netns_cookie = ns.netns_cookie;
	key->family = direct ? sk->__sk_common.skc_family : BPF_CORE_READ(sk, __sk_common.skc_family);
	if (targ_cgroup_labels)
		key->cgroup = sk_cgroup_id(sk, direct);
	return true;
}

/* direct: the pointers are BTF-typed (tp_btf), so fields are plain loads the
 * verifier checks; otherwise each read goes through bpf_probe_read_kernel,
 * which costs a helper call per field. */
static __always_inline struct retx_sk_last *sk_last(const struct sock *sk, bool direct, bool create)
{
	struct retx_sk_last *v;
	__u64 k = (__u64)sk;

	if (direct) {
		/* Looked up first so that a creation can be counted: it costs an
		 * allocation, which the probe makes only for sockets it follows. */
		v = bpf_sk_storage_get(&retx_sk_btf, (void *)sk, 0, 0);
		if (v || !create)
			return v;
		v = bpf_sk_storage_get(&retx_sk_btf, (void *)sk, 0, BPF_SK_STORAGE_GET_F_CREATE);
		if (v)
			stat_inc(RETX_STAT_SK_TRACKED);
		return v;
	}
	v = bpf_map_lookup_elem(&retx_sk_ptr, &k);
	if (!v && create) {
		struct retx_sk_last zero = {};

		if (bpf_map_update_elem(&retx_sk_ptr, &k, &zero, BPF_NOEXIST) == 0)
			stat_inc(RETX_STAT_SK_TRACKED);
		v = bpf_map_lookup_elem(&retx_sk_ptr, &k);
	}
	return v;
}

/* Whether a socket the probe has no state for has a baseline of 0 (see
 * netns_seeded). Asked only where a socket has no state: at its setup, its
 * first hit and a CLOSE without a hit. */
static __always_inline bool zero_baseline(const struct sock *sk, bool direct)
{
	__u64 cookie;

	if (!direct)
		return false;
	cookie = netns_cookie_of(sk->__sk_common.skc_net.net, true);
	return cookie && bpf_map_lookup_elem(&netns_seeded, &cookie);
}

/* The socket as a tcp_sock. A BTF 'struct sock *' may not be read past
 * struct sock, so tp_btf asks the helper, which also checks the protocol;
 * elsewhere the pointer is only probe-read, and the caller knows it is TCP
 * (or, on the state tracepoint, checks sk_protocol first). */
static __always_inline const struct tcp_sock *tcp_sock_of(const struct sock *sk, bool direct)
{
	return direct ? bpf_skc_to_tcp_sock((void *)sk) : (const struct tcp_sock *)sk;
}

static __always_inline __u32 total_retrans_of(const struct tcp_sock *tp, bool direct)
{
	return direct ? tp->total_retrans : BPF_CORE_READ(tp, total_retrans);
}

/* What a socket's total_retrans gained over its baseline. *known is false
 * when it has none (no state, or state never set: the socket predates the
 * probe, or its storage was evicted), unless from_zero says the baseline is 0
 * (syn_from_zero), and when now is below it (a new socket reused a freed
 * pointer: LRU flavour only). */
static __always_inline __u32 growth_over(const struct retx_sk_last *last, __u32 now, bool from_zero, bool *known)
{
	__u32 base = last && last->seen ? last->total_retrans : 0;

	*known = (from_zero || (last && last->seen)) && now >= base;
	return *known ? now - base : 0;
}

/* Segments this hit's socket added to RetransSegs since its previous hit,
 * the socket's state created if it has none; on a first hit (*known false)
 * only the hit's own pcount is known. *lastp is the socket's state (NULL if
 * it has none), for add_cause. */
static __always_inline __u64 rtx_growth(const struct sock *sk, const struct tcp_sock *tp, bool direct,
					bool from_zero, bool *known, struct retx_sk_last **lastp)
{
	struct retx_sk_last *last = sk_last(sk, direct, true);
	__u32 now = total_retrans_of(tp, direct), delta;

	*lastp = last;
	*known = false;
	if (!last)
		return 0;
	/* Never seen: just created, where it may start from 0. */
	if (!last->seen && !from_zero)
		from_zero = zero_baseline(sk, direct);
	delta = growth_over(last, now, from_zero, known);
	last->total_retrans = now;
	last->seen = 1;
	return delta;
}

/* Per-socket causes for retx-top: segments the socket added to its
 * total_retrans, under the cause of the hit that saw them. */
static __always_inline void add_cause(struct retx_sk_last *last, __u8 cause, __u64 segs)
{
	if (last && cause < RETX_CAUSE_COUNT)
		last->causes[cause] += segs;
}

/* Whether a socket reaching CLOSE from oldstate is a connection for the ratio
 * histogram: one that was established, or an attempt that retransmitted.
 * Listeners, never-connected sockets (CLOSE to CLOSE) and connects that ended
 * in SYN_SENT with nothing retransmitted (refused by an RST, or aborted) are
 * not: they have no ratio to speak of (0 of one SYN), and leaving them out
 * keeps a refuse storm (port scans, a service down) off the map update and
 * out of the histogram's bucket 0. */
static __always_inline bool closes_a_connection(int oldstate, __u32 total_retrans)
{
	if (oldstate == TCP_LISTEN || oldstate == TCP_CLOSE)
		return false;
	return oldstate != TCP_SYN_SENT || total_retrans > 0;
}

/* One closed connection into its namespace's ratio histogram: bucket by
 * integer comparison (retx_abi.h), the ratio's sum in fixed point. */
static __always_inline void observe_ratio(const struct sock *sk, const struct tcp_sock *tp, __u64 retrans,
					  bool direct)
{
	static const __u32 denoms[RETX_RATIO_BOUNDS] = RETX_RATIO_DENOMS_INIT;
	struct retx_ratio_hist zero = {}, *h;
	struct retx_netns_key netns;
	__u32 slot = RETX_RATIO_BOUNDS;
	__u64 segs;
	int i;

	if (!netns_key_of(sk, direct, &netns))
		return;
	h = value_or_spill(&retx_ratio_hist, &retx_ratio_hist_spill, &netns, &zero, true);
	if (!h) {
		stat_inc(RETX_STAT_HIST_LOST);
		return;
	}
	/* Most connections never retransmit: bucket 0, nothing to add to the
	 * sum, and no search or division on the path every close takes. */
	if (retrans == 0) {
		h->buckets[0] += 1;
		return;
	}
	segs = direct ? tp->segs_out : BPF_CORE_READ(tp, segs_out);
#pragma unroll
	for (i = RETX_RATIO_BOUNDS - 1; i > 0; i--) {
		if (retrans * denoms[i] <= segs)
			slot = i;
	}
	if (slot > RETX_RATIO_BOUNDS)
		slot = RETX_RATIO_BOUNDS;
	h->buckets[slot] += 1;
	if (segs)
		h->sum_scaled += retrans * RETX_RATIO_SUM_SCALE / segs;
}

/* Where a connection's baseline is taken. Where the tracepoint reports err
 * (6.17+), every retransmit attempt is meant to fire it, counted or not; so
 * a connect gets no per-socket state until it retransmits (a refused or
 * aborted connect never gets any), and the baseline of its first SYN hit is
 * 0: a connect starts with total_retrans 0 (tcp_disconnect zeroes it for a
 * socket that connects again). Counted SYNs that fired no hit were measured
 * on 6.18 under SYN bursts (bench/overhead/run-lost.sh: up to 3,061 of 53,220
 * in one run, the per-event program short by as many: that kernel runs no
 * tracing program while PID 1 is current, bpf/README.md), which growth from
 * that zero recovers at the next hit or when the connect leaves SYN_SENT
 * (handle_setup, handle_close). An accepted child's baseline is taken at ESTABLISHED. Older
 * kernels fire only on success, so a SYN whose transmit failed after being
 * counted is seen only as growth: there the baseline is taken at SYN_SENT. */
static __always_inline bool handshake_by_hit(void)
{
	return targ_has_err;
}

static __always_inline bool is_setup(int oldstate, int newstate)
{
	if (newstate == TCP_ESTABLISHED)
		return oldstate == TCP_SYN_RECV || (handshake_by_hit() && oldstate == TCP_SYN_SENT);
	return newstate == TCP_SYN_SENT && !handshake_by_hit();
}

/* A connect whose SYNs count by growth from 0 (handshake_by_hit). */
static __always_inline bool syn_from_zero(int state)
{
	return handshake_by_hit() && state == TCP_SYN_SENT;
}

/* A socket's LRU entry (raw_tp, tracepoint) dropped at CLOSE, so that a
 * socket reusing the pointer starts clean. Socket storage goes with its
 * socket. */
static __always_inline void forget_sk(const struct sock *sk, bool direct)
{
	__u64 k = (__u64)sk;

	if (!direct && bpf_map_delete_elem(&retx_sk_ptr, &k) == 0)
		stat_inc(RETX_STAT_SK_UNTRACKED);
}

/* Retransmits seen only as growth of total_retrans, at a state change:
 * counted as sent, under cause. */
static __always_inline void count_growth(const struct sock *sk, __u8 cause, __u64 growth, bool direct)
{
	struct retx_key key;

	if (growth == 0 || !fill_common(&key, sk, direct))
		return;
	key.cause = cause;
	key.outcome = RETX_OUTCOME_SENT;
	count(&key, sk, growth, direct);
}

/* Setup (is_setup) records a new connection's starting total_retrans, so
 * that even its first retransmit hit counts by growth. An accepted child
 * reaches ESTABLISHED from SYN_RECV with its request's SYN-ACK retransmits
 * already in total_retrans (counted by the synack tracepoint, so they must
 * not count again); an active open has its SYNs in it, counted by their
 * hits and, where they count from 0, by what grew since the last of them. */
static __always_inline void handle_setup(const struct sock *sk, int oldstate, __u32 now, bool direct)
{
	struct retx_sk_last *last;
	bool known;
	__u32 gap;

	/* Nothing retransmitted yet: where state-less means 0, no state. */
	if (now == 0 && zero_baseline(sk, direct))
		return;
	last = sk_last(sk, direct, true);
	/* A connect's SYNs counted without a hit: what grew since its last SYN
	 * hit, all of total_retrans if it had none. */
	gap = syn_from_zero(oldstate) ? growth_over(last, now, true, &known) : 0;
	if (last) {
		if (oldstate == TCP_SYN_RECV && now && !last->seen)
			add_cause(last, RETX_CAUSE_SYNACK, now);
		add_cause(last, RETX_CAUSE_SYN, gap);
		last->total_retrans = now;
		last->seen = 1;
	}
	count_growth(sk, RETX_CAUSE_SYN, gap, direct);
}

/* Teardown (CLOSE) counts whatever total_retrans grew since the socket's
 * last hit. Growth is otherwise only seen at the next hit, and a counted
 * attempt that fired no hit of its own (on 6.1 a failed transmit fires
 * nothing; 6.18 has such gaps too, for SYNs above all) would be lost if no
 * hit followed. Its cause is "other", or "syn" for a connect. The baseline is
 * left at 0: a socket that connects again (after a disconnect, which zeroes
 * total_retrans) starts from there. */
static __always_inline void handle_close(const struct sock *sk, int oldstate, __u32 now, bool direct)
{
	bool from_zero = syn_from_zero(oldstate), known;
	struct retx_sk_last *last;
	__u8 cause = from_zero ? RETX_CAUSE_SYN : RETX_CAUSE_OTHER;
	__u32 growth;

	/* Where every attempt fires a hit, an accepted child counts its
	 * handshake by hits (handle_handshake_hit): nothing to add. A refused
	 * or aborted connect (nothing retransmitted) has nothing to read. */
	if ((handshake_by_hit() && oldstate == TCP_SYN_RECV) || (from_zero && now == 0)) {
		forget_sk(sk, direct);
		return;
	}
	last = sk_last(sk, direct, false);
	/* No state where that means 0: all of total_retrans fired no hit. */
	growth = growth_over(last, now, from_zero || (!last && now && zero_baseline(sk, direct)), &known);
	if (last) {
		if (known)
			add_cause(last, cause, growth);
		last->total_retrans = 0;
		last->seen = 1;
	}
	forget_sk(sk, direct);
	if (known)
		count_growth(sk, cause, growth, direct);
}

/* Connection setup and teardown, from sock:inet_sock_set_state. */
static __always_inline int handle_state(const struct sock *sk, int oldstate, int newstate, bool direct)
{
	bool setup = is_setup(oldstate, newstate);
	const struct tcp_sock *tp;
	__u32 now;

	if (!sk || !(setup || newstate == TCP_CLOSE))
		return 0;
	if (!direct && BPF_CORE_READ(sk, sk_protocol) != IPPROTO_TCP)
		return 0;
	tp = tcp_sock_of(sk, direct);
	if (!tp)
		return 0;
	now = total_retrans_of(tp, direct);
	if (setup) {
		handle_setup(sk, oldstate, now, direct);
		return 0;
	}
	if (closes_a_connection(oldstate, now))
		observe_ratio(sk, tp, now, direct);
	handle_close(sk, oldstate, now, direct);
	return 0;
}

/* tcp_skb_pcount(): TCP_SKB_CB(skb)->tcp_gso_segs, the segments this skb
 * holds. A GSO skb holds many. */
static __always_inline __u64 pcount_of(const struct sk_buff *skb, bool direct)
{
	__u64 pcount;

	if (direct)
		pcount = ((const struct tcp_skb_cb *)&skb->cb[0])->tcp_gso_segs;
	else
		pcount = BPF_CORE_READ((struct tcp_skb_cb *)&skb->cb[0], tcp_gso_segs);
	return pcount ? pcount : 1;
}

/* A hit's row, looked up before the socket's state is read. */
struct row_ahead {
	struct retx_value *v; /* the row; NULL: absent (looked) or not looked up */
	bool looked;          /* err 0: the key was routed (route()) and looked up */
	bool detail;          /* route()'s answer: a detail row, added to atomically */
};

/* Looks up the row a hit will be added to before the socket's state: neither
 * depends on the other, and where their lines are cold (lossy bulk: the
 * traffic evicts them between hits) the row's chain (bucket, element, value)
 * then overlaps the state's (storage pointer, cache slot, data) instead of
 * waiting behind it (bpf/README.md, "Cold lines"). Only where the row is
 * known before the state is read: err 0, which counts as sent whatever the
 * growth. */
static __always_inline void look_ahead(struct row_ahead *r, struct retx_key *key, const struct sock *sk, int err,
				       bool direct)
{
	r->v = NULL;
	r->looked = err == 0;
	r->detail = false;
	if (!r->looked)
		return;
	key->outcome = RETX_OUTCOME_SENT;
	r->detail = route(key, sk, direct);
	if (r->detail)
		r->v = bpf_map_lookup_elem(&retx_detail, key);
	else
		r->v = bpf_map_lookup_elem(&retx_agg, key);
}

/* A retransmit of an accepted child before ESTABLISHED (SYN_RECV: a
 * fastopen child) where every attempt fires a hit (handshake_by_hit): the
 * hit says what the kernel counted, its pcount if it got as far as
 * counting; its baseline is taken at ESTABLISHED (handle_setup). */
static __always_inline int handle_handshake_hit(const struct sock *sk, const struct sk_buff *skb, int err,
						bool direct)
{
	struct retx_key key;

	if (!fill_common(&key, sk, direct))
		return 0;
	key.cause = RETX_CAUSE_SYNACK;
	key.err = err;
	key.outcome = outcome_of(err);
	count(&key, sk, pcount_of(skb, direct), direct);
	return 0;
}

static __always_inline int handle_skb(const struct sock *sk, const struct sk_buff *skb, int err, bool direct)
{
	const struct tcp_sock *tp = NULL;
	struct row_ahead row;
	struct retx_sk_last *last;
	struct retx_key key;
	__u64 segs, pcount, growth;
	__u8 state;
	bool known;

	stat_inc(RETX_STAT_SKB_HITS);
	if (!sk || !skb) {
		stat_inc(RETX_STAT_NO_SOCK);
		return 0;
	}
	state = direct ? sk->__sk_common.skc_state : BPF_CORE_READ(sk, __sk_common.skc_state);
	if (handshake_by_hit() && state == TCP_SYN_RECV)
		return handle_handshake_hit(sk, skb, err, direct);
	/* Resolved once: the cause and the growth both read the tcp_sock. */
	tp = tcp_sock_of(sk, direct);
	if (!tp) {
		stat_inc(RETX_STAT_NO_SOCK);
		return 0;
	}
	if (!fill_common(&key, sk, direct))
		return 0;
	key.cause = cause_of(sk, tp, direct);
	key.err = err;
	look_ahead(&row, &key, sk, err, direct);
	pcount = pcount_of(skb, direct);
	growth = rtx_growth(sk, tp, direct, syn_from_zero(state), &known, &last);
	/* What this hit added to total_retrans: the growth, or on a first hit
	 * its pcount unless it failed before being counted. */
	add_cause(last, key.cause, known ? growth : (outcome_of(err) == RETX_OUTCOME_FAILED_EARLY ? 0 : pcount));
	if (!known) {
		/* First hit of this socket: classify by err alone. */
		stat_inc(RETX_STAT_FIRST_HIT);
		key.outcome = outcome_of(err);
		segs = pcount;
	} else if (err == 0) {
		key.outcome = RETX_OUTCOME_SENT;
		segs = growth;
	} else if (growth > 0 && err == -E_BUSY) {
		/* The kernel never counts -EBUSY in TCPRetransFail: what the socket
		 * added to RetransSegs was, for the kernel, sent. */
		key.outcome = RETX_OUTCOME_SENT;
		segs = growth;
	} else if (growth > 0) {
		/* tcp_transmit_skb failed after this skb's pcount was counted, in
		 * RetransSegs and TCPRetransFail alike. Growth beyond that pcount
		 * came from earlier retransmits of the socket that were sent. */
		if (growth > pcount) {
			struct retx_key sent = key;

			sent.outcome = RETX_OUTCOME_SENT;
			sent.err = 0;
			count(&sent, sk, growth - pcount, direct);
			growth = pcount;
		}
		key.outcome = RETX_OUTCOME_FAILED_XMIT;
		segs = growth;
	} else {
		/* Failed before counting; report what it would have sent. */
		key.outcome = RETX_OUTCOME_FAILED_EARLY;
		segs = pcount;
	}
	/* A looked-up key is routed already: counted where it was looked up,
	 * not routed again (a folded key would be taken for a detail one). */
	if (row.looked && key.outcome == RETX_OUTCOME_SENT) {
		if (row.v)
			add_row(row.v, segs, 1, row.detail);
		else
			count_routed(&key, segs, row.detail, true);
		return 0;
	}
	count(&key, sk, segs, direct);
	return 0;
}

/* tcp_rtx_synack fires this only after the SYN-ACK was sent, and adds exactly
 * one to RetransSegs and TCPSynRetrans: one segment, outcome sent. */
static __always_inline int handle_synack(const struct sock *sk, const void *req, bool direct)
{
	struct retx_key key;

	stat_inc(RETX_STAT_SYNACK_HITS);
	if (!sk || !req) {
		stat_inc(RETX_STAT_NO_SOCK);
		return 0;
	}
	if (!fill_common(&key, sk, direct))
		return 0;
	key.cause = RETX_CAUSE_SYNACK;
	key.outcome = RETX_OUTCOME_SENT;
	/* A passive fastopen child retransmits its SYN-ACK here and the kernel
	 * also adds 1 to its total_retrans: move its baseline so that the
	 * child's next data hit does not count this segment again. */
	if ((direct ? sk->__sk_common.skc_state : BPF_CORE_READ(sk, __sk_common.skc_state)) == TCP_SYN_RECV) {
		struct retx_sk_last *last = sk_last(sk, direct, false);

		if (last && last->seen) {
			last->total_retrans += 1;
			add_cause(last, RETX_CAUSE_SYNACK, 1);
		}
	}
	count(&key, (const struct sock *)req, 1, direct);
	return 0;
}

SEC("tp_btf/tcp_retransmit_skb")
int retx_skb_btf(u64 *ctx)
{
	int err = targ_has_err ? (int)ctx[2] : 0;

	return handle_skb((const struct sock *)ctx[0], (const struct sk_buff *)ctx[1], err, true);
}

SEC("tp_btf/tcp_retransmit_synack")
int retx_synack_btf(u64 *ctx)
{
	return handle_synack((const struct sock *)ctx[0], (const void *)ctx[1], true);
}

SEC("tp_btf/inet_sock_set_state")
int retx_state_btf(u64 *ctx)
{
	return handle_state((const struct sock *)ctx[0], (int)ctx[1], (int)ctx[2], true);
}

SEC("raw_tp/tcp_retransmit_skb")
int retx_skb_raw(struct bpf_raw_tracepoint_args *ctx)
{
	int err = targ_has_err ? (int)ctx->args[2] : 0;

	return handle_skb((const struct sock *)ctx->args[0], (const struct sk_buff *)ctx->args[1], err, false);
}

SEC("raw_tp/tcp_retransmit_synack")
int retx_synack_raw(struct bpf_raw_tracepoint_args *ctx)
{
	return handle_synack((const struct sock *)ctx->args[0], (const void *)ctx->args[1], false);
}

SEC("raw_tp/inet_sock_set_state")
int retx_state_raw(struct bpf_raw_tracepoint_args *ctx)
{
	return handle_state((const struct sock *)ctx->args[0], (int)ctx->args[1], (int)ctx->args[2], false);
}

SEC("tp/tcp/tcp_retransmit_skb")
int retx_skb_tp(struct retx_tp_skb_record *rec)
{
	int err = 0;

	if (targ_has_err)
		err = ((struct trace_event_raw_tcp_retransmit_skb___err *)rec)->err;
	return handle_skb(rec->skaddr, rec->skbaddr, err, false);
}

SEC("tp/tcp/tcp_retransmit_synack")
int retx_synack_tp(struct retx_tp_synack_record *rec)
{
	return handle_synack(rec->skaddr, rec->req, false);
}

/* The record of sock:inet_sock_set_state has kept this layout and name since
 * the event appeared (4.16). */
SEC("tp/sock/inet_sock_set_state")
int retx_state_tp(struct trace_event_raw_inet_sock_set_state *rec)
{
	if (rec->protocol != IPPROTO_TCP)
		return 0;
	return handle_state(rec->skaddr, rec->oldstate, rec->newstate, false);
}
