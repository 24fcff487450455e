package io.vipflow.harness.report;

import io.vipflow.harness.CliRun;
import io.vipflow.harness.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReportCommandTest
{
    private static CliRun run(final String... args)
    {
        return CliRun.of(args);
    }

    @Test
    void rendersASavedRun(@TempDir final Path dir) throws Exception
    {
        final RunReport report = ReportFixtures.rollingUpdate();
        final Path json = Files.writeString(dir.resolve("run.json"), report.toJson());
        final Path html = dir.resolve("out").resolve("run.html");
        final CliRun run = run("report", "--from", json.toString(), "--out", html.toString());
        assertEquals(0, run.code(), run.err());
        assertEquals(TerminalSummary.render(report), run.out());
        assertEquals(HtmlReport.render(report), Files.readString(html, StandardCharsets.UTF_8));
    }

    @Test
    void badInputIsOneLineAndExitCodeTwo(@TempDir final Path dir) throws Exception
    {
        final Path json = Files.writeString(dir.resolve("run.json"), "{\"scenario\": [");
        final Path html = dir.resolve("run.html");
        final CliRun bad = run("report", "--from", json.toString(), "--out", html.toString());
        assertEquals(Main.EXIT_BAD_INPUT, bad.code());
        assertTrue(bad.err().startsWith("vipflow: " + json + ": not a run report"), bad.err());
        assertEquals(1, bad.err().lines().count(), bad.err());
        assertFalse(Files.exists(html));

        final CliRun missing = run("report", "--from", dir.resolve("nope.json").toString(), "--out", html.toString());
        assertEquals(Main.EXIT_BAD_INPUT, missing.code());
        assertTrue(missing.err().contains("nope.json: no such file"), missing.err());
    }
}
