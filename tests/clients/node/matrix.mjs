// Client matrix program for Node.js: runs a JSON list of cases (stdin) through node-postgres
// (`pg`) or postgres.js (`postgres`) and prints what the driver returned (stdout, JSON): per
// column the name and type, per value the JavaScript type and a canonical rendering.
// tests/python/test_client_matrix.py runs it against PostgreSQL 15 and against riffq.
//
//   node matrix.mjs <pg|postgres> <mode> <url>   < cases.json
//
// pg mode: "text" (pg's default: queries with values use Parse/Bind/Execute with text
// parameters of unspecified type and text results; without values the simple protocol).
// (pg's `binary: true` is not a mode: it sends the parameters' text bytes marked binary, so
// PostgreSQL itself reads garbage, and queries without values ignore it.)
// postgres modes: "prepare" (named prepared statements, postgres.js's default) and "unnamed"
// (prepare: false). postgres.js describes each statement and encodes parameters by the types
// the server reports.
import pg from "pg";
import postgres from "postgres";

const [, , lib, mode, url] = process.argv;

function readStdin() {
  return new Promise((resolve, reject) => {
    let data = "";
    process.stdin.setEncoding("utf8");
    process.stdin.on("data", (c) => (data += c));
    process.stdin.on("end", () => resolve(data));
    process.stdin.on("error", reject);
  });
}

// ------------------------------------------------------------------------------------------
// Rendering
// ------------------------------------------------------------------------------------------
function typeName(v) {
  if (v === null) return "null";
  if (v === undefined) return "undefined";
  if (Buffer.isBuffer(v)) return "Buffer";
  if (typeof v === "object") return v.constructor ? v.constructor.name : "Object";
  return typeof v;
}

function sortKeys(v) {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === "object" && !(v instanceof Date) && !Buffer.isBuffer(v)) {
    const out = {};
    for (const k of Object.keys(v).sort()) out[k] = sortKeys(v[k]);
    return out;
  }
  return v;
}

function render(v) {
  if (v === null || v === undefined) return "NULL";
  if (Buffer.isBuffer(v)) return "\\x" + v.toString("hex");
  if (v instanceof Date) return isNaN(v.getTime()) ? "Invalid Date" : v.toISOString();
  if (Array.isArray(v)) return "[" + v.map((e) => `${typeName(e)}(${render(e)})`).join(", ") + "]";
  if (typeof v === "number") return Object.is(v, -0) ? "-0" : String(v);
  if (typeof v === "bigint") return v.toString() + "n";
  if (typeof v === "object") return JSON.stringify(sortKeys(v));
  return String(v);
}

// ------------------------------------------------------------------------------------------
// Parameters as the JavaScript values a user of the driver would pass
// ------------------------------------------------------------------------------------------
function scalar(type, value) {
  if (value === null) return null;
  switch (type) {
    case "bool":
      return value === "true";
    case "int2":
    case "int4":
    case "float4":
    case "float8":
      return Number(value);
    case "int8":
      return lib === "postgres" ? BigInt(value) : value;
    case "numeric":
    case "text":
    case "uuid":
    case "time":
      return value;
    case "bytea":
      return Buffer.from(value, "hex");
    case "json":
    case "jsonb":
      return JSON.parse(value);
    case "date":
      return new Date(value + "T00:00:00Z");
    case "timestamp":
      return new Date(value + "Z");
    case "timestamptz":
      return new Date(value);
    case "interval":
      return value.text;
  }
  throw new Error(`unknown parameter type ${type}`);
}

function param(p) {
  if (p.type.endsWith("[]")) {
    const elem = p.type.slice(0, -2);
    return p.value.map((e) => scalar(elem, e));
  }
  return scalar(p.type, p.value);
}

function errorInfo(e) {
  return { code: e.code || "client", message: String(e.message) };
}

// ------------------------------------------------------------------------------------------
// node-postgres
// ------------------------------------------------------------------------------------------
async function runPg(cases) {
  if (mode !== "text") throw new Error(`unknown pg mode ${mode}`);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const out = {};
  try {
    for (const c of cases) {
      const values = c.params.map(param);
      const config = { text: c.sql, rowMode: "array" };
      if (values.length) config.values = values;
      try {
        const r = await client.query(config);
        out[c.id] = {
          columns: r.fields.map((f) => ({ name: f.name, type: `${f.dataTypeID} format=${f.format}` })),
          rows: r.rows.map((row) => row.map((v) => [typeName(v), render(v)])),
          tag: `${r.command} ${r.rowCount}`,
        };
      } catch (e) {
        out[c.id] = { error: errorInfo(e) };
      }
    }
  } finally {
    await client.end();
  }
  return out;
}

// ------------------------------------------------------------------------------------------
// postgres.js
// ------------------------------------------------------------------------------------------
async function runPostgres(cases) {
  if (mode !== "prepare" && mode !== "unnamed") throw new Error(`unknown postgres mode ${mode}`);
  const sql = postgres(url, { max: 1, prepare: mode === "prepare", onnotice: () => {}, connect_timeout: 10 });
  const out = {};
  try {
    await sql`select 1`; // connect now: a failure to connect fails the program
    for (const c of cases) {
      const values = c.params.map(param);
      try {
        const r = await sql.unsafe(c.sql, values).values();
        out[c.id] = {
          columns: r.columns.map((f) => ({ name: f.name, type: String(f.type) })),
          rows: Array.from(r, (row) => row.map((v) => [typeName(v), render(v)])),
          tag: `${r.command} ${r.count}`,
        };
      } catch (e) {
        out[c.id] = { error: errorInfo(e) };
      }
    }
  } finally {
    await sql.end({ timeout: 5 });
  }
  return out;
}

const cases = JSON.parse(await readStdin());
let out;
try {
  if (lib === "pg") out = await runPg(cases);
  else if (lib === "postgres") out = await runPostgres(cases);
  else throw new Error(`unknown client ${lib}`);
} catch (e) {
  console.error("connect:", e);
  process.exit(1);
}
process.stdout.write(JSON.stringify(out, null, 1) + "\n");
