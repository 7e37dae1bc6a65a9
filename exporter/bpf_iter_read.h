// Reading a BPF iterator: the exporter's task iterator and seed pass and
// retx-top's socket and owner iterators all read the same way.
#pragma once

#include <cstddef>
#include <functional>
#include <string>

namespace retx {

// Creates an iterator from the link (bound to the calling thread's
// namespace) and reads it to its end, handing each whole record of
// record_size bytes to on_record; records may straddle read() boundaries.
// Throws std::runtime_error "<what>: <step>: <errno text>".
void read_bpf_iter(int link_fd, const std::string& what, std::size_t record_size,
                   const std::function<void(const char*)>& on_record);

// The same, for records of type T copied out aligned.
template <typename T, typename F>
void read_bpf_iter_records(int link_fd, const std::string& what, F&& f) {
  read_bpf_iter(link_fd, what, sizeof(T), [&](const char* p) {
    T r;
    __builtin_memcpy(&r, p, sizeof r);
    f(r);
  });
}

}  // namespace retx
