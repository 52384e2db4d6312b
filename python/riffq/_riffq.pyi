"""riffq core: PostgreSQL wire-protocol server over Arrow producers (C++)"""

from collections.abc import Iterator

from typing_extensions import CapsuleType


class QueryCallback:
    """
    Callback passed to query handlers: callback(result, *, is_tag=False, is_error=False, parameter_types=None). The first call wins.
    """

    def __call__(self, result: object | None, *, is_tag: bool = False, is_error: bool = False, parameter_types: object | None = None) -> None:
        """
        Delivers the result. In a describe call (do_describe=True), parameter_types may type the statement's $1, $2, … (PostgreSQL type names such as "int8" or "text[]", OIDs, or None for no opinion): the client's ParameterDescription then says so and its values arrive decoded as that type; types the client declared in Parse stay.
        """

    def notice(self, message: str, *, severity: str = 'NOTICE', sqlstate: str = '00000', detail: str | None = None, hint: str | None = None) -> None:
        """
        Sends a NoticeResponse (NOTICE, WARNING, INFO, LOG or DEBUG) to the client ahead of the result, e.g. progress of a long query; psql prints it, drivers pass it to their notice handlers. Ignored once the callback has answered.
        """

    @property
    def cancelled(self) -> bool:
        """
        True once the statement was cancelled (CancelRequest, statement_timeout, the client gone): a long-running handler may poll it and stop early.
        """

class BoolCallback:
    """
    Callback passed to connect and authentication handlers: callback(ok, message=None, severity=None, sqlstate=None).
    """

    def __call__(self, result: object, message: object | None = None, severity: object | None = None, sqlstate: object | None = None) -> None: ...

class CopyInReader:
    """
    The rows a client uploads with COPY … FROM STDIN, as Arrow record batches: pass it to anything that reads the Arrow PyCapsule stream interface (pyarrow.RecordBatchReader.from_stream, polars.from_arrow, duckdb's from_arrow or a replacement scan) or use read_all() / iteration (pyarrow). Batches are decoded as they are pulled; the upload waits while nobody reads (memory stays bounded). Columns are typed from the registered table (register_table) and are text otherwise (raw bytes in binary format). Readable once.
    """

    def __arrow_c_stream__(self, requested_schema: object | None = None) -> CapsuleType:
        """Exports the rows as an ArrowArrayStream PyCapsule (once)."""

    def to_reader(self) -> object:
        """The rows as a pyarrow.RecordBatchReader."""

    def read_all(self) -> object:
        """Reads every row into a pyarrow.Table."""

    def __iter__(self) -> Iterator:
        """Iterates over pyarrow.RecordBatch objects."""

    @property
    def table(self) -> str:
        """The COPY's target table name (as the parser folded it)."""

    @property
    def schema(self) -> str | None:
        """The table's schema when the COPY named one, else None."""

    @property
    def columns(self) -> list[str]:
        """
        Names of the copied columns (the COPY's column list, else the registered table's columns); empty when neither is known (the first row decides: column1, column2, …).
        """

    @property
    def format(self) -> str:
        """"text", "csv" or "binary"."""

    @property
    def rows(self) -> int:
        """Rows decoded so far."""

