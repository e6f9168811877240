package dev.kineto.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kineto.model.RequestRules;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The studio in headless Chromium, one browser for every test, on the tiny pixel model (it takes frames, so every mode
 * runs): log in, see the cost, generate with live previews, play crisply, and each mode end to end (a dropped picture,
 * extending and restyling a gallery video, a path drawn with the mouse), checked in the API's JSON for the job made;
 * remix, share, delete; the admin view.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StudioTest {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium"), DRIVER = Path.of("/usr/bin/chromedriver");
    /** The pixel model's own length: 9 frames at 8 fps, 1 s from the first frame to the last. */
    static final String DEFAULT_SECONDS = "1";
    static final String PROMPT = "a white square slides to the right";

    @TempDir
    static Path data;
    @TempDir
    static Path profile;
    static KinetoServer server;
    static WebDriver browser;
    static WebDriverWait wait;
    static String base, apiKey;
    static ApiClient api;
    static JsonNode openApi;

    @BeforeAll
    static void start() {
        assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(DRIVER),
                "the studio test needs Debian's chromium and chromium-driver: ./run-tests installs them");
        server = KinetoServer.start(TinyModel.serverConfig(data), TinyModel.pixelGenerator());
        base = "http://localhost:" + server.port();
        apiKey = server.store().accounts().createUser("maya", User.FREE, false, 1000).apiKey();
        api = new ApiClient(base, apiKey);
        openApi = api.get("/openapi.json").json();
        var options = new ChromeOptions().setBinary(CHROMIUM.toFile()).addArguments("--headless=new", "--no-sandbox", "--disable-gpu",
                "--disable-dev-shm-usage", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--window-size=1200,1000", "--user-data-dir=" + profile);
        browser = new ChromeDriver(new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile()).build(), options);
        // The studio re-renders lists as the API answers; a condition that meets a replaced element tries again.
        wait = new WebDriverWait(browser, Duration.ofSeconds(30));
        wait.ignoring(StaleElementReferenceException.class);
    }

    @AfterAll
    static void stop() {
        if (browser != null) browser.quit();
        if (server != null) server.close();
    }

    // ---- helpers ----

    static WebElement id(String id) {
        return browser.findElement(By.id(id));
    }

    static void type(String field, String text) {
        id(field).clear();
        id(field).sendKeys(text);
    }

    static Object js(String script, Object... args) {
        return ((JavascriptExecutor) browser).executeScript(script, args);
    }

    static void screenshot(String name) throws Exception {
        Path target = Path.of("target", name);
        Files.createDirectories(target.getParent());
        Files.write(target, ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
    }

    /** Whether the served API has this field in its schema (VideoRequest or Video): the studio's modes follow what it takes. */
    static boolean apiHas(String schema, String field) {
        return openApi.at("/components/schemas/" + schema + "/properties").has(field);
    }

    static void logIn(String user, String key) {
        browser.get(base);
        wait.until(d -> id("login").isDisplayed() || id("studio").isDisplayed());
        if (id("studio").isDisplayed()) {
            if (id("who").getText().equals(user)) return;
            id("logout").click();
        }
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("login")));
        type("username", user);
        type("api-key", key);
        id("login-form").submit();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("studio")));
    }

    static void mode(String name) {
        WebElement tab = browser.findElement(By.cssSelector(".mode[data-mode='" + name + "']"));
        tab.click();
        assertTrue(tab.getAttribute("class").contains("active"));
    }

    /** Waits until the form's active tab is name's: a gallery button opens its tab from its click handler. */
    static void awaitMode(String name) {
        wait.until(d -> browser.findElement(By.cssSelector(".mode.active")).getAttribute("data-mode").equals(name));
    }

    /** Opens "advanced" (if closed) and asks for few steps, to keep the tiny model quick. */
    static void fewSteps() {
        if (id("advanced").getAttribute("open") == null) browser.findElement(By.cssSelector("#advanced summary")).click();
        type("steps", "2");
    }

    /** Waits for the cost of what the form now says (the quote comes a moment after the last input). */
    static String costShown() {
        wait.until(ExpectedConditions.textMatches(By.id("cost"), Pattern.compile("Cost: \\d+ credits · \\d+×\\d+, \\d+ frames")));
        assertEquals("", id("form-error").getText());
        return id("cost").getText();
    }

    /** Presses Generate and waits for the job it made to succeed; its video as the API shows it. */
    static JsonNode generate() throws InterruptedException {
        JsonNode before = api.get("/v1/videos?limit=1").json().path("data");
        String previous = before.isEmpty() ? "" : before.get(0).path("id").asText();
        wait.until(ExpectedConditions.elementToBeClickable(By.id("submit"))).click();
        wait.until(d -> {
            if (!id("form-error").getText().isEmpty()) throw new AssertionError("refused: " + id("form-error").getText());
            return !api.get("/v1/videos?limit=1").json().path("data").path(0).path("id").asText(previous).equals(previous);
        });
        String jobId = api.get("/v1/videos?limit=1").json().path("data").get(0).path("id").asText();
        for (int i = 0; i < 1200; i++) {
            JsonNode video = api.get("/v1/videos/" + jobId).json();
            if (video.path("status").asText().equals(Job.SUCCEEDED)) {
                wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("article.video[data-id='" + jobId + "'][data-status=succeeded]")));
                return video;
            }
            if (!video.path("status").asText().matches("queued|running")) throw new AssertionError("video " + jobId + " ended " + video);
            Thread.sleep(50);
        }
        throw new AssertionError("video " + jobId + " never finished");
    }

    static WebElement card(String videoId) {
        return wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("article.video[data-id='" + videoId + "']")));
    }

    static void press(String videoId, String button) {
        card(videoId).findElement(By.cssSelector("button." + button)).click();
    }

    static Path picture(String name, int width, int height, int hue) throws Exception {
        Path file = data.resolve(name);
        Files.write(file, FrameModesTest.png(width, height, hue));
        return file;
    }

    static String firstSucceeded() {
        for (JsonNode v : api.get("/v1/videos?limit=100").json().path("data")) {
            if (v.path("status").asText().equals(Job.SUCCEEDED) && v.path("extend_video_id").isNull()) return v.path("id").asText();
        }
        throw new AssertionError("no succeeded video yet");
    }

    // ---- text mode, the player, remix, share, delete ----

    @Test
    @Order(1)
    void createWatchPlayRemixShareAndDelete() throws Exception {
        logIn("maya", apiKey);
        assertEquals("maya", id("who").getText());
        assertEquals(DEFAULT_SECONDS, new Select(id("seconds")).getFirstSelectedOption().getAttribute("value"), "the length picker starts at the served model's length");
        assertFalse(id("steps").isDisplayed(), "steps, CFG and seed wait under \"advanced\"");
        assertFalse(id("seed").isDisplayed());
        browser.findElement(By.cssSelector("#advanced summary")).click();
        assertTrue(id("steps").isDisplayed() && id("cfg").isDisplayed() && id("seed").isDisplayed());
        assertEquals("2.5", id("cfg").getAttribute("value"));
        assertEquals(RequestRules.fmt(RequestRules.MAX_CFG), id("cfg").getAttribute("max"), "the model's cap, as the API holds it");
        assertEquals(Integer.toString(RequestRules.MAX_STEPS), id("steps").getAttribute("max"));
        assertEquals(Long.toString(RequestRules.MAX_SEED), id("seed").getAttribute("max"), "a seed the CLI prints can be typed in");

        type("prompt", PROMPT);
        new Select(id("quality")).selectByValue("standard");
        type("steps", "40");
        type("seed", "1234");
        assertTrue(costShown().endsWith("32×32, 9 frames"), id("cost").getText());
        type("steps", "500");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("form-error"), "steps must be from 1 to 100"));
        type("steps", "40");
        wait.until(ExpectedConditions.textToBe(By.id("form-error"), ""));

        id("submit").click();
        wait.until(ExpectedConditions.attributeContains(By.id("preview"), "src", "data:image/png;base64,"));
        // On an idle machine the tiny model can finish (and the live panel hide) between the preview and this read,
        // so the text is read from the DOM and success counts too.
        String live = (String) js("return document.getElementById('live-status').textContent");
        assertTrue(live.matches("(Running|Succeeded) · \\d+%"), live);
        screenshot("studio-progress.png");

        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("player-card")));
        wait.until(d -> ((Number) js("return document.getElementById('player').readyState")).intValue() >= 1);
        assertEquals(32L, js("return document.getElementById('player').videoWidth"), "Chromium decodes the MP4");
        assertEquals(PROMPT, id("player-title").getText(), "titled by its prompt, not its id");
        assertEquals("pixelated", js("return getComputedStyle(document.getElementById('player')).imageRendering"), "true pixels, never smoothed");
        long shown = Math.round(((Number) js("return document.getElementById('player').getBoundingClientRect().width")).doubleValue());
        assertTrue(shown > 32 && shown % 32 == 0, "scaled up by a whole number: " + shown + " px for 32");
        assertEquals(shown, Math.round(((Number) js("return document.getElementById('player').getBoundingClientRect().height")).doubleValue()));

        WebElement card = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("article.video[data-status=succeeded]")));
        String videoId = card.getAttribute("data-id");
        assertEquals(PROMPT, card.findElement(By.cssSelector(".title")).getText());
        assertTrue(card.findElement(By.cssSelector(".meta")).getText().matches("Text · 32×32 · 1\\.1 s · seed 1234 · succeeded"), card.getText());
        assertTrue(card.findElement(By.cssSelector("img.thumb")).getAttribute("src").endsWith("variant=thumbnail"));
        assertTrue(card.findElement(By.cssSelector("a.download")).getAttribute("href").endsWith("/v1/videos/" + videoId + "/content"));
        screenshot("studio.png");

        type("prompt", "something else");
        type("seed", "");
        type("steps", "3");
        card.findElement(By.cssSelector("button.remix")).click();
        assertEquals(PROMPT, id("prompt").getAttribute("value"));
        assertEquals("1234", id("seed").getAttribute("value"));
        assertEquals("40", id("steps").getAttribute("value"));
        assertEquals("1.125", new Select(id("seconds")).getFirstSelectedOption().getAttribute("value"), "its 9 frames at 8 fps");

        card.findElement(By.cssSelector("button.share")).click();
        wait.until(ExpectedConditions.textToBePresentInElement(card.findElement(By.cssSelector("button.share")), "Unshare"));
        id("tab-feed").click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("article.video[data-id='" + videoId + "']")));
        id("tab-mine").click();
        WebElement mine = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("article.video[data-id='" + videoId + "'] button.delete")));
        mine.click();
        wait.until(ExpectedConditions.invisibilityOfElementLocated(By.cssSelector("article.video[data-id='" + videoId + "']")));
        assertEquals(404, api.get("/v1/videos/" + videoId).status());
        assertTrue(new File("target/studio.png").length() > 0);
    }

    // ---- image, extend, motion path, restyle, camera and style ----

    @Test
    @Order(2)
    void aDroppedPictureAndALastFrameBecomeTheVideosEnds() throws Exception {
        logIn("maya", apiKey);
        mode("image");
        type("prompt", "a red ball moves right");
        fewSteps();
        assertEquals("Choose a picture for the first frame.", wait.until(d -> {
            String cost = id("cost").getText();
            return cost.isEmpty() ? null : cost;
        }), "the mode says what it needs first");
        assertFalse(id("submit").isEnabled());
        id("image-file").sendKeys(picture("first.png", 48, 40, 30).toString());
        wait.until(ExpectedConditions.textMatches(By.id("image-label"), Pattern.compile("Picture img_.+")));
        id("last-image-file").sendKeys(picture("last.png", 40, 48, 150).toString());
        wait.until(ExpectedConditions.textMatches(By.id("last-image-label"), Pattern.compile("Picture img_.+")));
        String first = id("image-label").getText().substring("Picture ".length()), last = id("last-image-label").getText().substring("Picture ".length());
        assertTrue(id("image-thumb").isDisplayed());
        costShown();

        JsonNode video = generate();
        assertEquals(first, video.path("image_id").asText());
        assertEquals(last, video.path("last_image_id").asText());
        assertEquals(200, api.get(video.path("url").asText()).status());
    }

    @Test
    @Order(3)
    void extendOnAGalleryVideoContinuesIt() throws Exception {
        logIn("maya", apiKey);
        String sourceId = firstSucceeded();
        JsonNode source = api.get("/v1/videos/" + sourceId).json();
        press(sourceId, "extend");
        awaitMode("extend");
        assertTrue(id("extend-label").getText().startsWith("Extending “"), id("extend-label").getText());
        assertFalse(id("aspect_ratio").isEnabled(), "an extension keeps its source's size");
        assertEquals("Add", id("length-label").getText());
        type("prompt", "a red ball moves right");
        fewSteps();
        new Select(id("seconds")).selectByValue("1");
        costShown();

        JsonNode video = generate();
        assertEquals(sourceId, video.path("extend_video_id").asText());
        assertEquals(source.path("frames").asInt() + 9, video.path("frames").asInt(), "1 s more at 8 fps: 9 frames (4k+1)");
        assertEquals(source.path("width").asInt(), video.path("width").asInt());
    }

    @Test
    @Order(4)
    void aPathDrawnWithTheMouseIsTheJobsMotionPath() throws Exception {
        logIn("maya", apiKey);
        press(firstSucceeded(), "path"); // the picture-started video's first frame, to draw on
        awaitMode("motion_path");
        type("prompt", "a red ball moves right");
        fewSteps();
        new Select(id("aspect_ratio")).selectByValue("1:1");
        WebElement canvas = id("path-canvas");
        wait.until(d -> canvas.getAttribute("width").equals("256"));
        wait.until(d -> ((List<?>) js("return Array.from(arguments[0].getContext('2d').getImageData(128, 128, 1, 1).data)", canvas))
                .stream().limit(3).mapToLong(n -> ((Number) n).longValue()).sum() > 0); // drawn over the frame, not black
        assertEquals(256, canvas.getRect().getWidth() - 2, "one canvas pixel per CSS pixel, inside a 1 px border");
        // From 32 px in and 32 down, right 128 and down 128: output pixels (4, 4), (20, 4), (20, 20) at 32×32.
        new Actions(browser).moveToElement(canvas, -96, -96).clickAndHold().moveByOffset(128, 0).moveByOffset(0, 128).release().perform();
        List<int[]> drawn = new ArrayList<>();
        for (Object point : (List<?>) js("return chosen.path")) drawn.add(((List<?>) point).stream().mapToInt(n -> ((Number) n).intValue()).toArray());
        assertPath(drawn);
        wait.until(d -> !id("cost").getText().startsWith("Draw"));
        screenshot("studio-path.png");
        assumeTrue(apiHas("VideoRequest", "motion_path"), "the API takes motion_path once issue-36-api2 lands");
        costShown();

        JsonNode video = generate();
        List<int[]> sent = new ArrayList<>();
        video.path("motion_path").forEach(p -> sent.add(new int[] {p.get(0).asInt(), p.get(1).asInt()}));
        assertPath(sent);
        assertTrue(video.path("image_id").isNull(), "a path is its own guide: the remixed video's picture is not sent");
        assertEquals("motion_path", video.path("mode").asText());
        assertTrue(card(video.path("id").asText()).findElement(By.cssSelector(".meta")).getText().startsWith("Motion path · 32×32"));
    }

    /** The drawn path: from (4, 4) along the top to (20, 4), then down to (20, 20), in output pixels. */
    static void assertPath(List<int[]> path) {
        assertTrue(path.size() >= 3, "at least the three corners: " + path.size());
        assertNear(new int[] {4, 4}, path.getFirst());
        assertNear(new int[] {20, 20}, path.getLast());
        assertTrue(path.stream().anyMatch(p -> Math.abs(p[0] - 20) <= 1 && Math.abs(p[1] - 4) <= 1), "through the turn at (20, 4)");
        for (int[] p : path) assertTrue(Math.abs(p[1] - 4) <= 1 || Math.abs(p[0] - 20) <= 1, "on the drawn lines: " + p[0] + "," + p[1]);
    }

    static void assertNear(int[] expected, int[] actual) {
        assertTrue(Math.abs(expected[0] - actual[0]) <= 1 && Math.abs(expected[1] - actual[1]) <= 1,
                "(" + actual[0] + ", " + actual[1] + ") for (" + expected[0] + ", " + expected[1] + ")");
    }

    @Test
    @Order(5)
    void restyleTakesAGalleryVideoOrADroppedClipAtTheChosenStrength() throws Exception {
        assumeTrue(apiHas("VideoRequest", "source_video_id") && apiHas("VideoRequest", "strength"), "the API takes source_video_id once issue-36-api2 lands");
        logIn("maya", apiKey);
        String sourceId = firstSucceeded();
        press(sourceId, "restyle");
        awaitMode("restyle");
        type("prompt", "a white ball moves right");
        fewSteps();
        id("strength").sendKeys(Keys.HOME);
        id("strength").sendKeys(Keys.ARROW_RIGHT, Keys.ARROW_RIGHT, Keys.ARROW_RIGHT, Keys.ARROW_RIGHT, Keys.ARROW_RIGHT, Keys.ARROW_RIGHT);
        assertEquals("0.3", id("strength-value").getText());
        costShown();
        JsonNode video = generate();
        assertEquals(sourceId, video.path("source_video_id").asText());
        assertEquals(0.3, video.path("strength").asDouble(), 1e-9);
        assertEquals("restyle", video.path("mode").asText());

        Path clip = data.resolve("clip.mp4");
        Files.write(clip, api.get("/v1/videos/" + sourceId + "/content").bytes());
        id("clip-file").sendKeys(clip.toString());
        wait.until(ExpectedConditions.textToBe(By.id("source-label"), "Restyling clip.mp4"));
        costShown();
        JsonNode restyled = generate();
        assertFalse(restyled.path("source_video_id").asText().isEmpty());
        assertFalse(restyled.path("source_video_id").asText().equals(sourceId), "the uploaded clip, not the gallery video");
    }

    @Test
    @Order(6)
    void cameraAndStyleMenusReachTheJobAndRemixReopensThem() throws Exception {
        assumeTrue(apiHas("VideoRequest", "camera") && apiHas("VideoRequest", "style"), "the API takes camera and style once issue-36-api2 lands");
        logIn("maya", apiKey);
        mode("text");
        type("prompt", "a red ball moves left");
        fewSteps();
        type("seed", "77");
        new Select(id("camera")).selectByValue("pan-left");
        Select style = new Select(id("style"));
        style.selectByIndex(2);
        String chosenStyle = style.getFirstSelectedOption().getAttribute("value");
        costShown();
        JsonNode video = generate();
        assertEquals("pan-left", video.path("camera").asText());
        assertEquals(chosenStyle, video.path("style").asText());
        assertTrue(card(video.path("id").asText()).findElement(By.cssSelector(".meta")).getText().contains("camera pan-left · style " + chosenStyle));

        new Select(id("camera")).selectByValue("");
        style.selectByValue("");
        type("seed", "");
        press(video.path("id").asText(), "remix");
        assertEquals("pan-left", new Select(id("camera")).getFirstSelectedOption().getAttribute("value"));
        assertEquals(chosenStyle, new Select(id("style")).getFirstSelectedOption().getAttribute("value"));
        assertEquals("77", id("seed").getAttribute("value"));
    }

    @Test
    @Order(7)
    void wordsTheModelNeverSawAreWarnedOfOnSubmitAndInThePlayer() throws Exception {
        assumeTrue(apiHas("Video", "warnings"), "a video's view has warnings once issue-36-api2 lands");
        logIn("maya", apiKey);
        mode("text");
        String prompt = "a purple ball moves right"; // the tiny model never saw "purple"
        type("prompt", prompt);
        fewSteps();
        costShown();
        List<String> quoted = new ArrayList<>();
        api.post("/v1/videos/cost", java.util.Map.of("prompt", prompt)).json().path("warnings").forEach(w -> quoted.add(w.asText()));
        assertTrue(quoted.stream().anyMatch(w -> w.contains("purple")), quoted.toString());
        wait.until(d -> texts("#warnings li").equals(quoted)); // shown before submitting
        JsonNode video = generate();
        List<String> warnings = new ArrayList<>();
        video.path("warnings").forEach(w -> warnings.add(w.asText()));
        assertEquals(quoted, warnings);
        wait.until(d -> texts("#warnings li").equals(warnings)); // shown on submit
        wait.until(ExpectedConditions.textToBe(By.id("player-title"), prompt));
        wait.until(d -> texts("#player-warnings li").equals(warnings)); // and with the video
    }

    /** The shown texts of css's elements, read in one script so a re-render cannot split the reading. */
    @SuppressWarnings("unchecked")
    static List<String> texts(String css) {
        return (List<String>) js("return Array.from(document.querySelectorAll(arguments[0])).map(e => e.innerText.trim())", css);
    }

    @Test
    @Order(8)
    void remixReopensEachModeWithItsChoices() throws Exception {
        assumeTrue(apiHas("Video", "mode"), "a video's view names its mode once issue-36-api2 lands");
        logIn("maya", apiKey);
        var modes = new java.util.TreeSet<String>();
        for (JsonNode v : api.get("/v1/videos?limit=100").json().path("data")) {
            if (!v.path("status").asText().equals(Job.SUCCEEDED)) continue;
            modes.add(v.path("mode").asText());
            press(v.path("id").asText(), "remix");
            wait.until(ExpectedConditions.attributeToBe(By.id("prompt"), "value", v.path("prompt").asText()));
            String tab = browser.findElement(By.cssSelector(".mode.active")).getAttribute("data-mode");
            switch (v.path("mode").asText()) {
                case "extend" -> {
                    assertEquals("extend", tab);
                    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("extend-label"), "Extending"));
                    assertEquals("1.125", new Select(id("seconds")).getFirstSelectedOption().getAttribute("value"), "the seconds it added: 9 frames at 8 fps");
                }
                case "first_last" -> {
                    assertEquals("image", tab);
                    assertEquals("Picture " + v.path("image_id").asText(), id("image-label").getText());
                    assertEquals("Picture " + v.path("last_image_id").asText(), id("last-image-label").getText());
                }
                case "motion_path" -> {
                    assertEquals("motion_path", tab);
                    assertEquals(v.path("motion_path").size(), ((List<?>) js("return chosen.path")).size());
                }
                case "restyle" -> {
                    assertEquals("restyle", tab);
                    assertEquals(RequestRules.fmt(v.path("strength").asDouble()), id("strength-value").getText());
                }
                default -> assertEquals("text", tab, v.toString());
            }
            assertEquals(v.path("seed").asText(), id("seed").getAttribute("value"));
            assertEquals(v.path("steps").asText(), id("steps").getAttribute("value"));
        }
        assertEquals(new java.util.TreeSet<>(List.of("camera", "extend", "first_last", "motion_path", "restyle", "text")), modes, "every mode the tests made");
        screenshot("studio-remix.png");
    }

    @Test
    @Order(9)
    void anAdminSeesTheUsageView() throws Exception {
        String key = server.store().accounts().createUser("ops", User.FREE, true, 0).apiKey();
        logIn("ops", key);
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("admin-link"))).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("usage")));
        assertEquals(java.time.LocalDate.now(java.time.ZoneOffset.UTC).toString(), browser.findElement(By.cssSelector("#days tr td")).getText());
        assertTrue(id("workers").getText().matches("[01] / 1"), id("workers").getText());
        screenshot("admin.png");
    }
}
