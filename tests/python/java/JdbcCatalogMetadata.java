// Prints pgjdbc's DatabaseMetaData answers for the catalog-emulation demo objects
// (getSchemas, getTables, getColumns, getPrimaryKeys, getImportedKeys, getIndexInfo), one line
// per row, so that a test can compare a riffq server with PostgreSQL line by line.
// Usage: java JdbcCatalogMetadata <port> <database> <user>
import java.sql.*;

public class JdbcCatalogMetadata {
  interface Call {
    ResultSet run() throws SQLException;
  }

  // A call that fails prints one ERROR line (with its SQLSTATE) instead of ending the program.
  static void dump(String title, Call call, String... cols) {
    try (ResultSet rs = call.run()) {
      while (rs.next()) {
        StringBuilder sb = new StringBuilder(title);
        for (String c : cols) {
          sb.append(" | ").append(c).append('=').append(rs.getString(c));
        }
        System.out.println(sb);
      }
    } catch (SQLException e) {
      System.out.println(title + " | ERROR " + e.getSQLState() + " " + e.getMessage());
    }
  }

  public static void main(String[] a) throws Exception {
    String url = "jdbc:postgresql://127.0.0.1:" + a[0] + "/" + a[1];
    try (Connection c = DriverManager.getConnection(url, a[2], "")) {
      DatabaseMetaData md = c.getMetaData();
      dump("schemas", () -> md.getSchemas(null, "%"), "TABLE_SCHEM", "TABLE_CATALOG");
      dump("tables", () -> md.getTables(null, null, "%", new String[] {"TABLE", "VIEW"}),
          "TABLE_CAT", "TABLE_SCHEM", "TABLE_NAME", "TABLE_TYPE", "REMARKS");
      for (String[] t : new String[][] {{"public", "customers"}, {"public", "orders"},
               {"sales", "regions"}, {"public", "active_customers"}}) {
        dump("columns", () -> md.getColumns(null, t[0], t[1], "%"), "TABLE_SCHEM", "TABLE_NAME",
            "COLUMN_NAME", "DATA_TYPE", "TYPE_NAME", "COLUMN_SIZE", "DECIMAL_DIGITS",
            "NULLABLE", "REMARKS", "COLUMN_DEF", "ORDINAL_POSITION", "IS_NULLABLE",
            "IS_AUTOINCREMENT");
        dump("pk", () -> md.getPrimaryKeys(null, t[0], t[1]), "TABLE_SCHEM", "TABLE_NAME",
            "COLUMN_NAME", "KEY_SEQ", "PK_NAME");
        dump("fk", () -> md.getImportedKeys(null, t[0], t[1]), "PKTABLE_SCHEM", "PKTABLE_NAME",
            "PKCOLUMN_NAME", "FKTABLE_SCHEM", "FKTABLE_NAME", "FKCOLUMN_NAME", "KEY_SEQ",
            "UPDATE_RULE", "DELETE_RULE", "FK_NAME", "PK_NAME");
        dump("index", () -> md.getIndexInfo(null, t[0], t[1], false, false), "TABLE_SCHEM",
            "TABLE_NAME", "NON_UNIQUE", "INDEX_NAME", "TYPE", "ORDINAL_POSITION",
            "COLUMN_NAME", "ASC_OR_DESC");
      }
    }
  }
}
