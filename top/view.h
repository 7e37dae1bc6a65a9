// What the table shows: the connections that pass the filter, sorted, with
// their retransmissions since the previous refresh; and the interactive
// keys that change the sort and the filter. Pure: unit tested.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "conn.h"
#include "top_options.h"

namespace retx::top {

struct Filter {
  std::vector<std::string> netns;  // inodes or names; empty = all
  std::optional<std::uint16_t> port;
  std::optional<int> pid;
  std::string process;  // interactive: a pid or a substring of comm; empty = all
  std::uint64_t min_retrans = 0;
};

// Whether a namespace (inode, /run/netns name) is among `wanted` (empty: all).
bool netns_wanted(std::uint32_t inode, const std::string& name, const std::vector<std::string>& wanted);

bool passes(const Conn& c, const Filter& f);

// retrans_segs by socket cookie at the previous refresh.
using PrevSample = std::unordered_map<std::uint64_t, std::uint64_t>;
PrevSample sample_of(const std::vector<Conn>& conns);

struct Row {
  const Conn* conn = nullptr;
  // Since the previous refresh; a socket that was not there then counts
  // everything (it was opened during the interval).
  std::uint64_t interval_retrans = 0;
  double ratio = 0;
};

// Rows passing `f`, sorted by `key` (descending; ties by total, then cookie),
// at most `limit` (0 = all).
std::vector<Row> select_rows(const std::vector<Conn>& now, const PrevSample& prev, const Filter& f, SortKey key,
                             std::size_t limit);

// Interactive state changed by keys.
struct ViewState {
  enum class Prompt { None, Netns, Port, Process };
  SortKey sort = SortKey::Interval;
  Filter filter;
  Prompt prompt = Prompt::None;
  std::string input;    // what is typed at the prompt
  std::string message;  // one line of feedback ("port: 'x' is not a number")
  bool quit = false;
  bool refresh_now = false;
};

inline constexpr int kKeyEnter = '\r';
inline constexpr int kKeyEscape = 27;
inline constexpr int kKeyBackspace = 127;

void apply_key(ViewState& s, int key);

// "netns=a,b port=80 process=nginx", or "none".
std::string describe_filter(const Filter& f);

}  // namespace retx::top
