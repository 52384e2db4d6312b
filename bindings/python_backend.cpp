// python_backend.cpp — calling Python query / connect / auth / disconnect callbacks.
#include "python_backend.hpp"

#include <nanobind/stl/function.h>
#include <nanobind/stl/optional.h>
#include <nanobind/stl/shared_ptr.h>
#include <nanobind/stl/string.h>

#include "arrow_import.hpp"
#include "copy_in_reader.hpp"
#include "query_args.hpp"
#include "riffq/types/pg_types.hpp"

using namespace nanobind::literals;

namespace riffq::bindings {

void log_exception(const char* where, nb::python_error& e) {
  try {
    nb::object info = nb::make_tuple(e.type(), e.value(), e.traceback());
    nb::module_::import_("logging").attr("getLogger")("riffq").attr("error")(where,
                                                                             "exc_info"_a = info);
  } catch (...) {
  }
}

std::string exception_text(nb::python_error& e) {
  try {
    nb::object value = nb::borrow(e.value());
    std::string type = nb::cast<std::string>(value.type().attr("__name__"));
    std::string msg = nb::cast<std::string>(nb::str(value));
    return msg.empty() ? type : type + ": " + msg;
  } catch (...) {
    // nanobind's what() may carry the traceback: the client gets its last line only.
    std::string s = e.what();
    while (!s.empty() && s.back() == '\n') s.pop_back();
    auto nl = s.rfind('\n');
    return nl == std::string::npos ? s : s.substr(nl + 1);
  }
}

QueryCallback::~QueryCallback() {
  // Dropped without being called: the handler gave up on this query.
  if (!used.exchange(true))
    reply(session::HandlerReply::make_error(PgError::error(
        sqlstate::INTERNAL_ERROR, "query handler finished without calling its callback")));
}

void QueryCallback::fail(PgError e) {
  if (used.exchange(true)) return;
  if (parked != nullptr && std::this_thread::get_id() == dispatcher) {
    *parked = session::HandlerReply::make_error(std::move(e));
    return;
  }
  nb::gil_scoped_release release;
  reply(session::HandlerReply::make_error(std::move(e)));
}

namespace {
// A describe answer's parameter types: PostgreSQL type names ("int8", "text[]", "numeric") or
// OIDs; None for "no opinion".
std::vector<uint32_t> parameter_type_oids(nb::handle types) {
  std::vector<uint32_t> oids;
  if (types.is_none()) return oids;
  for (nb::handle t : types) {
    if (t.is_none()) {
      oids.push_back(0);
    } else if (nb::isinstance<nb::int_>(t)) {
      oids.push_back(nb::cast<uint32_t>(t));
    } else {
      std::string name = nb::cast<std::string>(t);
      const bool array = name.size() > 2 && name.ends_with("[]");
      uint32_t oid = types::pg_type_oid(array ? std::string_view(name).substr(0, name.size() - 2)
                                              : std::string_view(name));
      if (oid != 0 && array) oid = types::pg_array_type(oid).oid;
      if (oid == 0) throw nb::value_error(("unknown parameter type: " + name).c_str());
      oids.push_back(oid);
    }
  }
  return oids;
}
}  // namespace

void QueryCallback::call(nb::handle result, bool is_tag, bool is_error,
                         nb::handle parameter_types) {
  if (used.load()) return;  // first call wins
  session::HandlerReply r;
  std::vector<uint32_t> param_oids = parameter_type_oids(parameter_types);
  if (copy_in && !is_error) {
    r = session::HandlerReply::make_tag(
        nb::isinstance<nb::str>(result) ? nb::cast<std::string>(result) : "");
  } else if (is_tag) {
    r = session::HandlerReply::make_tag(
        nb::isinstance<nb::str>(result) ? nb::cast<std::string>(result) : "");
  } else if (is_error) {
    PgError e = PgError::error(sqlstate::INTERNAL_ERROR, "unknown error");
    if (nb::isinstance<nb::tuple>(result) && nb::len(result) == 3) {
      nb::tuple t = nb::borrow<nb::tuple>(result);
      if (nb::isinstance<nb::str>(t[0]) && nb::isinstance<nb::str>(t[1]) &&
          nb::isinstance<nb::str>(t[2])) {
        e.severity = parse_severity(nb::cast<std::string>(t[0]));
        e.sqlstate = nb::cast<std::string>(t[1]);
        e.message = nb::cast<std::string>(t[2]);
        if (e.sqlstate.size() != 5) e.sqlstate = sqlstate::INTERNAL_ERROR;
      }
    }
    r = session::HandlerReply::make_error(std::move(e));
  } else {
    std::string error;
    r.kind = session::HandlerReply::Kind::ROWS;
    if (!import_arrow_stream(result, r.stream, &error))
      r = session::HandlerReply::make_error(PgError::error(sqlstate::INTERNAL_ERROR, error));
  }
  r.parameter_types = std::move(param_oids);
  if (used.exchange(true)) return;
  if (parked != nullptr && std::this_thread::get_id() == dispatcher) {
    *parked = std::move(r);  // delivered by PythonApplication::query without the GIL
    return;
  }
  nb::gil_scoped_release release;  // schema fetch and hand-off happen without the GIL
  reply(std::move(r));
}

BoolCallback::~BoolCallback() {
  if (!used.exchange(true)) reply(false, default_error);
}

void BoolCallback::call(nb::handle ok, nb::handle message, nb::handle severity, nb::handle code) {
  if (used.exchange(true)) return;
  bool accepted = nb::isinstance<nb::bool_>(ok) && nb::cast<bool>(ok);
  PgError e = default_error;
  if (!accepted && (!message.is_none() || !severity.is_none() || !code.is_none())) {
    e = PgError::fatal(sqlstate::INTERNAL_ERROR, "rejected");
    if (!message.is_none()) e.message = nb::cast<std::string>(nb::str(message));
    if (!severity.is_none()) e.severity = parse_severity(nb::cast<std::string>(nb::str(severity)));
    if (!code.is_none()) e.sqlstate = nb::cast<std::string>(nb::str(code));
  }
  nb::gil_scoped_release release;
  reply(accepted, std::move(e));
}

void PythonApplication::admit(const server::ClientInfo& client,
                              const session::AdmissionRequest& request,
                              server::AdmissionReplyFn reply) {
  auto finish = [reply](bool ok, PgError e) {
    session::AdmissionReply r;
    r.ok = ok;
    r.error = std::move(e);
    reply(std::move(r));
  };
  nb::gil_scoped_acquire gil;
  auto callbacks = callbacks_;
  // Connect check (after authentication, as the original orders them).
  auto connect = [callbacks, client, finish]() {
    if (callbacks->on_connect.is_none()) {
      finish(true, {});
      return;
    }
    auto cb = std::make_shared<BoolCallback>(
        finish, PgError::fatal(sqlstate::INVALID_AUTHORIZATION, "Connection rejected"));
    try {
      nb::object server_name = client.server_name ? nb::cast(*client.server_name) : nb::none();
      callbacks->on_connect(client.connection_id, client.ip, client.port,
                            "callback"_a = nb::cast(cb), "server_name"_a = server_name);
    } catch (nb::python_error& e) {
      log_exception("connect callback raised", e);
      cb->call(nb::bool_(false), nb::none(), nb::none(), nb::none());
    } catch (const std::exception&) {
      cb->call(nb::bool_(false), nb::none(), nb::none(), nb::none());
    }
  };
  if (!request.password || callbacks->on_authentication.is_none()) {
    connect();
    return;
  }
  auto after_auth = [connect, finish](bool ok, PgError e) {
    if (!ok) {
      finish(false, std::move(e));
      return;
    }
    nb::gil_scoped_acquire gil;
    connect();
  };
  auto cb = std::make_shared<BoolCallback>(
      after_auth, PgError::fatal(sqlstate::INVALID_PASSWORD, "Authentication failed"));
  try {
    nb::object user = nb::cast(request.user);
    if (request.database)
      callbacks->on_authentication(client.connection_id, user, *request.password, client.ip,
                                   "callback"_a = nb::cast(cb), "database"_a = *request.database);
    else
      callbacks->on_authentication(client.connection_id, user, *request.password, client.ip,
                                   "callback"_a = nb::cast(cb));
  } catch (nb::python_error& e) {
    log_exception("authentication callback raised", e);
    cb->call(nb::bool_(false), nb::none(), nb::none(), nb::none());
  } catch (const std::exception&) {  // e.g. a user name that is not valid UTF-8
    cb->call(nb::bool_(false), nb::none(), nb::none(), nb::none());
  }
}

void PythonApplication::query(const server::ClientInfo& client, session::HandlerCall call,
                              server::QueryReplyFn reply) {
  std::optional<session::HandlerReply> parked;
  server::QueryReplyFn deliver = reply;
  {
    nb::gil_scoped_acquire gil;
    auto cb = std::make_shared<QueryCallback>(std::move(reply));
    cb->parked = &parked;
    cb->dispatcher = std::this_thread::get_id();
    cb->cancelled_flag = call.cancelled;
    cb->notice_fn = call.notice;
    cb->copy_in = call.copy_in != nullptr;
    call_handler(client, call, cb);
    cb->parked = nullptr;  // later calls (other threads, or after return) reply directly
  }
  if (parked) deliver(std::move(*parked));
}

void PythonApplication::call_handler(const server::ClientInfo& client,
                                     const session::HandlerCall& call,
                                     const std::shared_ptr<QueryCallback>& cb) {
  try {
    nb::object py_cb = nb::cast(cb);
    if (call.copy_in) {  // COPY … FROM STDIN: the copy-in hook gets the upload's reader
      const auto& plan = call.copy_in->plan();
      static const char* formats[] = {"text", "csv", "binary"};
      nb::object reader = nb::cast(CopyInReader(call.copy_in));
      nb::object schema = plan.spec.schema.empty() ? nb::none() : nb::cast(plan.spec.schema);
      callbacks_->on_copy_in(call.sql, reader, py_cb, "connection_id"_a = client.connection_id,
                             "schema"_a = schema, "table"_a = plan.spec.table,
                             "columns"_a = reader.attr("columns"),
                             "format"_a = formats[static_cast<int>(plan.spec.format)]);
      return;
    }
    if (call.with_args) {
      nb::list args;
      try {
        args = decode_query_args(call.args);
      } catch (nb::python_error& e) {  // e.g. int("abc"): the client's value, not the handler's
        std::string text = exception_text(e);
        throw std::invalid_argument(text);
      }
      callbacks_->on_query(call.sql, py_cb, "do_describe"_a = call.do_describe,
                           "connection_id"_a = client.connection_id, "query_args"_a = args);
    } else {
      callbacks_->on_query(call.sql, py_cb, "do_describe"_a = call.do_describe,
                           "connection_id"_a = client.connection_id);
    }
  } catch (nb::python_error& e) {
    // A handler that raises produces an error, never an empty result (SPEC §2.4).
    std::string text = exception_text(e);
    log_exception("query handler raised", e);
    cb->fail(PgError::error(sqlstate::INTERNAL_ERROR, text));
  } catch (const std::exception& e) {
    // A parameter that cannot be decoded (or any other C++-side failure): never let it escape
    // into the worker thread.
    cb->fail(PgError::error(sqlstate::INVALID_TEXT_REPRESENTATION,
                            std::string("invalid query parameter: ") + e.what()));
  }
}

namespace {
thread_local PyGILState_STATE worker_gil_state;
bool python_finalizing() {
#if PY_VERSION_HEX >= 0x030D0000
  return Py_IsFinalizing();
#else
  return _Py_IsFinalizing();
#endif
}
thread_local PyThreadState* worker_thread_state = nullptr;
}  // namespace

void PythonApplication::worker_thread_started() {
  if (python_finalizing()) return;
  worker_gil_state = PyGILState_Ensure();
  worker_thread_state = PyEval_SaveThread();
}

void PythonApplication::worker_thread_exiting() {
  if (worker_thread_state == nullptr || python_finalizing()) return;
  PyEval_RestoreThread(worker_thread_state);
  worker_thread_state = nullptr;
  PyGILState_Release(worker_gil_state);
}

void PythonApplication::disconnected(const server::ClientInfo& client) {
  nb::gil_scoped_acquire gil;
  if (callbacks_->on_disconnect.is_none()) return;
  try {
    callbacks_->on_disconnect(client.connection_id, client.ip, client.port);
  } catch (nb::python_error& e) {
    log_exception("disconnect callback raised", e);
  } catch (const std::exception&) {
  }
}

void QueryCallback::notice(const std::string& message, const std::string& severity,
                           const std::string& sqlstate, std::optional<std::string> detail,
                           std::optional<std::string> hint) {
  Severity s = parse_severity(severity);
  if (s == Severity::ERROR || s == Severity::FATAL || s == Severity::PANIC)
    throw nb::value_error(
        "a notice's severity is NOTICE, WARNING, INFO, LOG or DEBUG; "
        "report errors through the callback");
  if (sqlstate.size() != 5) throw nb::value_error("sqlstate must have 5 characters");
  if (used.load() || !notice_fn) return;  // answered already: too late for a notice
  PgError n = PgError::error(sqlstate, message);
  n.severity = s;
  n.detail = detail.value_or("");
  n.hint = hint.value_or("");
  notice_fn(std::move(n));
}

void PythonApplication::statement_cancelled(const server::ClientInfo& client) {
  nb::gil_scoped_acquire gil;
  if (callbacks_->on_cancel.is_none()) return;
  try {
    callbacks_->on_cancel(client.connection_id);
  } catch (nb::python_error& e) {
    log_exception("cancel callback raised", e);
  } catch (const std::exception&) {
  }
}

void bind_callbacks(nb::module_& m) {
  nb::class_<QueryCallback>(m, "QueryCallback",
                            "Callback passed to query handlers: callback(result, *, is_tag=False, "
                            "is_error=False, parameter_types=None). The first call wins.")
      .def("__call__", &QueryCallback::call, "result"_a.none(), nb::kw_only(), "is_tag"_a = false,
           "is_error"_a = false, "parameter_types"_a = nb::none(),
           "Delivers the result. In a describe call (do_describe=True), parameter_types may type "
           "the statement's $1, $2, … (PostgreSQL type names such as \"int8\" or \"text[]\", "
           "OIDs, or None for no opinion): the client's ParameterDescription then says so and "
           "its values arrive decoded as that type; types the client declared in Parse stay.")
      .def("notice", &QueryCallback::notice, "message"_a, nb::kw_only(), "severity"_a = "NOTICE",
           "sqlstate"_a = "00000", "detail"_a = nb::none(), "hint"_a = nb::none(),
           "Sends a NoticeResponse (NOTICE, WARNING, INFO, LOG or DEBUG) to the client ahead of "
           "the result, e.g. progress of a long query; psql prints it, drivers pass it to their "
           "notice handlers. Ignored once the callback has answered.")
      .def_prop_ro("cancelled", &QueryCallback::cancelled,
                   "True once the statement was cancelled (CancelRequest, statement_timeout, the "
                   "client gone): a long-running handler may poll it and stop early.");
  nb::class_<BoolCallback>(m, "BoolCallback",
                           "Callback passed to connect and authentication handlers: "
                           "callback(ok, message=None, severity=None, sqlstate=None).")
      .def("__call__", &BoolCallback::call, "result"_a, "message"_a = nb::none(),
           "severity"_a = nb::none(), "sqlstate"_a = nb::none());
}

}  // namespace riffq::bindings
