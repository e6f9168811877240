package dev.kineto.server;

/** Uploaded clips' records (the files are MediaFiles'): who owns which. */
public final class Clips {
    /** A clip's id starts so, as an image's starts with "img" and a video's with "video". */
    static final String PREFIX = "clip";

    private final Database db;

    Clips(Database db) {
        this.db = db;
    }

    /** Whether the user uploaded this clip; anyone else's is as missing as one never uploaded. */
    public boolean owns(String userId, String clipId) {
        return db.read(t -> t.count("SELECT COUNT(*) FROM clips WHERE id = ? AND user_id = ?", clipId, userId)) > 0;
    }

    /** A new clip's id: "clip_" and the rest as every id (Store.newId). */
    static String newId() {
        return Store.newId(PREFIX);
    }

    public void add(String id, String userId, int frames, double fps) {
        db.tx(t -> t.update("INSERT INTO clips (id, user_id, frames, fps, created_at) VALUES (?,?,?,?,?)", id, userId, frames, fps, Store.now()));
    }

    static boolean isClipId(String id) {
        return id.startsWith(PREFIX + "_");
    }
}
