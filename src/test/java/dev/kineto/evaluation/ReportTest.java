package dev.kineto.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kineto.video.Clip;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** report.html renders every part from the template, with the users' text (prompts, names) escaped. */
class ReportTest {
    static SuiteResult.Item item(String id, String prompt, boolean pass, double sharpness) {
        var clip = new Clip(4, 4, 8, List.of(new byte[48], new byte[48]));
        var check = new Check("colour", "ball", "red", "blue", pass);
        return new SuiteResult.Item(new Suite.Prompt(id, "colour", prompt, 1), clip,
                new EvalResult(prompt, Map.of("sharpness", sharpness), List.of(check), Map.of("colour", pass), pass, null, null));
    }

    @Test
    void rendersTheTableChartsAndCasesEscaped(@TempDir Path dir) throws Exception {
        var model = new SuiteResult("tiny@1", "model <b>x</b>", List.of(item("p1", "a red <script>ball</script> & \"more\"", false, 0.25),
                item("p2", "a red ball", true, 0.75)));
        var bound = new SuiteResult("tiny@1", "ground truth", List.of(item("p1", "a red ball", true, 1.0)));
        Report.write(dir, List.of(model, bound));
        String html = Files.readString(dir.resolve("report.html"));
        assertTrue(html.startsWith("<!doctype html>"), html);
        assertTrue(html.contains("<title>Kineto evaluation: tiny@1</title>"), html);
        assertTrue(html.contains("beside its bounds"), "two generators: the bounds are explained");
        assertTrue(html.contains("<th>model &lt;b&gt;x&lt;/b&gt;</th><th>ground truth</th>"), html);
        assertTrue(html.contains("<tr><td>colour</td><td>0.500</td><td>1.000</td></tr>"), html);
        assertTrue(html.contains("<tr><td>sharpness</td><td>0.500</td><td>1.000</td></tr>"), html);
        assertEquals(2, html.split("src=\"data:image/png;base64,", -1).length - 1, "two charts");
        assertTrue(html.contains("<img src=\"clips/p1.gif\">"), html);
        assertTrue(html.contains("<span class=\"fail\">colour (ball): expected red, saw blue</span>"), html);
        assertFalse(html.contains("<script>"), "a prompt's markup is escaped");
        assertTrue(html.contains("<b>p1</b>: a red &lt;script&gt;ball&lt;/script&gt; &amp; \"more\"<br>"), html);
        assertTrue(Files.size(dir.resolve("clips/p1.gif")) > 0);

        Report.write(dir, List.of(model));
        String alone = Files.readString(dir.resolve("report.html"));
        assertTrue(alone.contains(" alone.") && !alone.contains("beside its bounds"), alone);
    }
}
