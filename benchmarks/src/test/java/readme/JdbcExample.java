package readme;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

public class JdbcExample {
    public static void main(String[] args) throws SQLException {
        String url = "jdbc:lb:mysql://primary:3306,replica1:3306,replica2:3306/shop"
                + "?lb.strategy=wlc&lb.maxLag=5s&lb.readYourWrites=session";
        try (Connection c = DriverManager.getConnection(url, "app", System.getenv("DB_PASSWORD"))) {
            c.setReadOnly(true);            // a caught-up, healthy replica chosen by weighted least connections
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT @@hostname")) {
                rs.next();
                System.out.println("read from " + rs.getString(1));
            }
        }
    }
}
