package dev.kineto.model;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TokenizerTest {
    private final Tokenizer tokenizer = new Tokenizer(Tokenizer.vocabulary(Set.of("Red", "ball"), List.of("a red ball, moving down-left!")), 6);

    @Test
    void splitsLowerCasedWordsAndStartsEveryCaption() {
        assertEquals(List.of("a", "red", "ball", "moving", "down", "left"), Tokenizer.split("A red ball, moving down-left!"));
        int[] ids = tokenizer.encode("Red BALL");
        assertEquals(3, ids.length);
        assertEquals(Tokenizer.START, ids[0]);
        assertEquals(tokenizer.words().indexOf("red"), ids[1]);
    }

    @Test
    void namesUnknownWordsAndMapsThemToUnk() {
        assertEquals(Set.of("purple", "zigzag"), tokenizer.unknownWords("a purple ball zigzag"));
        assertEquals(Tokenizer.UNKNOWN, tokenizer.encode("purple")[1]);
    }

    @Test
    void cutsLongCaptionsAtTheMaximumLength() {
        assertEquals(6, tokenizer.encode("a red ball a red ball a red ball").length);
    }
}
