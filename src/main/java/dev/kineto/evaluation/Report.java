package dev.kineto.evaluation;

import dev.kineto.video.AtomicFiles;
import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;
import dev.kineto.video.VideoFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;

/**
 * The suite report: report.json with every score, and report.html with per-category bar charts, a table that puts
 * the model beside its upper bound (ground-truth renders, also through the model's VAE) and lower bound (an untrained model), and the model's best
 * and worst videos as GIFs in clips/. The first result is the model under test.
 */
public final class Report {
    private Report() {}

    /** Marks the block of a Markdown file (e.g. the README) that {@link #updateMarkdown} rewrites. */
    public static final String TABLE_START = "<!-- kineto-eval-table:start -->", TABLE_END = "<!-- kineto-eval-table:end -->";
    static final int CASES = 4;
    private static final TemplateEngine TEMPLATES = TemplateEngine.createPrecompiled(ContentType.Html);

    /** Writes report.json, report.html and the GIFs of the best and worst cases into dir. */
    public static void write(Path dir, List<SuiteResult> results) throws IOException {
        AtomicFiles.write(dir.resolve("report.json"), EvalResult.JSON.writeValueAsBytes(results));
        SuiteResult model = results.getFirst();
        List<SuiteResult.Item> ranked = new ArrayList<>(model.items());
        ranked.sort(Comparator.comparingDouble(SuiteResult.Item::checkShare).thenComparingDouble(SuiteResult.Item::meanQuality).reversed());
        List<SuiteResult.Item> best = ranked.subList(0, Math.min(CASES, ranked.size()));
        List<SuiteResult.Item> worst = ranked.reversed().subList(0, Math.min(CASES, ranked.size()));
        for (SuiteResult.Item item : concat(best, worst)) VideoFiles.write(item.clip(), dir.resolve(clipPath(item)));

        List<String> generators = results.stream().map(SuiteResult::generator).toList();
        List<Row> rows = rows(results).entrySet().stream().map(e -> new Row(e.getKey(), e.getValue().stream().map(Report::format).toList())).toList();
        Page page = new Page(model.suite(), model.generator(), RenoisedGenerator.SUITE_TIME, chart("Prompt adherence", results, SuiteResult::categoryScoresWithAll),
                chart("Quality", results, SuiteResult::dimensions), generators, rows, cases(best), cases(worst));
        StringOutput html = new StringOutput();
        TEMPLATES.render("report.jte", page, html);
        AtomicFiles.write(dir.resolve("report.html"), html.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** What report.jte (src/main/jte, compiled with the build) shows; jte escapes every value for HTML. */
    public record Page(String suite, String generator, double renoisedTime, String adherenceChart, String qualityChart,
                       List<String> generators, List<Row> rows, List<Case> best, List<Case> worst) {}

    /** A table row: a category or dimension and one formatted score per generator. */
    public record Row(String name, List<String> values) {}

    /** A best or worst case: its GIF, its prompt and the checks it failed. */
    public record Case(String clip, String id, String prompt, List<String> failures) {}

    /** The scores as a Markdown table: one row per category and dimension, one column per generator. */
    public static String markdownTable(List<SuiteResult> results) {
        StringBuilder md = new StringBuilder("| " + results.getFirst().suite() + " |");
        for (SuiteResult r : results) md.append(' ').append(r.generator()).append(" |");
        md.append("\n|---|").append("---:|".repeat(results.size())).append('\n');
        for (Map.Entry<String, List<Double>> row : rows(results).entrySet()) {
            md.append("| ").append(row.getKey()).append(" |");
            for (Double v : row.getValue()) md.append(' ').append(format(v)).append(" |");
            md.append('\n');
        }
        return md.toString();
    }

    /** Replaces the block between TABLE_START and TABLE_END in a Markdown file with the table. */
    public static void updateMarkdown(Path file, String table) throws IOException {
        String text = Files.readString(file);
        int start = text.indexOf(TABLE_START), end = text.indexOf(TABLE_END);
        if (start < 0 || end < start) {
            throw new IllegalArgumentException(file + " has no table block: add the lines " + TABLE_START + " and " + TABLE_END + " where the table goes");
        }
        String updated = text.substring(0, start + TABLE_START.length()) + "\n" + table + text.substring(end);
        AtomicFiles.write(file, updated.getBytes(StandardCharsets.UTF_8));
    }

    /** Row name → one value per generator (null where a generator lacks it). */
    private static Map<String, List<Double>> rows(List<SuiteResult> results) {
        Map<String, List<Double>> rows = new LinkedHashMap<>();
        for (int k = 0; k < results.size(); k++) {
            Map<String, Double> values = new LinkedHashMap<>(results.get(k).categoryScoresWithAll());
            values.putAll(results.get(k).dimensions());
            for (Map.Entry<String, Double> e : values.entrySet()) {
                List<Double> row = rows.computeIfAbsent(e.getKey(), name -> new ArrayList<>(java.util.Collections.nCopies(results.size(), (Double) null)));
                row.set(k, e.getValue());
            }
        }
        return rows;
    }

    /** A grouped bar chart (XChart) of one score map per generator, as a data: URL of a PNG. */
    private static String chart(String title, List<SuiteResult> results, java.util.function.Function<SuiteResult, Map<String, Double>> scores)
            throws IOException {
        CategoryChart chart = new CategoryChartBuilder().width(960).height(380).title(title).yAxisTitle("score").build();
        chart.getStyler().setYAxisMin(0.0).setYAxisMax(1.0).setXAxisLabelRotation(30).setLegendPosition(
                org.knowm.xchart.style.Styler.LegendPosition.OutsideS).setLegendLayout(org.knowm.xchart.style.Styler.LegendLayout.Horizontal);
        for (SuiteResult r : results) {
            Map<String, Double> s = scores.apply(r);
            chart.addSeries(r.generator(), new ArrayList<>(s.keySet()), new ArrayList<>(s.values()));
        }
        byte[] png = BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
        return "data:image/png;base64," + Base64.getEncoder().encodeToString(png);
    }

    private static List<Case> cases(List<SuiteResult.Item> items) {
        return items.stream().map(item -> new Case(clipPath(item), item.prompt().id(), item.prompt().prompt(), item.result().checks().stream()
                .filter(c -> !c.pass()).map(c -> c.category() + " (" + c.subject() + "): expected " + c.expected() + ", saw " + c.seen()).toList())).toList();
    }

    private static String clipPath(SuiteResult.Item item) {
        return "clips/" + item.prompt().id() + ".gif";
    }

    private static <T> List<T> concat(List<T> a, List<T> b) {
        List<T> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    private static String format(Double v) {
        return v == null ? "–" : String.format(Locale.ROOT, "%.3f", v);
    }
}
