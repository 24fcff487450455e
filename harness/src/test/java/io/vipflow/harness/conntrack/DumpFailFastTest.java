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
        final Path log = dir.resolve("writer.log");
        final Process writer = ChildJvm.startMain(log, StaleLockWriter.class, table.toString());
        try
        {
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!Files.exists(log) || !Files.readString(log).contains("locked"))
            {
                assertTrue(writer.isAlive(), () -> "the writer ended: " + read(log));
                assertTrue(System.nanoTime() < deadline, "the writer never took the lock");
                Thread.sleep(20);
            }
            writer.destroyForcibly().waitFor();
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
