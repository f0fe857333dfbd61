import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;

/**
 * The golden JDBC scenario of fixtures/drda-captures/derby-client (captured against real Derby),
 * run against drdaplex-odbm: DDL, single and batched parameterised inserts, a SELECT larger than
 * one 32 KiB query block (so the client must send CNTQRY), result-set metadata, update counts,
 * autocommit on and off, commit, rollback, and the SQL errors a client sees (42X05, 23505,
 * 42X01), each followed by a check that the connection still works.
 *
 * <p>Usage: {@code java -cp drdaplex-jdbc-tests.jar:derbyclient.jar GoldenScenario PORT [HOST]}.
 * Needs datastore alias IM1A with user app / secret; a second connection to IM1A must see the same
 * data (a single datastore, or several sharing one file). Output contract: see {@link Check}.
 */
public final class GoldenScenario {
  private static final int ROWS = 150;
  private static final int SINGLE_ROWS = 3;
  private static final String TABLE = "GOLDEN";
  // Set -Ddrdaplex.readsWaitForWriters=true to run the scenario against Derby itself, whose row
  // locks make a second connection wait for uncommitted rows instead of not seeing them.
  private static final boolean READS_WAIT_FOR_WRITERS =
      Boolean.getBoolean("drdaplex.readsWaitForWriters");
  private static final String INSERT =
      "INSERT INTO " + TABLE + " (ID, QTY, PRICE, NAME, NOTE) VALUES (?, ?, ?, ?, ?)";

  private GoldenScenario() {}

  public static void main(String[] args) {
    int port = Check.port(args, "GoldenScenario PORT [HOST]");
    String host = Check.host(args);
    Check.main("GoldenScenario", () -> run(host, port));
  }

  // The row with id i, chosen so that every type and NULL appear and the 150 rows (~270 bytes
  // each on the wire) fill more than one 32 KiB query block.
  static long qty(int id) {
    return id * 1_000_000_007L;  // Beyond the INTEGER range from id 3 on.
  }

  static boolean qtyIsNull(int id) {
    return id % 7 == 0;
  }

  static double price(int id) {
    return id * 1.25;  // Exact in binary floating point.
  }

  static String name(int id) {
    StringBuilder name = new StringBuilder("name-").append(id).append('-');
    for (int i = 0; name.length() < 240; i++) name.append((char) ('a' + (id + i) % 26));
    return name.toString();
  }

  static String note(int id) {
    return id % 3 == 0 ? null : "n" + id;
  }

  static void bind(PreparedStatement insert, int id) throws SQLException {
    insert.setInt(1, id);
    if (qtyIsNull(id)) {
      insert.setNull(2, Types.BIGINT);
    } else {
      insert.setLong(2, qty(id));
    }
    insert.setDouble(3, price(id));
    insert.setString(4, name(id));
    if (note(id) == null) {
      insert.setNull(5, Types.VARCHAR);
    } else {
      insert.setString(5, note(id));
    }
  }

  static long count(Connection connection) throws SQLException {
    return Check.queryLong(connection, "SELECT COUNT(*) FROM " + TABLE);
  }

  static double priceOf(Connection connection, int id) throws SQLException {
    try (PreparedStatement select =
        connection.prepareStatement("SELECT PRICE FROM " + TABLE + " WHERE ID = ?")) {
      select.setInt(1, id);
      try (ResultSet rs = select.executeQuery()) {
        if (!rs.next()) throw new SQLException("no row with ID " + id);
        return rs.getDouble(1);
      }
    }
  }

  /** The row count seen by a fresh connection: tells what is committed. */
  static long countFromOtherConnection(String url) throws SQLException {
    try (Connection other = Check.connect(url)) {
      return count(other);
    }
  }

