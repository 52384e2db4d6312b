// Client matrix program for Java (pgjdbc): runs a JSON list of cases (stdin) and prints what the
// driver returned (stdout, JSON): per column the name and the driver's type name / java.sql.Types
// code / class name, per value the Java class and a canonical rendering of it.
// tests/python/test_client_matrix.py runs it with the newest pgjdbc from Maven Central and with
// Debian's, against PostgreSQL 15 and against riffq.
//
//   java -cp postgresql.jar:. ClientMatrix <mode> <jdbc url>   < cases.json
//
// Modes: "prepared" (PreparedStatement, prepareThreshold=1: named server-prepared statements
// from the first execution, binary transfer for the types pgjdbc reads in binary), "unprepared"
// (prepareThreshold=0: unnamed statements, text results), "simple" (preferQueryMode=simple:
// parameters inlined by pgjdbc, simple query protocol).
//
// A case may carry "setup" (statements run first), "fetch_size" (autocommit off and
// setFetchSize: rows come in portal-suspended chunks) and "batch" (lists of parameters run with
// addBatch / executeBatch before the query).
import java.math.BigDecimal;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.postgresql.util.PGInterval;
import org.postgresql.util.PGobject;

public class ClientMatrix {
  // ------------------------------------------------------------------------------------------
  // A small JSON reader / writer (the program has no dependency besides pgjdbc)
  // ------------------------------------------------------------------------------------------
  static final class Json {
    final String s;
    int i;

    Json(String s) {
      this.s = s;
    }

    Object value() {
      ws();
      char c = s.charAt(i);
      if (c == '{') {
        Map<String, Object> m = new LinkedHashMap<>();
        i++;
        ws();
        if (s.charAt(i) == '}') {
          i++;
          return m;
        }
        while (true) {
          ws();
          String k = (String) value();
          ws();
          i++; // ':'
          m.put(k, value());
          ws();
          if (s.charAt(i++) == '}') return m;
        }
      }
      if (c == '[') {
        List<Object> l = new ArrayList<>();
        i++;
        ws();
        if (s.charAt(i) == ']') {
          i++;
          return l;
        }
        while (true) {
          l.add(value());
          ws();
          if (s.charAt(i++) == ']') return l;
        }
      }
      if (c == '"') {
        StringBuilder b = new StringBuilder();
        i++;
        while (true) {
          char d = s.charAt(i++);
          if (d == '"') return b.toString();
          if (d == '\\') {
            char e = s.charAt(i++);
            switch (e) {
              case 'n': b.append('\n'); break;
              case 't': b.append('\t'); break;
              case 'r': b.append('\r'); break;
              case 'b': b.append('\b'); break;
              case 'f': b.append('\f'); break;
              case 'u': b.append((char) Integer.parseInt(s.substring(i, i + 4), 16)); i += 4; break;
              default: b.append(e);
            }
          } else {
            b.append(d);
          }
        }
      }
      if (s.startsWith("null", i)) {
        i += 4;
        return null;
      }
      if (s.startsWith("true", i)) {
        i += 4;
        return Boolean.TRUE;
      }
      if (s.startsWith("false", i)) {
        i += 5;
        return Boolean.FALSE;
      }
      int start = i;
      while (i < s.length() && "+-0123456789.eE".indexOf(s.charAt(i)) >= 0) i++;
      return Long.parseLong(s.substring(start, i));
    }

    void ws() {
      while (i < s.length() && Character.isWhitespace(s.charAt(i))) i++;
    }

