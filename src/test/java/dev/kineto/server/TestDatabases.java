package dev.kineto.server;

import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fresh, empty database for a test on either engine: a SQLite file in the test's directory, or a new database on
 * the throwaway PostgreSQL cluster that ./run-tests starts (its URL in KINETO_TEST_POSTGRES).
 */
public final class TestDatabases {
    public static final String SQLITE = "sqlite", POSTGRESQL = "postgresql";
    private static final AtomicInteger COUNT = new AtomicInteger();

    private TestDatabases() {}

    /** A JDBC URL of a new empty database on this engine. */
    public static String fresh(String engine, Path dir) {
        if (engine.equals(SQLITE)) return "jdbc:sqlite:" + dir.resolve("kineto-" + COUNT.incrementAndGet() + ".db");
        String cluster = System.getenv("KINETO_TEST_POSTGRES");
        if (cluster == null) {
            throw new IllegalStateException("the PostgreSQL tests need a cluster: run them through ./run-tests (e.g. ./run-tests -Dtest=StoreTest), "
                    + "which starts a throwaway one, or set KINETO_TEST_POSTGRES to a JDBC URL of a database whose user may create databases");
        }
        String name = "kineto_test_" + ProcessHandle.current().pid() + "_" + COUNT.incrementAndGet();
        try (var c = DriverManager.getConnection(cluster); var s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create a test database on " + cluster + ": " + e.getMessage(), e);
        }
        return cluster.replaceFirst("/[^/?]*(\\?|$)", "/" + name + "$1");
    }
}
