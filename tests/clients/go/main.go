// Client matrix program for Go: runs a JSON list of cases (stdin) through pgx v5 or lib/pq and
// prints what the driver returned (stdout, JSON): per column the name and type, per value the Go
// type the driver chose and a canonical rendering of it. tests/python/test_client_matrix.py runs
// it against PostgreSQL 15 and against riffq and compares the two outputs case by case.
//
//	clientmatrix <pgx|pq> <mode> <dsn>   < cases.json
//
// pgx modes: "extended" (the default QueryExecModeCacheStatement: Parse/Describe, binary
// parameters and results), "describe" (QueryExecModeDescribeExec, unnamed statements) and
// "simple" (simple query protocol, text results, parameters interpolated by pgx).
// pq modes: "text" (lib/pq's default: text parameters and results) and "binary"
// (binary_parameters=yes).
package main

import (
	"context"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/lib/pq"
)

type Param struct {
	Type  string          `json:"type"`
	Value json.RawMessage `json:"value"`
}

type Case struct {
	ID     string  `json:"id"`
	SQL    string  `json:"sql"`
	Params []Param `json:"params"`
}

type Column struct {
	Name string `json:"name"`
	Type string `json:"type"`
}

type Result struct {
	Columns []Column      `json:"columns,omitempty"`
	Rows    [][][2]string `json:"rows,omitempty"`
	Tag     string        `json:"tag,omitempty"`
	Error   *ErrorInfo    `json:"error,omitempty"`
}

type ErrorInfo struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

func errInfo(err error) *ErrorInfo {
	var pge *pgconn.PgError
	if errors.As(err, &pge) {
		return &ErrorInfo{Code: pge.Code, Message: pge.Message}
	}
	var pqe *pq.Error
	if errors.As(err, &pqe) {
		return &ErrorInfo{Code: string(pqe.Code), Message: pqe.Message}
	}
	return &ErrorInfo{Code: "client", Message: err.Error()}
}

// ---------------------------------------------------------------------------------------------
// Rendering: deterministic text for any value a driver returns.
// ---------------------------------------------------------------------------------------------

