//! Client matrix program for Rust: runs a JSON list of cases (stdin) through tokio-postgres or
//! sqlx and prints what the driver returned (stdout, JSON): per column the name and type, per
//! value the Rust type it was decoded into and its Debug rendering.
//! tests/python/test_client_matrix.py runs it against PostgreSQL 15 and against riffq.
//!
//!     clientmatrix <tokio-postgres|sqlx> <mode> <dsn>   < cases.json
//!
//! tokio-postgres modes: "prepared" (Parse/Describe, binary parameters and results) and
//! "simple" (simple_query: text; cases with parameters are skipped by the driver script).
//! sqlx mode: "query_as" (typed rows: `query_as::<_, Cells>` with a FromRow impl, each Cell
//! decoded with sqlx's own Decode impl for the column's type; binary results).
//!
//! Crate features are minimal (no chrono/uuid/json/decimal): types without a Rust type in the
//! default feature set are compared as the raw bytes the driver received, and bound as text.
use std::error::Error;
use std::time::SystemTime;

use bytes::BytesMut;
use serde_json::{json, Map, Value};
use tokio_postgres::types::{to_sql_checked, Format, FromSql, IsNull, ToSql, Type};

type BoxError = Box<dyn Error + Sync + Send>;

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{:02x}", x)).collect()
}

// ---------------------------------------------------------------------------------------------
// tokio-postgres
// ---------------------------------------------------------------------------------------------

/// Any value, as the bytes received (types without a Rust type in the default features).
struct Raw(Vec<u8>);

impl<'a> FromSql<'a> for Raw {
    fn from_sql(_: &Type, raw: &'a [u8]) -> Result<Self, BoxError> {
        Ok(Raw(raw.to_vec()))
    }
    fn accepts(_: &Type) -> bool {
        true
    }
}

/// A parameter sent in text format, for any type (what a user without the chrono / uuid /
/// serde_json / decimal features does).
#[derive(Debug)]
struct TextParam(String);

impl ToSql for TextParam {
    fn to_sql(&self, _: &Type, out: &mut BytesMut) -> Result<IsNull, BoxError> {
        out.extend_from_slice(self.0.as_bytes());
        Ok(IsNull::No)
    }
    fn accepts(_: &Type) -> bool {
        true
    }
    fn encode_format(&self, _: &Type) -> Format {
        Format::Text
    }
    to_sql_checked!();
}

fn cell<'a, T: FromSql<'a> + std::fmt::Debug>(
    row: &'a tokio_postgres::Row,
    i: usize,
    name: &str,
) -> Value {
    match row.try_get::<_, Option<T>>(i) {
        Ok(Some(v)) => json!([name, format!("{:?}", v)]),
        Ok(None) => json!([name, "NULL"]),
        Err(e) => json!(["error", e.to_string()]),
    }
}

fn tp_value(row: &tokio_postgres::Row, i: usize) -> Value {
    let ty = row.columns()[i].type_().clone();
    match ty {
        Type::BOOL => cell::<bool>(row, i, "bool"),
        Type::INT2 => cell::<i16>(row, i, "i16"),
        Type::INT4 => cell::<i32>(row, i, "i32"),
        Type::INT8 => cell::<i64>(row, i, "i64"),
        Type::FLOAT4 => cell::<f32>(row, i, "f32"),
        Type::FLOAT8 => cell::<f64>(row, i, "f64"),
        Type::TEXT | Type::VARCHAR | Type::NAME | Type::BPCHAR | Type::UNKNOWN => {
            cell::<String>(row, i, "String")
        }
        Type::BYTEA => cell::<Vec<u8>>(row, i, "Vec<u8>"),
        Type::TIMESTAMP | Type::TIMESTAMPTZ => cell::<SystemTime>(row, i, "SystemTime"),
        Type::BOOL_ARRAY => cell::<Vec<Option<bool>>>(row, i, "Vec<Option<bool>>"),
        Type::INT4_ARRAY => cell::<Vec<Option<i32>>>(row, i, "Vec<Option<i32>>"),
        Type::INT8_ARRAY => cell::<Vec<Option<i64>>>(row, i, "Vec<Option<i64>>"),
        Type::FLOAT8_ARRAY => cell::<Vec<Option<f64>>>(row, i, "Vec<Option<f64>>"),
        Type::TEXT_ARRAY => cell::<Vec<Option<String>>>(row, i, "Vec<Option<String>>"),
        _ => match row.try_get::<_, Option<Raw>>(i) {
            Ok(Some(v)) => json!(["raw", hex(&v.0)]),
            Ok(None) => json!(["raw", "NULL"]),
            Err(e) => json!(["error", e.to_string()]),
        },
    }
}

