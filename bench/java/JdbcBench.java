import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Single-threaded JDBC throughput benchmark on the Derby network client, the "same client" used
 * to compare drdaplex with Derby Network Server (shared/research/derby-baseline.md).
 *
 * <p>Modes:
 *
 * <ul>
 *   <li>{@code prepared}: one connection, one PreparedStatement("SELECT 1 FROM
 *       SYSIBM.SYSDUMMY1"), N x (executeQuery, next, getInt, close), autocommit on (2 round trips
 *       each: OPNQRY, then RDBCMM when the ResultSet closes);
 *   <li>{@code prepared-noac}: the same with autocommit off (1 round trip each);
 *   <li>{@code connect}: N x (DriverManager.getConnection(url, user, password), close).
 * </ul>
 *
 * <p>Each run first does 10 % of N untimed warm-up iterations, then times every iteration with
 * System.nanoTime() and prints one line per target:
 * {@code target=... run=... mode=... n=... seconds=... ops_per_s=... p50_us=... p90_us=... p99_us=... max_us=...}.
 *
 * <p>Several targets ({@code --endpoint LABEL=URL}, repeated) are measured side by side in one
 * run: the same mode against each, N iterations each, in blocks of {@code --block} iterations
 * that alternate between the targets (each cycle of blocks starts one target further on), so
 * that other work on the machine falls on all of them alike; the warm-up alternates the same way.
 * A target's seconds are the sum of its blocks' times. In prepared modes all targets' connections
 * stay open for the whole run.
 *
 * <p>Usage: {@code JdbcBench (--url URL [--target label] | --endpoint LABEL=URL...) [--user app]
 * [--password secret] [--mode prepared] [--n 20000] [--block 1000] [--warmup-percent 10] [--run
 * 0]}; {@code JdbcBench --free-port [HOST]} prints a free TCP port on HOST (default: loopback), for
 * scripts without other tools.
 */
public final class JdbcBench {
  private String url;
  private final List<String[]> endpoints = new ArrayList<>();  // {label, url}
  private int block = 1000;
  private String user = "app";
  private String password = "secret";
  private String mode = "prepared";
  private int n = 20000;
  private int warmupPercent = 10;
  private String run = "0";
  private String target = "-";

  private JdbcBench() {}

  public static void main(String[] args) throws Exception {
    if (args.length >= 1 && args.length <= 2 && args[0].equals("--free-port")) {
      java.net.InetAddress host = args.length == 2
          ? java.net.InetAddress.getByName(args[1]) : java.net.InetAddress.getLoopbackAddress();
      try (ServerSocket socket = new ServerSocket(0, 1, host)) {
        System.out.println(socket.getLocalPort());
      }
      return;
    }
    JdbcBench bench = new JdbcBench();
    bench.parse(args);
    Class.forName("org.apache.derby.jdbc.ClientDriver");
    bench.runMode();
  }

  private void parse(String[] args) {
    for (int i = 0; i < args.length; i++) {
      String value = i + 1 < args.length ? args[i + 1] : null;
      if (value == null) usage("missing value after " + args[i]);
      switch (args[i]) {
        case "--url": url = value; break;
        case "--user": user = value; break;
        case "--password": password = value; break;
        case "--mode": mode = value; break;
        case "--n": n = Integer.parseInt(value); break;
        case "--warmup-percent": warmupPercent = Integer.parseInt(value); break;
        case "--run": run = value; break;
        case "--target": target = value; break;
        case "--endpoint": {
          int equals = value.indexOf('=');
          if (equals <= 0) usage("--endpoint wants LABEL=URL, not " + value);
          endpoints.add(new String[] {value.substring(0, equals), value.substring(equals + 1)});
          break;
        }
        case "--block": block = Integer.parseInt(value); break;
        default: usage("unknown option " + args[i]);
      }
      i++;
    }
    if ((url == null) == endpoints.isEmpty()) usage("give either --url or --endpoint");
    if (url != null) endpoints.add(new String[] {target, url});
    if (n <= 0) usage("--n must be positive");
    if (block <= 0) usage("--block must be positive");
  }

