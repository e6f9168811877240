package dev.kineto.evaluation.suite;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.kineto.evaluation.scores.Check;
import dev.kineto.evaluation.scores.EvalResult;
import dev.kineto.evaluation.scores.Evaluator;
import dev.kineto.model.GenerationRequest;
import dev.kineto.model.StepListener;
import dev.kineto.model.VideoGenerator;
import dev.kineto.video.Clip;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * One generator's scores on a suite: every prompt's result, and the aggregates the report shows. A suite
 * category's score is the share of its prompts that pass the adherence category of the same name (for "heldout",
 * all of them), as T2V-CompBench scores each category on its own prompts.
 */
public record SuiteResult(String suite, String generator, List<Item> items) {

    /** One prompt's video and scores. */
    public record Item(Suite.Prompt prompt, @JsonIgnore Clip clip, EvalResult result) {

        /** Whether the prompt's own category passed (all checks for the held-out split). */
        boolean categoryPassed() {
            if (result.categories() == null) return false;
            String category = prompt.category();
            return Evaluator.CATEGORIES.contains(category) ? result.categories().getOrDefault(category, false) : result.allCorrect();
        }

        /** Mean of the quality dimensions: breaks ties between cases with the same share of checks passed. */
        double meanQuality() {
            return result.dimensions().values().stream().mapToDouble(Double::doubleValue).average().orElse(0);
        }

        /** Share of checks passed: ranks best and worst cases. */
        double checkShare() {
            return result.checks().isEmpty() ? 0 : result.checks().stream().filter(Check::pass).count() / (double) result.checks().size();
        }
    }

    /**
     * Generates every prompt of the suite with the generator (in batches, seeded per prompt) and scores each video
     * against its prompt. progress hears "done/total" after each batch.
     */
    public static SuiteResult run(Suite suite, String generatorName, VideoGenerator generator, int steps, double cfg,
                                  int batchSize, Consumer<String> progress) {
        List<Item> items = new ArrayList<>();
        List<Suite.Prompt> prompts = suite.prompts();
        for (int start = 0; start < prompts.size(); start += batchSize) {
            List<Suite.Prompt> batch = prompts.subList(start, Math.min(start + batchSize, prompts.size()));
            List<GenerationRequest> requests = batch.stream()
                    .map(p -> new GenerationRequest(p.prompt(), "", suite.width(), suite.height(), suite.frames(), suite.fps(), steps, cfg, p.seed()))
                    .toList();
            List<Clip> clips = generator.generate(requests, StepListener.NONE);
            for (int k = 0; k < batch.size(); k++) items.add(new Item(batch.get(k), clips.get(k), Evaluator.evaluate(clips.get(k), batch.get(k).prompt(), batch.get(k).seed())));
            progress.accept(generatorName + " " + items.size() + "/" + prompts.size());
        }
        return new SuiteResult(suite.name() + "@" + suite.version(), generatorName, items);
    }

    /** Per suite category, the share of its prompts whose own category passed. */
    @JsonProperty
    public Map<String, Double> categoryScores() {
        Map<String, int[]> counts = new LinkedHashMap<>();
        for (Item item : items) {
            int[] c = counts.computeIfAbsent(item.prompt().category(), k -> new int[2]);
            c[0] += item.categoryPassed() ? 1 : 0;
            c[1]++;
        }
        Map<String, Double> scores = new LinkedHashMap<>();
        counts.forEach((category, c) -> scores.put(category, (double) c[0] / c[1]));
        return scores;
    }

    /** The category scores followed by "all correct": the rows of the report's first chart. */
    public Map<String, Double> categoryScoresWithAll() {
        Map<String, Double> scores = categoryScores();
        scores.put("all correct", allCorrect());
        return scores;
    }

    /** Share of videos that pass every check. */
    @JsonProperty
    public double allCorrect() {
        return items.stream().filter(i -> Boolean.TRUE.equals(i.result().allCorrect())).count() / (double) items.size();
    }

    /** Mean of each quality dimension over the videos that have it. */
    @JsonProperty
    public Map<String, Double> dimensions() {
        Map<String, double[]> sums = new LinkedHashMap<>();
        for (Item item : items) {
            item.result().dimensions().forEach((name, value) -> {
                double[] s = sums.computeIfAbsent(name, k -> new double[2]);
                s[0] += value;
                s[1]++;
            });
        }
        Map<String, Double> means = new LinkedHashMap<>();
        sums.forEach((name, s) -> means.put(name, s[0] / s[1]));
        return means;
    }
}
