// retx-top's flags: every flag parses, bad values name the flag, defaults
// depend on the mode.
#include <gtest/gtest.h>

#include "top_options.h"

using namespace retx::top;

namespace {
TopOptions parse(std::vector<std::string> a) { return parse_top_options(a); }
}  // namespace

TEST(TopOptions, Defaults) {
  auto o = parse({});
  EXPECT_FALSE(o.once);
  EXPECT_EQ(effective_sort(o), SortKey::Interval);
  EXPECT_EQ(o.causes, CausesFrom::Auto);
  EXPECT_EQ(o.interval_s, 2.0);
  EXPECT_EQ(effective_sort(parse({"--once"})), SortKey::Total);
}

TEST(TopOptions, EveryFlag) {
  auto o = parse({"--once", "--json", "--diag", "--netns", "a,4026531840", "--netns=b", "--port", "443", "--pid=12",
                  "--min-retrans", "3", "--sort", "ratio", "--limit", "20", "--interval", "0.5", "--causes", "77"});
  EXPECT_TRUE(o.once && o.json && o.diag);
  EXPECT_EQ(o.netns, (std::vector<std::string>{"a", "4026531840", "b"}));
  EXPECT_EQ(o.port, 443);
  EXPECT_EQ(o.pid, 12);
  EXPECT_EQ(o.min_retrans, 3u);
  EXPECT_EQ(effective_sort(o), SortKey::Ratio);
  EXPECT_EQ(o.limit, 20u);
  EXPECT_EQ(o.interval_s, 0.5);
  EXPECT_EQ(o.causes, CausesFrom::Program);
  EXPECT_EQ(o.causes_prog_id, 77u);
  EXPECT_EQ(parse({"--causes", "own"}).causes, CausesFrom::Own);
  EXPECT_EQ(parse({"--causes=none"}).causes, CausesFrom::None);
  EXPECT_TRUE(parse({"-h"}).help);
}

TEST(TopOptions, BadInputNamesTheFlag) {
  auto msg = [](std::vector<std::string> a) {
    try {
      parse_top_options(a);
    } catch (const UsageError& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  EXPECT_NE(msg({"--port", "70000"}).find("--port"), std::string::npos);
  EXPECT_NE(msg({"--port"}).find("needs a value"), std::string::npos);
  EXPECT_NE(msg({"--sort", "fast"}).find("interval, ratio, total"), std::string::npos);
  EXPECT_NE(msg({"--interval", "0"}).find("--interval"), std::string::npos);
  EXPECT_NE(msg({"--causes", "x"}).find("--causes"), std::string::npos);
  EXPECT_NE(msg({"--netns", "a,,b"}).find("empty entry"), std::string::npos);
  EXPECT_NE(msg({"--frobnicate"}).find("unknown option"), std::string::npos);
  EXPECT_NE(msg({"--json"}).find("--once"), std::string::npos);
  EXPECT_NE(msg({"--once=1"}).find("takes no value"), std::string::npos);
}

TEST(TopOptions, HelpNamesEveryFlagAndExitCode) {
  std::string h = top_usage_text();
  for (const char* f : {"--once", "--json", "--netns", "--port", "--pid", "--min-retrans", "--sort", "--limit",
                        "--interval", "--causes", "--diag", "Exit codes"}) {
    EXPECT_NE(h.find(f), std::string::npos) << f;
  }
}
