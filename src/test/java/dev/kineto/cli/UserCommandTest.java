package dev.kineto.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kineto.server.Store;
import dev.kineto.server.TestDatabases;
import dev.kineto.server.User;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `kineto user` writes accounts to SQLite under --data, or to the PostgreSQL database --db names. */
class UserCommandTest {
    @TempDir
    Path dir;

    @Test
    void usersGoToSqliteUnderDataByDefaultAndToPostgresqlWithDb() {
        assertEquals(0, Main.run("user", "add", "local", "--data", dir.toString(), "--credits", "5"));
        try (Store store = Store.open(dir)) {
            assertEquals(5, store.accounts().userByName("local").orElseThrow().credits());
        }
        String db = TestDatabases.fresh(TestDatabases.POSTGRESQL, dir).substring("jdbc:".length()); // postgresql://HOST:PORT/DB?user=...
        assertEquals(0, Main.run("user", "add", "shared", "--db", db, "--credits", "3"));
        assertEquals(0, Main.run("user", "grant", "shared", "--db", db, "--credits", "4", "--paid"));
        try (Store store = Store.open(db, dir)) {
            User shared = store.accounts().userByName("shared").orElseThrow();
            assertEquals(7, shared.credits());
            assertEquals(User.PAID, shared.tier());
            assertTrue(store.accounts().userByName("local").isEmpty(), "not in SQLite's database");
        }
        assertEquals(1, Main.run("user", "add", "x", "--db", "mysql://h/db"), "an engine it does not take is a clear error");
    }
}
