"""scan_pq / read_pq / fetchall / Arrow export: laziness, schema, pushdown, limits, cancel."""

import threading
import time

import polars as pl
import pytest
from polars.testing import assert_frame_equal

import riffq.client


@pytest.fixture(scope="module")
def people(pg):
    pg.psql("drop table if exists people; create table people as "
            "select g as id, 'name' || g as name, (g % 7)::int2 as k, "
            "case when g % 5 = 0 then null else g * 0.25 end::float8 as score, "
            "g % 3 = 0 as flag, ('2020-01-01'::date + g) as day "
            "from generate_series(1, 20000) g")
    return "select * from people"


def test_query_runs_at_collect_not_at_scan(pg, conn):
    pg.psql("drop table if exists late")
    # Built while the table does not exist: an eager scan (or an eager describe) would fail here.
    lf = conn.scan_pq("select * from late")
    filtered = conn.scan_pq("select * from late").filter(pl.col("y") > 0).select("y")
    pg.psql("create table late as select 5 as y")
    assert lf.collect().item() == 5
    assert filtered.collect().item() == 5
    pg.psql("insert into late values (6)")  # a second collect runs the query again
    assert sorted(lf.collect()["y"].to_list()) == [5, 6]
    pg.psql("drop table late")


def test_empty_result_keeps_schema(conn, people):
    df = conn.scan_pq(people + " where false").collect()
    assert df.height == 0
    assert df.schema == pl.Schema({"id": pl.Int32, "name": pl.String, "k": pl.Int16,
                                   "score": pl.Float64, "flag": pl.Boolean, "day": pl.Date})
    assert conn.read_pq(people + " where false").columns == df.columns


PREDICATES = [
    pl.col("id") > 19990,
    (pl.col("k") == 3) & (pl.col("score") > 100.0),
    pl.col("score").is_null(),
    pl.col("name") == "name77",
    (pl.col("id") < 10) | (pl.col("id") >= 19995),
    ~(pl.col("id") > 5),
    pl.col("flag") & (pl.col("k") != 2),
    pl.col("day") > pl.date(2074, 1, 1),
    pl.col("name").str.ends_with("99"),
    pl.col("id").is_in([1, 2, 3, 999999]),
    (pl.col("score") * 2 > pl.col("id")) | pl.col("score").is_nan(),
    pl.lit(10) < pl.col("k"),
]


@pytest.mark.parametrize("pred", PREDICATES, ids=range(len(PREDICATES)))
def test_filters_match_polars(conn, people, pred):
    full = conn.read_pq(people)
    got = conn.scan_pq(people).filter(pred).collect()
    assert_frame_equal(got.sort("id"), full.filter(pred).sort("id"))


@pytest.mark.parametrize("cols", [["id"], ["name", "id"], ["score"], ["day", "flag", "k"]])
def test_projection_matches_polars(conn, people, cols):
    full = conn.read_pq(people)
    got = conn.scan_pq(people).select(cols).collect()
    assert_frame_equal(got, full.select(cols))
    got2 = conn.scan_pq(people).filter(pl.col("k") == 1).select(cols).collect()
    assert_frame_equal(got2, full.filter(pl.col("k") == 1).select(cols))


def test_n_rows_and_head(conn, people):
    assert conn.scan_pq(people + " order by id").head(7).collect()["id"].to_list() == list(range(1, 8))
    assert conn.scan_pq(people).filter(pl.col("k") == 0).head(3).collect().height == 3
    assert conn.scan_pq(people).select(pl.len()).collect().item() == 20000


def test_batch_size(conn, people):
    scan = conn.scan_pq(people, batch_size=1000)
    assert scan.collect().height == 20000
    batches = list(conn._batches(people, batch_size=1000))
    assert len(batches) == 20 and all(b.height == 1000 for b in batches)


def _backend_state(pg, pid):
    """(state, query) of a backend from another connection, or None once it is gone."""
    with riffq.client.connect(pg.dsn()) as c:
        rows = c.fetchall("select state, query from pg_stat_activity where pid = $1", [pid])
    return rows[0] if rows else None


# generate_series in the select list streams (in FROM, PostgreSQL materializes it first).
ENDLESS = "select generate_series(1, 1000000000000) as g, repeat('x', 100) as pad"


