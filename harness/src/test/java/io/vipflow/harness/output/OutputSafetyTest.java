package io.vipflow.harness.output;

import io.vipflow.harness.CliRun;
import io.vipflow.harness.TestCaptures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * No command writes over one of its inputs or over something that is not a regular file, and a failed run leaves
 * no temporary file behind: checked at the command line (exit code, message, the files left in the directory).
 */
class OutputSafetyTest
{
    static final String CLUSTER = """
        {"apiVersion": "v1", "kind": "List", "items": [
         {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web", "namespace": "shop"},
          "spec": {"clusterIP": "10.96.0.80", "ports": [{"port": 80}]}}]}
        """;

    @TempDir
    Path dir;

    private Path cluster() throws IOException
    {
        return Files.writeString(dir.resolve("cluster.json"), CLUSTER);
    }

    private Path trace() throws IOException
    {
        return Files.write(dir.resolve("t.pcap"), TestCaptures.empty());
    }

    private CliRun replay(final Path cluster, final Path trace, final Path decisions)
    {
        return CliRun.of("replay", "--cluster", cluster.toString(), "--trace", trace.toString(), "--decisions",
            decisions.toString());
    }

    static void assertRefused(final CliRun run, final String... fragments)
    {
        assertEquals(2, run.code(), run.err());
        final String line = run.err().strip();
        assertEquals(1, line.lines().count(), "one line: " + run.err());
        for (final String f : fragments)
        {
            assertTrue(line.contains(f), "'" + f + "' in: " + line);
        }
    }

    private List<String> names() throws IOException
    {
        try (Stream<Path> files = Files.list(dir))
        {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void decisionsOverTheTraceAreRefusedAndTheTraceStays() throws IOException
    {
        final Path trace = trace();
        final CliRun run = replay(cluster(), trace, trace);
        assertRefused(run, "--decisions " + trace, "is the same file as the input --trace");
        assertArrayEquals(TestCaptures.empty(), Files.readAllBytes(trace));
        assertEquals(List.of("cluster.json", "t.pcap"), names());
    }

    @Test
    void decisionsOverTheClusterUnderAnotherSpellingOrAHardLinkAreRefused() throws IOException
    {
        final Path cluster = cluster();
        final Path trace = trace();
        Files.createDirectory(dir.resolve("sub"));
        assertRefused(replay(cluster, trace, dir.resolve("sub/../cluster.json")), "the input --cluster");
        final Path link = Files.createLink(dir.resolve("hard.json"), cluster);
        assertRefused(replay(cluster, trace, link), "hard.json", "the input --cluster");
        assertEquals(CLUSTER, Files.readString(cluster));
    }

    @Test
    void aSymbolicLinkADirectoryOrAFifoAsOutputIsRefusedAndKept() throws Exception
    {
        final Path cluster = cluster();
        final Path trace = trace();
        final Path target = Files.writeString(dir.resolve("elsewhere.txt"), "keep");
        final Path link = Files.createSymbolicLink(dir.resolve("link.jsonl"), target);
        assertRefused(replay(cluster, trace, link), "link.jsonl", "symbolic link");
        assertTrue(Files.isSymbolicLink(link));
        assertEquals("keep", Files.readString(target));

        final Path sub = Files.createDirectory(dir.resolve("out"));
        assertRefused(replay(cluster, trace, sub), "out", "is a directory");
        assertTrue(Files.isDirectory(sub));

        final Path fifo = dir.resolve("fifo");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
        assertRefused(replay(cluster, trace, fifo), "fifo", "not a regular file");
        assertTrue(Files.exists(fifo) && !Files.isRegularFile(fifo));
    }

    @Test
    void reportIntoADirectoryIsRefusedAndTheDirectoryStays() throws IOException
    {
        final Path out = Files.createDirectory(dir.resolve("report"));
        final Path from = Files.writeString(dir.resolve("run.json"), "{}");
        assertRefused(CliRun.of("report", "--from", from.toString(), "--out", out.toString()), "--out", "directory");
        assertTrue(Files.isDirectory(out));
        assertRefused(CliRun.of("report", "--from", from.toString(), "--out", from.toString()),
            "the same file as the input --from");
        assertEquals("{}", Files.readString(from));
    }

    @Test
    void twoOutputsOnOneFileAreRefused() throws IOException
    {
        final Path same = dir.resolve("out.json");
        assertRefused(CliRun.of("simulate", "--scenario", "rolling-update-50", "--json", same.toString(),
            "--summary", dir.resolve(".").resolve("out.json").toString()), "--summary", "also the output of --json");
        assertEquals(List.of(), names());
    }

    @Test
    void aGoodReplayLeavesOnlyTheDecisions() throws IOException
    {
        final Path out = dir.resolve("d.jsonl");
        Files.writeString(out, "earlier\n");
        final CliRun run = replay(cluster(), trace(), out);
        assertEquals(0, run.code(), run.err());
        assertEquals("", Files.readString(out));
        assertEquals(List.of("cluster.json", "d.jsonl", "t.pcap"), names());
    }

    @Test
    void aFailedReplayKeepsTheEarlierOutputAndLeavesNoTemporaryFile() throws IOException
    {
        final Path out = dir.resolve("d.jsonl");
        Files.writeString(out, "earlier\n");
        final Path cut = Files.write(dir.resolve("t.pcap"), java.util.Arrays.copyOf(TestCaptures.empty(), 30));
        Files.write(cut, new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14}, 
            java.nio.file.StandardOpenOption.APPEND);
        final CliRun run = replay(cluster(), cut, out);
        assertEquals(2, run.code(), run.err());
        assertTrue(run.err().contains("t.pcap"), run.err());
        assertEquals("earlier\n", Files.readString(out));
        assertEquals(List.of("cluster.json", "d.jsonl", "t.pcap"), names());
    }
}
