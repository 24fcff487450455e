package io.vipflow.harness.sim;

import io.vipflow.harness.CliRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code vipflow simulate} on scenarios and options that were once accepted or reported without their file: one
 * line naming the file (or option), the field and the reason, exit code 2.
 */
class ScenarioInputsTest
{
    private static final String SCENARIO = """
        name: small
        durationSeconds: 30
        schedulers: [maglev, rr]
        cluster:
          nodes: 3
          services:
            - {name: web, namespace: shop, replicas: 3, ports: [{name: http, port: 80}]}
        churn:
          - at: %s
            scale: {service: shop/web, replicas: 4}
        """;

    @TempDir
    Path dir;

    private static void assertOneLine(final CliRun run, final String... fragments)
    {
        assertEquals(2, run.code(), run.err());
        final String line = run.err().strip();
        assertEquals(1, line.lines().count(), "one line: " + run.err());
        for (final String f : fragments)
        {
            assertTrue(line.contains(f), "'" + f + "' in: " + line);
        }
    }

    @Test
    void aScenarioThatIsNotUtf8IsNamed() throws IOException
    {
        final Path bad = Files.write(dir.resolve("bad.yaml"), new byte[] {'n', 'a', 'm', 'e', ':', ' ', (byte)0xE9,
            (byte)0xFF, (byte)0xFE, '\n'});
        assertOneLine(CliRun.of("simulate", "--scenario", bad.toString()), "bad.yaml", "not UTF-8 text");
    }

    @Test
    void aChurnEventAfterTheEndIsRefusedWithItsField() throws IOException
    {
        final Path late = Files.writeString(dir.resolve("late.yaml"), SCENARIO.formatted("45"));
        assertOneLine(CliRun.of("simulate", "--scenario", late.toString()), "late.yaml: line 9",
            "churn[0].at", "45.0 is not before the scenario's end (durationSeconds 30.0)");
    }

    @Test
    void aSchedulerListedTwiceIsRefused() throws IOException
    {
        assertOneLine(CliRun.of("simulate", "--scenario", "node-failure", "--schedulers", "rr,maglev,rr"),
            "vipflow simulate:", "[rr, maglev, rr] name one twice");
        final Path twice = Files.writeString(dir.resolve("twice.yaml"), SCENARIO.formatted("10")
            .replace("[maglev, rr]", "[rr, rr]"));
        assertOneLine(CliRun.of("simulate", "--scenario", twice.toString()), "twice.yaml: line 3",
            "schedulers[1]", "'rr' is listed twice");
        assertFalse(Files.exists(dir.resolve("d.jsonl")));
    }
}
