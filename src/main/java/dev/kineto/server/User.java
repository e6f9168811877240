package dev.kineto.server;

/** An account: its tier decides queue priority; credits are the purchased balance, spent after the daily free allowance. */
public record User(String id, String name, String tier, boolean admin, long credits, String freeDay, long freeUsed,
                   String webhookSecret) {

    public static final String FREE = "free", PAID = "paid";

    /** Free credits left today (day as yyyy-mm-dd, UTC), given the daily allowance. */
    public long freeLeft(String day, long dailyAllowance) {
        return Math.max(0, dailyAllowance - (day.equals(freeDay) ? freeUsed : 0));
    }
}
