package dev.kineto.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.kineto.model.RequestRules;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/** The studio's main path in headless Chromium: log in, see the cost, generate with live previews, play, remix, share, delete. */
class StudioTest {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium"), DRIVER = Path.of("/usr/bin/chromedriver");

    @TempDir
    static Path data;
    @TempDir
    static Path profile;
    static KinetoServer server;
    static WebDriver browser;
    static WebDriverWait wait;
    static String base, apiKey;

    @BeforeAll
    static void start() {
        assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(DRIVER),
                "the studio test needs Debian's chromium and chromium-driver: ./run-tests installs them");
        server = KinetoServer.start(TinyModel.serverConfig(data), TinyModel.generator());
        base = "http://localhost:" + server.port();
        apiKey = server.store().accounts().createUser("maya", User.FREE, false, 0).apiKey();
        var options = new ChromeOptions().setBinary(CHROMIUM.toFile()).addArguments("--headless=new", "--no-sandbox", "--disable-gpu",
                "--disable-dev-shm-usage", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--window-size=1200,1000", "--user-data-dir=" + profile);
        browser = new ChromeDriver(new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile()).build(), options);
        wait = new WebDriverWait(browser, Duration.ofSeconds(20));
    }

    @AfterAll
    static void stop() {
        if (browser != null) browser.quit();
        if (server != null) server.close();
    }

    @Test
    void anAdminSeesTheUsageView() throws Exception {
        String key = server.store().accounts().createUser("ops", User.FREE, true, 0).apiKey();
        browser.get(base);
        if (!id("login").isDisplayed()) id("logout").click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("login")));
        type("username", "ops");
        type("api-key", key);
        id("login-form").submit();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("admin-link"))).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("usage")));
        assertEquals(java.time.LocalDate.now(java.time.ZoneOffset.UTC).toString(), browser.findElement(By.cssSelector("#days tr td")).getText());
        assertTrue(id("workers").getText().matches("[01] / 1"), id("workers").getText());
        screenshot("admin.png");
    }

    static WebElement id(String id) {
        return browser.findElement(By.id(id));
    }

    static void type(String field, String text) {
        id(field).clear();
        id(field).sendKeys(text);
    }

    static void screenshot(String name) throws Exception {
        Path target = Path.of("target", name);
        Files.createDirectories(target.getParent());
        Files.write(target, ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
    }

    @Test
    void createWatchPlayRemixShareAndDelete() throws Exception {
        browser.get(base);
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("login")));
        type("username", "maya");
        type("api-key", apiKey);
        id("login-form").submit();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("studio")));
        assertEquals("maya", id("who").getText());
        assertEquals("0.5", id("seconds").getAttribute("value"), "the form starts at the served model's length (the tiny model's 5 frames at 8 fps)");
        assertEquals("2.5", id("cfg").getAttribute("value"));
        assertEquals(RequestRules.fmt(RequestRules.MAX_CFG), id("cfg").getAttribute("max"), "the model's cap, as the API holds it");
        assertEquals(Integer.toString(RequestRules.MAX_STEPS), id("steps").getAttribute("max"));
        assertEquals(Long.toString(RequestRules.MAX_SEED), id("seed").getAttribute("max"), "a seed the CLI prints can be typed in");

        type("prompt", "a white square slides to the right");
        new Select(id("quality")).selectByValue("standard");
        type("seconds", "0.5");
        type("steps", "40");
        type("seed", "1234");
        wait.until(ExpectedConditions.textMatches(By.id("cost"), java.util.regex.Pattern.compile("Cost: \\d+ credits · 32×32, 5 frames")));
        type("steps", "500");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("form-error"), "steps must be from 1 to 100"));
        type("steps", "40");
        wait.until(ExpectedConditions.textToBe(By.id("form-error"), ""));

        id("submit").click();
        wait.until(ExpectedConditions.attributeContains(By.id("preview"), "src", "data:image/png;base64,"));
        // On an idle machine the tiny model can finish (and the live panel hide) between the preview and this read,
        // so the text is read from the DOM and success counts too.
        String live = (String) ((JavascriptExecutor) browser).executeScript("return document.getElementById('live-status').textContent");
        assertTrue(live.matches("(Running|Succeeded) · \\d+%"), live);
        screenshot("studio-progress.png");

        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("player-card")));
        wait.until(d -> ((Number) ((JavascriptExecutor) d).executeScript("return document.getElementById('player').readyState")).intValue() >= 1);
        assertEquals(32L, ((JavascriptExecutor) browser).executeScript("return document.getElementById('player').videoWidth"), "Chromium decodes the MP4");
        WebElement card = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("article.video[data-status=succeeded]")));
        String videoId = card.getAttribute("data-id");
        assertTrue(card.findElement(By.cssSelector("img.thumb")).getAttribute("src").endsWith("variant=thumbnail"));
        assertTrue(card.findElement(By.cssSelector("a.download")).getAttribute("href").endsWith("/v1/videos/" + videoId + "/content"));
        screenshot("studio.png");

        type("prompt", "something else");
        type("seed", "");
        card.findElement(By.cssSelector("button.remix")).click();
        assertEquals("a white square slides to the right", id("prompt").getAttribute("value"));
        assertEquals("1234", id("seed").getAttribute("value"));

        card.findElement(By.cssSelector("button.share")).click();
        wait.until(ExpectedConditions.textToBePresentInElement(card.findElement(By.cssSelector("button.share")), "Unshare"));
        id("tab-feed").click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("article.video[data-id='" + videoId + "']")));
        id("tab-mine").click();
        WebElement mine = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("article.video[data-id='" + videoId + "'] button.delete")));
        mine.click();
        wait.until(ExpectedConditions.invisibilityOfElementLocated(By.cssSelector("article.video[data-id='" + videoId + "']")));
        assertEquals(404, new ApiClient(base, apiKey).get("/v1/videos/" + videoId).status());
        assertTrue(new File("target/studio.png").length() > 0);
    }
}
