// Parsers for the kernel's per-namespace SNMP counters (/proc/net/snmp and
// /proc/net/netstat). Both files use pairs of lines: a header line naming the
// fields and a value line, each prefixed by the group ("Tcp:", "TcpExt:").
#pragma once

#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <string_view>

namespace retx {

// Keys are "Group.Field", e.g. "Tcp.RetransSegs", "TcpExt.TCPRetransFail".
using ProcCounters = std::map<std::string, std::uint64_t, std::less<>>;

// Parses the text of /proc/net/snmp or /proc/net/netstat and merges the
// counters into `out`. Negative values (Tcp.MaxConn is -1) are skipped: they
// are constants, not counters. Throws std::runtime_error on a header/value
// mismatch, naming the group.
void parse_proc_net(std::string_view text, ProcCounters& out);

// The scrape's parser: only `names` of one `group` ("Tcp", "TcpExt") into
// `values`, in the same order; a field the kernel lacks, or a negative
// constant, reads 0. No map and no allocation, since every scrape parses two
// files per namespace. Returns false when the group is absent; throws
// std::runtime_error as parse_proc_net does when the group's header and value
// lines do not pair up.
bool parse_proc_net_fields(std::string_view text, std::string_view group, std::span<const std::string_view> names,
                           std::span<std::uint64_t> values);

// Reads both files from a /proc/.../net directory ("/proc/self/net",
// "/proc/thread-self/net", "/proc/PID/net"). Throws std::runtime_error naming
// the file that could not be read.
ProcCounters read_proc_net(const std::string& net_dir);

// Drops below TCP, merged into `out`: "Dev.RxDrop" and "Dev.TxDrop", the drop
// columns of /proc/net/dev summed over the namespace's interfaces (a veth's
// TX drop is a packet its peer's backlog refused); "Softnet.Dropped", the
// second column of /proc/net/softnet_stat (hex) summed over CPUs: packets a
// full per-CPU input backlog dropped, host-wide (every namespace reads the
// same). Throw std::runtime_error naming the file on a malformed line.
void parse_proc_net_dev(std::string_view text, ProcCounters& out);
void parse_softnet_stat(std::string_view text, ProcCounters& out);
// Both, from a /proc/.../net directory.
ProcCounters read_drop_counters(const std::string& net_dir);

// Value of `key`, or 0 when the kernel does not have that counter.
std::uint64_t counter_or_zero(const ProcCounters& c, std::string_view key);

}  // namespace retx
