#include <gtest/gtest.h>

#include "options.h"

using retx::AttachMode;
using retx::parse_options;
using retx::ParseError;

TEST(ExporterOptions, DefaultsKeepTheOriginalToolsPort) {
  auto o = parse_options({});
  EXPECT_EQ(o.listen, "0.0.0.0:2112");
  EXPECT_FALSE(o.peer_labels);
  EXPECT_EQ(o.series_budget, 1000u);
  EXPECT_EQ(o.attach, AttachMode::Auto);
  EXPECT_FALSE(o.once_seconds.has_value());
}

TEST(ExporterOptions, ParsesEveryFlagInBothSpellings) {
  auto o = parse_options({"--listen=127.0.0.1:9000", "--peer-labels", "--series-budget", "50", "--netns", "a,b",
                          "--netns=4026531840", "--attach", "raw_tp", "--once", "1.5", "-v", "--bpf-stats"});
  EXPECT_EQ(o.listen, "127.0.0.1:9000");
  EXPECT_TRUE(o.peer_labels);
  EXPECT_EQ(o.series_budget, 50u);
  EXPECT_EQ(o.netns, (std::vector<std::string>{"a", "b", "4026531840"}));
  EXPECT_EQ(o.attach, AttachMode::RawTp);
  ASSERT_TRUE(o.once_seconds.has_value());
  EXPECT_DOUBLE_EQ(*o.once_seconds, 1.5);
  EXPECT_TRUE(o.verbose);
  EXPECT_TRUE(o.bpf_stats);
}

// Each bad input names the flag and the offending value in one line.
TEST(ExporterOptions, BadInputNamesTheFlag) {
  struct Case {
    std::vector<std::string> args;
    std::string expect;
  } cases[] = {
      {{"--listen", "nocolon"}, "--listen: expected HOST:PORT, got 'nocolon'"},
      {{"--listen", "h:70000"}, "--listen: expected an integer in [0, 65535], got '70000'"},
      {{"--series-budget", "0"}, "--series-budget: expected an integer in [1, 1000000], got '0'"},
      {{"--series-budget", "12x"}, "--series-budget: expected an integer in [1, 1000000], got '12x'"},
      {{"--attach", "kprobe"}, "--attach: expected auto, tp_btf, raw_tp or tracepoint, got 'kprobe'"},
      {{"--once", "-1"}, "--once: expected seconds in [0, 86400], got '-1'"},
      {{"--series-budget"}, "--series-budget: missing value"},
      {{"--peer-labels=yes"}, "--peer-labels: takes no value"},
      {{"--frobnicate"}, "unknown flag '--frobnicate' (see --help)"},
  };
  for (const auto& c : cases) {
    try {
      parse_options(c.args);
      ADD_FAILURE() << "accepted " << c.args[0];
    } catch (const ParseError& e) {
      EXPECT_EQ(std::string(e.what()), c.expect);
    }
  }
}

TEST(ExporterOptions, HelpListsEveryFlagAndExitCode) {
  auto h = retx::usage_text();
  for (const char* flag : {"--listen", "--peer-labels", "--series-budget", "--netns", "--attach", "--btf",
                           "--bpf-stats", "--once", "--verbose", "--version", "--help"}) {
    EXPECT_NE(h.find(flag), std::string::npos) << flag;
  }
  EXPECT_NE(h.find("6 listen address in use"), std::string::npos);
}
