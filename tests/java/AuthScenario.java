import java.sql.Connection;
import java.sql.SQLException;

/**
 * Authentication as the Derby client sees it: a wrong password and an unknown user are refused
 * with SQLState 08004 (SECCHKRM with a failing SECCHKCD), the right password still works
 * afterwards, user names match without regard to case, a user configured with USRIDONL=Y
 * connects without a password (the client then sends SECMEC 4, user id only), and a user without
 * that permission does not.
 *
 * <p>Usage: {@code AuthScenario PORT [HOST]}; expects user app / secret with USRIDONL=Y, user
 * clerk / clerkpw without it, and a datastore alias IM1A (OdbmConfig::SharedPair). Output
 * contract: see {@link Check}.
 */
public final class AuthScenario {
  private AuthScenario() {}

  public static void main(String[] args) {
    int port = Check.port(args, "AuthScenario PORT [HOST]");
    String host = Check.host(args);
    Check.main("AuthScenario", () -> run(host, port));
  }

  static void run(String host, int port) throws Exception {
    Check.step("wrong-password");
    SQLException wrong = Check.expectSqlState("wrong-password", "08004",
        () -> Check.connect(Check.url(host, port, "IM1A", ";user=app;password=wrong")).close());
    Check.ok("wrong-password", String.valueOf(wrong.getMessage()));

    Check.step("unknown-user");
    SQLException unknown = Check.expectSqlState("unknown-user", "08004",
        () -> Check.connect(Check.url(host, port, "IM1A", ";user=nobody;password=secret"))
            .close());
    Check.ok("unknown-user", String.valueOf(unknown.getMessage()));

    Check.step("right-password");
    try (Connection connection =
        Check.connect(Check.url(host, port, "IM1A", ";user=app;password=secret"))) {
      Check.equal("right-password", "VALUES 1", "1", Check.queryString(connection, "VALUES 1").trim());
    }
    Check.ok("right-password", "app / secret connects after the refused attempts");

    Check.step("user-case");
    try (Connection connection =
        Check.connect(Check.url(host, port, "IM1A", ";user=APP;password=secret"))) {
      Check.equal("user-case", "VALUES 1", "1", Check.queryString(connection, "VALUES 1").trim());
    }
    Check.ok("user-case", "APP / secret signs on as user app");

    Check.step("userid-only");
    try (Connection connection = Check.connect(Check.url(host, port, "IM1A", ";user=APP"))) {
      Check.equal("userid-only", "VALUES 1", "1", Check.queryString(connection, "VALUES 1").trim());
    }
    Check.ok("userid-only", "APP (USRIDONL=Y) connects without a password");

    Check.step("userid-only-refused");
    SQLException refused = Check.expectSqlState("userid-only-refused", "08004",
        () -> Check.connect(Check.url(host, port, "IM1A", ";user=clerk")).close());
    Check.ok("userid-only-refused",
        "clerk (no USRIDONL) refused without a password: " + refused.getMessage());
  }
}
