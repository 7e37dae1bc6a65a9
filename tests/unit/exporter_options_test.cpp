#include <gtest/gtest.h>
#include <sys/capability.h>

#include "options.h"

using retx::AttachMode;
using retx::CapabilityKeep;
using retx::parse_options;
using retx::ParseError;

TEST(ExporterOptions, DefaultsKeepTheOriginalToolsPort) {
  auto o = parse_options({});
  EXPECT_EQ(o.listen.text(), "0.0.0.0:2112");
  EXPECT_EQ(o.telemetry_path, "/metrics");
  EXPECT_TRUE(o.web_config_file.empty());
  EXPECT_EQ(o.keep_caps.mode, CapabilityKeep::Mode::Auto);
  EXPECT_FALSE(o.peer_labels);
  EXPECT_EQ(o.series_budget, 1000u);
  EXPECT_EQ(o.attach, AttachMode::Auto);
  EXPECT_FALSE(o.once_seconds.has_value());
}

TEST(ExporterOptions, ParsesEveryFlagInBothSpellings) {
  auto o = parse_options({"--listen=127.0.0.1:9000", "--peer-labels", "--series-budget", "50", "--netns", "a,b",
                          "--netns=4026531840", "--attach", "raw_tp", "--once", "1.5", "-v", "--bpf-stats",
                          "--web.telemetry-path", "/x/metrics", "--web.config.file=web.yml",
                          "--capabilities.keep", "CAP_SYS_PTRACE,sys_admin,cap_sys_ptrace", "--btf", "/b"});
  EXPECT_EQ(o.listen.text(), "127.0.0.1:9000");
  EXPECT_TRUE(o.peer_labels);
  EXPECT_EQ(o.series_budget, 50u);
  EXPECT_EQ(o.netns, (std::vector<std::string>{"a", "b", "4026531840"}));
  EXPECT_EQ(o.attach, AttachMode::RawTp);
  ASSERT_TRUE(o.once_seconds.has_value());
  EXPECT_DOUBLE_EQ(*o.once_seconds, 1.5);
  EXPECT_TRUE(o.verbose);
  EXPECT_TRUE(o.bpf_stats);
  EXPECT_EQ(o.telemetry_path, "/x/metrics");
  EXPECT_EQ(o.web_config_file, "web.yml");
  EXPECT_EQ(o.keep_caps.mode, CapabilityKeep::Mode::List);
  EXPECT_EQ(o.keep_caps.caps, (std::vector<int>{CAP_SYS_PTRACE, CAP_SYS_ADMIN})) << "named twice, kept once";
  EXPECT_EQ(o.btf_path, "/b");
  EXPECT_EQ(parse_options({"--capabilities.keep", "none"}).keep_caps.mode, CapabilityKeep::Mode::None);
  EXPECT_EQ(parse_options({"--capabilities.keep=all"}).keep_caps.mode, CapabilityKeep::Mode::All);
}

// node_exporter's and ebpf_exporter's spelling is the same flag.
TEST(ExporterOptions, WebListenAddressIsAnAliasOfListen) {
  EXPECT_EQ(parse_options({"--web.listen-address", "127.0.0.1:1"}).listen.text(), "127.0.0.1:1");
  EXPECT_THROW(parse_options({"--listen", "127.0.0.1:1", "--web.listen-address", "127.0.0.1:2"}), ParseError);
}

TEST(ExporterOptions, ListenAddressForms) {
  auto v6 = parse_options({"--listen", "[::1]:2112"}).listen;
  EXPECT_TRUE(v6.ipv6);
  EXPECT_EQ(v6.host, "::1");
  EXPECT_EQ(v6.text(), "[::1]:2112");
  auto any = parse_options({"--listen", ":2112"}).listen;
  EXPECT_TRUE(any.host.empty());
  EXPECT_EQ(any.port, 2112);
  EXPECT_EQ(parse_options({"-l", "127.0.0.1:0"}).listen.port, 0) << "port 0: the kernel picks, the log says which";
}

