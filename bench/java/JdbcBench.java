import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
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
 * System.nanoTime() and prints one line:
 * {@code target=... run=... mode=... n=... seconds=... ops_per_s=... p50_us=... p90_us=... p99_us=... max_us=...}.
 *
 * <p>Usage: {@code JdbcBench --url URL [--user app] [--password secret] [--mode prepared] [--n
 * 20000] [--warmup-percent 10] [--run 0] [--target label]}; {@code JdbcBench --free-port} prints a
 * free loopback TCP port (for scripts without other tools).
 */
public final class JdbcBench {
  private String url;
  private String user = "app";
  private String password = "secret";
  private String mode = "prepared";
  private int n = 20000;
  private int warmupPercent = 10;
  private String run = "0";
  private String target = "-";

  private JdbcBench() {}

  public static void main(String[] args) throws Exception {
    if (args.length == 1 && args[0].equals("--free-port")) {
      try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
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
        default: usage("unknown option " + args[i]);
      }
      i++;
    }
    if (url == null) usage("--url is required");
    if (n <= 0) usage("--n must be positive");
  }

  private static void usage(String why) {
    System.err.println("JdbcBench: " + why);
    System.err.println("usage: JdbcBench --url URL [--user U] [--password P]"
        + " [--mode prepared|prepared-noac|connect] [--n N] [--warmup-percent P]"
        + " [--run LABEL] [--target LABEL] | --free-port");
    System.exit(2);
  }

  /** One timed operation. */
  private interface Operation {
    void run() throws SQLException;
  }

  private void runMode() throws SQLException {
    switch (mode) {
      case "prepared":
      case "prepared-noac":
        try (Connection connection = DriverManager.getConnection(url, user, password)) {
          connection.setAutoCommit(mode.equals("prepared"));
          try (PreparedStatement select =
              connection.prepareStatement("SELECT 1 FROM SYSIBM.SYSDUMMY1")) {
            measure(() -> {
              try (ResultSet rs = select.executeQuery()) {
                if (!rs.next() || rs.getInt(1) != 1) throw new SQLException("SELECT 1 gave no 1");
              }
            });
          }
          if (!connection.getAutoCommit()) connection.commit();
        }
        break;
      case "connect":
        measure(() -> DriverManager.getConnection(url, user, password).close());
        break;
      default:
        usage("unknown mode " + mode);
    }
  }

  private void measure(Operation operation) throws SQLException {
    int warmup = (int) ((long) n * warmupPercent / 100);
    for (int i = 0; i < warmup; i++) operation.run();
    long[] nanos = new long[n];
    long start = System.nanoTime();
    for (int i = 0; i < n; i++) {
      long before = System.nanoTime();
      operation.run();
      nanos[i] = System.nanoTime() - before;
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    Arrays.sort(nanos);
    System.out.println(String.format(Locale.ROOT,
        "target=%s run=%s mode=%s n=%d seconds=%.3f ops_per_s=%.0f p50_us=%.1f p90_us=%.1f"
            + " p99_us=%.1f max_us=%.1f",
        target, run, mode, n, seconds, n / seconds, percentile(nanos, 0.50),
        percentile(nanos, 0.90), percentile(nanos, 0.99), nanos[n - 1] / 1e3));
  }

  /** Nearest-rank percentile of sorted samples, in microseconds. */
  private static double percentile(long[] sorted, double p) {
    int rank = (int) Math.ceil(p * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank))] / 1e3;
  }
}
