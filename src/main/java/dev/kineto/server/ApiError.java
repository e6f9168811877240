package dev.kineto.server;

/** An error the API answers with: an HTTP status, a machine-readable code, and a message that says what to fix. */
public final class ApiError extends RuntimeException {
    private final int status;
    private final String code;

    public ApiError(int status, String code, String message) {
        super(message);
        this.status = status;
        this.code = code;
    }

    public int status() { return status; }

    public String code() { return code; }

    /** A 400 for a value that is present but wrong. */
    public static ApiError invalid(String code, String message) {
        return new ApiError(400, code, message);
    }

    /** The one answer for anything the caller may not see, so ids of other users' videos reveal nothing. */
    public static ApiError notFound(String what, String id) {
        return new ApiError(404, "not_found", "no " + what + " with id '" + id + "'");
    }

    /** The JSON body of this error. */
    public Body body() {
        return new Body(new Detail(code, getMessage()));
    }

    public record Body(Detail error) {}

    public record Detail(String code, String message) {}
}