    static void write(StringBuilder b, Object v) {
      if (v == null) {
        b.append("null");
      } else if (v instanceof String) {
        b.append('"');
        for (char c : ((String) v).toCharArray()) {
          if (c == '"' || c == '\\') b.append('\\').append(c);
          else if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
          else b.append(c);
        }
        b.append('"');
      } else if (v instanceof Map) {
        b.append('{');
        boolean first = true;
        for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
          if (!first) b.append(',');
          first = false;
          write(b, e.getKey());
          b.append(':');
          write(b, e.getValue());
        }
        b.append('}');
      } else if (v instanceof List) {
        b.append('[');
        boolean first = true;
        for (Object e : (List<?>) v) {
          if (!first) b.append(',');
          first = false;
          write(b, e);
        }
        b.append(']');
      } else {
        b.append(v);
      }
    }
  }

  // ------------------------------------------------------------------------------------------
  // Rendering
  // ------------------------------------------------------------------------------------------
  static String typeName(Object v) {
    return v == null ? "null" : v.getClass().getName();
  }

  static String render(Object v) throws SQLException {
    if (v == null) return "NULL";
    if (v instanceof byte[]) return "\\x" + HexFormat.of().formatHex((byte[]) v);
    if (v instanceof Array) return render(((Array) v).getArray());
    if (v instanceof Object[]) {
      StringBuilder b = new StringBuilder("[");
      Object[] a = (Object[]) v;
      for (int k = 0; k < a.length; k++) {
        if (k > 0) b.append(", ");
        b.append(typeName(a[k])).append('(').append(render(a[k])).append(')');
      }
      return b.append(']').toString();
    }
    if (v instanceof PGobject) {
      PGobject o = (PGobject) v;
      return o.getType() + ":" + o.getValue();
    }
    if (v instanceof java.sql.Timestamp) {
      java.sql.Timestamp t = (java.sql.Timestamp) v;
      return t.toString() + " ms=" + t.getTime() + " ns=" + t.getNanos();
    }
    if (v instanceof java.util.Date) return v.toString() + " ms=" + ((java.util.Date) v).getTime();
    if (v instanceof BigDecimal) return ((BigDecimal) v).toString() + " scale=" + ((BigDecimal) v).scale();
    return v.toString();
  }

  // ------------------------------------------------------------------------------------------
  // Parameters: the Java values a user of pgjdbc would bind
  // ------------------------------------------------------------------------------------------
  static void bind(Connection conn, PreparedStatement ps, int idx, String type, Object value)
      throws SQLException {
    if (type.endsWith("[]")) {
      String elem = type.substring(0, type.length() - 2);
      List<?> l = (List<?>) value;
      Object[] arr = elem.equals("int4") ? new Integer[l.size()] : new String[l.size()];
      for (int k = 0; k < l.size(); k++) {
        Object e = l.get(k);
        arr[k] = e == null ? null : elem.equals("int4") ? Integer.valueOf((String) e) : e;
      }
      ps.setArray(idx, conn.createArrayOf(elem, arr));
      return;
    }
    if (value == null) {
      int sqlType;
      switch (type) {
        case "int4": sqlType = java.sql.Types.INTEGER; break;
        default: sqlType = java.sql.Types.VARCHAR;
      }
      ps.setNull(idx, sqlType);
      return;
    }
    switch (type) {
      case "bool": ps.setBoolean(idx, value.equals("true")); break;
      case "int2": ps.setShort(idx, Short.parseShort((String) value)); break;
      case "int4": ps.setInt(idx, Integer.parseInt((String) value)); break;
      case "int8": ps.setLong(idx, Long.parseLong((String) value)); break;
      case "float4": ps.setFloat(idx, Float.parseFloat((String) value)); break;
      case "float8": ps.setDouble(idx, Double.parseDouble((String) value)); break;
      case "numeric": ps.setBigDecimal(idx, new BigDecimal((String) value)); break;
      case "text": ps.setString(idx, (String) value); break;
      case "bytea": ps.setBytes(idx, HexFormat.of().parseHex((String) value)); break;
      case "uuid": ps.setObject(idx, UUID.fromString((String) value)); break;
      case "json":
      case "jsonb": {
        PGobject o = new PGobject();
        o.setType(type);
        o.setValue((String) value);
        ps.setObject(idx, o);
        break;
      }
      case "date": ps.setObject(idx, LocalDate.parse((String) value)); break;
      case "time": ps.setObject(idx, LocalTime.parse((String) value)); break;
      case "timestamp": ps.setObject(idx, LocalDateTime.parse((String) value)); break;
      case "timestamptz": ps.setObject(idx, OffsetDateTime.parse((String) value)); break;
      case "interval": ps.setObject(idx, new PGInterval((String) ((Map<?, ?>) value).get("text"))); break;
      default: throw new IllegalArgumentException("unknown parameter type " + type);
    }
  }

  static Map<String, Object> error(SQLException e) {
    Map<String, Object> err = new LinkedHashMap<>();
    err.put("code", e.getSQLState() == null ? "client" : e.getSQLState());
    err.put("message", String.valueOf(e.getMessage()));
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("error", err);
    return r;
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> runCase(Connection conn, Map<String, Object> c) {
    String sql = ((String) c.get("sql")).replaceAll("\\$\\d+", "?");
    List<Map<String, Object>> params = (List<Map<String, Object>>) c.get("params");
    Long fetchSize = (Long) c.get("fetch_size");
    try {
      for (Object s : (List<Object>) c.getOrDefault("setup", List.of())) {
        try (Statement st = conn.createStatement()) {
          st.execute((String) s);
        }
      }
      List<Object> batchCounts = new ArrayList<>();
      if (c.get("batch") != null) {
        Map<String, Object> batch = (Map<String, Object>) c.get("batch");
        try (PreparedStatement ps = conn.prepareStatement((String) batch.get("sql"))) {
          for (List<Map<String, Object>> row : (List<List<Map<String, Object>>>) batch.get("rows")) {
            for (int k = 0; k < row.size(); k++)
              bind(conn, ps, k + 1, (String) row.get(k).get("type"), row.get(k).get("value"));
            ps.addBatch();
          }
          for (int n : ps.executeBatch()) batchCounts.add((long) n);
        }
      }
      if (fetchSize != null) conn.setAutoCommit(false);
      Map<String, Object> r = new LinkedHashMap<>();
      try (PreparedStatement ps = conn.prepareStatement(sql)) {
        if (fetchSize != null) ps.setFetchSize(fetchSize.intValue());
        for (int k = 0; k < params.size(); k++)
          bind(conn, ps, k + 1, (String) params.get(k).get("type"), params.get(k).get("value"));
        // Twice: with prepareThreshold=1 the second execution reuses the server-prepared
        // statement (Bind/Execute only, binary results where pgjdbc reads them).
        for (int round = 0; round < 2; round++) {
          try (ResultSet rs = ps.executeQuery()) {
            ResultSetMetaData md = rs.getMetaData();
            List<Object> cols = new ArrayList<>();
            for (int k = 1; k <= md.getColumnCount(); k++) {
              Map<String, Object> col = new LinkedHashMap<>();
              col.put("name", md.getColumnLabel(k));
              col.put("type", md.getColumnTypeName(k) + " sqltype=" + md.getColumnType(k) + " class="
                  + md.getColumnClassName(k));
              cols.add(col);
            }
            List<Object> rows = new ArrayList<>();
            while (rs.next()) {
              List<Object> row = new ArrayList<>();
              for (int k = 1; k <= md.getColumnCount(); k++) {
                Object v = rs.getObject(k);
                row.add(List.of(typeName(v), render(v)));
              }
              rows.add(row);
            }
            r.put(round == 0 ? "columns" : "columns_again", cols);
            r.put(round == 0 ? "rows" : "rows_again", rows);
          }
        }
      }
      if (!batchCounts.isEmpty()) r.put("batch_counts", batchCounts);
      if (fetchSize != null) {
        conn.commit();
        conn.setAutoCommit(true);
      }
      return r;
    } catch (SQLException e) {
      try {
        if (!conn.getAutoCommit()) {
          conn.rollback();
          conn.setAutoCommit(true);
        }
      } catch (SQLException ignored) {
      }
      return error(e);
    } catch (RuntimeException e) {
      Map<String, Object> err = new LinkedHashMap<>();
      err.put("code", "client");
      err.put("message", e.toString());
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("error", err);
      return r;
    }
  }

  @SuppressWarnings("unchecked")
  public static void main(String[] args) throws Exception {
    String mode = args[0];
    String url = args[1];
    switch (mode) {
      case "prepared": url += "&prepareThreshold=1"; break;
      case "unprepared": url += "&prepareThreshold=0"; break;
      case "simple": url += "&preferQueryMode=simple"; break;
      default: throw new IllegalArgumentException("unknown mode " + mode);
    }
    String input = new String(System.in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    List<Object> cases = (List<Object>) new Json(input).value();
    Map<String, Object> out = new LinkedHashMap<>();
    try (Connection conn = DriverManager.getConnection(url)) {
      for (Object o : cases) {
        Map<String, Object> c = (Map<String, Object>) o;
        out.put((String) c.get("id"), runCase(conn, c));
      }
    }
    StringBuilder b = new StringBuilder();
    Json.write(b, out);
    System.out.write(b.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
    System.out.println();
    System.out.flush();
  }
}
