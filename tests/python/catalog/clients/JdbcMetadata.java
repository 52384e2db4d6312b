// Calls pgjdbc's DatabaseMetaData the way tools do, so that the statements it sends can be
// captured from the server's log (tests/python/catalog/corpus_diff.py --capture-clients).
import java.sql.*;

public class JdbcMetadata {
  static void drain(ResultSet rs) throws SQLException {
    while (rs.next()) {}
    rs.close();
  }

  public static void main(String[] args) throws Exception {
    try (Connection c = DriverManager.getConnection(args[0], "postgres", "")) {
      DatabaseMetaData md = c.getMetaData();
      drain(md.getCatalogs());
      drain(md.getSchemas());
      drain(md.getSchemas(null, "pub%"));
      drain(md.getTableTypes());
      drain(md.getTables(null, "public", "%", null));
      drain(md.getTables(null, null, "users", new String[] {"TABLE", "VIEW"}));
      drain(md.getColumns(null, "public", "users", "%"));
      drain(md.getColumns(null, "sales", "%", null));
      drain(md.getPrimaryKeys(null, "public", "users"));
      drain(md.getImportedKeys(null, "public", "orders"));
      drain(md.getExportedKeys(null, "public", "users"));
      drain(md.getIndexInfo(null, "public", "users", false, true));
      drain(md.getTypeInfo());
      drain(md.getUDTs(null, null, null, null));
      drain(md.getColumnPrivileges(null, "public", "users", "%"));
      drain(md.getTablePrivileges(null, "public", "users"));
      drain(md.getBestRowIdentifier(null, "public", "users", DatabaseMetaData.bestRowSession, true));
      drain(md.getVersionColumns(null, "public", "users"));
      drain(md.getProcedures(null, "public", "%"));
      drain(md.getFunctions(null, "pg_catalog", "array_to%"));
      drain(md.getFunctionColumns(null, "pg_catalog", "array_to_string", "%"));
      try (Statement s = c.createStatement()) {
        ResultSet rs = s.executeQuery("SELECT id, name, tags FROM public.users");
        ResultSetMetaData m = rs.getMetaData();
        for (int i = 1; i <= m.getColumnCount(); ++i) {
          m.isNullable(i);
          m.isAutoIncrement(i);
          m.getColumnTypeName(i);
        }
        drain(rs);
      }
    }
  }
}
