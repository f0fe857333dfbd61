import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * The seed IMSplex seen through the routers' shared DRDA port by the Derby network client:
 * ODBMB1 with IMS1 (IM1A, IO1A) and IMS2 (IM1A, IO2A) on one file, ODBMB2 with IMS3 (IO3A,
 * IMS3) and IMS4 (no alias); users app / secret and clerk / clerkpw at the routers.
 *
 * <p>Usage: {@code PlexScenario PORT [HOST]}. Output contract: see {@link Check}.
 */
public final class PlexScenario {
  private static final String CREDENTIALS = ";user=app;password=secret";

  private PlexScenario() {}

  public static void main(String[] args) {
    int port = Check.port(args, "PlexScenario PORT [HOST]");
    String host = Check.host(args);
    Check.main("PlexScenario", () -> run(host, port));
  }

  static String datastoreThrough(String host, int port, String alias) throws SQLException {
    try (Connection c = Check.connect(Check.url(host, port, alias, CREDENTIALS))) {
      return Check.queryString(c, "VALUES DRDAPLEX_DATASTORE()").trim();
    }
  }

  static void run(String host, int port) throws Exception {
    Check.step("io1a");
    for (int i = 0; i < 4; i++) {
      Check.equal("io1a", "datastore behind IO1A", "IMS1", datastoreThrough(host, port, "IO1A"));
    }
    Check.ok("io1a", "IO1A always reaches IMS1");

    Check.step("ims4");
    Check.equal("ims4", "datastore behind IMS4", "IMS4", datastoreThrough(host, port, "IMS4"));
    Check.equal("ims4", "datastore behind IO3A", "IMS3", datastoreThrough(host, port, "IO3A"));
    Check.ok("ims4", "IMS4 reaches IMS4 and IO3A reaches IMS3");

    Check.step("im1a");
    List<String> seen = new ArrayList<>();
    for (int i = 0; i < 8; i++) seen.add(datastoreThrough(host, port, "IM1A"));
    Check.isTrue("im1a", seen.stream().allMatch(d -> d.equals("IMS1") || d.equals("IMS2")),
        "IM1A reached something else than IMS1/IMS2: " + seen);
    Check.isTrue("im1a", seen.contains("IMS1") && seen.contains("IMS2"),
        "IM1A did not spread over IMS1 and IMS2: " + seen);
    Check.ok("im1a", "IM1A connections went to " + seen);

    Check.step("data-sharing");
    try (Connection io1a = Check.connect(Check.url(host, port, "IO1A", CREDENTIALS));
        Connection io2a = Check.connect(Check.url(host, port, "IO2A", CREDENTIALS))) {
      try (Statement s = io1a.createStatement()) {
        s.executeUpdate("CREATE TABLE PLEXSHARE (ID INTEGER NOT NULL PRIMARY KEY, V VARCHAR(20))");
        s.executeUpdate("INSERT INTO PLEXSHARE VALUES (1, 'via IMS1')");
      }
      Check.equal("data-sharing", "row read through IMS2", "via IMS1",
          Check.queryString(io2a, "SELECT V FROM PLEXSHARE WHERE ID = 1"));
    }
    Check.ok("data-sharing", "a row written through IMS1 is read through IMS2");

    Check.step("unknown-alias");
    SQLException unknown = Check.expectSqlState("unknown-alias", "08004",
        () -> Check.connect(Check.url(host, port, "NOPE", CREDENTIALS)).close());
    Check.isTrue("unknown-alias", Check.describe(unknown).contains("NOPE"),
        "the error does not name the alias: " + Check.describe(unknown));
    Check.ok("unknown-alias", Check.describe(unknown));

    Check.step("bad-password");
    Check.expectSqlState("bad-password", "08004",
        () -> Check.connect(Check.url(host, port, "IO1A", ";user=app;password=wrong")).close());
    Check.ok("bad-password", "the router refuses a wrong password");
  }
}
