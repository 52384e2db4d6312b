// arrow_import.cpp — Arrow PyCapsule stream import and the conversions done by riffq._convert.
#include "arrow_import.hpp"

#include <cstring>

namespace nb = nanobind;

namespace riffq::bindings {
namespace {

constexpr const char* STREAM_CAPSULE = "arrow_array_stream";

bool take_capsule(nb::handle capsule, types::OwnedStream& out, std::string* error) {
  const char* name = PyCapsule_GetName(capsule.ptr());
  if (name == nullptr || std::strcmp(name, STREAM_CAPSULE) != 0) {
    PyErr_Clear();
    *error = "query callback returned an unusable capsule (expected \"arrow_array_stream\")";
    return false;
  }
  auto* stream = static_cast<ArrowArrayStream*>(PyCapsule_GetPointer(capsule.ptr(), STREAM_CAPSULE));
  if (stream == nullptr || stream->release == nullptr) {
    PyErr_Clear();
    *error = "query callback returned a released Arrow stream";
    return false;
  }
  // Move the stream out; the capsule destructor then sees a released stream (spec rule).
  out.reset();
  out.st = *stream;
  stream->release = nullptr;
  return true;
}

}  // namespace

bool import_arrow_stream(nb::handle result, types::OwnedStream& out, std::string* error) {
  try {
    if (PyCapsule_CheckExact(result.ptr())) return take_capsule(result, out, error);
    if (nb::hasattr(result, "__arrow_c_stream__")) {
      nb::object capsule = result.attr("__arrow_c_stream__")();
      return take_capsule(capsule, out, error);
    }
    // IPC bytes and the (schema_desc, rows) fallback are converted with pyarrow in Python.
    if (PyBytes_Check(result.ptr()) || PyByteArray_Check(result.ptr()) ||
        PyMemoryView_Check(result.ptr()) || PyTuple_Check(result.ptr())) {
      nb::object convert = nb::module_::import_("riffq._convert").attr("to_arrow_stream");
      nb::object capsule = convert(result);
      return take_capsule(capsule, out, error);
    }
    *error = std::string("query callback received an unusable result of type ") +
             nb::type_name(result.type()).c_str();
    return false;
  } catch (nb::python_error& e) {
    *error = e.what();
    return false;
  }
}

}  // namespace riffq::bindings
