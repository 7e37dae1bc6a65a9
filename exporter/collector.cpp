#include "collector.h"

#include <algorithm>
#include <chrono>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <unordered_set>

#include <pthread.h>

#include "idle_release.h"
#include "map_reader.h"
#include "netns_scan.h"
#include "row_merge.h"

namespace retx {
namespace {

// Gives each listed namespace the cookie the task iterator read for its
// inode, adds the namespaces that only threads are in, and counts every
// cookie a task is in as alive. An inode seen with two cookies (a namespace
// died and its inode was reused while the iterator ran) gets none: unsure.
void merge_tasks(std::vector<NetnsRef>& refs, const std::vector<retx_netns_task>& tasks, LiveNamespaces& live) {
  std::map<std::uint32_t, retx_netns_task> by_inode;
  std::set<std::uint32_t> ambiguous;
  for (const auto& t : tasks) {
    live.ids.insert(t.netns_cookie);
    auto [it, fresh] = by_inode.try_emplace(t.netns, t);
    if (!fresh && it->second.netns_cookie != t.netns_cookie) ambiguous.insert(t.netns);
  }
  for (auto& ref : refs) {
    auto it = by_inode.find(ref.inode);
    if (it == by_inode.end()) continue;
    if (!ambiguous.count(ref.inode)) ref.cookie = it->second.netns_cookie;
    by_inode.erase(it);
  }
  for (const auto& [ino, t] : by_inode) {
    if (ambiguous.count(ino)) continue;
    NetnsRef r;
    r.inode = ino;
    r.cookie = t.netns_cookie;
    r.pid = static_cast<int>(t.tid);  // /proc/TID/net reads a thread's namespace
    r.name = name_from_process(r.pid);
    refs.push_back(std::move(r));
  }
}

// Histogram rows as counter rows of their namespace (no value), so that the
// namespace lifecycle decides for them as for the counters.
std::vector<CounterRow> as_counter_rows(const std::vector<RatioHistRow>& rows) {
  std::vector<CounterRow> out(rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    out[i].key.netns_cookie = rows[i].netns_cookie;
    out[i].key.netns = rows[i].netns;
  }
  return out;
}

std::vector<retx_netns_key> netns_keys(const std::vector<retx_key>& keys) {
  std::vector<retx_netns_key> out;
  out.reserve(keys.size());
  for (const auto& k : keys) out.push_back({k.netns_cookie, k.netns, 0});
  return out;
}

// Keeps the histograms whose namespace kept its counter row in `living`.
void keep_living(std::vector<RatioHistRow>& rows, const std::vector<CounterRow>& living) {
  std::set<std::pair<std::uint64_t, std::uint32_t>> keep;
  for (const auto& r : living) keep.insert({r.key.netns_cookie, r.key.netns});
  rows.erase(std::remove_if(rows.begin(), rows.end(),
                            [&](const RatioHistRow& r) { return !keep.count({r.netns_cookie, r.netns}); }),
             rows.end());
}

double now_seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

}  // namespace


RetxCollector::RetxCollector(const Probe& probe, CollectorConfig cfg, BuildInfo build)
    : probe_(probe), cfg_(std::move(cfg)), build_(std::move(build)) {
  if (cfg_.labels.cgroup) {
    if (cfg_.cgroup_mount.empty()) {
      throw std::invalid_argument("--cgroup-labels: no cgroup2 hierarchy is mounted (/proc/self/mountinfo)");
    }
    cgroup_paths_ = std::make_unique<CgroupPaths>(cfg_.cgroup_mount);
  }
  if (probe_.netns_by_cookie()) errors_["bpf_iter"] = 0;
  seed_at_start();
  idle_closer_ = std::jthread([this](std::stop_token stop) { release_idle_files(stop); });
}

void RetxCollector::note_scrape() const {
  previous_scrape_ = last_scrape_;
  last_scrape_ = std::chrono::steady_clock::now();
  // The closing thread waits without a deadline only while nothing is open;
  // with files open it finds the moved time when its deadline comes, so a
  // steady scraper does not wake it at every scrape.
  if (files_.namespaces_open() == 0) idle_cv_.notify_one();
}

// An open counters file keeps its namespace alive (netns_files.h), and only a
// scrape closes those of namespaces gone. So the files are held only while
// scrapes keep coming (files_release_time), and a namespace deleted meanwhile
// is released within that time even if nobody scrapes again. Between those
// times the thread sleeps: an exporter nobody scrapes makes no wakeups (it
// used to poll once a second, ~0.3 ms of CPU per second here: bench/README.md).
void RetxCollector::release_idle_files(std::stop_token stop) const {
  pthread_setname_np(pthread_self(), "retx-idle-files");
  std::unique_lock<std::mutex> lock(mu_);
  while (!stop.stop_requested()) {
    auto at = files_release_time(files_.namespaces_open(), last_scrape_, previous_scrape_);
    if (at && std::chrono::steady_clock::now() >= *at) {
      files_.close_all();
      continue;
    }
    // Woken early by a scrape while nothing is open (note_scrape) or the stop request.
    auto seen = last_scrape_;
    auto scraped = [&] { return last_scrape_ != seen; };
    if (at)
      idle_cv_.wait_until(lock, stop, *at, scraped);
    else
      idle_cv_.wait(lock, stop, scraped);
  }
}

void RetxCollector::count_error(const char* source, const std::exception& e) const {
  ++errors_[source];
  std::cerr << "retx-exporter: scrape: " << e.what() << "\n";
}

// Each spill map after its counting map: a row refused by the counting map
// while this scrape read it is then not missed (retx_abi.h).
void RetxCollector::read_counting_maps(std::vector<CounterRow>& agg, std::vector<CounterRow>& detail) const {
  agg = read_counter_map(probe_.agg_map_fd(), ReadMethod::Auto, RETX_AGG_KEY_SIZE);
  agg = merge_rows(std::move(agg), read_counter_map(probe_.agg_spill_map_fd(), ReadMethod::Auto, RETX_AGG_KEY_SIZE));
  if (cfg_.labels.any()) {
    detail = read_counter_map(probe_.detail_map_fd());
    detail = merge_rows(std::move(detail), read_counter_map(probe_.detail_spill_map_fd()));
  }
}

void RetxCollector::read_maps(Snapshot& s) const {
  try {
    read_counting_maps(s.agg, s.detail);
    s.stats = read_stats_map(probe_.stats_map_fd());
    s.ratio_hist = read_ratio_hist_map(probe_.ratio_hist_map_fd());
    s.ratio_hist = merge_hist_rows(s.ratio_hist, read_ratio_hist_map(probe_.ratio_hist_spill_map_fd()));
  } catch (const std::exception& e) {
    count_error("bpf_map", e);
  }
}

// After the maps: a namespace whose rows were read is dead if the listing,
// which comes later, does not find it.
std::vector<NetnsRef> RetxCollector::list_all(LiveNamespaces& live) const {
  live.by_cookie = probe_.netns_by_cookie();
  std::vector<NetnsRef> refs = list_namespaces();
  if (live.by_cookie) {
    try {
      merge_tasks(refs, probe_.netns_tasks(), live);
    } catch (const std::exception& e) {
      count_error("bpf_iter", e);
      live.complete = false;  // threads-only namespaces are unknown: retire nothing this scrape
    }
  }
  return refs;
}

LiveNamespaces RetxCollector::read_namespaces(Snapshot& s) const {
  LiveNamespaces live;
  std::vector<NetnsRef> refs = list_all(live);
  const auto& filter = cfg_.netns_filter;
  auto served = [&](const NetnsRef& r) {
    return filter.empty() || std::find(filter.begin(), filter.end(), r.inode) != filter.end();
  };
  std::vector<const NetnsRef*> to_read;
  for (const auto& ref : refs)
    if (served(ref)) to_read.push_back(&ref);
  files_.open_new(to_read);
  // Up to two reading threads per CPU, 8 at most. The kernel's printing is
  // CPU-bound, yet at 300 namespaces on 2 CPUs 3 or 4 threads beat 2 (median
  // scrape 9.8 ms against 13.5, the same run), and 6 or 8 did not beat 4.
  auto results = files_.read_all(to_read, std::clamp(2 * std::thread::hardware_concurrency(), 1u, 8u));
  std::size_t next = 0;
  for (auto& ref : refs) {
    if (served(ref)) {
      auto& r = results[next++];
      if (r.error.empty()) {
        s.netns.push_back(std::move(r.counters));
        ref.cookie = s.netns.back().cookie;
      } else {
        // Namespaces come and go between listing and reading; count every
        // failure, log one per namespace so a lasting one names its cause.
        ++errors_["proc_net"];
        if (unreadable_logged_.insert(ref.inode).second) {
          std::cerr << "retx-exporter: scrape: netns " << ref.inode << " (" << ref.name << "): " << r.error
                    << " (logged once per namespace)\n";
        }
        s.netns.push_back({ref.inode, ref.name, false, 0, 0, ref.cookie});
      }
    }
    if (!live.by_cookie) {
      live.ids.insert(ref.inode);
    } else if (ref.cookie != 0) {
      live.ids.insert(ref.cookie);
    } else {
      live.unsure.insert(ref.inode);
    }
  }
  seed_namespaces(refs, live);
  // An open counters file holds its namespace alive: release those no
  // longer listed at once (netns_files.h).
  files_.close_unlisted(refs);
  // Forget namespaces no longer listed: the set stays as small as the
  // unreadable ones alive, however many come and go.
  std::erase_if(unreadable_logged_, [&](std::uint32_t ino) {
    return std::none_of(refs.begin(), refs.end(), [&](const NetnsRef& r) { return r.inode == ino; });
  });
  return live;
}

void RetxCollector::retire_cgroups(Snapshot& s) const {
  if (!cfg_.labels.cgroup) return;
  cgroup_paths_->new_scrape();
  auto exists = [&](std::uint64_t id) {
    auto path = cgroup_paths_->path(id);
    if (path) s.cgroup_paths[id] = *path;
    return path.has_value();
  };
  auto plan = cgroups_.step(s.detail, exists, now_seconds());
  try {
    mark_cgroups_gone(probe_.cgroup_gone_map_fd(), plan.mark);
    delete_keys(probe_.detail_map_fd(), plan.retire);
    delete_keys(probe_.detail_spill_map_fd(), plan.retire);
  } catch (const std::exception& e) {
    count_error("bpf_map", e);
  }
}

// Every namespace, before the first scrape, those whose cookie the listing
// does not give included.
void RetxCollector::seed_at_start() {
  BaselineSeeder* seeder = probe_.seeder();
  if (!seeder) return;
  LiveNamespaces live;
  seeder->seed(list_all(live), true);
}

void RetxCollector::seed_namespaces(const std::vector<NetnsRef>& refs, const LiveNamespaces& live) const {
  BaselineSeeder* seeder = probe_.seeder();
  if (!seeder) return;
  seeder->seed(refs, false);
  // Unmarked only on a listing that named every living namespace's cookie:
  // a living namespace unmarked by mistake would be walked again.
  if (live.complete && live.by_cookie && live.unsure.empty()) seeder->keep_only(live.ids);
}

// The histograms are retired with the counters: their rows go through the
// same lifecycle step as counter rows keyed by the same namespace.
void RetxCollector::retire_namespaces(Snapshot& s, const LiveNamespaces& live) const {
  std::vector<CounterRow> carried = cgroups_.carried();
  std::vector<CounterRow> hist = as_counter_rows(s.ratio_hist);
  auto doomed = namespaces_.step({&s.agg, &s.detail, &carried, &hist}, live);
  try {
    delete_keys(probe_.agg_map_fd(), doomed[0]);
    delete_keys(probe_.agg_spill_map_fd(), doomed[0]);
    delete_keys(probe_.detail_map_fd(), doomed[1]);
    delete_keys(probe_.detail_spill_map_fd(), doomed[1]);
    delete_keys(probe_.ratio_hist_map_fd(), netns_keys(doomed[3]));
    delete_keys(probe_.ratio_hist_spill_map_fd(), netns_keys(doomed[3]));
  } catch (const std::exception& e) {
    count_error("bpf_map", e);
  }
  cgroups_.forget(doomed[2]);
  keep_living(s.ratio_hist, hist);
  s.agg = merge_rows(std::move(s.agg), carried);
  s.namespaces_removed = namespaces_.removed_total();
}

// Each namespace's RetransSegs against what the probe counted (uncounted.h):
// the rows read before its counters are this scrape's; the maps are read a
// second time only when those leave room for a miss (retransmits while the
// namespaces were read, or a real miss).
void RetxCollector::check_against_kernel(Snapshot& s) const {
  bool by_cookie = probe_.netns_by_cookie();
  auto id_of = [&](const NetnsCounters& n) { return by_cookie ? n.cookie : std::uint64_t{n.inode}; };
  auto before = counted_segments({&s.agg, &s.detail}, by_cookie);
  std::unordered_set<std::uint64_t> ids;
  bool reread = false;
  for (const auto& n : s.netns) {
    if (!n.readable || id_of(n) == 0) continue;
    ids.insert(id_of(n));
    reread = reread || uncounted_.may_have_missed(id_of(n), n.retrans_segs, before[id_of(n)]);
  }
  auto after = before;
  if (reread) {
    try {
      // The same maps as read_maps, with the rows cgroup retirement carries
      // out of them (the first read has those merged into s.agg).
      std::vector<CounterRow> agg, detail, carried = cgroups_.carried();
      read_counting_maps(agg, detail);
      after = counted_segments({&agg, &detail, &carried}, by_cookie);
    } catch (const std::exception& e) {
      count_error("bpf_map", e);
      for (auto& n : s.netns)  // no new bound this scrape: the last one stands
        if (ids.contains(id_of(n))) n.uncounted = uncounted_.last(id_of(n));
      return;
    }
  }
  for (auto& n : s.netns) {
    if (ids.contains(id_of(n))) n.uncounted = uncounted_.update(id_of(n), n.retrans_segs, before[id_of(n)], after[id_of(n)]);
  }
  uncounted_.keep_only(ids);
}

// Every baseline leaves the LRU map by a delete at CLOSE or by eviction:
// evicted = inserted - deleted - present. Counters read before and after the
// count of entries make this a lower bound; the largest one seen is kept.
void RetxCollector::count_evictions(Snapshot& s) const {
  int fd = probe_.sk_baseline_map_fd();
  if (fd >= 0) {
    try {
      std::uint64_t present = count_u64_keys(fd);
      auto later = read_stats_map(probe_.stats_map_fd());
      std::uint64_t inserted = s.stats[RETX_STAT_SK_TRACKED], deleted = later[RETX_STAT_SK_UNTRACKED];
      if (inserted > deleted + present) evictions_ = std::max(evictions_, inserted - deleted - present);
    } catch (const std::exception& e) {
      count_error("bpf_map", e);
    }
  }
  s.sk_baseline_evictions = evictions_;
}

Snapshot RetxCollector::snapshot() const {
  std::lock_guard<std::mutex> lock(mu_);
  note_scrape();
  Snapshot s;
  s.attach = attach_mode_name(probe_.attach_mode());
  s.tracepoints = probe_.tracepoints();
  s.err_field = probe_.features().skb_has_err;
  s.pid1_context_skipped = probe_.features().skips_pid1_context;
  s.netns_identity = probe_.netns_by_cookie() ? "cookie" : "inode";
  s.labels = cfg_.labels;
  read_maps(s);
  LiveNamespaces live = read_namespaces(s);
  retire_cgroups(s);
  retire_namespaces(s, live);
  check_against_kernel(s);
  count_evictions(s);
  s.programs = probe_.program_stats();
  s.scrape_errors = errors_;
  return s;
}

std::vector<prometheus::MetricFamily> RetxCollector::Collect() const {
  return build_metric_families(snapshot(), build_);
}

std::string RetxCollector::metrics_text(ExpositionWriter& writer) const {
  return write_metric_text(snapshot(), build_, writer);
}

}  // namespace retx
