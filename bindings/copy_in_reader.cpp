// copy_in_reader.cpp — riffq.CopyInReader: the rows of a COPY … FROM STDIN as an Arrow stream
// (the PyCapsule stream interface), handed to the copy-in hook. Translation only: decoding
// happens in the C stream's get_next (session::CopyInChannel), which pyarrow and DuckDB call
// without the GIL.
#include "copy_in_reader.hpp"

#include <nanobind/stl/optional.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

#include <stdexcept>

using namespace nanobind::literals;

namespace riffq::bindings {
namespace {

nb::capsule stream_capsule(ArrowArrayStream* stream) {
  return nb::capsule(stream, "arrow_array_stream", [](void* p) noexcept {
    auto* s = static_cast<ArrowArrayStream*>(p);
    if (s->release)
      s->release(s);  // closes the channel: whatever the client still sends is drained
    delete s;
  });
}

const char* format_name(sql::CopySpec::Format f) {
  switch (f) {
    case sql::CopySpec::Format::CSV:
      return "csv";
    case sql::CopySpec::Format::BINARY:
      return "binary";
    default:
      return "text";
  }
}

nb::object pyarrow_reader(nb::handle self) {
  return nb::module_::import_("pyarrow").attr("RecordBatchReader").attr("from_stream")(self);
}

}  // namespace

nb::capsule CopyInReader::arrow_c_stream(nb::handle requested_schema) {
  (void)requested_schema;  // the columns' types are the target table's; no casting here
  if (taken_) throw std::runtime_error("the rows of a COPY can be read only once");
  taken_ = true;
  auto* stream = new ArrowArrayStream{};
  channel_->export_stream(stream);
  return stream_capsule(stream);
}

std::vector<std::string> CopyInReader::columns() const {
  std::vector<std::string> names;
  for (const auto& c : channel_->plan().columns) names.push_back(c.name);
  return names;
}

void bind_copy_in_reader(nb::module_& m) {
  nb::class_<CopyInReader>(
      m, "CopyInReader",
      "The rows a client uploads with COPY … FROM STDIN, as Arrow record batches: pass it to "
      "anything that reads the Arrow PyCapsule stream interface (pyarrow.RecordBatchReader."
      "from_stream, polars.from_arrow, duckdb's from_arrow or a replacement scan) or use "
      "read_all() / iteration (pyarrow). Batches are decoded as they are pulled; the upload "
      "waits while nobody reads (memory stays bounded). Columns are typed from the registered "
      "table (register_table) and are text otherwise (raw bytes in binary format). Readable once.")
      .def("__arrow_c_stream__", &CopyInReader::arrow_c_stream, "requested_schema"_a = nb::none(),
           "Exports the rows as an ArrowArrayStream PyCapsule (once).")
      .def(
          "to_reader", [](nb::handle self) { return pyarrow_reader(self); },
          "The rows as a pyarrow.RecordBatchReader.")
      .def(
          "read_all", [](nb::handle self) { return pyarrow_reader(self).attr("read_all")(); },
          "Reads every row into a pyarrow.Table.")
      .def(
          "__iter__", [](nb::handle self) { return nb::iter(pyarrow_reader(self)); },
          "Iterates over pyarrow.RecordBatch objects.")
      .def_prop_ro(
          "table", [](const CopyInReader& r) { return r.channel()->plan().spec.table; },
          "The COPY's target table name (as the parser folded it).")
      .def_prop_ro(
          "schema",
          [](const CopyInReader& r) -> std::optional<std::string> {
            const std::string& s = r.channel()->plan().spec.schema;
            return s.empty() ? std::nullopt : std::optional<std::string>(s);
          },
          "The table's schema when the COPY named one, else None.")
      .def_prop_ro("columns", &CopyInReader::columns,
                   "Names of the copied columns (the COPY's column list, else the registered "
                   "table's columns); empty when neither is known (the first row decides: "
                   "column1, column2, …).")
      .def_prop_ro(
          "format",
          [](const CopyInReader& r) { return format_name(r.channel()->plan().spec.format); },
          "\"text\", \"csv\" or \"binary\".")
      .def_prop_ro(
          "rows", [](const CopyInReader& r) { return r.channel()->rows(); },
          "Rows decoded so far.");
}

}  // namespace riffq::bindings
