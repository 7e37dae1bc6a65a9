#include "suite_runner.h"

#include <atomic>
#include <cstdio>
#include <iomanip>
#include <mutex>
#include <sstream>
#include <thread>

namespace retx::lab {

namespace {

std::string tally(const std::vector<CheckResult>& checks) {
  int p = 0, f = 0, i = 0, s = 0;
  for (const auto& c : checks) {
    p += c.verdict == Verdict::Pass;
    f += c.verdict == Verdict::Fail;
    i += c.verdict == Verdict::Inconclusive;
    s += c.verdict == Verdict::Skipped;
  }
  std::ostringstream o;
  o << p << " pass";
  if (f) o << ", " << f << " fail";
  if (i) o << ", " << i << " inconclusive";
  if (s) o << ", " << s << " skipped";
  return o.str();
}

std::string upper(std::string_view v) {
  std::string s(v);
  for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

std::vector<ScenarioRecord> run_suite(const Suite& suite, const RunContext& ctx, int parallel, std::ostream& out) {
  const size_t n = suite.scenarios.size();
  std::vector<ScenarioRecord> records(n);
  std::atomic<size_t> next{0};
  std::atomic<size_t> done{0};
  std::mutex out_mu;
  auto worker = [&] {
    for (size_t i = next++; i < n; i = next++) {
      const auto& s = suite.scenarios[i];
      try {
        records[i] = run_scenario(s, ctx);
      } catch (const std::exception& e) {
        // A scenario that breaks the runner must not take the others (or the
        // cleanup of its own namespaces, done by RAII on the way here) down.
        records[i].name = s.name;
        records[i].file = s.source_file;
        records[i].offload = std::string(to_string(s.topology.offload));
        records[i].verdict = Verdict::Fail;
        records[i].reason = std::string("runner error: ") + e.what();
        records[i].checks = skip_checks(s, records[i].reason);
      }
      const auto& r = records[i];
      std::lock_guard lk(out_mu);
      size_t k = ++done;
      out << "[" << k << "/" << n << "] " << std::left << std::setw(24) << s.name << " " << std::setw(12)
          << upper(to_string(r.verdict)) << std::right << std::fixed << std::setprecision(1) << std::setw(6)
          << r.seconds << " s  " << tally(r.checks);
      if (!r.backend.empty()) out << "  backend=" << r.backend;
      out << "  offload=" << r.offload;
      if (!r.reason.empty()) out << "  (" << r.reason << ")";
      out << "\n";
      if (ctx.verbose || r.verdict == Verdict::Fail || r.verdict == Verdict::Inconclusive)
        for (const auto& c : r.checks)
          if (ctx.verbose || c.verdict == Verdict::Fail || c.verdict == Verdict::Inconclusive)
            out << "      " << std::left << std::setw(13) << to_string(c.verdict) << std::setw(22) << c.name << " "
                << c.reason << "\n";
      out.flush();
    }
  };
  std::vector<std::thread> threads;
  for (int w = 0; w < std::max(1, parallel); ++w) threads.emplace_back(worker);
  for (auto& t : threads) t.join();
  return records;
}

void print_summary(const RunReport& report, std::ostream& out) {
  out << "\n" << std::left << std::setw(26) << "scenario" << std::setw(14) << "verdict" << std::setw(8) << "backend"
      << std::setw(15) << "offload" << std::right << std::setw(8) << "seconds" << "  checks\n";
  out << std::string(100, '-') << "\n";
  int counts[4] = {0, 0, 0, 0};
  for (const auto& s : report.scenarios) {
    counts[severity(s.verdict)]++;
    out << std::left << std::setw(26) << s.name << std::setw(14) << to_string(s.verdict) << std::setw(8)
        << (s.backend.empty() ? "-" : s.backend) << std::setw(15) << s.offload << std::right << std::fixed
        << std::setprecision(1) << std::setw(8) << s.seconds << "  " << tally(s.checks) << "\n";
  }
  out << std::string(100, '-') << "\n";
  out << "run: " << upper(to_string(report.verdict())) << "  (" << counts[0] << " pass, " << counts[3] << " fail, "
      << counts[2] << " inconclusive, " << counts[1] << " skipped) in " << std::fixed << std::setprecision(1)
      << report.wall_seconds << " s\n";
}

}  // namespace retx::lab
