package io.vipflow.harness.replay;

import io.vipflow.harness.Fixtures;
import io.vipflow.harness.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bad input files end with one line naming the file and the position, and exit code 2. */
class ReplayErrorsTest
{
    @TempDir
    Path tmp;

    private String[] run(final Path cluster, final Path trace, final Path churn)
    {
        return run(cluster, trace, churn, "--strict");
    }

    private String[] run(final Path cluster, final Path trace, final Path churn, final String mode)
    {
        final PrintStream err = System.err;
        final ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try
        {
            final int code = Main.execute("replay", "--cluster", cluster.toString(), "--trace", trace.toString(),
                "--churn", churn.toString(), "--decisions", tmp.resolve("d.jsonl").toString(), mode);
            return new String[] {Integer.toString(code), captured.toString(StandardCharsets.UTF_8)};
        }
        finally
        {
            System.setErr(err);
        }
    }

    private static void assertOneLine(final String[] result, final String... fragments)
    {
        assertEquals("2", result[0], result[1]);
        final String[] lines = result[1].strip().split("\n");
        assertEquals(1, lines.length, "one line, no stack trace: " + result[1]);
        for (final String f : fragments)
        {
            assertTrue(lines[0].contains(f), "'" + f + "' in: " + lines[0]);
        }
        assertFalse(lines[0].contains("Exception"), lines[0]);
    }

    @Test
    void truncatedTrace() throws Exception
    {
        final Path sample = Fixtures.replaySample();
        final byte[] bytes = Files.readAllBytes(sample.resolve("trace.pcap"));
        final Path cut = tmp.resolve("cut.pcap");
        Files.write(cut, Arrays.copyOf(bytes, 1000));
        Files.writeString(tmp.resolve("d.jsonl"), "earlier result\n");
        assertOneLine(run(sample.resolve("cluster.json"), cut, sample.resolve("churn.jsonl")), "cut.pcap", "byte ");
        assertEquals("earlier result\n", Files.readString(tmp.resolve("d.jsonl")), "an earlier result stays");
        try (var files = Files.list(tmp))
        {
            assertEquals(java.util.List.of("cut.pcap", "d.jsonl"), files.map(f -> f.getFileName().toString()).sorted()
                .toList(), "no temporary file stays");
        }
    }

    @Test
    void notATrace() throws Exception
    {
        final Path sample = Fixtures.replaySample();
        final Path bogus = tmp.resolve("bogus.pcap");
        Files.writeString(bogus, "this is not a capture");
        assertOneLine(run(sample.resolve("cluster.json"), bogus, sample.resolve("churn.jsonl")), "bogus.pcap",
            "byte 0");
    }

    /**
     * A capture followed by a 2 GiB hole (a sparse file, as a crashed or preallocating writer leaves one) is refused
     * at the first zeroed record header, naming the file and its offset, instead of writing one malformed verdict
     * per 16 zero bytes (over 6 GB of decisions); the earlier decisions file stays as it was.
     */
    @Test
    void sparseHoleInCaptureIsRefusedAtItsOffset() throws Exception
    {
        final Path sample = Fixtures.replaySample();
        final byte[] bytes = Files.readAllBytes(sample.resolve("trace.pcap"));
        final Path holed = tmp.resolve("holed.pcap");
        Files.write(holed, bytes);
        try (var file = new java.io.RandomAccessFile(holed.toFile(), "rw"))
        {
            file.setLength(bytes.length + (2L << 30));
        }
        Files.writeString(tmp.resolve("d.jsonl"), "earlier result\n");
        assertOneLine(run(sample.resolve("cluster.json"), holed, sample.resolve("churn.jsonl")), "holed.pcap",
            "byte " + bytes.length, "all zero bytes");
        assertEquals("earlier result\n", Files.readString(tmp.resolve("d.jsonl")), "an earlier result stays");
    }

    @Test
    void malformedClusterFile() throws Exception
    {
        final Path sample = Fixtures.replaySample();
        final Path bad = tmp.resolve("bad.json");
        Files.writeString(bad, Files.readString(sample.resolve("cluster.json")).replace("\"port\": 80,",
            "\"port\": 80000,"));
        assertOneLine(run(bad, sample.resolve("trace.pcap"), sample.resolve("churn.jsonl")), "bad.json", "line ",
            "80000");
    }

    @Test
    void malformedChurnFile() throws Exception
    {
        final Path sample = Fixtures.replaySample();
        final Path bad = tmp.resolve("bad.jsonl");
        final String churn = Files.readString(sample.resolve("churn.jsonl"));
        Files.writeString(bad, churn.replace("\"10.244.9.4\"", "\"10.244.9.400\""));
        assertOneLine(run(sample.resolve("cluster.json"), sample.resolve("trace.pcap"), bad), "bad.jsonl", "line 1",
            "10.244.9.400");
    }

    @Test
    void badChurnObjectIsReportedAndLeftOutByDefault() throws Exception
    {
        final Path sample = Fixtures.replaySample();
        final Path bad = tmp.resolve("bad.jsonl");
        final String churn = Files.readString(sample.resolve("churn.jsonl"));
        Files.writeString(bad, churn.replace("\"10.244.9.4\"", "\"10.244.9.400\""));
        final String[] result = run(sample.resolve("cluster.json"), sample.resolve("trace.pcap"), bad, "--node-name=");
        assertEquals("0", result[0], result[1]);
        final String[] lines = result[1].strip().split("\n");
        for (final String line : lines)
        {
            assertTrue(line.startsWith("vipflow: rejected: ") && line.contains("10.244.9.400"), line);
        }
        assertTrue(lines[0].startsWith("vipflow: rejected: " + bad + ": line 1, column "), lines[0]);
        assertTrue(lines[0].contains("'10.244.9.400' is not a valid IP address"), lines[0]);
        assertTrue(lines[0].endsWith("(the previous state stays)"), lines[0]);
    }

    @Test
    void missingFile()
    {
        final Path sample = Fixtures.replaySample();
        assertOneLine(run(tmp.resolve("absent.json"), sample.resolve("trace.pcap"), sample.resolve("churn.jsonl")),
            "absent.json");
    }
}
