#include "quiescence.h"

#include <chrono>
#include <thread>

#include "counters.h"
#include "exporter_process.h"

namespace retx::lab {

QuiesceResult wait_for_quiet(const std::vector<Namespace>& nss, double quiet_ms, double max_s) {
  using Clock = std::chrono::steady_clock;
  auto fingerprint = [&] {
    std::vector<std::uint64_t> v;
    for (const auto& ns : nss) {
      auto c = read_counters(ns);
      for (const char* k : {"Tcp.InSegs", "Tcp.OutSegs", "Tcp.RetransSegs"}) v.push_back(counter_or_zero(c, k));
    }
    return v;
  };
  const auto start = Clock::now();
  auto last = fingerprint();
  auto stable_since = Clock::now();
  while (true) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    auto now = Clock::now();
    double waited = std::chrono::duration<double>(now - start).count();
    auto cur = fingerprint();
    if (cur != last) {
      last = std::move(cur);
      stable_since = now;
    } else if (std::chrono::duration<double, std::milli>(now - stable_since).count() >= quiet_ms) {
      return {true, waited};
    }
    if (waited >= max_s) return {false, waited};
  }
}

namespace {

std::vector<retx::ProcCounters> read_every(const std::vector<Namespace>& nss) {
  std::vector<retx::ProcCounters> v;
  for (const auto& ns : nss) {
    v.push_back(read_counters(ns));
    v.back().merge(read_qdisc_drops(ns));
  }
  return v;
}

}  // namespace

BracketedScrape scrape_between_counters(const std::vector<Namespace>& nss, const std::string& url) {
  return bracketed([&] { return read_every(nss); }, [&] { return scrape_metrics(url); });
}

}  // namespace retx::lab
