// Prints pgjdbc's DatabaseMetaData answers for the catalog-emulation demo objects, field by
// field: every column of every row of getCatalogs, getSchemas, getTables (each type filter),
// getColumns, getPrimaryKeys, getImportedKeys / getExportedKeys / getCrossReference,
// getIndexInfo, getTypeInfo, getFunctions, getProcedures, getTablePrivileges,
// getColumnPrivileges, getUDTs, and the ResultSetMetaData of a query, one line per row, so that
// a test can compare a riffq server with PostgreSQL line by line.
// Usage: java JdbcCatalogMetadata <port> <database> <user> <schema.table>...
import java.sql.*;

public class JdbcCatalogMetadata {
  interface Call {
    ResultSet run() throws SQLException;
  }

  // A section prints its column labels and types once, then every row with every column; a
  // call that fails prints one ERROR line (with its SQLSTATE) instead of ending the program.
  static void dump(String title, Call call) {
    try (ResultSet rs = call.run()) {
      ResultSetMetaData m = rs.getMetaData();
      StringBuilder head = new StringBuilder(title).append(" | columns");
      for (int i = 1; i <= m.getColumnCount(); i++) {
        head.append(" | ").append(m.getColumnLabel(i)).append(':').append(m.getColumnType(i));
      }
      System.out.println(head);
      while (rs.next()) {
        StringBuilder sb = new StringBuilder(title);
        for (int i = 1; i <= m.getColumnCount(); i++) {
          sb.append(" | ").append(m.getColumnLabel(i)).append('=').append(rs.getString(i));
        }
        System.out.println(sb);
      }
    } catch (SQLException e) {
      System.out.println(title + " | ERROR " + e.getSQLState() + " " + e.getMessage());
    }
  }

  // ResultSetMetaData of a query over a table (what editors show for a result grid).
  static void resultMeta(Connection c, String table) {
    String title = "rsmd " + table;
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT * FROM " + table + " WHERE false")) {
      ResultSetMetaData m = rs.getMetaData();
      org.postgresql.PGResultSetMetaData pm = m.unwrap(org.postgresql.PGResultSetMetaData.class);
      for (int i = 1; i <= m.getColumnCount(); i++) {
        System.out.println(title + " | " + m.getColumnName(i) + " | label=" + m.getColumnLabel(i)
            + " | table=" + m.getTableName(i) + " | schema=" + m.getSchemaName(i)
            + " | base=" + pm.getBaseColumnName(i) + "@" + pm.getBaseSchemaName(i) + "."
            + pm.getBaseTableName(i)
            + " | type=" + m.getColumnType(i) + " " + m.getColumnTypeName(i)
            + " | class=" + m.getColumnClassName(i) + " | nullable=" + m.isNullable(i)
            + " | precision=" + m.getPrecision(i) + " | scale=" + m.getScale(i)
            + " | size=" + m.getColumnDisplaySize(i) + " | auto=" + m.isAutoIncrement(i)
            + " | signed=" + m.isSigned(i) + " | case=" + m.isCaseSensitive(i));
      }
    } catch (SQLException e) {
      System.out.println(title + " | ERROR " + e.getSQLState() + " " + e.getMessage());
    }
  }

  public static void main(String[] a) throws Exception {
    String url = "jdbc:postgresql://127.0.0.1:" + a[0] + "/" + a[1];
    try (Connection c = DriverManager.getConnection(url, a[2], "")) {
      DatabaseMetaData md = c.getMetaData();
      dump("catalogs", md::getCatalogs);
      dump("schemas", () -> md.getSchemas(null, "%"));
      dump("schemas_all", md::getSchemas);
      dump("tabletypes", md::getTableTypes);
      for (String type : new String[] {"TABLE", "VIEW", "INDEX", "SEQUENCE", "SYSTEM TABLE",
               "SYSTEM VIEW", "MATERIALIZED VIEW", "FOREIGN TABLE", "PARTITIONED TABLE",
               "TYPE"}) {
        dump("tables " + type, () -> md.getTables(null, null, "%", new String[] {type}));
      }
      dump("tables null-types", () -> md.getTables(null, "public", "%", null));
      dump("tables sales", () -> md.getTables(null, "sales", "%", null));
      for (int i = 3; i < a.length; i++) {
        String[] t = a[i].split("\\.");
        dump("columns " + a[i], () -> md.getColumns(null, t[0], t[1], "%"));
        dump("pk " + a[i], () -> md.getPrimaryKeys(null, t[0], t[1]));
        dump("fk " + a[i], () -> md.getImportedKeys(null, t[0], t[1]));
        dump("exported " + a[i], () -> md.getExportedKeys(null, t[0], t[1]));
        dump("index " + a[i], () -> md.getIndexInfo(null, t[0], t[1], false, false));
        dump("index-unique " + a[i], () -> md.getIndexInfo(null, t[0], t[1], true, true));
        dump("tableprivs " + a[i], () -> md.getTablePrivileges(null, t[0], t[1]));
        dump("colprivs " + a[i], () -> md.getColumnPrivileges(null, t[0], t[1], "%"));
        dump("bestrow " + a[i], () -> md.getBestRowIdentifier(null, t[0], t[1],
            DatabaseMetaData.bestRowSession, true));
        resultMeta(c, a[i]);
        for (int j = 3; j < a.length; j++) {
          String[] p = a[j].split("\\.");
          dump("cross " + a[j] + " -> " + a[i],
              () -> md.getCrossReference(null, p[0], p[1], null, t[0], t[1]));
        }
      }
      dump("columns sales.%", () -> md.getColumns(null, "sales", "%", "%"));
      dump("typeinfo", md::getTypeInfo);
      dump("functions public", () -> md.getFunctions(null, "public", "%"));
      dump("functions pg_get", () -> md.getFunctions(null, "pg_catalog", "pg_get_%def"));
      dump("functioncolumns", () ->
          md.getFunctionColumns(null, "pg_catalog", "pg_get_constraintdef", "%"));
      dump("procedures public", () -> md.getProcedures(null, "public", "%"));
      dump("procedures pg_get", () -> md.getProcedures(null, "pg_catalog", "pg_get_%def"));
      dump("udts", () -> md.getUDTs(null, null, "%", null));
      dump("tableprivs all", () -> md.getTablePrivileges(null, "sales", "%"));
    }
  }
}
