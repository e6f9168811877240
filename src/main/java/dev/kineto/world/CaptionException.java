package dev.kineto.world;

/** A caption the world cannot turn into a scene; the message says which words and what the world understands. */
public class CaptionException extends IllegalArgumentException {

    public CaptionException(String message) {
        super(message);
    }
}
