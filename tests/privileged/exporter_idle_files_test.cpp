// The collector's files-closing thread: asleep while nobody scrapes (no
// wakeups at all), and the files a scrape opened closed once scrapes stop,
// not before 5 s (idle_release.h) and not much after.
#include <gtest/gtest.h>
#include <dirent.h>

#include <chrono>
#include <fstream>
#include <string>
#include <thread>

#include "exporter_fixture.h"

namespace {

using retx::test::open_fds;

// How many times the named thread of this process was put on a CPU
// (schedstat's third field); -1 when no thread has that name.
long runs_of(const std::string& comm) {
  DIR* d = opendir("/proc/self/task");
  long runs = -1;
  while (dirent* e = d ? readdir(d) : nullptr) {
    std::string dir = std::string("/proc/self/task/") + e->d_name;
    std::string name;
    std::getline(std::ifstream(dir + "/comm"), name);
    if (name != comm) continue;
    unsigned long long on_cpu = 0, waited = 0;
    std::ifstream(dir + "/schedstat") >> on_cpu >> waited >> runs;
  }
  if (d) closedir(d);
  return runs;
}

TEST(ExporterIdleFiles, SleepsUnscrapedAndClosesTheFilesWhenScrapesStop) {
  using namespace std::chrono;
  retx::test::AttachedProbe probe;
  const std::string thread = "retx-idle-files";
  std::this_thread::sleep_for(milliseconds(200));  // the thread is started and waiting
  long before = runs_of(thread);
  ASSERT_GE(before, 1) << "no thread named " << thread;
  std::this_thread::sleep_for(seconds(3));
  EXPECT_EQ(runs_of(thread), before) << "woke up while nothing was scraped or open";

  std::size_t fds = open_fds();
  auto scraped = steady_clock::now();
  probe.snapshot();
  ASSERT_GT(open_fds(), fds) << "the scrape held no counters file open";
  auto deadline = scraped + seconds(15);
  while (open_fds() > fds && steady_clock::now() < deadline) std::this_thread::sleep_for(milliseconds(100));
  double after_s = duration<double>(steady_clock::now() - scraped).count();
  EXPECT_EQ(open_fds(), fds) << "files still open " << after_s << " s after the only scrape";
  EXPECT_GE(after_s, 4.9) << "closed before the 5 s a first scrape holds them";
}

}  // namespace
