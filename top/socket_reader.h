// The two ways retx-top reads a namespace's TCP sockets, behind one
// interface: each reads the namespace of the calling thread, which
// conn_reader.cpp runs inside every namespace in turn.
//
//   reader     needs                          causes
//   iter/tcp   BPF iterators (5.9+), BTF      from the probe's map, any flavour
//   inet_diag  sock_diag (always there)        sk_storage flavour only (INET_DIAG_REQ_SK_BPF_STORAGES)
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "conn.h"

namespace retx::top {

class SocketReader {
 public:
  virtual ~SocketReader() = default;
  virtual const char* name() const = 0;  // "iter/tcp", "inet_diag"
  // Full TCP sockets (not listening, time-wait or request sockets) of the
  // calling thread's namespace. Throws std::runtime_error naming what failed.
  virtual std::vector<Conn> read_here() const = 0;
};

// Throw std::runtime_error saying why the reader cannot work here; the
// caller falls back to inet_diag with that reason.
std::unique_ptr<SocketReader> make_iter_reader(int causes_map_fd, retx_top_causes_map kind);
std::unique_ptr<SocketReader> make_diag_reader(int causes_map_fd, retx_top_causes_map kind);

}  // namespace retx::top
