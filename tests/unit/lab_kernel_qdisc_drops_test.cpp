// Qdisc drops the machine made, not the impairment (lab/kernel/counters.h).
#include <gtest/gtest.h>

#include "counters.h"

using namespace retx::lab;

// Shape of `tc -s -j qdisc show` (iproute2 6.1): one object per qdisc.
TEST(LabKernelQdiscDrops, ImpairmentQdiscsAreLeftOut) {
  const std::string j = R"([
    {"kind":"noqueue","handle":"0:","dev":"lo","root":true,"refcnt":2,"options":{},"bytes":0,"packets":0,"drops":0},
    {"kind":"netem","handle":"8001:","dev":"r1","root":true,"bytes":10,"packets":5,"drops":40},
    {"kind":"clsact","handle":"ffff:","dev":"r1","parent":"ffff:fff1","bytes":0,"packets":0,"drops":7},
    {"kind":"fq_codel","handle":"0:","dev":"r2","root":true,"bytes":10,"packets":5,"drops":3},
    {"kind":"pfifo","handle":"1:","dev":"r3","root":true,"bytes":10,"packets":5,"drops":2}
  ])";
  EXPECT_EQ(foreign_qdisc_drops(j), 5u);
  EXPECT_EQ(foreign_qdisc_drops("[]"), 0u);
}

TEST(LabKernelQdiscDrops, MalformedOutputThrows) {
  EXPECT_THROW(foreign_qdisc_drops("{\"kind\":\"fq\"}"), std::runtime_error);
  EXPECT_ANY_THROW(foreign_qdisc_drops("not json"));
}
