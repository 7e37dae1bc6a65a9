#include "interactive.h"

#include <signal.h>

#include <chrono>
#include <ctime>
#include <set>

#include "table.h"
#include "terminal.h"
#include "view.h"

namespace retx::top {
namespace {

volatile sig_atomic_t g_stop = 0;

void on_stop(int sig) { g_stop = sig; }
void on_winch(int) {}  // only interrupts the wait, so the next frame takes the new size

void install_handlers() {
  struct sigaction sa {};
  sa.sa_handler = on_stop;  // no SA_RESTART: poll returns EINTR at once
  sigemptyset(&sa.sa_mask);
  for (int s : {SIGINT, SIGTERM, SIGHUP}) sigaction(s, &sa, nullptr);
  sa.sa_handler = on_winch;
  sigaction(SIGWINCH, &sa, nullptr);
}

std::string clock_now() {
  std::time_t t = std::time(nullptr);
  char buf[16];
  std::strftime(buf, sizeof buf, "%H:%M:%S", std::localtime(&t));
  return buf;
}

const char* prompt_label(ViewState::Prompt p) {
  switch (p) {
    case ViewState::Prompt::Netns: return "netns (inode or name, empty: all)> ";
    case ViewState::Prompt::Port: return "port (local or remote, empty: all)> ";
    case ViewState::Prompt::Process: return "process (pid or command, empty: all)> ";
    case ViewState::Prompt::None: break;
  }
  return "";
}

ScreenInfo screen_info(const ViewState& st, const std::vector<Conn>& conns, const std::vector<Row>& rows,
                       const ConnectionReader& reader, const std::string& causes, const TopOptions& opt,
                       std::size_t unreadable) {
  ScreenInfo info;
  info.clock = clock_now();
  info.interval_s = opt.interval_s;
  info.sort = st.sort;
  info.reader = reader.reader().name();
  info.causes = causes;
  info.connections = conns.size();
  std::set<std::uint32_t> ns;
  for (const auto& c : conns) ns.insert(c.netns);
  info.namespaces = ns.size();
  for (const auto& r : rows) info.retransmitting += r.interval_retrans > 0;
  // The --netns scope was given at start; its size is enough here.
  info.filter = describe_filter(st.filter);
  if (!opt.netns.empty()) info.filter += " (--netns: " + std::to_string(opt.netns.size()) + ")";
  if (st.prompt != ViewState::Prompt::None) info.prompt = prompt_label(st.prompt) + st.input + "_";
  info.message = st.message;
  info.unreadable = unreadable;
  return info;
}

}  // namespace

int run_interactive(ConnectionReader& reader, const std::string& causes_brief, const TopOptions& opt) {
  using Clock = std::chrono::steady_clock;
  Terminal term;
  install_handlers();
  ViewState st;
  st.sort = effective_sort(opt);
  st.filter = Filter{{}, opt.port, opt.pid, "", opt.min_retrans};
  ReadReport rep;
  std::vector<Conn> conns = reader.read_all(opt.netns, &rep);
  PrevSample prev = sample_of(conns);  // the first frame shows no interval yet
  const auto period = std::chrono::milliseconds(static_cast<long>(opt.interval_s * 1000));
  auto next = Clock::now() + period;
  while (!st.quit && !g_stop) {
    int w = 80, h = 24;
    term.size(w, h);
    auto rows = select_rows(conns, prev, st.filter, st.sort, opt.limit);
    term.draw(render_screen(screen_info(st, conns, rows, reader, causes_brief, opt, rep.failed), rows, w, h));
    auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(next - Clock::now()).count();
    int key = term.read_key(static_cast<int>(wait));
    if (key == Terminal::kClosed) break;
    if (key >= 0) apply_key(st, key);
    if (st.refresh_now || Clock::now() >= next) {
      st.refresh_now = false;
      prev = sample_of(conns);
      conns = reader.read_all(opt.netns, &rep);
      next = Clock::now() + period;
    }
  }
  return kExitOk;
}

}  // namespace retx::top