  static void run(String host, int port) throws Exception {
    final String url = Check.url(host, port, "IM1A", ";create=true;user=app;password=secret");

    Check.step("connect");
    Connection connection = Check.connect(url);
    DatabaseMetaData meta = connection.getMetaData();
    Check.info("url " + url);
    Check.info("server " + meta.getDatabaseProductName() + " " + meta.getDatabaseProductVersion());
    Check.info("driver " + meta.getDriverName() + " " + meta.getDriverVersion());
    Check.isTrue("connect", connection.getAutoCommit(), "a new connection must be in autocommit");
    Check.ok("connect", "autocommit on");
    try {
      Check.info("datastore " + Check.queryString(connection, "VALUES DRDAPLEX_DATASTORE()"));
    } catch (SQLException e) {
      Check.info("VALUES DRDAPLEX_DATASTORE() failed: " + Check.describe(e));
    }

    Check.step("drop-old");
    try (Statement statement = connection.createStatement()) {
      statement.executeUpdate("DROP TABLE " + TABLE);
      Check.info("dropped an old " + TABLE);
    } catch (SQLException e) {
      Check.info("no old " + TABLE + " (" + e.getSQLState() + ")");
    }

    Check.step("create-table");
    try (Statement statement = connection.createStatement()) {
      int n = statement.executeUpdate("CREATE TABLE " + TABLE + " (ID INTEGER NOT NULL PRIMARY KEY,"
          + " QTY BIGINT, PRICE DOUBLE, NAME VARCHAR(250), NOTE VARCHAR(32))");
      Check.equal("create-table", "update count of CREATE TABLE", 0, n);
    }
    Check.ok("create-table", TABLE);

    PreparedStatement insert = connection.prepareStatement(INSERT);
    Check.step("insert-single");
    for (int id = 1; id <= SINGLE_ROWS; id++) {
      bind(insert, id);
      Check.equal("insert-single", "update count of row " + id, 1, insert.executeUpdate());
    }
    Check.ok("insert-single", SINGLE_ROWS + " rows, update count 1 each");

    Check.step("autocommit-on");
    Check.equal("autocommit-on", "rows a second connection sees after autocommitted inserts",
        (long) SINGLE_ROWS, countFromOtherConnection(url));
    Check.ok("autocommit-on", "inserts committed without commit(), seen by a second connection");

    Check.step("autocommit-off");
    connection.setAutoCommit(false);
    Check.isTrue("autocommit-off", !connection.getAutoCommit(), "setAutoCommit(false) ignored");

    Check.step("batch-insert");
    for (int id = SINGLE_ROWS + 1; id <= ROWS; id++) {
      bind(insert, id);
      insert.addBatch();
    }
    int[] counts = insert.executeBatch();
    Check.equal("batch-insert", "number of batch update counts", ROWS - SINGLE_ROWS, counts.length);
    for (int i = 0; i < counts.length; i++) {
      Check.equal("batch-insert", "update count of batch element " + i, 1, counts[i]);
    }
    Check.ok("batch-insert", counts.length + " rows in one executeBatch, update count 1 each");

    Check.step("autocommit-off");
    if (READS_WAIT_FOR_WRITERS) {
      Check.info("not reading uncommitted rows from a second connection (would wait for locks)");
    } else {
      Check.equal("autocommit-off", "rows a second connection sees before commit",
          (long) SINGLE_ROWS, countFromOtherConnection(url));
    }
    Check.equal("autocommit-off", "rows this connection sees before commit", (long) ROWS,
        count(connection));
    Check.ok("autocommit-off", READS_WAIT_FOR_WRITERS ? "uncommitted batch visible here"
        : "uncommitted batch visible here, invisible to a second connection");

    Check.step("commit");
    connection.commit();
    Check.equal("commit", "rows a second connection sees after commit", (long) ROWS,
        countFromOtherConnection(url));
    Check.ok("commit", ROWS + " rows visible to a second connection");

    Check.step("select-cntqry");
    try (PreparedStatement select = connection.prepareStatement(
        "SELECT ID, QTY, PRICE, NAME, NOTE FROM " + TABLE + " WHERE ID >= ? ORDER BY ID")) {
      select.setInt(1, 1);
      select.setFetchSize(10);  // Does not reach the wire; the 32 KiB block size decides.
      try (ResultSet rs = select.executeQuery()) {
        checkMetadata(rs.getMetaData());
        int rows = 0;
        int nullQty = 0;
        int nullNotes = 0;
        while (rs.next()) {
          int id = ++rows;
          String where = "row " + id;
          Check.equal("select-cntqry", where + " ID", id, rs.getInt(1));
          long q = rs.getLong(2);
          if (qtyIsNull(id)) {
            Check.isTrue("select-cntqry", rs.wasNull(), where + " QTY should be NULL, got " + q);
            nullQty++;
          } else {
            Check.isTrue("select-cntqry", !rs.wasNull(), where + " QTY is NULL");
            Check.equal("select-cntqry", where + " QTY", qty(id), q);
          }
          Check.equal("select-cntqry", where + " PRICE", price(id), rs.getDouble(3));
          Check.equal("select-cntqry", where + " NAME", name(id), rs.getString(4));
          String note = rs.getString(5);
          Check.equal("select-cntqry", where + " NOTE", note(id), note);
          if (note == null) nullNotes++;
        }
        Check.equal("select-cntqry", "rows returned", ROWS, rows);
        Check.ok("select-cntqry", rows + " rows of ~270 bytes (more than one 32 KiB block),"
            + " every value matches; NULL QTY " + nullQty + ", NULL NOTE " + nullNotes);
      }
    }

    Check.step("update-count");
    try (PreparedStatement update = connection.prepareStatement(
        "UPDATE " + TABLE + " SET PRICE = PRICE * 2 WHERE ID <= ?")) {
      update.setInt(1, 10);
      Check.equal("update-count", "update count of UPDATE ... WHERE ID <= 10", 10,
          update.executeUpdate());
    }
    connection.commit();
    Check.equal("update-count", "PRICE of row 5 after the update", price(5) * 2,
        priceOf(connection, 5));
    Check.ok("update-count", "10 rows updated, committed, read back");

    Check.step("delete-count");
    try (Statement statement = connection.createStatement()) {
      Check.equal("delete-count", "update count of DELETE ... WHERE ID > 140", 10,
          statement.executeUpdate("DELETE FROM " + TABLE + " WHERE ID > 140"));
    }
    connection.commit();
    Check.equal("delete-count", "rows after the delete", 140L, count(connection));
    Check.ok("delete-count", "10 rows deleted, 140 left");

    Check.step("rollback");
    try (Statement statement = connection.createStatement()) {
      Check.equal("rollback", "update count before rollback", 1,
          statement.executeUpdate("UPDATE " + TABLE + " SET PRICE = -1 WHERE ID = 10"));
    }
    Check.equal("rollback", "PRICE of row 10 inside the transaction", -1.0,
        priceOf(connection, 10));
    connection.rollback();
    Check.equal("rollback", "PRICE of row 10 after rollback", price(10) * 2,
        priceOf(connection, 10));
    Check.ok("rollback", "rolled-back update not visible");

    Check.step("error-42X05");
    SQLException missing = Check.expectSqlState("error-42X05", "42X05", () -> {
      try (Statement statement = connection.createStatement()) {
        statement.executeQuery("SELECT * FROM NO_SUCH_TABLE").close();
      }
    });
    String message = String.valueOf(missing.getMessage());
    Check.isTrue("error-42X05", message.toUpperCase().contains("NO_SUCH_TABLE"),
        "the message does not name the table: " + message);
    Check.ok("error-42X05", message);

    Check.step("usable-after-error");
    Check.equal("usable-after-error", "rows after the failed query", 140L, count(connection));
    Check.ok("usable-after-error", "same connection answers after 42X05");

    Check.step("error-23505");
    bind(insert, 1);
    SQLException duplicate =
        Check.expectSqlState("error-23505", "23505", () -> insert.executeUpdate());
    Check.ok("error-23505", String.valueOf(duplicate.getMessage()));

    Check.step("error-42X01");
    SQLException syntax = Check.expectSqlState("error-42X01", "42X01", () -> {
      try (Statement statement = connection.createStatement()) {
        statement.executeQuery("SELECT FROM WHERE " + TABLE).close();
      }
    });
    Check.expectSqlState("error-42X01", "42X01",
        () -> connection.prepareStatement("SELEC ID FROM " + TABLE).close());
    Check.ok("error-42X01", String.valueOf(syntax.getMessage()));

    Check.step("usable-after-errors");
    connection.commit();
    Check.equal("usable-after-errors", "rows after the failed statements", 140L,
        count(connection));
    Check.ok("usable-after-errors", "duplicate insert left no row; connection still works");

    Check.step("utf8-roundtrip");
    String text = "Grüße, 世界 €";
    insert.setInt(1, 1000);
    insert.setNull(2, Types.BIGINT);
    insert.setDouble(3, 0.5);
    insert.setString(4, text);
    insert.setString(5, "é");
    Check.equal("utf8-roundtrip", "update count", 1, insert.executeUpdate());
    connection.commit();
    try (PreparedStatement select =
        connection.prepareStatement("SELECT NAME, NOTE FROM " + TABLE + " WHERE ID = ?")) {
      select.setInt(1, 1000);
      try (ResultSet rs = select.executeQuery()) {
        Check.isTrue("utf8-roundtrip", rs.next(), "row 1000 missing");
        Check.equal("utf8-roundtrip", "NAME", text, rs.getString(1));
        Check.equal("utf8-roundtrip", "NOTE", "é", rs.getString(2));
      }
    }
    Check.ok("utf8-roundtrip", "non-ASCII text stored and read back");
    insert.close();

    // Rows wider than a whole 32 KiB query block: the server splits each row
    // over several blocks and the client joins them (CNTQRY between).
    Check.step("wide-rows");
    try (Statement ddl = connection.createStatement()) {
      ddl.executeUpdate("CREATE TABLE WIDE (ID INTEGER NOT NULL PRIMARY KEY, A VARCHAR(20000), B VARCHAR(20000))");
    }
    try (PreparedStatement wide = connection.prepareStatement("INSERT INTO WIDE VALUES (?, ?, ?)")) {
      for (int id = 1; id <= 4; id++) {
        wide.setInt(1, id);
        wide.setString(2, "a".repeat(19000 + id));
        wide.setString(3, "b".repeat(18000 + id));
        wide.addBatch();
      }
      wide.executeBatch();
    }
    connection.commit();
    try (Statement query = connection.createStatement();
        ResultSet rs = query.executeQuery("SELECT ID, A, B FROM WIDE ORDER BY ID")) {
      int id = 0;
      while (rs.next()) {
        id++;
        Check.equal("wide-rows", "ID", id, rs.getInt(1));
        Check.equal("wide-rows", "A of row " + id, "a".repeat(19000 + id), rs.getString(2));
        Check.equal("wide-rows", "B of row " + id, "b".repeat(18000 + id), rs.getString(3));
      }
      Check.equal("wide-rows", "rows", 4, id);
    }
    connection.commit();
    Check.ok("wide-rows", "4 rows of ~37 KB, each split over query blocks, read back intact");

    Check.step("close");
    connection.commit();
    connection.setAutoCommit(true);
    connection.close();
    Check.isTrue("close", connection.isClosed(), "isClosed() false after close()");
    Check.ok("close", "");
  }

