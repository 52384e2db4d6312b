// Drives a riffq server through pgjdbc: simple statements, server-side prepared statements
// (named after prepareThreshold uses), metadata of result columns, and transactions.
import java.sql.*;

public class JdbcSmoke {
  public static void main(String[] a) throws Exception {
    String url = "jdbc:postgresql://127.0.0.1:" + a[0] + "/db";
    try (Connection c = DriverManager.getConnection(url, "user", "secret")) {
      try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("select 1")) {
        rs.next();
        System.out.println("simple " + rs.getInt(1));
      }
      for (int i = 0; i < 7; i++) {
        try (PreparedStatement ps = c.prepareStatement("select 'ok' as status where 1 = ?")) {
          ps.setInt(1, 1);
          try (ResultSet rs = ps.executeQuery()) {
            rs.next();
            System.out.println("prepared " + i + " " + rs.getString("status") + " "
                + rs.getMetaData().getColumnTypeName(1));
          }
        }
      }
      c.setAutoCommit(false);
      try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("select 1")) {
        rs.next();
      }
      c.commit();
      System.out.println("committed");
      try (Statement s = c.createStatement()) {
        s.executeQuery("select fail");
      } catch (SQLException e) {
        System.out.println("error " + e.getSQLState());
      }
      c.rollback();
      System.out.println("rolled back");
    }
  }
}
