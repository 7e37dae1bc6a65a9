// The table fits its width; the JSON has every documented field; /proc text parsers.
#include <arpa/inet.h>
#include <gtest/gtest.h>

#include <sstream>

#include "conn_json.h"
#include "proc_text.h"
#include "table.h"

using namespace retx::top;

namespace {

Conn sample(int family) {
  Conn c;
  c.cookie = 9;
  c.netns = 4026532100;
  c.netns_name = "rxl-12345-0-c1";
  c.family = static_cast<std::uint16_t>(family);
  if (family == AF_INET6) {
    inet_pton(AF_INET6, "fd52:7846:6c61:100::2", c.raddr);
    inet_pton(AF_INET6, "fd52:7846:6c61:1::2", c.laddr);
  } else {
    inet_pton(AF_INET, "198.19.0.2", c.raddr);
    inet_pton(AF_INET, "198.18.1.2", c.laddr);
  }
  c.lport = 40123;
  c.rport = 5201;
  c.state = 1;
  c.retrans_segs = 1234567;
  c.segs_out = 40000000;
  c.srtt_us = 1500;
  c.pid = 4242;
  c.comm = "a-long-command-name";
  c.causes = Causes{1, 2, 3, 4, 5, 6};
  return c;
}

}  // namespace

TEST(TopTable, FitsEightyColumnsAndShowsTheRow) {
  std::vector<Conn> conns = {sample(AF_INET), sample(AF_INET6)};
  auto rows = select_rows(conns, {}, {}, SortKey::Total, 0);
  for (int width : {80, 100, 200}) {
    auto lines = render_table(rows, width);
    ASSERT_EQ(lines.size(), 3u);
    for (const auto& l : lines) EXPECT_LE(static_cast<int>(l.size()), width) << "[" << l << "]";
    EXPECT_EQ(lines[0].rfind("NETNS", 0), 0u);
    EXPECT_EQ((lines[0].find("RTTms") != std::string::npos), width >= 90) << lines[0];
  }
  EXPECT_EQ(render_table(rows, 80, false)[0].find("+RTX"), std::string::npos) << "no interval, no +RTX";
  auto l80 = render_table(rows, 80);
  EXPECT_NE(l80[1].find("198.19.0.2:5201"), std::string::npos) << l80[1];
  EXPECT_NE(l80[1].find("~2345-0-c1 "), std::string::npos) << "names keep their distinct tail: " << l80[1];
  EXPECT_NE(l80[1].find("4242/a-long-~"), std::string::npos) << "processes keep their pid: " << l80[1];
  EXPECT_NE(l80[1].find("1234k"), std::string::npos) << l80[1];
  EXPECT_NE(l80[1].find("3.09"), std::string::npos) << "ratio in percent: " << l80[1];
  EXPECT_NE(l80[1].find("synack"), std::string::npos) << "main cause: " << l80[1];
}

TEST(TopTable, ScreenHasHeaderPromptAndHeight) {
  std::vector<Conn> conns(30, sample(AF_INET));
  auto rows = select_rows(conns, {}, {}, SortKey::Interval, 0);
  ScreenInfo info;
  info.sort = SortKey::Ratio;
  info.reader = "iter/tcp";
  info.causes = "prog 7";
  info.prompt = "port> 44_";
  auto lines = render_screen(info, rows, 80, 24);
  ASSERT_EQ(lines.size(), 24u);
  EXPECT_NE(lines[0].find("sort: ratio"), std::string::npos) << lines[0];
  EXPECT_NE(lines[1].find("causes: prog 7"), std::string::npos) << lines[1];
  EXPECT_EQ(lines[2], "port> 44_");
  EXPECT_EQ(lines[3].rfind("NETNS", 0), 0u);
  for (const auto& l : lines) EXPECT_LE(l.size(), 80u);
}

TEST(TopTable, ShortCounts) {
  EXPECT_EQ(short_count(99999), "99999");
  EXPECT_EQ(short_count(123456), "123k");
  EXPECT_EQ(short_count(12345678), "12.3M");
}