func render(v any) string {
	switch x := v.(type) {
	case nil:
		return "NULL"
	case time.Time:
		return x.Format("2006-01-02T15:04:05.999999999Z07:00") + " " + x.Location().String()
	case []byte:
		return "\\x" + hex.EncodeToString(x)
	case float32:
		return fmtFloat(float64(x), 32)
	case float64:
		return fmtFloat(x, 64)
	case [16]uint8:
		return hex.EncodeToString(x[:])
	case string:
		return x
	case pgtype.Numeric:
		if !x.Valid {
			return "NULL"
		}
		b, err := x.MarshalJSON()
		if err != nil {
			return "error: " + err.Error()
		}
		return fmt.Sprintf("%s (int=%s exp=%d nan=%v inf=%d)", b, x.Int, x.Exp, x.NaN, x.InfinityModifier)
	case pgtype.Interval:
		return fmt.Sprintf("months=%d days=%d us=%d valid=%v", x.Months, x.Days, x.Microseconds, x.Valid)
	case pgtype.Time:
		return fmt.Sprintf("us=%d valid=%v", x.Microseconds, x.Valid)
	case pgtype.InfinityModifier:
		return x.String()
	case fmt.Stringer:
		return x.String()
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Slice, reflect.Array:
		parts := make([]string, rv.Len())
		for i := range parts {
			parts[i] = typed(rv.Index(i).Interface())
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case reflect.Map:
		keys := make([]string, 0, rv.Len())
		for _, k := range rv.MapKeys() {
			keys = append(keys, fmt.Sprint(k.Interface()))
		}
		sort.Strings(keys)
		parts := make([]string, len(keys))
		for i, k := range keys {
			parts[i] = k + ": " + typed(rv.MapIndex(reflect.ValueOf(k)).Interface())
		}
		return "{" + strings.Join(parts, ", ") + "}"
	case reflect.Pointer:
		if rv.IsNil() {
			return "NULL"
		}
		return render(rv.Elem().Interface())
	}
	return fmt.Sprintf("%v", v)
}

func typed(v any) string {
	return fmt.Sprintf("%T(%s)", v, render(v))
}

func fmtFloat(f float64, bits int) string {
	if math.IsNaN(f) {
		return "NaN"
	}
	if f == 0 && math.Signbit(f) {
		return "-0"
	}
	return strconv.FormatFloat(f, 'g', -1, bits)
}

// ---------------------------------------------------------------------------------------------
// Parameters: the case's (type, JSON value) as the Go value a user of the driver would pass.
// ---------------------------------------------------------------------------------------------

type intervalValue struct {
	Months int32  `json:"months"`
	Days   int32  `json:"days"`
	Us     int64  `json:"us"`
	Text   string `json:"text"`
}

func scalar(typ string, raw json.RawMessage, lib string) (any, error) {
	if string(raw) == "null" {
		return nil, nil
	}
	var s string
	if typ != "interval" {
		if err := json.Unmarshal(raw, &s); err != nil {
			return nil, fmt.Errorf("param %s: %w", typ, err)
		}
	}
	switch typ {
	case "bool":
		return s == "true", nil
	case "int2":
		n, err := strconv.ParseInt(s, 10, 16)
		if lib == "pq" {
			return n, err
		}
		return int16(n), err
	case "int4":
		n, err := strconv.ParseInt(s, 10, 32)
		if lib == "pq" {
			return n, err
		}
		return int32(n), err
	case "int8":
		n, err := strconv.ParseInt(s, 10, 64)
		return n, err
	case "float4":
		f, err := strconv.ParseFloat(s, 32)
		if lib == "pq" {
			return f, err
		}
		return float32(f), err
	case "float8":
		return strconv.ParseFloat(s, 64)
	case "numeric":
		if lib == "pq" {
			return s, nil
		}
		var n pgtype.Numeric
		return n, n.Scan(s)
	case "text":
		return s, nil
	case "bytea":
		return hex.DecodeString(s)
	case "uuid":
		if lib == "pq" {
			return s, nil
		}
		var u pgtype.UUID
		return u, u.Scan(s)
	case "json", "jsonb":
		if lib == "pq" {
			return s, nil
		}
		var v any
		return v, json.Unmarshal([]byte(s), &v)
	case "date":
		return time.Parse("2006-01-02", s)
	case "time":
		if lib == "pq" {
			return s, nil
		}
		t, err := time.Parse("15:04:05.999999", s)
		if err != nil {
			return nil, err
		}
		us := int64(t.Hour())*3600e6 + int64(t.Minute())*60e6 + int64(t.Second())*1e6 + int64(t.Nanosecond()/1000)
		return pgtype.Time{Microseconds: us, Valid: true}, nil
	case "timestamp":
		return time.Parse("2006-01-02T15:04:05.999999", s)
	case "timestamptz":
		return time.Parse(time.RFC3339Nano, s)
	case "interval":
		var iv intervalValue
		if err := json.Unmarshal(raw, &iv); err != nil {
			return nil, err
		}
		if lib == "pq" {
			return iv.Text, nil
		}
		return pgtype.Interval{Months: iv.Months, Days: iv.Days, Microseconds: iv.Us, Valid: true}, nil
	}
	return nil, fmt.Errorf("unknown parameter type %q", typ)
}

func param(p Param, lib string) (any, error) {
	if !strings.HasSuffix(p.Type, "[]") {
		return scalar(p.Type, p.Value, lib)
	}
	var elems []json.RawMessage
	if err := json.Unmarshal(p.Value, &elems); err != nil {
		return nil, err
	}
	elem := strings.TrimSuffix(p.Type, "[]")
	switch elem {
	case "int4":
		out := make([]*int32, len(elems))
		for i, e := range elems {
			v, err := scalar(elem, e, "pgx")
			if err != nil {
				return nil, err
			}
			if v != nil {
				n := v.(int32)
				out[i] = &n
			}
		}
		if lib == "pq" {
			return pq.Array(out), nil
		}
		return out, nil
	case "text":
		out := make([]*string, len(elems))
		for i, e := range elems {
			v, err := scalar(elem, e, "pgx")
			if err != nil {
				return nil, err
			}
			if v != nil {
				s := v.(string)
				out[i] = &s
			}
		}
		if lib == "pq" {
			return pq.Array(out), nil
		}
		return out, nil
	}
	return nil, fmt.Errorf("unknown array parameter type %q", p.Type)
}

func params(c Case, lib string) ([]any, error) {
	out := make([]any, len(c.Params))
	for i, p := range c.Params {
		v, err := param(p, lib)
		if err != nil {
			return nil, err
		}
		out[i] = v
	}
	return out, nil
}

// ---------------------------------------------------------------------------------------------
// pgx
// ---------------------------------------------------------------------------------------------

func runPgx(ctx context.Context, dsn, mode string, cases []Case) (map[string]Result, error) {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, err
	}
	switch mode {
	case "extended":
		cfg.DefaultQueryExecMode = pgx.QueryExecModeCacheStatement
	case "describe":
		cfg.DefaultQueryExecMode = pgx.QueryExecModeDescribeExec
	case "simple":
		cfg.DefaultQueryExecMode = pgx.QueryExecModeSimpleProtocol
	default:
		return nil, fmt.Errorf("unknown pgx mode %q", mode)
	}
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return nil, err
	}
	defer conn.Close(ctx)
	out := map[string]Result{}
	for _, c := range cases {
		out[c.ID] = pgxCase(ctx, conn, c)
	}
	return out, nil
}

