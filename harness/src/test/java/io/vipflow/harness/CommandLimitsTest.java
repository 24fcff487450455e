package io.vipflow.harness;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Arguments that once ran the JVM out of memory or escaped as stack traces end with one line naming the option,
 * the value and the limit, and exit code 2; whatever still escapes a command becomes one line and a defined exit
 * code.
 */
class CommandLimitsTest
{
    @TempDir
    Path dir;

    static void assertOneLine(final CliRun run, final int code, final String... fragments)
    {
        assertEquals(code, run.code(), run.err());
        final String line = run.err().strip();
        assertFalse(line.isEmpty(), "a message");
        assertFalse(line.contains("\tat "), "no stack trace: " + run.err());
        assertFalse(line.contains("internal error"), line);
        for (final String f : fragments)
        {
            assertTrue(line.contains(f), "'" + f + "' in: " + line);
        }
    }

    @Test
    void aFleetAboveTheScenarioCapIsRefused()
    {
        assertOneLine(CliRun.of("simulate", "--scenario", "rolling-update-50", "--fleet", "1000"), 2,
            "--fleet 1000", "from 1 to 64");
    }

    @Test
    void picksAboveTheLimitAreRefused()
    {
        assertOneLine(CliRun.of("schedule", "--scheduler", "rr", "--backends", "a,b", "--picks", "2147483647"), 2,
            "--picks 2147483647", "at most 1000000");
    }

    @Test
    void aSoakTableAboveTheLimitIsRefused()
    {
        assertOneLine(CliRun.of("soak", "--capacity", "2147483647", "--duration", "1s"), 2,
            "--capacity 2147483647", "from 1 to 16777216");
    }

    @Test
    void aNodeIpThatIsNoAddressIsNamed() throws IOException
    {
        final Path cluster = Files.writeString(dir.resolve("c.json"), """
            {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web", "namespace": "shop"},
             "spec": {"clusterIP": "10.96.0.80", "ports": [{"port": 80}]}}""");
        final Path trace = Files.write(dir.resolve("t.pcap"), TestCaptures.empty());
        assertOneLine(CliRun.of("replay", "--cluster", cluster.toString(), "--trace", trace.toString(),
            "--decisions", dir.resolve("d.jsonl").toString(), "--node-ip", "1.2.3"), 2,
            "--node-ip '1.2.3' is not an IPv4 or IPv6 address");
        assertFalse(Files.exists(dir.resolve("d.jsonl")));
    }

    /**
     * Enough Services forcing Maglev's largest table (655,373 slots, 1.25 MiB each) to fill more than half of this
     * JVM's heap: refused before any table is built, with the file, the need and both ways out; no output file.
     */
    @Test
    void schedulerTablesBeyondTheHeapAreRefusedUpFront() throws IOException
    {
        final long perService = 2L * 655_373;
        final long services = (long)Math.ceil(Runtime.getRuntime().maxMemory() * 0.5 / perService) + 1;
        final StringBuilder items = new StringBuilder("{\"apiVersion\": \"v1\", \"kind\": \"List\", \"items\": [");
        for (long i = 0; i < services; i++)
        {
            items.append(i == 0 ? "" : ",").append(String.format(java.util.Locale.ROOT, """
                {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "s%d", "namespace": "big",
                 "annotations": {"vipflow.io/scheduler": "maglev", "vipflow.io/scheduler-flags": "table-size=655373"}},
                 "spec": {"clusterIP": "10.%d.%d.%d", "ports": [{"port": 80}]}}""", i, 96 + (i >> 16),
                (i >> 8) & 0xFF, i & 0xFF));
        }
        final Path cluster = Files.writeString(dir.resolve("big.json"), items.append("]}").toString());
        final Path trace = Files.write(dir.resolve("t.pcap"), TestCaptures.empty());
        assertOneLine(CliRun.of("replay", "--cluster", cluster.toString(), "--trace", trace.toString(),
            "--decisions", dir.resolve("d.jsonl").toString()), 2, "big.json", "scheduler tables of " +
            String.format(java.util.Locale.ROOT, "%,d", services) + " Services", "more than half", "table-size",
            "-Xmx");
        assertFalse(Files.exists(dir.resolve("d.jsonl")));
    }

    @Test
    void everyFailureIsOneLineWithADefinedExitCode()
    {
        final StringWriter text = new StringWriter();
        final PrintWriter err = new PrintWriter(text);
        assertEquals(Main.EXIT_OUT_OF_MEMORY, Main.report(new OutOfMemoryError("Java heap space"), err));
        assertEquals(Main.EXIT_OUT_OF_MEMORY, Main.report(new RuntimeException(new OutOfMemoryError()), err));
        assertEquals(Main.EXIT_OUT_OF_MEMORY, Main.report(new StackOverflowError(), err));
        assertEquals(Main.EXIT_BAD_INPUT, Main.report(new NoSuchFileException("/x/trace.pcap"), err));
        assertEquals(Main.EXIT_INTERNAL, Main.report(new NullPointerException("boom\nsecond line"), err));
        final String[] lines = text.toString().split("\n");
        assertEquals(5, lines.length, text.toString());
        assertTrue(lines[0].startsWith("vipflow: out of memory (heap limit ") && lines[0].contains("-Xmx"), lines[0]);
        assertTrue(lines[2].contains("-Xss"), lines[2]);
        assertEquals("vipflow: /x/trace.pcap: no such file or directory", lines[3]);
        assertTrue(lines[4].startsWith("vipflow: internal error: java.lang.NullPointerException: boom second line at "),
            lines[4]);
    }
}
