// Running code inside another network namespace without moving the caller.
//
// setns(CLONE_NEWNET) changes only the calling thread, so each call runs the
// function on a short-lived thread that enters the namespace first; sockets it
// creates stay in that namespace after the thread ends. /proc/thread-self/net
// on that thread shows the namespace's own SNMP counters.
#pragma once

#include <cerrno>
#include <functional>
#include <stdexcept>
#include <string>
#include <sys/types.h>

namespace retx {

// Inode of a network namespace file (/run/netns/NAME, /proc/PID/ns/net):
// the number the exporter uses as its netns label. Throws on error.
ino_t netns_inode(const std::string& ns_path);

// Why a thread could not enter a namespace, with the errno of the open or
// setns that failed: EPERM or EACCES (no CAP_SYS_ADMIN, no ptrace access to
// the process's ns file) is an answer that a process whose privileges are
// fixed gets again at every try.
struct NetnsEntryError : std::runtime_error {
  NetnsEntryError(const std::string& what, int e) : std::runtime_error(what), err(e) {}
  bool refused() const { return err == EPERM || err == EACCES; }
  int err;
};

// Moves the calling thread into the namespace at ns_path, for threads that
// live there (the lab's traffic workers). Throws NetnsEntryError naming the path.
void enter_netns(const std::string& ns_path);

// Runs fn on a thread inside the namespace at ns_path and waits for it.
// Exceptions thrown by fn (or by entering the namespace) are rethrown here.
void run_in_netns(const std::string& ns_path, const std::function<void()>& fn);

}  // namespace retx
