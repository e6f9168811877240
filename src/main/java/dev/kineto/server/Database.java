package dev.kineto.server;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one way Kineto's state is read and written: pooled connections (HikariCP), the schema migrated by Flyway, and
 * every change in one transaction ({@link #tx}) that any exception rolls back. Reads have a pool of their own, so a
 * burst of writes waiting on each other (submits of one user take turns on its row) never starves them. SQLite gets
 * one writing connection (it has one writer anyway, and a single connection cannot meet a busy upgrade) and two
 * readers, which WAL lets run beside the writer.
 */
final class Database implements AutoCloseable {
    enum Engine { SQLITE, POSTGRESQL }

    /** Connections each PostgreSQL pool (writes, reads) holds: an API node's request threads and its workers' heartbeats. */
    private static final int POSTGRES_POOL = 10;
    /** Times a PostgreSQL transaction that lost a deadlock or a serialization race is run again before the error goes up. */
    private static final int RETRIES = 5;
    /** SQLite's result codes for storage that cannot take a write now: busy, locked, read-only, I/O error, full, cannot open. */
    private static final Set<Integer> SQLITE_UNAVAILABLE = Set.of(5, 6, 8, 10, 13, 14);
    private static final Logger LOG = LoggerFactory.getLogger(Database.class);

    static {
        // Flyway's INFO lines (one per check and migration) are noise on every CLI call that opens the database.
        System.setProperty("org.slf4j.simpleLogger.log.org.flywaydb", "warn");
        System.setProperty("org.slf4j.simpleLogger.log.com.zaxxer.hikari", "warn");
    }

    final Engine engine;
    final String url;
    private final HikariDataSource writer, reader;

    /** Opens and migrates the database at a JDBC URL (jdbc:sqlite:FILE or jdbc:postgresql://HOST/DB?user=...). */
    Database(String jdbcUrl) {
        url = jdbcUrl;
        engine = jdbcUrl.startsWith("jdbc:sqlite:") ? Engine.SQLITE : Engine.POSTGRESQL;
        try {
            writer = pool(jdbcUrl, engine == Engine.SQLITE ? 1 : POSTGRES_POOL, "writer");
            try {
                Flyway.configure().dataSource(writer).locations("classpath:db/migration")
                        .javaMigrations(new V3__JobRequest()).load().migrate();
                reader = pool(jdbcUrl, engine == Engine.SQLITE ? 2 : POSTGRES_POOL, "reader");
            } catch (RuntimeException e) {
                writer.close();
                throw e;
            }
        } catch (RuntimeException e) {
            throw new IllegalStateException("cannot open database " + Store.redacted(jdbcUrl) + ": " + e.getMessage(), e);
        }
    }

    private static HikariDataSource pool(String jdbcUrl, int size, String name) {
        var config = new HikariConfig();
        config.setJdbcUrl(jdbcUrl);
        config.setPoolName("kineto-" + name);
        config.setMaximumPoolSize(size);
        config.setMinimumIdle(Math.min(size, 2));
        // A request waits at most this long for a connection, then answers 503: better than queueing without bound.
        config.setConnectionTimeout(10_000);
        config.setInitializationFailTimeout(10_000);
        if (jdbcUrl.startsWith("jdbc:sqlite:")) {
            config.addDataSourceProperty("journal_mode", "WAL");
            config.addDataSourceProperty("synchronous", "NORMAL"); // with WAL, a killed process loses nothing committed
            config.addDataSourceProperty("busy_timeout", "10000");
            config.addDataSourceProperty("foreign_keys", "true");
        } else {
            // A query on a link that was cut gives up instead of waiting for TCP (many minutes); the pool reconnects.
            config.addDataSourceProperty("connectTimeout", "10");
            config.addDataSourceProperty("socketTimeout", "60");
            config.addDataSourceProperty("tcpKeepAlive", "true");
        }
        return new HikariDataSource(config);
    }

    @FunctionalInterface
    interface Work<T> {
        T run(Tx t) throws SQLException;
    }

    @FunctionalInterface
    interface Row<T> {
        T map(ResultSet r) throws SQLException;
    }

    /** Runs work in one transaction; any exception rolls it back. A PostgreSQL deadlock or serialization failure runs it again. */
    <T> T tx(Work<T> work) {
        for (int attempt = 1; ; attempt++) {
            try (Connection c = writer.getConnection()) {
                c.setAutoCommit(false);
                try {
                    T result = work.run(new Tx(c, engine));
                    c.commit();
                    return result;
                } catch (SQLException | RuntimeException e) {
                    c.rollback();
                    throw e;
                } finally {
                    c.setAutoCommit(true);
                }
            } catch (SQLException e) {
                if (attempt < RETRIES && retryable(e)) continue;
                throw failure(e);
            }
        }
    }

    /** Runs read-only work outside any transaction (each statement sees a committed state). */
    <T> T read(Work<T> work) {
        try (Connection c = reader.getConnection()) {
            return work.run(new Tx(c, engine));
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    /**
     * Calls wake whenever a transaction sends NOTIFY on channel (see {@link Tx#notify}), from a thread with a
     * connection of its own that reconnects after the database comes back; nothing on SQLite, whose writers are all in
     * this process. The caller polls too, so a lost notification only delays a wake.
     */
    AutoCloseable listen(String channel, Runnable wake) {
        if (engine == Engine.SQLITE) return () -> {};
        var stop = new java.util.concurrent.atomic.AtomicBoolean();
        Thread thread = Thread.ofPlatform().name("kineto-listen-" + channel).daemon().start(() -> {
            while (!stop.get()) {
                try (Connection c = java.sql.DriverManager.getConnection(url); var s = c.createStatement()) {
                    s.execute("LISTEN " + channel);
                    var pg = c.unwrap(org.postgresql.PGConnection.class);
                    while (!stop.get()) {
                        var notes = pg.getNotifications(1000);
                        if (notes != null && notes.length > 0) wake.run();
                    }
                } catch (SQLException e) {
                    if (stop.get()) return;
                    LOG.warn("listening for {}: {}; polling until the database is back", channel, e.getMessage());
                    try {
                        Thread.sleep(1000);
                    } catch (InterruptedException interrupted) {
                        return;
                    }
                }
            }
        });
        return () -> {
            stop.set(true);
            thread.join(5000);
        };
    }

    private boolean retryable(SQLException e) {
        return engine == Engine.POSTGRESQL && ("40P01".equals(e.getSQLState()) || "40001".equals(e.getSQLState()));
    }

    /**
     * A database error as the API answers it: storage that cannot take writes now (busy, down, unreachable) is a 503
     * the client retries (the transaction was rolled back, so nothing half-happened); anything else is a bug.
     */
    private RuntimeException failure(SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        boolean unavailable = e instanceof SQLTransientConnectionException
                || (engine == Engine.SQLITE ? SQLITE_UNAVAILABLE.contains(e.getErrorCode() & 0xff)
                : state.startsWith("08") || state.startsWith("53") || state.startsWith("57P") || state.equals("25006"));
        if (unavailable) {
            LOG.warn("database unavailable: {}", e.getMessage());
            return new ApiError(503, "storage_unavailable", "the server cannot write its database right now; nothing was changed, retry in a few seconds");
        }
        return new IllegalStateException("database error: " + e.getMessage(), e);
    }

    @Override
    public void close() {
        reader.close();
        writer.close();
    }

    /** One connection inside {@link #tx} or {@link #read}, with the statements every store needs. */
    record Tx(Connection connection, Engine engine) {
        /** What a SELECT adds to lock the rows it answers against other claimers, skipping rows they hold (SQLite has one writer: nothing). */
        String skipLocked(String table) {
            return engine == Engine.POSTGRESQL ? " FOR UPDATE OF " + table + " SKIP LOCKED" : "";
        }

        /** What a SELECT adds to lock the rows it answers until the transaction ends (SQLite has one writer: nothing). */
        String forUpdate() {
            return engine == Engine.POSTGRESQL ? " FOR UPDATE" : "";
        }

        /** Wakes the listeners of channel when this transaction commits (PostgreSQL; nothing on SQLite). */
        void notify(String channel) throws SQLException {
            if (engine == Engine.POSTGRESQL) list("SELECT pg_notify(?, '')", r -> 0, channel);
        }

        /** "(?,?,…)" with n marks, for an IN list of n values (n at least 1). */
        static String placeholders(int n) {
            return "(" + String.join(",", java.util.Collections.nCopies(n, "?")) + ")";
        }

        private PreparedStatement prepare(String sql, Object... args) throws SQLException {
            PreparedStatement s = connection.prepareStatement(sql);
            for (int i = 0; i < args.length; i++) s.setObject(i + 1, args[i]);
            return s;
        }

        int update(String sql, Object... args) throws SQLException {
            try (PreparedStatement s = prepare(sql, args)) {
                return s.executeUpdate();
            }
        }

        <T> List<T> list(String sql, Row<T> row, Object... args) throws SQLException {
            try (PreparedStatement s = prepare(sql, args); ResultSet r = s.executeQuery()) {
                List<T> out = new ArrayList<>();
                while (r.next()) out.add(row.map(r));
                return out;
            }
        }

        <T> Optional<T> one(String sql, Row<T> row, Object... args) throws SQLException {
            List<T> all = list(sql, row, args);
            return all.isEmpty() ? Optional.empty() : Optional.of(all.getFirst());
        }

        long count(String sql, Object... args) throws SQLException {
            return one(sql, r -> r.getLong(1), args).orElse(0L);
        }

        static Long nullableLong(ResultSet r, String column) throws SQLException {
            long value = r.getLong(column);
            return r.wasNull() ? null : value;
        }
    }
}
