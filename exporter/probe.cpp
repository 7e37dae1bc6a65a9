#include "probe.h"

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <unistd.h>

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "retx_bpf.skel.h"
#include "bpf_progs.h"
#include "tracefs.h"

namespace retx {
namespace {

// The programs of one flavour: [0] tcp_retransmit_skb, [1]
// tcp_retransmit_synack, [2] sock:inet_sock_set_state (seeds per-socket
// baselines, bpf/README.md).
constexpr int kPrograms = 3;

struct bpf_program* program_for(struct ::retx_bpf* s, AttachMode m, int which) {
  struct bpf_program* btf[] = {s->progs.retx_skb_btf, s->progs.retx_synack_btf, s->progs.retx_state_btf};
  struct bpf_program* raw[] = {s->progs.retx_skb_raw, s->progs.retx_synack_raw, s->progs.retx_state_raw};
  struct bpf_program* tp[] = {s->progs.retx_skb_tp, s->progs.retx_synack_tp, s->progs.retx_state_tp};
  switch (m) {
    case AttachMode::TpBtf: return btf[which];
    case AttachMode::RawTp: return raw[which];
    case AttachMode::Tracepoint: return tp[which];
    case AttachMode::Auto: break;
  }
  return nullptr;
}

}  // namespace

KernelFeatures detect_features(const std::string& btf_path) {
  struct btf* btf = btf_path.empty() ? btf__load_vmlinux_btf() : btf__parse(btf_path.c_str(), nullptr);
  if (!btf) {
    throw StartupError(4, "no kernel BTF: cannot read " +
                              (btf_path.empty() ? std::string("/sys/kernel/btf/vmlinux") : btf_path) +
                              " (" + std::strerror(errno) + "); CO-RE needs CONFIG_DEBUG_INFO_BTF or --btf PATH");
  }
  KernelFeatures f = read_features(btf);
  btf__free(btf);
  if (!f.has_skb_tracepoint) {
    throw StartupError(5, "tracepoint tcp:tcp_retransmit_skb is absent from this kernel's BTF");
  }
  return f;
}

Probe::Probe(const ProbeConfig& cfg) {
  features_ = detect_features(cfg.btf_path);
  std::vector<AttachMode> order;
  if (cfg.attach == AttachMode::Auto) {
    order = {AttachMode::TpBtf, AttachMode::RawTp, AttachMode::Tracepoint};
  } else {
    order = {cfg.attach};
  }
  if (cfg.labels.cgroup && !features_.has_sk_cgroup) {
    throw StartupError(8, "--cgroup-labels: this kernel's struct sock_cgroup_data has no cgroup pointer "
                          "(needs 5.15 or later)");
  }
  std::string why;
  for (AttachMode m : order) {
    if (try_load(m, cfg, why)) {
      mode_ = m;
      start_netns_tasks();
      start_seed();
      return;
    }
    notes_.push_back(std::string(attach_mode_name(m)) + ": " + why);
  }
  std::string all;
  for (auto& n : notes_) all += (all.empty() ? "" : "; ") + n;
  throw StartupError(7, "could not load the retransmit probe: " + all);
}

bool Probe::try_load(AttachMode mode, const ProbeConfig& cfg, std::string& why) {
  LIBBPF_OPTS(bpf_object_open_opts, oo);
  if (!cfg.btf_path.empty()) oo.btf_custom_path = cfg.btf_path.c_str();
  struct ::retx_bpf* s = retx_bpf__open_opts(&oo);
  if (!s) {
    why = std::string("open: ") + std::strerror(errno);
    return false;
  }
  s->rodata->targ_has_err = features_.skb_has_err;
  s->rodata->targ_peer_labels = cfg.labels.peer;
  s->rodata->targ_cgroup_labels = cfg.labels.cgroup;
  s->rodata->targ_filter_netns = !cfg.netns_filter.empty();
  bpf_map__set_max_entries(s->maps.retx_detail, cfg.labels.any() ? cfg.labels.budget : 1);
  if (!cfg.labels.any()) bpf_map__set_max_entries(s->maps.retx_detail_spill, 1);
  // Sized to the --netns list, so no entry can fall off the end of the map.
  bpf_map__set_max_entries(s->maps.netns_allow,
                           std::max<std::uint32_t>(1, static_cast<std::uint32_t>(cfg.netns_filter.size())));

  struct bpf_program* p;
  bpf_object__for_each_program(p, s->obj) bpf_program__set_autoload(p, false);
  bpf_program__set_autoload(program_for(s, mode, 0), true);
  if (features_.has_synack_tracepoint) bpf_program__set_autoload(program_for(s, mode, 1), true);
  if (features_.has_state_tracepoint) bpf_program__set_autoload(program_for(s, mode, 2), true);

  int err = retx_bpf__load(s);
  if (err) {
    why = std::string("load: ") + std::strerror(-err);
    retx_bpf__destroy(s);
    return false;
  }
  // The scrape reads these keys into buffers sized by the ABI's constants
  // (map_reader.h): checked once here, not at every read.
  if (bpf_map__key_size(s->maps.retx_agg) != RETX_AGG_KEY_SIZE ||
      bpf_map__key_size(s->maps.retx_agg_spill) != RETX_AGG_KEY_SIZE ||
      bpf_map__key_size(s->maps.retx_detail) != sizeof(retx_key)) {
    why = "load: counting maps' key sizes differ from retx_abi.h (a stale BPF object?)";
    retx_bpf__destroy(s);
    return false;
  }
  for (std::uint32_t ns : cfg.netns_filter) {
    std::uint8_t one = 1;
    if (int e = bpf_map__update_elem(s->maps.netns_allow, &ns, sizeof(ns), &one, sizeof(one), BPF_ANY)) {
      why = "netns filter: adding " + std::to_string(ns) + ": " + std::strerror(-e);
      retx_bpf__destroy(s);
      return false;
    }
  }
  std::vector<struct bpf_link*> links;
  auto attach_all = [&] {
    for (int which = 0; which < kPrograms; ++which) {
      struct bpf_program* p = program_for(s, mode, which);
      if (!bpf_program__autoload(p)) continue;
      struct bpf_link* link = bpf_program__attach(p);
      if (!link) {
        why = std::string("attach ") + bpf_program__name(p) + ": " + std::strerror(errno);
        return false;
      }
      links.push_back(link);
    }
    return true;
  };
  bool attached = false;
  try {
    // Only the classic flavour reads tracefs (for the event id); on a fresh
    // machine it may not be mounted, and with_tracefs mounts it privately.
    if (mode == AttachMode::Tracepoint) {
      with_tracefs([&] { attached = attach_all(); });
    } else {
      attached = attach_all();
    }
  } catch (const std::exception& e) {
    why = e.what();
  }
  if (!attached) {
    for (auto* l : links) bpf_link__destroy(l);
    retx_bpf__destroy(s);
    return false;
  }
  links_ = std::move(links);
  skel_ = s;
  return true;
}

Probe::~Probe() {
  for (auto* l : links_) bpf_link__destroy(l);
  if (skel_) retx_bpf__destroy(skel_);
}

// Cookie identity needs three things to agree: keys that carry a cookie, the
// iterator that reads living namespaces' cookies, and SO_NETNS_COOKIE (for
// namespaces that only a bind mount keeps) reporting the same number for our
// own namespace as the iterator. Otherwise namespaces are told apart by inode.
void Probe::start_netns_tasks() {
  if (!features_.has_netns_cookie) {
    identity_note_ = "inode: the kernel's struct net has no cookie (before 5.12)";
    return;
  }
  try {
    auto tasks = std::make_unique<NetnsTasks>();
    struct stat st {};
    if (stat("/proc/thread-self/ns/net", &st) != 0) throw std::runtime_error("stat /proc/thread-self/ns/net failed");
    std::uint64_t own = 0;
    for (const auto& t : tasks->read()) {
      if (t.netns == st.st_ino) own = t.netns_cookie;
    }
    std::uint64_t sock = socket_netns_cookie();
    if (own == 0 || own != sock) {
      throw std::runtime_error("the iterator read cookie " + std::to_string(own) + " for our namespace, SO_NETNS_COOKIE " +
                               std::to_string(sock));
    }
    tasks_ = std::move(tasks);
    identity_note_ = "cookie";
  } catch (const std::exception& e) {
    identity_note_ = std::string("inode: ") + e.what();
  }
}

// After every link is attached: a socket set up before then has a baseline
// only if the pass gives it one. The passes are the collector's: they run on
// threads of their own, which must not exist before the privilege drop.
void Probe::start_seed() {
  if (mode_ != AttachMode::TpBtf) {
    seed_note_ = "for every connection (raw_tp and tracepoint keep them in an LRU map, which can evict)";
    return;
  }
  if (!tasks_) {
    seed_note_ = "for every connection (namespaces told apart by inode)";
    return;
  }
  try {
    seeder_ = std::make_unique<BaselineSeeder>(bpf_map__fd(skel_->maps.retx_sk_btf), bpf_map__fd(skel_->maps.retx_stats),
                                               bpf_map__fd(skel_->maps.netns_seeded));
    seed_note_ = "for retransmitting sockets only, in each namespace the seed pass has walked "
                 "(every one when the collector starts, each new one at the first scrape that lists it)";
  } catch (const std::exception& e) {
    seeder_.reset();
    seed_note_ = std::string("for every connection (") + e.what() + ")";
  }
}

std::vector<retx_netns_task> Probe::netns_tasks() const { return tasks_ ? tasks_->read() : std::vector<retx_netns_task>{}; }

std::vector<std::string> Probe::tracepoints() const {
  std::vector<std::string> out{"tcp_retransmit_skb"};
  if (features_.has_synack_tracepoint) out.push_back("tcp_retransmit_synack");
  if (features_.has_state_tracepoint) out.push_back("inet_sock_set_state");
  return out;
}

int Probe::agg_map_fd() const { return bpf_map__fd(skel_->maps.retx_agg); }
int Probe::detail_map_fd() const { return bpf_map__fd(skel_->maps.retx_detail); }
int Probe::agg_spill_map_fd() const { return bpf_map__fd(skel_->maps.retx_agg_spill); }
int Probe::detail_spill_map_fd() const { return bpf_map__fd(skel_->maps.retx_detail_spill); }
int Probe::ratio_hist_spill_map_fd() const { return bpf_map__fd(skel_->maps.retx_ratio_hist_spill); }
int Probe::stats_map_fd() const { return bpf_map__fd(skel_->maps.retx_stats); }
int Probe::cgroup_gone_map_fd() const { return bpf_map__fd(skel_->maps.cgroup_gone); }
int Probe::sk_baseline_map_fd() const {
  return mode_ == AttachMode::TpBtf ? -1 : bpf_map__fd(skel_->maps.retx_sk_ptr);
}
int Probe::ratio_hist_map_fd() const { return bpf_map__fd(skel_->maps.retx_ratio_hist); }
int Probe::sk_state_map_fd() const {
  return bpf_map__fd(mode_ == AttachMode::TpBtf ? skel_->maps.retx_sk_btf : skel_->maps.retx_sk_ptr);
}

std::vector<ProgramRun> Probe::program_stats() const {
  std::vector<ProgramRun> out;
  struct bpf_program* p;
  bpf_object__for_each_program(p, skel_->obj) {
    if (!bpf_program__autoload(p)) continue;
    ProgramRun run;
    // The kernel truncates names to 15 characters; libbpf has the full one.
    if (!read_program_run(bpf_program__fd(p), run)) continue;
    run.program = bpf_program__name(p);
    out.push_back(run);
  }
  return out;
}

}  // namespace retx
