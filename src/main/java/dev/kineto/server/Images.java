package dev.kineto.server;

/** Uploaded images' records (the pixels are files, MediaFiles): who owns which. */
public final class Images {
    private final Database db;

    Images(Database db) {
        this.db = db;
    }

    /** Whether the user uploaded this image; anyone else's is as missing as one never uploaded. */
    public boolean owns(String userId, String imageId) {
        return db.read(t -> t.count("SELECT COUNT(*) FROM images WHERE id = ? AND user_id = ?", imageId, userId)) > 0;
    }

    public String add(String userId, int width, int height) {
        String id = Store.newId("img");
        db.tx(t -> t.update("INSERT INTO images (id, user_id, width, height, created_at) VALUES (?,?,?,?,?)", id, userId, width, height, Store.now()));
        return id;
    }
}
