// Builds the lossy pair of lab/core/pair_spec.h (`retx-lab pair`).
//
// Contract:
// - Pair(spec) creates "<prefix>-s" and "<prefix>-c1".. with their veths,
//   addresses and the nft loss rules, or throws after removing what it made.
//   While it is being built its namespaces are registered with cleanup.h, so
//   SIGINT/SIGTERM remove them too.
// - ~Pair() deletes the namespaces unless release() handed them to the
//   caller: then they stay until delete_pair(prefix), or until the owner pid
//   in the prefix is gone and a sweep (sweep_stale) removes them.
#pragma once

#include <string>
#include <vector>

#include "pair_spec.h"

namespace retx::lab {

class Pair {
 public:
  explicit Pair(const PairSpec& spec);
  ~Pair();
  Pair(const Pair&) = delete;
  Pair& operator=(const Pair&) = delete;

  const PairInfo& info() const { return info_; }
  // The namespaces outlive this object (and the process).
  void release();

 private:
  void build();
  void teardown() noexcept;

  PairInfo info_;
  std::vector<std::string> created_;
  bool released_ = false;
};

// Deletes the namespaces of the pair named `prefix` ("<prefix>-s",
// "<prefix>-c<N>"); returns their names. Nothing else is touched.
std::vector<std::string> delete_pair(const std::string& prefix);

}  // namespace retx::lab
