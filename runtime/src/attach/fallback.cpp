// fallback.cpp: kprobe <-> fentry mechanism choices (see fallback.h).
#include "attach/fallback.h"

namespace btc::rt {

KprobeMechanism choose_kprobe_mechanism(bool kprobe_available, bool fentry_candidate) {
  if (kprobe_available) return KprobeMechanism::Kprobe;
  if (fentry_candidate) return KprobeMechanism::Fentry;
  return KprobeMechanism::Unavailable;
}

KprobeMechanism choose_kfunc_mechanism(bool fentry_available, bool kprobe_available,
                                       bool has_kprobe_twin) {
  if (fentry_available) return KprobeMechanism::Fentry;
  if (kprobe_available && has_kprobe_twin) return KprobeMechanism::Kprobe;
  return KprobeMechanism::Unavailable;
}

} // namespace btc::rt
