package dev.kineto.evaluation.scores;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The scores of one video: the quality dimensions (each in [0, 1], higher is better) and, for a prompt the world
 * understands, every adherence check, whether each category passed, and whether all did. Without such a prompt,
 * checks is empty, categories and allCorrect are null, and note says why. modes holds the scores of conditioned
 * modes (image-to-video, motion control, ...) when asked for.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EvalResult(String prompt, Map<String, Double> dimensions, List<Check> checks,
                         Map<String, Boolean> categories, Boolean allCorrect, Map<String, Object> modes, String note) {

    public static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public EvalResult {
        dimensions = Collections.unmodifiableMap(new LinkedHashMap<>(dimensions));
        checks = List.copyOf(checks);
    }

    /** The result with checks grouped: a category passes when all its checks do. */
    static EvalResult of(String prompt, Map<String, Double> dimensions, List<Check> checks, String note) {
        if (checks.isEmpty()) return new EvalResult(prompt, dimensions, checks, null, null, null, note);
        Map<String, Boolean> categories = new LinkedHashMap<>();
        for (Check c : checks) categories.merge(c.category(), c.pass(), Boolean::logicalAnd);
        return new EvalResult(prompt, dimensions, checks, categories, !categories.containsValue(false), null, note);
    }

    /** The result with the scores of a conditioned mode (image-to-video fidelity, trajectory error, ...); none leaves it as is. */
    public EvalResult withModes(Map<String, Object> scores) {
        return scores.isEmpty() ? this : new EvalResult(prompt, dimensions, checks, categories, allCorrect, new LinkedHashMap<>(scores), note);
    }

    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write result as JSON", e);
        }
    }
}
