package io.vipflow.harness.output;

import io.vipflow.harness.ChildJvm;
import io.vipflow.harness.CliRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/**
 * An output is replaced only by a complete file: a run stopped by SIGINT or SIGTERM leaves the earlier file as it
 * was and no temporary file; two runs writing one file leave one run's complete output.
 */
class InterruptedOutputTest
{
    @TempDir
    Path dir;

    private List<String> names() throws IOException
    {
        try (Stream<Path> files = Files.list(dir))
        {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private void stopMidRun(final String signal) throws Exception
    {
        final Path out = Files.writeString(dir.resolve("d.jsonl"), "earlier\n");
        final Path log = Files.createTempFile("vipflow-child", ".log");
        final Process child = ChildJvm.start(log, "simulate", "--scenario", "rolling-update-50", "--schedulers", "rr",
            "--packets", "3000000", "--no-oracle", "--no-progress", "--decisions", out.toString());
        try
        {
            // Wait until the temporary file holds decisions: the run is under way.
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (names().stream().noneMatch(n -> n.startsWith(".d.jsonl.")) ||
                Files.size(dir.resolve(names().stream().filter(n -> n.startsWith(".d.jsonl.")).findFirst()
                    .orElseThrow())) < 1 << 20)
            {
                assertTrue(child.isAlive(), () -> "the run ended early: " + read(log));
                assertTrue(System.nanoTime() < deadline, "no temporary file within 60 s: " + names());
                Thread.sleep(20);
            }
            assertEquals(0, new ProcessBuilder("kill", "-" + signal, Long.toString(child.pid())).start().waitFor());
            assertTrue(child.waitFor(30, TimeUnit.SECONDS), "the run did not stop");
            assertTrue(child.exitValue() != 0, "stopped by a signal: " + child.exitValue());
            assertEquals("earlier\n", Files.readString(out));
            assertEquals(List.of("d.jsonl"), names());
        }
        finally
        {
            child.destroyForcibly();
            Files.deleteIfExists(log);
        }
    }

    private static String read(final Path log)
    {
        try
        {
            return Files.readString(log);
        }
        catch (final IOException ex)
        {
            return ex.toString();
        }
    }

    @Test
    void sigtermLeavesTheEarlierFileAndNoTemporaryFile() throws Exception
    {
        stopMidRun("TERM");
    }

    /**
     * True when this JVM was started with SIGINT ignored (a shell starts background commands so, and CI often
     * does): the child inherits the disposition and the JVM keeps an ignored SIGINT ignored, so no SIGINT can
     * reach the run, as Ctrl-C cannot reach a background job. Read from the SigIgn mask of /proc/self/status.
     */
    private static boolean sigintIgnored() throws IOException
    {
        final Path status = Path.of("/proc/self/status");
        if (!Files.isReadable(status))
        {
            return false;
        }
        for (final String line : Files.readAllLines(status))
        {
            if (line.startsWith("SigIgn:"))
            {
                return (Long.parseUnsignedLong(line.substring(7).trim(), 16) & (1L << (2 - 1))) != 0;
            }
        }
        return false;
    }

    @Test
    void sigintLeavesTheEarlierFileAndNoTemporaryFile() throws Exception
    {
        assumeFalse(sigintIgnored(), "SIGINT is ignored in this process and so in its children");
        stopMidRun("INT");
    }

    @Test
    void twoRunsOnOneFileLeaveOneCompleteOutput() throws Exception
    {
        final Path out = dir.resolve("d.jsonl");
        final String[] seeds = {"1", "2"};
        final String[] alone = new String[2];
        for (int i = 0; i < 2; i++)
        {
            final CliRun run = run(seeds[i], out);
            assertEquals(0, run.code(), run.err());
            alone[i] = Files.readString(out);
        }
        final Thread[] threads = new Thread[2];
        final CliRun[] runs = new CliRun[2];
        for (int i = 0; i < 2; i++)
        {
            final int n = i;
            threads[i] = new Thread(() -> runs[n] = run(seeds[n], out));
            threads[i].start();
        }
        for (final Thread t : threads)
        {
            t.join();
        }
        assertEquals(0, runs[0].code(), runs[0].err());
        assertEquals(0, runs[1].code(), runs[1].err());
        final String both = Files.readString(out);
        assertTrue(both.equals(alone[0]) || both.equals(alone[1]), "one run's output, not a mix");
        assertEquals(List.of("d.jsonl"), names());
    }

    private static CliRun run(final String seed, final Path out)
    {
        return CliRun.of("simulate", "--scenario", "rolling-update-50", "--schedulers", "rr", "--packets", "20000",
            "--seed", seed, "--no-oracle", "--no-progress", "--decisions", out.toString());
    }
}
