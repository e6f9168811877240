package dev.kineto.model;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

class RequestRulesTest {
    private static final RequestRules TINY = ModelConfig.preset("tiny", 32, 48, 9, 8, List.of("a")).rules();

    private static RequestRules.Draft draft(String prompt) {
        return new RequestRules.Draft(prompt, null, null, null, null, null, null, null, null);
    }

    private static RequestRules.Draft seeded(long seed) {
        return new RequestRules.Draft("a", null, null, null, null, null, null, null, seed);
    }

    @Test
    void aPromptAloneGetsTheModelsTrainedSizeLengthAndFpsAndTheDefaults() {
        GenerationRequest r = TINY.resolve(draft("  a red ball "));
        assertEquals(new GenerationRequest("a red ball", "", 32, 48, 9, 8, RequestRules.DEFAULT_STEPS, RequestRules.DEFAULT_CFG, r.seed()), r);
        assertTrue(r.seed() >= 0 && r.seed() <= RequestRules.MAX_SEED, "seed " + r.seed());
        assertEquals(8, TINY.sizeMultiple(), "the tiny DiT's 2-cell patch of 4-pixel latent cells");
        assertEquals(8, ModelConfig.preset("pixel-tiny", 32, 32, 9, 8, List.of()).rules().sizeMultiple(), "a pixel model's 8-pixel patch");
    }

    @Test
    void everySeedInTheRangeIsKeptAndOnlyThose() {
        assertEquals(RequestRules.MAX_SEED, TINY.resolve(seeded(RequestRules.MAX_SEED)).seed());
        assertEquals(0, TINY.resolve(seeded(0)).seed());
        var above = assertThrows(RequestRules.InvalidRequest.class, () -> TINY.resolve(seeded(RequestRules.MAX_SEED + 1)));
        assertEquals("seed must be from 0 to 9007199254740991, got 9007199254740992", above.getMessage());
        assertEquals(RequestRules.MAX_SEED, (long) (double) RequestRules.MAX_SEED, "a JSON number in JavaScript (a double) holds it exactly");
        assertNotEquals(RequestRules.MAX_SEED + 2, (long) (double) (RequestRules.MAX_SEED + 2), "but not every larger one");
    }

    @Test
    void eachRuleIsRefusedNamingWhatToSend() {
        var size = assertThrows(RequestRules.InvalidRequest.class, () -> TINY.resolve(new RequestRules.Draft("a", null, 60, 60, null, null, null, null, null)));
        assertEquals(RequestRules.InvalidRequest.Kind.INVALID_SIZE, size.kind());
        assertEquals("size sides must be multiples of 8 (this model's patch in pixels), got 60x60", size.getMessage());
        var cfg = assertThrows(RequestRules.InvalidRequest.class,
                () -> TINY.resolve(new RequestRules.Draft("a", null, null, null, null, null, null, RequestRules.MAX_CFG + 0.5, null)));
        assertEquals("cfg must be from 0 to 20, got 20.5", cfg.getMessage());
        var steps = assertThrows(RequestRules.InvalidRequest.class,
                () -> TINY.resolve(new RequestRules.Draft("a", null, null, null, null, null, RequestRules.MAX_STEPS + 1, null, null)));
        assertEquals("steps must be from 1 to 100, got 101", steps.getMessage());
        assertEquals(RequestRules.InvalidRequest.Kind.MISSING, assertThrows(RequestRules.InvalidRequest.class, () -> TINY.resolve(draft(" "))).kind());
        assertEquals(17, TINY.resolve(new RequestRules.Draft("a", null, null, null, 2.0, null, null, null, 1L)).frames(), "2 s at 8 fps: 4k+1 frames");
        assertArrayEquals(new int[] {56, 32}, TINY.sizeFor("16:9", 1, 16), "the short side 32, the long one 32 × 16/9 in multiples of 8");
    }

    @Test
    void aRequestIsOneJsonValueThatReadsBackAsItWas() throws Exception {
        var json = new ObjectMapper();
        GenerationRequest r = TINY.resolve(new RequestRules.Draft("a red ball", "blur", 64, 32, 1.0, 8.0, 3, 4.5, RequestRules.MAX_SEED));
        assertEquals(r, json.readValue(json.writeValueAsString(r), GenerationRequest.class));
    }
}