fn tp_param(ty: &str, v: &Value) -> Result<Box<dyn ToSql + Sync + Send>, String> {
    if let Some(elem) = ty.strip_suffix("[]") {
        let items = v.as_array().ok_or("array value")?;
        return Ok(match elem {
            "int4" => Box::new(
                items
                    .iter()
                    .map(|e| e.as_str().map(|s| s.parse::<i32>().unwrap()))
                    .collect::<Vec<Option<i32>>>(),
            ),
            "text" => Box::new(
                items.iter().map(|e| e.as_str().map(String::from)).collect::<Vec<Option<String>>>(),
            ),
            _ => return Err(format!("unknown array type {ty}")),
        });
    }
    if v.is_null() {
        return Ok(match ty {
            "int4" => Box::new(None::<i32>),
            _ => Box::new(None::<String>),
        });
    }
    let s = if ty == "interval" {
        v["text"].as_str().unwrap().to_string()
    } else {
        v.as_str().ok_or("string value")?.to_string()
    };
    let e = |x: std::num::ParseIntError| x.to_string();
    Ok(match ty {
        "bool" => Box::new(s == "true"),
        "int2" => Box::new(s.parse::<i16>().map_err(e)?),
        "int4" => Box::new(s.parse::<i32>().map_err(e)?),
        "int8" => Box::new(s.parse::<i64>().map_err(e)?),
        "float4" => Box::new(s.parse::<f32>().map_err(|x| x.to_string())?),
        "float8" => Box::new(s.parse::<f64>().map_err(|x| x.to_string())?),
        "text" => Box::new(s),
        "bytea" => Box::new(
            (0..s.len())
                .step_by(2)
                .map(|k| u8::from_str_radix(&s[k..k + 2], 16).unwrap())
                .collect::<Vec<u8>>(),
        ),
        _ => Box::new(TextParam(s)),
    })
}

fn db_error_tp(e: &tokio_postgres::Error) -> Value {
    match e.as_db_error() {
        Some(d) => json!({"error": {"code": d.code().code(), "message": d.message()}}),
        None => json!({"error": {"code": "client", "message": e.to_string()}}),
    }
}

async fn run_tokio_postgres(dsn: &str, mode: &str, cases: &[Value]) -> Result<Map<String, Value>, BoxError> {
    let (client, conn) = tokio_postgres::connect(dsn, tokio_postgres::NoTls).await?;
    tokio::spawn(async move {
        let _ = conn.await;
    });
    let mut out = Map::new();
    for c in cases {
        let id = c["id"].as_str().unwrap().to_string();
        let sql = c["sql"].as_str().unwrap();
        let r = match mode {
            "prepared" => tp_prepared(&client, sql, c["params"].as_array().unwrap()).await,
            "simple" => tp_simple(&client, sql).await,
            _ => return Err(format!("unknown tokio-postgres mode {mode}").into()),
        };
        out.insert(id, r);
    }
    Ok(out)
}

async fn tp_prepared(client: &tokio_postgres::Client, sql: &str, params: &[Value]) -> Value {
    let mut args: Vec<Box<dyn ToSql + Sync + Send>> = Vec::new();
    for p in params {
        match tp_param(p["type"].as_str().unwrap(), &p["value"]) {
            Ok(a) => args.push(a),
            Err(e) => return json!({"error": {"code": "client", "message": e}}),
        }
    }
    let stmt = match client.prepare(sql).await {
        Ok(s) => s,
        Err(e) => return db_error_tp(&e),
    };
    let refs: Vec<&(dyn ToSql + Sync)> = args.iter().map(|a| a.as_ref() as &(dyn ToSql + Sync)).collect();
    let rows = match client.query(&stmt, &refs).await {
        Ok(r) => r,
        Err(e) => return db_error_tp(&e),
    };
    let columns: Vec<Value> = stmt
        .columns()
        .iter()
        .map(|c| json!({"name": c.name(), "type": c.type_().name()}))
        .collect();
    let params: Vec<Value> = stmt.params().iter().map(|t| json!(t.name())).collect();
    let rows: Vec<Value> = rows
        .iter()
        .map(|r| Value::Array((0..r.len()).map(|i| tp_value(r, i)).collect()))
        .collect();
    json!({"columns": columns, "params": params, "rows": rows})
}

