// module.cpp — the riffq._riffq extension module (nanobind). Translation only.
#include <nanobind/nanobind.h>

namespace nb = nanobind;

namespace riffq::bindings {
void bind_server(nb::module_& m);
}

NB_MODULE(_riffq, m) {
  m.doc() = "riffq core: PostgreSQL wire-protocol server over Arrow producers (C++)";
  riffq::bindings::bind_server(m);
}
