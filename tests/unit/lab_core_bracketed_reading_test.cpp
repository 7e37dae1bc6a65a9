// bracketed(): the observation is kept only when the counters did not move
// across it, retried up to max_tries otherwise.
#include "bracketed_reading.h"

#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

namespace {

using retx::lab::bracketed;

// Counters that read from a script, one value per call, the last repeated.
struct ScriptedCounters {
  std::vector<int> values;
  size_t next = 0;
  int operator()() { return values[next < values.size() ? next++ : values.size() - 1]; }
};

TEST(LabCoreBracketedReading, StillCountersKeepTheFirstObservation) {
  ScriptedCounters c{{7}};
  int observed = 0, paused = 0;
  auto r = bracketed(std::ref(c), [&] { return ++observed; }, 5, [&] { ++paused; });
  EXPECT_TRUE(r.settled);
  EXPECT_EQ(r.tries, 1);
  EXPECT_EQ(r.counters, 7);
  EXPECT_EQ(r.seen, 1);
  EXPECT_EQ(paused, 0);
}

TEST(LabCoreBracketedReading, CountersThatMovedAcrossTheObservationAreReadAgain) {
  // Try 1: 10 before, 11 after (a retransmit between); try 2: 11 and 11.
  ScriptedCounters c{{10, 11, 11, 11}};
  int observed = 0, paused = 0;
  auto r = bracketed(std::ref(c), [&] { return "scrape " + std::to_string(++observed); }, 5, [&] { ++paused; });
  EXPECT_TRUE(r.settled);
  EXPECT_EQ(r.tries, 2);
  EXPECT_EQ(r.counters, 11);  // the reading that goes with the kept observation
  EXPECT_EQ(r.seen, "scrape 2");
  EXPECT_EQ(paused, 1);
}

TEST(LabCoreBracketedReading, CountersThatNeverSettleStopAtMaxTriesUnsettled) {
  ScriptedCounters c{{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}};
  int observed = 0, paused = 0;
  auto r = bracketed(std::ref(c), [&] { return ++observed; }, 3, [&] { ++paused; });
  EXPECT_FALSE(r.settled);
  EXPECT_EQ(r.tries, 3);
  EXPECT_EQ(observed, 3);
  EXPECT_EQ(paused, 2);  // none after the last try
  EXPECT_EQ(r.counters, 5);  // the before-reading of the last try
}

TEST(LabCoreBracketedReading, OneTryIsMadeEvenWithMaxTriesZero) {
  ScriptedCounters c{{1, 2}};
  int observed = 0;
  auto r = bracketed(std::ref(c), [&] { return ++observed; }, 0, [] {});
  EXPECT_EQ(r.tries, 1);
  EXPECT_FALSE(r.settled);
}

}  // namespace
