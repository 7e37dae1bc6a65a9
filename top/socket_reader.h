// The two ways retx-top reads a namespace's TCP sockets, behind one
// interface: each reads the namespace of the calling thread, which
// conn_reader.cpp runs inside every namespace in turn.
//
//   reader     needs                      causes                               owners
//   iter/tcp   BPF iterators (5.12+), BTF  from the probe's map, any flavour    iter/task_file
//   inet_diag  sock_diag (always there)    sk_storage flavour only              /proc/PID/fd
//                                          (INET_DIAG_REQ_SK_BPF_STORAGES)
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "conn.h"

namespace retx::top {

class SocketReader {
 public:
  virtual ~SocketReader() = default;
  virtual const char* name() const = 0;  // "iter/tcp", "inet_diag"
  // Appends the full TCP sockets (not listening, time-wait or request
  // sockets) of the calling thread's namespace. Throws std::runtime_error
  // naming what failed.
  virtual void read_here(std::vector<Conn>& out) const = 0;
  // Whether the causes come from the tp_btf probe's socket storage, which
  // holds nothing for a socket that never retransmitted (bpf/retx.bpf.c,
  // netns_seeded): there, no state and no retransmit mean zero causes.
  virtual bool reads_probe_storage() const { return false; }
  // Every process's TCP socket inodes with their owner, in one pass, when
  // the reader can (the iterator's task_file program, from the initial pid
  // namespace); false: the caller reads /proc/PID/fd instead.
  virtual bool read_owners(std::unordered_map<std::uint64_t, Owner>& out) const {
    (void)out;
    return false;
  }
};

// Throw std::runtime_error saying why the reader cannot work here; the
// caller falls back to inet_diag with that reason.
std::unique_ptr<SocketReader> make_iter_reader(int causes_map_fd, retx_top_causes_map kind);
std::unique_ptr<SocketReader> make_diag_reader(int causes_map_fd, retx_top_causes_map kind);

}  // namespace retx::top
