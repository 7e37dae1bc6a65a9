// What the table shows: filters, sorts, interval deltas and the keys.
#include <gtest/gtest.h>

#include "view.h"

using namespace retx::top;

namespace {

Conn conn(std::uint64_t cookie, std::uint64_t retrans, std::uint64_t segs, std::uint16_t lport = 1000) {
  Conn c;
  c.cookie = cookie;
  c.netns = 100 + static_cast<std::uint32_t>(cookie % 2);
  c.netns_name = cookie % 2 ? "odd" : "";
  c.retrans_segs = retrans;
  c.segs_out = segs;
  c.lport = lport;
  c.rport = 5201;
  c.pid = static_cast<int>(cookie);
  c.comm = cookie == 3 ? "iperf3" : "sshd";
  return c;
}

std::vector<std::uint64_t> cookies(const std::vector<Row>& rows) {
  std::vector<std::uint64_t> out;
  for (const auto& r : rows) out.push_back(r.conn->cookie);
  return out;
}

}  // namespace

TEST(TopView, SortsByIntervalRatioAndTotal) {
  // 1: old losses, quiet now; 2: losing now; 3: few segments, high ratio.
  std::vector<Conn> before = {conn(1, 500, 10000), conn(2, 10, 100000), conn(3, 5, 20)};
  std::vector<Conn> now = {conn(1, 500, 11000), conn(2, 90, 200000), conn(3, 6, 25), conn(4, 7, 1000)};
  auto prev = sample_of(before);
  auto by = [&](SortKey k) { return cookies(select_rows(now, prev, {}, k, 0)); };
  // 4 is new: all its 7 retransmits happened within the interval.
  EXPECT_EQ(by(SortKey::Interval), (std::vector<std::uint64_t>{2, 4, 3, 1}));
  EXPECT_EQ(by(SortKey::Total), (std::vector<std::uint64_t>{1, 2, 4, 3}));
  EXPECT_EQ(by(SortKey::Ratio), (std::vector<std::uint64_t>{3, 1, 4, 2}));
  auto rows = select_rows(now, prev, {}, SortKey::Interval, 2);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].interval_retrans, 80u);
  EXPECT_DOUBLE_EQ(rows[0].ratio, 90.0 / 200000);
}

TEST(TopView, Filters) {
  std::vector<Conn> now = {conn(1, 0, 10, 22), conn(2, 4, 10, 80), conn(3, 9, 10, 443)};
  auto sel = [&](Filter f) { return cookies(select_rows(now, {}, f, SortKey::Total, 0)); };
  EXPECT_EQ(sel({{"odd"}, {}, {}, "", 0}), (std::vector<std::uint64_t>{3, 1}));
  EXPECT_EQ(sel({{"100"}, {}, {}, "", 0}), (std::vector<std::uint64_t>{2}));
  EXPECT_EQ(sel({{}, 443, {}, "", 0}), (std::vector<std::uint64_t>{3}));
  EXPECT_EQ(sel({{}, 5201, {}, "", 0}).size(), 3u);  // remote port matches too
  EXPECT_EQ(sel({{}, {}, 2, "", 0}), (std::vector<std::uint64_t>{2}));
  EXPECT_EQ(sel({{}, {}, {}, "iperf", 0}), (std::vector<std::uint64_t>{3}));
  EXPECT_EQ(sel({{}, {}, {}, "1", 0}), (std::vector<std::uint64_t>{1}));  // a number is a pid
  EXPECT_EQ(sel({{}, {}, {}, "", 4}), (std::vector<std::uint64_t>{3, 2}));
}

TEST(TopView, KeysChangeSortAndFilters) {
  ViewState s;
  apply_key(s, 'r');
  EXPECT_EQ(s.sort, SortKey::Ratio);
  apply_key(s, 't');
  EXPECT_EQ(s.sort, SortKey::Total);
  apply_key(s, 'i');
  EXPECT_EQ(s.sort, SortKey::Interval);
  for (int k : std::initializer_list<int>{'p', '4', '4', '3', kKeyEnter}) apply_key(s, k);
  EXPECT_EQ(s.filter.port, 443);
  for (int k : std::initializer_list<int>{'p', 'x', kKeyEnter}) apply_key(s, k);
  EXPECT_EQ(s.filter.port, 443) << "a bad port keeps the old filter";
  EXPECT_NE(s.message.find("not a number"), std::string::npos);
  for (int k : std::initializer_list<int>{'c', 'n', 'g', 'x', kKeyBackspace, 'i', 'n', 'x', kKeyEnter}) apply_key(s, k);
  EXPECT_EQ(s.filter.process, "nginx");
  for (int k : std::initializer_list<int>{'n', 'a', kKeyEscape}) apply_key(s, k);
  EXPECT_TRUE(s.filter.netns.empty()) << "Esc cancels";
  EXPECT_EQ(s.prompt, ViewState::Prompt::None);
  for (int k : std::initializer_list<int>{'n', 'a', 'b', kKeyEnter}) apply_key(s, k);
  EXPECT_EQ(s.filter.netns, std::vector<std::string>{"ab"});
  EXPECT_EQ(describe_filter(s.filter), "netns=ab port=443 process=nginx");
  apply_key(s, 'x');
  EXPECT_EQ(describe_filter(s.filter), "none");
  EXPECT_FALSE(s.quit);
  apply_key(s, 'q');
  EXPECT_TRUE(s.quit);
}
