// bindings/client_module.cpp
// riffq._client: Python translation of the C++ PostgreSQL → Arrow reader (SPEC §7, §12).
// Connections, scans and batches; Arrow leaves through the PyCapsule stream interface.
// The GIL is released for all network I/O and decoding.
#include <nanobind/nanobind.h>
#include <nanobind/stl/optional.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/unique_ptr.h>
#include <nanobind/stl/vector.h>

#include <memory>
#include <stdexcept>

#include "riffq/client/copy_writer.hpp"
#include "riffq/client/pg_connection.hpp"
#include "riffq/client/scan_stream.hpp"

namespace nb = nanobind;
using namespace riffq::client;

namespace {

nb::capsule stream_capsule(ArrowArrayStream* stream) {
  return nb::capsule(stream, "arrow_array_stream", [](void* p) noexcept {
    auto* s = static_cast<ArrowArrayStream*>(p);
    if (s->release) {
      // Releasing a live scan cancels it and joins its thread: do that without the GIL.
      PyThreadState* ts = nb::is_alive() ? PyEval_SaveThread() : nullptr;
      s->release(s);
      if (ts) PyEval_RestoreThread(ts);
    }
    delete s;
  });
}

// A stream over one already-decoded batch.
struct OneBatch {
  ArrowSchema schema{};
  ArrowArray array{};
};

int one_get_schema(ArrowArrayStream* s, ArrowSchema* out) {
  auto* b = static_cast<OneBatch*>(s->private_data);
  // Hand out a fresh copy each time: rebuild from the stored schema's tree is not possible
  // generically, so the stored schema is moved out on first request and recreated by caller.
  if (b->schema.release == nullptr) return EINVAL;
  *out = b->schema;
  b->schema.release = nullptr;
  return 0;
}

int one_get_next(ArrowArrayStream* s, ArrowArray* out) {
  auto* b = static_cast<OneBatch*>(s->private_data);
  *out = b->array;
  b->array.release = nullptr;
  return 0;
}

const char* one_last_error(ArrowArrayStream*) { return nullptr; }

void one_release(ArrowArrayStream* s) {
  if (s->release == nullptr) return;
  auto* b = static_cast<OneBatch*>(s->private_data);
  if (b->schema.release) b->schema.release(&b->schema);
  if (b->array.release) b->array.release(&b->array);
  delete b;
  s->release = nullptr;
}

class PyBatch {
 public:
  PyBatch(std::vector<ColumnSpec> columns, ArrowArray array)
      : columns_(std::move(columns)), array_(array) {}
  ~PyBatch() {
    if (array_.release) array_.release(&array_);
  }
  int64_t num_rows() const { return array_.release ? array_.length : 0; }
  nb::capsule arrow_c_stream(nb::object /*requested_schema*/) {
    if (array_.release == nullptr) throw std::runtime_error("batch already exported");
    auto* b = new OneBatch{};
    export_schema(columns_, &b->schema);
    b->array = array_;
    array_.release = nullptr;
    auto* s = new ArrowArrayStream{one_get_schema, one_get_next, one_last_error, one_release, b};
    return stream_capsule(s);
  }

