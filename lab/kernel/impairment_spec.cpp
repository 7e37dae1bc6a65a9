// Pure rules about impairment specs: validation and backend choice.
#include "impairment.h"

#include <algorithm>
#include <cmath>

namespace retx::lab {
namespace {

bool is_prob(double p) { return std::isfinite(p) && p >= 0.0 && p <= 1.0; }

bool has(const std::vector<std::string>& v, const std::string& s) { return std::find(v.begin(), v.end(), s) != v.end(); }

bool can_express(const std::string& backend, const ImpairmentSpec& s) {
  bool extras = needs_netem_extras(s);
  if (backend == "netem") {
    return s.kind == ImpairKind::None || s.kind == ImpairKind::Random || s.kind == ImpairKind::GilbertElliott ||
           s.kind == ImpairKind::MarkovState;
  }
  if (extras) return false;
  if (backend == "nft") {
    return s.kind == ImpairKind::Random || s.kind == ImpairKind::FirstSyn || s.kind == ImpairKind::FirstSynAck ||
           s.kind == ImpairKind::NthSegment || s.kind == ImpairKind::Blackhole;
  }
  if (backend == "bpf") return s.kind != ImpairKind::None && s.kind != ImpairKind::MarkovState;
  return false;
}

std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
  return s.empty() ? "none" : s;
}

}  // namespace

std::string to_string(ImpairKind k) {
  switch (k) {
    case ImpairKind::None: return "none";
    case ImpairKind::Random: return "random";
    case ImpairKind::GilbertElliott: return "gemodel";
    case ImpairKind::MarkovState: return "state";
    case ImpairKind::FirstSyn: return "first_syn";
    case ImpairKind::FirstSynAck: return "first_synack";
    case ImpairKind::NthSegment: return "nth_segment";
    case ImpairKind::Blackhole: return "blackhole";
  }
  return "?";
}

std::string to_string(Direction d) { return d == Direction::Data ? "data" : "ack"; }

bool needs_netem_extras(const ImpairmentSpec& s) {
  return s.delay_ms > 0 || s.jitter_ms > 0 || !s.distribution.empty() || s.reorder > 0 || s.duplicate > 0 ||
         s.corrupt > 0 || s.rate_bps > 0 || s.limit > 0;
}

std::optional<std::string> spec_error(const ImpairmentSpec& s) {
  auto bad_prob = [](const char* name, double v) -> std::optional<std::string> {
    if (!is_prob(v)) return std::string("impairment.") + name + " = " + std::to_string(v) + ": must be in [0, 1]";
    return std::nullopt;
  };
  for (auto [name, v] : {std::pair{"loss", s.loss}, {"ge_p", s.ge_p}, {"ge_r", s.ge_r}, {"ge_bad_loss", s.ge_bad_loss},
                         {"ge_good_loss", s.ge_good_loss}, {"st_p13", s.st_p13}, {"st_p31", s.st_p31},
                         {"st_p32", s.st_p32}, {"st_p23", s.st_p23}, {"st_p14", s.st_p14}, {"reorder", s.reorder},
                         {"duplicate", s.duplicate}, {"corrupt", s.corrupt}}) {
    if (auto e = bad_prob(name, v)) return e;
  }
  if (!(s.delay_ms >= 0) || !(s.jitter_ms >= 0) || !std::isfinite(s.delay_ms) || !std::isfinite(s.jitter_ms)) {
    return "impairment.delay_ms / jitter_ms: must be finite and >= 0";
  }
  if (s.jitter_ms > 0 && s.delay_ms <= 0) return "impairment.jitter_ms needs delay_ms > 0";
  if (!s.distribution.empty()) {
    static const std::vector<std::string> kDists{"uniform", "normal", "pareto", "paretonormal"};
    if (!has(kDists, s.distribution)) {
      return "impairment.distribution '" + s.distribution + "': expected uniform, normal, pareto or paretonormal";
    }
    if (s.jitter_ms <= 0) return "impairment.distribution needs jitter_ms > 0";
  }
  if (s.reorder > 0 && s.delay_ms <= 0) return "impairment.reorder needs delay_ms > 0 (netem reorders by not delaying)";
  switch (s.kind) {
    case ImpairKind::Random:
      if (s.loss <= 0) return "impairment.loss must be > 0 for kind random";
      break;
    case ImpairKind::GilbertElliott:
      if (s.ge_p <= 0) return "impairment.ge_p must be > 0 for kind gemodel";
      break;
    case ImpairKind::NthSegment:
      if (s.nth < 1 || s.nth > 4000000000ULL) return "impairment.nth must be in 1..4000000000 for kind nth_segment";
      break;
    case ImpairKind::Blackhole:
      if (!std::isfinite(s.blackhole_start_s) || s.blackhole_start_s < 0) {
        return "impairment.blackhole_start_s must be >= 0";
      }
      if (!std::isfinite(s.blackhole_duration_s) || s.blackhole_duration_s <= 0) {
        return "impairment.blackhole_duration_s must be > 0";
      }
      break;
    default:
      break;
  }
  return std::nullopt;
}

BackendChoice choose_backend(const ImpairmentSpec& spec, const std::vector<std::string>& available,
                             const std::string& forced) {
  if (auto e = spec_error(spec)) return {"unsupported", "invalid impairment: " + *e};
  if (spec.kind == ImpairKind::None && !needs_netem_extras(spec)) return {"none", "no impairment"};
  std::vector<std::string> order{"netem", "nft", "bpf"};
  if (!forced.empty()) {
    if (!has(order, forced)) return {"unsupported", "unknown backend '" + forced + "' (known: netem, nft, bpf)"};
    order = {forced};
  }
  std::vector<std::string> able;
  for (const auto& b : order) {
    if (!can_express(b, spec)) continue;
    able.push_back(b);
    if (has(available, b)) {
      std::string note;
      if (b == "nft" && spec.kind == ImpairKind::Random) note = "nft numgen random cannot be seeded";
      return {b, note};
    }
  }
  std::string what = to_string(spec.kind);
  if (needs_netem_extras(spec)) what += " with delay/jitter/reorder/duplicate/corrupt/rate/limit";
  if (able.empty()) {
    return {"unsupported", what + " cannot be expressed by " + (forced.empty() ? "any backend" : forced)};
  }
  return {"unsupported", what + " needs " + join(able) + "; available here: " + join(available)};
}

}  // namespace retx::lab