async fn tp_simple(client: &tokio_postgres::Client, sql: &str) -> Value {
    let msgs = match client.simple_query(sql).await {
        Ok(m) => m,
        Err(e) => return db_error_tp(&e),
    };
    let mut columns = Vec::new();
    let mut rows = Vec::new();
    let mut tag = Value::Null;
    for m in msgs {
        match m {
            tokio_postgres::SimpleQueryMessage::RowDescription(cols) => {
                columns = cols.iter().map(|c| json!({"name": c.name()})).collect();
            }
            tokio_postgres::SimpleQueryMessage::Row(r) => {
                rows.push(Value::Array(
                    (0..r.len())
                        .map(|i| match r.get(i) {
                            Some(s) => json!(["&str", s]),
                            None => json!(["&str", "NULL"]),
                        })
                        .collect(),
                ));
            }
            tokio_postgres::SimpleQueryMessage::CommandComplete(n) => tag = json!(n),
            _ => {}
        }
    }
    json!({"columns": columns, "rows": rows, "tag": tag})
}

// ---------------------------------------------------------------------------------------------
// sqlx
// ---------------------------------------------------------------------------------------------
mod sq {
    use super::hex;
    use serde_json::{json, Value};
    use sqlx::error::BoxDynError;
    use sqlx::postgres::types::PgInterval;
    use sqlx::postgres::{PgArguments, PgConnection, PgTypeInfo, PgValueFormat, PgValueRef, Postgres};
    use sqlx::query::QueryAs;
    use sqlx::postgres::PgRow;
    use sqlx::{Arguments, Column, Connection, Decode, FromRow, Row, Type, TypeInfo, ValueRef};

