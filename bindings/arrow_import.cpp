// arrow_import.cpp — Arrow PyCapsule stream import and the conversions done by riffq._convert.
#include "arrow_import.hpp"

#include "python_backend.hpp"

#include <cstring>
#include <string_view>

namespace nb = nanobind;

namespace riffq::bindings {
namespace {

constexpr const char* STREAM_CAPSULE = "arrow_array_stream";

// A producer's stream with its errors made fit for a client: pyarrow reports an exception
// raised in a Python generator with the whole traceback (file paths included). The client
// gets "Type: message"; the full text goes to the server's log.
struct ProducerStream {
  ArrowArrayStream inner;
  std::string last_error;

  static ProducerStream* of(ArrowArrayStream* s) { return static_cast<ProducerStream*>(s->private_data); }
  static int get_schema(ArrowArrayStream* s, ArrowSchema* out) {
    return of(s)->inner.get_schema(&of(s)->inner, out);
  }
  static int get_next(ArrowArrayStream* s, ArrowArray* out) {
    return of(s)->inner.get_next(&of(s)->inner, out);
  }
  static const char* get_last_error(ArrowArrayStream* s) {
    ProducerStream* p = of(s);
    const char* raw = p->inner.get_last_error ? p->inner.get_last_error(&p->inner) : nullptr;
    if (raw == nullptr) return nullptr;
    p->last_error = client_safe_error(raw);
    if (p->last_error != raw) log_raw(raw);
    return p->last_error.c_str();
  }
  static void release(ArrowArrayStream* s) {
    ProducerStream* p = of(s);
    if (p->inner.release) p->inner.release(&p->inner);
    delete p;
    s->release = nullptr;
  }

  // "Invalid: msg. Detail: Python exception: Traceback …\nValueError: msg\n" → "ValueError: msg".
  static std::string client_safe_error(std::string_view raw) {
    size_t tb = raw.find("Traceback (most recent call last):");
    if (tb == std::string_view::npos) return std::string(raw);
    std::string_view rest = raw.substr(tb);
    while (!rest.empty() && (rest.back() == '\n' || rest.back() == ' ')) rest.remove_suffix(1);
    size_t nl = rest.rfind('\n');
    std::string_view last = nl == std::string_view::npos ? rest : rest.substr(nl + 1);
    return last.empty() ? std::string("the result producer failed") : std::string(last);
  }
  static void log_raw(const char* raw) {
    if (!Py_IsInitialized()) return;
    nb::gil_scoped_acquire gil;
    try {
      nb::module_::import_("logging").attr("getLogger")("riffq").attr("error")(
          "result producer failed: %s", raw);
    } catch (...) {
    }
  }
};

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
  auto* wrapped = new ProducerStream{*stream, {}};
  stream->release = nullptr;
  out.reset();
  out.st = {ProducerStream::get_schema, ProducerStream::get_next, ProducerStream::get_last_error,
            ProducerStream::release, wrapped};
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
    *error = exception_text(e);
    log_exception("query result could not be converted", e);
    return false;
  }
}

}  // namespace riffq::bindings