  private static void usage(String why) {
    System.err.println("JdbcBench: " + why);
    System.err.println("usage: JdbcBench (--url URL [--target LABEL] | --endpoint LABEL=URL...)"
        + " [--user U] [--password P] [--mode prepared|prepared-noac|connect] [--n N]"
        + " [--block B] [--warmup-percent P] [--run LABEL] | --free-port [HOST]");
    System.exit(2);
  }

  /** One timed operation against one target, and what it holds open. */
  private interface Session extends AutoCloseable {
    void run() throws SQLException;

    @Override
    default void close() throws SQLException {}
  }

  /** prepared / prepared-noac: one connection and one PreparedStatement, open until close(). */
  private final class PreparedSession implements Session {
    private final Connection connection;
    private final PreparedStatement select;

    PreparedSession(String url) throws SQLException {
      connection = DriverManager.getConnection(url, user, password);
      connection.setAutoCommit(mode.equals("prepared"));
      select = connection.prepareStatement("SELECT 1 FROM SYSIBM.SYSDUMMY1");
    }

    @Override
    public void run() throws SQLException {
      try (ResultSet rs = select.executeQuery()) {
        if (!rs.next() || rs.getInt(1) != 1) throw new SQLException("SELECT 1 gave no 1");
      }
    }

    @Override
    public void close() throws SQLException {
      select.close();
      if (!connection.getAutoCommit()) connection.commit();
      connection.close();
    }
  }

  private Session open(String url) throws SQLException {
    switch (mode) {
      case "prepared":
      case "prepared-noac":
        return new PreparedSession(url);
      case "connect":
        return () -> DriverManager.getConnection(url, user, password).close();
      default:
        usage("unknown mode " + mode);
        return null;
    }
  }

  private void runMode() throws Exception {
    Session[] sessions = new Session[endpoints.size()];
    try {
      for (int t = 0; t < sessions.length; t++) sessions[t] = open(endpoints.get(t)[1]);
      measure(sessions);
    } finally {
      for (Session session : sessions) {
        if (session != null) session.close();
      }
    }
  }

  /**
   * Runs count iterations against every target in alternating blocks; with nanos, records each
   * iteration's time at nanos[target][first + i] and adds each block's time to seconds[target].
   */
  private void blocks(Session[] sessions, int count, long[][] nanos, double[] seconds)
      throws SQLException {
    int targets = sessions.length;
    for (int done = 0, cycle = 0; done < count; done += block, cycle++) {
      int size = Math.min(block, count - done);
      for (int k = 0; k < targets; k++) {
        int t = (cycle + k) % targets;
        Session session = sessions[t];
        long blockStart = System.nanoTime();
        for (int i = 0; i < size; i++) {
          long before = System.nanoTime();
          session.run();
          if (nanos != null) nanos[t][done + i] = System.nanoTime() - before;
        }
        if (nanos != null) seconds[t] += (System.nanoTime() - blockStart) / 1e9;
      }
    }
  }

  private void measure(Session[] sessions) throws SQLException {
    int warmup = (int) ((long) n * warmupPercent / 100);
    blocks(sessions, warmup, null, null);
    long[][] nanos = new long[sessions.length][n];
    double[] seconds = new double[sessions.length];
    blocks(sessions, n, nanos, seconds);
    for (int t = 0; t < sessions.length; t++) {
      long[] sorted = nanos[t];
      Arrays.sort(sorted);
      System.out.println(String.format(Locale.ROOT,
          "target=%s run=%s mode=%s n=%d seconds=%.3f ops_per_s=%.0f p50_us=%.1f p90_us=%.1f"
              + " p99_us=%.1f max_us=%.1f",
          endpoints.get(t)[0], run, mode, n, seconds[t], n / seconds[t], percentile(sorted, 0.50),
          percentile(sorted, 0.90), percentile(sorted, 0.99), sorted[n - 1] / 1e3));
    }
  }

  /** Nearest-rank percentile of sorted samples, in microseconds. */
  private static double percentile(long[] sorted, double p) {
    int rank = (int) Math.ceil(p * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank))] / 1e3;
  }
}
