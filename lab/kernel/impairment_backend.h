// Internal: the impairment backend table. One entry per backend, in
// preference order (impairment_backends.cpp); each backend lives in its own
// file (impairment_<name>.cpp), its functions in a namespace <name>_backend
// (unity builds compile the backends as one source: RETX_UNITY_BUILD), and
// defines its entry there. The runner and
// `retx-lab check` read the table through impairment.h. To add a backend,
// see lab/README.md.
#pragma once

#include "impairment.h"

#include <memory>
#include <string>
#include <vector>

namespace retx::lab {

// What a backend installs: constructed on the router's `ifaces`, destroyed
// removing what it installed (never throwing).
class ImpairmentBackend {
 public:
  virtual ~ImpairmentBackend() = default;
  virtual ImpairmentStats stats() const = 0;
};

struct BackendInfo {
  const char* name;
  // Pure: whether the backend can express every part of the spec.
  bool (*can_express)(const ImpairmentSpec& spec);
  // Tries the backend in the scratch namespace `ns` (lo up): "" when it
  // works here, else why not (one line, the tool's or kernel's words).
  std::string (*probe)(const std::string& ns);
  std::unique_ptr<ImpairmentBackend> (*make)(const Topology& topo, const ImpairmentSpec& spec,
                                             const std::vector<std::string>& ifaces);
  // A caveat of this backend for the spec, reported with the choice ("" none).
  std::string (*note)(const ImpairmentSpec& spec) = nullptr;
};

const std::vector<const BackendInfo*>& impairment_backends();
const BackendInfo* find_backend(const std::string& name);  // nullptr when unknown

// Whether this kernel's netem accepts "seed" (found by the netem probe).
bool netem_takes_seed();

}  // namespace retx::lab