@pytest.mark.timeout(60)  # without a cancel the result never ends: a hang fails
def test_early_stop_cancels_server_query(pg, conn):
    pid = conn.fetchall("select pg_backend_pid()")[0][0]
    # A result that never ends: only a cancelled server query lets head() return.
    df = conn.scan_pq(ENDLESS).head(5).collect()
    assert df["g"].to_list() == [1, 2, 3, 4, 5]
    state, query = _backend_state(pg, pid)
    assert state == "idle" and "generate_series" in query  # stopped, not still streaming
    assert conn.fetchall("select 1") == [(1,)]  # the connection is usable afterwards


@pytest.mark.timeout(60)  # without a cancel the result never ends: a hang fails
def test_cancel_running_scan(pg, conn):
    pid = conn.fetchall("select pg_backend_pid()")[0][0]
    gen = conn._batches(ENDLESS, batch_size=1000)
    next(gen)
    assert _backend_state(pg, pid)[0] == "active"
    gen.close()
    assert _backend_state(pg, pid)[0] == "idle"
    assert conn.check_connection()


def test_fetchall_with_params(conn, people):
    rows = conn.fetchall("select id, name from people where id = any($1) order by id", [[3, 4]])
    assert rows == [(3, "name3"), (4, "name4")]
    assert conn.fetchall("select $1::text is null", [None]) == [(True,)]


def test_fallback_statements(conn):
    assert conn.read_pq("show standard_conforming_strings").item() == "on"
    conn.execute("drop table if exists ins; create table ins (a int, b text)")
    df = conn.read_pq("insert into ins values (1, 'x'), (2, 'y') returning a, b")
    assert df.rows() == [(1, "x"), (2, "y")]
    assert conn.fetchall("update ins set b = 'z'") == []
    assert conn.read_pq("explain select 1").height >= 1


def test_errors_raise(conn):
    with pytest.raises(RuntimeError, match="does_not_exist"):
        conn.read_pq("select * from does_not_exist")
    with pytest.raises(RuntimeError, match="division by zero"):
        conn.read_pq("select 1 / (g - 5000) from generate_series(1, 10000) g")
    with pytest.raises(Exception):
        conn.scan_pq("select * from does_not_exist").collect()
    assert conn.fetchall("select 2") == [(2,)]


def test_arrow_export(conn, people):
    import pyarrow as pa
    t = pa.table(conn.arrow(people))
    assert t.num_rows == 20000 and t.column_names[0] == "id"
    df = pl.DataFrame(conn.arrow("select 1 as a, 'x' as b"))
    assert df.rows() == [(1, "x")]
    import duckdb
    src = conn.arrow("select g from generate_series(1, 100) g")
    assert duckdb.sql("select sum(g) from src").fetchone()[0] == 5050


def test_nested_scans_do_not_deadlock(conn, people):
    a = conn.scan_pq(people).select("id", "k")
    b = conn.scan_pq("select k, count(*) as n from people group by k")
    df = a.join(b, on="k").collect()
    assert df.height == 20000


def test_gil_released_while_reading(conn):
    ticks = []
    stop = threading.Event()

    def ticker():
        while not stop.is_set():
            ticks.append(1)
            time.sleep(0.001)

    th = threading.Thread(target=ticker)
    th.start()
    conn.read_pq("select g, g::text from generate_series(1, 2000000) g")
    stop.set()
    th.join()
    assert len(ticks) > 20


def test_check_connection(pg):
    c = riffq.client.connect(pg.dsn())
    assert c.check_connection() is True
    pid = c.fetchall("select pg_backend_pid()")[0][0]
    riffq.client.connect(pg.dsn()).execute(f"select pg_terminate_backend({pid})")
    deadline = time.monotonic() + 10
    while _backend_state(pg, pid) is not None:  # the backend is gone
        assert time.monotonic() < deadline
        time.sleep(0.05)
    assert c.check_connection() is False


def test_keepalive_sends_select_1(pg):
    c = riffq.client.connect(pg.dsn(), keepalive_secs=0.5)
    pid = c.fetchall("select pg_backend_pid()")[0][0]
    c.execute("select 'marker'")
    time.sleep(1.5)
    q = riffq.client.connect(pg.dsn()).fetchall(
        "select query from pg_stat_activity where pid = $1", [pid])
    assert q == [("SELECT 1",)]
    c.close()


