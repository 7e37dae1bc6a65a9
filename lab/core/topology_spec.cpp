#include "topology_spec.h"

#include <regex>

#include "json_reader.h"

namespace retx::lab {

std::string_view to_string(Offload o) { return o == Offload::Gso ? "gso" : "segment_exact"; }

TopologySpec parse_topology(const JsonReader& r) {
  r.expect_object({"clients", "offload", "sysctls"});
  TopologySpec t;
  t.clients = static_cast<int>(r.integer_or("clients", 1, 2, 1));
  t.offload = r.enum_or("offload", {"segment_exact", "gso"}, "segment_exact") == "gso" ? Offload::Gso
                                                                                    : Offload::SegmentExact;
  if (auto s = r.find("sysctls")) {
    if (!s->value().is_object()) s->fail("expected an object of \"net.x.y\": value");
    static const std::regex key_re(R"(net\.(ipv4|ipv6|core)\.[A-Za-z0-9_.]+)");
    for (auto it = s->value().begin(); it != s->value().end(); ++it) {
      JsonReader v(it.value(), r.file(), s->path() + "." + it.key());
      if (!std::regex_match(it.key(), key_re))
        v.fail("expected a sysctl name under net.ipv4, net.ipv6 or net.core");
      if (it.value().is_string()) t.sysctls[it.key()] = it.value().get<std::string>();
      else if (it.value().is_number_integer()) t.sysctls[it.key()] = std::to_string(it.value().get<long long>());
      else v.fail("expected a string or an integer");
    }
  }
  return t;
}

}  // namespace retx::lab
