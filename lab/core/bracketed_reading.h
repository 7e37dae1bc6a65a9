// One observer's reading (the exporter's scrape) taken between two readings of
// the counters it is compared with (the kernel's), so that both sides describe
// the same moment: when the counters moved across it, something (a timer's
// retransmit) may be on one side only, and the three are taken again.
#pragma once

#include <chrono>
#include <thread>

namespace retx::lab {

template <class Counters, class Seen>
struct Bracketed {
  Counters counters;  // read just before `seen`
  Seen seen;
  bool settled = false;  // the counters read just after `seen` were equal
  int tries = 0;
};

// Until the counters before and after observe() are equal, or max_tries (at
// least one) were made; pause() runs between tries.
template <class ReadCounters, class Observe, class Pause>
auto bracketed(ReadCounters read_counters, Observe observe, int max_tries, Pause pause)
    -> Bracketed<decltype(read_counters()), decltype(observe())> {
  Bracketed<decltype(read_counters()), decltype(observe())> r;
  while (true) {
    ++r.tries;
    r.counters = read_counters();
    r.seen = observe();
    r.settled = read_counters() == r.counters;
    if (r.settled || r.tries >= max_tries) return r;
    pause();
  }
}

// The lab's and the tests' policy: 5 tries, 50 ms apart (a FIN's RTO is
// 200 ms or more, so a timer rarely fires across two scrapes in a row).
template <class ReadCounters, class Observe>
auto bracketed(ReadCounters read_counters, Observe observe) {
  return bracketed(read_counters, observe, 5, [] { std::this_thread::sleep_for(std::chrono::milliseconds(50)); });
}

}  // namespace retx::lab
