import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Objects;

/**
 * Helpers shared by the JDBC scenario programs run by tests/integration.
 *
 * <p>Output contract, which the C++ tests parse: every passing check prints one line
 * {@code ok <check-id> <detail>}; informative lines start with {@code info}; the first failing
 * check prints {@code FAIL <check-id>: <why>} (with the SQLException chain: SQLState, error code,
 * message) and the program exits with status 1. An unexpected exception fails the check that was
 * running ({@link #step}). The last line of a passing run is {@code PASS <program>}.
 *
 * <p>Extra URL attributes for every connection can be given with
 * {@code -Ddrdaplex.urlAttributes=;traceDirectory=/tmp/t;traceLevel=-1} to trace the client.
 */
final class Check {
  private static String current = "start";

  private Check() {}

  /** The check that is running now; unexpected exceptions are blamed on it. */
  static void step(String id) {
    current = id;
  }

  static void ok(String id, String detail) {
    System.out.println("ok " + id + (detail.isEmpty() ? "" : " " + detail));
    System.out.flush();
  }

  static void info(String text) {
    System.out.println("info " + text);
  }

  static void fail(String id, String why) {
    String line = "FAIL " + id + ": " + why;
    System.out.println(line);
    System.out.flush();
    System.err.println(line);
    System.exit(1);
  }

  static void fail(String id, String why, Throwable t) {
    fail(id, why + ": " + describe(t));
  }

  static void isTrue(String id, boolean condition, String why) {
    if (!condition) fail(id, why);
  }

  static void equal(String id, String what, Object expected, Object actual) {
    if (!Objects.equals(expected, actual)) {
      fail(id, what + ": expected <" + expected + "> but got <" + actual + ">");
    }
  }

  /** Something JDBC that must throw an SQLException. */
  interface SqlAction {
    void run() throws SQLException;
  }

  /** Runs {@code action}, which must fail with an SQLException; returns it. */
  static SQLException expectSqlException(String id, SqlAction action) {
    try {
      action.run();
    } catch (SQLException e) {
      info(id + " got " + describe(e));
      return e;
    }
    fail(id, "expected an SQLException, but the statement succeeded");
    return null;  // Not reached.
  }

  /** Like expectSqlException, and the SQLState must be {@code state}. */
  static SQLException expectSqlState(String id, String state, SqlAction action) {
    SQLException e = expectSqlException(id, action);
    if (!state.equals(e.getSQLState())) {
      fail(id, "expected SQLState " + state + ", got " + describe(e));
    }
    return e;
  }

  /** SQLState, error code and message of a whole exception chain, on one line. */
  static String describe(Throwable t) {
    StringBuilder text = new StringBuilder();
    Throwable e = t;
    for (int depth = 0; e != null && depth < 8; depth++) {
      if (text.length() > 0) text.append(" | next: ");
      text.append(e.getClass().getSimpleName());
      if (e instanceof SQLException) {
        SQLException s = (SQLException) e;
        text.append(" SQLState=").append(s.getSQLState()).append(" code=").append(s.getErrorCode());
      }
      text.append(" message=").append(e.getMessage());
      Throwable next = (e instanceof SQLException) ? ((SQLException) e).getNextException() : null;
      e = next != null ? next : e.getCause();
    }
    return text.toString();
  }

  static String url(String host, int port, String database, String attributes) {
    return "jdbc:derby://" + host + ":" + port + "/" + database + attributes
        + System.getProperty("drdaplex.urlAttributes", "");
  }

  static Connection connect(String url) throws SQLException {
    return DriverManager.getConnection(url);
  }

  /** The single value of a one-row, one-column query. */
  static String queryString(Connection connection, String sql) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet rs = statement.executeQuery(sql)) {
      if (!rs.next()) throw new SQLException("no row from: " + sql);
      String value = rs.getString(1);
      if (rs.next()) throw new SQLException("more than one row from: " + sql);
      return value;
    }
  }

  static long queryLong(Connection connection, String sql) throws SQLException {
    return Long.parseLong(queryString(connection, sql).trim());
  }

  /** Parses "PORT [HOST]" from the command line. */
  static int port(String[] args, String usage) {
    if (args.length < 1) {
      System.err.println("usage: " + usage);
      System.exit(2);
    }
    return Integer.parseInt(args[0]);
  }

  static String host(String[] args) {
    return args.length >= 2 ? args[1] : "127.0.0.1";
  }

  /** Runs a scenario body; any unexpected exception fails the current step. */
  interface Body {
    void run() throws Exception;
  }

  static void main(String program, Body body) {
    try {
      Class.forName("org.apache.derby.jdbc.ClientDriver");
      body.run();
    } catch (Throwable t) {
      // The stack shows where the client gave up (a protocol problem shows up as an
      // exception deep inside the driver, not as an SQLException).
      java.io.StringWriter trace = new java.io.StringWriter();
      t.printStackTrace(new java.io.PrintWriter(trace));
      System.out.println("trace " + trace.toString().trim().replace("\n", "\ntrace "));
      fail(current, "unexpected exception", t);
    }
    System.out.println("PASS " + program);
    System.exit(0);
  }
}