  static void checkMetadata(ResultSetMetaData md) throws SQLException {
    Check.step("metadata");
    Check.equal("metadata", "column count", 5, md.getColumnCount());
    String[] names = {"ID", "QTY", "PRICE", "NAME", "NOTE"};
    int[] types = {Types.INTEGER, Types.BIGINT, Types.DOUBLE, Types.VARCHAR, Types.VARCHAR};
    StringBuilder seen = new StringBuilder();
    for (int i = 1; i <= 5; i++) {
      String name = md.getColumnName(i);
      // SQLite keeps the declared case, Derby upper-cases: compare without case.
      Check.isTrue("metadata", names[i - 1].equalsIgnoreCase(name),
          "column " + i + " name: expected " + names[i - 1] + ", got " + name);
      Check.equal("metadata", "JDBC type of column " + name + " (" + md.getColumnTypeName(i) + ")",
          types[i - 1], md.getColumnType(i));
      seen.append(i > 1 ? ", " : "").append(name).append(' ').append(md.getColumnTypeName(i));
      if (types[i - 1] == Types.VARCHAR) seen.append('(').append(md.getPrecision(i)).append(')');
    }
    Check.equal("metadata", "precision of NAME", 250, md.getPrecision(4));
    Check.equal("metadata", "precision of NOTE", 32, md.getPrecision(5));
    Check.ok("metadata", seen.toString());
    Check.step("select-cntqry");
  }
}
