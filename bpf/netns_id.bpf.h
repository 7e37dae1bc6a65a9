/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* A network namespace's identity as the probe and the task iterator read it.
 *
 * The inode (ns.inum) is what users see, but the kernel hands a freed inode to
 * the next namespace, so it cannot tell a new namespace from a dead one. The
 * cookie is never reused: `net->ns.ns_id` where ns_common has it (6.18+, where
 * net_cookie is set to the same value, next to inum in the same cache line),
 * else `net->net_cookie` (5.12+, also what SO_NETNS_COOKIE returns). Older
 * kernels have neither: 0, and the exporter falls back to the inode.
 */
#ifndef RETX_NETNS_ID_BPF_H
#define RETX_NETNS_ID_BPF_H

#include "vmlinux.h"
#include <bpf/bpf_core_read.h>

/* 6.18 moved the id into ns_common; older vmlinux.h have no such member, so
 * the field is named through a local flavour type that CO-RE matches by name. */
struct ns_common___id {
	u64 ns_id;
} __attribute__((preserve_access_index));

struct net___cookie {
	u64 net_cookie;
} __attribute__((preserve_access_index));

/* direct: net is a BTF pointer (tp_btf, iterators) and the field a plain load
 * the verifier checks; otherwise a probe read. */
static __always_inline __u64 netns_cookie_of(const struct net *net, bool direct)
{
	const struct ns_common___id *ns = (const void *)&net->ns;
	const struct net___cookie *nc = (const void *)net;

	if (bpf_core_field_exists(ns->ns_id))
		return direct ? ns->ns_id : BPF_CORE_READ(ns, ns_id);
	if (bpf_core_field_exists(nc->net_cookie))
		return direct ? nc->net_cookie : BPF_CORE_READ(nc, net_cookie);
	return 0;
}

#endif /* RETX_NETNS_ID_BPF_H */
