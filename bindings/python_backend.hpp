// python_backend.hpp — PythonApplication: the server's Application, implemented by calling the
// Python callbacks registered on riffq.Server (with the GIL, on worker threads).
#pragma once

#include <nanobind/nanobind.h>

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "riffq/server/application.hpp"

namespace riffq::bindings {

namespace nb = nanobind;

// Logs e with its traceback through logging.getLogger("riffq") (never raises). The client gets
// only the exception's type and message; tracebacks and paths stay in the server's log.
void log_exception(const char* where, nb::python_error& e);
// "Type: message" of e, what a client may see of a Python exception.
std::string exception_text(nb::python_error& e);

// The Python callables; swapped under the GIL only.
struct QueryCallback;

struct PythonCallbacks {
  nb::object on_query;
  nb::object on_connect;
  nb::object on_disconnect;
  nb::object on_authentication;
  nb::object on_cancel;
  nb::object on_copy_in;    // COPY … FROM STDIN hook (None: such COPYs get 0A000)
  nb::object lazy_catalog;  // set_lazy_catalog's source (None: eager registrations apply)
  // The last reference may drop on a non-Python thread: take the GIL to release the objects.
  ~PythonCallbacks() {
    if (!Py_IsInitialized()) return;
    nb::gil_scoped_acquire gil;
    on_query.reset();
    on_connect.reset();
    on_disconnect.reset();
    on_authentication.reset();
    on_cancel.reset();
    on_copy_in.reset();
    lazy_catalog.reset();
  }
};

class PythonApplication : public server::Application {
 public:
  explicit PythonApplication(std::shared_ptr<PythonCallbacks> callbacks)
      : callbacks_(std::move(callbacks)),
        password_required_(!callbacks_->on_authentication.is_none()),
        has_lazy_catalog_(callbacks_->lazy_catalog.is_valid() &&
                          !callbacks_->lazy_catalog.is_none()),
        accepts_copy_in_(callbacks_->on_copy_in.is_valid() && !callbacks_->on_copy_in.is_none()) {}

  bool password_required() const override { return password_required_; }
  void admit(const server::ClientInfo& client, const session::AdmissionRequest& request,
             server::AdmissionReplyFn reply) override;
  void query(const server::ClientInfo& client, session::HandlerCall call,
             server::QueryReplyFn reply) override;
  void statement_cancelled(const server::ClientInfo& client) override;
  void disconnected(const server::ClientInfo& client) override;
  bool has_lazy_catalog() const override { return has_lazy_catalog_; }
  bool accepts_copy_in() const override { return accepts_copy_in_; }
  // A worker thread keeps one Python thread state for its life: acquiring the GIL per call
  // then costs no thread-state creation (an mmap, a gettid and allocations per query).
  void worker_thread_started() override;
  void worker_thread_exiting() override;
  // Calls the source's databases / schemas / relations / columns (and config / settings)
  // methods for `database` (lazy_catalog.cpp); a source with version() whose version did not
  // change gets the pointer it got last time.
  std::shared_ptr<const catalog::UserCatalog> lazy_catalog(const std::string& database) override;

 private:
  // Calls the Python query callback (GIL held); errors become the callback's error reply.
  void call_handler(const server::ClientInfo& client, const session::HandlerCall& call,
                    const std::shared_ptr<QueryCallback>& cb);
  std::shared_ptr<PythonCallbacks> callbacks_;
  bool password_required_;
  bool has_lazy_catalog_;
  bool accepts_copy_in_;
};

// The `callback` object passed to query handlers: callback(result, *, is_tag, is_error).
struct QueryCallback {
  server::QueryReplyFn reply;
  std::atomic<bool> used{false};
  // While the handler runs on the dispatching thread, a reply made from inside it is parked
  // here and delivered after the handler returns and the GIL is released: one GIL round trip
  // less per query. Only touched with the GIL held.
  std::optional<session::HandlerReply>* parked = nullptr;
  std::thread::id dispatcher;
  std::shared_ptr<const std::atomic<bool>> cancelled_flag;  // the statement's cancel flag
  bool cancelled() const { return cancelled_flag && cancelled_flag->load(); }
  std::function<void(PgError)> notice_fn;  // sends a NoticeResponse while the call runs
  bool copy_in = false;  // a COPY FROM hook's callback: anything but an error means done
  void notice(const std::string& message, const std::string& severity, const std::string& sqlstate,
              std::optional<std::string> detail, std::optional<std::string> hint);
  explicit QueryCallback(server::QueryReplyFn r) : reply(std::move(r)) {}
  ~QueryCallback();
  void call(nb::handle result, bool is_tag, bool is_error, nb::handle parameter_types);
  void fail(PgError e);
};

// The `callback` of connect / authentication handlers: callback(ok, message, severity, sqlstate).
struct BoolCallback {
  std::function<void(bool, PgError)> reply;
  std::atomic<bool> used{false};
  PgError default_error;
  BoolCallback(std::function<void(bool, PgError)> r, PgError d)
      : reply(std::move(r)), default_error(std::move(d)) {}
  ~BoolCallback();
  void call(nb::handle ok, nb::handle message, nb::handle severity, nb::handle sqlstate);
};

void bind_callbacks(nb::module_& m);

}  // namespace riffq::bindings
