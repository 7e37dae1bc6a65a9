// The tc netem command lines (sch_netem is absent here; the VM runs them).
#include "impairment.h"

#include <gtest/gtest.h>

#include <algorithm>

using namespace retx::lab;

namespace {

// The tokens following `key` in argv, or empty.
std::vector<std::string> after(const std::vector<std::string>& argv, const std::string& key, size_t n) {
  auto it = std::find(argv.begin(), argv.end(), key);
  if (it == argv.end() || static_cast<size_t>(argv.end() - it) <= n) return {};
  return {it + 1, it + 1 + static_cast<std::ptrdiff_t>(n)};
}

}  // namespace

TEST(LabKernelNetemArgv, PrefixTargetsRouterInterface) {
  ImpairmentSpec s;
  s.kind = ImpairKind::Random;
  s.loss = 0.01;
  auto a = netem_argv("rxl-1-0-r", "to-s", s);
  std::vector<std::string> head(a.begin(), a.begin() + 9);
  EXPECT_EQ(head, (std::vector<std::string>{"tc", "-n", "rxl-1-0-r", "qdisc", "add", "dev", "to-s", "root", "netem"}));
  EXPECT_EQ(after(a, "loss", 2), (std::vector<std::string>{"random", "1%"}));
  EXPECT_EQ(std::count(a.begin(), a.end(), "seed"), 0);
  auto seeded = netem_argv("ns", "to-s", s, true);
  EXPECT_EQ(after(seeded, "seed", 1), std::vector<std::string>{std::to_string(s.seed)});
}

TEST(LabKernelNetemArgv, GemodelInNetemOrder) {
  ImpairmentSpec s;
  s.kind = ImpairKind::GilbertElliott;
  s.gemodel = {0.02, 0.25, 0.5, 0.001};
  auto a = netem_argv("ns", "to-c1", s);
  EXPECT_EQ(after(a, "loss", 5), (std::vector<std::string>{"gemodel", "2%", "25%", "50%", "0.1%"}));
}

TEST(LabKernelNetemArgv, ExtrasAndLimit) {
  ImpairmentSpec s;
  s.netem.delay_ms = 20;
  s.netem.jitter_ms = 5;
  s.netem.distribution = "normal";
  s.netem.reorder = 0.25;
  s.netem.duplicate = 0.01;
  s.netem.corrupt = 0.002;
  s.netem.rate_mbit = 100;
  s.netem.limit = 5000;
  auto a = netem_argv("ns", "to-s", s);
  EXPECT_EQ(after(a, "netem", 2), (std::vector<std::string>{"limit", "5000"}));
  EXPECT_EQ(after(a, "delay", 4), (std::vector<std::string>{"20ms", "5ms", "distribution", "normal"}));
  EXPECT_EQ(after(a, "reorder", 1), std::vector<std::string>{"25%"});
  EXPECT_EQ(after(a, "duplicate", 1), std::vector<std::string>{"1%"});
  EXPECT_EQ(after(a, "corrupt", 1), std::vector<std::string>{"0.2%"});
  EXPECT_EQ(after(a, "rate", 1), std::vector<std::string>{"100000000bit"});
  EXPECT_EQ(std::count(a.begin(), a.end(), "loss"), 0);
}

TEST(LabKernelNetemArgv, RefusesWhatNetemCannotDo) {
  ImpairmentSpec s;
  s.kind = ImpairKind::FirstSyn;
  EXPECT_THROW(netem_argv("ns", "to-s", s), std::invalid_argument);
  s.kind = ImpairKind::Blackhole;
  EXPECT_THROW(netem_argv("ns", "to-s", s), std::invalid_argument);
}
