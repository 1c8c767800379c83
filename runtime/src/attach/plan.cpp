// plan.cpp: attach-point planning and attach order (see plan.h).
#include "attach/plan.h"

namespace btc::rt {

bool plan_attach_points(ProbeProviders& providers, const abi::Manifest& m,
                        std::vector<std::string>& probe_names, std::vector<AttachPoint>& out,
                        std::string& err) {
  for (const auto& p : m.probes)
    if (!providers.of(p.spec.kind).plan(m, p, probe_names, out, err)) return false;
  if (out.empty() && !m.probes.empty()) { // e.g. usdt probes that matched nothing (0.17)
    err = "No probes to attach\n";
    return false;
  }
  return true;
}

std::vector<size_t> attach_order(ProbeProviders& providers,
                                 const std::vector<AttachPoint>& points) {
  auto last_first = [&](const AttachPoint& point) {
    return providers.of(point.probe->spec.kind).runs_last_attached_first(*point.probe);
  };
  std::vector<size_t> order;
  for (size_t i = 0; i < points.size(); ++i)
    if (!last_first(points[i])) order.push_back(i);
  for (size_t i = points.size(); i-- > 0;)
    if (last_first(points[i])) order.push_back(i);
  return order;
}

} // namespace btc::rt
