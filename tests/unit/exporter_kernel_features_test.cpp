// read_features on BTF built by hand: what each kernel feature is read from.
#include <bpf/btf.h>
#include <gtest/gtest.h>

#include <memory>

#include "kernel_features.h"

namespace {

using BtfPtr = std::unique_ptr<struct btf, decltype(&btf__free)>;

// A BTF with tcp_retransmit_skb's typedef taking `args` tracepoint arguments
// (after the context), and struct bpf_prog_aux with one member named `aux_member`.
BtfPtr kernel_btf(int args, const char* aux_member) {
  BtfPtr b(btf__new_empty(), btf__free);
  int i = btf__add_int(b.get(), "int", 4, BTF_INT_SIGNED);
  int vp = btf__add_ptr(b.get(), 0);
  int proto = btf__add_func_proto(b.get(), 0);
  for (int a = 0; a <= args; ++a) btf__add_func_param(b.get(), "", a == args ? i : vp);
  btf__add_typedef(b.get(), "btf_trace_tcp_retransmit_skb", btf__add_ptr(b.get(), proto));
  int aux = btf__add_struct(b.get(), "bpf_prog_aux", 4);
  btf__add_field(b.get(), aux_member, i, 0, 0);
  EXPECT_GT(aux, 0);
  return b;
}

}  // namespace

// The patched kernel this project is measured on names the owner flag
// init_owned; any other bpf_prog_aux (every upstream one) reads as not skipping.
TEST(KernelFeatures, Pid1ContextSkipReadFromBpfProgAux) {
  auto patched = kernel_btf(3, "init_owned");
  auto upstream = kernel_btf(3, "used_map_cnt");
  EXPECT_TRUE(retx::read_features(patched.get()).skips_pid1_context);
  EXPECT_FALSE(retx::read_features(upstream.get()).skips_pid1_context);
}

// err is the tracepoint's third argument (6.17+); two arguments is the older shape.
TEST(KernelFeatures, ErrFieldFromTracepointArity) {
  auto with_err = kernel_btf(3, "x");
  auto without = kernel_btf(2, "x");
  auto f = retx::read_features(with_err.get());
  EXPECT_TRUE(f.has_skb_tracepoint);
  EXPECT_TRUE(f.skb_has_err);
  f = retx::read_features(without.get());
  EXPECT_TRUE(f.has_skb_tracepoint);
  EXPECT_FALSE(f.skb_has_err);
  EXPECT_FALSE(f.has_synack_tracepoint);
  EXPECT_FALSE(f.has_state_tracepoint);
}