    /// One value of a typed row: decoded with sqlx's own Decode impl for the column's type.
    pub struct Cell(pub &'static str, pub String);

    impl Type<Postgres> for Cell {
        fn type_info() -> PgTypeInfo {
            PgTypeInfo::with_name("unknown")
        }
        fn compatible(_: &PgTypeInfo) -> bool {
            true
        }
    }

    fn dec<'r, T: Decode<'r, Postgres> + std::fmt::Debug>(
        v: PgValueRef<'r>,
        name: &'static str,
    ) -> Result<Cell, BoxDynError> {
        Ok(Cell(name, format!("{:?}", T::decode(v)?)))
    }

    impl<'r> Decode<'r, Postgres> for Cell {
        fn decode(v: PgValueRef<'r>) -> Result<Self, BoxDynError> {
            if v.is_null() {
                return Ok(Cell("NULL", "NULL".into()));
            }
            let name = v.type_info().name().to_string();
            match name.as_str() {
                "BOOL" => dec::<bool>(v, "bool"),
                "INT2" => dec::<i16>(v, "i16"),
                "INT4" => dec::<i32>(v, "i32"),
                "INT8" => dec::<i64>(v, "i64"),
                "FLOAT4" => dec::<f32>(v, "f32"),
                "FLOAT8" => dec::<f64>(v, "f64"),
                "TEXT" | "VARCHAR" | "NAME" | "BPCHAR" | "UNKNOWN" => dec::<String>(v, "String"),
                "BYTEA" => dec::<Vec<u8>>(v, "Vec<u8>"),
                "INTERVAL" => dec::<PgInterval>(v, "PgInterval"),
                "BOOL[]" => dec::<Vec<Option<bool>>>(v, "Vec<Option<bool>>"),
                "INT4[]" => dec::<Vec<Option<i32>>>(v, "Vec<Option<i32>>"),
                "INT8[]" => dec::<Vec<Option<i64>>>(v, "Vec<Option<i64>>"),
                "FLOAT8[]" => dec::<Vec<Option<f64>>>(v, "Vec<Option<f64>>"),
                "TEXT[]" => dec::<Vec<Option<String>>>(v, "Vec<Option<String>>"),
                _ => {
                    let f = match v.format() {
                        PgValueFormat::Text => "text",
                        PgValueFormat::Binary => "binary",
                    };
                    Ok(Cell("raw", format!("{f}:{}", hex(v.as_bytes()?))))
                }
            }
        }
    }

    fn bind(args: &mut PgArguments, ty: &str, v: &Value) -> Result<(), String> {
        let e = |x: BoxDynError| x.to_string();
        if let Some(elem) = ty.strip_suffix("[]") {
            let items = v.as_array().ok_or("array value")?;
            return match elem {
                "int4" => args
                    .add(items.iter().map(|e| e.as_str().map(|s| s.parse::<i32>().unwrap())).collect::<Vec<Option<i32>>>())
                    .map_err(e),
                "text" => args
                    .add(items.iter().map(|e| e.as_str().map(String::from)).collect::<Vec<Option<String>>>())
                    .map_err(e),
                _ => Err(format!("unknown array type {ty}")),
            };
        }
        if v.is_null() {
            return match ty {
                "int4" => args.add(None::<i32>).map_err(e),
                _ => args.add(None::<String>).map_err(e),
            };
        }
        if ty == "interval" {
            let iv = PgInterval {
                months: v["months"].as_i64().unwrap() as i32,
                days: v["days"].as_i64().unwrap() as i32,
                microseconds: v["us"].as_i64().unwrap(),
            };
            return args.add(iv).map_err(e);
        }
        let s = v.as_str().ok_or("string value")?.to_string();
        match ty {
            "bool" => args.add(s == "true"),
            "int2" => args.add(s.parse::<i16>().unwrap()),
            "int4" => args.add(s.parse::<i32>().unwrap()),
            "int8" => args.add(s.parse::<i64>().unwrap()),
            "float4" => args.add(s.parse::<f32>().unwrap()),
            "float8" => args.add(s.parse::<f64>().unwrap()),
            "bytea" => args.add(
                (0..s.len()).step_by(2).map(|k| u8::from_str_radix(&s[k..k + 2], 16).unwrap()).collect::<Vec<u8>>(),
            ),
            // text, and the types with no Rust type in sqlx's default features: bound as text
            _ => args.add(s),
        }
        .map_err(e)
    }

    fn rows_json<R: IntoIterator<Item = Vec<Cell>>>(rows: R) -> Value {
        Value::Array(
            rows.into_iter()
                .map(|r| Value::Array(r.into_iter().map(|c| json!([c.0, c.1])).collect()))
                .collect(),
        )
    }

    fn err(e: sqlx::Error) -> Value {
        match e.as_database_error() {
            Some(d) => json!({"error": {"code": d.code().map(|c| c.to_string()).unwrap_or_default(), "message": d.message()}}),
            None => json!({"error": {"code": "client", "message": e.to_string()}}),
        }
    }

    /// A typed row: every column decoded as a Cell (what `#[derive(FromRow)]` generates, for a
    /// row whose arity varies by case).
    pub struct Cells(Vec<(String, Cell)>);

    impl<'r> FromRow<'r, PgRow> for Cells {
        fn from_row(row: &'r PgRow) -> Result<Self, sqlx::Error> {
            let mut out = Vec::new();
            for (i, col) in row.columns().iter().enumerate() {
                out.push((format!("{} {}", col.name(), col.type_info().name()), row.try_get::<Cell, _>(i)?));
            }
            Ok(Cells(out))
        }
    }

    pub async fn run(url: &str, cases: &[Value]) -> Result<serde_json::Map<String, Value>, sqlx::Error> {
        let mut conn = PgConnection::connect(url).await?;
        let mut out = serde_json::Map::new();
        for c in cases {
            let id = c["id"].as_str().unwrap().to_string();
            let sql = c["sql"].as_str().unwrap();
            let mut args = PgArguments::default();
            let mut bad = None;
            for p in c["params"].as_array().unwrap() {
                if let Err(e) = bind(&mut args, p["type"].as_str().unwrap(), &p["value"]) {
                    bad = Some(e);
                }
            }
            if let Some(e) = bad {
                out.insert(id, json!({"error": {"code": "client", "message": e}}));
                continue;
            }
            let q: QueryAs<'_, Postgres, Cells, PgArguments> =
                sqlx::query_as_with(sqlx::AssertSqlSafe(sql.to_string()), args);
            out.insert(id, match q.fetch_all(&mut conn).await {
                Ok(rows) => {
                    let columns: Vec<Value> = rows.first().map(|r| r.0.iter().map(|(n, _)| json!(n)).collect()).unwrap_or_default();
                    json!({"columns": columns, "rows": rows_json(rows.into_iter().map(|r| r.0.into_iter().map(|(_, c)| c).collect::<Vec<Cell>>()))})
                }
                Err(e) => err(e),
            });
        }
        conn.close().await?;
        Ok(out)
    }

}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() != 4 {
        eprintln!("usage: clientmatrix <tokio-postgres|sqlx> <mode> <dsn> < cases.json");
        std::process::exit(2);
    }
    let mut input = String::new();
    std::io::Read::read_to_string(&mut std::io::stdin(), &mut input).unwrap();
    let cases: Vec<Value> = serde_json::from_str(&input).expect("cases JSON");
    let out = match args[1].as_str() {
        "tokio-postgres" => run_tokio_postgres(&args[3], &args[2], &cases).await,
        "sqlx" => sq::run(&args[3], &cases).await.map_err(|e| e.into()),
        other => Err(format!("unknown client {other}").into()),
    };
    match out {
        Ok(m) => println!("{}", serde_json::to_string_pretty(&Value::Object(m)).unwrap()),
        Err(e) => {
            eprintln!("connect: {e}");
            std::process::exit(1);
        }
    }
}