TEST(TopJson, EveryDocumentedFieldInOrder) {
  std::vector<Conn> conns = {sample(AF_INET6)};
  conns[0].causes.reset();
  auto text_of = [&] {
    std::ostringstream os;
    write_connections_json(os, select_rows(conns, {}, {}, SortKey::Total, 0), "iter/tcp", {{"source", "none"}});
    return os.str();
  };
  auto j = nlohmann::json::parse(text_of());
  ASSERT_EQ(j.at("connections").size(), 1u);
  const auto& c = j["connections"][0];
  for (const char* f : {"netns", "netns_name", "family", "local_addr", "local_port", "remote_addr", "remote_port",
                        "state", "retrans_segs", "segs_out", "data_segs_out", "lost", "sacked", "dsack_dups",
                        "reord_seen", "srtt_us", "cwnd", "bytes_acked", "cgroup", "pid", "comm", "causes"}) {
    EXPECT_TRUE(c.contains(f)) << f;
  }
  EXPECT_EQ(c["family"], "ipv6");
  EXPECT_EQ(c["remote_addr"], "fd52:7846:6c61:100::2");
  EXPECT_EQ(c["state"], "ESTABLISHED");
  EXPECT_TRUE(c["causes"].is_null());
  EXPECT_TRUE(c["cgroup"].is_null());
  EXPECT_EQ(j["sockets_from"], "iter/tcp");
  // The documented order, as ordered_json keeps it.
  auto o = nlohmann::ordered_json::parse(text_of());
  std::vector<std::string> keys;
  for (const auto& [k, v] : o["connections"][0].items()) keys.push_back(k);
  ASSERT_GE(keys.size(), 3u);
  EXPECT_EQ(keys[0], "netns");
  EXPECT_EQ(keys[2], "family");
  conns[0].causes = Causes{1, 7, 0, 0, 0, 0};  // enum retx_cause order: other, rto, ...
  conns[0].comm = "we\"ird\\\n\xe9";
  std::string text;
  append_conn_json(text, conns[0]);
  auto k = nlohmann::json::parse(text);
  EXPECT_EQ(k["comm"], "we\"ird\\\n\u00e9") << text;
  EXPECT_EQ(k["causes"]["rto"], 7);
  EXPECT_EQ(k["causes"]["other"], 1);
}

TEST(TopProcText, SocketLinks) {
  EXPECT_EQ(socket_inode_of_link("socket:[123456]"), 123456u);
  EXPECT_FALSE(socket_inode_of_link("pipe:[5]"));
  EXPECT_FALSE(socket_inode_of_link("socket:[]"));
  EXPECT_FALSE(socket_inode_of_link("socket:[12x]"));
}

TEST(TopProcText, TcpInuseFromSockstat) {
  EXPECT_EQ(tcp_inuse("sockets: used 120\nTCP: inuse 5 orphan 0 tw 2 alloc 7 mem 1\nUDP: inuse 0 mem 0\n"), 5u);
  EXPECT_EQ(tcp_inuse("TCP6: inuse 3\nUDP6: inuse 1\n"), 3u);
  EXPECT_EQ(tcp_inuse("sockets: used 1\nMPTCP: inuse 4\nTCP: inuse 0 orphan 0\n"), 0u);
  EXPECT_EQ(tcp_inuse(""), 0u);
}

TEST(TopJson, ManyConnectionsStayOneDocument) {
  std::vector<Conn> conns(300, sample(AF_INET));
  for (std::size_t i = 0; i < conns.size(); ++i) conns[i].cookie = i;
  std::ostringstream os;
  write_connections_json(os, select_rows(conns, {}, {}, SortKey::Total, 0), "inet_diag", {{"source", "none"}});
  ASSERT_GT(os.str().size(), 60000u) << "written in more than one piece";
  auto j = nlohmann::json::parse(os.str());
  EXPECT_EQ(j.at("connections").size(), 300u);
  EXPECT_EQ(j.at("causes_from").at("source"), "none");
}
