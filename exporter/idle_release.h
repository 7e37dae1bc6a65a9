// When the collector closes the counters files it holds open between scrapes
// (netns_files.h): an open file keeps its namespace alive, so once scrapes
// stop coming the files go, and a namespace deleted meanwhile is released.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <optional>

namespace retx {

// Twice the last interval between two scrapes after the last one, 5 s at
// least; none while nothing is open or nothing was scraped yet (the closing
// thread then sleeps until a scrape wakes it, rather than polling).
inline std::optional<std::chrono::steady_clock::time_point> files_release_time(
    std::size_t open, std::chrono::steady_clock::time_point last, std::chrono::steady_clock::time_point previous) {
  using clock = std::chrono::steady_clock;
  if (open == 0 || last == clock::time_point{}) return std::nullopt;
  clock::duration interval = previous == clock::time_point{} ? clock::duration{} : last - previous;
  return last + std::max<clock::duration>(std::chrono::seconds(5), 2 * interval);
}

}  // namespace retx
