#include "quiescence.h"

#include <chrono>
#include <thread>

#include "counters.h"

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

}  // namespace retx::lab
