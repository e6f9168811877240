package dev.kineto.evaluation;

import dev.kineto.video.AtomicFiles;
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

    /** Writes report.json, report.html and the GIFs of the best and worst cases into dir. */
    public static void write(Path dir, List<SuiteResult> results) throws IOException {
        AtomicFiles.write(dir.resolve("report.json"), EvalResult.JSON.writeValueAsBytes(results));
        SuiteResult model = results.getFirst();
        List<SuiteResult.Item> ranked = new ArrayList<>(model.items());
        ranked.sort(Comparator.comparingDouble(SuiteResult.Item::checkShare).thenComparingDouble(SuiteResult.Item::meanQuality).reversed());
        List<SuiteResult.Item> best = ranked.subList(0, Math.min(CASES, ranked.size()));
        List<SuiteResult.Item> worst = ranked.reversed().subList(0, Math.min(CASES, ranked.size()));
        for (SuiteResult.Item item : concat(best, worst)) VideoFiles.write(item.clip(), dir.resolve(clipPath(item)));

        StringBuilder html = new StringBuilder();
        html.append("<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>Kineto evaluation: ").append(escape(model.suite()))
                .append("</title>\n<style>body{font-family:sans-serif;max-width:1000px;margin:2em auto}table{border-collapse:collapse}"
                        + "td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}td:first-child{text-align:left}"
                        + ".case{display:inline-block;width:230px;vertical-align:top;margin:6px;font-size:13px}"
                        + ".case img{width:192px;image-rendering:pixelated}.fail{color:#b00}</style></head><body>\n");
        html.append("<h1>Kineto evaluation on ").append(escape(model.suite())).append("</h1>\n");
        html.append("<p>").append(escape(model.generator())).append(results.size() == 1 ? " alone." : " beside its bounds: "
                        + "<i>renoised from t = " + RenoisedGenerator.SUITE_TIME + "</i> is the world's render of each prompt noised to that time and sampled back by the model "
                        + "(what its DiT loses at low noise alone), "
                        + "<i>ground truth</i> is the world's own render of each prompt (the upper bound), <i>VAE round trip</i> that render "
                        + "encoded and decoded by the model's VAE (the most its DiT can reach), <i>untrained</i> the default preset "
                        + "with random weights (the lower bound).")
                .append(" Category scores: the share of a category's prompts that pass that category's checks (for <i>heldout</i>, all checks);"
                        + " quality dimensions in [0, 1], higher is better. See docs/evaluation.md.</p>\n");
        html.append("<h2>Prompt adherence by category</h2>\n").append(chart("Prompt adherence", results, SuiteResult::categoryScoresWithAll));
        html.append("<h2>Quality dimensions</h2>\n").append(chart("Quality", results, SuiteResult::dimensions));
        html.append("<h2>Table</h2>\n").append(htmlTable(results));
        html.append("<h2>Best cases of ").append(escape(model.generator())).append("</h2>\n").append(cases(best));
        html.append("<h2>Worst cases of ").append(escape(model.generator())).append("</h2>\n").append(cases(worst));
        html.append("</body></html>\n");
        AtomicFiles.write(dir.resolve("report.html"), html.toString().getBytes(StandardCharsets.UTF_8));
    }

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

    private static String htmlTable(List<SuiteResult> results) {
        StringBuilder html = new StringBuilder("<table><tr><th></th>");
        for (SuiteResult r : results) html.append("<th>").append(escape(r.generator())).append("</th>");
        html.append("</tr>\n");
        rows(results).forEach((name, values) -> {
            html.append("<tr><td>").append(escape(name)).append("</td>");
            for (Double v : values) html.append("<td>").append(format(v)).append("</td>");
            html.append("</tr>\n");
        });
        return html.append("</table>\n").toString();
    }

    /** A grouped bar chart (XChart) of one score map per generator, as an inline PNG. */
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
        return "<img alt=\"" + escape(title) + "\" src=\"data:image/png;base64," + Base64.getEncoder().encodeToString(png) + "\">\n";
    }

    private static String cases(List<SuiteResult.Item> items) {
        StringBuilder html = new StringBuilder();
        for (SuiteResult.Item item : items) {
            html.append("<div class=\"case\"><img src=\"").append(clipPath(item)).append("\"><br><b>").append(escape(item.prompt().id()))
                    .append("</b>: ").append(escape(item.prompt().prompt())).append("<br>");
            for (Check c : item.result().checks()) {
                if (!c.pass()) {
                    html.append("<span class=\"fail\">").append(escape(c.category() + " (" + c.subject() + "): expected " + c.expected() + ", saw " + c.seen()))
                            .append("</span><br>");
                }
            }
            html.append("</div>\n");
        }
        return html.toString();
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

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
