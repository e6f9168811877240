package dev.kineto.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * A job's generation request becomes one JSON value (the request record the worker gets) instead of nine columns,
 * and its output length one column for the usage report. In Java because SQLite and PostgreSQL build JSON with
 * different functions; the JSON written here is the request record as it was at this version.
 */
final class V3__JobRequest extends BaseJavaMigration {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] FLATTENED = {"prompt", "negative_prompt", "width", "height", "frames", "fps", "steps", "cfg", "seed"};

    @Override
    public void migrate(Context context) throws Exception {
        var c = context.getConnection();
        try (Statement s = c.createStatement()) {
            s.execute("ALTER TABLE jobs ADD COLUMN request TEXT NOT NULL DEFAULT ''");
            s.execute("ALTER TABLE jobs ADD COLUMN seconds DOUBLE PRECISION NOT NULL DEFAULT 0");
        }
        try (Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT id, " + String.join(", ", FLATTENED) + ", source_frames FROM jobs");
             PreparedStatement update = c.prepareStatement("UPDATE jobs SET request = ?, seconds = ? WHERE id = ?")) {
            while (r.next()) {
                var request = JSON.createObjectNode().put("prompt", r.getString("prompt")).put("negativePrompt", r.getString("negative_prompt"))
                        .put("width", r.getInt("width")).put("height", r.getInt("height"))
                        .put("frames", r.getInt("frames") - r.getInt("source_frames")) // the generated frames; an extension's source is not
                        .put("fps", r.getDouble("fps")).put("steps", r.getInt("steps")).put("cfg", r.getDouble("cfg")).put("seed", r.getLong("seed"));
                update.setString(1, JSON.writeValueAsString(request));
                update.setDouble(2, r.getInt("frames") / r.getDouble("fps"));
                update.setString(3, r.getString("id"));
                update.executeUpdate();
            }
        }
        try (Statement s = c.createStatement()) {
            for (String column : FLATTENED) s.execute("ALTER TABLE jobs DROP COLUMN " + column);
        }
    }
}
