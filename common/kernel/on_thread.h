// Runs a function on a short-lived thread of its own and waits for it: for
// per-thread kernel state (setns, unshare) that must not touch the caller.
// Whatever the function throws is rethrown in the caller.
#pragma once

#include <exception>
#include <functional>
#include <thread>

namespace retx {

inline void run_on_own_thread(const std::function<void()>& fn) {
  std::exception_ptr err;
  std::thread t([&] {
    try {
      fn();
    } catch (...) {
      err = std::current_exception();
    }
  });
  t.join();
  if (err) std::rethrow_exception(err);
}

}  // namespace retx
