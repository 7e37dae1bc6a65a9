// Internal: one class per impairment backend, behind Impairment (impairment.h).
// Each constructor installs on the router's `ifaces`; each destructor removes
// what it installed and never throws.
#pragma once

#include "impairment.h"

#include <memory>

namespace retx::lab {

class ImpairmentBackend {
 public:
  virtual ~ImpairmentBackend() = default;
  virtual ImpairmentStats stats() const = 0;
};

std::unique_ptr<ImpairmentBackend> make_nft_backend(const Topology& topo, const ImpairmentSpec& spec,
                                                    const std::vector<std::string>& ifaces);
std::unique_ptr<ImpairmentBackend> make_netem_backend(const Topology& topo, const ImpairmentSpec& spec,
                                                      const std::vector<std::string>& ifaces);

std::unique_ptr<ImpairmentBackend> make_bpf_backend(const Topology& topo, const ImpairmentSpec& spec,
                                                    const std::vector<std::string>& ifaces);
// Loads and attaches the dropper on "lo" of the namespace at ns_path, then
// removes it again: the detection probe of the bpf backend.
bool bpf_dropper_works(const std::string& ns_path);
// Whether this kernel's netem accepts "seed" (probed with the backends).
bool netem_takes_seed();

}  // namespace retx::lab
