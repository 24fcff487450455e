package io.vipflow.harness.soak;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vipflow.harness.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A short soak through the command line: it runs in CI, so it stays within about fifteen seconds. */
class SoakCommandTest
{
    @TempDir
    Path dir;

    @Test
    void shortSoakPassesEveryCheck() throws Exception
    {
        final Path json = dir.resolve("soak.json");
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final int code = soak(out, "--duration", "12s", "--workers", "2", "--seed", "3", "--round-packets",
            "20000", "--capacity", "8192", "--checkpoint", "4s", "--json", json.toString());
        final String text = out.toString(StandardCharsets.UTF_8);
        assertEquals(0, code, text);
        assertTrue(text.contains("PASS"), text);

        final JsonNode doc = new ObjectMapper().readTree(json.toFile());
        assertTrue(doc.get("passed").asBoolean(), text);
        assertTrue(doc.get("rounds").size() >= 5, text);
        assertTrue(doc.get("oracleChecked").asLong() >= 100_000, text);
        assertEquals(0, doc.get("oracleViolations").asLong(), text);
        assertEquals(0, doc.get("counterViolations").asLong(), text);
        assertTrue(doc.get("churnEvents").asLong() > 100, text);
        for (final JsonNode perWorker : doc.get("checkedPerWorker"))
        {
            assertTrue(perWorker.asLong() > 0, "every worker classified packets: " + text);
        }
        // The flood overfills the small table: evictions happen, and the table never holds more than its slots.
        assertTrue(doc.get("counters").get("evictions").asLong() > 0, text);
        assertTrue(doc.get("counters").get("inserts").asLong() > 0, text);
    }

    /**
     * A table far smaller than the traffic (256 entries under a SYN flood): eviction decides many packets, and the
     * reference model, which allows what eviction may decide, finds no violation. Two workers, so that one worker's
     * evictions race the other's packets in the same buckets: a flow that becomes ESTABLISHED while another worker
     * is choosing its victim must not be evicted, or a later packet of the flow is classified as a new flow
     * ({@code ConnTableEvictionRaceTest} reproduces that race on its own).
     */
    @Test
    void aTinyTableIsCheckedWithEvictionModelled() throws Exception
    {
        final Path json = dir.resolve("tiny.json");
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        soak(out, "--duration", "4s", "--workers", "2", "--seed", "5", "--round-packets", "20000", "--capacity", "256",
            "--checkpoint", "4s", "--json", json.toString());
        final String text = out.toString(StandardCharsets.UTF_8);
        final JsonNode doc = new ObjectMapper().readTree(json.toFile());
        assertTrue(doc.get("oracleChecked").asLong() >= 20_000, text);
        assertEquals(0, doc.get("oracleViolations").asLong(), text);
        assertTrue(doc.get("explainedByEviction").asLong() > 0, "eviction decided packets: " + text);
        assertEquals(0, doc.get("counterViolations").asLong(), text);
    }

    /** Runs {@code vipflow soak ARGS} with standard output into {@code out}; returns the exit code. */
    private static int soak(final ByteArrayOutputStream out, final String... args)
    {
        final PrintStream saved = System.out;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try
        {
            final String[] line = new String[args.length + 1];
            line[0] = "soak";
            System.arraycopy(args, 0, line, 1, args.length);
            return Main.execute(line);
        }
        finally
        {
            System.setOut(saved);
        }
    }

    @Test
    void durationsNeedAUnit()
    {
        assertEquals(90_000_000_000L, SoakCommand.parseDuration("90s", "--duration"));
        assertEquals(300_000_000_000L, SoakCommand.parseDuration("5m", "--duration"));
        assertEquals(500_000_000L, SoakCommand.parseDuration("500ms", "--duration"));
        assertThrows(IllegalArgumentException.class, () -> SoakCommand.parseDuration("5", "--duration"));
        assertThrows(IllegalArgumentException.class, () -> SoakCommand.parseDuration("0s", "--duration"));
    }
}
