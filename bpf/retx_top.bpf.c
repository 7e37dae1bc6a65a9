// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* retx-top's view of every TCP socket: an iter/tcp program that writes one
 * struct retx_top_sock (retx_abi.h) per full socket to its seq_file, and an
 * iter/task_file program that names the processes holding TCP sockets.
 *
 * iter/tcp walks the network namespace of the thread that creates the
 * iterator fd (bpf_iter_create), so retx-top creates one fd per namespace on
 * a thread inside it. The figures are the tcp_sock fields TCP_INFO reports,
 * read in the same pass, so they agree with `ss -ti` for an idle socket.
 *
 * The probe's per-socket causes (struct retx_sk_last) are looked up in the
 * probe's own map: retx-top hands this object the running probe's map fd
 * (bpf_map__reuse_fd) and says which flavour's map it is in targ_causes_map.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include "retx_abi.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

#define AF_INET 2
#define AF_INET6 10

const volatile __u32 targ_causes_map = RETX_TOP_CAUSES_NONE;

/* retx_sk_btf and retx_sk_ptr, as the probe defines them. The one this load
 * does not share with the probe is shrunk to one entry before load. */
#include "retx_sk_state.bpf.h"

static __always_inline void fill_addrs(struct retx_top_sock *r, const struct sock *sk)
{
	const struct sock_common *c = &sk->__sk_common;

	r->family = c->skc_family;
	r->lport = c->skc_num;
	r->rport = bpf_ntohs(c->skc_dport);
	if (r->family == AF_INET6) {
		__builtin_memcpy(r->laddr, c->skc_v6_rcv_saddr.in6_u.u6_addr8, 16);
		__builtin_memcpy(r->raddr, c->skc_v6_daddr.in6_u.u6_addr8, 16);
	} else {
		__u32 l = c->skc_rcv_saddr, d = c->skc_daddr;

		__builtin_memcpy(r->laddr, &l, 4);
		__builtin_memcpy(r->raddr, &d, 4);
	}
}

/* The fields struct tcp_info reports (tcp_get_info in net/ipv4/tcp.c). */
static __always_inline void fill_counters(struct retx_top_sock *r, const struct tcp_sock *tp)
{
	r->total_retrans = tp->total_retrans;
	r->segs_out = tp->segs_out;
	r->data_segs_out = tp->data_segs_out;
	r->lost_out = tp->lost_out;
	r->sacked_out = tp->sacked_out;
	r->dsack_dups = tp->dsack_dups;
	r->reord_seen = tp->reord_seen;
	r->srtt_us = tp->srtt_us >> 3;
	r->snd_cwnd = tp->snd_cwnd;
	r->bytes_acked = tp->bytes_acked;
}

/* Socket inode and cgroup: pointer walks that may meet NULL (an orphaned
 * socket has no struct socket); such loads read 0. */
static __always_inline void fill_owner(struct retx_top_sock *r, const struct sock *sk)
{
	const struct socket *so = sk->sk_socket;

	if (so && so->file)
		r->ino = so->file->f_inode->i_ino;
	if (bpf_core_field_exists(sk->sk_cgrp_data.cgroup)) {
		const struct cgroup *cg = sk->sk_cgrp_data.cgroup;

		if (cg)
			r->cgroup_id = cg->kn->id;
	}
}

static __always_inline void fill_causes(struct retx_top_sock *r, struct sock *sk)
{
	struct retx_sk_last *last = NULL;

	if (targ_causes_map == RETX_TOP_CAUSES_SK_STORAGE) {
		last = bpf_sk_storage_get(&retx_sk_btf, sk, 0, 0);
	} else if (targ_causes_map == RETX_TOP_CAUSES_PTR_HASH) {
		__u64 k = (__u64)sk;

		last = bpf_map_lookup_elem(&retx_sk_ptr, &k);
	}
	if (!last || !last->seen)
		return;
	r->causes_known = 1;
	__builtin_memcpy(r->causes, last->causes, sizeof(r->causes));
}

SEC("iter/tcp")
int retx_top_tcp(struct bpf_iter__tcp *ctx)
{
	struct sock_common *skc = ctx->sk_common;
	struct retx_top_sock r = {};
	struct tcp_sock *tp;
	struct sock *sk;

	if (!skc)
		return 0;
	/* Time-wait and request sockets have no tcp_sock: no counters to show. */
	tp = bpf_skc_to_tcp_sock(skc);
	if (!tp)
		return 0;
	sk = (struct sock *)tp;
	r.state = sk->__sk_common.skc_state;
	if (r.state == TCP_LISTEN)
		return 0;
	r.netns = sk->__sk_common.skc_net.net->ns.inum;
	r.cookie = bpf_get_socket_cookie(sk);
	fill_addrs(&r, sk);
	fill_counters(&r, tp);
	fill_owner(&r, sk);
	fill_causes(&r, sk);
	bpf_seq_write(ctx->meta->seq, &r, sizeof(r));
	return 0;
}

/* Every process's TCP socket files, one struct retx_top_owner each: the
 * kernel walks the fd tables (threads sharing one are visited once), which
 * costs far less than a readlink per /proc/PID/fd entry. */
SEC("iter/task_file")
int retx_top_owners(struct bpf_iter__task_file *ctx)
{
	struct task_struct *task = ctx->task;
	struct file *file = ctx->file;
	struct retx_top_owner o = {};
	struct socket *so;
	struct sock *sk;

	if (!task || !file)
		return 0;
	so = bpf_sock_from_file(file);
	if (!so)
		return 0;
	sk = so->sk;
	if (!sk || sk->sk_protocol != IPPROTO_TCP ||
	    (sk->__sk_common.skc_family != AF_INET && sk->__sk_common.skc_family != AF_INET6))
		return 0;
	o.ino = file->f_inode->i_ino;
	o.tgid = task->tgid;
	bpf_probe_read_kernel(o.comm, sizeof(o.comm), task->comm);
	bpf_seq_write(ctx->meta->seq, &o, sizeof(o));
	return 0;
}
