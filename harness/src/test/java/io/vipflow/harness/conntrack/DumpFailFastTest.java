package io.vipflow.harness.conntrack;

import io.vipflow.harness.ChildJvm;
import io.vipflow.harness.CliRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A Chronicle table dump never waits on a lock longer than {@code --wait}: a segment lock left by a killed writer
 * and a file cut short each end with one line naming the cause, and exit code 2.
 */
class DumpFailFastTest
{
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
    void aStaleLockIsNamedWithinTheWait() throws Exception
    {
        final Path table = dir.resolve("conntrack.cmap");
        final Process writer = killedWhileHoldingALock(table);
        try
        {
            // In a JVM of its own: the process must end too, although Chronicle's exit hook would wait for the
            // reader stuck on the lock.
            final Path dumpLog = dir.resolve("dump.log");
            final Process dump = ChildJvm.start(dumpLog, "conntrack", "dump", "--file", table.toString(), "--wait",
                "1");
            assertTrue(dump.waitFor(60, TimeUnit.SECONDS), "the dump ended");
            assertOneLine(new CliRun(dump.exitValue(), "", Files.readString(dumpLog)), table.toString(),
                "segment lock was held for more than 1 s", "stale lock");
        }
        finally
        {
            writer.destroyForcibly();
        }
    }

    /**
     * SIGTERM while the dump waits on a stale lock (a long {@code --wait}) ends it at once: Chronicle's own exit hook
     * would wait for the reader stuck on the lock, so a process that ignored the signal would live on until the
     * wait ran out. The test waits until the child's stack shows it spinning on the lock (through {@code jcmd}),
     * then signals it.
     */
    @Test
    void sigtermDuringALockWaitEndsTheDump() throws Exception
    {
        final Path table = dir.resolve("conntrack.cmap");
        final Process writer = killedWhileHoldingALock(table);
        Process dump = null;
        try
        {
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            dump = ChildJvm.start(dir.resolve("dump.log"), "conntrack", "dump", "--file", table.toString(), "--wait",
                "120");
            while (!spinsOnALock(dump.pid()))
            {
                assertTrue(dump.isAlive(), () -> "the dump ended before waiting: " + read(dir.resolve("dump.log")));
                assertTrue(System.nanoTime() < deadline, "the dump never reached the lock");
                Thread.sleep(100);
            }
            final long signalled = System.nanoTime();
            dump.destroy();
            assertTrue(dump.waitFor(15, TimeUnit.SECONDS), "the dump ended on SIGTERM, long before its 120 s wait");
            assertEquals(143, dump.exitValue(), "ended by the signal (128 + 15)");
            assertTrue(System.nanoTime() - signalled < TimeUnit.SECONDS.toNanos(15));
            assertTrue(read(dir.resolve("dump.log")).contains("interrupted by SIGTERM while reading " + table),
                () -> read(dir.resolve("dump.log")));
        }
        finally
        {
            writer.destroyForcibly();
            if (dump != null)
            {
                dump.destroyForcibly();
            }
        }
    }

    /** Starts a writer that takes a segment lock of {@code table} and kills it while it holds the lock. */
    private Process killedWhileHoldingALock(final Path table) throws Exception
    {
        final Path log = dir.resolve("writer.log");
        final Process writer = ChildJvm.startMain(log, StaleLockWriter.class, table.toString());
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.exists(log) || !Files.readString(log).contains("locked"))
        {
            assertTrue(writer.isAlive(), () -> "the writer ended: " + read(log));
            assertTrue(System.nanoTime() < deadline, "the writer never took the lock");
            Thread.sleep(20);
        }
        writer.destroyForcibly().waitFor();
        return writer;
    }

    /** Whether a thread of process {@code pid} is inside a Chronicle lock method, as {@code jcmd} prints stacks. */
    private static boolean spinsOnALock(final long pid) throws Exception
    {
        final Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
            Long.toString(pid), "Thread.print").redirectErrorStream(true).start();
        final String stacks = new String(jcmd.getInputStream().readAllBytes());
        jcmd.waitFor(30, TimeUnit.SECONDS);
        return stacks.lines().anyMatch(l -> l.contains("at net.openhft.") && l.contains("Lock"));
    }

    @Test
    void aChronicleFileCutShortIsNamed() throws Exception
    {
        // The text Chronicle Map writes first, then nothing: a writer killed while creating the file.
        final Path table = dir.resolve("half.cmap");
        final byte[] bytes = new byte[1 << 16];
        final byte[] marker = "!net.openhft.chronicle.map.VanillaChronicleMap {".getBytes();
        System.arraycopy(marker, 0, bytes, 8, marker.length);
        Files.write(table, bytes);
        final CliRun run = assertTimeoutPreemptively(Duration.ofSeconds(30), () ->
            CliRun.of("conntrack", "dump", "--file", table.toString(), "--wait", "1"));
        assertOneLine(run, table.toString(), "not a Chronicle connection table", "shorter than the header");
    }

    private static String read(final Path log)
    {
        try
        {
            return Files.readString(log);
        }
        catch (final java.io.IOException ex)
        {
            return ex.toString();
        }
    }
}
