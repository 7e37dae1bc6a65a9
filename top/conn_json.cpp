#include "conn_json.h"

#include <charconv>
#include <cstdio>

#include "labels.h"

namespace retx::top {
namespace {

// JSON string: quotes, backslashes and control characters escaped; bytes
// above 0x7f (a comm or path is not guaranteed UTF-8) as \u00XX.
void append_str(std::string& out, const std::string& s) {
  out += '"';
  for (unsigned char ch : s) {
    if (ch == '"' || ch == '\\') {
      out += '\\';
      out += static_cast<char>(ch);
    } else if (ch < 0x20 || ch > 0x7e) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", ch);
      out += buf;
    } else {
      out += static_cast<char>(ch);
    }
  }
  out += '"';
}

class ObjectWriter {
 public:
  explicit ObjectWriter(std::string& out) : out_(out) { out_ += '{'; }
  ~ObjectWriter() { out_ += '}'; }
  ObjectWriter& num(const char* key, std::uint64_t v) {
    field(key);
    char buf[24];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
    out_.append(buf, end);
    return *this;
  }
  ObjectWriter& str(const char* key, const std::string& v) {
    field(key);
    append_str(out_, v);
    return *this;
  }
  // Empty strings (and pid 0) are unknown: null.
  ObjectWriter& str_or_null(const char* key, const std::string& v) { return v.empty() ? null(key) : str(key, v); }
  ObjectWriter& num_or_null(const char* key, std::uint64_t v) { return v ? num(key, v) : null(key); }
  ObjectWriter& null(const char* key) {
    field(key);
    out_ += "null";
    return *this;
  }
  void field(const char* key) {
    if (!first_) out_ += ", ";
    first_ = false;
    out_ += '"';
    out_ += key;
    out_ += "\": ";
  }

 private:
  std::string& out_;
  bool first_ = true;
};

void append_causes(std::string& out, const Conn& c) {
  if (!c.causes) {
    out += "null";
    return;
  }
  ObjectWriter w(out);
  for (int i = 0; i < RETX_CAUSE_COUNT; ++i) w.num(cause_name(static_cast<std::uint8_t>(i)), (*c.causes)[i]);
}

}  // namespace

void append_conn_json(std::string& out, const Conn& c) {
  ObjectWriter w(out);
  w.num("netns", c.netns).str_or_null("netns_name", c.netns_name).str("family", family_name(c.family));
  w.str("local_addr", format_addr(c.family, c.laddr)).num("local_port", c.lport);
  w.str("remote_addr", format_addr(c.family, c.raddr)).num("remote_port", c.rport);
  w.str("state", tcp_state_name(c.state)).num("retrans_segs", c.retrans_segs).num("segs_out", c.segs_out);
  w.num("data_segs_out", c.data_segs_out).num("lost", c.lost).num("sacked", c.sacked);
  w.num("dsack_dups", c.dsack_dups).num("reord_seen", c.reord_seen).num("srtt_us", c.srtt_us);
  w.num("cwnd", c.cwnd).num("bytes_acked", c.bytes_acked);
  w.str_or_null("cgroup", c.cgroup).num("cgroup_id", c.cgroup_id);
  w.num_or_null("pid", static_cast<std::uint64_t>(c.pid)).str_or_null("comm", c.comm);
  w.field("causes");
  append_causes(out, c);
  w.num("cookie", c.cookie);
}

void write_connections_json(std::ostream& out, const std::vector<Row>& rows, const std::string& sockets_from,
                            const nlohmann::ordered_json& causes_from) {
  std::string buf = "{\"connections\": [";
  for (std::size_t i = 0; i < rows.size(); ++i) {
    buf += i ? ",\n  " : "\n  ";
    append_conn_json(buf, *rows[i].conn);
    if (buf.size() > 60000) {
      out << buf;
      buf.clear();
    }
  }
  buf += rows.empty() ? "],\n" : "\n],\n";
  buf += "\"sockets_from\": ";
  append_str(buf, sockets_from);
  buf += ",\n\"causes_from\": " + causes_from.dump() + "}\n";
  out << buf;
}

}  // namespace retx::top