class Server:
    """
    A PostgreSQL wire-protocol server. addr is "IP:port", "[v6]:port" or "host:port".
    """

    def __init__(self, addr: str) -> None: ...

    def on_query(self, callback: object) -> None:
        """
        Sets the query handler: cb(sql, callback, *, do_describe, connection_id[, query_args]). Required before start().
        """

    def on_connect(self, callback: object) -> None:
        """
        Sets the connect handler: cb(connection_id, ip, port, *, callback, server_name).
        """

    def on_disconnect(self, callback: object) -> None:
        """Sets the disconnect handler: cb(connection_id, ip, port)."""

    def on_cancel(self, callback: object) -> None:
        """
        Sets the cancel handler: cb(connection_id), called on a worker thread when that connection's running statement is cancelled (CancelRequest, statement_timeout, or the client gone mid-statement). The query callback's `cancelled` is then True.
        """

    def on_copy_in(self, callback: object) -> None:
        """
        Sets the COPY … FROM STDIN hook: cb(sql, reader, callback, *, connection_id, schema, table, columns, format). reader is a riffq.CopyInReader (Arrow record batches of the uploaded rows, typed from the registered table); answer with callback(None) or a tag ("COPY n" is sent with the rows received) or an error tuple with is_error=True. Without it, COPY FROM STDIN is refused with 0A000. Set before start().
        """

    def on_authentication(self, callback: object) -> None:
        """
        Sets the authentication handler and turns on password authentication: cb(connection_id, user, password, host, *, callback[, database]).
        """

    def handle_shutdown(self, callback: object) -> None:
        """
        Sets a zero-argument callable run after the server stopped, before start() returns.
        """

    def set_tls(self, cert_path: str, key_path: str) -> None:
        """
        Loads a PEM certificate chain and private key; raises OSError on failure.
        """

    def set_md5_users(self, users: dict) -> None:
        """
        Turns on MD5 password authentication (for old clients; off unless called) for these users: a password or a stored "md5…" verifier (as in pg_authid). Checked before SCRAM users; on_connect still runs. Wrong passwords get 28P01.
        """

    def set_scram_users(self, users: dict) -> None:
        """
        Turns on SCRAM-SHA-256 authentication (SCRAM-SHA-256-PLUS with channel binding over TLS): users maps a user name to a password (SASLprep'ed and hashed once, here) or to a stored verifier "SCRAM-SHA-256$iter:salt$StoredKey:ServerKey" (as in pg_authid). Takes precedence over on_authentication's cleartext passwords; on_connect still runs. Unknown users and wrong passwords get 28P01.
        """

    def set_hba_rules(self, rules: object | None) -> None:
        """
        Sets host-based rules, as pg_hba.conf: a list of lines ("hostssl all all 127.0.0.1/32 scram-sha-256") or dicts {"type", "database", "user", "address", "method"} (database/user: a name or a list of names). Types local, host, hostssl, hostnossl, hostgssenc, hostnogssenc; databases all, sameuser, names; users all, names; addresses all, samehost, samenet, CIDR (IPv4/IPv6); methods trust, reject, password, md5, scram-sha-256. The first matching rule decides; none matching is FATAL 28000. None removes the rules. ValueError "hba rule N: …" for a bad rule.
        """

    def load_hba_file(self, path: str) -> None:
        """
        Sets host-based rules from a file in pg_hba.conf syntax (see set_hba_rules); OSError if unreadable, ValueError "PATH: line N: …" for a bad line.
        """

    def register_database(self, database_name: str) -> None:
        """
        Registers a database for catalog emulation (with its public schema). With start(catalog_emulation=True) clients must connect to a registered database, postgres, template0 or template1 (others get 3D000).
        """

    def register_schema(self, database_name: str, schema_name: str) -> None:
        """
        Registers a schema under a database (the database is registered if needed).
        """

    def register_table(self, database_name: str, schema_name: str, table_name: str, columns: object, *, primary_key: object | None = None, unique: object | None = None, foreign_keys: object | None = None, indexes: object | None = None, comment: object | None = None, kind: str = 'table', view_sql: object | None = None, checks: object | None = None) -> None:
        """
        Registers a table (or view) for catalog emulation; registering it again replaces it. columns is a list of single-key dicts {name: {"type": str, "nullable": bool, "default"?: str, "comment"?: str}} where type is any PostgreSQL type name ("int", "bigint", "numeric(12,2)", "varchar(40)", "timestamptz", "text[]", …) or a riffq.helpers.to_arrow short name (str, float, datetime, …). Keyword-only: primary_key (column names), unique (list of column-name lists), foreign_keys (dicts {"columns", "references": "[schema.]table", "ref_columns"?, "name"?}), indexes (dicts {"name", "columns", "unique"?}), comment, kind ("table", "view", "materialized_view"), view_sql (a view's query, for pg_get_viewdef), checks (dicts {"expr", "name"?}: CHECK constraints, expr written as PostgreSQL's pg_get_constraintdef prints it, e.g. "(price > (0)::numeric)"). Raises ValueError for an unknown type or a key naming a missing column.
        """

    def set_lazy_catalog(self, source: object) -> None: ...

    def start(self, tls: bool = False, catalog_emulation: bool = False, server_version: str | None = None, *, require_tls: bool = False, max_connections: int = 1000, max_message_size: int = 67108864, startup_timeout: float = 60.0, idle_timeout: float = 0.0, shutdown_grace: float = 3.0, reuse_port: bool = False, worker_index: int = 0, worker_count: int = 1, cancel_dir: str | None = None, busy_poll_us: float = 100.0) -> None:
        """
        Serves until SIGINT/SIGTERM (main thread) or stop(); releases the GIL. Raises OSError if the address cannot be bound. Keyword-only limits: require_tls refuses plaintext sessions; max_connections (beyond it clients get 53300); max_message_size caps Query/Parse/Bind/CopyData messages; startup_timeout (seconds) drops clients that do not finish startup and authentication; idle_timeout (seconds, 0 = off) closes sessions idle outside a transaction with FATAL 57P05; shutdown_grace (seconds) is how long stop() / SIGTERM lets running statements finish (idle sessions get 57P01 at once; statements still running then end with 57P01 at a message boundary). Multi-process serving (riffq.RiffqServer.start(workers=N) sets these): reuse_port shares the port with other processes (SO_REUSEPORT); worker_index / worker_count number this process in the group (backend pids carry the index) and cancel_dir is the directory of the Unix sockets that relay CancelRequests to the process owning the session. busy_poll_us (microseconds, 0 = off): after work, I/O and query threads poll for more this long before they sleep, so that small queries pay no thread wake-ups; an idle server sleeps.
        """

    def stop(self) -> None:
        """Stops a running server (thread-safe); start() then returns."""

    def wait_until_serving(self, timeout: float = 10.0) -> bool:
        """Blocks until start() is accepting connections; False on timeout."""

    def notify(self, channel: str, payload: str = '') -> None:
        """
        Sends a notification: every session that ran LISTEN channel gets it (as from NOTIFY channel, 'payload'), when idle outside a transaction block. No-op when not running.
        """

    def stats(self) -> dict:
        """
        Counters of the running server: connections_total, connections_active, queries, errors, rows, bytes_sent, and statement latency percentiles latency_p50_ms / latency_p95_ms / latency_p99_ms (log2 buckets, within a factor of 1.4). Empty counts when not running.
        """

    @property
    def port(self) -> int:
        """The bound port while serving, else 0."""

    @property
    def listen_address(self) -> str:
        """
        The address start() binds (host:port); settable while the server is not running.
        """

    @listen_address.setter
    def listen_address(self, arg: str, /) -> None: ...
