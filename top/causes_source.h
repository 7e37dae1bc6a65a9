// Where retx-top's per-socket causes come from: the per-socket state map of
// a retransmit probe that is already running (a retx-exporter), found through
// the kernel's BPF program and map ids, or a probe retx-top loads itself.
//
// Why ids and not a pinned map: the exporter needs no change and no bpffs
// mount, leaves nothing in the file system when it is killed, and several
// exporters (tests, benchmarks) can run at once. The map is recognised by the
// program that uses it (retx_skb_btf uses retx_sk_btf; retx_skb_raw and
// retx_skb_tp use retx_sk_ptr) and by its value size, so a probe built with
// another layout of struct retx_sk_last is skipped, not misread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "retx_abi.h"
#include "top_options.h"

namespace retx {
class Probe;
}

namespace retx::top {

struct RunningProbe {
  std::uint32_t prog_id = 0;
  std::string prog_name;       // retx_skb_btf, retx_skb_raw, retx_skb_tp
  std::uint64_t load_time_ns = 0;  // boot-time clock
  std::uint32_t map_id = 0;
  retx_top_causes_map kind = RETX_TOP_CAUSES_NONE;
};

// Running probes whose per-socket map has this build's layout, earliest
// loaded first (the one that has seen the most of every socket's life).
// `skipped` gets one line per probe found with another layout.
std::vector<RunningProbe> find_running_probes(std::vector<std::string>* skipped = nullptr);

class CausesSource {
 public:
  // may_load_own: whether Auto may fall back to loading retx-top's own probe
  // (not for --once, whose causes would all be 0). Throws std::runtime_error
  // naming what failed (a --causes program id that is no probe, a load error).
  CausesSource(CausesFrom from, std::uint32_t prog_id, bool may_load_own);
  ~CausesSource();
  CausesSource(const CausesSource&) = delete;
  CausesSource& operator=(const CausesSource&) = delete;

  int map_fd() const { return fd_; }  // -1 with no causes
  retx_top_causes_map kind() const { return kind_; }
  std::string describe() const;  // one line for stderr
  std::string brief() const;     // a few words for the screen header
  nlohmann::ordered_json to_json() const;

 private:
  void adopt(const RunningProbe& p);
  void load_own();

  int fd_ = -1;
  retx_top_causes_map kind_ = RETX_TOP_CAUSES_NONE;
  std::string origin_ = "none";  // running_probe | own_probe | none
  std::string attach_;
  std::uint32_t prog_id_ = 0;
  double age_s_ = 0;
  std::string note_;
  std::unique_ptr<retx::Probe> own_;
};

}  // namespace retx::top
