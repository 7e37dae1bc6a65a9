// retx-lab's command line: parsed without side effects, bad usage is one
// InputError line, and every command has its own help text.
#include <gtest/gtest.h>
#include <sys/socket.h>

#include "cli_options.h"
#include "input_error.h"

using namespace retx::lab;

TEST(LabCoreCli, RunDefaultsToSmoke) {
  auto o = parse_cli({"run"});
  EXPECT_EQ(o.command, "run");
  EXPECT_EQ(o.suite, "smoke");
  EXPECT_EQ(o.parallel, 1);
}

TEST(LabCoreCli, RunFlags) {
  auto o = parse_cli({"run", "--suite", "full", "--parallel", "2", "--exporter-url", "http://127.0.0.1:2112",
                      "--report", "r.json", "--compare", "old.json", "--repeat", "3", "--scenario", "a"});
  EXPECT_EQ(o.suite, "full");
  EXPECT_EQ(o.parallel, 2);
  EXPECT_EQ(o.exporter_url, "http://127.0.0.1:2112");
  EXPECT_EQ(o.report_path, "r.json");
  EXPECT_EQ(o.compare_path, "old.json");
  EXPECT_EQ(o.repeat, 3);
  EXPECT_EQ(o.only, std::vector<std::string>{"a"});
}

TEST(LabCoreCli, BadUsageIsInputError) {
  EXPECT_THROW(parse_cli({}), InputError);
  EXPECT_THROW(parse_cli({"explode"}), InputError);
  EXPECT_THROW(parse_cli({"run", "--parallel", "0"}), InputError);
  EXPECT_THROW(parse_cli({"run", "--parallel"}), InputError);
  EXPECT_THROW(parse_cli({"run", "--bogus"}), InputError);
  EXPECT_THROW(parse_cli({"run", "--suite", "smoke", "x.json"}), InputError);
  EXPECT_THROW(parse_cli({"run", "--exporter-url", "u", "--exporter-bin", "b"}), InputError);
  EXPECT_THROW(parse_cli({"check"}), InputError);
  EXPECT_THROW(parse_cli({"sweep", "x"}), InputError);
  try {
    parse_cli({"run", "--repeat", "x"});
  } catch (const InputError& e) {
    EXPECT_STREQ(e.what(), "retx-lab: --repeat: expected an integer in [1,100], got \"x\" (see retx-lab --help)");
  }
}

TEST(LabCoreCli, HelpAndVersion) {
  EXPECT_EQ(parse_cli({"--help"}).command, "help");
  EXPECT_EQ(parse_cli({"run", "-h"}).command, "help");
  EXPECT_EQ(parse_cli({"--version"}).command, "version");
  EXPECT_NE(usage_text().find("exit codes"), std::string::npos);
}

// Every flag run accepts is documented in `retx-lab run --help`.
TEST(LabCoreCli, RunHelpDocumentsEveryRunFlag) {
  auto o = parse_cli({"run", "--suite", "full", "--help"});
  EXPECT_EQ(o.command, "help");
  EXPECT_EQ(o.help_topic, "run");
  const std::string text = usage_text("run");
  for (const char* flag : {"--suite", "--scenario", "--parallel", "--exporter-url", "--exporter-bin", "--report ",
                           "--reports-dir", "--compare", "--repeat", "--verbose"}) {
    EXPECT_NE(text.find(flag), std::string::npos) << flag;
    std::string f(flag);
    if (f.back() == ' ') f.pop_back();
    // ... and each is one the parser knows: without its value it says so.
    if (f != "--verbose") EXPECT_THROW(parse_cli({"run", f}), InputError) << f;
    else EXPECT_TRUE(parse_cli({"run", f}).verbose);
  }
}

// `report --help` is the lab's text, not the renderer's.
TEST(LabCoreCli, EveryCommandHasItsOwnHelp) {
  auto r = parse_cli({"report", "a.json", "--help"});
  EXPECT_EQ(r.command, "help");
  EXPECT_EQ(r.help_topic, "report");
  EXPECT_EQ(usage_text("report").rfind("retx-lab report ", 0), 0u);
  EXPECT_NE(usage_text("report").find("--bench"), std::string::npos);
  for (const char* c : {"run", "check", "sweep", "report", "pair"}) {
    EXPECT_EQ(parse_cli({c, "-h"}).help_topic, c);
    EXPECT_EQ(usage_text(c).rfind(std::string("retx-lab ") + c, 0), 0u) << c;
    EXPECT_NE(usage_text(c).find("exit codes"), std::string::npos) << c;
  }
}

TEST(LabCoreCli, PairFlags) {
  auto o = parse_cli({"pair", "--prefix", "rxl-42-demo", "--clients", "2", "--loss", "5,0", "--loss-port", "5201",
                      "--drop-syn-ports", "9-19", "--family", "ipv6", "--offload", "segment_exact", "--json"});
  EXPECT_EQ(o.command, "pair");
  EXPECT_EQ(o.pair.prefix, "rxl-42-demo");
  EXPECT_EQ(o.pair.clients, 2);
  EXPECT_EQ(o.pair.loss_pct, (std::vector<double>{5, 0}));
  EXPECT_EQ(o.pair.loss_port, 5201);
  EXPECT_EQ(o.pair.syn_drop_first, 9);
  EXPECT_EQ(o.pair.syn_drop_last, 19);
  EXPECT_EQ(o.pair.family, AF_INET6);
  EXPECT_EQ(o.pair.offload, Offload::SegmentExact);
  EXPECT_TRUE(o.json);
  EXPECT_EQ(parse_cli({"pair", "--delete", "rxl-42-demo"}).pair_delete, "rxl-42-demo");
}

TEST(LabCoreCli, PairBadUsageIsInputError) {
  EXPECT_THROW(parse_cli({"pair"}), InputError);                                        // no prefix
  EXPECT_THROW(parse_cli({"pair", "--prefix", "demo"}), InputError);                    // no owner pid
  EXPECT_THROW(parse_cli({"pair", "--prefix", "rxl-42-demo", "--loss", "101"}), InputError);
  EXPECT_THROW(parse_cli({"pair", "--prefix", "rxl-42-demo", "--loss", "1,2"}), InputError);  // 2 values, 1 client
  EXPECT_THROW(parse_cli({"pair", "--prefix", "rxl-42-demo", "--family", "ipx"}), InputError);
  EXPECT_THROW(parse_cli({"pair", "--prefix", "rxl-42-demo", "--drop-syn-ports", "19-9"}), InputError);
  EXPECT_THROW(parse_cli({"pair", "--prefix", "rxl-42-demo", "--suite", "smoke"}), InputError);
}