 private:
  std::vector<ColumnSpec> columns_;
  ArrowArray array_;
};

class PyScan {
 public:
  explicit PyScan(std::unique_ptr<ScanStream> scan) : scan_(std::move(scan)) {
    columns_ = scan_->columns();
    used_copy_ = scan_->used_copy();
  }
  ~PyScan() {
    if (!scan_) return;
    if (!nb::is_alive()) {
      scan_.reset();
      return;
    }
    nb::gil_scoped_release nogil;
    scan_.reset();
  }
  PyScan(const PyScan&) = delete;
  PyScan& operator=(const PyScan&) = delete;
  std::unique_ptr<PyBatch> next_batch() {
    if (!scan_) return nullptr;
    ArrowArray a{};
    bool ok;
    {
      nb::gil_scoped_release nogil;
      ok = scan_->next(&a);
    }
    if (!ok) throw std::runtime_error(scan_->error());
    if (a.release == nullptr) return nullptr;
    return std::make_unique<PyBatch>(columns_, a);
  }
  nb::capsule arrow_c_stream(nb::object /*requested_schema*/) {
    if (!scan_) throw std::runtime_error("scan already consumed");
    auto* s = new ArrowArrayStream{};
    ScanStream::export_stream(std::move(scan_), s);
    return stream_capsule(s);
  }
  void cancel() {
    if (!scan_) return;
    nb::gil_scoped_release nogil;
    scan_->cancel();
  }
  void close() {
    nb::gil_scoped_release nogil;
    scan_.reset();
  }
  std::vector<std::string> names() const {
    std::vector<std::string> out;
    for (const ColumnSpec& c : columns_) out.push_back(c.name);
    return out;
  }
  std::vector<uint32_t> oids() const {
    std::vector<uint32_t> out;
    for (const ColumnSpec& c : columns_) out.push_back(c.oid);
    return out;
  }
  bool used_copy() const { return scan_ ? scan_->used_copy() : used_copy_; }
  std::string sent_sql() const { return scan_ ? scan_->sent_sql() : std::string(); }

 private:
  std::unique_ptr<ScanStream> scan_;
  std::vector<ColumnSpec> columns_;
  bool used_copy_ = false;
};

class PyConnection {
 public:
  PyConnection(const std::string& dsn, double keepalive_secs) {
    std::string err;
    {
      nb::gil_scoped_release nogil;
      conn_ = PgConnection::open(dsn, keepalive_secs, &err);
    }
    if (!conn_) throw std::runtime_error(err);
  }

  std::unique_ptr<PyScan> scan(const std::string& sql, std::optional<std::vector<std::optional<std::string>>> params,
                               std::optional<std::vector<int>> columns, const std::string& where,
                               int64_t limit, int64_t batch_rows, const std::string& numeric,
                               const std::string& uuid, const std::string& interval,
                               bool unknown_as_text, int queue_depth, bool describe_only) {
    ScanOptions o;
    if (params) {
      o.params = *params;
      o.has_params = true;
    }
    if (columns) o.columns = *columns;
    o.where = where;
    o.limit = limit;
    o.batch_rows = batch_rows > 0 ? batch_rows : 65536;
    o.queue_depth = queue_depth > 0 ? queue_depth : 4;
    o.describe_only = describe_only;
    if (numeric == "decimal") o.types.numeric = NumericMode::Decimal;
    else if (numeric == "string") o.types.numeric = NumericMode::String;
    else if (numeric == "float") o.types.numeric = NumericMode::Float;
    else throw std::invalid_argument("numeric must be 'decimal', 'string' or 'float'");
    if (uuid == "binary") o.types.uuid = UuidMode::Binary;
    else if (uuid == "string") o.types.uuid = UuidMode::String;
    else throw std::invalid_argument("uuid must be 'binary' or 'string'");
    if (interval == "interval") o.types.interval = IntervalMode::MonthDayNano;
    else if (interval == "duration") o.types.interval = IntervalMode::Duration;
    else throw std::invalid_argument("interval must be 'interval' or 'duration'");
    o.types.unknown_as_text = unknown_as_text;
    std::string err;
    std::unique_ptr<ScanStream> s;
    {
      nb::gil_scoped_release nogil;
      s = ScanStream::start(live(), sql, std::move(o), &err);
    }
    if (!s) throw std::runtime_error(err);
    return std::make_unique<PyScan>(std::move(s));
  }

  void execute(const std::string& sql) {
    std::string err;
    bool ok;
    {
      nb::gil_scoped_release nogil;
      auto c = live();
      c->acquire();
      ok = c->exec_command(sql, &err);
      c->release();
    }
    if (!ok) throw std::runtime_error(err);
  }

  int64_t copy_in(const std::string& table, nb::object source, const std::string& columns_sql) {
    nb::capsule cap = nb::borrow<nb::capsule>(source.attr("__arrow_c_stream__")());
    auto* stream = static_cast<ArrowArrayStream*>(PyCapsule_GetPointer(cap.ptr(), "arrow_array_stream"));
    if (stream == nullptr) throw nb::python_error();
    std::string err;
    int64_t rows;
    {
      nb::gil_scoped_release nogil;
      auto c = live();
      c->acquire();
      rows = copy_arrow_stream(c.get(), table, columns_sql, stream, &err);
      c->release();
    }
    if (rows < 0) throw std::runtime_error(err);
    return rows;
  }

