import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * How drdaplex-odbm maps the JDBC database name to a datastore, seen from the client: an alias
 * owned by one datastore (IO1A, IO2A), a datastore's own name (IMS1), an alias shared by two
 * datastores (IM1A, served round-robin per connection), the DRDAPLEX_DATASTORE() and
 * DRDAPLEX_ODBM() functions that tell which one answered, and data sharing (a row written
 * through IMS1 is read through IMS2, which serve the same SQLite file).
 *
 * <p>Usage: {@code RoutingScenario PORT [HOST [ODBM_NAME]]}; expects the configuration of
 * OdbmConfig::SharedPair (IMS1: IM1A, IO1A; IMS2: IM1A, IO2A; one shared file; app / secret) and
 * ODBM name ODBMB1 unless given. Output contract: see {@link Check}.
 */
public final class RoutingScenario {
  private static final String CREDENTIALS = ";user=app;password=secret";

  private RoutingScenario() {}

  public static void main(String[] args) {
    int port = Check.port(args, "RoutingScenario PORT [HOST [ODBM_NAME]]");
    String host = Check.host(args);
    String odbm = args.length >= 3 ? args[2] : "ODBMB1";
    Check.main("RoutingScenario", () -> run(host, port, odbm));
  }

  static String datastoreOf(Connection connection) throws SQLException {
    return Check.queryString(connection, "VALUES DRDAPLEX_DATASTORE()").trim();
  }

  static void run(String host, int port, String odbm) throws Exception {
    Check.step("alias-io1a");
    try (Connection io1a = Check.connect(Check.url(host, port, "IO1A", CREDENTIALS))) {
      Check.equal("alias-io1a", "VALUES DRDAPLEX_DATASTORE() through IO1A", "IMS1",
          datastoreOf(io1a));
      Check.equal("alias-io1a", "SELECT DRDAPLEX_DATASTORE() FROM SYSIBM.SYSDUMMY1 through IO1A",
          "IMS1",
          Check.queryString(io1a, "SELECT DRDAPLEX_DATASTORE() FROM SYSIBM.SYSDUMMY1").trim());
      Check.ok("alias-io1a", "IO1A is served by IMS1");

      Check.step("odbm-name");
      Check.equal("odbm-name", "VALUES DRDAPLEX_ODBM()", odbm,
          Check.queryString(io1a, "VALUES DRDAPLEX_ODBM()").trim());
      Check.ok("odbm-name", odbm);
    }

    Check.step("alias-io2a");
    try (Connection io2a = Check.connect(Check.url(host, port, "IO2A", CREDENTIALS))) {
      Check.equal("alias-io2a", "VALUES DRDAPLEX_DATASTORE() through IO2A", "IMS2",
          datastoreOf(io2a));
    }
    Check.ok("alias-io2a", "IO2A is served by IMS2");

    Check.step("datastore-name");
    try (Connection ims2 = Check.connect(Check.url(host, port, "IMS2", CREDENTIALS))) {
      Check.equal("datastore-name", "VALUES DRDAPLEX_DATASTORE() through IMS2", "IMS2",
          datastoreOf(ims2));
    }
    Check.ok("datastore-name", "the datastore name IMS2 works as a database name");

    Check.step("round-robin");
    List<String> seen = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      try (Connection im1a =
          Check.connect(Check.url(host, port, "IM1A", ";create=true" + CREDENTIALS))) {
        seen.add(datastoreOf(im1a));
      }
    }
    for (int i = 0; i < seen.size(); i++) {
      String datastore = seen.get(i);
      Check.isTrue("round-robin", datastore.equals("IMS1") || datastore.equals("IMS2"),
          "IM1A served by " + datastore + " (expected IMS1 or IMS2); sequence " + seen);
      if (i > 0) {
        Check.isTrue("round-robin", !datastore.equals(seen.get(i - 1)),
            "successive IM1A connections did not alternate: " + seen);
      }
    }
    Check.ok("round-robin", "IM1A connections went to " + seen);

    Check.step("data-sharing");
    try (Connection io1a = Check.connect(Check.url(host, port, "IO1A", CREDENTIALS));
        Connection io2a = Check.connect(Check.url(host, port, "IO2A", CREDENTIALS))) {
      Check.equal("data-sharing", "writer datastore", "IMS1", datastoreOf(io1a));
      Check.equal("data-sharing", "reader datastore", "IMS2", datastoreOf(io2a));
      try (Statement statement = io1a.createStatement()) {
        try {
          statement.executeUpdate("DROP TABLE SHARING");
        } catch (SQLException e) {
          Check.info("no old SHARING table (" + e.getSQLState() + ")");
        }
        statement.executeUpdate("CREATE TABLE SHARING (ID INTEGER NOT NULL PRIMARY KEY,"
            + " WRITER VARCHAR(32))");
        Check.equal("data-sharing", "insert through IMS1", 1,
            statement.executeUpdate("INSERT INTO SHARING VALUES (1, 'written via IO1A')"));
      }
      Check.equal("data-sharing", "row 1 read through IMS2", "written via IO1A",
          Check.queryString(io2a, "SELECT WRITER FROM SHARING WHERE ID = 1"));
      // And the other way round, with a prepared statement.
      try (PreparedStatement insert = io2a.prepareStatement("INSERT INTO SHARING VALUES (?, ?)")) {
        insert.setInt(1, 2);
        insert.setString(2, "written via IO2A");
        Check.equal("data-sharing", "insert through IMS2", 1, insert.executeUpdate());
      }
      try (Statement statement = io1a.createStatement();
          ResultSet rs = statement.executeQuery("SELECT ID, WRITER FROM SHARING ORDER BY ID")) {
        List<String> rows = new ArrayList<>();
        while (rs.next()) rows.add(rs.getInt(1) + ":" + rs.getString(2));
        Check.equal("data-sharing", "rows read through IMS1",
            List.of("1:written via IO1A", "2:written via IO2A"), rows);
      }
    }
    Check.ok("data-sharing", "rows written through IMS1 / IMS2 are read through the other");
  }
}