// Each bad input names the flag and the offending value in one line.
TEST(ExporterOptions, BadInputNamesTheFlag) {
  struct Case {
    std::vector<std::string> args;
    std::string expect;
  } cases[] = {
      {{"--listen", "nocolon"}, "--listen: expected HOST:PORT, got 'nocolon'"},
      {{"--listen", "127.0.0.1:70000"}, "--listen: port must be 0-65535, got '70000' in '127.0.0.1:70000'"},
      {{"--listen", "999.1.1.1:2112"}, "--listen: '999.1.1.1' is not an IPv4 address (four octets, each 0-255)"},
      {{"--listen", "1.2.3:2112"}, "--listen: '1.2.3' is not an IPv4 address (four octets, each 0-255)"},
      {{"--listen", "localhost:2112"}, "--listen: 'localhost' is not a numeric address (host names are not resolved)"},
      {{"--listen", "127.0.0.1:1,127.0.0.1:2"}, "--listen: expected exactly one HOST:PORT, got '127.0.0.1:1,127.0.0.1:2'"},
      {{"--listen", "::1:2112"}, "--listen: an IPv6 address goes in brackets, e.g. [::1]:2112; got '::1:2112'"},
      {{"--listen", "[::1]2112"}, "--listen: expected [IPV6]:PORT, got '[::1]2112'"},
      {{"--listen", "[1.2.3.4]:1"}, "--listen: '1.2.3.4' is not a numeric IPv6 address"},
      {{"--web.listen-address", ":"}, "--web.listen-address: port must be 0-65535, got '' in ':'"},
      {{"--series-budget", "0"}, "--series-budget: expected an integer in [1, 1000000], got '0'"},
      {{"--series-budget", "12x"}, "--series-budget: expected an integer in [1, 1000000], got '12x'"},
      {{"--attach", "kprobe"}, "--attach: expected auto, tp_btf, raw_tp or tracepoint, got 'kprobe'"},
      {{"--once", "-1"}, "--once: expected seconds in [0, 86400], got '-1'"},
      {{"--once", "nan"}, "--once: expected seconds in [0, 86400], got 'nan'"},
      {{"--series-budget"}, "--series-budget: missing value"},
      {{"--peer-labels=yes"}, "--peer-labels: takes no value"},
      {{"--frobnicate"}, "unknown flag '--frobnicate' (see --help)"},
      {{"--netns", "a,,b"}, "--netns: empty entry in 'a,,b'"},
      {{"--netns", "a,"}, "--netns: empty entry in 'a,'"},
      {{"--netns", "0"}, "--netns: expected an integer in [1, 4294967295], got '0'"},
      {{"--netns", "4294967296"}, "--netns: expected an integer in [1, 4294967295], got '4294967296'"},
      {{"--netns", "../etc"}, "--netns: '../etc' is neither an inode nor a /run/netns name"},
      {{"--web.telemetry-path", "metrics"},
       "--web.telemetry-path: expected an absolute path such as /metrics (letters, digits, - _ . ~ /; not / or "
       "/healthz), got 'metrics'"},
      {{"--web.telemetry-path", "/a/../b"},
       "--web.telemetry-path: expected an absolute path such as /metrics (letters, digits, - _ . ~ /; not / or "
       "/healthz), got '/a/../b'"},
      {{"--web.config.file="}, "--web.config.file: expected a file path"},
      {{"--capabilities.keep", "cap_frob"},
       "--capabilities.keep: unknown capability 'cap_frob' (expected auto, all, none or names like cap_sys_ptrace)"},
      {{"--capabilities.keep", "21"},
       "--capabilities.keep: unknown capability 'cap_21' (expected auto, all, none or names like cap_sys_ptrace)"},
      {{"--btf", ""}, "--btf: expected a file path"},
      {{"--attach", "raw_tp", "--attach", "tp_btf"}, "--attach: given more than once"},
  };
  for (const auto& c : cases) {
    try {
      parse_options(c.args);
      ADD_FAILURE() << "accepted " << c.args[0] << " " << (c.args.size() > 1 ? c.args[1] : "");
    } catch (const ParseError& e) {
      EXPECT_EQ(std::string(e.what()), c.expect);
    }
  }
}

TEST(ExporterOptions, NetnsListsAreBounded) {
  std::string many;
  for (std::size_t i = 1; i <= retx::kMaxNetnsEntries; ++i) many += (i > 1 ? "," : "") + std::to_string(i);
  EXPECT_EQ(parse_options({"--netns", many}).netns.size(), retx::kMaxNetnsEntries);
  EXPECT_THROW(parse_options({"--netns", many + ",70000"}), ParseError);
}

TEST(ExporterOptions, HelpListsEveryFlagAndExitCode) {
  auto h = retx::usage_text();
  for (const char* flag : {"--listen", "--web.listen-address", "--web.telemetry-path", "--web.config.file",
                           "--capabilities.keep", "--peer-labels", "--series-budget", "--netns", "--attach", "--btf",
                           "--bpf-stats", "--once", "--verbose", "--version", "--help", "SIGHUP"}) {
    EXPECT_NE(h.find(flag), std::string::npos) << flag;
  }
  for (const char* code : {"2 bad flags", "3 missing privileges", "4 no kernel BTF", "5 tracepoint absent",
                           "6 listen address unavailable", "7 probe load failed", "8 bad web config file",
                           "9 dropping privileges failed"}) {
    EXPECT_NE(h.find(code), std::string::npos) << code;
  }
}