def test_async_api(pg):
    import asyncio

    async def main():
        ac = await riffq.client.async_connect(pg.dsn())
        rows = await ac.fetchall("select 1, 'a'")
        df = await ac.read_pq("select 2 as x")
        ok = await ac.check_connection()
        lf = ac.scan_pq("select 3 as y")
        await ac.close()
        return rows, df.item(), ok, lf

    rows, x, ok, lf = asyncio.run(main())
    assert rows == [(1, "a")] and x == 2 and ok


@pytest.mark.timeout(60)  # without a cancel the result never ends: a hang fails
def test_cancel_from_another_thread(conn):
    timer = threading.Timer(0.5, conn.cancel)
    timer.start()
    # pg_sleep(30) completes without the cancel; the error says the cancel stopped it.
    with pytest.raises(RuntimeError, match="canceling statement due to user request"):
        conn.read_pq("select pg_sleep(30)")
    assert conn.fetchall("select 1") == [(1,)]


def test_keepalive_never_interrupts_a_streaming_scan(pg):
    c = riffq.client.connect(pg.dsn(), keepalive_secs=0.05)
    total = 0
    for df in c._batches("select g from generate_series(1, 200000) g", batch_size=10000):
        total += df["g"].sum()
        time.sleep(0.03)  # a slow consumer: the scan holds the connection for ~0.6 s
    assert total == 200000 * 200001 // 2
    assert c.fetchall("select 7") == [(7,)]
    c.close()


def test_string_filters_on_non_text_types_stay_client_side(conn):
    conn.execute("drop type if exists fruit cascade; create type fruit as enum ('apple', 'pear')")
    sql = ("select 'apple'::fruit f, '1.2.3.4'::inet ip, '{}'::jsonb j, "
           "'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid u, 'ab'::char(3) c")
    lf = conn.scan_pq(sql, uuid="string")
    assert lf.filter(pl.col("f") == "banana").collect().height == 0  # not an enum label
    assert lf.filter(pl.col("ip") == "nope").collect().height == 0
    assert lf.filter(pl.col("j") == "x").collect().height == 0
    assert lf.filter(pl.col("u") == "x").collect().height == 0
    assert lf.filter(pl.col("c") == "ab ").collect().height == 1
    assert lf.filter(pl.col("c") == "a\x00").collect().height == 0


def test_pushdown_translation():
    from riffq.client import _Pushdown

    p = _Pushdown(["id", "name", "f", "b"], [23, 25, 701, 16])
    assert p.where((pl.col("id") > 5) & (pl.col("name") == "x'y")) == "_c1 > 5 AND _c2 = 'x''y'"
    assert p.where((pl.col("f") > 1.0) & pl.col("id").is_null()) == "_c1 IS NULL"
    assert p.where((pl.col("id") < 1) | (pl.col("id") >= 9)) == "(_c1 < 1 OR _c1 >= 9)"
    assert p.where(pl.lit(3) <= pl.col("id")) == "_c1 >= 3"
    assert p.where(~(pl.col("id") > 5)) == ""  # NOT is never pushed
    assert p.where(pl.col("name") != "x") == ""  # string inequality could be stricter in SQL
    assert p.where(pl.col("b") == True) == "_c4 = true"  # noqa: E712
    assert p.where((pl.col("id") > 5) | (pl.col("f") > 1.0)) == ""


def test_pushed_query_is_wrapped(conn):
    scan = conn._conn.scan("select g as id from generate_series(1, 10) g", None, None,
                           "_c1 > 7", -1, 100)
    rows = []
    while (b := scan.next_batch()) is not None:
        rows += pl.DataFrame(b)["id"].to_list()
    assert rows == [8, 9, 10]
    assert "WHERE _c1 > 7" in scan.sql and scan.sql.startswith("COPY (")


@pytest.mark.timeout(60)  # without a cancel the result never ends: a hang fails
def test_close_with_an_unconsumed_scan_does_not_hang(pg):
    c = riffq.client.connect(pg.dsn())
    pid = c.fetchall("select pg_backend_pid()")[0][0]
    gen = c._batches(ENDLESS, batch_size=1000)
    next(gen)
    c.close()  # a result that never ends: close() must not drain it
    deadline = time.monotonic() + 10
    while _backend_state(pg, pid) is not None:  # the server session ended too
        assert time.monotonic() < deadline, "the backend outlived close()"
        time.sleep(0.05)
    with pytest.raises(RuntimeError, match="connection closed"):
        for _ in gen:
            pass
