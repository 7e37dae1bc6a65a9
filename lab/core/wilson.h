// Wilson score interval for a binomial proportion. Used to decide whether an
// impairment realised its nominal drop rate: the normal approximation is too
// narrow at the 1 % rates the lab uses, Wilson stays honest there.
#pragma once

#include <cstdint>

namespace retx::lab {

struct Interval {
  double low = 0;
  double high = 0;
  bool contains(double x) const { return x >= low && x <= high; }
};

// Two-sided z for a confidence level in (0,1), e.g. 0.99 -> 2.5758.
double z_for_confidence(double confidence);

// Interval around successes/trials. trials == 0 gives [0,1] (nothing known).
Interval wilson_interval(double successes, double trials, double confidence);

}  // namespace retx::lab
