// pgjdbc CopyManager against a riffq server: COPY … FROM STDIN in CSV, the row count back,
// and a bad value reported with PostgreSQL's SQLSTATE (the connection stays usable).
import java.io.StringReader;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

public class JdbcCopyIn {
  public static void main(String[] args) throws Exception {
    String url = "jdbc:postgresql://127.0.0.1:" + args[0] + "/db";
    try (Connection c = DriverManager.getConnection(url, "u", "p")) {
      CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
      long n = copy.copyIn("COPY items (id, name) FROM STDIN WITH (FORMAT csv)",
                           new StringReader("1,one\n2,two\n3,\"th,ree\"\n"));
      System.out.println("copied " + n);
      try (Statement s = c.createStatement();
           ResultSet rs = s.executeQuery("select count(*) from items")) {
        rs.next();
        System.out.println("rows " + rs.getLong(1));
      }
      try {
        copy.copyIn("COPY items (id) FROM STDIN", new StringReader("x\n"));
      } catch (SQLException e) {
        System.out.println("error " + e.getSQLState());
      }
    }
  }
}
