package dev.kineto.server;

import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * All of Kineto's state in one database (SQLite by default, or PostgreSQL), by aggregate: accounts, jobs and their
 * queue, webhook deliveries and uploaded images and clips, all through one {@link Database}.
 */
public final class Store implements AutoCloseable {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    private final Database db;
    private final Accounts accounts;
    private final Jobs jobs;
    private final WebhookDeliveries webhooks;
    private final Images images;
    private final Clips clips;

    /** Opens (and migrates) the SQLite database kineto.db in dataDir. */
    public static Store open(Path dataDir) {
        try {
            Files.createDirectories(dataDir);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("cannot create data directory " + dataDir + ": " + e.getMessage(), e);
        }
        Path db = dataDir.resolve("kineto.db");
        privateFile(db);
        Store store = new Store("jdbc:sqlite:" + db.toAbsolutePath());
        for (String journal : List.of("-wal", "-shm")) {
            Path file = dataDir.resolve(db.getFileName() + journal);
            if (Files.exists(file)) privateFile(file); // SQLite gives new ones the database's mode
        }
        return store;
    }

    /** The database a node uses: the one at url (postgresql://HOST[:PORT]/DB?user=...), or SQLite in dataDir when url is null. */
    public static Store open(String url, Path dataDir) {
        return url == null ? open(dataDir) : new Store(jdbcUrl(url));
    }

    /** The JDBC URL of a --db value: postgresql://… (or postgres://…) as PostgreSQL's driver spells it, or a jdbc: URL as it is. */
    static String jdbcUrl(String url) {
        if (url.startsWith("jdbc:")) return url;
        if (url.startsWith("postgresql://") || url.startsWith("postgres://")) return "jdbc:postgresql://" + url.substring(url.indexOf("://") + 3);
        throw new IllegalArgumentException("--db takes postgresql://HOST[:PORT]/DATABASE?user=NAME[&password=...], got '"
                + redacted(url) + "'; leave it out for SQLite in --data");
    }

    /** The database URL without its password, for messages and logs. */
    public static String redacted(String url) {
        return url.replaceAll("(?i)(password=)[^&]*", "$1***");
    }

    /** Makes the file readable by its owner only (creating it empty if missing): the database holds webhook secrets. */
    private static void privateFile(Path file) {
        if (!FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) return;
        var owner = PosixFilePermissions.fromString("rw-------");
        try {
            if (Files.exists(file)) Files.setPosixFilePermissions(file, owner);
            else Files.createFile(file, PosixFilePermissions.asFileAttribute(owner));
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("cannot make " + file + " private: " + e.getMessage(), e);
        }
    }

    public Store(String jdbcUrl) {
        db = new Database(jdbcUrl);
        accounts = new Accounts(db);
        jobs = new Jobs(db);
        webhooks = new WebhookDeliveries(db);
        images = new Images(db);
        clips = new Clips(db);
    }

    Database database() {
        return db;
    }

    public Accounts accounts() {
        return accounts;
    }

    public Jobs jobs() {
        return jobs;
    }

    public WebhookDeliveries webhooks() {
        return webhooks;
    }

    public Images images() {
        return images;
    }

    public Clips clips() {
        return clips;
    }

    /** Whether the database answers and takes writes (a statement that changes nothing still needs the write lock). */
    public boolean writable() {
        try {
            return db.tx(t -> t.update("UPDATE users SET name = name WHERE 1 = 0") == 0);
        } catch (RuntimeException e) {
            return false;
        }
    }

    @Override
    public void close() {
        db.close();
    }

    static long now() {
        return System.currentTimeMillis();
    }

    static String today() {
        return LocalDate.now(ZoneOffset.UTC).toString();
    }

    /** A unique id with a readable prefix that sorts by creation (time, then a counter), e.g. video_0192a3f4c1d2000a5e...; the random tail makes ids unguessable. */
    static String newId(String prefix) {
        return "%s_%012x%04x%s".formatted(prefix, now(), SEQUENCE.getAndIncrement() & 0xffff, HexFormat.of().formatHex(bytes(8)));
    }

    /** A random URL-safe secret of n bytes. */
    static String token(int n) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes(n));
    }

    static byte[] bytes(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }

    /** Hex SHA-256: API keys and session tokens are random and long, so a fast hash is enough to store them safely. */
    static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
