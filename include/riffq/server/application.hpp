// riffq/server/application.hpp
// Application: what a program plugs into the server — admission (authentication and
// connect checks), queries and disconnect notices. The Python binding implements it; a C++
// program can too. Every method is called on a worker thread (never an I/O thread) and may
// block; each reply function must be called exactly once, from any thread (later calls and
// calls after the connection closed are ignored).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "riffq/catalog/user_objects.hpp"
#include "riffq/session/handler_types.hpp"

namespace riffq::server {

struct ClientInfo {
  uint64_t connection_id = 0;
  std::string ip;
  uint16_t port = 0;
  std::optional<std::string> server_name;  // TLS SNI
};

using AdmissionReplyFn = std::function<void(session::AdmissionReply)>;
using QueryReplyFn = std::function<void(session::HandlerReply)>;

class Application {
 public:
  virtual ~Application() = default;
  virtual bool password_required() const = 0;
  virtual void admit(const ClientInfo& client, const session::AdmissionRequest& request,
                     AdmissionReplyFn reply) = 0;
  // A statement to run. For COPY … FROM STDIN, call.copy_in is set: the application reads
  // the upload from it (export_stream) and answers with a tag (or an error) when done.
  virtual void query(const ClientInfo& client, session::HandlerCall call, QueryReplyFn reply) = 0;
  // Whether query() takes COPY … FROM STDIN; when false the session refuses it (0A000).
  virtual bool accepts_copy_in() const { return false; }
  // The connection is gone (only for connections the application was asked to admit).
  virtual void disconnected(const ClientInfo& client) = 0;
  // The connection's running statement was cancelled (CancelRequest, statement_timeout, or the
  // client gone mid-statement); its HandlerCall::cancelled flag is already set. On a worker
  // thread; the default does nothing.
  virtual void statement_cancelled(const ClientInfo& client) { (void)client; }
  // A lazy catalog source (set_lazy_catalog): its objects are loaded before each catalog
  // statement, on a worker thread. lazy_catalog throws catalog::CatalogError (XX000) when the
  // source fails.
  virtual bool has_lazy_catalog() const { return false; }
  // Each worker thread calls these once, when it starts and before it exits.
  virtual void worker_thread_started() {}
  virtual void worker_thread_exiting() {}
  // Answering the same pointer as last time says "unchanged": the engine then reuses its
  // snapshot without comparing the objects (a comparison of 10 000 tables costs ~15 ms).
  virtual std::shared_ptr<const catalog::UserCatalog> lazy_catalog(const std::string& database) {
    (void)database;
    return std::make_shared<const catalog::UserCatalog>();
  }
};

}  // namespace riffq::server
