package dev.kineto.server;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

/** Users, their API keys and studio sessions, and their balances: what a job is charged and refunded. */
public final class Accounts {
    private final Database db;

    Accounts(Database db) {
        this.db = db;
    }

    /** A new user and their first API key (shown once: only its hash is stored). */
    public record NewUser(User user, String apiKey) {}

    public NewUser createUser(String name, String tier, boolean admin, long credits) {
        if (!name.matches("[A-Za-z0-9_.-]{1,64}")) {
            throw new IllegalArgumentException("user name must be 1-64 letters, digits, '_', '.' or '-', got '" + name + "'");
        }
        return db.tx(t -> {
            if (t.one("SELECT id FROM users WHERE name = ?", r -> r.getString(1), name).isPresent()) {
                throw new IllegalArgumentException("user '" + name + "' exists already");
            }
            String id = Store.newId("u");
            t.update("INSERT INTO users (id, name, tier, is_admin, credits, webhook_secret, created_at) VALUES (?,?,?,?,?,?,?)",
                    id, name, tier, admin ? 1 : 0, credits, Webhooks.newSecret(Store.bytes(24)), Store.now());
            String key = "kn_" + Store.token(32);
            t.update("INSERT INTO api_keys (hash, user_id, created_at) VALUES (?,?,?)", Store.sha256(key), id, Store.now());
            return new NewUser(userById(t, id).orElseThrow(), key);
        });
    }

    public Optional<User> userByApiKey(String key) {
        return db.read(t -> t.one("SELECT u.* FROM users u JOIN api_keys k ON k.user_id = u.id WHERE k.hash = ?", Accounts::user, Store.sha256(key)));
    }

    public Optional<User> userByName(String name) {
        return db.read(t -> t.one("SELECT * FROM users WHERE name = ?", Accounts::user, name));
    }

    public Optional<User> userById(String id) {
        return db.read(t -> userById(t, id));
    }

    /** Starts a studio session; the returned token goes in the cookie, its hash in the database. */
    public String createSession(String userId, long ttlMillis) {
        String token = Store.token(32);
        db.tx(t -> t.update("INSERT INTO sessions (hash, user_id, expires_at) VALUES (?,?,?)", Store.sha256(token), userId, Store.now() + ttlMillis));
        return token;
    }

    public Optional<User> userBySession(String token) {
        return db.read(t -> t.one("SELECT u.* FROM users u JOIN sessions s ON s.user_id = u.id WHERE s.hash = ? AND s.expires_at > ?",
                Accounts::user, Store.sha256(token), Store.now()));
    }

    public void endSession(String token) {
        db.tx(t -> t.update("DELETE FROM sessions WHERE hash = ?", Store.sha256(token)));
    }

    /** Adds purchased credits and sets the tier (the billing hook an operator calls). */
    public void grant(String userId, long credits, String tier) {
        db.tx(t -> t.update("UPDATE users SET credits = credits + ?, tier = ? WHERE id = ?", credits, tier, userId));
    }

    /** What a job took from today's free allowance and from purchased credits. */
    record Charge(long free, long paid) {}

    /** Takes the cost from the user in the job's transaction, free allowance first, after checking the cap on queued jobs and the balance. */
    static Charge charge(Database.Tx t, User user, long cost, ServerConfig.Limits limits, String day) throws SQLException {
        long active = t.count("SELECT COUNT(*) FROM jobs WHERE user_id = ? AND status IN ('queued','running')", user.id());
        if (active >= limits.maxQueuedPerUser()) {
            throw new ApiError(429, "too_many_queued", "you have " + active + " videos queued or running, the most allowed is "
                    + limits.maxQueuedPerUser() + "; wait for one to finish or cancel one");
        }
        long freeLeft = user.freeLeft(day, limits.dailyFreeCredits());
        Charge charge = new Charge(Math.min(cost, freeLeft), cost - Math.min(cost, freeLeft));
        if (charge.paid() > user.credits()) {
            throw new ApiError(402, "insufficient_credits", "this video costs " + cost + " credits; you have " + freeLeft
                    + " free credits left today and " + user.credits() + " purchased; make it shorter, smaller or with fewer steps, or add credits");
        }
        long freeUsed = (day.equals(user.freeDay()) ? user.freeUsed() : 0) + charge.free();
        t.update("UPDATE users SET free_day = ?, free_used = ?, credits = credits - ? WHERE id = ?", day, freeUsed, charge.paid(), user.id());
        return charge;
    }

    /** Gives a job's charge back to the pots it came from (free credits only while it is still the same day), in the job's transaction. */
    static void refund(Database.Tx t, Job job) throws SQLException {
        User user = userById(t, job.userId()).orElseThrow();
        long freeUsed = user.freeDay().equals(job.chargeDay()) ? Math.max(0, user.freeUsed() - job.chargedFree()) : user.freeUsed();
        t.update("UPDATE users SET credits = credits + ?, free_used = ? WHERE id = ?", job.chargedPaid(), freeUsed, user.id());
    }

    /** The user, locked against other transactions until this one ends on PostgreSQL (a charge reads then writes the balance). */
    static Optional<User> userById(Database.Tx t, String id) throws SQLException {
        return t.one("SELECT * FROM users WHERE id = ?" + t.forUpdate(), Accounts::user, id);
    }

    private static User user(ResultSet r) throws SQLException {
        return new User(r.getString("id"), r.getString("name"), r.getString("tier"), r.getInt("is_admin") == 1, r.getLong("credits"),
                r.getString("free_day"), r.getLong("free_used"), r.getString("webhook_secret"));
    }
}
