// module.cpp — the riffq._riffq extension module (nanobind). Translation only.
#include <nanobind/nanobind.h>

namespace nb = nanobind;

namespace riffq::bindings {
void bind_server(nb::module_& m);
}

NB_MODULE(_riffq, m) {
  m.doc() = "riffq core: PostgreSQL wire-protocol server over Arrow producers (C++)";
  // Servers are usually referenced from their own callbacks (RiffqServer's bound methods);
  // such cycles are only collected at exit, where nanobind would report them as leaks.
  nb::set_leak_warnings(false);
  riffq::bindings::bind_server(m);
}