func pgxCase(ctx context.Context, conn *pgx.Conn, c Case) Result {
	args, err := params(c, "pgx")
	if err != nil {
		return Result{Error: &ErrorInfo{Code: "client", Message: err.Error()}}
	}
	rows, err := conn.Query(ctx, c.SQL, args...)
	if err != nil {
		return Result{Error: errInfo(err)}
	}
	defer rows.Close()
	var res Result
	tm := conn.TypeMap()
	for _, fd := range rows.FieldDescriptions() {
		name := strconv.Itoa(int(fd.DataTypeOID))
		if t, ok := tm.TypeForOID(fd.DataTypeOID); ok {
			name = t.Name
		}
		res.Columns = append(res.Columns, Column{Name: fd.Name, Type: fmt.Sprintf("%s format=%d", name, fd.Format)})
	}
	for rows.Next() {
		vals, err := rows.Values()
		if err != nil {
			return Result{Error: errInfo(err)}
		}
		row := make([][2]string, len(vals))
		for i, v := range vals {
			row[i] = [2]string{fmt.Sprintf("%T", v), render(v)}
		}
		res.Rows = append(res.Rows, row)
	}
	if err := rows.Err(); err != nil {
		return Result{Error: errInfo(err)}
	}
	res.Tag = rows.CommandTag().String()
	return res
}

// ---------------------------------------------------------------------------------------------
// lib/pq through database/sql
// ---------------------------------------------------------------------------------------------

func runPq(ctx context.Context, dsn, mode string, cases []Case) (map[string]Result, error) {
	switch mode {
	case "text":
	case "binary":
		dsn += " binary_parameters=yes"
	default:
		return nil, fmt.Errorf("unknown pq mode %q", mode)
	}
	db, err := sql.Open("postgres", dsn)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	if err := db.PingContext(ctx); err != nil {
		return nil, err
	}
	out := map[string]Result{}
	for _, c := range cases {
		out[c.ID] = pqCase(ctx, db, c)
	}
	return out, nil
}

func pqCase(ctx context.Context, db *sql.DB, c Case) Result {
	args, err := params(c, "pq")
	if err != nil {
		return Result{Error: &ErrorInfo{Code: "client", Message: err.Error()}}
	}
	rows, err := db.QueryContext(ctx, c.SQL, args...)
	if err != nil {
		return Result{Error: errInfo(err)}
	}
	defer rows.Close()
	var res Result
	cts, err := rows.ColumnTypes()
	if err != nil {
		return Result{Error: errInfo(err)}
	}
	for _, ct := range cts {
		res.Columns = append(res.Columns, Column{Name: ct.Name(), Type: ct.DatabaseTypeName() + " scan=" + ct.ScanType().String()})
	}
	for rows.Next() {
		vals := make([]any, len(cts))
		ptrs := make([]any, len(cts))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return Result{Error: errInfo(err)}
		}
		row := make([][2]string, len(vals))
		for i, v := range vals {
			row[i] = [2]string{fmt.Sprintf("%T", v), render(v)}
		}
		res.Rows = append(res.Rows, row)
	}
	if err := rows.Err(); err != nil {
		return Result{Error: errInfo(err)}
	}
	return res
}

func main() {
	if len(os.Args) != 4 {
		fmt.Fprintln(os.Stderr, "usage: clientmatrix <pgx|pq> <mode> <dsn> < cases.json")
		os.Exit(2)
	}
	var cases []Case
	if err := json.NewDecoder(os.Stdin).Decode(&cases); err != nil {
		fmt.Fprintln(os.Stderr, "reading cases:", err)
		os.Exit(2)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()
	var out map[string]Result
	var err error
	switch os.Args[1] {
	case "pgx":
		out, err = runPgx(ctx, os.Args[3], os.Args[2], cases)
	case "pq":
		out, err = runPq(ctx, os.Args[3], os.Args[2], cases)
	default:
		err = fmt.Errorf("unknown client %q", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "connect:", err)
		os.Exit(1)
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", " ")
	if err := enc.Encode(out); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
