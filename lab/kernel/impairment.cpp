// Impairment: where it goes (which router interfaces) and which backend of the
// table installs it.
#include "impairment_backend.h"

#include <stdexcept>

namespace retx::lab {
namespace {

std::vector<std::string> toward_clients(const Topology& topo) {
  std::vector<std::string> v;
  for (size_t k = 0; k < topo.clients().size(); ++k) v.push_back(Topology::router_if_to_client(static_cast<int>(k)));
  return v;
}

std::vector<std::string> impaired_ifaces(const Topology& topo, const ImpairmentSpec& spec, Transfer transfer) {
  if (spec.kind == ImpairKind::FirstSyn) return {Topology::router_if_to_server()};
  if (spec.kind == ImpairKind::FirstSynAck) return toward_clients(topo);
  bool to_server = (spec.direction == Direction::Data) == (transfer == Transfer::Upload);
  return to_server ? std::vector<std::string>{Topology::router_if_to_server()} : toward_clients(topo);
}

}  // namespace

Impairment::Impairment(const Topology& topo, const ImpairmentSpec& spec, Transfer transfer, const std::string& backend)
    : backend_(backend) {
  const BackendInfo* b = find_backend(backend);
  if (!b) {
    std::string known;
    for (const auto* x : impairment_backends()) known += (known.empty() ? "" : ", ") + std::string(x->name);
    throw std::invalid_argument("impairment backend '" + backend + "' is not usable (known: " + known + ")");
  }
  if (!b->can_express(spec))
    throw std::invalid_argument("backend '" + backend + "' cannot express impairment " + std::string(to_string(spec.kind)));
  ifaces_ = impaired_ifaces(topo, spec, transfer);
  impl_ = b->make(topo, spec, ifaces_);
}

Impairment::~Impairment() = default;

ImpairmentStats Impairment::stats() const {
  ImpairmentStats st = impl_->stats();
  st.active = true;
  if (st.backend.empty()) st.backend = backend_;
  return st;
}

}  // namespace retx::lab
