// Logs in to a riffq server with pgjdbc over TLS with a given channelBinding setting
// (require / disable) and prints "ok" and the answer of select 1, or the error.
import java.sql.*;
import java.util.Properties;

public class JdbcChannelBinding {
  public static void main(String[] a) throws Exception {
    Properties p = new Properties();
    p.setProperty("user", a[1]);
    p.setProperty("password", a[2]);
    p.setProperty("sslmode", a[3]);
    p.setProperty("channelBinding", a[4]);
    String url = "jdbc:postgresql://127.0.0.1:" + a[0] + "/db";
    try (Connection c = DriverManager.getConnection(url, p);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("select 1")) {
      rs.next();
      System.out.println("ok " + rs.getInt(1));
    } catch (SQLException e) {
      System.out.println("error " + e.getSQLState() + " " + e.getMessage());
    }
  }
}
