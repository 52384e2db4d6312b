// Prints pgjdbc's DatabaseMetaData.getColumns for one table, one line per column, so a test
// can compare riffq with PostgreSQL. Usage: java JdbcColumns <port> <db> <user> <schema> <table>
import java.sql.*;

public class JdbcColumns {
  public static void main(String[] a) throws Exception {
    String url = "jdbc:postgresql://127.0.0.1:" + a[0] + "/" + a[1];
    try (Connection c = DriverManager.getConnection(url, a[2], "");
        ResultSet rs = c.getMetaData().getColumns(null, a[3], a[4], "%")) {
      while (rs.next()) {
        System.out.println(rs.getString("COLUMN_NAME") + " | " + rs.getInt("DATA_TYPE") + " | "
            + rs.getString("TYPE_NAME") + " | " + rs.getInt("COLUMN_SIZE") + " | "
            + rs.getInt("DECIMAL_DIGITS") + " | " + rs.getInt("NULLABLE") + " | "
            + rs.getString("REMARKS") + " | " + rs.getString("COLUMN_DEF"));
      }
    }
  }
}