  bool check(int timeout_ms) {
    if (!conn_) return false;
    nb::gil_scoped_release nogil;
    return conn_->check(timeout_ms);
  }

  void cancel() {
    nb::gil_scoped_release nogil;
    if (conn_) conn_->cancel_running();
  }

  void close() {
    nb::gil_scoped_release nogil;
    if (conn_) conn_->close();
    conn_.reset();
  }

  bool closed() const { return !conn_; }
  bool busy() const { return conn_ && conn_->busy(); }

 private:
  std::shared_ptr<PgConnection> live() {
    if (!conn_ || conn_->closed()) throw std::runtime_error("connection is closed");
    return conn_;
  }
  std::shared_ptr<PgConnection> conn_;
};

std::vector<std::string> pg_types(nb::object source) {
  nb::capsule cap = nb::borrow<nb::capsule>(source.attr("__arrow_c_stream__")());
  auto* stream = static_cast<ArrowArrayStream*>(PyCapsule_GetPointer(cap.ptr(), "arrow_array_stream"));
  if (stream == nullptr) throw nb::python_error();
  riffq::types::OwnedSchema schema;
  if (stream->get_schema(stream, schema.get()) != 0) throw std::runtime_error("cannot read the Arrow schema");
  std::vector<std::string> types;
  std::string err;
  if (!natural_pg_types(schema.s, &types, &err)) throw std::runtime_error(err);
  return types;
}

}  // namespace

NB_MODULE(_client, m) {
  m.doc() = "riffq._client: PostgreSQL → Arrow reader on libpq (binary COPY)";

  m.def("pg_types", &pg_types, nb::arg("source"),
        "PostgreSQL type names the write path uses for each column of an Arrow stream source.");

  nb::class_<PyBatch>(m, "Batch")
      .def_prop_ro("num_rows", &PyBatch::num_rows)
      .def("__arrow_c_stream__", &PyBatch::arrow_c_stream, nb::arg("requested_schema") = nb::none());

  nb::class_<PyScan>(m, "Scan")
      .def("next_batch", &PyScan::next_batch)
      .def("__arrow_c_stream__", &PyScan::arrow_c_stream, nb::arg("requested_schema") = nb::none())
      .def("cancel", &PyScan::cancel)
      .def("close", &PyScan::close)
      .def_prop_ro("names", &PyScan::names)
      .def_prop_ro("oids", &PyScan::oids)
      .def_prop_ro("used_copy", &PyScan::used_copy)
      .def_prop_ro("sql", &PyScan::sent_sql);

  nb::class_<PyConnection>(m, "Connection")
      .def(nb::init<const std::string&, double>(), nb::arg("dsn"), nb::arg("keepalive_secs") = 0.0)
      .def("scan", &PyConnection::scan, nb::arg("sql"), nb::arg("params") = nb::none(),
           nb::arg("columns") = nb::none(), nb::arg("where") = "", nb::arg("limit") = -1,
           nb::arg("batch_rows") = 65536, nb::arg("numeric") = "decimal", nb::arg("uuid") = "binary",
           nb::arg("interval") = "interval", nb::arg("unknown_as_text") = false,
           nb::arg("queue_depth") = 4, nb::arg("describe_only") = false)
      .def("execute", &PyConnection::execute, nb::arg("sql"))
      .def("copy_in", &PyConnection::copy_in, nb::arg("table"), nb::arg("source"),
           nb::arg("columns_sql") = "")
      .def("check", &PyConnection::check, nb::arg("timeout_ms") = 1000)
      .def("cancel", &PyConnection::cancel)
      .def("close", &PyConnection::close)
      .def_prop_ro("closed", &PyConnection::closed)
      .def_prop_ro("busy", &PyConnection::busy);
}
