// One namespace's served SNMP counters from the text of its /proc/net/snmp
// and /proc/net/netstat: the denominator (Tcp OutSegs, TcpExt
// TCPOrigDataSent), Tcp RetransSegs (the exporter's check of itself,
// uncounted.h) and the DSACK/undo evidence (spurious_counters()). Only those
// fields are parsed: this runs for every namespace at every scrape.
#pragma once

#include <string_view>

#include "snapshot.h"

namespace retx {

// Fills out_segs, orig_data_sent, retrans_segs and spurious; a counter the kernel lacks is
// 0. Throws std::runtime_error on a malformed Tcp or TcpExt group.
void counters_from_text(std::string_view snmp, std::string_view netstat, NetnsCounters& out);

}  // namespace retx
