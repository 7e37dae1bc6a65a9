// Which way the payload flows. Shared by traffic.h (who sends) and
// impairment.h (which router egress is the "data" direction).
#pragma once

namespace retx::lab {

// Upload: clients send, the server receives; the data direction is the
// router's egress toward the server. Download: the reverse.
enum class Transfer { Upload, Download };

}  // namespace retx::lab
