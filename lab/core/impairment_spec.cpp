#include "impairment_spec.h"

#include <array>
#include <utility>

#include "json_reader.h"

namespace retx::lab {

namespace {

constexpr std::array<std::pair<ImpairKind, const char*>, 7> kKinds{{
    {ImpairKind::None, "none"},
    {ImpairKind::Random, "random"},
    {ImpairKind::GilbertElliott, "gemodel"},
    {ImpairKind::FirstSyn, "first_syn"},
    {ImpairKind::FirstSynAck, "first_synack"},
    {ImpairKind::NthSegment, "nth_segment"},
    {ImpairKind::Blackhole, "blackhole"},
}};

ImpairKind kind_named(const std::string& name) {
  for (const auto& [k, n] : kKinds)
    if (name == n) return k;
  return ImpairKind::None;  // unreachable: the name was checked against impair_kind_names()
}

GeModel parse_gemodel(const JsonReader& g) {
  g.expect_object({"p", "r", "loss_bad", "loss_good"});
  GeModel m;
  m.p = g.at("p").as_number(0, 1);
  if (m.p <= 0) g.at("p").fail("expected p > 0 (the chain must be able to enter the bad state)");
  m.r = g.at("r").as_number(0, 1);
  m.loss_bad = g.number_or("loss_bad", 0, 1, 1);
  m.loss_good = g.number_or("loss_good", 0, 1, 0);
  return m;
}

NetemExtras parse_netem(const JsonReader& n) {
  n.expect_object({"delay_ms", "jitter_ms", "distribution", "reorder", "duplicate", "corrupt", "rate_mbit", "limit"});
  NetemExtras x;
  x.delay_ms = n.number_or("delay_ms", 0, 60'000, 0);
  x.jitter_ms = n.number_or("jitter_ms", 0, 60'000, 0);
  x.distribution = n.enum_or("distribution", {"normal", "pareto", "paretonormal", "uniform"}, "");
  x.reorder = n.number_or("reorder", 0, 1, 0);
  x.duplicate = n.number_or("duplicate", 0, 1, 0);
  x.corrupt = n.number_or("corrupt", 0, 1, 0);
  x.rate_mbit = n.number_or("rate_mbit", 0, 1'000'000, 0);
  x.limit = n.integer_or("limit", 0, 100'000'000, 0);
  if (x.jitter_ms > 0 && x.delay_ms <= 0) n.at("jitter_ms").fail("expected delay_ms > 0 when jitter is set");
  if (!x.distribution.empty() && x.jitter_ms <= 0)
    n.at("distribution").fail("expected jitter_ms > 0 when a distribution is set");
  if (x.reorder > 0 && x.delay_ms <= 0) n.at("reorder").fail("expected delay_ms > 0 (netem reorders by delaying the rest)");
  return x;
}

}  // namespace

double GeModel::stationary_loss() const {
  double pi_bad = (p + r) > 0 ? p / (p + r) : 0;
  return pi_bad * loss_bad + (1 - pi_bad) * loss_good;
}

std::vector<std::string> NetemExtras::features() const {
  std::vector<std::string> out;
  if (delay_ms > 0) out.push_back("delay");
  if (jitter_ms > 0) out.push_back("jitter");
  if (!distribution.empty()) out.push_back("distribution");
  if (reorder > 0) out.push_back("reorder");
  if (duplicate > 0) out.push_back("duplicate");
  if (corrupt > 0) out.push_back("corrupt");
  if (rate_mbit > 0) out.push_back("rate");
  if (limit > 0) out.push_back("limit");
  return out;
}

double ImpairmentSpec::nominal_loss() const {
  if (kind == ImpairKind::Random) return loss;
  if (kind == ImpairKind::GilbertElliott) return gemodel.stationary_loss();
  return 0;
}

std::string_view to_string(ImpairKind kind) {
  for (const auto& [k, n] : kKinds)
    if (k == kind) return n;
  return "?";
}

std::string_view to_string(Direction dir) { return dir == Direction::Data ? "data" : "ack"; }

const std::vector<std::string>& impair_kind_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> v;
    for (const auto& [k, n] : kKinds) v.emplace_back(n);
    return v;
  }();
  return names;
}

ImpairmentSpec parse_impairment(const JsonReader& r) {
  r.expect_object({"kind", "direction", "loss", "gemodel", "nth", "blackhole", "seed", "netem"});
  ImpairmentSpec im;
  const std::string kind = r.at("kind").as_enum(impair_kind_names());
  im.kind = kind_named(kind);
  im.direction = r.enum_or("direction", {"data", "ack"}, "data") == "ack" ? Direction::Ack : Direction::Data;
  im.seed = static_cast<std::uint64_t>(r.integer_or("seed", 0, INT64_MAX, 1));

  auto only_for = [&](const char* key, ImpairKind k) {
    if (r.has(key) && im.kind != k)
      r.at(key).fail("only allowed with \"kind\": \"" + std::string(to_string(k)) + "\"");
  };
  only_for("loss", ImpairKind::Random);
  only_for("gemodel", ImpairKind::GilbertElliott);
  only_for("nth", ImpairKind::NthSegment);
  only_for("blackhole", ImpairKind::Blackhole);

  if (im.kind == ImpairKind::Random) {
    im.loss = r.at("loss").as_number(0, 1);
    if (im.loss <= 0) r.at("loss").fail("expected a loss above 0 (an impairment that drops nothing is \"kind\": \"none\")");
  }
  if (im.kind == ImpairKind::GilbertElliott) im.gemodel = parse_gemodel(r.at("gemodel"));
  if (im.kind == ImpairKind::NthSegment) im.nth = static_cast<std::uint64_t>(r.at("nth").as_integer(1, 1'000'000'000));
  if (im.kind == ImpairKind::Blackhole) {
    auto b = r.at("blackhole");
    b.expect_object({"start_ms", "duration_ms"});
    im.blackhole.start_ms = b.number_or("start_ms", 0, 600'000, 0);
    im.blackhole.duration_ms = b.at("duration_ms").as_number(1, 600'000);
  }
  if (auto n = r.find("netem")) im.netem = parse_netem(*n);
  return im;
}

}  // namespace retx::lab
