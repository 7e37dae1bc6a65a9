#include "causes_source.h"

#include <bpf/bpf.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <stdexcept>

#include "probe.h"
#include "unique_fd.h"

namespace retx::top {
namespace {

// The probe's retransmit programs and the per-socket map each one uses.
struct ProbeFlavour {
  const char* prog;
  const char* map;
  bpf_map_type type;
  retx_top_causes_map kind;
  const char* attach;
};
constexpr ProbeFlavour kFlavours[] = {
    {"retx_skb_btf", "retx_sk_btf", BPF_MAP_TYPE_SK_STORAGE, RETX_TOP_CAUSES_SK_STORAGE, "tp_btf"},
    {"retx_skb_raw", "retx_sk_ptr", BPF_MAP_TYPE_LRU_HASH, RETX_TOP_CAUSES_PTR_HASH, "raw_tp"},
    {"retx_skb_tp", "retx_sk_ptr", BPF_MAP_TYPE_LRU_HASH, RETX_TOP_CAUSES_PTR_HASH, "tracepoint"},
};

const ProbeFlavour* flavour_of_prog(const std::string& name) {
  for (const auto& f : kFlavours)
    if (name == f.prog) return &f;
  return nullptr;
}

std::vector<std::uint32_t> prog_map_ids(int prog_fd, bpf_prog_info& info) {
  __u32 len = sizeof(info);
  info = {};
  if (bpf_obj_get_info_by_fd(prog_fd, &info, &len) != 0) return {};
  std::vector<std::uint32_t> ids(info.nr_map_ids);
  if (ids.empty()) return ids;
  bpf_prog_info again{};
  again.nr_map_ids = static_cast<__u32>(ids.size());
  again.map_ids = reinterpret_cast<__u64>(ids.data());
  len = sizeof(again);
  if (bpf_obj_get_info_by_fd(prog_fd, &again, &len) != 0) return {};
  ids.resize(std::min<std::size_t>(ids.size(), again.nr_map_ids));
  return ids;
}

// The flavour's per-socket map among a program's maps: 0 when absent; sets
// *layout_mismatch when the map is there with another value size.
std::uint32_t sk_map_of(const std::vector<std::uint32_t>& map_ids, const ProbeFlavour& f, std::uint32_t* other_size) {
  for (std::uint32_t id : map_ids) {
    UniqueFd m(bpf_map_get_fd_by_id(id));
    if (!m) continue;
    bpf_map_info mi{};
    __u32 len = sizeof(mi);
    if (bpf_obj_get_info_by_fd(m.get(), &mi, &len) != 0) continue;
    if (std::string(mi.name) != f.map || mi.type != f.type) continue;
    if (mi.value_size == sizeof(retx_sk_last)) return id;
    *other_size = mi.value_size;
  }
  return 0;
}

double boottime_now_ns() {
  timespec ts{};
  clock_gettime(CLOCK_BOOTTIME, &ts);
  return static_cast<double>(ts.tv_sec) * 1e9 + static_cast<double>(ts.tv_nsec);
}

}  // namespace

std::vector<RunningProbe> find_running_probes(std::vector<std::string>* skipped) {
  std::vector<RunningProbe> out;
  __u32 id = 0;
  while (bpf_prog_get_next_id(id, &id) == 0) {
    UniqueFd p(bpf_prog_get_fd_by_id(id));
    if (!p) continue;  // unloaded meanwhile
    bpf_prog_info info{};
    auto maps = prog_map_ids(p.get(), info);
    const ProbeFlavour* f = flavour_of_prog(info.name);
    if (!f) continue;
    std::uint32_t other_size = 0;
    std::uint32_t map_id = sk_map_of(maps, *f, &other_size);
    if (!map_id) {
      if (skipped && other_size) {
        skipped->push_back("prog " + std::to_string(id) + " (" + f->prog + "): per-socket state of " +
                           std::to_string(other_size) + " bytes, this build reads " +
                           std::to_string(sizeof(retx_sk_last)));
      }
      continue;
    }
    out.push_back({id, f->prog, info.load_time, map_id, f->kind});
  }
  std::sort(out.begin(), out.end(), [](const RunningProbe& a, const RunningProbe& b) {
    return a.load_time_ns != b.load_time_ns ? a.load_time_ns < b.load_time_ns : a.prog_id < b.prog_id;
  });
  return out;
}

CausesSource::CausesSource(CausesFrom from, std::uint32_t prog_id, bool may_load_own) {
  if (from == CausesFrom::None) {
    note_ = "--causes none";
    return;
  }
  if (from == CausesFrom::Own) {
    load_own();
    return;
  }
  std::vector<std::string> skipped;
  auto probes = find_running_probes(&skipped);
  for (const auto& s : skipped) note_ += (note_.empty() ? "" : "; ") + s;
  if (from == CausesFrom::Program) {
    auto it = std::find_if(probes.begin(), probes.end(), [&](const RunningProbe& p) { return p.prog_id == prog_id; });
    if (it == probes.end()) {
      throw std::runtime_error("--causes " + std::to_string(prog_id) +
                               ": no running retransmit probe (retx_skb_*) with per-socket causes has that "
                               "program id" + (note_.empty() ? "" : " (" + note_ + ")"));
    }
    adopt(*it);
  } else if (!probes.empty()) {
    adopt(probes.front());
  } else if (may_load_own) {
    load_own();
  } else {
    note_ = "no running retransmit probe with this build's per-socket layout" +
            (note_.empty() ? "" : " (" + note_ + ")") + "; --once does not load its own, whose causes would all be 0";
  }
}

CausesSource::~CausesSource() {
  if (fd_ >= 0 && !own_) close(fd_);
}

void CausesSource::adopt(const RunningProbe& p) {
  fd_ = bpf_map_get_fd_by_id(p.map_id);
  if (fd_ < 0) throw std::runtime_error("probe prog " + std::to_string(p.prog_id) + " went away while being opened");
  kind_ = p.kind;
  origin_ = "running_probe";
  prog_id_ = p.prog_id;
  attach_ = flavour_of_prog(p.prog_name)->attach;
  age_s_ = (boottime_now_ns() - static_cast<double>(p.load_time_ns)) / 1e9;
}

void CausesSource::load_own() {
  try {
    own_ = std::make_unique<retx::Probe>(retx::ProbeConfig{});
  } catch (const std::exception& e) {
    throw std::runtime_error(std::string("cannot load retx-top's own probe: ") + e.what());
  }
  fd_ = own_->sk_state_map_fd();
  kind_ = own_->attach_mode() == AttachMode::TpBtf ? RETX_TOP_CAUSES_SK_STORAGE : RETX_TOP_CAUSES_PTR_HASH;
  origin_ = "own_probe";
  attach_ = attach_mode_name(own_->attach_mode());
}

std::string CausesSource::describe() const {
  char age[32];
  std::snprintf(age, sizeof age, "%.0f", age_s_);
  if (origin_ == "running_probe") {
    return "causes from a running probe (retx-exporter): prog " + std::to_string(prog_id_) + " (" + attach_ +
           "), loaded " + age + " s ago; counted from then";
  }
  if (origin_ == "own_probe") return "causes from retx-top's own probe (" + attach_ + "), counted from now";
  return "no causes: " + note_;
}

std::string CausesSource::brief() const {
  if (origin_ == "running_probe") return "prog " + std::to_string(prog_id_);
  if (origin_ == "own_probe") return "own probe";
  return "none";
}

nlohmann::ordered_json CausesSource::to_json() const {
  nlohmann::ordered_json j = {{"source", origin_}};
  if (origin_ == "running_probe") {
    j["prog_id"] = prog_id_;
    j["loaded_seconds_ago"] = age_s_;
  }
  if (!attach_.empty()) j["attach"] = attach_;
  if (!note_.empty()) j["note"] = note_;
  return j;
}

}  // namespace retx::top
