#include "netns_counters_text.h"

#include <array>
#include <string>
#include <vector>

#include "proc_net.h"

namespace retx {
namespace {

constexpr std::string_view kTcpExt = "TcpExt.";

// The TcpExt fields served, in one list built once from spurious_counters()
// (whose keys are "TcpExt.Name"), TCPOrigDataSent first.
struct NetstatFields {
  std::vector<std::string_view> names{"TCPOrigDataSent"};
  NetstatFields() {
    for (const auto& k : spurious_counters()) {
      std::string_view key = k.proc_key;
      names.push_back(key.starts_with(kTcpExt) ? key.substr(kTcpExt.size()) : key);
    }
  }
};

}  // namespace

void counters_from_text(std::string_view snmp, std::string_view netstat, NetnsCounters& out) {
  static const std::array<std::string_view, 2> tcp_names{"OutSegs", "RetransSegs"};
  std::array<std::uint64_t, 2> tcp{};
  parse_proc_net_fields(snmp, "Tcp", tcp_names, tcp);
  out.out_segs = tcp[0];
  out.retrans_segs = tcp[1];

  static const NetstatFields fields;
  std::array<std::uint64_t, 16> ext{};
  static_assert(ext.size() >= 1 + sizeof(SpuriousEvidence) / sizeof(std::uint64_t));
  std::span<std::uint64_t> values(ext.data(), fields.names.size());
  parse_proc_net_fields(netstat, "TcpExt", fields.names, values);
  out.orig_data_sent = values[0];
  const auto& table = spurious_counters();
  for (std::size_t i = 0; i < table.size(); ++i) out.spurious.*table[i].field = values[i + 1];
}

}  // namespace retx
