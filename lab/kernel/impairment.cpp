// Impairment: where it goes (which router interfaces) and which backend
// object installs it; plus run-time detection of the backends.
#include "impairment_backend.h"

#include "cleanup.h"
#include "run_cmd.h"

#include <mutex>
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

bool g_netem_seedable = false;

bool probe(const std::vector<std::string>& argv) { return try_cmd(argv).exit_code == 0; }

// Probes in a scratch namespace of our own, removed again at once.
std::vector<std::string> detect_backends() {
  std::vector<std::string> found;
  std::string ns = make_run_prefix() + "-probe";
  register_netns(ns);
  try {
    run_cmd({"ip", "netns", "add", ns});
    run_cmd({"ip", "-n", ns, "link", "set", "lo", "up"});
    if (probe({"tc", "-n", ns, "qdisc", "add", "dev", "lo", "root", "netem", "loss", "random", "1%"})) {
      found.push_back("netem");
      // The seed came later (kernel 6.11, iproute2 6.10) than netem itself.
      g_netem_seedable = probe({"tc", "-n", ns, "qdisc", "change", "dev", "lo", "root", "netem", "loss", "random",
                                "1%", "seed", "1"});
    }
    if (probe({"ip", "netns", "exec", ns, "nft", "add", "table", "inet", "retxlab_probe"})) found.push_back("nft");
    if (bpf_dropper_works("/run/netns/" + ns)) found.push_back("bpf");
  } catch (...) {
  }
  try {
    delete_netns(ns);
    unregister_netns(ns);
  } catch (...) {
  }
  return found;
}

}  // namespace

bool netem_takes_seed() {
  available_backends();
  return g_netem_seedable;
}

std::vector<std::string> available_backends() {
  static std::once_flag once;
  static std::vector<std::string> found;
  std::call_once(once, [] { found = detect_backends(); });
  return found;
}

Impairment::Impairment(const Topology& topo, const ImpairmentSpec& spec, Transfer transfer, const std::string& backend)
    : backend_(backend) {
  if (auto e = spec_error(spec)) throw std::invalid_argument(*e);
  if (backend == "none") {
    if (spec.kind != ImpairKind::None || needs_netem_extras(spec)) {
      throw std::invalid_argument("backend 'none' given for impairment " + to_string(spec.kind));
    }
    return;
  }
  ifaces_ = impaired_ifaces(topo, spec, transfer);
  if (backend == "nft") impl_ = make_nft_backend(topo, spec, ifaces_);
  else if (backend == "netem") impl_ = make_netem_backend(topo, spec, ifaces_);
  else if (backend == "bpf") impl_ = make_bpf_backend(topo, spec, ifaces_);
  else throw std::invalid_argument("impairment backend '" + backend + "' is not usable (known: none, nft, netem, bpf)");
}

Impairment::~Impairment() = default;

ImpairmentStats Impairment::stats() const {
  if (!impl_) {
    ImpairmentStats st;
    st.backend = backend_;
    return st;
  }
  return impl_->stats();
}

}  // namespace retx::lab
